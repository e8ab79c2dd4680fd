"""Operations on the people an office serves and their contact details.

Every write here binds the caller's office and runs in one transaction; the
audit trail is written by signal for each row saved or deleted. Bad input is
refused with ``ValidationError({field: message})`` naming every problem at
once, so a form or an API call can show them all.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Replace, Upper
from django.utils import timezone

from casewell.offices.audit import log_sensitive_read
from casewell.offices.models import User
from casewell.offices.permissions import get_for, may_see
from casewell.offices.tenancy import bind_office
from casewell.people.models import (
    Address,
    ContactMethod,
    Person,
    PersonEmail,
    PhoneNumber,
    VulnerabilityNote,
)
from casewell.people.phones import normalise_phone
from casewell.people.postcodes import compact_postcode, normalise_postcode

__all__ = [
    "PersonDetails",
    "add_address",
    "add_email",
    "add_phone",
    "add_vulnerability_note",
    "compact_postcode",
    "create_person",
    "find_people",
    "get_person_for",
    "make_address_current",
    "make_email_main",
    "make_phone_main",
    "read_vulnerability_notes",
    "remove_address",
    "remove_email",
    "remove_phone",
    "update_person",
]

PERSON_FIELDS = (
    "title",
    "first_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "preferred_contact",
    "language",
    "needs_interpreter",
)
OLDEST_BIRTH_YEAR = 1900


# --- Finding people -------------------------------------------------------------------------


def find_people(user: User, *, name: str = "", postcode: str = "") -> QuerySet[Person]:
    """The people of the user's office whose name has every word given and whose postcode starts so.

    Requires nothing beyond a signed-in member of staff: the scoped manager
    (and on PostgreSQL the office wall) keeps the search inside their office.
    People merged into someone else are left out: their records live on in the kept person.
    """
    people = Person.objects.filter(office_id=user.office_id, merged_into__isnull=True)
    for word in name.split():
        people = people.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(preferred_name__icontains=word)
        )
    wanted = compact_postcode(postcode)
    if wanted:
        people = people.annotate(
            compact_postcode=Replace(Upper("postcode"), Value(" "), Value(""))
        ).filter(compact_postcode__startswith=wanted)
    return people.order_by("last_name", "first_name", "id")


def get_person_for(user: User, person_id: Any, *, channel: str = "page") -> Person:
    """One person of the user's office, checked by the permission function; else 404."""
    return get_for(user, Person, person_id, channel=channel)


# --- Checking what was typed ------------------------------------------------------------------


class Problems:
    """Collects every problem with a submission so all are reported at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def check(self, field: str, clean: Any, value: Any) -> Any:
        """``clean(value)``, or the problem it raised recorded against ``field``."""
        try:
            return clean(value)
        except ValidationError as error:
            for message in error.messages:
                self.add(field, message)
            return value

    def raise_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def clean_email(text: str) -> str:
    address = str(text).strip()
    if not address:
        raise ValidationError("Enter an e-mail address, like name@example.com")
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError(
            f"{address} is not an e-mail address: it should look like name@example.com"
        ) from None
    return address.lower()


def clean_date_of_birth(value: date | None) -> date | None:
    if value is None:
        return None
    if value > timezone.localdate():
        raise ValidationError("Date of birth must be today or in the past")
    if value.year < OLDEST_BIRTH_YEAR:
        raise ValidationError(f"Date of birth must be after {OLDEST_BIRTH_YEAR}")
    return value


def _required(label: str) -> Any:
    def clean(value: str) -> str:
        text = " ".join(str(value or "").split())
        if not text:
            raise ValidationError(f"Enter {label}")
        return text

    return clean


def _check_person_fields(details: dict[str, Any], problems: Problems) -> dict[str, Any]:
    clean = dict(details)
    for field in ("title", "preferred_name", "language"):
        if field in clean:
            clean[field] = " ".join(str(clean[field] or "").split())
    if "first_name" in clean:
        clean["first_name"] = problems.check(
            "first_name", _required("a first name"), clean["first_name"]
        )
    if "last_name" in clean:
        clean["last_name"] = problems.check(
            "last_name", _required("a last name"), clean["last_name"]
        )
    if "date_of_birth" in clean:
        clean["date_of_birth"] = problems.check(
            "date_of_birth", clean_date_of_birth, clean["date_of_birth"]
        )
    if "preferred_contact" in clean:
        clean["preferred_contact"] = clean["preferred_contact"] or ""
        if clean["preferred_contact"] not in ContactMethod.values:
            problems.add("preferred_contact", "Choose how they prefer to be contacted")
    if "needs_interpreter" in clean:
        clean["needs_interpreter"] = bool(clean["needs_interpreter"])
    if clean.get("needs_interpreter") and not clean.get("language", "x"):
        problems.add("language", "Enter the language they need an interpreter for")
    unknown = set(clean) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"Not a detail of a person: {', '.join(sorted(unknown))}")
    return clean


# --- Writing: the office, the person ----------------------------------------------------------


@contextmanager
def working_on(user: User, person: Person | None = None) -> Iterator[None]:
    """Bind the user's office, open a transaction; refuse an unseeable or merged-away person."""
    with bind_office(user.office, actor=user), transaction.atomic():
        if not getattr(user, "is_active", False) or user.is_locked:
            raise PermissionDenied("Your account cannot make changes.")
        if person is not None:
            if not may_see(user, person):
                raise PermissionDenied("That person is not one of your office's.")
            if person.is_merged:
                raise ValidationError(
                    f"{person} has been merged into {person.merged_into}: "
                    "change that record instead."
                )
        yield


