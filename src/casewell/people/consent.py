"""Consent and authority: who may act for a person, and their signed permission form.

What "expired" means. A permission form is in force from the day it was signed
to its ``valid_until`` date, inclusive. That date is the one written on the form
when it states one; when it states none, it is twelve months after signing
(``DEFAULT_VALIDITY_MONTHS``), because agencies commonly ask for permission
given within the last year. A form recorded but not yet signed (printed and
sent out, say) gives no permission. A withdrawn form gives none from the moment
it is withdrawn.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone

from casewell.files.services import store_file
from casewell.offices.models import User
from casewell.people.models import PermissionForm, Person, Relationship, ThirdPartyAuthority
from casewell.people.phones import normalise_phone
from casewell.people.postcodes import normalise_postcode
from casewell.people.services import (
    Problems,
    _required,
    clean_date_of_birth,
    clean_email,
    working_on,
)

DEFAULT_VALIDITY_MONTHS = 12

# --- National Insurance numbers ---------------------------------------------------------------

NI_EXAMPLE = "like QQ 12 34 56 C"
# HMRC never issues these first letters, second letters, or pairs.
NI_NEVER_FIRST = "DFIQUV"
NI_NEVER_SECOND = "DFIOQUV"
NI_NEVER_PAIRS = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


def normalise_national_insurance_number(text: str) -> str:
    """The number as stored ("ab 12 34 56 c" -> "AB123456C").

    Raises ValidationError naming the problem (length, letters, numbers, suffix, prefix).
    """
    typed = " ".join(str(text).split())
    compact = re.sub(r"[\s-]", "", typed).upper()
    if not compact:
        raise ValidationError(f"Enter a National Insurance number, {NI_EXAMPLE}")
    if not compact.isascii() or not compact.isalnum():
        raise ValidationError(
            f"{typed} has characters a National Insurance number does not have: it is "
            f"2 letters, 6 numbers, then A, B, C or D, {NI_EXAMPLE}"
        )
    if len(compact) != 9:
        size = "too short" if len(compact) < 9 else "too long"
        raise ValidationError(
            f"{typed} is {size}: a National Insurance number is 2 letters, 6 numbers, then "
            f"A, B, C or D, {NI_EXAMPLE}"
        )
    prefix, digits, suffix = compact[:2], compact[2:8], compact[8]
    if not prefix.isalpha():
        raise ValidationError(f"{typed} must start with 2 letters, {NI_EXAMPLE}")
    if not digits.isdigit():
        raise ValidationError(
            f"{typed} must have 6 numbers after the first 2 letters, {NI_EXAMPLE}"
        )
    if suffix not in "ABCD":
        raise ValidationError(f"{typed} must end with A, B, C or D, {NI_EXAMPLE}")
    if prefix[0] in NI_NEVER_FIRST or prefix[1] in NI_NEVER_SECOND or prefix in NI_NEVER_PAIRS:
        raise ValidationError(
            f"{typed} cannot be right: no National Insurance number starts with {prefix}"
        )
    return compact


def national_insurance_display(number: str) -> str:
    """ "AB123456C" -> "AB 12 34 56 C", the way it is printed on letters."""
    if len(number) != 9:
        return number
    return f"{number[:2]} {number[2:4]} {number[4:6]} {number[6:8]} {number[8]}"


# --- Third parties who may act for a person ---------------------------------------------------


def add_authority(
    user: User,
    person: Person,
    *,
    name: str,
    relationship: str,
    scope: str = ThirdPartyAuthority.Scope.ALL,
    scope_detail: str = "",
    phone: str = "",
    email: str = "",
    starts_on: date | None = None,
    expires_on: date | None = None,
    evidence: str = "",
    acting_person: Person | None = None,
) -> ThirdPartyAuthority:
    """Record that someone may act for the person: who, their relationship, how far, until when.

    Requires an active member of staff. Refuses an expiry before the start and
    a "only the matters described" scope with nothing described. Audited.
    """
    problems = Problems()
    name = problems.check("name", _required("the name of the person who may act for them"), name)
    if relationship not in Relationship.values:
        problems.add("relationship", "Choose their relationship to the person")
    if scope not in ThirdPartyAuthority.Scope.values:
        problems.add("scope", "Choose what they may do")
    if scope == ThirdPartyAuthority.Scope.NAMED and not scope_detail.strip():
        problems.add("scope_detail", "Describe the matters they may act on")
    if phone.strip():
        phone = problems.check("phone", normalise_phone, phone)
    if email.strip():
        email = problems.check("email", clean_email, email)
    starts_on = starts_on or timezone.localdate()
    if expires_on is not None and expires_on < starts_on:
        problems.add("expires_on", "The expiry date must be on or after the start date")
    if acting_person is not None and acting_person.pk == person.pk:
        problems.add("acting_person", "A person cannot act for themselves")
    if acting_person is not None and acting_person.office_id != person.office_id:
        problems.add("acting_person", "Choose someone from your office's records")
    problems.raise_any()
    with working_on(user, person):
        return ThirdPartyAuthority.objects.create(
            office_id=person.office_id,
            person=person,
            name=name,
            relationship=relationship,
            scope=scope,
            scope_detail=scope_detail.strip(),
            phone=phone,
            email=email,
            starts_on=starts_on,
            expires_on=expires_on,
            evidence=evidence.strip(),
            acting_person=acting_person,
            recorded_by=user,
        )


def end_authority(user: User, authority: ThirdPartyAuthority) -> None:
    """Stop a third party acting for the person from now (the record stays). Audited."""
    with working_on(user, authority.person):
        if authority.ended_at is None:
            authority.ended_at = timezone.now()
            authority.save(update_fields=["ended_at"])


# --- Permission forms -------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day (29 February -> 28 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has a 28th")


def default_valid_until(signed_on: date) -> date:
    return add_months(signed_on, DEFAULT_VALIDITY_MONTHS)


def permission_form_defaults(person: Person) -> dict[str, Any]:
    """What a new form for this person starts with: their name, address and date of birth."""
    address = "\n".join(
        part for part in (person.address_line_1, person.address_line_2, person.town) if part
    )
    return {
        "full_name": person.full_name,
        "address": address,
        "postcode": person.postcode,
        "date_of_birth": person.date_of_birth,
    }


def _agency_lines(agencies: str | list[str]) -> list[str]:
    lines = agencies.splitlines() if isinstance(agencies, str) else list(agencies)
    return [" ".join(line.split()) for line in lines if line and line.strip()]


def check_permission_form(
    *,
    full_name: str,
    address: str = "",
    postcode: str = "",
    national_insurance_number: str = "",
    date_of_birth: date | None = None,
    home_office_reference: str = "",
    other_reference: str = "",
    agencies: str | list[str] = "",
    signed_on: date | None = None,
    valid_until: date | None = None,
) -> dict[str, Any]:
    """The form's fields cleaned, or a ValidationError naming every bad one."""
    problems = Problems()
    cleaned: dict[str, Any] = {
        "full_name": problems.check("full_name", _required("their full name"), full_name),
        "address": "\n".join(line.strip() for line in address.splitlines() if line.strip()),
        "postcode": "",
        "national_insurance_number": "",
        "date_of_birth": problems.check("date_of_birth", clean_date_of_birth, date_of_birth),
        "home_office_reference": " ".join(home_office_reference.split()).upper(),
        "other_reference": " ".join(other_reference.split()),
        "signed_on": signed_on,
        "valid_until": valid_until,
    }
    if postcode.strip():
        cleaned["postcode"] = problems.check("postcode", normalise_postcode, postcode)
    if national_insurance_number.strip():
        cleaned["national_insurance_number"] = problems.check(
            "national_insurance_number",
            normalise_national_insurance_number,
            national_insurance_number,
        )
    lines = _agency_lines(agencies)
    if not lines:
        problems.add("agencies", "Name at least one agency the office may contact")
    cleaned["agencies"] = "\n".join(lines)
    if signed_on is not None and signed_on > timezone.localdate():
        problems.add("signed_on", "The date signed must be today or in the past")
    if valid_until is not None and signed_on is None:
        problems.add("signed_on", "Enter the date it was signed, as it states how long it lasts")
    if valid_until is not None and signed_on is not None and valid_until < signed_on:
        problems.add("valid_until", "The form cannot run out before it was signed")
    problems.raise_any()
    if signed_on is not None and valid_until is None:
        cleaned["valid_until"] = default_valid_until(signed_on)
    return cleaned


