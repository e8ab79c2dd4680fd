"""A person's safety marker shows wherever they appear, in words, at a fixed query cost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casewell.cases.models import Category
from casewell.cases.services import add_party, open_case
from casewell.offices.tenancy import bind_office
from casewell.people.models import Person
from casewell.safety import markers

IN_A_YEAR = timezone.localdate() + timedelta(days=365)
BADGE = "Safety marker: Do not visit alone</strong>"


def person(cast, first: str, last: str) -> Person:
    with bind_office(cast.north, actor=cast.ada):
        return Person.objects.create(first_name=first, last_name=last)


def category(cast) -> Category:
    with bind_office(cast.north):
        return Category.objects.filter(parent=None).order_by("position", "id").first()


@pytest.fixture
def harriet(cast) -> Person:
    return person(cast, "Harriet", "Walsh")


@pytest.fixture
def marked(cast, harriet):
    return markers.add_safety_marker(
        cast.ben, harriet, kind="do_not_visit_alone", note="Dog.", review_on=IN_A_YEAR
    )


@pytest.fixture
def damp(cast, harriet):
    return open_case(cast.ada, summary="Damp", category=category(cast), people=[harriet])


def page(client, url: str) -> str:
    answer = client.get(url)
    assert answer.status_code == 200
    return answer.content.decode()


def test_the_marker_shows_on_the_person_page_people_list_case_list_and_case_page(
    cast, client_for, harriet, marked, damp
):
    ivy = client_for(cast.ivy)
    assert "Safety marker: </span>Do not visit alone. Dog." in page(ivy, f"/people/{harriet.pk}/")
    assert BADGE in page(ivy, "/people/")
    assert BADGE in page(client_for(cast.ada), "/cases/")
    case_page = page(client_for(cast.ada), f"/cases/{damp.pk}/")
    assert BADGE in case_page
    # Text, not colour alone: the words themselves say what the risk is.
    assert 'class="govuk-tag govuk-tag--red casewell-safety-badge"' in case_page


def test_no_badge_for_unmarked_people_nor_once_the_marker_is_removed(
    cast, client_for, harriet, marked, damp
):
    other = person(cast, "Omar", "Quinn")
    open_case(cast.ada, summary="Bins", category=category(cast), people=[other])
    listing = page(client_for(cast.ada), "/people/")
    assert listing.count("casewell-safety-badge") == 1
    markers.remove_safety_marker(cast.ben, marked)
    for url in ("/people/", "/cases/", f"/cases/{damp.pk}/", f"/people/{harriet.pk}/"):
        assert "Safety marker:" not in page(client_for(cast.ada), url), url


def test_a_case_with_several_people_shows_each_kind_once(cast, client_for, harriet, marked, damp):
    tom = person(cast, "Tom", "Walsh")
    add_party(cast.ada, damp, tom)
    for kind in ("has_made_threats", "do_not_visit_alone"):
        markers.add_safety_marker(cast.ben, tom, kind=kind, note="", review_on=IN_A_YEAR)
    listing = page(client_for(cast.ada), "/cases/")
    assert "Safety markers: Do not visit alone, Has made threats</strong>" in listing


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_markers_cost_the_same_queries_for_one_or_many_marked_rows(cast, client_for, damp, marked):
    client = client_for(cast.ada)
    urls = ("/people/", "/cases/", f"/cases/{damp.pk}/")
    few = {url: count_queries(client, url) for url in urls}
    for number in range(6):
        someone = person(cast, f"Given{number}", "Family")
        markers.add_safety_marker(
            cast.ben, someone, kind="has_made_threats", note="", review_on=IN_A_YEAR
        )
        add_party(cast.ada, damp, someone)
        open_case(cast.ada, summary=f"Case {number}", category=category(cast), people=[someone])
    assert {url: count_queries(client, url) for url in urls} == few


def test_the_inbox_gets_the_words_for_a_page_of_senders_in_one_query(
    cast, harriet, marked, django_assert_num_queries
):
    other = person(cast, "Omar", "Quinn")
    with bind_office(cast.north), django_assert_num_queries(1):
        shown = markers.markers_for_senders([harriet.pk, other.pk])
    assert shown == {harriet.pk: ["Do not visit alone"]}


def test_cleo_sees_no_marker_of_norths_on_her_lists(cast, client_for, marked, damp):
    assert "Safety marker" not in page(client_for(cast.cleo), "/people/")
    assert "Safety marker" not in page(client_for(cast.cleo), "/cases/")