@dataclass(frozen=True)
class PersonDetails:
    """What the add-person form and the API send: the person and their first contact details."""

    first_name: str
    last_name: str
    title: str = ""
    preferred_name: str = ""
    date_of_birth: date | None = None
    address_line_1: str = ""
    address_line_2: str = ""
    town: str = ""
    postcode: str = ""
    phone: str = ""
    phone_kind: str = PhoneNumber.Kind.MOBILE
    email: str = ""
    preferred_contact: str = ""
    language: str = ""
    needs_interpreter: bool = False
    vulnerability_note: str = ""


def check_person_details(details: PersonDetails) -> PersonDetails:
    """The details cleaned (postcode and phone normalised), or every problem at once."""
    problems = Problems()
    person_fields = {field: getattr(details, field) for field in PERSON_FIELDS}
    cleaned = _check_person_fields(person_fields, problems)
    extra: dict[str, Any] = {}
    has_address = any(
        (details.address_line_1.strip(), details.address_line_2.strip(), details.town.strip())
    )
    if details.postcode.strip():
        extra["postcode"] = problems.check("postcode", normalise_postcode, details.postcode)
    if has_address and not details.address_line_1.strip():
        problems.add("address_line_1", "Enter the first line of the address")
    if details.phone.strip():
        extra["phone"] = problems.check("phone", normalise_phone, details.phone)
    if details.phone_kind not in PhoneNumber.Kind.values:
        problems.add("phone_kind", "Choose what kind of phone number it is")
    if details.email.strip():
        extra["email"] = problems.check("email", clean_email, details.email)
    problems.raise_any()
    return replace(details, **cleaned, **extra)


def create_person(user: User, details: PersonDetails) -> Person:
    """Add a person to the user's office, with their first address, phone, e-mail and note.

    Requires an active member of staff. Postcode and phone are normalised;
    every problem is refused at once (ValidationError naming each field).
    Causes an audit entry per row written. Does not look for duplicates:
    callers ask ``duplicates.likely_duplicates`` first and show what it finds.
    """
    details = check_person_details(details)
    with working_on(user):
        person = Person(
            office=user.office, **{field: getattr(details, field) for field in PERSON_FIELDS}
        )
        person.save()
        if details.address_line_1 or details.postcode:
            Address.objects.create(
                office=user.office,
                person=person,
                line_1=details.address_line_1 or "",
                line_2=details.address_line_2,
                town=details.town,
                postcode=details.postcode,
                is_current=True,
            )
        if details.phone:
            PhoneNumber.objects.create(
                office=user.office,
                person=person,
                number=details.phone,
                kind=details.phone_kind,
                is_main=True,
            )
        if details.email:
            PersonEmail.objects.create(
                office=user.office, person=person, address=details.email, is_main=True
            )
        if details.vulnerability_note.strip():
            VulnerabilityNote.objects.create(
                office=user.office,
                person=person,
                text=details.vulnerability_note.strip(),
                recorded_by=user,
            )
        _copy_contact_onto_person(person)
    return person


