"""The timeline in the API: list, add notes, calls, visits and documents, read and download."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from casewell.files.testing import PDF_BYTES, PROGRAM_BYTES, upload
from casewell.offices.models import AccessLogEntry
from casewell.offices.tenancy import bind_office
from casewell.offices.tokens import create_token
from casewell.timeline import services
from casewell.timeline.models import TimelineEntry


@pytest.fixture
def api_as():
    def make(user) -> Client:
        _record, token = create_token(user, "Tests")
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return make


@pytest.fixture
def ada(cast, api_as):
    return api_as(cast.ada)


def base(case) -> str:
    return f"/api/v1/timeline/cases/{case.pk}"


def test_the_api_lists_a_cases_timeline_newest_first_with_a_kind_filter(cast, case, ada):
    note = services.add_note(cast.ada, case, "A note")
    call = services.record_call(cast.ada, case, direction="in", duration_minutes=4, text="A call")
    listed = ada.get(f"{base(case)}/entries").json()
    assert listed["count"] == 2 and [item["id"] for item in listed["items"]] == [call.pk, note.pk]
    assert listed["items"][0] | {"occurred_at": None, "recorded_at": None} == {
        "id": call.pk, "case_id": case.pk, "kind": "call", "kind_label": "Phone call",
        "headline": "Incoming call", "author": {"id": cast.ada.pk, "full_name": "Ada Lovelace"},
        "occurred_at": None, "recorded_at": None, "is_sensitive": False, "text": "A call",
        "direction": "in", "duration_minutes": 4, "subject": "", "place": "",
        "correspondent": "", "from_status": "", "to_status": "", "source": "", "attachments": [],
        "handled_by": None, "did_not_arrive": "",
    }  # fmt: skip
    only_notes = ada.get(f"{base(case)}/entries", {"kind": "note"}).json()
    assert [item["id"] for item in only_notes["items"]] == [note.pk]


def test_the_api_pages_through_a_long_timeline(cast, case, ada):
    for number in range(7):
        services.add_note(cast.ada, case, f"Note {number}")
    second = ada.get(f"{base(case)}/entries", {"per_page": 3, "page": 2}).json()
    assert (second["count"], second["page"], second["pages"]) == (7, 2, 3)
    assert [item["text"] for item in second["items"]] == ["Note 3", "Note 2", "Note 1"]


def test_an_unknown_kind_is_a_422_naming_the_field(cast, case, ada):
    response = ada.get(f"{base(case)}/entries", {"kind": "gossip"})
    assert response.status_code == 422
    assert "gossip is not a kind of entry" in response.json()["errors"]["kind"][0]


def test_adding_a_note_a_call_and_a_visit(cast, case, ada):
    note = ada.post(f"{base(case)}/notes", {"text": "Rang DWP", "sensitive": True},
                    content_type="application/json")  # fmt: skip
    assert note.status_code == 201
    assert note.json()["is_sensitive"] and note.json()["text"] == "Rang DWP"
    earlier = (timezone.now() - timedelta(hours=3)).isoformat()
    call = ada.post(
        f"{base(case)}/calls",
        {"direction": "out", "duration_minutes": 9, "text": "Called back", "occurred_at": earlier},
        content_type="application/json",
    )
    assert call.status_code == 201 and call.json()["duration_minutes"] == 9
    visit = ada.post(f"{base(case)}/visits", {"text": "Home visit", "place": "12 Mill Lane"},
                     content_type="application/json")  # fmt: skip
    assert visit.status_code == 201 and visit.json()["headline"] == "Visit: 12 Mill Lane"
    with bind_office(cast.north):
        assert TimelineEntry.objects.count() == 3


def test_bad_input_names_each_field(cast, case, ada):
    response = ada.post(
        f"{base(case)}/calls",
        {"direction": "up", "duration_minutes": "long", "occurred_at": "tomorrowish"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "direction": ["Choose whether the call was incoming or outgoing."],
        "duration_minutes": ["Enter how many minutes the call took, as a whole number."],
        "text": ["Enter what the call was about."],
        "occurred_at": ["Enter when the call happened as a date and time."],
    }
    empty = ada.post(f"{base(case)}/notes", {}, content_type="application/json")
    assert empty.status_code == 422 and empty.json()["errors"] == {"text": ["Enter the note."]}


def test_uploading_and_downloading_a_document(cast, case, ada):
    response = ada.post(
        f"{base(case)}/documents",
        {"file": upload("Tenancy.pdf", PDF_BYTES), "description": "Signed"},
    )
    assert response.status_code == 201
    (attachment,) = response.json()["attachments"]
    assert attachment["name"] == "Tenancy.pdf" and attachment["content_type"] == "application/pdf"
    assert attachment["size"] == len(PDF_BYTES)
    download = ada.get(attachment["download_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_disguised_or_oversized_upload_is_refused_with_the_reason(cast, case, ada, settings):
    disguised = ada.post(f"{base(case)}/documents", {"file": upload("report.pdf", PROGRAM_BYTES)})
    assert disguised.status_code == 422
    assert disguised.json()["errors"] == {
        "file": ["report.pdf is not a PDF: its contents are a Windows program"]
    }
    settings.MAX_UPLOAD_MB = 1
    big = ada.post(
        f"{base(case)}/documents", {"file": upload("big.pdf", PDF_BYTES + b"%" * 2_000_000)}
    )
    assert big.status_code == 422 and "largest file" in big.json()["errors"]["file"][0]
    missing = ada.post(f"{base(case)}/documents", {"description": "no file"})
    assert missing.status_code == 422 and "file" in missing.json()["detail"]


def test_a_sensitive_note_is_withheld_from_lists_and_logged_when_fetched(cast, case, ada):
    note = services.add_note(cast.ada, case, "Disclosure", sensitive=True)
    listed = ada.get(f"{base(case)}/entries").json()["items"][0]
    assert listed["is_sensitive"] and listed["text"] is None
    with bind_office(cast.north):
        assert not AccessLogEntry.objects.exists()
    opened = ada.get(f"/api/v1/timeline/entries/{note.pk}").json()
    assert opened["text"] == "Disclosure"
    with bind_office(cast.north):
        read = AccessLogEntry.objects.get()
    assert read.channel == "api" and read.user == cast.ada


def test_cleo_gets_404_for_every_timeline_route_with_norths_ids(cast, case, api_as):
    note = services.add_note(cast.ada, case, "North's note")
    document = services.add_document(cast.ada, case, upload("north.pdf", PDF_BYTES))
    with bind_office(cast.north):
        attachment = document.entry_files.get()
    cleo = api_as(cast.cleo)
    assert cleo.get(f"{base(case)}/entries").status_code == 404
    assert cleo.get(f"/api/v1/timeline/entries/{note.pk}").status_code == 404
    assert cleo.get(f"/api/v1/timeline/attachments/{attachment.pk}").status_code == 404
    for path, body in (
        ("notes", {"text": "x"}),
        ("calls", {"direction": "in", "duration_minutes": 1, "text": "x"}),
        ("visits", {"text": "x"}),
    ):
        response = cleo.post(f"{base(case)}/{path}", body, content_type="application/json")
        assert response.status_code == 404 and "North" not in response.content.decode()
    uploaded = cleo.post(f"{base(case)}/documents", {"file": upload("c.pdf", PDF_BYTES)})
    assert uploaded.status_code == 404
    with bind_office(cast.north):
        assert TimelineEntry.objects.count() == 2


def test_the_api_needs_a_token(case):
    assert Client().get(f"{base(case)}/entries").status_code == 401
