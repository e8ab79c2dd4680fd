"""The supervision API: booking, sessions, attendance, private records (read only by the two
of them, every read logged), who is overdue, the policy and the calendar link; by the same
rules as the pages, and nothing of North's for Cleo."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casewell.offices.models import AccessLogEntry, User
from casewell.offices.tenancy import bind_office
from casewell.offices.tokens import create_token
from casewell.wellbeing.meeting_times import add_no_meeting_time
from casewell.wellbeing.supervision import (
    SessionPlan,
    actions_of,
    schedule_supervision,
    write_record,
)

LONDON = zoneinfo.ZoneInfo("Europe/London")
API = "/api/v1/wellbeing"
PRIVATE = "Finding the eviction cases hard since my own move"


class ApiClient:
    """A token holder's client speaking JSON."""

    def __init__(self, user: User) -> None:
        _record, token = create_token(user, "Supervision tests")
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    def get(self, path: str) -> object:
        return self.client.get(API + path)

    def send(self, method: str, path: str, body: object = None) -> object:
        send = getattr(self.client, method)
        return send(API + path, body if body is not None else {}, content_type="application/json")


@pytest.fixture
def api(cast):
    clients: dict[int, ApiClient] = {}

    def client(user: User) -> ApiClient:
        return clients.setdefault(user.pk, ApiClient(user))

    return client


def one_to_one(supervisor, supervisee, *, booked_by=None, starts_at=None):
    (held,) = schedule_supervision(booked_by or supervisor, SessionPlan(
        kind="one_to_one", supervisor_id=supervisor.pk, supervisee_ids=[supervisee.pk],
        starts_at=starts_at or timezone.now() - timedelta(hours=1), place="North room",
    ))  # fmt: skip
    return held


@pytest.fixture
def session(cast):
    """Wes supervises Ada; Ben (a manager) booked it but is neither."""
    return one_to_one(cast.wes, cast.ada, booked_by=cast.ben)


def reads_of_records(cast) -> list[tuple[int, str]]:
    with bind_office(cast.north):
        return list(
            AccessLogEntry.objects.filter(subject_type="wellbeing.SupervisionRecord")
            .order_by("id")
            .values_list("user_id", "channel")
        )


# --- Booking ---------------------------------------------------------------------------------


def test_a_manager_books_a_recurring_series_at_the_offices_local_time(cast, api):
    response = api(cast.ben).send("post", "/supervision/sessions", {
        "kind": "reflective", "supervisor_id": cast.ben.pk, "supervisee_ids": [cast.ada.pk],
        "starts_at": "2027-03-01T10:00", "minutes": 90, "every_weeks": 4, "occurrences": 3,
        "place": "Quiet room",
    })  # fmt: skip
    assert response.status_code == 201
    booked = response.json()
    assert len(booked) == 3 and len({row["series_id"] for row in booked}) == 1
    # 10:00 in London each time, across the clocks going forward on 28 March.
    starts = [datetime.fromisoformat(row["starts_at"]).astimezone(LONDON) for row in booked]
    assert [(start.date().isoformat(), start.time()) for start in starts] == [
        ("2027-03-01", time(10)), ("2027-03-29", time(10)), ("2027-04-26", time(10)),
    ]  # fmt: skip
    listed = api(cast.ada).get("/supervision/sessions").json()
    assert [row["id"] for row in listed] == [row["id"] for row in booked]
    assert listed[0]["kind_label"] == "Reflective practice"
    assert listed[0]["supervisor"] == {"id": cast.ben.pk, "name": "Ben Okafor"}


@pytest.mark.parametrize(
    ("kind", "supervisees", "facilitator"),
    [
        ("one_to_one", ["ada"], ""),
        ("group", ["ada", "wes", "ivy"], ""),
        ("clinical", ["ada"], "Dr Rhodes"),
        ("reflective", ["ada", "wes"], ""),
    ],
)
def test_each_kind_of_session_is_booked(cast, api, kind, supervisees, facilitator):
    ids = [getattr(cast, name).pk for name in supervisees]
    response = api(cast.ben).send("post", "/supervision/sessions", {
        "kind": kind, "supervisor_id": cast.ben.pk, "supervisee_ids": ids,
        "starts_at": "2027-05-04T09:00:00+01:00", "facilitator": facilitator,
    })  # fmt: skip
    assert response.status_code == 201
    (booked,) = response.json()
    assert booked["kind"] == kind and booked["facilitator"] == facilitator
    detail = api(cast.ben).get(f"/supervision/sessions/{booked['id']}").json()
    assert sorted(row["user_id"] for row in detail["attendees"]) == sorted(ids)


