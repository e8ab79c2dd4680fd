"""Who wrote a message: the people of the office it may be from, best first, with the reason.

First by e-mail address (a person's main address or any other they gave), then
by a name and a UK postcode found in the signature or body (people at that
postcode whose name is close to a line there). Only an e-mail address that
belongs to exactly one person links the message by itself; every other
candidate is shown to a caseworker to confirm. A person can be added from the
message in one step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from casewell.inbox import placing_queries as queries
from casewell.inbox.message_text import plain_text, signature_lines, split_body
from casewell.inbox.models import Message
from casewell.offices.models import User
from casewell.offices.tenancy import bind_office
from casewell.people.models import Address, Person, PersonEmail
from casewell.people.postcodes import is_valid_postcode, normalise_postcode
from casewell.people.services import PersonDetails, create_person

SAME_EMAIL = "same e-mail"
NAME_AND_POSTCODE_IN_SIGNATURE = "name and postcode in signature"
NAME_AND_POSTCODE_IN_MESSAGE = "name and postcode in the message"

# How close a line must be to a person's name (rapidfuzz token sort ratio, 0-100).
NAME_MATCH_SCORE = 85
# People at one postcode looked at: a block of flats has many; a bad postcode match has more.
MAX_PEOPLE_AT_POSTCODES = 500
MAX_POSTCODES = 5
# An e-mail match always ranks first.
EMAIL_SCORE = 101

# The shape of a UK postcode inside text; each hit is then checked by people.postcodes.
_POSTCODE_IN_TEXT = re.compile(
    r"(?<![A-Za-z0-9])([A-Za-z]{1,2}[0-9][0-9A-Za-z]?)[ \t]{0,2}([0-9][A-Za-z]{2})(?![A-Za-z0-9])"
)
_TITLES = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "prof",
        "professor",
        "rev",
        "revd",
        "sir",
        "dame",
        "cllr",
        "councillor",
        "lord",
        "lady",
    }
)
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_'’.-]*(?:['’-][^\W\d_]+)*\.?$")


@dataclass(frozen=True)
class Candidate:
    person: Person
    reason: str
    score: int  # EMAIL_SCORE for the same e-mail, else how close the name is (0-100)


def postcodes_in(text: str) -> list[str]:
    """Well-formed UK postcodes in ``text``, in standard form, first found first."""
    found: list[str] = []
    for outward, inward in _POSTCODE_IN_TEXT.findall(text or ""):
        typed = f"{outward} {inward}"
        if is_valid_postcode(typed):
            postcode = normalise_postcode(typed)
            if postcode not in found:
                found.append(postcode)
    return found[:MAX_POSTCODES]


def _without_titles(text: str) -> str:
    words = default_process(text).split()
    return " ".join(word for word in words if word not in _TITLES)


def name_score(person: Person, line: str) -> int:
    """How close ``line`` (or one comma-separated piece of it) is to the person's name;
    word order does not count ("Thompson, Margaret")."""
    names = {f"{person.first_name} {person.last_name}"}
    if person.preferred_name:
        names.add(f"{person.preferred_name} {person.last_name}")
    best = 0.0
    pieces = line.split(",")
    for piece in [line, *pieces] if len(pieces) > 1 else pieces:
        piece = _without_titles(piece)
        if len(piece.split()) < 2:
            continue  # a surname alone is shared by a household; a first name by many
        for name in names:
            best = max(best, fuzz.token_sort_ratio(_without_titles(name), piece))
    return round(best)


def _resolve_merged(people: list[Person]) -> list[Person]:
    """Each person, or the one they were merged into (their records live on there)."""
    kept: list[Person] = []
    for person in people:
        for _ in range(10):
            if person.merged_into_id is None:
                break
            person = Person.all_offices.get(office_id=person.office_id, pk=person.merged_into_id)
        if all(person.pk != other.pk for other in kept):
            kept.append(person)
    return kept


def people_with_email(message: Message) -> list[Person]:
    """The people whose main or other e-mail address is the sender's (merged people followed)."""
    sender = (message.from_address or "").strip().lower()
    if not sender:
        return []
    # Two indexed look-ups: an OR across the two tables would read every person.
    people = list(Person.all_offices.filter(office_id=message.office_id, email=sender)[:50])
    other_ids = set(
        PersonEmail.all_offices.filter(office_id=message.office_id, address=sender).values_list(
            "person_id", flat=True
        )[:50]
    ) - {person.pk for person in people}
    if other_ids:
        people += Person.all_offices.filter(office_id=message.office_id, pk__in=other_ids)
    return _resolve_merged(sorted(people, key=lambda person: person.pk))


