"""Incoming mail on a case's timeline: threaded or linked there once, moved when relinked,
backfilled for mail already on cases, and read under the message's own rules."""

from __future__ import annotations

import importlib
from datetime import timedelta
from email.message import EmailMessage
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casewell.cases.services import open_case
from casewell.files.testing import PDF_BYTES
from casewell.inbox import compose, triage
from casewell.inbox import services as inbox_services
from casewell.inbox.case_timeline import CHECK_IN_NOTE, show_on_case_timeline
from casewell.inbox.models import Message, MessageState
from casewell.inbox.placing import place
from casewell.inbox.sending import with_case_token
from casewell.inbox.tests.placing_mail import a_case, category, stored_message
from casewell.offices.models import AuditEntry
from casewell.offices.tenancy import bind_office
from casewell.offices.tokens import create_token
from casewell.people.models import Person
from casewell.safety.handlers import route_contact_to
from casewell.timeline.changes import entries_recorded_since
from casewell.timeline.models import TimelineEntry
from casewell.timeline.services import files_on_case, record_email, timeline_for
from casewell.wellbeing.models import DistressAssessment, ItemKind
from casewell.wellbeing.models.workload import ExposureEvent

PLAN = "I have a plan to kill myself tonight, I have the pills ready."
BACKFILL_APP, BACKFILL = "inbox", "0006_incoming_mail_on_case_timelines"
backfill = importlib.import_module(f"casewell.inbox.migrations.{BACKFILL}")


