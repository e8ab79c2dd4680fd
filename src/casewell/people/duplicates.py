"""Likely duplicates: is this person already on the office's records?

Asked before a new person is saved and on demand from a person's page. It
must stay quick with 100,000 people in an office, so it never reads the whole
table: a handful of indexed queries find *candidates* — the same e-mail, the
same phone, the same postcode (current or previous address), the same surname,
a surname starting with the same three letters — and only those few hundred
rows are scored with ``rapidfuzz``.

A candidate is reported when one of these holds, each named in the result:
  * the same e-mail address, or the same phone number;
  * the same postcode and a similar name (or the same surname);
  * a very similar name, unless both dates of birth are known and differ
    (with the same date of birth the reason says so).
A spelling slip within the first three letters of a surname is only caught
through the e-mail, phone or postcode.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet
from django.db.models.functions import Lower
from rapidfuzz import fuzz

from casewell.people.models import Address, Person, PersonEmail, PhoneNumber, name_key

SIMILAR_NAME = 80  # with a shared postcode
VERY_SIMILAR_NAME = 92  # on its own
CANDIDATES_PER_QUERY = 500
MOST_SHOWN = 10


@dataclass
class DuplicateMatch:
    person: Person
    reasons: list[str] = field(default_factory=list)
    score: float = 0.0

    @property
    def why(self) -> str:
        """ "same e-mail address and same phone number" — for a sentence on the page."""
        if len(self.reasons) <= 1:
            return "".join(self.reasons)
        return ", ".join(self.reasons[:-1]) + " and " + self.reasons[-1]


@dataclass(frozen=True)
class Identity:
    """What a possible duplicate is compared on; the fields already normalised."""

    first_name: str
    last_name: str
    preferred_name: str = ""
    date_of_birth: date | None = None
    emails: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()
    postcodes: frozenset[str] = frozenset()


def identity_of(person: Person) -> Identity:
    """A saved person's identity: every e-mail, phone and postcode they have had."""
    emails = {person.email.lower()} if person.email else set()
    emails |= set(PersonEmail.objects.filter(person=person).values_list("address", flat=True))
    phones = {person.phone} if person.phone else set()
    phones |= set(PhoneNumber.objects.filter(person=person).values_list("number", flat=True))
    postcodes = {person.postcode} if person.postcode else set()
    postcodes |= set(
        Address.objects.filter(person=person)
        .exclude(postcode="")
        .values_list("postcode", flat=True)
    )
    return Identity(
        first_name=person.first_name,
        last_name=person.last_name,
        preferred_name=person.preferred_name,
        date_of_birth=person.date_of_birth,
        emails=frozenset(emails),
        phones=frozenset(phones),
        postcodes=frozenset(postcodes),
    )


def _people_with(queryset: QuerySet[Person], values: Iterable[str], fieldname: str) -> set[int]:
    wanted = [value for value in values if value]
    if not wanted:
        return set()
    # No ORDER BY: with one, SQLite walks the (office, name) index to avoid sorting,
    # instead of looking the value up in its own index.
    return set(
        queryset.filter(**{f"{fieldname}__in": wanted})
        .order_by()
        .values_list("pk", flat=True)[:CANDIDATES_PER_QUERY]
    )


def _rows_of(model: type, values: Iterable[str], fieldname: str) -> set[int]:
    wanted = [value for value in values if value]
    if not wanted:
        return set()
    return set(
        model.objects.filter(**{f"{fieldname}__in": wanted})
        .order_by()
        .values_list("person_id", flat=True)[:CANDIDATES_PER_QUERY]
    )


def _names(identity: Identity) -> list[str]:
    names = [f"{identity.first_name} {identity.last_name}"]
    if identity.preferred_name:
        names.append(f"{identity.preferred_name} {identity.last_name}")
    return [" ".join(name_key(part) for part in name.split()) for name in names]


def _name_score(ours: list[str], candidate: Person) -> float:
    theirs = _names(Identity(candidate.first_name, candidate.last_name, candidate.preferred_name))
    return max(fuzz.token_sort_ratio(a, b) for a in ours for b in theirs)


