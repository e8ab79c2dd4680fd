"""Safety markers: added and removed by managers, shown where the person appears."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from casewell.offices.tenancy import bind_office
from casewell.people.models import Person
from casewell.safety import markers, services
from casewell.safety.tests.conftest import plan

IN_A_YEAR = date(2027, 3, 10)


@pytest.fixture
def harriet(cast) -> Person:
    with bind_office(cast.north, actor=cast.ada):
        return Person.objects.create(
            first_name="Harriet", last_name="Walsh", address_line_1="3 Kirkgate", town="Leeds"
        )


@pytest.fixture
def marker(cast, harriet, clock):
    return markers.add_safety_marker(
        cast.ben,
        harriet,
        kind="do_not_visit_alone",
        note="Dog; shouted at staff in May.",
        review_on=IN_A_YEAR,
    )


def test_only_managers_add_or_remove_and_mistakes_are_named(cast, harriet, clock):
    with pytest.raises(PermissionDenied):
        markers.add_safety_marker(cast.ada, harriet, kind="other", note="x", review_on=IN_A_YEAR)
    with pytest.raises(ValidationError) as refused:
        markers.add_safety_marker(
            cast.ben, harriet, kind="other", note=" ", review_on=date(2026, 3, 1)
        )
    assert set(refused.value.message_dict) == {"note", "review_on"}
    with pytest.raises(ValidationError) as refused:
        markers.add_safety_marker(cast.ben, harriet, kind="rude", note="", review_on=None)
    assert set(refused.value.message_dict) == {"kind", "review_on"}


def test_a_removed_marker_is_kept_but_no_longer_shown(cast, harriet, marker):
    with pytest.raises(PermissionDenied):
        markers.remove_safety_marker(cast.ada, marker)
    markers.remove_safety_marker(cast.ben, marker)
    with bind_office(cast.north):
        assert markers.markers_for(harriet) == []
        assert markers.get_marker_for(cast.ben, marker.pk).removed_by == cast.ben


def test_the_marker_shows_when_starting_a_visit_and_on_the_session(
    cast, harriet, marker, clock, client_for
):
    ada = client_for(cast.ada)
    start = ada.get(reverse("safety:start") + f"?person={harriet.pk}").content.decode()
    assert "Safety marker: </span>Do not visit alone. Dog; shouted at staff in May." in start
    assert "3 Kirkgate" in start  # the visit's address comes from the record
    session = services.start_lone_working(
        cast.ada, plan(buddy_id=cast.wes.pk, person_id=harriet.pk)
    )
    for person in (cast.ada, cast.wes, cast.ben):
        page = (
            client_for(person)
            .get(reverse("safety:session", kwargs={"loneworkingsession_id": session.pk}))
            .content.decode()
        )
        assert "Safety marker: </span>Do not visit alone" in page


def test_markers_for_a_whole_list_cost_one_query(cast, harriet, marker, django_assert_num_queries):
    with bind_office(cast.north), django_assert_num_queries(1):
        found = markers.markers_by_person([harriet.pk, harriet.pk + 1000])
    assert [m.pk for m in found[harriet.pk]] == [marker.pk]


def test_the_markers_page_managers_add_and_everyone_reads(cast, harriet, clock, client_for):
    url = reverse("safety:person_markers", kwargs={"person_id": harriet.pk})
    assert "Add a safety marker" not in client_for(cast.ada).get(url).content.decode()
    assert client_for(cast.ada).post(url, {"kind": "other"}).status_code == 403
    ben = client_for(cast.ben)
    bad = ben.post(url, {"kind": "", "review_on": "soon"}).content.decode()
    assert "Choose the kind of risk" in bad and "Enter the review date as day" in bad
    page = ben.post(
        url, {"kind": "aggressive_on_phone", "review_on": "10 3 2027"}, follow=True
    ).content.decode()
    assert "Harriet Walsh now carries a safety marker" in page
    with bind_office(cast.north):
        (added,) = markers.markers_for(harriet)
    remove = reverse("safety:remove_marker", kwargs={"safetymarker_id": added.pk})
    assert client_for(cast.ada).post(remove).status_code == 403
    assert "carries no safety marker" in ben.post(remove, follow=True).content.decode()


def test_cleo_finds_no_marker_of_norths(cast, marker, client_for):
    cleo = client_for(cast.cleo)
    url = reverse("safety:person_markers", kwargs={"person_id": marker.person_id})
    assert cleo.get(url).status_code == 404
    assert cleo.post(url, {"kind": "other"}).status_code == 404
    remove = reverse("safety:remove_marker", kwargs={"safetymarker_id": marker.pk})
    assert cleo.post(remove).status_code == 404
    with bind_office(cast.north):
        assert markers.get_marker_for(cast.ben, marker.pk).removed_at is None
