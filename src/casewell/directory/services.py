"""Operations on the directory: the only code that writes an office's organisations and contacts.

Who may do what (an MP's office works this way: caseworkers meet new people at an organisation
every day, while the organisations themselves are the office's shared reference):

* everyone in the office reads the directory (the central entries and the office's own);
* caseworkers, managers, the member and administrators add and change **contacts**;
* managers and administrators add and change **organisations**, override a central entry
  locally and revert an override;
* interns and volunteers and wellbeing champions only read;
* nobody in an office writes the central directory: only ``casewell directory import`` does
  (``casewell.directory.importing``).

For other domains (cases links a case to an organisation):

    organisation_for_case(user, *, central_id=None, organisation_id=None) -> Organisation

gives the office-level ``Organisation`` row to link: for ``organisation_id`` the office's own
row (404 for any other office's); for ``central_id`` the office's row for that central entry,
making a *link* row (a copy of the central details, kept in step by imports) the first time.
It needs no role beyond being active staff of the office: linking is casework, not editing.

Every write runs bound to the user's office in one transaction; the audit trail records each
save of an ``Organisation`` or ``Contact`` by signal (``casewell.offices.audit``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import CharField, F, Q, QuerySet, Value
from django.http import Http404

from casewell.directory.details import clean_contact_details, clean_organisation_details
from casewell.directory.models import (
    CentralContact,
    CentralOrganisation,
    Contact,
    Organisation,
    OrganisationDetails,
    OrganisationKind,
)
from casewell.offices.models import Role, User
from casewell.offices.permissions import get_for, may_see
from casewell.offices.tenancy import bind_office

CONTACT_EDITORS = (Role.CASEWORKER, Role.MANAGER, Role.MEMBER, Role.ADMINISTRATOR)
ORGANISATION_EDITORS = (Role.MANAGER, Role.ADMINISTRATOR)


def may_edit_contacts(user: User) -> bool:
    return user.has_role(*CONTACT_EDITORS)


def may_edit_organisations(user: User) -> bool:
    return user.has_role(*ORGANISATION_EDITORS)


@contextmanager
def _working_for(user: User, roles: tuple[str, ...], refusal: str) -> Iterator[None]:
    """Bind the user's office, refuse the wrong roles, and run the block in one transaction."""
    with bind_office(user.office_id, actor=user), transaction.atomic():
        if not user.is_active or user.is_locked or (roles and not user.has_role(*roles)):
            raise PermissionDenied(refusal)
        yield


def _own(user: User, record: Organisation | Contact) -> None:
    """A record handed in by a caller must be the user's office's: otherwise it does not exist."""
    if not may_see(user, record):
        raise Http404(f"No {record._meta.verbose_name} found.")


# Reading ---------------------------------------------------------------------------------------


def find_in_directory(user: User, *, name: str = "", kind: str = "") -> QuerySet[Any]:
    """The merged directory the user's office sees, as rows ordered by name.

    One row per entry: the central entries (except those the office has overridden) and the
    office's own organisations and overrides. A link row (a central entry a case or contact
    uses, unchanged) is shown as the central entry, so nothing appears twice. Each row is a
    dict with ``entry_source`` ("central" or "office"), ``entry_id``, ``entry_key`` (a central
    entry's key), ``entry_name``, ``entry_kind``, ``entry_town``, ``entry_postcode``.
    Every word of ``name`` must be in the name; ``kind`` is one ``OrganisationKind`` value.
    Evaluate it inside the user's office (a request or API call is): on PostgreSQL the office
    wall hides the office's rows from a query run outside it.
    """
    own = Organisation.objects.filter(office_id=user.office_id)
    overridden = own.filter(overridden=True).values("central_id")
    central = CentralOrganisation.objects.exclude(id__in=overridden)
    office = own.filter(Q(central__isnull=True) | Q(overridden=True))
    for word in name.split():
        central = central.filter(name__icontains=word)
        office = office.filter(name__icontains=word)
    if kind:
        central = central.filter(kind=kind)
        office = office.filter(kind=kind)

    def rows(queryset: QuerySet[Any], source: str, key: Any) -> QuerySet[Any]:
        # No ordering inside: a compound statement is ordered as a whole.
        return (
            queryset.order_by()
            .annotate(
                entry_source=Value(source, output_field=CharField()),
                entry_id=F("id"),
                entry_key=key,
                entry_name=F("name"),
                entry_kind=F("kind"),
                entry_town=F("town"),
                entry_postcode=F("postcode"),
            )
            .values(
                "entry_source",
                "entry_id",
                "entry_key",
                "entry_name",
                "entry_kind",
                "entry_town",
                "entry_postcode",
            )
        )

    merged = rows(central, "central", F("key")).union(
        rows(office, "office", Value("", output_field=CharField())), all=True
    )
    return merged.order_by("entry_name", "entry_source", "entry_id")


