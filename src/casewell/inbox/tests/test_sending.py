"""Replying from a case: the e-mail is kept first, sent through the office's SMTP server (a
real one, over a socket), tried again after a failure, sent once, and its answer comes back
to the case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from casewell.cases.services import assign_case
from casewell.files.testing import PDF_BYTES, upload
from casewell.inbox import compose, sending
from casewell.inbox.models import Message, OutgoingMessage, OutgoingState
from casewell.inbox.sending_settings import save_sending_settings
from casewell.inbox.services import add_inbox_address, read_raw_message, receive_raw
from casewell.inbox.tests.mail import simple
from casewell.inbox.tests.placing_mail import a_case, stored_message
from casewell.inbox.tests.smtp_server import free_port, smtp_server
from casewell.jobs.testing import run_queued_tasks
from casewell.offices.tenancy import bind_office
from casewell.timeline.models import Direction, EntryKind, TimelineEntry
from casewell.timeline.services import add_document

OFFICE_ADDRESS = "casework@northridge.example"
SIGNATURE = "Ada Lovelace\nCaseworker, North Ridge constituency office"


def sends_through(cast, port: int) -> None:
    save_sending_settings(
        cast.ben, host="127.0.0.1", port=port, security="none", from_address=OFFICE_ADDRESS,
        from_name="North Ridge office", signature=SIGNATURE,
    )


def fresh(outgoing: OutgoingMessage) -> OutgoingMessage:
    with bind_office(outgoing.office_id):
        return OutgoingMessage.objects.get(pk=outgoing.pk)


def time_passes(outgoing: OutgoingMessage) -> None:
    """The retry falls due: its time and its queued job's are now."""
    earlier = timezone.now() - timedelta(seconds=1)
    with bind_office(outgoing.office_id):
        OutgoingMessage.objects.filter(pk=outgoing.pk).update(next_attempt_at=earlier)
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=earlier)


@pytest.fixture
def case_with_mail(cast):
    """Ada's case, a message from Dan on it (part of a thread), and a document."""
    case = a_case(cast.ada, summary="Damp in Dan's flat")
    message = stored_message(
        cast.north, subject="Damp in my flat", message_id="dan.2@example.net",
        references=["dan.1@example.net"], case=case,
    )
    document = add_document(cast.ada, case, upload("Tenancy agreement.pdf", PDF_BYTES))
    return case, message, document


def test_the_form_starts_as_a_reply_with_the_case_token_signature_and_the_message_quoted(
    cast, case_with_mail
):
    case, message, _ = case_with_mail
    sends_through(cast, free_port())
    draft = compose.draft_for(cast.ada, case, message)
    assert draft.to == ["dan.rowe@example.net"]
    assert draft.subject == f"Re: Damp in my flat [{case.reference}]"
    assert SIGNATURE in draft.body
    assert "Dan Rowe wrote:\n> Dear Ms Achebe," in draft.body
    plain = compose.draft_for(cast.ada, case)
    assert plain.subject == f"Damp in Dan's flat [{case.reference}]" and plain.to == []


