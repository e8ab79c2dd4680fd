"""Matching a sender to the office's people: by e-mail, then name and postcode, never guessing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from casewell.inbox.matching import (
    EMAIL_SCORE,
    NAME_AND_POSTCODE_IN_MESSAGE,
    NAME_AND_POSTCODE_IN_SIGNATURE,
    SAME_EMAIL,
    candidates_for,
    create_person_from_message,
    name_from_message,
    postcodes_in,
)
from casewell.inbox.models import Message
from casewell.inbox.tests.placing_mail import letter, placed, stored_message
from casewell.offices.tenancy import bind_office
from casewell.people.models import Person
from casewell.people.services import PersonDetails, add_email, create_person


def person(user, first, last, *, email="", postcode="", address="1 High Street"):
    return create_person(
        user,
        PersonDetails(
            first_name=first,
            last_name=last,
            email=email,
            postcode=postcode,
            address_line_1=address if postcode else "",
        ),
    )


def reasons(message):
    with bind_office(message.office_id):
        return [(c.person.pk, c.reason) for c in candidates_for(message)]


def test_postcodes_are_found_in_text_in_standard_form():
    text = "Flat 2, 14 Mill Lane\nLeeds ls62ab\nPhone 0113 496 0000, ref AB12 3DE? and SW1A 1AA."
    assert postcodes_in(text) == ["LS6 2AB", "AB12 3DE", "SW1A 1AA"]
    # Shaped like a postcode but impossible (Q never starts one; C never ends one).
    assert postcodes_in("QA1 1AA and LS1 1AC and 12345") == []


def test_an_email_that_is_one_persons_links_the_message(cast):
    margaret = person(cast.ada, "Margaret", "Thompson", email="m.thompson@example.net")
    message = placed(cast.north, sender="m.thompson@example.net", name="Margaret Thompson")
    assert message.person == margaret
    assert reasons(message) == [(margaret.pk, SAME_EMAIL)]


def test_any_of_a_persons_addresses_counts(cast):
    margaret = person(cast.ada, "Margaret", "Thompson", email="m.thompson@example.net")
    add_email(cast.ada, margaret, address="Maggie.T@Work.example")
    assert placed(cast.north, sender="maggie.t@work.example").person == margaret


def test_an_email_shared_by_two_people_links_nobody_and_shows_both(cast):
    one = person(cast.ada, "Sam", "Okoro", email="okoro.family@example.net")
    two = person(cast.ada, "Grace", "Okoro", email="okoro.family@example.net")
    message = placed(cast.north, sender="okoro.family@example.net", name="The Okoros")
    assert message.person is None
    assert reasons(message) == [(one.pk, SAME_EMAIL), (two.pk, SAME_EMAIL)]


def test_name_and_postcode_in_the_signature_are_offered_but_never_linked(cast):
    margaret = person(cast.ada, "Margaret", "Thompson", postcode="LS6 2AB")
    person(cast.ada, "Peter", "Thompson", postcode="LS6 2AB")  # same house, other name
    body = letter(
        "The surveyor has still not come.",
        signature=["Mrs Margaret Thompson", "14 Mill Lane, Leeds", "LS6 2AB"],
    )
    message = placed(cast.north, sender="maggie1952@example.com", name="", body=body)
    assert message.person is None
    with bind_office(cast.north):
        found = candidates_for(message)
    assert [(c.person, c.reason) for c in found] == [(margaret, NAME_AND_POSTCODE_IN_SIGNATURE)]
    assert found[0].score >= 85


def test_a_one_line_signature_and_a_postcode_in_the_text_are_read_too(cast):
    priya = person(cast.ada, "Priya", "Shah", postcode="BD1 1AA")
    body = letter(
        "I live at 3 Oak Road, BD1 1AA, and the road has flooded again.",
        signature=["Priya Shah, mother of two"],
    )
    message = stored_message(cast.north, sender="p@example.org", name="", body=body)
    assert reasons(message) == [(priya.pk, NAME_AND_POSTCODE_IN_MESSAGE)]


def test_the_from_name_counts_as_a_name(cast):
    priya = person(cast.ada, "Priya", "Shah", postcode="BD1 1AA")
    body = letter("Flooding again at BD1 1AA.", signature=[])
    message = stored_message(cast.north, sender="p@example.org", name="Shah, Priya", body=body)
    assert [pk for pk, _ in reasons(message)] == [priya.pk]


def test_a_name_without_the_postcode_or_a_postcode_without_the_name_is_no_match(cast):
    person(cast.ada, "Margaret", "Thompson", postcode="LS6 2AB")
    no_postcode = letter("Still waiting.", signature=["Margaret Thompson", "Leeds"])
    assert reasons(stored_message(cast.north, sender="a@example.com", body=no_postcode)) == []
    other_name = letter("Still waiting.", signature=["Margaret Hughes", "LS6 2AB"])
    assert reasons(stored_message(cast.north, sender="a@example.com", body=other_name)) == []
    surname_only = letter("Still waiting.", signature=["Thompson", "LS6 2AB"])
    assert reasons(stored_message(cast.north, sender="a@example.com", body=surname_only)) == []


def test_the_email_match_ranks_before_name_and_postcode(cast):
    by_email = person(cast.ada, "Jo", "Bloggs", email="jo@example.net")
    by_name = person(cast.ada, "Joanne", "Bloggs", postcode="BD1 1AA")
    body = letter("Please help.", signature=["Joanne Bloggs", "BD1 1AA"])
    message = stored_message(cast.north, sender="jo@example.net", name="Jo Bloggs", body=body)
    with bind_office(cast.north):
        found = candidates_for(message)
    assert [(c.person, c.reason) for c in found] == [
        (by_email, SAME_EMAIL),
        (by_name, NAME_AND_POSTCODE_IN_SIGNATURE),
    ]
    assert found[0].score == EMAIL_SCORE > found[1].score


def test_a_merged_person_is_matched_as_the_person_they_were_merged_into(cast):
    kept = person(cast.ada, "Margaret", "Thompson", email="m.thompson@example.net")
    gone = person(cast.ada, "Maggie", "Thompson", email="maggie@example.net")
    with bind_office(cast.north):
        Person.objects.filter(pk=gone.pk).update(merged_into=kept)
    assert placed(cast.north, sender="maggie@example.net").person == kept


def test_another_offices_people_are_never_candidates(cast):
    person(cast.cleo, "Margaret", "Thompson", email="m.thompson@example.net", postcode="LS6 2AB")
    body = letter("Hello.", signature=["Margaret Thompson", "LS6 2AB"])
    message = placed(cast.north, sender="m.thompson@example.net", body=body)
    assert message.person is None
    assert reasons(message) == []


@pytest.mark.parametrize(
    ("from_name", "sender", "signature", "expected"),
    [
        ("Margaret Thompson", "m@example.net", [], ("Margaret", "Thompson")),
        ("Thompson, Margaret", "m@example.net", [], ("Margaret", "Thompson")),
        ("Mrs Mary Jane Thompson", "m@example.net", [], ("Mary Jane", "Thompson")),
        ("", "m@example.net", ["Margaret Thompson", "LS6 2AB"], ("Margaret", "Thompson")),
        ("", "jane.o-neill@example.net", [], ("Jane", "")),
        ("", "jane.doe@example.net", [], ("Jane", "Doe")),
        ("", "12345@example.net", [], ("", "")),
    ],
)
def test_the_senders_name_is_read_from_from_signature_or_address(
    from_name, sender, signature, expected
):
    body = letter("Text.", signature=signature)
    message = Message(from_name=from_name, from_address=sender, text_body=body)
    assert name_from_message(message) == expected


def test_a_person_is_added_from_a_message_in_one_step(cast):
    body = letter("Flooding again.", signature=["Priya Shah", "3 Oak Road", "bd1 1aa"])
    message = stored_message(cast.north, sender="priya@example.org", name="Priya Shah", body=body)
    added = create_person_from_message(cast.ada, message)
    with bind_office(cast.north):
        added = Person.objects.get(pk=added.pk)
        assert (added.first_name, added.last_name) == ("Priya", "Shah")
        assert added.email == "priya@example.org"
        assert added.postcode == "BD1 1AA"
        assert Message.objects.get(pk=message.pk).person == added
    # The next message from that address links by itself.
    assert placed(cast.north, sender="priya@example.org").person == added


def test_a_message_without_a_usable_name_is_refused_naming_the_field(cast):
    message = stored_message(cast.north, sender="12345@example.net", name="", body="Help")
    with pytest.raises(ValidationError) as refused:
        create_person_from_message(cast.ada, message)
    assert "first_name" in refused.value.message_dict
    with bind_office(cast.north):
        assert not Person.objects.exists()


def test_another_offices_staff_cannot_add_a_person_from_the_message(cast):
    message = stored_message(cast.north)
    with pytest.raises(PermissionDenied):
        create_person_from_message(cast.cleo, message)
