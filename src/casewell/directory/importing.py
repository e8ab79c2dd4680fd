"""Loading the central directory from a CSV file, idempotently, with a report of what changed.

The file is UTF-8 (a byte-order mark from Excel is fine) with a header row. Each row is either
an organisation or a contact at one, and carries a stable ``key`` so a second import of the
same file changes nothing, and an edited row updates its entry in place:

==================  =======================================================================
column              meaning
==================  =======================================================================
record              ``organisation`` or ``contact`` (required)
key                 stable key of this row: letters, digits, ``-`` and ``_`` (required;
                    unique in the file; organisations and contacts have separate keys)
organisation_key    for a contact: the key of its organisation (in this file or already
                    imported)
name                organisation's or contact's name (required)
kind                for an organisation (required): government_department, ministers_office,
                    agency_mp_hotline, council, housing_association, school, gp_practice,
                    other (or the label, such as "Housing association")
role                for a contact: their job, such as "Casework team leader"
email, phone        checked; phones stored in E.164, like +441134960000
website             for an organisation
address_line_1, address_line_2, town, postcode
                    postal address; postcode checked and written as SW1A 1AA
notes               for an organisation
==================  =======================================================================

Only ``record``, ``key`` and ``name`` must be present as columns; an unknown column stops the
import before anything is written (it is most likely a misspelt one). A bad row is rejected
with its line number and every reason, and the good rows are still applied. Entries missing
from the file are left alone: the import adds and updates, it never deletes.

Offices' *links* to a changed central entry (copies they have not overridden) are updated to
match in the same transaction; their overrides are never touched.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casewell.directory.details import clean_contact_details, clean_organisation_details
from casewell.directory.models import (
    CentralContact,
    CentralOrganisation,
    ContactDetails,
    Organisation,
    OrganisationDetails,
)
from casewell.offices.tenancy import across_all_offices

REQUIRED_COLUMNS = ("record", "key", "name")
COLUMNS = (
    "record",
    "key",
    "organisation_key",
    "name",
    "kind",
    "role",
    "email",
    "phone",
    "website",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "notes",
)
ORGANISATION_ONLY = ("kind", "website", "notes")
CONTACT_ONLY = ("organisation_key", "role")
KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")


class DirectoryFileProblem(Exception):
    """The file as a whole cannot be read (encoding, header): nothing was imported."""


@dataclass
class RejectedRow:
    line: int
    key: str
    reasons: list[str]


@dataclass
class ImportReport:
    """What an import did, entry by entry (keys; an update also names the fields it changed)."""

    added: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    offices_links_updated: int = 0

    @property
    def rows_applied(self) -> int:
        return len(self.added) + len(self.updated) + len(self.unchanged)

    def as_json(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": [asdict(row) for row in self.rejected],
            "counts": {
                "added": len(self.added),
                "updated": len(self.updated),
                "unchanged": len(self.unchanged),
                "rejected": len(self.rejected),
            },
            "offices_links_updated": self.offices_links_updated,
        }


@dataclass
class _Row:
    line: int
    record: str
    key: str
    values: dict[str, str]
    organisation_key: str = ""


def read_rows(data: bytes) -> tuple[list[dict[str, str]], list[int]]:
    """The CSV's rows as dicts with their line numbers, or DirectoryFileProblem saying why not."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        raise DirectoryFileProblem(
            f"The file is not UTF-8 text (byte {problem.start + 1} cannot be read). "
            "Save it as “CSV UTF-8” and try again."
        ) from None
    if "\x00" in text:
        raise DirectoryFileProblem("The file is not a CSV file: it contains binary data.")
    reader = csv.DictReader(io.StringIO(text, newline=""), restkey="_extra", strict=True)
    try:
        header = [name.strip().lower() for name in (reader.fieldnames or [])]
    except csv.Error as problem:
        raise DirectoryFileProblem(f"The header row cannot be read as CSV: {problem}.") from None
    if not header:
        raise DirectoryFileProblem("The file is empty: it needs a header row naming the columns.")
    unknown = [name for name in header if name not in COLUMNS]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if unknown or missing or duplicated:
        parts = []
        if missing:
            parts.append(f"missing the column(s) {', '.join(missing)}")
        if unknown:
            parts.append(f"has column(s) Casewell does not know: {', '.join(unknown)}")
        if duplicated:
            parts.append(f"names the column(s) {', '.join(duplicated)} twice")
        raise DirectoryFileProblem(
            "The header row is " + "; ".join(parts) + ". The columns are: " + ", ".join(COLUMNS)
        )
    reader.fieldnames = header
    rows: list[dict[str, str]] = []
    lines: list[int] = []
    while True:
        # The reader does not count the line it fails on, so remember where each row starts.
        starts = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as problem:
            raise DirectoryFileProblem(
                f"Line {starts} cannot be read as CSV: {problem}. Nothing was imported."
            ) from None
        rows.append(row)
        lines.append(reader.line_num)
    return rows, lines


