"""The triage and reading API: the same views, counts, refusals and walls as the inbox pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from casewell.cases.models import Category
from casewell.cases.services import open_case, restrict_case
from casewell.inbox import triage
from casewell.inbox.models import Message, MessageState
from casewell.inbox.tests.placing_mail import stored_message
from casewell.offices.models import AccessLogEntry, AuditEntry
from casewell.offices.tenancy import bind_office
from casewell.people.services import PersonDetails, create_person
from casewell.safety import handlers

pytestmark = pytest.mark.django_db(transaction=True)


def post(client: Client, path: str, body: dict | None = None):  # noqa: ANN201
    return client.post(f"/api/v1/inbox{path}", body or {}, content_type="application/json")


def fresh(message: Message) -> Message:
    with bind_office(message.office_id):
        return Message.objects.get(pk=message.pk)


def category_of(office) -> Category:  # noqa: ANN001
    with bind_office(office):
        return Category.objects.filter(parent=None).order_by("pk").first()


def test_views_are_listed_with_counts_that_match_their_pages_of_messages(cast, api_as):
    for number in range(3):
        stored_message(cast.north, subject=f"Letter {number}")
    mine = stored_message(cast.north, subject="For Ada")
    stored_message(cast.south, subject="South's letter")
    triage.assign(cast.ben, mine, cast.ada)
    ada = api_as(cast.ada)

    views = ada.get("/api/v1/inbox/views")
    assert views.status_code == 200
    assert views.json() == [
        {"view": "triage", "label": "To triage", "count": 3},
        {"view": "mine", "label": "Assigned to me", "count": 1},
        {"view": "assigned", "label": "All assigned", "count": 1},
    ]
    first = ada.get("/api/v1/inbox/messages", {"per_page": 2}).json()
    second = ada.get("/api/v1/inbox/messages", {"per_page": 2, "page": 2}).json()
    assert (first["count"], first["pages"], first["page"], second["page"]) == (3, 2, 1, 2)
    subjects = [row["subject"] for row in first["messages"] + second["messages"]]
    assert subjects == ["Letter 2", "Letter 1", "Letter 0"]  # newest first, South's not there
    listed = ada.get("/api/v1/inbox/messages", {"view": "mine"}).json()["messages"]
    assert [(row["subject"], row["assignee"]["name"]) for row in listed] == [
        ("For Ada", "Ada Lovelace")
    ]
    for query in ({"view": "archived"}, {"per_page": 0}, {"page": "first"}):
        refused = ada.get("/api/v1/inbox/messages", query)
        assert refused.status_code == 422, query
        assert refused.json()["detail"].startswith("The request is not valid.")


def test_a_view_costs_the_same_queries_however_many_messages_it_lists(cast, api_as):
    person = create_person(cast.ada, PersonDetails(first_name="Dan", last_name="Rowe"))
    ada = api_as(cast.ada)

    def add(count: int) -> None:
        for _ in range(count):
            message = stored_message(cast.north)
            with bind_office(cast.north):
                Message.objects.filter(pk=message.pk).update(person=person)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert ada.get("/api/v1/inbox/messages").status_code == 200
        return len(captured)

    add(1)
    queries()
    few = queries()
    add(6)
    assert queries() == few


def test_assign_archive_and_link_call_the_triage_rules_and_are_audited(cast, api_as):
    case = open_case(cast.ada, summary="Damp flat", category=category_of(cast.north))
    message = stored_message(cast.north)
    ada = api_as(cast.ada)

    assigned = post(ada, f"/messages/{message.pk}/assign", {"assignee": "me"})
    assert assigned.status_code == 200, assigned.content
    assert assigned.json()["state"] == "assigned"
    assert assigned.json()["assignee"] == {"id": cast.ada.pk, "name": "Ada Lovelace"}
    with bind_office(cast.north):
        entry = AuditEntry.objects.filter(
            subject_type__icontains="message", subject_id=str(message.pk),
            action=AuditEntry.Action.CHANGED,
        ).latest("at")
    assert entry.actor == cast.ada and "assignee_id" in entry.changes

    linked = post(ada, f"/messages/{message.pk}/link-to-case", {"reference": case.reference})
    assert linked.status_code == 200
    assert linked.json()["case"] == {"id": case.pk, "name": case.reference}
    assert fresh(message).state == MessageState.ON_CASE

    other = stored_message(cast.north, subject="Spam")
    archived = post(ada, f"/messages/{other.pk}/archive")
    assert archived.status_code == 200 and archived.json()["state"] == "archived"
    assert ada.get("/api/v1/inbox/views").json()[0]["count"] == 0


def test_refusals_answer_422_naming_the_field_like_the_other_routers(cast, api_as):
    message = stored_message(cast.north)
    ada = api_as(cast.ada)

    for body in ({"assignee": cast.cleo.pk}, {"assignee": ""}):
        refused = post(ada, f"/messages/{message.pk}/assign", body)
        assert refused.status_code == 422
        assert list(refused.json()["errors"]) == ["assignee"]
        assert refused.json()["detail"].startswith("The request is not valid.")
    refused = post(ada, f"/messages/{message.pk}/link-to-case", {"reference": "NR-1999-00001"})
    assert refused.status_code == 422
    assert refused.json()["errors"] == {"reference": ["No case NR-1999-00001 was found"]}
    shapeless = post(ada, f"/messages/{message.pk}/link-to-case", {})
    assert shapeless.status_code == 422 and "reference" in shapeless.json()["detail"]
    post(ada, f"/messages/{message.pk}/archive")
    again = post(ada, f"/messages/{message.pk}/archive")
    assert again.status_code == 422
    assert again.json()["errors"] == {"state": ["This message is archived."]}


def test_a_case_is_opened_from_a_message_with_its_sender(cast, api_as):
    person = create_person(cast.ada, PersonDetails(first_name="Dan", last_name="Rowe"))
    message = stored_message(cast.north, subject="Damp in my flat")
    with bind_office(cast.north):
        Message.objects.filter(pk=message.pk).update(person=person)
    category = category_of(cast.north)
    ada = api_as(cast.ada)

    refused = post(ada, f"/messages/{message.pk}/open-case", {"summary": ""})
    assert refused.status_code == 422
    assert set(refused.json()["errors"]) == {"summary", "category"}
    assert fresh(message).case_id is None

    opened = post(
        ada, f"/messages/{message.pk}/open-case",
        {"summary": "Damp flat", "category": category.pk, "include_person": True},
    )
    assert opened.status_code == 201, opened.content
    body = opened.json()
    assert body["reference"].startswith("NR-") and body["message"]["state"] == "on_case"
    with bind_office(cast.north):
        case = fresh(message).case
        assert case.pk == body["id"]
        assert list(case.parties.values_list("person_id", flat=True)) == [person.pk]
    twice = post(
        ada, f"/messages/{message.pk}/open-case", {"summary": "Again", "category": category.pk}
    )
    assert twice.status_code == 422


def test_reading_a_message_gives_its_text_and_what_came_with_it(cast, api_as):
    message = stored_message(cast.north, subject="Damp in my flat", body="The damp is back.")
    read = api_as(cast.ada).get(f"/api/v1/inbox/messages/{message.pk}")
    assert read.status_code == 200
    body = read.json()
    assert body["subject"] == "Damp in my flat" and "The damp is back." in body["text"]
    assert body["from_address"] == "dan.rowe@example.net"
    assert body["handled_by"] is None and body["attachments"] == []


def test_reading_a_message_on_a_restricted_case_is_logged_and_closed_to_others(cast, api_as):
    case = open_case(cast.ada, summary="Private", category=category_of(cast.north))
    restrict_case(cast.ben, case, [cast.ada])
    message = stored_message(cast.north, case=case)

    assert api_as(cast.ada).get(f"/api/v1/inbox/messages/{message.pk}").status_code == 200
    with bind_office(cast.north):
        logged = AccessLogEntry.objects.get(subject_type="inbox.Message")
    assert (logged.user, logged.subject_id, logged.channel) == (cast.ada, str(message.pk), "api")
    assert api_as(cast.mo).get(f"/api/v1/inbox/messages/{message.pk}").status_code == 404


def test_routed_contact_is_shown_only_as_handled_by_to_others(cast, api_as):
    person = create_person(cast.ada, PersonDetails(first_name="Dan", last_name="Rowe"))
    handlers.route_contact_to(cast.ben, person, handler_id=cast.wes.pk, reason="Agreed plan")
    message = stored_message(cast.north, subject="Private matter", body="Something private.")
    with bind_office(cast.north):
        Message.objects.filter(pk=message.pk).update(person=person)

    shown = api_as(cast.ada).get(f"/api/v1/inbox/messages/{message.pk}").json()
    assert shown["handled_by"] == {"id": cast.wes.pk, "name": "Wes Brown"}
    assert shown["subject"] is None and shown["text"] is None
    row = api_as(cast.ada).get("/api/v1/inbox/messages").json()["messages"][0]
    assert row["subject"] is None and row["handled_by"]["name"] == "Wes Brown"
    assert api_as(cast.wes).get(f"/api/v1/inbox/messages/{message.pk}").json()["text"]


def test_interns_see_read_and_act_only_on_what_is_assigned_to_them(cast, api_as):
    theirs = stored_message(cast.north, subject="For Ivy")
    other = stored_message(cast.north, subject="Not for Ivy")
    triage.assign(cast.ben, theirs, cast.ivy)
    ivy = api_as(cast.ivy)

    counts = {row["view"]: row["count"] for row in ivy.get("/api/v1/inbox/views").json()}
    assert counts == {"triage": 0, "mine": 1, "assigned": 1}
    assert ivy.get(f"/api/v1/inbox/messages/{other.pk}").status_code == 404
    assert ivy.get(f"/api/v1/inbox/messages/{theirs.pk}").status_code == 200
    for action in ("assign", "archive", "link-to-case", "open-case"):
        refused = post(ivy, f"/messages/{other.pk}/{action}", {"assignee": "me"})
        assert refused.status_code == 404, action
    reassign = post(ivy, f"/messages/{theirs.pk}/assign", {"assignee": cast.ada.pk})
    assert reassign.status_code == 403
    assert reassign.json() == {"detail": "Interns cannot assign messages."}
    assert post(ivy, f"/messages/{theirs.pk}/archive").status_code == 200
    assert fresh(other).state == MessageState.TRIAGE


def test_cleo_gets_404_for_every_one_of_norths_messages(cast, api_as):
    message = stored_message(cast.north, subject="North's letter")
    cleo = api_as(cast.cleo)
    assert cleo.get(f"/api/v1/inbox/messages/{message.pk}").status_code == 404
    for action, body in (
        ("assign", {"assignee": "me"}),
        ("archive", {}),
        ("link-to-case", {"reference": "NR-2026-00001"}),
        ("open-case", {"summary": "Mine now", "category": category_of(cast.south).pk}),
        ("assign", {"wrong": "shape"}),  # the id is refused before the body is read
    ):
        refused = post(cleo, f"/messages/{message.pk}/{action}", body)
        assert refused.status_code == 404, action
        assert refused.json() == {"detail": "No message found."}
    listed = cleo.get("/api/v1/inbox/messages").json()
    assert listed["count"] == 0 and listed["messages"] == []
    assert fresh(message).state == MessageState.TRIAGE and fresh(message).case_id is None


def test_the_api_needs_a_token(cast, client):
    assert client.get("/api/v1/inbox/views").status_code == 401
