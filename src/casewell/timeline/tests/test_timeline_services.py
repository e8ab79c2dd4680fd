"""A case's timeline: notes, calls, visits, documents, mail and status changes, newest first."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casewell.cases.services import allowed_next_statuses, change_status, restrict_case
from casewell.files import services as files
from casewell.files.models import StoredFile
from casewell.files.testing import PDF_BYTES, PROGRAM_BYTES, upload
from casewell.offices.models import AccessLogEntry, AuditEntry
from casewell.offices.tenancy import bind_office
from casewell.timeline import services
from casewell.timeline.models import EntryKind, TimelineAttachment, TimelineEntry
from casewell.timeline.tests.conftest import open_a_case

LONDON = ZoneInfo("Europe/London")


def problems(error: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return error.value.message_dict


def entries(user, case, **options) -> list[TimelineEntry]:
    return list(services.timeline_for(user, case, **options).object_list)


def test_a_note_goes_on_the_timeline_with_who_and_when(cast, case):
    with time_machine.travel(datetime(2026, 3, 2, 10, 15, tzinfo=LONDON), tick=False):
        note = services.add_note(cast.ada, case, "  Spoke to the landlord's agent.  ")
    assert note.kind == EntryKind.NOTE and note.text == "Spoke to the landlord's agent."
    assert note.author == cast.ada and not note.is_sensitive
    assert note.occurred_at == note.recorded_at == datetime(2026, 3, 2, 10, 15, tzinfo=LONDON)
    assert entries(cast.ben, case) == [note]


def test_an_empty_or_overlong_note_is_refused(cast, case):
    with pytest.raises(ValidationError) as empty:
        services.add_note(cast.ada, case, "   ")
    assert problems(empty) == {"text": ["Enter the note."]}
    with pytest.raises(ValidationError) as long:
        services.add_note(cast.ada, case, "x" * 20_001)
    assert problems(long) == {"text": ["Keep it to 20,000 characters: it has 20,001."]}
    assert entries(cast.ada, case) == []


def test_the_audit_trail_records_a_note_without_copying_what_it_says(cast, case):
    note = services.add_note(cast.ada, case, "Harriet disclosed domestic abuse.", sensitive=True)
    with bind_office(cast.north):
        audit = AuditEntry.objects.get(subject_type="timeline.TimelineEntry", subject_id=note.pk)
    assert audit.actor == cast.ada and audit.changes["text"] == "(not recorded: sensitive)"
    assert "abuse" not in str(audit.changes)


def test_opening_a_sensitive_note_is_written_to_the_access_log(cast, case):
    note = services.add_note(cast.ada, case, "Harriet disclosed domestic abuse.", sensitive=True)
    plain = services.add_note(cast.ada, case, "Posted the form.")
    listed = entries(cast.ben, case)
    assert [entry.is_sensitive for entry in listed] == [False, True]
    with bind_office(cast.north):
        assert not AccessLogEntry.objects.exists(), "listing does not read the text"
    assert services.open_entry(cast.ben, note.pk).text == "Harriet disclosed domestic abuse."
    services.open_entry(cast.ben, plain.pk)
    with bind_office(cast.north):
        (read,) = AccessLogEntry.objects.all()
    assert read.user == cast.ben and read.subject_id == str(note.pk) and read.channel == "page"
    assert read.subject == f"Sensitive note on case {case.reference}"


def test_a_call_records_its_direction_length_and_when_it_happened(cast, case):
    with time_machine.travel(datetime(2026, 3, 2, 16, 0, tzinfo=LONDON), tick=False):
        morning = datetime(2026, 3, 2, 9, 30, tzinfo=LONDON)
        call = services.record_call(
            cast.ada, case, direction="in", duration_minutes="12", text="Harriet rang.",
            occurred_at=morning, correspondent="Harriet Walsh",
        )  # fmt: skip
    assert (call.kind, call.direction, call.duration_minutes) == ("call", "in", 12)
    assert call.occurred_at == morning and call.recorded_at > morning
    assert call.headline == "Call from Harriet Walsh"


def test_a_time_without_a_zone_is_the_offices_local_time(cast, case):
    with time_machine.travel(datetime(2026, 7, 2, 16, 0, tzinfo=LONDON), tick=False):
        call = services.record_call(
            cast.ada, case, direction="out", duration_minutes=5, text="Rang the council.",
            occurred_at="2026-07-02T09:30",
        )  # fmt: skip
    assert call.occurred_at == datetime(2026, 7, 2, 8, 30, tzinfo=ZoneInfo("UTC"))


def test_a_call_with_everything_wrong_names_every_problem_at_once(cast, case):
    with pytest.raises(ValidationError) as caught:
        services.record_call(
            cast.ada, case, direction="sideways", duration_minutes="ten", text="",
            occurred_at=timezone.now() + timedelta(hours=2),
        )  # fmt: skip
    assert problems(caught) == {
        "direction": ["Choose whether the call was incoming or outgoing."],
        "duration_minutes": ["Enter how many minutes the call took, as a whole number."],
        "text": ["Enter what the call was about."],
        "occurred_at": ["The call must have happened already: the time given is in the future."],
    }


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        (None, "Enter how many minutes the call took."),
        (-1, "Minutes cannot be fewer than 0."),
        (1441, "A call cannot take more than 24 hours (1,440 minutes)."),
    ],
)
def test_a_calls_length_must_be_sensible(cast, case, minutes, message):
    with pytest.raises(ValidationError) as caught:
        services.record_call(cast.ada, case, direction="out", duration_minutes=minutes, text="x")
    assert problems(caught) == {"duration_minutes": [message]}


def test_a_visit_records_where_and_what_happened(cast, case):
    visit = services.record_visit(
        cast.ada, case, text="Saw the damp in the bedroom.", place="12 Mill Lane",
        duration_minutes=45,
    )  # fmt: skip
    assert visit.kind == "visit" and visit.place == "12 Mill Lane" and visit.duration_minutes == 45
    assert visit.headline == "Visit: 12 Mill Lane"
    with pytest.raises(ValidationError) as caught:
        services.record_visit(cast.ada, case, text="", occurred_at="yesterday-ish")
    assert set(problems(caught)) == {"text", "occurred_at"}


def test_a_document_is_stored_encrypted_and_attached(cast, case):
    entry = services.add_document(
        cast.ada, case, upload("Tenancy agreement.pdf", PDF_BYTES), description="Signed copy"
    )
    assert entry.kind == "document" and entry.subject == "Tenancy agreement.pdf"
    assert entry.text == "Signed copy"
    with bind_office(cast.north):
        attachment = entry.entry_files.get()
    stored = services.attachment_for(cast.ben, attachment.pk)
    assert files.read_bytes(stored) == PDF_BYTES and stored.uploaded_by == cast.ada


def test_a_disguised_upload_is_refused_and_leaves_nothing_behind(cast, case):
    with pytest.raises(ValidationError) as caught:
        services.add_document(cast.ada, case, upload("report.pdf", PROGRAM_BYTES))
    assert problems(caught) == {
        "file": ["report.pdf is not a PDF: its contents are a Windows program"]
    }
    with bind_office(cast.north):
        assert not TimelineEntry.objects.exists() and not StoredFile.objects.exists()


def test_an_oversized_upload_is_refused(cast, case, settings):
    settings.MAX_UPLOAD_MB = 1
    with pytest.raises(ValidationError) as caught:
        services.add_document(cast.ada, case, upload("scan.pdf", PDF_BYTES + b"%" * 2_000_000))
    assert "the largest file that can be uploaded is 1 MB" in problems(caught)["file"][0]


def test_a_status_change_on_the_case_goes_on_its_timeline(cast, case):
    with bind_office(cast.north):
        new_status = allowed_next_statuses(case)[0]
        old_name = case.status.name
    change_status(cast.ada, case, new_status, note="Landlord replied")
    (entry,) = entries(cast.ada, case)
    assert entry.kind == "status_change" and entry.author == cast.ada
    assert (entry.from_status, entry.to_status, entry.text) == (
        old_name,
        new_status.name,
        "Landlord replied",
    )
    assert entry.headline == f"Status changed from {old_name} to {new_status.name}"


def test_mail_and_letters_are_put_on_the_timeline_by_their_domains(cast, case):
    stored = files.store_file(cast.north, upload("reply.pdf", PDF_BYTES), uploaded_by=None)
    mail = services.record_email(
        case, direction="in", subject="Your repairs", text="We will visit on Monday.",
        correspondent="repairs@council.example", source="inbox.Message:7", attachments=[stored],
    )  # fmt: skip
    letter = services.record_letter(case, subject="Letter to the council", by=cast.ada)
    assert mail.author is None and mail.headline == "E-mail received: Your repairs"
    with bind_office(cast.north):
        assert [a.stored_file for a in mail.entry_files.all()] == [stored]
    assert letter.direction == "out" and letter.headline == "Letter sent: Letter to the council"
    assert {entry.kind for entry in entries(cast.ada, case)} == {"email", "letter"}


def test_another_offices_file_cannot_be_attached_to_a_case(cast, case):
    souths = files.store_file(cast.south, upload("theirs.pdf", PDF_BYTES), uploaded_by=cast.cleo)
    with pytest.raises(PermissionError):
        services.record_email(case, direction="in", subject="x", attachments=[souths])


def test_the_timeline_is_newest_first_by_when_things_happened(cast, case):
    now = timezone.now()
    note = services.add_note(cast.ada, case, "Today's note")
    call = services.record_call(
        cast.ada, case, direction="in", duration_minutes=3, text="Yesterday's call",
        occurred_at=now - timedelta(days=1),
    )  # fmt: skip
    visit = services.record_visit(
        cast.ada, case, text="Visit an hour ago", occurred_at=now - timedelta(hours=1)
    )
    assert entries(cast.ada, case) == [note, visit, call]


def test_the_timeline_filters_by_kind_and_refuses_unknown_kinds(cast, case):
    note = services.add_note(cast.ada, case, "A note")
    call = services.record_call(cast.ada, case, direction="in", duration_minutes=1, text="A call")
    services.record_visit(cast.ada, case, text="A visit")
    assert entries(cast.ada, case, kinds=["note"]) == [note]
    assert entries(cast.ada, case, kinds=["note", "call"]) == [call, note]
    with pytest.raises(ValidationError) as caught:
        services.timeline_for(cast.ada, case, kinds=["gossip"])
    assert "gossip is not a kind of entry" in problems(caught)["kind"][0]


def add_entries(case, author, how_many: int) -> None:
    now = timezone.now()
    with bind_office(case.office):
        TimelineEntry.objects.bulk_create(
            TimelineEntry(
                office=case.office,
                case=case,
                kind=EntryKind.NOTE,
                author=author,
                text=f"Note {number}",
                occurred_at=now - timedelta(minutes=number),
            )  # fmt: skip
            for number in range(how_many)
        )


def test_the_timeline_is_paginated_with_a_page_past_the_end_giving_the_last(cast, case):
    add_entries(case, cast.ada, 60)
    first = services.timeline_for(cast.ada, case)
    assert first.paginator.count == 60 and len(first.object_list) == 25
    assert first.object_list[0].text == "Note 0"
    last = services.timeline_for(cast.ada, case, page=99)
    assert last.number == 3 and len(last.object_list) == 10
    assert len(services.timeline_for(cast.ada, case, per_page=10_000).object_list) == 60


def test_a_case_with_1000_entries_costs_the_same_queries_as_one_with_5(cast, case):
    other = open_a_case(cast.ada, "Another case")

    def queries_for(which) -> int:
        with CaptureQueriesContext(connection) as queries:
            page = services.timeline_for(cast.ada, which)
            for entry in page.object_list:
                [attachment.stored_file.original_name for attachment in entry.entry_files.all()]
                str(entry.author)
        return len(queries)

    add_entries(case, cast.ada, 5)
    services.add_document(cast.ada, case, upload("a.pdf", PDF_BYTES))
    few = queries_for(case)
    add_entries(other, cast.ben, 1000)
    for number in range(3):
        services.add_document(cast.ben, other, upload(f"{number}.pdf", PDF_BYTES))
    assert queries_for(other) == few


def test_cleo_can_neither_read_nor_add_to_norths_timeline(cast, case):
    note = services.add_note(cast.ada, case, "North's note", sensitive=True)
    document = services.add_document(cast.ada, case, upload("a.pdf", PDF_BYTES))
    with bind_office(cast.north):
        attachment = document.entry_files.get()
    attempts = [
        lambda: services.timeline_for(cast.cleo, case),
        lambda: services.add_note(cast.cleo, case, "Hello"),
        lambda: services.record_call(cast.cleo, case, direction="in", duration_minutes=1, text="x"),
        lambda: services.record_visit(cast.cleo, case, text="x"),
        lambda: services.add_document(cast.cleo, case, upload("b.pdf", PDF_BYTES)),
        lambda: services.open_entry(cast.cleo, note.pk),
        lambda: services.attachment_for(cast.cleo, attachment.pk),
    ]
    for attempt in attempts:
        with pytest.raises(Http404):
            attempt()
    with bind_office(cast.north):
        assert TimelineEntry.objects.count() == 2
        assert not AccessLogEntry.objects.exists()


def test_a_restricted_cases_timeline_is_hidden_from_staff_not_named(cast, case):
    note = services.add_note(cast.ada, case, "Private")
    restrict_case(cast.ada, case, [cast.ada])
    for attempt in (
        lambda: services.timeline_for(cast.wes, case),
        lambda: services.add_note(cast.wes, case, "Hello"),
        lambda: services.open_entry(cast.wes, note.pk),
    ):
        with pytest.raises(Http404):
            attempt()
    assert entries(cast.ben, case) == [note], "managers still see it"


def test_an_intern_may_not_add_to_a_case_they_do_not_hold(cast, case):
    from casewell.cases.services import assign_case

    assign_case(cast.ben, case, assignee=cast.ivy)
    assert services.add_note(cast.ivy, case, "Intern's note").author == cast.ivy
    assign_case(cast.ben, case, assignee=cast.ada)
    with pytest.raises((Http404, PermissionDenied)):
        services.add_note(cast.ivy, case, "Not mine any more")


def test_an_attachment_from_a_sensitive_entry_is_logged_when_read(cast, case):
    stored = files.store_file(cast.north, upload("a.pdf", PDF_BYTES), uploaded_by=cast.ada)
    entry = services.record_email(case, direction="in", subject="x", attachments=[stored])
    with bind_office(cast.north):
        TimelineEntry.objects.filter(pk=entry.pk).update(is_sensitive=True)
        attachment = TimelineAttachment.objects.get(entry=entry)
    services.attachment_for(cast.ada, attachment.pk, channel="api")
    with bind_office(cast.north):
        assert AccessLogEntry.objects.get().channel == "api"