def _parse(raw: dict[str, Any], line: int, seen: dict[tuple[str, str], int]) -> _Row:
    reasons: list[str] = []
    if raw.get("_extra"):
        reasons.append("has more values than the header has columns")
    record = str(raw.get("record") or "").strip().lower()
    key = str(raw.get("key") or "").strip().lower()
    if record not in ("organisation", "contact"):
        reasons.append(f"record must be “organisation” or “contact”, not “{raw.get('record')}”")
    if not key:
        reasons.append("key: enter a key, such as dwp-mp-hotline")
    elif not KEY.match(key):
        reasons.append(
            f"key: “{key}” may only have letters, digits, - and _ (up to 100 characters)"
        )
    elif (record, key) in seen:
        reasons.append(f"key: “{key}” is already used on line {seen[(record, key)]}")
    values = {name: str(raw.get(name) or "") for name in COLUMNS if name in raw}
    cleaned: dict[str, str] = {}
    if record == "organisation":
        stray = [name for name in CONTACT_ONLY if values.get(name, "").strip()]
        if stray:
            reasons.append(f"an organisation has no {' or '.join(stray)}")
        try:
            cleaned = clean_organisation_details(values)
        except ValidationError as error:
            reasons += _reasons(error)
    elif record == "contact":
        stray = [name for name in ORGANISATION_ONLY if values.get(name, "").strip()]
        if stray:
            reasons.append(f"a contact has no {' or '.join(stray)}")
        if not values.get("organisation_key", "").strip():
            reasons.append("organisation_key: a contact needs the key of its organisation")
        try:
            cleaned = clean_contact_details(values)
        except ValidationError as error:
            reasons += _reasons(error)
    if reasons:
        raise _Rejected(RejectedRow(line=line, key=key, reasons=reasons))
    seen[(record, key)] = line
    return _Row(
        line=line,
        record=record,
        key=key,
        values=cleaned,
        organisation_key=values.get("organisation_key", "").strip().lower(),
    )


class _Rejected(Exception):
    def __init__(self, row: RejectedRow) -> None:
        self.row = row


def _reasons(error: ValidationError) -> list[str]:
    return [
        f"{name}: {message}"
        for name, messages in error.message_dict.items()
        for message in messages
    ]


def _changed_fields(record: Any, values: dict[str, str]) -> list[str]:
    return [name for name, value in values.items() if getattr(record, name) != value]