def test_a_booking_in_a_no_meeting_time_is_refused_until_booked_anyway(cast, api):
    add_no_meeting_time(cast.ben, repeats="daily", starts=time(12, 30), ends=time(13),
                        label="Lunch")  # fmt: skip
    wanted = {
        "kind": "group", "supervisor_id": cast.ben.pk, "supervisee_ids": [cast.ada.pk],
        "starts_at": "2027-05-04T12:00", "minutes": 60,
    }  # fmt: skip
    ben = api(cast.ben)
    refused = ben.send("post", "/supervision/sessions", wanted)
    assert refused.status_code == 422
    (problem,) = refused.json()["errors"]["starts_at"]
    assert "no-meeting time: Lunch" in problem
    assert ben.get("/supervision/sessions").json() == []
    booked = ben.send("post", "/supervision/sessions", {**wanted, "book_anyway": True})
    assert booked.status_code == 201


def test_only_managers_book_a_session_someone_else_holds(cast, api):
    someone_elses = {
        "kind": "one_to_one", "supervisor_id": cast.wes.pk, "supervisee_ids": [cast.ada.pk],
        "starts_at": "2027-05-04T09:00",
    }  # fmt: skip
    for who in (cast.ada, cast.ivy):
        refused = api(who).send("post", "/supervision/sessions", someone_elses)
        assert refused.status_code == 403
        assert refused.json() == {
            "detail": "Only managers schedule sessions that someone else holds."
        }
    own = {**someone_elses, "supervisor_id": cast.ada.pk, "supervisee_ids": [cast.ivy.pk]}
    assert api(cast.ada).send("post", "/supervision/sessions", own).status_code == 201
    assert api(cast.ben).send("post", "/supervision/sessions", someone_elses).status_code == 201


def test_a_bad_booking_answers_422_naming_each_field(cast, api):
    ben = api(cast.ben)
    refused = ben.send("post", "/supervision/sessions", {
        "kind": "chat", "supervisor_id": cast.cleo.pk, "supervisee_ids": [],
        "starts_at": "2027-05-04T09:00", "minutes": 5, "occurrences": 3,
    })  # fmt: skip
    assert refused.status_code == 422
    assert refused.json()["errors"] == {
        "kind": ["Choose the kind of supervision"],
        "supervisor": ["Choose the supervisor from your office"],
        "supervisees": ["Choose who the session is for"],
        "minutes": ["A session lasts between 15 minutes and 8 hours"],
        "every_weeks": ["Say how many weeks apart the sessions are"],
    }
    one_to_one_for_two = ben.send("post", "/supervision/sessions", {
        "kind": "one_to_one", "supervisor_id": cast.ben.pk,
        "supervisee_ids": [cast.ada.pk, cast.wes.pk], "starts_at": "2027-05-04T09:00",
    })  # fmt: skip
    assert one_to_one_for_two.json()["errors"] == {
        "supervisees": ["One-to-one supervision is for one person"]
    }
    good = {"kind": "group", "supervisor_id": cast.ben.pk, "supervisee_ids": [cast.ada.pk],
            "starts_at": "2027-05-04T09:00"}  # fmt: skip
    for field, bad in (("starts_at", "next Tuesday"), ("minutes", "long"), ("place", "x" * 201),
                       ("supervisee_ids", "Ada"), ("every_weeks", 30)):  # fmt: skip
        response = ben.send("post", "/supervision/sessions", {**good, field: bad})
        assert response.status_code == 422, field
        assert field in response.json()["detail"], response.json()
    assert ben.send("post", "/supervision/sessions", {}).status_code == 422
    assert ben.get("/supervision/sessions").json() == []


# --- A session, attendance and cancelling ----------------------------------------------------