def test_a_reply_reaches_the_server_with_its_thread_headers_token_body_and_file(
    cast, case_with_mail
):
    case, message, document = case_with_mail
    with smtp_server() as (server, port):
        sends_through(cast, port)
        (tenancy,) = [f for f in compose.files_to_send(cast.ada, case) if f.key.startswith("t")]
        outgoing = compose.send_from_case(
            cast.ada, case, to="dan.rowe@example.net", cc="advocate@example.org",
            subject="Re: Damp in my flat", body="Dear Dan,\n\nThe council will visit on Friday.",
            files=[tenancy.key], replying_to=message,
        )
        # Kept before anything was sent, its job waiting.
        assert fresh(outgoing).state == OutgoingState.QUEUED and not server.received
        run_queued_tasks()
    (received,) = server.received
    sent = received.message
    assert received.recipients == ["dan.rowe@example.net", "advocate@example.org"]
    assert sent["Message-ID"] == f"<{outgoing.message_id}>"
    assert outgoing.message_id.endswith("@northridge.example")
    assert sent["In-Reply-To"] == "<dan.2@example.net>"
    assert sent["References"] == "<dan.1@example.net> <dan.2@example.net>"
    assert sent["Subject"] == f"Re: Damp in my flat [{case.reference}]"
    assert sent["From"] == f"North Ridge office <{OFFICE_ADDRESS}>"
    assert sent["Cc"] == "advocate@example.org"
    assert "The council will visit on Friday." in sent.get_body(("plain",)).get_content()
    (attached,) = list(sent.iter_attachments())
    assert attached.get_filename() == "Tenancy agreement.pdf"
    assert attached.get_content() == PDF_BYTES
    outgoing = fresh(outgoing)
    assert outgoing.state == OutgoingState.SENT and outgoing.attempts == 1 and outgoing.sent_at
    # It joins the case's timeline as an e-mail sent, with the file.
    with bind_office(cast.north):
        entry = TimelineEntry.objects.get(case=case, kind=EntryKind.EMAIL)
        assert entry.direction == Direction.OUTGOING
        assert entry.source == f"inbox.OutgoingMessage:{outgoing.pk}"
        assert entry.author == cast.ada and entry.correspondent == "dan.rowe@example.net"
        assert [f.stored_file_id for f in entry.entry_files.all()] == [
            document.entry_files.get().stored_file_id
        ]


def test_the_answer_to_a_sent_reply_comes_back_to_the_case(cast, case_with_mail):
    case, message, _ = case_with_mail
    add_inbox_address(cast.north, OFFICE_ADDRESS)
    with smtp_server() as (_, port):
        sends_through(cast, port)
        outgoing = compose.send_from_case(
            cast.ada, case, to="dan.rowe@example.net", subject="A question", body="When?",
            replying_to=message,
        )
        run_queued_tasks()
    # Dan's program dropped the case reference from the subject; In-Reply-To still finds it.
    answer = receive_raw(
        cast.north,
        simple(
            subject="Re: A question", body="Friday suits me.",
            headers={"In-Reply-To": f"<{outgoing.message_id}>",
                     "References": f"<dan.2@example.net> <{outgoing.message_id}>"},
        ),
        door="smtp",
    )
    read_raw_message(answer.pk)
    with bind_office(cast.north):
        assert Message.objects.get(raw=answer).case_id == case.pk


def test_a_refused_connection_is_shown_and_retried_with_back_off_then_sent(
    cast, case_with_mail, client_for
):
    case, message, _ = case_with_mail
    port = free_port()  # nothing listens there yet
    sends_through(cast, port)
    outgoing = compose.send_from_case(
        cast.ada, case, to="dan.rowe@example.net", subject="Visit", body="Friday at ten.",
        replying_to=message,
    )
    before = timezone.now()
    run_queued_tasks()
    waiting = fresh(outgoing)
    assert waiting.state == OutgoingState.RETRYING and waiting.attempts == 1
    assert "refused the connection" in waiting.last_error
    assert before + timedelta(seconds=55) < waiting.next_attempt_at < before + timedelta(minutes=2)
    (queued,) = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert queued.run_after == waiting.next_attempt_at
    page = client_for(cast.ada).get(reverse("cases:detail", kwargs={"case_id": case.pk}))
    text = page.content.decode()
    local = timezone.localtime(waiting.next_attempt_at)
    assert "Not sent yet" in text and "refused the connection" in text
    assert f"Casewell will try again at {local:%H:%M}" in text
    with smtp_server(port) as (server, _):
        time_passes(outgoing)
        run_queued_tasks()
    assert fresh(outgoing).state == OutgoingState.SENT
    assert fresh(outgoing).attempts == 2 and len(server.received) == 1