def update_person(user: User, person: Person, **changes: Any) -> Person:
    """Change a person's names, title, date of birth, contact preference or language.

    Requires an active member of staff of the person's office; refuses a merged
    person. Causes one audit entry listing what changed (nothing if nothing did).
    """
    problems = Problems()
    cleaned = _check_person_fields(changes, problems)
    if (
        cleaned.get("needs_interpreter") is True
        and "language" not in cleaned
        and not person.language
    ):
        problems.add("language", "Enter the language they need an interpreter for")
    problems.raise_any()
    with working_on(user, person):
        for field, value in cleaned.items():
            setattr(person, field, value)
        person.save()
    return person


# --- Contact details -------------------------------------------------------------------------


def _adopt_copied_contact(person: Person) -> None:
    """Give a person added in bulk (copies on Person only) real rows before their details change."""
    if (person.address_line_1 or person.postcode) and not person.addresses.exists():
        Address.objects.create(
            office_id=person.office_id,
            person=person,
            line_1=person.address_line_1 or "",
            line_2=person.address_line_2,
            town=person.town,
            postcode=person.postcode,
            is_current=True,
            added_at=person.created_at,
        )
    if person.phone and not person.phone_numbers.exists():
        PhoneNumber.objects.create(
            office_id=person.office_id,
            person=person,
            number=person.phone,
            is_main=True,
            added_at=person.created_at,
        )
    if person.email and not person.email_addresses.exists():
        PersonEmail.objects.create(
            office_id=person.office_id,
            person=person,
            address=person.email.lower(),
            is_main=True,
            added_at=person.created_at,
        )


def _copy_contact_onto_person(person: Person) -> None:
    """Copy the current address, main phone and main e-mail onto the person row."""
    current = person.addresses.filter(is_current=True).first()
    phone = person.phone_numbers.filter(is_main=True).first()
    email = person.email_addresses.filter(is_main=True).first()
    person.address_line_1 = current.line_1 if current else ""
    person.address_line_2 = current.line_2 if current else ""
    person.town = current.town if current else ""
    person.postcode = current.postcode if current else ""
    person.phone = phone.number if phone else ""
    person.email = email.address if email else ""
    person.save(
        update_fields=[
            "address_line_1",
            "address_line_2",
            "town",
            "postcode",
            "phone",
            "email",
            "updated_at",
        ]
    )


def refresh_contact_copies(person: Person) -> None:
    """Recompute the copies on ``person`` (after a merge moved rows, say). Bound office required."""
    _copy_contact_onto_person(person)


def add_address(
    user: User,
    person: Person,
    *,
    line_1: str,
    line_2: str = "",
    town: str = "",
    postcode: str,
    make_current: bool = True,
) -> Address:
    """Add an address; by default it becomes the current one and the old one is kept as previous.

    Requires an active member of staff. The postcode is checked and normalised.
    Causes audit entries for the address and the person's copy of it.
    """
    problems = Problems()
    line_1 = problems.check("line_1", _required("the first line of the address"), line_1)
    postcode = problems.check(
        "postcode",
        lambda text: normalise_postcode(text) if str(text).strip() else "",
        postcode,
    )
    problems.raise_any()
    with working_on(user, person):
        _adopt_copied_contact(person)
        if make_current or not person.addresses.exists():
            person.addresses.filter(is_current=True).update(is_current=False)
            make_current = True
        address = Address.objects.create(
            office_id=person.office_id,
            person=person,
            line_1=line_1,
            line_2=line_2.strip(),
            town=" ".join(town.split()),
            postcode=postcode,
            is_current=make_current,
        )
        _copy_contact_onto_person(person)
    return address


def make_address_current(user: User, address: Address) -> None:
    """Make an earlier address the current one again. Audited."""
    person = address.person
    with working_on(user, person):
        for other in person.addresses.filter(is_current=True).exclude(pk=address.pk):
            other.is_current = False
            other.save(update_fields=["is_current"])
        address.is_current = True
        address.save(update_fields=["is_current"])
        _copy_contact_onto_person(person)


def remove_address(user: User, address: Address) -> None:
    """Remove an address entered by mistake; removing the current one leaves no current address."""
    person = address.person
    with working_on(user, person):
        address.delete()
        _copy_contact_onto_person(person)