def test_a_session_shows_each_person_what_its_page_shows_them(cast, api, session):
    ada = api(cast.ada).get(f"/supervision/sessions/{session.pk}").json()
    assert ada["attendees"] == [{"user_id": cast.ada.pk, "name": "Ada Lovelace", "attended": None}]
    assert ada["runs"] is False and ada["may_write_record_for"] == [cast.ada.pk]
    wes = api(cast.wes).get(f"/supervision/sessions/{session.pk}").json()
    assert wes["runs"] is True and wes["may_write_record_for"] == [cast.ada.pk]
    # A manager reaches any session, but writes no record that is not theirs.
    ben = api(cast.ben).get(f"/supervision/sessions/{session.pk}").json()
    assert ben["runs"] is True and ben["may_write_record_for"] == []
    assert api(cast.ben).get("/supervision/sessions").json() == []


def test_a_colleague_outside_the_session_and_an_intern_get_404(cast, api, session):
    for who in (cast.mo, cast.ivy):
        response = api(who).get(f"/supervision/sessions/{session.pk}")
        assert response.status_code == 404
        assert response.json() == {"detail": "No supervision session found."}
        for method, path in (("put", "attendance"), ("post", "cancel"), ("post", "records")):
            sent = api(who).send(
                method,
                f"/supervision/sessions/{session.pk}/{path}",
                {"attended_ids": [], "supervisee_id": cast.ada.pk, "text": "x"},
            )
            assert sent.status_code == 404, path  # fmt: skip
    assert api(cast.mo).get("/supervision/sessions").json() == []


def test_the_supervisor_records_who_came(cast, api, session):
    path = f"/supervision/sessions/{session.pk}/attendance"
    refused = api(cast.ada).send("put", path, {"attended_ids": [cast.ada.pk]})
    assert refused.status_code == 403
    response = api(cast.wes).send("put", path, {"attended_ids": [cast.ada.pk]})
    assert response.status_code == 200
    assert response.json()["attendees"][0]["attended"] is True
    # Recorded again with nobody: Ada did not come after all.
    again = api(cast.ben).send("put", path, {"attended_ids": []})
    assert again.json()["attendees"][0]["attended"] is False


def test_attendance_refuses_strangers_a_session_to_come_and_a_cancelled_one(cast, api, session):
    wes = api(cast.wes)
    path = f"/supervision/sessions/{session.pk}/attendance"
    stranger = wes.send("put", path, {"attended_ids": [cast.mo.pk]})
    assert stranger.status_code == 422
    assert stranger.json()["errors"] == {"attended": ["Choose people invited to this session"]}
    assert wes.send("put", path, {"attended_ids": "everyone"}).status_code == 422
    later = one_to_one(cast.wes, cast.ada, starts_at=timezone.now() + timedelta(days=3))
    too_soon = wes.send("put", f"/supervision/sessions/{later.pk}/attendance",
                        {"attended_ids": [cast.ada.pk]})  # fmt: skip
    assert too_soon.status_code == 422
    assert "once the session has started" in too_soon.json()["detail"]
    cancel = f"/supervision/sessions/{session.pk}/cancel"
    assert api(cast.ada).send("post", cancel).status_code == 403
    cancelled = wes.send("post", cancel)
    assert cancelled.status_code == 200 and cancelled.json()["cancelled_at"] is not None
    after = wes.send("put", path, {"attended_ids": [cast.ada.pk]})
    assert after.status_code == 422 and "cancelled" in after.json()["detail"]


# --- Private records -------------------------------------------------------------------------