def test_a_server_answering_451_is_tried_again_later_and_the_message_goes(cast, case_with_mail):
    case, message, _ = case_with_mail
    with smtp_server() as (server, port):
        sends_through(cast, port)
        server.answers = ["451 4.3.0 Mailbox busy, try later", "451 4.3.0 Still busy"]
        outgoing = compose.send_from_case(
            cast.ada, case, to="dan.rowe@example.net", subject="Visit", body="Friday.",
        )
        run_queued_tasks()
        first = fresh(outgoing)
        assert first.state == OutgoingState.RETRYING
        assert first.last_error == f"127.0.0.1:{port} answered 451 4.3.0 Mailbox busy, try later"
        time_passes(outgoing)
        run_queued_tasks()
        second = fresh(outgoing)
        # Further apart each time: one minute, then five.
        assert second.attempts == 2 and "Still busy" in second.last_error
        assert second.next_attempt_at - timezone.now() > timedelta(minutes=4)
        time_passes(outgoing)
        run_queued_tasks()
    assert fresh(outgoing).state == OutgoingState.SENT and len(server.received) == 1


def test_a_server_answering_550_fails_for_good_until_someone_tries_again(
    cast, case_with_mail, client_for
):
    case, _, _ = case_with_mail
    with smtp_server() as (server, port):
        sends_through(cast, port)
        server.answers = ["550 5.7.1 Relaying denied"]
        outgoing = compose.send_from_case(
            cast.ada, case, to="dan.rowe@example.net", subject="Visit", body="Friday.",
        )
        run_queued_tasks()
        failed = fresh(outgoing)
        assert failed.state == OutgoingState.FAILED
        assert "550 5.7.1 Relaying denied" in failed.last_error
        assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
        client = client_for(cast.ada)
        text = client.get(reverse("cases:detail", kwargs={"case_id": case.pk})).content.decode()
        assert "Not sent</strong>" in text and "Casewell has stopped trying" in text
        assert reverse("inbox_out:try_again", kwargs={"outgoingmessage_id": outgoing.pk}) in text
        response = client.post(
            reverse("inbox_out:try_again", kwargs={"outgoingmessage_id": outgoing.pk})
        )
        assert response.status_code == 302
        run_queued_tasks()
    assert fresh(outgoing).state == OutgoingState.SENT and len(server.received) == 1
    with pytest.raises(ValidationError):
        sending.try_again(cast.ada, fresh(outgoing))  # a sent e-mail is not sent again


def test_after_the_last_retry_the_failure_is_final(cast, case_with_mail):
    case, _, _ = case_with_mail
    sends_through(cast, free_port())
    outgoing = compose.send_from_case(
        cast.ada, case, to="dan.rowe@example.net", subject="Visit", body="Friday.",
    )
    run_queued_tasks()
    for _ in sending.RETRY_DELAYS:
        time_passes(outgoing)
        run_queued_tasks()
    final = fresh(outgoing)
    assert final.state == OutgoingState.FAILED
    assert final.attempts == len(sending.RETRY_DELAYS) + 1
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()


def test_the_job_run_twice_sends_once(cast, case_with_mail):
    case, _, _ = case_with_mail
    with smtp_server() as (server, port):
        sends_through(cast, port)
        outgoing = compose.send_from_case(
            cast.ada, case, to="dan.rowe@example.net", subject="Visit", body="Friday.",
        )
        assert sending.deliver(outgoing.pk) == "sent"
        assert sending.deliver(outgoing.pk) == "already sent"
        run_queued_tasks()  # the job itself, run after the message went
    assert len(server.received) == 1
    with bind_office(cast.north):
        assert TimelineEntry.objects.filter(case=case, kind=EntryKind.EMAIL).count() == 1


def test_a_message_another_worker_is_sending_is_left_to_it(cast, case_with_mail):
    case, _, _ = case_with_mail
    with smtp_server() as (server, port):
        sends_through(cast, port)
        outgoing = compose.send_from_case(
            cast.ada, case, to="dan.rowe@example.net", subject="Visit", body="Friday.",
        )
        with bind_office(cast.north):
            OutgoingMessage.objects.filter(pk=outgoing.pk).update(
                state=OutgoingState.SENDING, sending_started_at=timezone.now()
            )
        assert sending.deliver(outgoing.pk) == "being sent"
        # Its worker died: after the lease, another takes it over.
        with bind_office(cast.north):
            OutgoingMessage.objects.filter(pk=outgoing.pk).update(
                sending_started_at=timezone.now() - sending.SENDING_LEASE - timedelta(seconds=1)
            )
        assert sending.deliver(outgoing.pk) == "sent"
    assert len(server.received) == 1