def add_phone(
    user: User,
    person: Person,
    *,
    number: str,
    kind: str = PhoneNumber.Kind.MOBILE,
    make_main: bool = False,
) -> PhoneNumber:
    """Add a phone number (checked, stored in E.164); the first one becomes the main one.

    Refuses a number the person already has. Audited.
    """
    problems = Problems()
    number = problems.check("number", normalise_phone, number)
    if kind not in PhoneNumber.Kind.values:
        problems.add("kind", "Choose what kind of phone number it is")
    problems.raise_any()
    with working_on(user, person):
        _adopt_copied_contact(person)
        if person.phone_numbers.filter(number=number).exists():
            raise ValidationError({"number": f"{person} already has the number {number}"})
        if make_main or not person.phone_numbers.exists():
            _clear_main(person.phone_numbers.filter(is_main=True))
            make_main = True
        phone = PhoneNumber.objects.create(
            office_id=person.office_id, person=person, number=number, kind=kind, is_main=make_main
        )
        _copy_contact_onto_person(person)
    return phone


def make_phone_main(user: User, phone: PhoneNumber) -> None:
    person = phone.person
    with working_on(user, person):
        _clear_main(person.phone_numbers.filter(is_main=True).exclude(pk=phone.pk))
        phone.is_main = True
        phone.save(update_fields=["is_main"])
        _copy_contact_onto_person(person)


def remove_phone(user: User, phone: PhoneNumber) -> None:
    """Remove a number; if it was the main one, the next oldest becomes main."""
    person = phone.person
    with working_on(user, person):
        phone.delete()
        _promote_first(person.phone_numbers.all())
        _copy_contact_onto_person(person)


def add_email(user: User, person: Person, *, address: str, make_main: bool = False) -> PersonEmail:
    """Add an e-mail address (kept in lower case); the first one becomes the main one. Audited."""
    problems = Problems()
    address = problems.check("address", clean_email, address)
    problems.raise_any()
    with working_on(user, person):
        _adopt_copied_contact(person)
        if person.email_addresses.filter(address=address).exists():
            raise ValidationError({"address": f"{person} already has the address {address}"})
        if make_main or not person.email_addresses.exists():
            _clear_main(person.email_addresses.filter(is_main=True))
            make_main = True
        email = PersonEmail.objects.create(
            office_id=person.office_id, person=person, address=address, is_main=make_main
        )
        _copy_contact_onto_person(person)
    return email


def make_email_main(user: User, email: PersonEmail) -> None:
    person = email.person
    with working_on(user, person):
        _clear_main(person.email_addresses.filter(is_main=True).exclude(pk=email.pk))
        email.is_main = True
        email.save(update_fields=["is_main"])
        _copy_contact_onto_person(person)


def remove_email(user: User, email: PersonEmail) -> None:
    """Remove an e-mail address; if it was the main one, the next oldest becomes main."""
    person = email.person
    with working_on(user, person):
        email.delete()
        _promote_first(person.email_addresses.all())
        _copy_contact_onto_person(person)


def _clear_main(rows: QuerySet[Any]) -> None:
    # One save per row (not .update) so the audit trail records each change.
    for row in rows:
        row.is_main = False
        row.save(update_fields=["is_main"])


def _promote_first(rows: QuerySet[Any]) -> None:
    if rows.filter(is_main=True).exists():
        return
    first = rows.order_by("added_at", "id").first()
    if first is not None:
        first.is_main = True
        first.save(update_fields=["is_main"])


# --- Vulnerability notes (sensitive) ----------------------------------------------------------


def add_vulnerability_note(user: User, person: Person, text: str) -> VulnerabilityNote:
    """Record something staff must know to look after the person.

    Audited without its words (the note is a sensitive field).
    """
    problems = Problems()
    text = problems.check("text", _required_text, text)
    problems.raise_any()
    with working_on(user, person):
        return VulnerabilityNote.objects.create(
            office_id=person.office_id, person=person, text=text, recorded_by=user
        )


def _required_text(value: str) -> str:
    text = str(value or "").strip()
    if not text:
        raise ValidationError("Enter the note")
    return text


def count_vulnerability_notes(person: Person) -> int:
    """How many notes there are: safe to show without reading (and logging) them."""
    return VulnerabilityNote.objects.filter(person=person).count()


def read_vulnerability_notes(
    user: User, person: Person, *, channel: str = "page"
) -> list[VulnerabilityNote]:
    """The person's vulnerability notes, newest first. Causes one access-log entry per note read."""
    if not may_see(user, person):
        raise PermissionDenied("That person is not one of your office's.")
    with bind_office(user.office, actor=user):
        notes = list(VulnerabilityNote.objects.filter(person=person).select_related("recorded_by"))
        for note in notes:
            log_sensitive_read(user, note, channel=channel)
    return notes