def test_the_supervisee_writes_the_record_and_only_the_two_of_them_read_it(cast, api, session):
    written = api(cast.ada).send("post", f"/supervision/sessions/{session.pk}/records", {
        "supervisee_id": cast.ada.pk, "text": PRIVATE,
        "actions": [{"text": "Ask for a lighter caseload", "due_on": "2027-05-01"}],
    })  # fmt: skip
    assert written.status_code == 200
    summary = written.json()
    assert PRIVATE not in written.content.decode()
    assert summary["supervisee"] == {"id": cast.ada.pk, "name": "Ada Lovelace"}
    # Listing names the record without reading it: nothing is logged.
    for who in (cast.ada, cast.wes):
        assert [row["id"] for row in api(who).get("/supervision/records").json()] == [summary["id"]]
    assert reads_of_records(cast) == []
    for who in (cast.ada, cast.wes):
        found = api(who).get(f"/supervision/records/{summary['id']}").json()
        assert found["text"] == PRIVATE
        assert [(a["text"], a["due_on"]) for a in found["actions"]] == [
            ("Ask for a lighter caseload", "2027-05-01")
        ]
    for outsider in (cast.ben, cast.amir, cast.mo, cast.ivy):
        refused = api(outsider).get(f"/supervision/records/{summary['id']}")
        assert refused.status_code == 404 and PRIVATE not in refused.content.decode()
        assert api(outsider).get("/supervision/records").json() == []
    assert reads_of_records(cast) == [(cast.ada.pk, "api"), (cast.wes.pk, "api")]
    # The session lists it for the two of them only.
    assert [r["id"] for r in api(cast.wes).get(f"/supervision/sessions/{session.pk}").json()
            ["records"]] == [summary["id"]]  # fmt: skip
    assert api(cast.ben).get(f"/supervision/sessions/{session.pk}").json()["records"] == []


def test_a_manager_who_is_neither_may_not_write_the_record(cast, api, session):
    path = f"/supervision/sessions/{session.pk}/records"
    for text in ("Mine now", ""):
        refused = api(cast.ben).send("post", path, {"supervisee_id": cast.ada.pk, "text": text})
        assert refused.status_code == 403
    assert api(cast.ada).get("/supervision/records").json() == []


def test_a_bad_record_answers_422_naming_the_field(cast, api, session):
    path = f"/supervision/sessions/{session.pk}/records"
    wes = api(cast.wes)
    empty = wes.send("post", path, {"supervisee_id": cast.ada.pk, "text": "   "})
    assert empty.status_code == 422
    assert empty.json()["errors"] == {"text": ["Write what was discussed"]}
    stranger = wes.send("post", path, {"supervisee_id": cast.mo.pk, "text": "Notes"})
    assert stranger.json()["errors"] == {"supervisee": ["Choose someone invited to this session"]}
    for bad in ({"supervisee_id": cast.ada.pk},
                {"supervisee_id": cast.ada.pk, "text": "Notes", "actions": [{"text": "x" * 301}]},
                {"supervisee_id": cast.ada.pk, "text": "Notes",
                 "actions": [{"text": "Rest", "due_on": "soon"}]}):  # fmt: skip
        response = wes.send("post", path, bad)
        assert response.status_code == 422 and response.json()["detail"].startswith(
            "The request is not valid."
        )
    assert wes.get("/supervision/records").json() == []


def test_an_agreed_action_is_marked_done_by_the_two_of_them_only(cast, api, session):
    record = write_record(cast.wes, session, cast.ada.pk, text=PRIVATE, actions=[("Rest", None)])
    action = actions_of(record)[0]
    for outsider in (cast.ben, cast.mo):
        refused = api(outsider).send("post", f"/supervision/actions/{action.pk}/done")
        assert refused.status_code == 404
    done = api(cast.ada).send("post", f"/supervision/actions/{action.pk}/done")
    assert done.status_code == 200
    assert done.json()["record_id"] == record.pk and done.json()["done_at"] is not None
    assert "Rest" not in done.content.decode()


# --- Who is overdue, and how often it is due -------------------------------------------------


def test_only_managers_see_who_is_overdue_clinical_supervision(cast, api):
    with bind_office(cast.north):
        User.objects.filter(pk=cast.wes.pk).update(date_joined=datetime(2020, 1, 1, tzinfo=LONDON))
    rows = api(cast.ben).get("/supervision/overdue").json()
    wes = next(row for row in rows if row["user_id"] == cast.wes.pk)
    assert wes == {"user_id": cast.wes.pk, "name": "Wes Brown", "last_on": None,
                   "due_on": "2020-07-01", "next_booked": None}  # fmt: skip
    for who in (cast.ada, cast.ivy):
        refused = api(who).get("/supervision/overdue")
        assert refused.status_code == 403
        assert refused.json() == {"detail": "Only managers see who is overdue supervision."}


