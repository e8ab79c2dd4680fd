"""Evidence of an incident is kept: linked entries and files survive every deletion path."""

from __future__ import annotations

import os
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError
from django.utils import timezone

from casewell.cases.models import Category
from casewell.cases.services import open_case
from casewell.files import services as files
from casewell.files.models import StoredFile
from casewell.files.storage import path_for
from casewell.files.testing import PDF_BYTES, upload
from casewell.offices.tenancy import bind_office
from casewell.people.models import Person
from casewell.safety import evidence
from casewell.safety.incidents import record_incident
from casewell.timeline.services import add_document, add_note

pytestmark = pytest.mark.usefixtures("data_folder")  # files in a folder of their own


@pytest.fixture
def harriet(cast) -> Person:
    with bind_office(cast.north, actor=cast.ada):
        return Person.objects.create(first_name="Harriet", last_name="Walsh")


@pytest.fixture
def damp(cast, harriet):
    with bind_office(cast.north):
        category = Category.objects.filter(parent=None).order_by("position", "id").first()
    return open_case(cast.ada, summary="Damp", category=category, people=[harriet])


@pytest.fixture
def threat(cast, harriet):
    return record_incident(
        cast.ada,
        channel="letter",
        happened_on=timezone.localdate(),
        what_happened="A letter threatening Ada",
        person_id=harriet.pk,
        targeted_ids=[cast.ada.pk],
    )


@pytest.fixture
def letter(cast, damp):
    """A scanned threatening letter on the case's timeline."""
    return add_document(cast.ada, damp, upload("threat.pdf", PDF_BYTES))


def the_file(cast, entry) -> StoredFile:
    with bind_office(cast.north):
        return entry.entry_files.get().stored_file


def test_a_held_file_survives_a_delete_attempt_and_the_orphan_sweep(cast, threat, letter):
    evidence.link_evidence(cast.ada, threat, timeline_entry_id=letter.pk)
    stored = the_file(cast, letter)
    path = path_for(cast.north.pk, stored.storage_name)
    with pytest.raises(files.FileOnHold) as refused:
        files.delete_stored_file(stored)
    assert "threat.pdf is kept: it is evidence of an incident recorded on" in str(refused.value)
    # Even old enough to sweep, the held file's bytes stay (its row is protected).
    two_hours_ago = time.time() - 7200
    os.utime(path, (two_hours_ago, two_hours_ago))
    files.remove_orphaned_files()
    assert path.exists() and files.read_bytes(stored) == PDF_BYTES
    # Nor can a cascade take it or its entry.
    with bind_office(cast.north), pytest.raises(ProtectedError):
        StoredFile.objects.filter(pk=stored.pk).delete()
    with bind_office(cast.north), pytest.raises(ProtectedError):
        letter.delete()


def test_a_file_kept_by_itself_is_held_and_released_by_a_manager(
    cast, threat, letter, django_capture_on_commit_callbacks
):
    stored = the_file(cast, letter)
    with pytest.raises(PermissionDenied):  # a file alone: managers only
        evidence.link_evidence(cast.ada, threat, stored_file_id=stored.pk)
    link = evidence.link_evidence(cast.ben, threat, stored_file_id=stored.pk)
    with bind_office(cast.north):
        assert evidence.hold_reason(stored)
    with pytest.raises(PermissionDenied):
        evidence.release_evidence(cast.ada, link)
    evidence.release_evidence(cast.ben, link)
    with bind_office(cast.north):
        assert evidence.hold_reason(stored) is None


def test_an_unheld_file_is_deleted_as_before(cast, letter, django_capture_on_commit_callbacks):
    stored = files.store_file(cast.north, upload("other.pdf", PDF_BYTES), uploaded_by=cast.ada)
    path = path_for(cast.north.pk, stored.storage_name)
    with django_capture_on_commit_callbacks(execute=True):
        files.delete_stored_file(stored)
    assert not path.exists()


def test_linking_names_what_is_wrong(cast, threat, letter, damp):
    with pytest.raises(ValidationError) as refused:
        evidence.link_evidence(cast.ada, threat)
    assert "timeline_entry" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        evidence.link_evidence(cast.ada, threat, timeline_entry_id=999999)
    assert "timeline_entry" in refused.value.message_dict
    evidence.link_evidence(cast.ada, threat, timeline_entry_id=letter.pk)
    with pytest.raises(ValidationError) as refused:
        evidence.link_evidence(cast.ada, threat, timeline_entry_id=letter.pk)
    assert refused.value.message_dict["timeline_entry"] == [
        "This is already evidence of the incident"
    ]
    # Someone who neither recorded it nor manages may not add evidence.
    with pytest.raises(PermissionDenied):
        evidence.link_evidence(cast.wes, threat, timeline_entry_id=letter.pk)


def test_cleo_cannot_link_norths_entries_to_her_incident(cast, letter):
    hers = record_incident(
        cast.cleo, channel="call", happened_on=timezone.localdate(), what_happened="Shouting"
    )
    with pytest.raises(ValidationError):
        evidence.link_evidence(cast.cleo, hers, timeline_entry_id=letter.pk)


def test_the_incident_page_links_entries_from_the_persons_cases(
    cast, client_for, threat, letter, damp
):
    other = add_note(cast.ada, damp, "Rang to apologise")
    url = f"/safety/incidents/{threat.pk}/"
    page = client_for(cast.ada).get(url).content.decode()
    assert "Document: threat.pdf" in page and "No evidence is linked yet" in page
    answer = client_for(cast.ada).post(
        f"{url}evidence/", {"timeline_entry": letter.pk, "note": "The letter"}, follow=True
    )
    page = answer.content.decode()
    assert "It is kept as evidence, safe from deletion" in page
    assert f"{damp.reference}: Document: threat.pdf" in page
    # Someone targeted but neither recorder nor manager reads it, but may not add evidence.
    assert client_for(cast.wes).post(
        f"{url}evidence/", {"timeline_entry": other.pk}
    ).status_code in (403, 404)
    with bind_office(cast.north):
        (link,) = evidence.evidence_of(threat)
    release = f"/safety/evidence/{link.pk}/release/"
    assert client_for(cast.ada).post(release).status_code == 403
    assert (
        "No evidence is linked yet"
        in client_for(cast.ben).post(release, follow=True).content.decode()
    )


def test_messages_can_be_held_through_the_extension_point(cast, threat):
    evidence.link_source(cast.ada, threat, "inbox.Message:12")
    with bind_office(cast.north):
        assert evidence.source_hold_reason("inbox.Message:12")
        assert evidence.source_hold_reason("inbox.Message:13") is None
    with pytest.raises(ValidationError):
        evidence.link_source(cast.ada, threat, "no colon")