def mail(
    *,
    subject: str,
    body: str = "The damp is back in the bedroom.",
    sender: str = "Harriet Walsh <harriet.walsh@example.org>",
    message_id: str,
    pdf: str = "",
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "casework@northridge.example"
    message["Subject"] = subject
    message["Date"] = "Tue, 1 Dec 2026 09:30:00 +0000"
    message["Message-ID"] = message_id
    message.set_content(body)
    if pdf:
        message.add_attachment(PDF_BYTES, maintype="application", subtype="pdf", filename=pdf)
    return bytes(message)


def received(office, raw: bytes) -> Message:
    """Mail as it arrives: kept, read and placed by the parse job."""
    stored = inbox_services.receive_raw(office, raw, door="smtp")
    assert inbox_services.read_raw_message(stored.pk) == "parsed"
    with bind_office(office):
        return Message.objects.select_related("case").get(raw=stored)


def entries_of(case) -> list[TimelineEntry]:
    with bind_office(case.office):
        return list(TimelineEntry.objects.filter(case=case).prefetch_related("entry_files"))


def mail_entries(office) -> list[TimelineEntry]:
    with bind_office(office):
        return list(TimelineEntry.objects.filter(source__startswith="inbox.Message:"))


@pytest.fixture
def damp(cast):
    return a_case(cast.ada, "Damp in Harriet's back bedroom")


@pytest.fixture
def reply(cast, damp):
    """Harriet's answer, threaded onto the damp case by the reference in its subject."""
    return received(
        cast.north,
        mail(
            subject=with_case_token("Re: Your damp case", damp),
            message_id="<reply.damp@example.org>",
            pdf="surveyor.pdf",
        ),
    )


@pytest.fixture
def harriet(cast):
    with bind_office(cast.north, actor=cast.ada):
        return Person.objects.create(
            first_name="Harriet", last_name="Walsh", email="harriet.walsh@example.org"
        )


def api_for(user) -> Client:
    _record, token = create_token(user, "Timeline mail tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


# --- Joining the timeline, once ------------------------------------------------------------


def test_a_threaded_reply_appears_once_on_its_cases_timeline_with_its_attachment(cast, damp, reply):
    assert reply.case_id == damp.pk
    (entry,) = entries_of(damp)
    assert (entry.kind, entry.direction, entry.source) == (
        "email",
        "in",
        f"inbox.Message:{reply.pk}",
    )
    assert entry.subject == reply.subject and entry.text == "The damp is back in the bedroom."
    assert entry.correspondent == "Harriet Walsh <harriet.walsh@example.org>"
    assert entry.occurred_at == reply.created_at and entry.author is None
    assert entry.headline == f"E-mail received: {reply.subject}"
    with bind_office(cast.north):
        stored = reply.attachments.get().stored_file
    assert [attached.stored_file_id for attached in entry.entry_files.all()] == [stored.pk]
    # Placing again (a retried job) changes nothing, and leaves no second entry.
    with bind_office(cast.north):
        audited = AuditEntry.objects.count()
        place(Message.objects.get(pk=reply.pk))
        assert AuditEntry.objects.count() == audited
    assert [e.pk for e in entries_of(damp)] == [entry.pk]


def test_mail_on_no_case_is_on_no_timeline_and_placing_it_never_asks(cast, damp):
    message = stored_message(cast.north, subject="A new problem with the bins")
    with CaptureQueriesContext(connection) as queries:
        place(message)
    assert not any("timeline" in query["sql"] for query in queries.captured_queries)
    assert mail_entries(cast.north) == []


def test_a_message_joining_a_case_by_placing_costs_two_statements_more(cast, damp):
    message = stored_message(cast.north, subject=with_case_token("Re: Damp", damp))
    with CaptureQueriesContext(connection) as queries:
        place(message)
    added = [
        query["sql"]
        for query in queries.captured_queries
        if "timeline" in query["sql"] or "inbox_messageattachment" in query["sql"]
    ]
    # Its stored attachments (it has none), then the entry; no look for one to move.
    assert len(added) == 2, added
    assert len(entries_of(damp)) == 1


def test_linking_from_triage_puts_it_on_the_timeline_and_linking_again_changes_nothing(cast, damp):
    message = received(
        cast.north, mail(subject="Still no repairs", message_id="<link.1@example.org>")
    )
    assert message.case_id is None and mail_entries(cast.north) == []
    triage.link_to_case(cast.ada, message, damp.reference)
    (entry,) = entries_of(damp)
    triage.link_to_case(cast.ada, message, damp.reference)
    assert [e.pk for e in entries_of(damp)] == [entry.pk]


def test_linking_by_the_api_puts_it_on_the_timeline(cast, damp):
    message = received(cast.north, mail(subject="By the API", message_id="<api.1@example.org>"))
    response = api_for(cast.ada).post(
        f"/api/v1/inbox/messages/{message.pk}/link-to-case",
        {"reference": damp.reference},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert [entry.subject for entry in entries_of(damp)] == ["By the API"]


def test_relinking_to_another_case_moves_the_entry_and_leaves_none_behind(cast, damp, reply):
    noise = a_case(cast.ada, "Noise from next door")
    (entry,) = entries_of(damp)
    with bind_office(cast.north):
        message = Message.objects.get(pk=reply.pk)
    triage.link_to_case(cast.ada, message, noise.reference)
    assert entries_of(damp) == []
    (moved,) = entries_of(noise)
    assert moved.pk == entry.pk and len(moved.entry_files.all()) == 1
    with bind_office(cast.north):
        change = AuditEntry.objects.filter(
            subject_type="timeline.TimelineEntry", subject_id=str(entry.pk)
        ).latest("pk")
    assert change.changes == {"case_id": {"from": damp.pk, "to": noise.pk}}
    assert change.actor == cast.ada


def test_a_message_taken_off_its_case_leaves_its_timeline(cast, damp, reply):
    with bind_office(cast.north, actor=cast.ada):
        message = Message.objects.get(pk=reply.pk)
        message.case = None
        message.save(update_fields=["case"])
        show_on_case_timeline(message)
        show_on_case_timeline(message)  # and again: nothing left to take off
    assert entries_of(damp) == [] and mail_entries(cast.north) == []


def test_opening_a_case_from_a_message_puts_it_on_the_new_cases_timeline(cast):
    message = received(
        cast.north, mail(subject="Benefits stopped", message_id="<open.1@example.org>")
    )
    case = triage.open_case_from_message(
        cast.ada, message, summary="Benefits stopped", category=category(cast.north, "Housing"),
        include_person=False,
    )  # fmt: skip
    assert [entry.subject for entry in entries_of(case)] == ["Benefits stopped"]


def test_a_reply_to_a_check_in_reminder_never_appears(cast, damp):
    # As placing leaves one: archived, words blanked, noted. Placed again, it is not put on
    # the case its subject names; and even on a case, the timeline never shows it.
    check_in = stored_message(cast.north, subject=with_case_token("Re: Check in soon", damp))
    with bind_office(cast.north):
        check_in.state = MessageState.ARCHIVED
        check_in.text_body = ""
        check_in.parse_notes = [f"{CHECK_IN_NOTE}: a check-in. Its words are not shown."]
        check_in.save()
    place(check_in)
    with bind_office(cast.north):
        assert Message.objects.get(pk=check_in.pk).case_id is None
        check_in.case = damp
        check_in.save()
        show_on_case_timeline(check_in)
    assert entries_of(damp) == []


def test_mail_already_on_cases_joins_their_timelines_once_by_the_migration(cast, damp):
    on_case = stored_message(cast.north, subject="Kept before", case=damp)
    stored_message(cast.north, subject="Not on a case")
    check_in = stored_message(cast.north, subject="Re: Check in soon", case=damp)
    with bind_office(cast.north):
        check_in.state = MessageState.ARCHIVED
        check_in.parse_notes = [f"{CHECK_IN_NOTE}: a check-in."]
        check_in.save()
    south_case = a_case(cast.cleo, "Debt advice", "Housing")
    south = stored_message(cast.south, subject="South mail", case=south_case)
    # The models as the migration sees them (plain managers, no office bound).
    state = MigrationExecutor(connection).loader.project_state([(BACKFILL_APP, BACKFILL)])
    editor = SimpleNamespace(connection=connection)
    for _ in range(2):  # running it again adds nothing
        backfill.put_mail_on_case_timelines(state.apps, editor)
    assert [(e.subject, e.source) for e in entries_of(damp)] == [
        ("Kept before", f"inbox.Message:{on_case.pk}")
    ]
    (theirs,) = entries_of(south_case)
    assert (theirs.office_id, theirs.source) == (cast.south.pk, f"inbox.Message:{south.pk}")


def test_the_database_refuses_a_second_entry_for_one_message(cast, damp, reply):
    from django.db import IntegrityError, transaction

    from casewell.timeline.services import record_incoming_email

    with bind_office(cast.north), pytest.raises(IntegrityError), transaction.atomic():
        record_incoming_email(
            cast.north.pk, damp.pk, source=f"inbox.Message:{reply.pk}", subject="Again",
            text="", correspondent="", occurred_at=reply.created_at,
        )  # fmt: skip


# --- Reading it on the timeline -------------------------------------------------------------


def test_the_case_page_and_the_api_show_the_mail_with_its_attachment(cast, client_for, damp, reply):
    ada = client_for(cast.ada)
    page = ada.get(reverse("timeline:case", kwargs={"case_id": damp.pk})).content.decode()
    (entry,) = entries_of(damp)
    shown = (f"E-mail received: {reply.subject}", "from Harriet Walsh &lt;harriet.walsh",
             "The damp is back in the bedroom.", "surveyor.pdf", "Open the e-mail")  # fmt: skip
    for words in shown:
        assert words in page
    (attached,) = entry.entry_files.all()
    download = ada.get(
        reverse("timeline:attachment", kwargs={"timelineattachment_id": attached.pk})
    )
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES
    opened = ada.get(reverse("timeline:entry", kwargs={"timelineentry_id": entry.pk}))
    assert opened.status_code == 200
    assert reverse("inbox:message", kwargs={"message_id": reply.pk}) in opened.content.decode()
    listed = api_for(cast.ada).get(f"/api/v1/timeline/cases/{damp.pk}/entries").json()
    (item,) = listed["items"]
    assert (item["kind"], item["direction"], item["subject"]) == ("email", "in", reply.subject)
    assert item["handled_by"] is None and [a["name"] for a in item["attachments"]] == [
        "surveyor.pdf"
    ]


def test_the_timeline_page_costs_the_same_queries_for_2_or_12_messages_on_it(
    cast, client_for, damp, harriet
):
    ada = client_for(cast.ada)
    url = reverse("timeline:case", kwargs={"case_id": damp.pk})
    route_contact_to(cast.ben, harriet, handler_id=cast.wes.pk, reason="Threatened Ada")

    def arrive(how_many: int) -> None:
        for _ in range(how_many):
            message = stored_message(cast.north, subject=with_case_token("More", damp))
            place(message)
            with bind_office(cast.north):
                Message.objects.filter(pk=message.pk).update(person=harriet)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert ada.get(url).status_code == 200
        return len(queries)

    arrive(2)
    few = count()
    arrive(10)
    assert count() == few


def test_in_and_out_mail_are_in_date_order(cast, damp, reply):
    for minutes, subject in ((-30, "Our question"), (30, "Our answer")):
        record_email(
            damp, direction="out", subject=subject, correspondent="harriet.walsh@example.org",
            occurred_at=reply.created_at + timedelta(minutes=minutes), by=cast.ada,
        )  # fmt: skip
    page = timeline_for(cast.ada, damp)
    assert [(entry.direction, entry.subject) for entry in page.object_list] == [
        ("out", "Our answer"), ("in", reply.subject), ("out", "Our question"),
    ]  # fmt: skip


def test_mail_from_a_person_routed_to_a_handler_shows_others_only_who_handles_it(
    cast, client_for, damp, reply, harriet
):
    # Harriet is not a party to the case, so only the message itself says whose it is.
    with bind_office(cast.north):
        Message.objects.filter(pk=reply.pk).update(person=harriet)
    route_contact_to(cast.ben, harriet, handler_id=cast.wes.pk, reason="Threatened Ada")
    (entry,) = entries_of(damp)
    (attached,) = entry.entry_files.all()
    timeline_url = reverse("timeline:case", kwargs={"case_id": damp.pk})
    entry_url = reverse("timeline:entry", kwargs={"timelineentry_id": entry.pk})
    file_url = reverse("timeline:attachment", kwargs={"timelineattachment_id": attached.pk})

    ada = client_for(cast.ada)
    page = ada.get(timeline_url).content.decode()
    assert "Handled by Wes Brown" in page
    for hidden in (reply.subject, "The damp is back", "surveyor.pdf", "harriet.walsh@"):
        assert hidden not in page
    opened = ada.get(entry_url).content.decode()
    assert "Handled by Wes Brown" in opened and "The damp is back" not in opened
    assert ada.get(file_url).status_code == 403
    api = api_for(cast.ada)
    (item,) = api.get(f"/api/v1/timeline/cases/{damp.pk}/entries").json()["items"]
    assert item["handled_by"] == {"id": cast.wes.pk, "full_name": "Wes Brown"}
    assert (item["subject"], item["text"], item["correspondent"], item["attachments"]) == (
        "", None, "", []
    )  # fmt: skip
    refused = api.get(f"/api/v1/timeline/entries/{entry.pk}")
    assert refused.status_code == 403 and "Wes Brown" in refused.json()["detail"]
    # The files offered to send from the case leave it out too.
    assert [f.name for f in compose.files_to_send(cast.ada, damp)] == []

    # The handler and managers read it all.
    for reader in (cast.wes, cast.ben):
        page = client_for(reader).get(timeline_url).content.decode()
        assert reply.subject in page and "Handled by" not in page
        assert client_for(reader).get(file_url).status_code == 200


def test_an_intern_sees_the_mail_on_a_case_of_theirs_and_nothing_of_anyone_elses(
    cast, client_for, damp, reply
):
    ivy = client_for(cast.ivy)
    (entry,) = entries_of(damp)
    entry_url = reverse("timeline:entry", kwargs={"timelineentry_id": entry.pk})
    # Ada's case, not Ivy's: neither the timeline, the entry nor the message is hers to see.
    assert ivy.get(reverse("timeline:case", kwargs={"case_id": damp.pk})).status_code == 404
    assert ivy.get(entry_url).status_code == 404
    assert ivy.get(reverse("inbox:message", kwargs={"message_id": reply.pk})).status_code == 404
    # On a case assigned to her, the mail is hers to read, as on the reading page.
    hers = open_case(
        cast.ben, summary="Ivy's case", category=category(cast.north, "Housing"),
        assignee=cast.ivy,
    )  # fmt: skip
    with bind_office(cast.north):
        message = Message.objects.get(pk=reply.pk)
    triage.link_to_case(cast.ben, message, hers.reference)
    assert ivy.get(entry_url).status_code == 200
    assert ivy.get(reverse("inbox:message", kwargs={"message_id": reply.pk})).status_code == 200
    assert (
        reply.subject
        in ivy.get(reverse("timeline:case", kwargs={"case_id": hers.pk})).content.decode()
    )


def test_a_distressing_message_carries_its_own_warning_on_the_timeline_scored_once(
    cast, client_for, damp
):
    heavy = received(
        cast.north,
        mail(subject=with_case_token("Tonight", damp), body=PLAN, message_id="<plan@example.org>"),
    )
    (entry,) = entries_of(damp)
    with bind_office(cast.north):
        assert DistressAssessment.objects.filter(kind=ItemKind.MESSAGE, item_id=heavy.pk).exists()
        # The entry is not scored again: the message's assessment is the one shown.
        assert not DistressAssessment.objects.filter(
            kind=ItemKind.TIMELINE_ENTRY, item_id=entry.pk
        ).exists()
    ada = client_for(cast.ada)
    page = ada.get(reverse("timeline:case", kwargs={"case_id": damp.pk})).content.decode()
    assert "with a content warning" in page and "Contains:" in page
    # Flagging from the timeline flags the message.
    assert reverse("wellbeing:flag", kwargs={"kind": "message", "item_id": heavy.pk}) in page
    opened = ada.get(reverse("timeline:entry", kwargs={"timelineentry_id": entry.pk}))
    assert "E-mail with a content warning" in opened.content.decode()
    # Opening it is reading the message: one exposure, the same one the reading page counts.
    ada.get(reverse("inbox:message", kwargs={"message_id": heavy.pk}))
    ada.get(reverse("timeline:entry", kwargs={"timelineentry_id": entry.pk}))
    with bind_office(cast.north):
        events = list(ExposureEvent.objects.filter(user=cast.ada).values_list("action", "item"))
    assert events == [("read", f"message:{heavy.pk}")]


def test_handled_mail_opened_by_others_counts_no_exposure(cast, client_for, damp, harriet):
    heavy = received(
        cast.north,
        mail(subject=with_case_token("Tonight", damp), body=PLAN, message_id="<plan2@example.org>"),
    )
    with bind_office(cast.north):
        Message.objects.filter(pk=heavy.pk).update(person=harriet)
    route_contact_to(cast.ben, harriet, handler_id=cast.wes.pk, reason="Threatened Ada")
    (entry,) = entries_of(damp)
    client_for(cast.ada).get(reverse("timeline:entry", kwargs={"timelineentry_id": entry.pk}))
    with bind_office(cast.north):
        assert not ExposureEvent.objects.filter(user=cast.ada).exists()


def test_another_office_finds_none_of_it(cast, client_for, damp, reply):
    (entry,) = entries_of(damp)
    (attached,) = entry.entry_files.all()
    cleo = client_for(cast.cleo)
    for url in (
        reverse("timeline:case", kwargs={"case_id": damp.pk}),
        reverse("timeline:entry", kwargs={"timelineentry_id": entry.pk}),
        reverse("timeline:attachment", kwargs={"timelineattachment_id": attached.pk}),
    ):
        assert cleo.get(url).status_code == 404, url
    api = api_for(cast.cleo)
    for url in (
        f"/api/v1/timeline/cases/{damp.pk}/entries",
        f"/api/v1/timeline/entries/{entry.pk}",
        f"/api/v1/timeline/attachments/{attached.pk}",
    ):
        response = api.get(url)
        assert response.status_code == 404 and reply.subject not in response.content.decode()


def test_the_mails_files_are_offered_once_to_send_and_huddles_count_it_as_mail(cast, damp, reply):
    assert files_on_case(cast.ada, damp) == []
    offered = compose.files_to_send(cast.ada, damp)
    assert [(f.key[0], f.name) for f in offered] == [("m", "surveyor.pdf")]
    with bind_office(cast.north):
        since = reply.created_at.replace(year=2000)
        assert entries_recorded_since([damp.pk], since) == {}
