"""Each person's calendar feed: its content, and a link that stops working when revoked."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from icalendar import Calendar

from casewell.offices.services import deactivate_staff
from casewell.wellbeing.calendar_feed import make_calendar_link, revoke_calendar_link
from casewell.wellbeing.supervision import (
    SessionPlan,
    cancel_session,
    schedule_supervision,
    write_record,
)

PRIVATE = "Struggling after the inquest"


def feed(client, token):
    return client.get(f"/wellbeing/feeds/{token}.ics")


def events(response):
    calendar = Calendar.from_ical(response.content)
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


def test_the_feed_holds_the_huddles_and_the_persons_supervision_and_nothing_private(cast, client):
    start = timezone.now() + timedelta(days=7)
    (mine,) = schedule_supervision(cast.ben, SessionPlan(
        kind="clinical", supervisor_id=cast.ben.pk, supervisee_ids=[cast.ada.pk],
        starts_at=start, facilitator="Dr Rhodes", place="Room 2"))  # fmt: skip
    # Wes's session, not Ada's: it stays out of her feed.
    schedule_supervision(cast.ben, SessionPlan(
        kind="one_to_one", supervisor_id=cast.ben.pk, supervisee_ids=[cast.wes.pk],
        starts_at=start))  # fmt: skip
    past = schedule_supervision(cast.ben, SessionPlan(
        kind="one_to_one", supervisor_id=cast.ben.pk, supervisee_ids=[cast.ada.pk],
        starts_at=timezone.now() - timedelta(days=1)))[0]  # fmt: skip
    write_record(cast.ada, past, cast.ada.pk, text=PRIVATE)
    token = make_calendar_link(cast.ada)
    response = feed(client, token)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    found = events(response)
    assert set(found) == {
        "Daily huddle",
        "Weekly huddle",
        "Clinical supervision with Dr Rhodes",
        "One-to-one supervision with Ben Okafor",
    }
    clinical = found["Clinical supervision with Dr Rhodes"]
    assert (
        clinical["dtstart"].dt == mine.starts_at.replace(microsecond=0)
        and str(clinical["location"]) == "Room 2"
    )
    assert (
        str(found["Daily huddle"]["rrule"].to_ical(), "ascii") == "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR"
    )
    assert PRIVATE.encode() not in response.content


def test_a_cancelled_session_is_marked_cancelled_in_the_feed(cast, client):
    (session,) = schedule_supervision(cast.ben, SessionPlan(
        kind="group", supervisor_id=cast.ben.pk, supervisee_ids=[cast.ada.pk],
        starts_at=timezone.now() + timedelta(days=2)))  # fmt: skip
    cancel_session(cast.ben, session)
    found = events(feed(client, make_calendar_link(cast.ada)))
    assert str(found["Group supervision with Ben Okafor"]["status"]) == "CANCELLED"


def test_interns_feeds_leave_out_the_huddles(cast, client):
    assert "Daily huddle" not in events(feed(client, make_calendar_link(cast.ivy)))


def test_a_revoked_or_replaced_link_stops_working(cast, client):
    first = make_calendar_link(cast.ada)
    second = make_calendar_link(cast.ada)
    assert feed(client, first).status_code == 404
    assert feed(client, second).status_code == 200
    assert revoke_calendar_link(cast.ada) == 1
    assert feed(client, second).status_code == 404


def test_a_made_up_token_or_a_deactivated_persons_link_opens_nothing(cast, client):
    assert feed(client, "cwcal_not-a-real-token").status_code == 404
    token = make_calendar_link(cast.ada)
    deactivate_staff(cast.amir, cast.ada)
    assert feed(client, token).status_code == 404


def test_the_calendar_page_shows_the_link_once(cast, client_for):
    ada = client_for(cast.ada)
    made = ada.post("/wellbeing/calendar/", {"action": "make"})
    assert "/wellbeing/feeds/cwcal_" in made.content.decode()
    assert "cwcal_" not in ada.get("/wellbeing/calendar/").content.decode()
    ada.post("/wellbeing/calendar/", {"action": "revoke"})
    assert "Make my calendar link" in ada.get("/wellbeing/calendar/").content.decode()