def kind_label(kind: str) -> str:
    return OrganisationKind(kind).label if kind in OrganisationKind.values else kind


@dataclass
class DirectoryEntry:
    """One organisation as an office sees it: the details to show and every contact."""

    details: OrganisationDetails
    central: CentralOrganisation | None
    organisation: Organisation | None
    central_contacts: list[CentralContact] = field(default_factory=list)
    office_contacts: list[Contact] = field(default_factory=list)

    @property
    def is_central(self) -> bool:
        """Shown as the central directory has it (read-only to the office)."""
        return isinstance(self.details, CentralOrganisation)

    @property
    def is_override(self) -> bool:
        return self.organisation is not None and self.organisation.is_override

    @property
    def is_local(self) -> bool:
        return self.organisation is not None and self.organisation.is_local


def _entry(
    central: CentralOrganisation | None, organisation: Organisation | None
) -> DirectoryEntry:
    shows_office = organisation is not None and not organisation.is_link
    details: OrganisationDetails = organisation if shows_office else central  # type: ignore[assignment]
    return DirectoryEntry(
        details=details,
        central=central,
        organisation=organisation,
        central_contacts=list(central.contacts.order_by("name", "id")) if central else [],
        office_contacts=(
            list(Contact.objects.filter(organisation=organisation).order_by("name", "id"))
            if organisation is not None
            else []
        ),
    )


def central_entry(user: User, central_key: str) -> DirectoryEntry:
    """A central entry as the user's office sees it, with the office's contacts there; else 404.

    The details are always the central ones (an override has its own page); the office's
    row, if any, is included so its contacts show and the page can point to the override.
    """
    central = CentralOrganisation.objects.filter(key=central_key).first()
    if central is None:
        raise Http404("No organisation found.")
    with bind_office(user.office_id, actor=user):
        organisation = Organisation.objects.filter(central=central).first()
        entry = _entry(central, organisation)
    entry.details = central
    return entry


def office_entry(user: User, organisation_id: Any, *, channel: str = "page") -> DirectoryEntry:
    """One of the office's organisations with its contacts (and its central ones); else 404."""
    with bind_office(user.office_id, actor=user):
        organisation = get_for(user, Organisation, organisation_id, channel=channel)
        return _entry(organisation.central, organisation)


def get_contact_for(user: User, contact_id: Any, *, channel: str = "page") -> Contact:
    """One of the office's contacts; another office's (or no such) id is 404."""
    with bind_office(user.office_id, actor=user):
        return get_for(user, Contact, contact_id, channel=channel)


def get_organisation_for(
    user: User, organisation_id: Any, *, channel: str = "page"
) -> Organisation:
    """One of the office's organisations; another office's (or no such) id is 404."""
    with bind_office(user.office_id, actor=user):
        return get_for(user, Organisation, organisation_id, channel=channel)


def get_central_organisation(central_key: str) -> CentralOrganisation:
    """A central entry by its key (every office may read it); else 404."""
    central = CentralOrganisation.objects.filter(key=central_key).first()
    if central is None:
        raise Http404("No organisation found.")
    return central


# Linking (for cases) --------------------------------------------------------------------------


def _office_row_for(central: CentralOrganisation) -> Organisation:
    """The bound office's row for a central entry, made as a link the first time."""
    existing = Organisation.objects.filter(central=central).first()
    if existing is not None:
        return existing
    link = Organisation(central=central, overridden=False, **_central_values(central))
    try:
        # A colleague may link the same entry at the same moment: the constraint keeps one row.
        with transaction.atomic():
            link.save()
    except IntegrityError:
        return Organisation.objects.get(central=central)
    return link


def _central_values(central: CentralOrganisation) -> dict[str, Any]:
    return {name: getattr(central, name) for name in OrganisationDetails.DETAIL_FIELDS}


def organisation_for_case(
    user: User, *, central_id: int | None = None, organisation_id: int | None = None
) -> Organisation:
    """The office-level organisation a case (or anything of the office's) should point at.

    Give exactly one of ``organisation_id`` (one of the office's own rows: local, link or
    override; another office's id is 404) or ``central_id`` (a central entry: the office's
    row for it, created as a link on first use; an unknown id is 404). Requires active staff
    of the office. Causes, the first time a central entry is used, one new ``Organisation``
    row and its audit entry.
    """
    if (central_id is None) == (organisation_id is None):
        raise ValueError("Give exactly one of central_id or organisation_id.")
    with _working_for(user, (), "Your account cannot change the directory."):
        if organisation_id is not None:
            return get_for(user, Organisation, organisation_id)
        central = CentralOrganisation.objects.filter(pk=central_id).first()
        if central is None:
            raise Http404("No organisation found.")
        return _office_row_for(central)