def people_by_name_and_postcode(message: Message) -> list[Candidate]:
    """People at a postcode given in the message whose name is close to a line near it."""
    parts = split_body(plain_text(message.text_body, message.html_body))
    signature = signature_lines(parts)
    in_signature = postcodes_in("\n".join(signature))
    everywhere = in_signature + [
        code
        for code in postcodes_in(f"{parts.words}\n{parts.signature}")
        if code not in in_signature
    ]
    if not everywhere:
        return []
    lines = [message.from_name, *signature] if message.from_name else signature
    at_postcodes = Address.all_offices.filter(
        office_id=message.office_id, postcode__in=everywhere
    ).values("person_id")
    people = (
        Person.all_offices.filter(office_id=message.office_id, merged_into__isnull=True)
        .filter(Q(postcode__in=everywhere) | Q(pk__in=at_postcodes))
        .order_by("pk")[:MAX_PEOPLE_AT_POSTCODES]
    )
    found = []
    for person in people:
        score = max((name_score(person, line) for line in lines), default=0)
        if score < NAME_MATCH_SCORE:
            continue
        reason = (
            NAME_AND_POSTCODE_IN_SIGNATURE
            if person.postcode in in_signature or not set(everywhere) - set(in_signature)
            else NAME_AND_POSTCODE_IN_MESSAGE
        )
        found.append(Candidate(person, reason, score))
    return found


def candidates_for(message: Message) -> list[Candidate]:
    """The people ``message`` may be from, best first, each once, with the reason.

    Reads only. Requires the message's office to be bound (or all offices).
    """
    ranked = [Candidate(person, SAME_EMAIL, EMAIL_SCORE) for person in people_with_email(message)]
    seen = {candidate.person.pk for candidate in ranked}
    by_name = sorted(people_by_name_and_postcode(message), key=lambda c: (-c.score, c.person.pk))
    for candidate in by_name:
        if candidate.person.pk not in seen:
            seen.add(candidate.person.pk)
            ranked.append(candidate)
    return ranked


def person_to_link(
    message: Message, people_by_address: dict[str, list[tuple[int, int | None]]] | None = None
) -> int | None:
    """The id of the one person the message links to without asking: its e-mail is theirs
    and no one else's. Anything less certain (two people sharing an address, a name and
    postcode) waits for a caseworker. ``people_by_address`` is what
    ``placing_queries.people_with_addresses`` found for a batch including this sender."""
    sender = (message.from_address or "").strip().lower()
    if not sender:
        return None
    if people_by_address is None:
        people_by_address = queries.people_with_addresses(message.office_id, [sender])
    found = people_by_address.get(sender, [])
    if any(merged_into for _, merged_into in found):
        # Rare: follow merged people to the ones kept, the slow way.
        people = people_with_email(message)
        return people[0].pk if len(people) == 1 else None
    return found[0][0] if len(found) == 1 else None


# --- Adding the sender as a new person ------------------------------------------------------


def _looks_like_name(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 4 and all(_NAME_WORD.match(word) for word in words)


def name_from_message(message: Message) -> tuple[str, str]:
    """(first name, last name) of the sender as best the message tells: the From name
    ("Smith, Jane" read as Jane Smith), else a name-like signature line, else the
    address ("jane.smith@..."). Either may be empty when nothing says."""
    display = " ".join((message.from_name or "").replace('"', " ").split())
    if "@" in display:
        display = ""
    if "," in display:
        last, _, first = display.partition(",")
        display = f"{first.strip()} {last.strip()}"
    if not _looks_like_name(_without_titles(display)):
        lines = signature_lines(split_body(plain_text(message.text_body, message.html_body)))
        display = next((line for line in lines if _looks_like_name(line)), display)
    words = [word for word in display.split() if word.lower().strip(".") not in _TITLES]
    if not words:
        local = (message.from_address or "").partition("@")[0]
        words = [part.capitalize() for part in re.split(r"[._]+", local) if part.isalpha()]
    if not words:
        return "", ""
    if len(words) == 1:
        return words[0], ""
    return " ".join(words[:-1]), words[-1]


def create_person_from_message(user: User, message: Message) -> Person:
    """Add the sender of ``message`` as a person of the office and link the message to them.

    Takes their name (From, signature or address), e-mail address and the first
    postcode in the signature or body. Requires an active member of staff of the
    message's office. Refuses with ValidationError naming the missing field when
    the message gives no usable name. Causes audit entries for the person and the
    message. Does not look for duplicates: show ``candidates_for`` first.
    """
    if user.office_id != message.office_id:
        raise PermissionDenied("That message is not one of your office's.")
    first_name, last_name = name_from_message(message)
    parts = split_body(plain_text(message.text_body, message.html_body))
    postcodes = postcodes_in("\n".join(signature_lines(parts))) or postcodes_in(parts.words)
    details = PersonDetails(
        first_name=first_name,
        last_name=last_name,
        email=message.from_address or "",
        postcode=postcodes[0] if postcodes else "",
    )
    with bind_office(user.office, actor=user), transaction.atomic():
        try:
            person = create_person(user, details)
        except ValidationError as error:
            if "email" in error.message_dict and details.email:
                # An address we cannot store must not stop the person being added.
                person = create_person(user, replace(details, email=""))
            else:
                raise
        message.person = person
        message.save(update_fields=["person"])
    return person