def import_central_directory(
    data: bytes, *, progress: Callable[[int, int], None] | None = None
) -> ImportReport:
    """Add and update central entries from CSV bytes; report every row's fate.

    Requires system rights (it is run from the command line; offices never write the central
    directory). Raises DirectoryFileProblem if the file as a whole is unreadable, writing
    nothing. Otherwise applies every good row in one transaction, rejects bad ones with their
    line number and reasons, and brings offices' un-overridden links up to date. ``progress``
    is called with (rows handled so far, rows in the file).
    """
    raw_rows, lines = read_rows(data)
    report = ImportReport()
    total = len(raw_rows)
    seen: dict[tuple[str, str], int] = {}
    organisations: list[_Row] = []
    contacts: list[_Row] = []
    for raw, line in zip(raw_rows, lines, strict=True):
        try:
            row = _parse(raw, line, seen)
        except _Rejected as rejected:
            report.rejected.append(rejected.row)
            continue
        (organisations if row.record == "organisation" else contacts).append(row)

    done = len(report.rejected)
    if progress:
        progress(done, total)
    with transaction.atomic():
        by_key = {
            central.key: central
            for central in CentralOrganisation.objects.filter(
                key__in=[row.key for row in organisations]
                + [row.organisation_key for row in contacts]
            )
        }
        changed_centrals: list[CentralOrganisation] = []
        for row in organisations:
            central = by_key.get(row.key)
            label = f"organisation {row.key}"
            if central is None:
                central = CentralOrganisation.objects.create(key=row.key, **row.values)
                by_key[row.key] = central
                report.added.append(label)
            else:
                changed = _changed_fields(central, row.values)
                if changed:
                    for name in changed:
                        setattr(central, name, row.values[name])
                    central.updated_at = timezone.now()
                    central.save()
                    changed_centrals.append(central)
                    report.updated[label] = changed
                else:
                    report.unchanged.append(label)
            done += 1
            if progress:
                progress(done, total)
        existing_contacts = {
            contact.key: contact
            for contact in CentralContact.objects.filter(key__in=[row.key for row in contacts])
        }
        for row in contacts:
            label = f"contact {row.key}"
            organisation = by_key.get(row.organisation_key)
            if organisation is None:
                report.rejected.append(
                    RejectedRow(
                        line=row.line,
                        key=row.key,
                        reasons=[
                            f"organisation_key: no organisation has the key "
                            f"“{row.organisation_key}” (in this file or imported before)"
                        ],
                    )
                )
            else:
                _import_contact(row, organisation, existing_contacts.get(row.key), report, label)
            done += 1
            if progress:
                progress(done, total)
        report.offices_links_updated = _update_offices_links(changed_centrals)
    report.rejected.sort(key=lambda rejected: rejected.line)
    return report


def _import_contact(
    row: _Row,
    organisation: CentralOrganisation,
    contact: CentralContact | None,
    report: ImportReport,
    label: str,
) -> None:
    if contact is None:
        CentralContact.objects.create(key=row.key, organisation=organisation, **row.values)
        report.added.append(label)
        return
    changed = _changed_fields(contact, row.values)
    if contact.organisation_id != organisation.pk:
        changed.append("organisation_key")
        contact.organisation = organisation
    if not changed:
        report.unchanged.append(label)
        return
    for name in changed:
        if name in ContactDetails.DETAIL_FIELDS:
            setattr(contact, name, row.values[name])
    contact.updated_at = timezone.now()
    contact.save()
    report.updated[label] = changed


def _update_offices_links(centrals: Iterable[CentralOrganisation]) -> int:
    """Bring every office's un-overridden copy of these entries into line with them."""
    updated = 0
    with across_all_offices():
        for central in centrals:
            values = {name: getattr(central, name) for name in OrganisationDetails.DETAIL_FIELDS}
            updated += Organisation.all_offices.filter(central=central, overridden=False).update(
                **values, updated_at=timezone.now()
            )
    return updated


def import_central_directory_file(
    path: Path, *, progress: Callable[[int, int], None] | None = None
) -> ImportReport:
    """``import_central_directory`` for a file on disk (DirectoryFileProblem if unreadable)."""
    try:
        data = path.read_bytes()
    except OSError as problem:
        raise DirectoryFileProblem(f"{path} cannot be read: {problem.strerror}.") from None
    return import_central_directory(data, progress=progress)


SAMPLE = Path(__file__).parent / "samples" / "central_directory.csv"