def test_without_a_server_of_its_own_the_office_sends_through_the_installations(
    cast, case_with_mail
):
    case, _, _ = case_with_mail
    add_inbox_address(cast.north, OFFICE_ADDRESS)
    outgoing = compose.send_from_case(
        cast.ada, case, to="dan.rowe@example.net", subject="Visit", body="Friday.",
    )
    run_queued_tasks()
    (sent,) = mail.outbox  # the test installation's backend
    assert sent.from_email == f"North Ridge constituency office <{OFFICE_ADDRESS}>"
    assert sent.extra_headers["Message-ID"] == f"<{outgoing.message_id}>"
    assert fresh(outgoing).state == OutgoingState.SENT


def test_what_is_typed_wrong_is_named(cast, case_with_mail):
    case, _, _ = case_with_mail
    with pytest.raises(ValidationError) as refused:
        compose.send_from_case(
            cast.ada, case, to="dan at example", subject="", body=" ", files=["t999999"]
        )
    assert set(refused.value.message_dict) == {"to", "subject", "body", "files"}
    with bind_office(cast.north):
        assert not OutgoingMessage.objects.exists()


def test_the_compose_page_sends_and_shows_its_errors(cast, case_with_mail, client_for):
    case, message, _ = case_with_mail
    client = client_for(cast.ada)
    url = reverse("inbox_out:send", kwargs={"case_id": case.pk})
    page = client.get(url, {"reply_to": message.pk})
    text = page.content.decode()
    assert page.status_code == 200 and f"Re: Damp in my flat [{case.reference}]" in text
    assert "Tenancy agreement.pdf" in text
    refused = client.post(url, {"reply_to": message.pk, "to": "", "subject": "x", "body": "y"})
    assert refused.status_code == 200 and "Enter who the e-mail is to" in refused.content.decode()
    sent = client.post(
        url, {"reply_to": message.pk, "to": "dan.rowe@example.net", "subject": "Visit",
              "body": "Friday."},
    )
    assert sent.status_code == 302 and sent["Location"].endswith("#case-mail")
    with bind_office(cast.north):
        made = OutgoingMessage.objects.get()
    assert made.replying_to_id == message.pk and made.created_by == cast.ada
    assert made.subject == f"Visit [{case.reference}]"


def test_the_case_page_offers_reply_on_its_mail(cast, case_with_mail, client_for):
    case, message, _ = case_with_mail
    text = client_for(cast.ada).get(
        reverse("cases:detail", kwargs={"case_id": case.pk})
    ).content.decode()
    reply = reverse("inbox_out:send", kwargs={"case_id": case.pk}) + f"?reply_to={message.pk}"
    assert reply in text and "Send an e-mail" in text


def test_interns_send_only_from_cases_assigned_to_them(cast, case_with_mail, client_for):
    case, message, _ = case_with_mail
    url = reverse("inbox_out:send", kwargs={"case_id": case.pk})
    # An intern does not see a case not assigned to them: for them it does not exist.
    assert client_for(cast.ivy).get(url).status_code == 404
    with pytest.raises(Http404):
        compose.send_from_case(cast.ivy, case, to="d@example.net", subject="x", body="y")
    assign_case(cast.ben, case, cast.ivy)
    assert client_for(cast.ivy).get(url, {"reply_to": message.pk}).status_code == 200
    compose.send_from_case(cast.ivy, case, to="d@example.net", subject="x", body="y")


def test_a_message_on_another_case_cannot_be_answered_from_this_one(cast, case_with_mail):
    case, _, _ = case_with_mail
    other = a_case(cast.ada, summary="Another matter")
    elsewhere = stored_message(cast.north, subject="Elsewhere", case=other)
    with pytest.raises(Http404):
        compose.message_to_answer(cast.ada, case, elsewhere.pk)