def test_managers_change_how_often_clinical_supervision_is_due(cast, api):
    assert api(cast.ada).get("/supervision/policy").json() == {"clinical_per_year": 2}
    assert api(cast.ada).send("put", "/supervision/policy", {"clinical_per_year": 4}
                              ).status_code == 403  # fmt: skip
    changed = api(cast.ben).send("put", "/supervision/policy", {"clinical_per_year": 4})
    assert changed.json() == {"clinical_per_year": 4}
    assert api(cast.ada).get("/supervision/policy").json() == {"clinical_per_year": 4}
    too_often = api(cast.ben).send("put", "/supervision/policy", {"clinical_per_year": 13})
    assert too_often.status_code == 422
    assert too_often.json()["errors"] == {
        "clinical_per_year": ["Choose between 1 and 12 times a year"]
    }
    assert api(cast.ben).send("put", "/supervision/policy", {"clinical_per_year": "often"}
                              ).status_code == 422  # fmt: skip


# --- The calendar link -----------------------------------------------------------------------


def test_the_calendar_link_is_made_shown_once_and_revoked(cast, api, session):
    ada = api(cast.ada)
    assert ada.get("/calendar-link").json() == {"has_link": False}
    made = ada.send("post", "/calendar-link")
    assert made.status_code == 201
    url = made.json()["url"]
    assert url.startswith("http://testserver/wellbeing/feeds/cwcal_") and url.endswith(".ics")
    assert ada.get("/calendar-link").json() == {"has_link": True}
    feed = Client().get(url.removeprefix("http://testserver"))
    assert feed.status_code == 200 and b"One-to-one supervision with Wes Brown" in feed.content
    assert ada.send("delete", "/calendar-link").status_code == 204
    assert ada.get("/calendar-link").json() == {"has_link": False}
    assert Client().get(url.removeprefix("http://testserver")).status_code == 404


# --- Cleo (South) ----------------------------------------------------------------------------


def test_cleo_gets_404_for_every_north_supervision_route(cast, api, session):
    record = write_record(cast.ada, session, cast.ada.pk, text=PRIVATE, actions=[("Rest", None)])
    action = actions_of(record)[0]
    cleo = api(cast.cleo)
    for method, path in (
        ("get", f"/supervision/sessions/{session.pk}"),
        ("put", f"/supervision/sessions/{session.pk}/attendance"),
        ("post", f"/supervision/sessions/{session.pk}/cancel"),
        ("post", f"/supervision/sessions/{session.pk}/records"),
        ("get", f"/supervision/records/{record.pk}"),
        ("post", f"/supervision/actions/{action.pk}/done"),
    ):
        response = cleo.send(
            method,
            path,
            {"attended_ids": [cast.ada.pk], "supervisee_id": cast.ada.pk, "text": "South"},
        )
        assert response.status_code == 404, path  # fmt: skip
        assert PRIVATE not in response.content.decode()
    for path in ("/supervision/sessions", "/supervision/records", "/supervision/overdue"):
        text = cleo.get(path).content.decode()
        assert "Ada" not in text and "North" not in text and "Wes" not in text
    booked_north = cleo.send("post", "/supervision/sessions", {
        "kind": "one_to_one", "supervisor_id": cast.cleo.pk, "supervisee_ids": [cast.ada.pk],
        "starts_at": "2027-05-04T09:00",
    })  # fmt: skip
    assert booked_north.status_code == 422
    assert booked_north.json()["errors"] == {"supervisees": ["Choose staff from your office"]}
    assert reads_of_records(cast) == []
    with bind_office(cast.north):
        session.refresh_from_db()
    assert session.cancelled_at is None


# --- Query counts ----------------------------------------------------------------------------


def test_listing_sessions_and_records_takes_the_same_queries_however_many(cast, api):
    ada = api(cast.ada)
    ada.get("/supervision/sessions")  # the token's first use is stamped once

    def counted(path: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert ada.get(path).status_code == 200
        return len(queries)

    def book_and_write() -> None:
        held = one_to_one(cast.wes, cast.ada)
        write_record(cast.wes, held, cast.ada.pk, text="Notes")

    book_and_write()
    few = counted("/supervision/sessions"), counted("/supervision/records")
    for _ in range(3):
        book_and_write()
    assert (counted("/supervision/sessions"), counted("/supervision/records")) == few
