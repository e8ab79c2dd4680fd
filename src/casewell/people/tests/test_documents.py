"""Documents on a person's record: checked, encrypted, streamed back only inside the office."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client

from casewell.files.storage import path_for
from casewell.files.testing import PDF_BYTES, PROGRAM_BYTES, pdf_upload, upload
from casewell.offices.models import AuditEntry
from casewell.offices.tenancy import bind_office
from casewell.offices.tokens import create_token
from casewell.people import documents
from casewell.people.models import PersonDocument

pytestmark = pytest.mark.usefixtures("data_folder")  # files in a folder of their own


@pytest.fixture
def tenancy(cast, harriet) -> PersonDocument:
    return documents.add_document(
        cast.ada, harriet, pdf_upload("tenancy.pdf"), description="  Tenancy   agreement "
    )


def streamed(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_document_is_kept_encrypted_and_described(cast, tenancy):
    stored = tenancy.stored_file
    assert tenancy.description == "Tenancy agreement"
    assert stored.content_type == "application/pdf" and stored.size == len(PDF_BYTES)
    on_disk = path_for(stored.office_id, stored.storage_name).read_bytes()
    assert PDF_BYTES not in on_disk and b"%PDF" not in on_disk
    with bind_office(cast.north):
        assert AuditEntry.objects.filter(subject_type="people.PersonDocument").exists()


def test_a_bad_upload_is_refused_with_the_field_named_and_nothing_kept(cast, harriet, settings):
    settings.MAX_UPLOAD_MB = 1
    refusals = {
        "program dressed as a PDF": upload("payslip.pdf", PROGRAM_BYTES, "application/pdf"),
        "too big": pdf_upload("huge.pdf", padding=2 * 1024 * 1024),
        "missing": None,
    }
    for what, uploaded in refusals.items():
        with pytest.raises(ValidationError) as refused:
            documents.add_document(cast.ada, harriet, uploaded)
        assert list(refused.value.message_dict) == ["file"], what
    with pytest.raises(ValidationError) as too_long:
        documents.add_document(cast.ada, harriet, pdf_upload(), description="x" * 301)
    assert list(too_long.value.message_dict) == ["description"]
    with bind_office(cast.north):
        assert not PersonDocument.objects.exists()


def test_only_whoever_uploaded_it_or_a_manager_removes_a_document(
    cast, tenancy, harriet, django_capture_on_commit_callbacks
):
    with pytest.raises(PermissionDenied):
        documents.remove_document(cast.wes, tenancy)
    documents.remove_document(cast.ben, tenancy)  # Ben manages North
    with bind_office(cast.north):
        assert not PersonDocument.objects.exists()
    other = documents.add_document(cast.wes, harriet, pdf_upload())
    stored = other.stored_file
    with django_capture_on_commit_callbacks(execute=True):
        documents.remove_document(cast.wes, other)
    assert not path_for(stored.office_id, stored.storage_name).exists()


def test_another_office_cannot_reach_a_document(cast, tenancy):
    with pytest.raises(Http404):
        documents.get_document_for(cast.cleo, tenancy.pk)


def test_uploading_downloading_and_removing_on_the_person_page(cast, client_for, harriet):
    ada = client_for(cast.ada)
    page = f"/people/{harriet.pk}/"
    assert "No documents are kept on this record." in ada.get(page).content.decode()
    refused = ada.post(
        f"/people/{harriet.pk}/documents/add/",
        {"file": upload("payslip.pdf", PROGRAM_BYTES, "application/pdf")},
    )
    assert refused.status_code == 200
    assert "govuk-error-summary" in refused.content.decode()
    added = ada.post(
        f"/people/{harriet.pk}/documents/add/",
        {"file": pdf_upload("tenancy.pdf"), "description": "Tenancy agreement"},
    )
    assert added.status_code == 302 and added["Location"].endswith("#documents")
    shown = ada.get(page).content.decode()
    assert "tenancy.pdf" in shown and "Tenancy agreement" in shown
    with bind_office(cast.north):
        document = PersonDocument.objects.get()
    download = ada.get(f"/people/documents/{document.pk}/download/")
    assert download.status_code == 200 and streamed(download) == PDF_BYTES
    assert download["Cache-Control"] == "private, no-store"
    cleo = client_for(cast.cleo)
    assert cleo.get(f"/people/documents/{document.pk}/download/").status_code == 404
    assert ada.get(f"/people/documents/{document.pk}/remove/").status_code == 405
    wes = client_for(cast.wes)
    wes_refused = wes.post(f"/people/documents/{document.pk}/remove/", follow=True)
    assert "Only whoever uploaded a document" in wes_refused.content.decode()
    ada.post(f"/people/documents/{document.pk}/remove/")
    assert "No documents are kept on this record." in ada.get(page).content.decode()


def test_documents_through_the_api(cast, harriet):
    def api(user) -> Client:
        return Client(HTTP_AUTHORIZATION=f"Bearer {create_token(user, 'Tests')[1]}")

    ada = api(cast.ada)
    url = f"/api/v1/people/{harriet.pk}/documents"
    refused = ada.post(url, {"file": upload("payslip.pdf", PROGRAM_BYTES, "application/pdf")})
    assert refused.status_code == 422 and "file" in refused.json()["errors"]
    missing = ada.post(url, {"description": "No file"})
    assert missing.status_code == 422
    added = ada.post(url, {"file": pdf_upload("tenancy.pdf"), "description": "Tenancy"})
    assert added.status_code == 201, added.content
    document = added.json()
    assert document["name"] == "tenancy.pdf" and document["uploaded_by"] == "Ada Lovelace"
    assert [row["id"] for row in ada.get(url).json()] == [document["id"]]
    download = ada.get(f"/api/v1/people/documents/{document['id']}/file")
    assert streamed(download) == PDF_BYTES
    cleo = api(cast.cleo)
    assert cleo.get(f"/api/v1/people/documents/{document['id']}/file").status_code == 404
    assert cleo.delete(f"/api/v1/people/documents/{document['id']}").status_code == 404
    assert api(cast.wes).delete(f"/api/v1/people/documents/{document['id']}").status_code == 403
    assert ada.delete(f"/api/v1/people/documents/{document['id']}").status_code == 204
    assert ada.get(url).json() == []