def likely_duplicates(
    identity: Identity, *, office_id: int, exclude_person_id: int | None = None
) -> list[DuplicateMatch]:
    """People of the office who are probably the same as ``identity``, most likely first.

    Requires the office to be bound (the scoped managers do the rest). Costs
    at most seven queries, whatever the size of the office.
    """
    people = Person.objects.filter(office_id=office_id, merged_into__isnull=True)
    by_email = _people_with(people, identity.emails, "email") | _rows_of(
        PersonEmail, identity.emails, "address"
    )
    by_phone = _people_with(people, identity.phones, "phone") | _rows_of(
        PhoneNumber, identity.phones, "number"
    )
    by_postcode = _people_with(people, identity.postcodes, "postcode") | _rows_of(
        Address, identity.postcodes, "postcode"
    )
    surname = identity.last_name.strip().lower()
    by_name: set[int] = set()
    if surname:
        start = surname[:3]
        # A range on lower(last_name) uses the expression index on both databases
        # (PostgreSQL will not use it for LIKE 'abc%' under a non-C collation).
        after = start[:-1] + chr(ord(start[-1]) + 1)
        by_name = set(
            people.annotate(surname=Lower("last_name"))
            .filter(surname__gte=start, surname__lt=after)
            .order_by()
            .values_list("pk", flat=True)[:CANDIDATES_PER_QUERY]
        )
    candidate_ids = (by_email | by_phone | by_postcode | by_name) - {exclude_person_id}
    if not candidate_ids:
        return []
    candidates = (
        people.filter(pk__in=candidate_ids)
        .order_by()
        .only(
            "id",
            "office_id",
            "title",
            "first_name",
            "last_name",
            "preferred_name",
            "date_of_birth",
            "postcode",
            "email",
            "phone",
            "address_line_1",
            "town",
            "merged_into_id",
        )
    )
    ours = _names(identity)
    our_surname = name_key(identity.last_name)
    matches = []
    for candidate in candidates:
        reasons: list[str] = []
        score = _name_score(ours, candidate)
        same_surname = name_key(candidate.last_name) == our_surname
        if candidate.pk in by_email:
            reasons.append("same e-mail address")
        if candidate.pk in by_phone:
            reasons.append("same phone number")
        if candidate.pk in by_postcode and score >= SIMILAR_NAME:
            reasons.append("similar name and same postcode")
        elif candidate.pk in by_postcode and same_surname:
            reasons.append("same surname and postcode")
        both_born = identity.date_of_birth is not None and candidate.date_of_birth is not None
        same_birthday = both_born and identity.date_of_birth == candidate.date_of_birth
        if not reasons and score >= VERY_SIMILAR_NAME and not (both_born and not same_birthday):
            reasons.append(
                "similar name and same date of birth" if same_birthday else "very similar name"
            )
        if reasons:
            strength = len(reasons) * 100 + score + (50 if same_birthday else 0)
            matches.append(DuplicateMatch(candidate, reasons, strength))
    matches.sort(key=lambda match: (-match.score, match.person.last_name, match.person.pk))
    return matches[:MOST_SHOWN]


def duplicates_of(person: Person) -> list[DuplicateMatch]:
    """Possible duplicates of a saved person, on demand. The office must be bound."""
    return likely_duplicates(
        identity_of(person), office_id=person.office_id, exclude_person_id=person.pk
    )


def identity_from_details(
    *,
    first_name: str,
    last_name: str,
    preferred_name: str = "",
    date_of_birth: date | None = None,
    email: str = "",
    phone: str = "",
    postcode: str = "",
) -> Identity:
    """The identity of someone not yet saved (the add-person form's cleaned details)."""
    return Identity(
        first_name=first_name,
        last_name=last_name,
        preferred_name=preferred_name,
        date_of_birth=date_of_birth,
        emails=frozenset({email.lower()} if email else ()),
        phones=frozenset({phone} if phone else ()),
        postcodes=frozenset({postcode} if postcode else ()),
    )