# Organisations -------------------------------------------------------------------------------

ORGANISATION_REFUSAL = "Only the office’s managers and administrators may change organisations."
CONTACT_REFUSAL = (
    "Only caseworkers, managers, the member and administrators may add or change contacts."
)


def add_organisation(user: User, values: Mapping[str, Any]) -> Organisation:
    """Add an organisation of the office's own. Requires a manager or administrator.

    Raises ValidationError naming each bad field. Causes an audit entry.
    """
    with _working_for(user, ORGANISATION_EDITORS, ORGANISATION_REFUSAL):
        organisation = Organisation(**clean_organisation_details(values))
        organisation.save()
        return organisation


def change_organisation(
    user: User, organisation: Organisation, values: Mapping[str, Any]
) -> Organisation:
    """Change the office's own organisation or its override of a central entry.

    Requires a manager or administrator. A link to a central entry is read-only: override it
    first (PermissionDenied otherwise). Raises ValidationError naming each bad field. Causes an
    audit entry listing what changed.
    """
    with _working_for(user, ORGANISATION_EDITORS, ORGANISATION_REFUSAL):
        _own(user, organisation)
        if organisation.is_link:
            raise PermissionDenied(
                "This organisation comes from the central directory, which is read-only. "
                "Override it locally first, then change the office’s copy."
            )
        for name, value in clean_organisation_details(values).items():
            setattr(organisation, name, value)
        organisation.save()
        return organisation


def override_central_organisation(user: User, central: CentralOrganisation) -> Organisation:
    """Give the office its own copy of a central entry, to change as it likes.

    Requires a manager or administrator. The office's values then win wholesale: later imports
    leave the copy alone, and no other office sees it. Overriding twice returns the same row.
    Causes an audit entry (the row created, or its ``overridden`` flag changed).
    """
    with _working_for(user, ORGANISATION_EDITORS, ORGANISATION_REFUSAL):
        organisation = Organisation.objects.filter(central=central).first()
        if organisation is None:
            # Made overridden from the start: one audit entry, not "linked" then "overridden".
            organisation = Organisation(
                central=central, overridden=True, **_central_values(central)
            )
            organisation.save()
        elif not organisation.overridden:
            organisation.overridden = True
            organisation.save()
        return organisation


def revert_override(user: User, organisation: Organisation) -> Organisation:
    """Drop the office's changes to a central entry: back to the central details.

    Requires a manager or administrator. The row stays (cases and contacts still point at it)
    as a link that imports keep up to date. Causes an audit entry of the values restored.
    """
    with _working_for(user, ORGANISATION_EDITORS, ORGANISATION_REFUSAL):
        _own(user, organisation)
        if not organisation.is_override or organisation.central is None:
            raise PermissionDenied("Only an office’s copy of a central entry can be reverted.")
        for name, value in _central_values(organisation.central).items():
            setattr(organisation, name, value)
        organisation.overridden = False
        organisation.save()
        return organisation


# Contacts -----------------------------------------------------------------------------------


def add_contact(user: User, organisation: Organisation, values: Mapping[str, Any]) -> Contact:
    """Add a contact at one of the office's organisations.

    Requires a caseworker, manager, the member or an administrator. Raises ValidationError
    naming each bad field. Causes an audit entry.
    """
    with _working_for(user, CONTACT_EDITORS, CONTACT_REFUSAL):
        _own(user, organisation)
        contact = Contact(organisation=organisation, **clean_contact_details(values))
        contact.save()
        return contact


def add_contact_at_central(
    user: User, central: CentralOrganisation, values: Mapping[str, Any]
) -> Contact:
    """Add the office's own contact at a central organisation (seen by this office only).

    The office's link row for the entry is made if it has none. Requirements and errors as
    ``add_contact``.
    """
    with _working_for(user, CONTACT_EDITORS, CONTACT_REFUSAL):
        cleaned = clean_contact_details(values)
        organisation = _office_row_for(central)
        contact = Contact(organisation=organisation, **cleaned)
        contact.save()
        return contact


def change_contact(user: User, contact: Contact, values: Mapping[str, Any]) -> Contact:
    """Change one of the office's contacts. Requirements and errors as ``add_contact``."""
    with _working_for(user, CONTACT_EDITORS, CONTACT_REFUSAL):
        _own(user, contact)
        for name, value in clean_contact_details(values).items():
            setattr(contact, name, value)
        contact.save()
        return contact
