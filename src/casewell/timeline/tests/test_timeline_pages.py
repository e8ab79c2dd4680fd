"""The timeline pages: a case's timeline, the forms that add to it, one entry and downloads."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casewell.files.testing import PDF_BYTES, PROGRAM_BYTES, upload
from casewell.offices.models import AccessLogEntry
from casewell.offices.tenancy import bind_office
from casewell.timeline import services
from casewell.timeline.models import EntryKind, TimelineAttachment, TimelineEntry

LONDON = ZoneInfo("Europe/London")


def text_of(response) -> str:
    return response.content.decode()


def error_summary(response) -> list[str]:
    html = text_of(response)
    assert 'class="govuk-error-summary"' in html, "expected an error summary"
    summary = html.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return [re.sub(r"\s+", " ", item).strip() for item in re.findall(r">([^<>]+)</a>", summary)]


def add_notes(case, author, how_many: int) -> None:
    now = timezone.now()
    with bind_office(case.office):
        TimelineEntry.objects.bulk_create(
            TimelineEntry(
                office=case.office,
                case=case,
                kind=EntryKind.NOTE,
                author=author,
                text=f"Note {number:03}",
                occurred_at=now - timedelta(minutes=number),
            )  # fmt: skip
            for number in range(how_many)
        )


@pytest.fixture
def ada(cast, client_for):
    return client_for(cast.ada)


def test_the_timeline_page_shows_entries_newest_first_with_who_and_kind(cast, case, ada):
    services.add_note(cast.ada, case, "First note")
    services.record_call(cast.ben, case, direction="in", duration_minutes=7, text="Harriet rang")
    page = text_of(ada.get(f"/timeline/case/{case.pk}/"))
    assert page.index("Harriet rang") < page.index("First note")
    assert "by Ben Okafor" in page and "by Ada Lovelace" in page
    assert "Phone call</strong> Incoming call" in page and "7 minutes" in page
    assert case.reference in page and "2 entries, newest first" in page


def test_the_timeline_filters_by_kind_with_checkboxes(cast, case, ada):
    services.add_note(cast.ada, case, "A note")
    services.record_visit(cast.ada, case, text="A visit", place="12 Mill Lane")
    page = text_of(ada.get(f"/timeline/case/{case.pk}/", {"kind": "visit"}))
    assert "A visit" in page and "A note" not in page
    assert 'value="visit" checked' in page and "1 entry of the kinds chosen" in page
    none = text_of(ada.get(f"/timeline/case/{case.pk}/", {"kind": "letter"}))
    assert "No entries of the kinds chosen." in none
    # An unknown kind is simply not a choice: the whole timeline is shown.
    assert "A note" in text_of(ada.get(f"/timeline/case/{case.pk}/", {"kind": "gossip"}))


def test_the_timeline_is_paginated_and_the_pages_keep_the_filter(cast, case, ada):
    add_notes(case, cast.ada, 60)
    first = text_of(ada.get(f"/timeline/case/{case.pk}/", {"kind": "note"}))
    assert first.count('data-testid="timeline-entry"') == 25
    assert "?kind=note&amp;page=2" in first
    third = text_of(ada.get(f"/timeline/case/{case.pk}/", {"kind": "note", "page": 3}))
    assert third.count('data-testid="timeline-entry"') == 10 and "Note 059" in third


def test_an_htmx_request_gets_only_the_panel(cast, case, ada):
    services.add_note(cast.ada, case, "A note")
    partial = text_of(ada.get(f"/timeline/case/{case.pk}/", HTTP_HX_REQUEST="true"))
    assert partial.lstrip().startswith('<div id="case-timeline"') and "<html" not in partial
    assert "A note" in partial


def test_the_timeline_page_costs_the_same_queries_for_5_or_200_entries(cast, case, ada):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert ada.get(f"/timeline/case/{case.pk}/").status_code == 200
        return len(queries)

    add_notes(case, cast.ada, 5)
    services.add_document(cast.ada, case, upload("a.pdf", PDF_BYTES))
    few = count()
    add_notes(case, cast.ben, 195)
    for number in range(5):
        services.add_document(cast.ben, case, upload(f"{number}.pdf", PDF_BYTES))
    assert count() == few


def test_adding_a_note_goes_back_to_where_the_caseworker_came_from(cast, case, ada):
    form = ada.get(f"/timeline/case/{case.pk}/note/", {"next": f"/timeline/case/{case.pk}/"})
    assert 'name="next" value="/timeline/case/' in text_of(form)
    response = ada.post(
        f"/timeline/case/{case.pk}/note/",
        {"text": "Wrote to the landlord", "next": f"/timeline/case/{case.pk}/"},
    )
    assert response.status_code == 302 and response["Location"] == f"/timeline/case/{case.pk}/"
    after = text_of(ada.get(response["Location"]))
    assert "Note added" in after and "Wrote to the landlord" in after


def test_after_adding_a_note_without_next_the_case_page_is_shown(cast, case, ada):
    response = ada.post(f"/timeline/case/{case.pk}/note/", {"text": "Hello"})
    assert response["Location"] == f"/cases/{case.pk}/"


def test_a_next_address_on_another_site_is_ignored(cast, case, ada):
    response = ada.post(
        f"/timeline/case/{case.pk}/note/", {"text": "Hi", "next": "https://evil.example/"}
    )
    assert response["Location"] == f"/cases/{case.pk}/"


def test_an_empty_note_is_refused_with_an_error_summary(cast, case, ada):
    response = ada.post(f"/timeline/case/{case.pk}/note/", {"text": "  "})
    assert response.status_code == 400
    assert error_summary(response) == ["Enter the note."]
    assert "<title>Error: Add a note" in text_of(response)


def test_a_sensitive_note_is_collapsed_until_opened_and_opening_it_is_logged(cast, case, ada):
    note = services.add_note(cast.ada, case, "Harriet disclosed abuse", sensitive=True)
    ben = Client()
    ben.force_login(cast.ben)
    listed = text_of(ben.get(f"/timeline/case/{case.pk}/"))
    assert "Harriet disclosed abuse" not in listed and "Sensitive note — show" in listed
    with bind_office(cast.north):
        assert not AccessLogEntry.objects.exists()
    opened = text_of(ben.get(f"/timeline/entry/{note.pk}/"))
    assert "Harriet disclosed abuse" in opened and "recorded in the access log" in opened
    with bind_office(cast.north):
        read = AccessLogEntry.objects.get()
    assert read.user == cast.ben and read.subject_id == str(note.pk)


def test_the_sensitive_checkbox_marks_a_note_sensitive(cast, case, ada):
    ada.post(f"/timeline/case/{case.pk}/note/", {"text": "Private", "sensitive": "on"})
    with bind_office(cast.north):
        assert TimelineEntry.objects.get().is_sensitive


def test_logging_a_call_that_happened_earlier(cast, case, ada):
    with time_machine.travel(datetime(2026, 3, 2, 16, 0, tzinfo=LONDON)):
        response = ada.post(
            f"/timeline/case/{case.pk}/call/",
            {"direction": "out", "duration_minutes": "15", "text": "Rang the council",
             "correspondent": "Housing officer", "occurred_day": "2", "occurred_month": "3",
             "occurred_year": "2026", "occurred_time": "9:05"},
        )  # fmt: skip
    assert response.status_code == 302
    with bind_office(cast.north):
        call = TimelineEntry.objects.get()
    assert call.occurred_at == datetime(2026, 3, 2, 9, 5, tzinfo=LONDON)
    assert (call.direction, call.duration_minutes, call.correspondent) == (
        "out",
        15,
        "Housing officer",
    )


def test_a_call_form_with_everything_wrong_names_every_problem(cast, case, ada):
    response = ada.post(
        f"/timeline/case/{case.pk}/call/",
        {"duration_minutes": "ten", "occurred_day": "31", "occurred_month": "2",
         "occurred_year": "2026", "occurred_time": "9:30"},
    )  # fmt: skip
    assert response.status_code == 400
    assert error_summary(response) == [
        "Choose whether the call was incoming or outgoing.",
        "Enter how many minutes the call took, as a whole number.",
        "The date must be a real date, for example 27 3 2026.",
        "Enter what the call was about.",
    ]


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ({"occurred_day": "2", "occurred_year": "2026", "occurred_time": "9:00"},
         "The date must include a month."),
        ({"occurred_day": "2", "occurred_month": "3", "occurred_year": "2026"},
         "Enter the time as well as the date, like 14:30."),
        ({"occurred_time": "quarter past"}, "Enter the time as hours and minutes, like 14:30."),
        ({"occurred_day": "1", "occurred_month": "1", "occurred_year": "2099",
          "occurred_time": "10:00"},
         "The call must have happened already: the time given is in the future."),
    ],
)  # fmt: skip
def test_the_time_of_a_call_is_checked(cast, case, ada, when, message):
    response = ada.post(
        f"/timeline/case/{case.pk}/call/",
        {"direction": "in", "duration_minutes": "5", "text": "Rang", **when},
    )
    assert error_summary(response) == [message]


def test_logging_a_visit(cast, case, ada):
    response = ada.post(
        f"/timeline/case/{case.pk}/visit/",
        {"place": "12 Mill Lane", "duration_minutes": "40", "text": "Saw the damp"},
    )
    assert response.status_code == 302
    assert "Visit: 12 Mill Lane" in text_of(ada.get(f"/timeline/case/{case.pk}/"))
    refused = ada.post(f"/timeline/case/{case.pk}/visit/", {"duration_minutes": "2000"})
    assert error_summary(refused) == [
        "A visit cannot take more than 24 hours (1,440 minutes).",
        "Enter what happened on the visit.",
    ]


def test_uploading_a_document_and_downloading_it_again(cast, case, ada):
    response = ada.post(
        f"/timeline/case/{case.pk}/document/",
        {"file": upload("Tenancy agreement.pdf", PDF_BYTES), "description": "Signed copy"},
    )
    assert response.status_code == 302
    page = text_of(ada.get(f"/timeline/case/{case.pk}/"))
    assert "Tenancy agreement.pdf</a> (PDF, 125" in page and "Signed copy" in page
    with bind_office(cast.north):
        attachment = TimelineAttachment.objects.get()
    download = ada.get(f"/timeline/attachment/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"] == 'attachment; filename="Tenancy agreement.pdf"'
    viewed = ada.get(f"/timeline/attachment/{attachment.pk}/", {"view": "1"})
    assert viewed["Content-Disposition"].startswith("inline")
    assert viewed["Content-Security-Policy"].startswith("sandbox")


@pytest.mark.parametrize(
    ("sent", "message"),
    [
        (upload("report.pdf", PROGRAM_BYTES), "report.pdf is not a PDF: its contents are a "
         "Windows program"),
        (upload("blank.pdf", b""), "blank.pdf is empty."),
        (upload("setup.exe", PROGRAM_BYTES), ".exe files cannot be uploaded. Upload a PDF, an "
         "image (JPEG, PNG, GIF, WebP, TIFF or HEIC), a Word, Excel or OpenDocument document, a "
         "text or CSV file, or an e-mail (.eml)."),
        (None, "Select a file."),
    ],
)  # fmt: skip
def test_a_bad_upload_is_refused_with_the_reason(cast, case, ada, sent, message):
    data = {"description": "x"} | ({"file": sent} if sent is not None else {})
    response = ada.post(f"/timeline/case/{case.pk}/document/", data)
    assert response.status_code == 400 and error_summary(response) == [message]
    assert 'class="govuk-file-upload govuk-file-upload--error"' in text_of(response)
    with bind_office(cast.north):
        assert not TimelineEntry.objects.exists()


def test_an_oversized_upload_is_refused(cast, case, ada, settings):
    settings.MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("scan.pdf", PDF_BYTES + b"%" * (1024 * 1024 + 10))
    response = ada.post(f"/timeline/case/{case.pk}/document/", {"file": big})
    assert error_summary(response) == [
        "scan.pdf is 1.1 MB: the largest file that can be uploaded is 1 MB. Send a smaller copy, "
        "or split it into parts."
    ]


def test_cleo_gets_404_on_every_timeline_page_with_norths_ids(cast, case, client_for):
    note = services.add_note(cast.ada, case, "North's private note", sensitive=True)
    document = services.add_document(cast.ada, case, upload("north.pdf", PDF_BYTES))
    with bind_office(cast.north):
        attachment = document.entry_files.get()
    cleo = client_for(cast.cleo)
    urls = [
        f"/timeline/case/{case.pk}/",
        f"/timeline/case/{case.pk}/note/",
        f"/timeline/case/{case.pk}/call/",
        f"/timeline/case/{case.pk}/visit/",
        f"/timeline/case/{case.pk}/document/",
        f"/timeline/entry/{note.pk}/",
        f"/timeline/attachment/{attachment.pk}/",
    ]
    for url in urls:
        assert cleo.get(url).status_code == 404, url
    for url in urls[1:5]:
        assert (
            cleo.post(
                url, {"text": "Cleo was here", "file": upload("c.pdf", PDF_BYTES)}
            ).status_code
            == 404
        )
    with bind_office(cast.north):
        assert TimelineEntry.objects.count() == 2 and not AccessLogEntry.objects.exists()


def test_staff_not_named_on_a_restricted_case_get_404(cast, case, client_for):
    from casewell.cases.services import restrict_case

    restrict_case(cast.ada, case, [cast.ada])
    wes = client_for(cast.wes)
    assert wes.get(f"/timeline/case/{case.pk}/").status_code == 404
    assert wes.post(f"/timeline/case/{case.pk}/note/", {"text": "x"}).status_code == 404


def test_the_timeline_pages_need_a_signed_in_person(cast, case):
    for url in (f"/timeline/case/{case.pk}/", f"/timeline/case/{case.pk}/note/"):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