def record_permission_form(user: User, person: Person, **fields: Any) -> PermissionForm:
    """Record the person's permission form, signed (with ``signed_on``) or waiting for signature.

    Requires an active member of staff. Without ``valid_until`` a signed form
    lasts twelve months. The National Insurance number is checked and kept out
    of the audit trail. Audited.
    """
    cleaned = check_permission_form(**fields)
    with working_on(user, person):
        return PermissionForm.objects.create(
            office_id=person.office_id, person=person, recorded_by=user, **cleaned
        )


def mark_permission_form_signed(
    user: User, form: PermissionForm, *, signed_on: date | None, valid_until: date | None = None
) -> PermissionForm:
    """Record that a printed form came back signed on ``signed_on``. Audited."""
    problems = Problems()
    if signed_on is None:
        problems.add("signed_on", "Enter the date it was signed")
    elif signed_on > timezone.localdate():
        problems.add("signed_on", "The date signed must be today or in the past")
    elif valid_until is not None and valid_until < signed_on:
        problems.add("valid_until", "The form cannot run out before it was signed")
    problems.raise_any()
    assert signed_on is not None
    with working_on(user, form.person):
        form.signed_on = signed_on
        form.valid_until = valid_until or default_valid_until(signed_on)
        form.save(update_fields=["signed_on", "valid_until"])
    return form


