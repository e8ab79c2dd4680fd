"""The huddle, put-it-down and no-meeting-time pages: what they show, who may use them, what
they cost, and that Cleo (South) reaches none of North's."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casewell.inbox.tests.placing_mail import stored_message
from casewell.safety.markers import add_safety_marker
from casewell.timeline.services import add_note
from casewell.wellbeing.huddles import DecisionPlan, record_huddle
from casewell.wellbeing.meeting_times import add_no_meeting_time
from casewell.wellbeing.put_down import put_it_down
from casewell.wellbeing.tests.huddle_cases import a_case, person, review_date


@pytest.fixture
def norths(cast):
    """One of each of North's huddle records."""
    urgent = a_case(cast.ada, "North eviction", priority=4)
    huddle = record_huddle(
        cast.ben,
        kind="weekly",
        attendee_ids=[cast.ben.pk],
        learning_theme="North theme",
        decisions=[DecisionPlan(decision="North decision", case_id=urgent.pk)],
    )
    note = put_it_down(cast.ada, note="North private note").note
    rule = add_no_meeting_time(
        cast.ben, repeats="daily", starts=time(12, 30), ends=time(13), label="North lunch"
    )
    return {"case": urgent, "huddle": huddle, "note": note, "rule": rule}


def test_cleo_gets_404_for_every_north_huddle_page(cast, client_for, norths):
    cleo = client_for(cast.cleo)
    assert cleo.get(f"/wellbeing/huddles/{norths['huddle'].pk}/").status_code == 404
    assert cleo.get(f"/wellbeing/put-it-down/{norths['note'].pk}/").status_code == 404
    assert cleo.post(f"/wellbeing/put-it-down/{norths['note'].pk}/").status_code == 404
    assert cleo.post(f"/wellbeing/no-meeting-times/{norths['rule'].pk}/remove/").status_code == 404
    for page in (
        "/wellbeing/huddles/daily/",
        "/wellbeing/huddles/weekly/",
        "/wellbeing/huddles/",
        "/wellbeing/no-meeting-times/",
        "/wellbeing/put-it-down/",
    ):
        text = cleo.get(page).content.decode()
        for north in (
            "North eviction",
            "North decision",
            "North theme",
            "North private note",
            "North lunch",
        ):
            assert north not in text, f"{page} shows {north}"


def test_a_caseworker_records_a_daily_huddle_from_the_board(cast, client_for):
    urgent = a_case(cast.ada, "Eviction", priority=4)
    ada = client_for(cast.ada)
    board = ada.get("/wellbeing/huddles/daily/")
    assert "Eviction" in board.content.decode() and "Urgent priority" in board.content.decode()
    response = ada.post("/wellbeing/huddles/daily/", {
        "attendees": [cast.ada.pk, cast.wes.pk], "case_1": urgent.pk,
        "decision_1": "Ask the council for a stay", "action_1": "Ring the council",
        "owner_1": cast.wes.pk, "due_1": (timezone.localdate() + timedelta(days=1)).isoformat(),
    })  # fmt: skip
    assert response.status_code == 302
    page = ada.get(response["Location"]).content.decode()
    assert "The team decided" in page and "Ask the council for a stay" in page
    assert "Ring the council, by Wes Brown" in page
    assert "Ada Lovelace, Wes Brown" in page