def test_cleo_gets_404_for_norths_compose_page_outgoing_mail_and_api(
    cast, case_with_mail, client_for
):
    from casewell.offices.tokens import create_token

    case, message, _ = case_with_mail
    outgoing = compose.send_from_case(
        cast.ada, case, to="dan.rowe@example.net", subject="Visit", body="Friday.",
    )
    client = client_for(cast.cleo)
    assert client.get(reverse("inbox_out:send", kwargs={"case_id": case.pk})).status_code == 404
    assert client.post(
        reverse("inbox_out:send", kwargs={"case_id": case.pk}),
        {"to": "x@example.org", "subject": "x", "body": "y"},
    ).status_code == 404
    try_again = reverse("inbox_out:try_again", kwargs={"outgoingmessage_id": outgoing.pk})
    assert client.post(try_again).status_code == 404
    _, token = create_token(cast.cleo, "test")
    api = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.post(
        f"/api/v1/inbox/cases/{case.pk}/emails", {"to": ["x@example.org"], "subject": "x",
                                                 "body": "y"},
        content_type="application/json", **api,
    ).status_code == 404
    assert client.get(f"/api/v1/inbox/outgoing/{outgoing.pk}", **api).status_code == 404
    assert client.get(f"/api/v1/inbox/cases/{case.pk}/files", **api).status_code == 404
    with bind_office(cast.north):
        assert OutgoingMessage.objects.count() == 1


def test_the_api_sends_a_reply_with_the_same_service(cast, case_with_mail, client):
    from casewell.offices.tokens import create_token

    case, message, _ = case_with_mail
    _, token = create_token(cast.ada, "test")
    api = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    files = client.get(f"/api/v1/inbox/cases/{case.pk}/files", **api).json()
    assert [f["name"] for f in files] == ["Tenancy agreement.pdf"]
    response = client.post(
        f"/api/v1/inbox/cases/{case.pk}/emails",
        {"to": ["dan.rowe@example.net"], "subject": "Re: Damp", "body": "Friday.",
         "reply_to": message.pk, "files": [files[0]["key"]]},
        content_type="application/json", **api,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "queued" and body["in_reply_to"] == "dan.2@example.net"
    assert body["subject"] == f"Re: Damp [{case.reference}]"
    refused = client.post(
        f"/api/v1/inbox/cases/{case.pk}/emails", {"to": ["nobody"], "subject": "", "body": "x"},
        content_type="application/json", **api,
    )
    assert refused.status_code == 422 and set(refused.json()["errors"]) == {"to", "subject"}
    run_queued_tasks()
    state = client.get(f"/api/v1/inbox/outgoing/{body['id']}", **api).json()
    assert state["state"] == "sent"


def test_mail_from_a_person_routed_to_a_handler_is_answered_only_by_them(cast, case_with_mail):
    from casewell.people.services import PersonDetails, create_person
    from casewell.safety.handlers import route_contact_to

    case, message, _ = case_with_mail
    dan = create_person(cast.ada, PersonDetails(first_name="Dan", last_name="Rowe"))
    with bind_office(cast.north):
        Message.objects.filter(pk=message.pk).update(person=dan)
    route_contact_to(cast.ben, dan, handler_id=cast.wes.pk, reason="Threatened Ada")
    with pytest.raises(PermissionDenied):
        compose.message_to_answer(cast.ada, case, message.pk)
    assert compose.message_to_answer(cast.wes, case, message.pk) == message
    (row,) = compose.mail_on_case(cast.ada, case).incoming
    assert row.handled_by == cast.wes


def test_the_case_page_costs_the_same_queries_however_much_mail(cast, case_with_mail, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case, _, _ = case_with_mail
    client = client_for(cast.ada)
    url = reverse("cases:detail", kwargs={"case_id": case.pk})

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    cost()
    few = cost()
    for number in range(4):
        stored_message(cast.north, subject=f"More {number}", case=case)
        compose.send_from_case(
            cast.ada, case, to="dan.rowe@example.net", subject=f"Answer {number}", body="x"
        )
    assert cost() == few