def attach_signed_scan(
    user: User, form: PermissionForm, uploaded_file: Any, *, signed_on: date | None = None
) -> PermissionForm:
    """Keep the scan of the signed form (encrypted, through the files service).

    Requires an active member of staff. The file is checked by ``files.services``
    (size, type sniffed from its contents); its refusal comes back as
    ValidationError({"scan": reason}). With ``signed_on``, an unsigned form is
    recorded as signed that day (twelve months' validity unless it already has a
    date). Causes audit entries for the stored file and the form.
    """
    problems = Problems()
    if signed_on is not None and signed_on > timezone.localdate():
        problems.add("signed_on", "The date signed must be today or in the past")
    if form.signed_on is None and signed_on is None:
        problems.add("signed_on", "Enter the date it was signed")
    problems.raise_any()
    with working_on(user, form.person):
        try:
            stored = store_file(user.office, uploaded_file, uploaded_by=user)
        except ValidationError as refusal:
            reasons = (
                refusal.message_dict.get("file", refusal.messages)
                if hasattr(refusal, "error_dict")
                else refusal.messages
            )
            raise ValidationError({"scan": reasons}) from None
        form.scan = stored
        changed = ["scan"]
        if form.signed_on is None and signed_on is not None:
            form.signed_on = signed_on
            form.valid_until = form.valid_until or default_valid_until(signed_on)
            changed += ["signed_on", "valid_until"]
        form.save(update_fields=changed)
    return form


def withdraw_permission_form(user: User, form: PermissionForm) -> None:
    """The person has taken their permission back: the form gives none from now. Audited."""
    with working_on(user, form.person):
        if form.withdrawn_at is None:
            form.withdrawn_at = timezone.now()
            form.save(update_fields=["withdrawn_at"])


@dataclass(frozen=True)
class PermissionStatus:
    """Whether the office holds the person's permission on a day, and which form gives it."""

    state: str  # "held", "expired" or "missing"
    form: PermissionForm | None
    until: date | None
    awaiting_signature: bool = False

    HELD = "held"
    EXPIRED = "expired"
    MISSING = "missing"

    @property
    def is_held(self) -> bool:
        return self.state == self.HELD

    @property
    def label(self) -> str:
        """ "held until 3 March 2027", "expired on 2 March 2026" or "missing"."""
        if self.state == self.HELD and self.until is not None:
            return f"held until {_long_date(self.until)}"
        if self.state == self.EXPIRED and self.until is not None:
            return f"expired on {_long_date(self.until)}"
        if self.awaiting_signature:
            return "missing (a form is waiting for signature)"
        return "missing"


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


FORM_STATUS_FIELDS = (
    "id",
    "person_id",
    "office_id",
    "full_name",
    "signed_on",
    "valid_until",
    "withdrawn_at",
)


def permission_status(person: Person, *, on: date | None = None) -> PermissionStatus:
    """Is the office's permission to act for ``person`` held on ``on`` (today by default)?

    Held: a signed form not withdrawn by then is in force that day (the one
    lasting longest is given). Expired: such forms exist but all have run out.
    Missing: no signed form, or only withdrawn ones. One query; the caller's
    office must be bound.
    """
    forms = list(PermissionForm.objects.filter(person_id=person.pk).only(*FORM_STATUS_FIELDS))
    return _status_from(forms, on or timezone.localdate())


def permission_statuses(
    people: Iterable[Person], *, on: date | None = None
) -> dict[int, PermissionStatus]:
    """``permission_status`` for several people at once (a case's parties): one query in all."""
    ids = [person.pk for person in people]
    forms_of: dict[int, list[PermissionForm]] = {pk: [] for pk in ids}
    if ids:
        for form in PermissionForm.objects.filter(person_id__in=ids).only(*FORM_STATUS_FIELDS):
            forms_of[form.person_id].append(form)
    day = on or timezone.localdate()
    return {pk: _status_from(forms, day) for pk, forms in forms_of.items()}


def _status_from(forms: list[PermissionForm], day: date) -> PermissionStatus:
    awaiting = any(form.signed_on is None and form.withdrawn_at is None for form in forms)
    signed = [
        form
        for form in forms
        if form.signed_on is not None
        and form.signed_on <= day
        and (form.withdrawn_at is None or timezone.localdate(form.withdrawn_at) > day)
    ]
    in_force = [form for form in signed if form.valid_until is None or day <= form.valid_until]
    if in_force:
        best = max(in_force, key=lambda form: form.valid_until or date.max)
        return PermissionStatus(PermissionStatus.HELD, best, best.valid_until, awaiting)
    if signed:
        latest = max(signed, key=lambda form: form.valid_until or date.min)
        return PermissionStatus(PermissionStatus.EXPIRED, latest, latest.valid_until, awaiting)
    return PermissionStatus(PermissionStatus.MISSING, None, None, awaiting)


def permission_form_pdf(form: PermissionForm, *, base_url: str = "") -> bytes:
    """The form filled in and ready to print and sign, as a PDF (WeasyPrint)."""
    from weasyprint import HTML

    office = form.person.office if hasattr(form, "person") else None
    html = render_to_string(
        "people/permission_form_print.html",
        {
            "form": form,
            "office": office,
            "vocabulary": office.vocabulary if office else None,
            "national_insurance": national_insurance_display(form.national_insurance_number),
        },
    )
    return HTML(string=html, base_url=base_url or None).write_pdf()
