"""Documents kept on a person's record: checked, encrypted and streamed by the files domain."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from casewell.files.services import Upload, delete_stored_file, store_file
from casewell.files.text import readable_text
from casewell.offices.models import User
from casewell.offices.permissions import get_for, is_manager
from casewell.offices.tenancy import bind_office
from casewell.people.models import Person, PersonDocument
from casewell.people.services import working_on
from casewell.wellbeing import services as wellbeing

MAX_DESCRIPTION = 300


def add_document(
    user: User, person: Person, uploaded_file: Upload | None, *, description: str = ""
) -> PersonDocument:
    """Keep a file on the person's record.

    Requires an active member of the person's office. The files domain checks the
    upload (size, type sniffed from its contents); every refusal comes back as
    ValidationError({"file" or "description": reason}). Causes audit entries for
    the stored file and the document.
    """
    description = " ".join(str(description or "").split())
    errors: dict[str, list[str]] = {}
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = [f"Describe it in {MAX_DESCRIPTION} characters or fewer"]
    if uploaded_file is None:
        errors["file"] = ["Choose the file to upload"]
    if errors:
        raise ValidationError(errors)
    with working_on(user, person):
        stored = store_file(user.office, uploaded_file, uploaded_by=user)
        document = PersonDocument.objects.create(
            person=person, stored_file=stored, description=description, uploaded_by=user
        )
        wellbeing.score_item(
            document.office_id, wellbeing.ItemKind.PERSON_DOCUMENT, document.pk,
            f"{stored.original_name}\n{description}\n{readable_text(stored)}",
        )  # fmt: skip
        return document


def get_document_for(
    user: User, persondocument_id: Any, *, channel: str = "page"
) -> PersonDocument:
    """A document on a person the user may see, or 404 (another office's, or none)."""
    with bind_office(user.office, actor=user):
        return get_for(user, PersonDocument, persondocument_id, channel=channel)


def remove_document(user: User, document: PersonDocument) -> None:
    """Take a document off the record: whoever uploaded it, or a manager. Audited."""
    if document.uploaded_by_id != user.pk and not is_manager(user):
        raise PermissionDenied("Only whoever uploaded a document, or a manager, may remove it.")
    with working_on(user, document.person):
        stored = document.stored_file
        document.delete()
        delete_stored_file(stored)
