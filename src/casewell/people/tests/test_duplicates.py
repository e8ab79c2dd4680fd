"""Likely duplicates: found by e-mail, phone, postcode and surname, or a very similar name."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from casewell.offices.tenancy import bind_office
from casewell.people.duplicates import duplicates_of, identity_from_details, likely_duplicates
from casewell.people.models import Person
from casewell.people.tests.conftest import add_person


def _find(cast, **details):
    details.setdefault("first_name", "Someone")
    details.setdefault("last_name", "Else")
    with bind_office(cast.north):
        return likely_duplicates(identity_from_details(**details), office_id=cast.north.pk)


def _why(matches):
    return {match.person.pk: match.reasons for match in matches}


def test_the_same_email_is_a_likely_duplicate_whatever_the_name(cast, harriet):
    assert _why(_find(cast, email="harriet.walsh@example.org")) == {
        harriet.pk: ["same e-mail address"]
    }


def test_the_same_phone_is_a_likely_duplicate(cast, harriet):
    assert _why(_find(cast, phone="+447811123456")) == {harriet.pk: ["same phone number"]}


def test_a_similar_name_at_the_same_postcode_is_a_likely_duplicate(cast, harriet):
    matches = _find(cast, first_name="Hariet", last_name="Walsh", postcode="LS1 4DY")
    assert _why(matches) == {harriet.pk: ["similar name and same postcode"]}
    assert matches[0].why == "similar name and same postcode"


def test_the_same_surname_at_the_same_postcode_is_a_likely_duplicate(cast, harriet):
    assert _why(_find(cast, first_name="Tom", last_name="walsh", postcode="LS1 4DY")) == {
        harriet.pk: ["same surname and postcode"]
    }


def test_a_previous_address_counts_too(cast, harriet):
    from casewell.people.services import add_address

    add_address(cast.ada, harriet, line_1="9 New Road", postcode="LS6 1AA")
    assert harriet.pk in _why(_find(cast, first_name="Tom", last_name="Walsh", postcode="LS1 4DY"))


def test_a_very_similar_name_alone_counts_unless_the_birthdays_differ(cast, harriet):
    assert _why(_find(cast, first_name="Harriet", last_name="Walshe")) == {
        harriet.pk: ["very similar name"]
    }
    assert _why(
        _find(cast, first_name="Harriet", last_name="Walsh", date_of_birth=date(1961, 4, 2))
    ) == {harriet.pk: ["similar name and same date of birth"]}
    assert (
        _find(cast, first_name="Harriet", last_name="Walsh", date_of_birth=date(1990, 1, 1)) == []
    )


def test_several_reasons_are_all_given_and_rank_first(cast, harriet):
    other = add_person(cast.ada, first_name="Harriet", last_name="Walsh")
    matches = _find(
        cast,
        first_name="Harriet",
        last_name="Walsh",
        email="harriet.walsh@example.org",
        phone="+447811123456",
    )
    assert matches[0].person == harriet
    assert matches[0].why == "same e-mail address and same phone number"
    assert {match.person.pk for match in matches} == {harriet.pk, other.pk}


def test_different_people_are_not_duplicates(cast, harriet):
    assert (
        _find(
            cast,
            first_name="Oluwaseun",
            last_name="Adeyemi",
            postcode="LS2 9JT",
            email="o.adeyemi@example.org",
            phone="+447811999888",
        )
        == []
    )


def test_a_saved_persons_duplicates_leave_out_themselves_and_merged_records(cast, harriet):
    twin = add_person(
        cast.ada, first_name="Harriet", last_name="Walsh", email="HARRIET.walsh@example.org"
    )
    gone = add_person(cast.ada, first_name="Harriet", last_name="Walsh", phone="07811 123456")
    with bind_office(cast.north):
        Person.objects.filter(pk=gone.pk).update(merged_into=twin)
        assert _why(duplicates_of(harriet)) == {twin.pk: ["same e-mail address"]}


def test_other_offices_people_are_never_candidates(cast, harriet):
    with bind_office(cast.south):
        assert (
            likely_duplicates(
                identity_from_details(
                    first_name="Harriet", last_name="Walsh", email="harriet.walsh@example.org"
                ),
                office_id=cast.south.pk,
            )
            == []
        )


def test_the_check_costs_the_same_queries_for_few_or_many_people(cast, harriet):
    def count() -> int:
        with bind_office(cast.north), CaptureQueriesContext(connection) as queries:
            likely_duplicates(
                identity_from_details(
                    first_name="Harriet",
                    last_name="Walsh",
                    email="x@example.org",
                    phone="+447811123456",
                    postcode="LS1 4DY",
                ),
                office_id=cast.north.pk,
            )
        return len(queries)

    few = count()
    with bind_office(cast.north):
        Person.objects.bulk_create(
            Person(office=cast.north, first_name=f"H{n}", last_name="Walsh", postcode="LS1 4DY")
            for n in range(40)
        )
    assert count() == few <= 8
