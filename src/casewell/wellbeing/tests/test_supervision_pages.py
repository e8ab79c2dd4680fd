"""The supervision pages: booking (with the no-meeting warning), records, overdue list, and
that Cleo (South) reaches none of North's."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from casewell.wellbeing.meeting_times import add_no_meeting_time
from casewell.wellbeing.supervision import SessionPlan, schedule_supervision, write_record

LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.fixture
def session(cast):
    (held,) = schedule_supervision(cast.ben, SessionPlan(
        kind="one_to_one", supervisor_id=cast.ben.pk, supervisee_ids=[cast.ada.pk],
        starts_at=timezone.now() - timedelta(hours=1), place="North room",
    ))  # fmt: skip
    return held


def test_cleo_gets_404_for_every_north_supervision_page(cast, client_for, session):
    record = write_record(
        cast.ada, session, cast.ada.pk, text="North words", actions=[("North action", None)]
    )
    from casewell.wellbeing.supervision import actions_of

    action = actions_of(record)[0]
    cleo = client_for(cast.cleo)
    base = "/wellbeing/supervision"
    for url in (f"{base}/sessions/{session.pk}/", f"{base}/records/{record.pk}/"):
        assert cleo.get(url).status_code == 404
        assert cleo.post(url, {"supervisee": cast.ada.pk, "text": "x"}).status_code == 404
    for url in (
        f"{base}/sessions/{session.pk}/attendance/",
        f"{base}/sessions/{session.pk}/cancel/",
        f"{base}/actions/{action.pk}/done/",
    ):
        assert cleo.post(url).status_code == 404
    text = cleo.get(f"{base}/").content.decode()
    assert "North" not in text and "Ada" not in text


def test_someone_not_in_the_session_gets_404_for_it(cast, client_for, session):
    assert (
        client_for(cast.wes).get(f"/wellbeing/supervision/sessions/{session.pk}/").status_code
        == 404
    )


def test_booking_inside_a_no_meeting_time_warns_then_books_when_confirmed(cast, client_for):
    add_no_meeting_time(cast.ben, repeats="daily", starts=time(12, 30), ends=time(13),
                        label="Lunch")  # fmt: skip
    day = timezone.localdate() + timedelta(days=7)
    while day.weekday() > 4:
        day += timedelta(days=1)
    wanted = {
        "kind": "group",
        "supervisor": cast.ben.pk,
        "supervisees": [cast.ada.pk, cast.wes.pk],
        "starts_at": f"{day:%d %m %Y} 12:00",
        "minutes": 60,
        "occurrences": 1,
    }
    ben = client_for(cast.ben)
    warned = ben.post("/wellbeing/supervision/new/", wanted)
    assert warned.status_code == 200 and "no-meeting time: Lunch" in warned.content.decode()
    assert "1 session booked" not in warned.content.decode()
    booked = ben.post("/wellbeing/supervision/new/", {**wanted, "book_anyway": "on"})
    assert booked.status_code == 302
    outside = ben.post(
        "/wellbeing/supervision/new/", {**wanted, "starts_at": f"{day:%d %m %Y} 09:00"}
    )
    assert outside.status_code == 302  # no clash, no question


def test_a_recurring_series_is_booked_from_the_page(cast, client_for):
    wanted = {
        "kind": "reflective",
        "supervisor": cast.ben.pk,
        "supervisees": [cast.ada.pk],
        "starts_at": "01 03 2027 10:00",
        "minutes": 90,
        "every_weeks": 2,
        "occurrences": 3,
    }
    response = client_for(cast.ben).post("/wellbeing/supervision/new/", wanted)
    assert response.status_code == 302
    page = client_for(cast.ada).get("/wellbeing/supervision/").content.decode()
    assert page.count("Reflective practice,") == 3


def test_the_supervisee_writes_the_record_and_the_manager_sees_only_the_session(
    cast, client_for, session
):
    (held,) = schedule_supervision(cast.ben, SessionPlan(
        kind="one_to_one", supervisor_id=cast.wes.pk, supervisee_ids=[cast.ada.pk],
        starts_at=timezone.now() - timedelta(hours=1)))  # fmt: skip
    ada = client_for(cast.ada)
    response = ada.post(f"/wellbeing/supervision/sessions/{held.pk}/", {
        "supervisee": cast.ada.pk, "text": "Talked about the inquest", "action_1": "Book leave",
    })  # fmt: skip
    assert response.status_code == 302
    record_page = ada.get(response["Location"]).content.decode()
    assert "Talked about the inquest" in record_page and "Book leave" in record_page
    manager_page = client_for(cast.ben).get(f"/wellbeing/supervision/sessions/{held.pk}/")
    assert manager_page.status_code == 200
    assert "Talked about the inquest" not in manager_page.content.decode()
    refused = client_for(cast.ben).post(
        f"/wellbeing/supervision/sessions/{held.pk}/",
        {"supervisee": cast.ada.pk, "text": "Mine now"},
    )
    assert refused.status_code == 403


def test_the_manager_sees_who_is_overdue_and_others_do_not(cast, client_for, session):
    from casewell.offices.models import User
    from casewell.offices.tenancy import bind_office

    with bind_office(cast.north):
        User.objects.filter(pk=cast.wes.pk).update(date_joined=datetime(2020, 1, 1, tzinfo=LONDON))
    page = client_for(cast.ben).get("/wellbeing/supervision/").content.decode()
    assert "Overdue clinical supervision" in page and "Wes Brown" in page
    assert (
        "Overdue clinical supervision"
        not in client_for(cast.ada).get("/wellbeing/supervision/").content.decode()
    )
    assert client_for(cast.ada).get("/wellbeing/supervision/policy/").status_code == 403
    assert (
        client_for(cast.ben)
        .post("/wellbeing/supervision/policy/", {"clinical_per_year": 4})
        .status_code
        == 302
    )


def test_attendance_is_recorded_on_the_session_page(cast, client_for, session):
    ben = client_for(cast.ben)
    response = ben.post(
        f"/wellbeing/supervision/sessions/{session.pk}/attendance/", {"attended": [cast.ada.pk]}
    )
    assert response.status_code == 302
    assert "Ada Lovelace (came)" in ben.get(response["Location"]).content.decode()
