"""Every message, note and document is scored when it is created; staff can flag and
unflag by hand, with a reason, and the audit trail keeps it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from casewell.offices.models import AuditEntry
from casewell.offices.tenancy import bind_office
from casewell.people.documents import add_document
from casewell.people.models import Person
from casewell.timeline.services import add_note
from casewell.wellbeing import services as wellbeing
from casewell.wellbeing.models import DistressAssessment, ItemKind
from casewell.wellbeing.tests.conftest import receive

MESSAGE = ItemKind.MESSAGE
NOTE = ItemKind.TIMELINE_ENTRY


def test_an_inbound_message_is_scored_when_it_arrives(cast):
    message = receive(cast.north, body="I have a plan to end my life this weekend.")
    found = wellbeing.assessments_for(cast.north.pk, MESSAGE, [message.pk])[message.pk]
    assert found.categories == ["suicide"]
    assert found.severity == 3
    assert wellbeing.warning_categories_for(cast.north.pk, MESSAGE, message.pk) == ["suicide"]


def test_a_message_with_nothing_distressing_has_no_warning(cast):
    message = receive(cast.north, body="The damp in my flat is getting worse.")
    assert wellbeing.assessments_for(cast.north.pk, MESSAGE, [message.pk]) == {}
    assert wellbeing.warning_categories_for(cast.north.pk, MESSAGE, message.pk) == []


def test_a_note_is_scored_when_it_is_added(cast, case):
    entry = add_note(cast.ada, case, "Her partner hits her and the children; she is frightened.")
    assert wellbeing.warning_categories_for(cast.north.pk, NOTE, entry.pk) == ["abuse", "violence"]


def test_the_subject_of_a_message_counts_too(cast):
    message = receive(cast.north, subject="Funeral costs for my late husband", body="Help please.")
    assert wellbeing.warning_categories_for(cast.north.pk, MESSAGE, message.pk) == ["bereavement"]


def test_a_document_description_is_scored(cast):
    with bind_office(cast.north, actor=cast.ada):
        person = Person.objects.create(first_name="Harriet", last_name="Walsh")
    upload = SimpleUploadedFile("statement.txt", b"Statement", content_type="text/plain")
    document = add_document(cast.ada, person, upload, description="Police report of the stabbing")
    assert wellbeing.warning_categories_for(
        cast.north.pk, ItemKind.PERSON_DOCUMENT, document.pk
    ) == ["violence"]


def test_the_words_inside_a_document_are_scored_not_only_its_name(cast, case):
    from casewell.files.testing import PDF_BYTES, pdf_saying, upload
    from casewell.timeline.services import add_document as add_to_timeline

    with bind_office(cast.north, actor=cast.ada):
        person = Person.objects.create(first_name="Harriet", last_name="Walsh")
    letter = pdf_saying("My son says he has a plan to kill himself this weekend")
    on_person = add_document(cast.ada, person, upload("Letter.pdf", letter), description="Letter")
    on_case = add_to_timeline(cast.ada, case, upload("Scan 12.pdf", letter), description="Post")
    assert wellbeing.warning_categories_for(
        cast.north.pk, ItemKind.PERSON_DOCUMENT, on_person.pk
    ) == ["suicide"]
    assert wellbeing.warning_categories_for(cast.north.pk, NOTE, on_case.pk) == ["suicide"]
    # A PDF without words (a scan, say) is stored and scored by its name alone.
    blank = add_to_timeline(cast.ada, case, upload("Scan 13.pdf", PDF_BYTES), description="Post")
    assert wellbeing.warning_categories_for(cast.north.pk, NOTE, blank.pk) == []


def test_an_office_phrase_is_used_when_scoring(cast, case):
    with bind_office(cast.north):
        from casewell.wellbeing.models import OfficePhrase

        OfficePhrase.objects.create(category="threat-to-staff", phrase="brick through", severity=3)
    entry = add_note(cast.ada, case, "He said a brick through the window would sort it.")
    assert wellbeing.warning_categories_for(cast.north.pk, NOTE, entry.pk) == ["threat-to-staff"]
    other = receive(cast.south, body="a brick through the window")
    assert wellbeing.warning_categories_for(cast.south.pk, MESSAGE, other.pk) == []


def test_assessments_for_a_list_is_one_query(cast, case):
    entries = [add_note(cast.ada, case, f"Note {n}: she was assaulted again.") for n in range(5)]
    with CaptureQueriesContext(connection) as queries:
        found = wellbeing.assessments_for(cast.north.pk, NOTE, [e.pk for e in entries])
    # Leaving out PostgreSQL's binding of the office to the transaction (row-level security).
    reads = [
        q for q in queries.captured_queries
        if "casewell." not in q["sql"] and not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]  # fmt: skip
    assert len(reads) == 1
    assert set(found) == {e.pk for e in entries}


def test_another_office_asking_about_an_item_finds_nothing(cast):
    message = receive(cast.north, body="I was raped last year.")
    assert wellbeing.assessments_for(cast.south.pk, MESSAGE, [message.pk]) == {}


def test_flagging_by_hand_puts_an_item_behind_a_warning_with_the_reason_audited(cast, case):
    entry = add_note(cast.ada, case, "Talked about her son's accident at the quarry.")
    assert wellbeing.warning_categories_for(cast.north.pk, NOTE, entry.pk) == []
    wellbeing.flag_by_hand(cast.ada, NOTE, entry.pk, ["bereavement"], "Her son died there.")
    assert wellbeing.warning_categories_for(cast.north.pk, NOTE, entry.pk) == ["bereavement"]
    with bind_office(cast.north):
        row = DistressAssessment.objects.get(kind=NOTE, item_id=entry.pk)
        audit = AuditEntry.objects.filter(subject_id=str(row.pk)).order_by("-pk").first()
    assert (row.decided_by, row.reason, row.changed_by) == ("hand", "Her son died there.", cast.ada)
    assert audit.actor == cast.ada
    assert audit.changes["reason"]["to"] == "Her son died there."


def test_unflagging_by_hand_removes_the_warning_and_rescoring_does_not_bring_it_back(cast, case):
    entry = add_note(cast.ada, case, "Quoted the film title Suicide Squad in the complaint.")
    assert wellbeing.warning_categories_for(cast.north.pk, NOTE, entry.pk) == ["suicide"]
    wellbeing.unflag_by_hand(cast.ben, NOTE, entry.pk, "A film title, not distress.")
    assert wellbeing.warning_categories_for(cast.north.pk, NOTE, entry.pk) == []
    wellbeing.score_item(cast.north.pk, NOTE, entry.pk, entry.text)
    assert wellbeing.warning_categories_for(cast.north.pk, NOTE, entry.pk) == []
    with bind_office(cast.north):
        row = DistressAssessment.objects.get(kind=NOTE, item_id=entry.pk)
    assert row.detected_categories == ["suicide"]
    assert row.reason == "A film title, not distress."


def test_flagging_needs_a_reason_and_a_known_category(cast, case):
    entry = add_note(cast.ada, case, "Nothing much.")
    with pytest.raises(ValidationError) as missing:
        wellbeing.flag_by_hand(cast.ada, NOTE, entry.pk, ["abuse"], "   ")
    assert "reason" in missing.value.message_dict
    with pytest.raises(ValidationError) as unknown:
        wellbeing.flag_by_hand(cast.ada, NOTE, entry.pk, ["sadness"], "Because")
    assert "categories" in unknown.value.message_dict


def test_cleo_cannot_flag_or_unflag_norths_items(cast, case):
    entry = add_note(cast.ada, case, "She was assaulted.")
    message = receive(cast.north, body="Plain mail.")
    with pytest.raises(Http404):
        wellbeing.unflag_by_hand(cast.cleo, NOTE, entry.pk, "Hiding it")
    with pytest.raises(Http404):
        wellbeing.flag_by_hand(cast.cleo, MESSAGE, message.pk, ["abuse"], "Because")
    assert wellbeing.warning_categories_for(cast.north.pk, NOTE, entry.pk) == ["violence"]


def test_warning_text_names_the_categories(cast):
    assert wellbeing.warning_text(["suicide", "self-harm"]) == "Contains: suicide, self-harm"
    assert wellbeing.warning_text([]) == ""