def test_a_huddle_without_attendees_shows_the_error_summary(cast, client_for):
    response = client_for(cast.ada).post("/wellbeing/huddles/daily/", {"decision_1": "Something"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in text and "Choose who came to the huddle" in text


def test_an_action_without_an_owner_is_refused_on_the_page(cast, client_for):
    response = client_for(cast.ada).post("/wellbeing/huddles/daily/", {
        "attendees": [cast.ada.pk], "decision_1": "Act", "action_1": "Call",
    })  # fmt: skip
    assert "choose who will do the action" in response.content.decode()


def test_interns_are_not_shown_the_huddle_boards(cast, client_for):
    assert client_for(cast.ivy).get("/wellbeing/huddles/daily/").status_code == 403
    assert client_for(cast.ivy).get("/wellbeing/put-it-down/").status_code == 200


def test_the_board_costs_the_same_queries_however_many_cases_are_at_risk(cast, client_for):
    ben = client_for(cast.ben)

    def make(number: int) -> None:
        for n in range(number):
            harriet = person(cast.ada, "Harriet", f"Walsh{n}")
            case = a_case(cast.ada, f"Case {n}", people=[harriet])
            add_safety_marker(
                cast.ben, harriet, kind="do_not_visit_alone", note="", review_on=review_date()
            )
            add_note(cast.ada, case, "A note")
            stored_message(cast.north, subject="More", case=case)
            put_it_down(cast.ada, hand_over=[case.pk])

    make(2)
    with CaptureQueriesContext(connection) as few:
        assert ben.get("/wellbeing/huddles/daily/").status_code == 200
    make(6)
    with CaptureQueriesContext(connection) as many:
        assert ben.get("/wellbeing/huddles/daily/").status_code == 200
    assert len(many) == len(few)


def test_put_it_down_hands_a_case_to_tomorrows_board(cast, client_for):
    from casewell.cases.services import assign_case

    worry = a_case(cast.ada, "Quiet worry")
    assign_case(cast.ben, worry, cast.ada)
    ada = client_for(cast.ada)
    response = ada.post("/wellbeing/put-it-down/", {
        "note": "Heavy day", "hand_over": [worry.pk], "handover_note": "Call her first thing",
    })  # fmt: skip
    assert response.status_code == 302
    assert "1 case handed to tomorrow" in ada.get(response["Location"]).content.decode()
    board = client_for(cast.ben).get("/wellbeing/huddles/daily/").content.decode()
    assert "Quiet worry" in board and "Call her first thing" in board and "Heavy day" not in board


def test_managers_add_no_meeting_times_and_others_only_read_them(cast, client_for):
    ben = client_for(cast.ben)
    response = ben.post("/wellbeing/no-meeting-times/", {
        "label": "Lunch", "repeats": "daily", "starts": "12:30", "ends": "13:00",
    })  # fmt: skip
    assert response.status_code == 302
    ada = client_for(cast.ada)
    assert (
        "12:30 to 13:00 every working day"
        in ada.get("/wellbeing/no-meeting-times/").content.decode()
    )
    assert ada.post("/wellbeing/no-meeting-times/", {"repeats": "daily"}).status_code == 403


def test_huddle_times_in_a_no_meeting_time_are_warned_about_and_kept_when_confirmed(
    cast, client_for
):
    add_no_meeting_time(cast.ben, repeats="daily", starts=time(12, 30), ends=time(13),
                        label="Lunch")  # fmt: skip
    ben = client_for(cast.ben)
    wanted = {"daily_at": "12:45", "weekly_weekday": "4", "weekly_at": "15:30"}
    warned = ben.post("/wellbeing/huddles/times/", wanted)
    assert warned.status_code == 200
    assert "no-meeting time: Lunch" in warned.content.decode()
    kept = ben.post("/wellbeing/huddles/times/", {**wanted, "meet_anyway": "on"})
    assert kept.status_code == 302
    from casewell.wellbeing.huddles import huddle_rhythm

    assert huddle_rhythm(cast.north.pk).daily_at == time(12, 45)
    assert client_for(cast.ada).get("/wellbeing/huddles/times/").status_code == 403


def test_the_wellbeing_home_links_every_page(cast, client_for):
    text = client_for(cast.ben).get("/wellbeing/").content.decode()
    for link in (
        "/wellbeing/huddles/daily/",
        "/wellbeing/huddles/weekly/",
        "/wellbeing/huddles/",
        "/wellbeing/put-it-down/",
        "/wellbeing/supervision/",
        "/wellbeing/calendar/",
        "/wellbeing/no-meeting-times/",
        "/wellbeing/huddles/times/",
    ):
        assert f'href="{link}"' in text
