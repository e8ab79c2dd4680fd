"""API routes for the people an office works for, their contact details, consent and merges.

Each call runs inside the caller's office (see ``casewell.api``); records are
looked up with ``get_for`` (404 for anything not in the caller's office) and
every change goes through the same services as the pages. A service's refusal
answers 422 with ``{"detail": "...", "errors": {"field": ["message", ...]}}``
naming each bad field — the shape the cases and directory routes use.
Adding a person who looks like someone already on record answers 409 with the
likely duplicates and why, unless ``confirmed_new`` is true.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from casewell.api_common import ApiError, FieldErrors, caller, refusals_named
from casewell.files.services import file_response
from casewell.offices.permissions import get_for
from casewell.people import consent, documents, merging, services
from casewell.people.duplicates import DuplicateMatch, duplicates_of, identity_from_details
from casewell.people.duplicates import likely_duplicates as find_likely_duplicates
from casewell.people.models import (
    Address,
    PermissionForm,
    Person,
    PersonEmail,
    PersonMerge,
    PhoneNumber,
    ThirdPartyAuthority,
)
from casewell.people.phones import national_format

router = Router(tags=["people"])


# --- Shapes ---------------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    display_name: str
    title: str
    first_name: str
    last_name: str
    preferred_name: str
    date_of_birth: date | None
    email: str
    phone: str
    phone_national: str
    address_line_1: str
    address_line_2: str
    town: str
    postcode: str
    preferred_contact: str
    language: str
    needs_interpreter: bool
    merged_into_id: int | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_phone_national(person: Person) -> str:
        return national_format(person.phone)


class PersonIn(Schema):
    # Everything optional here, so the service names every missing field at once.
    title: str = ""
    first_name: str = ""
    last_name: str = ""
    preferred_name: str = ""
    date_of_birth: date | None = None
    address_line_1: str = ""
    address_line_2: str = ""
    town: str = ""
    postcode: str = ""
    phone: str = ""
    phone_kind: str = PhoneNumber.Kind.MOBILE
    email: str = ""
    preferred_contact: str = ""
    language: str = ""
    needs_interpreter: bool = False
    vulnerability_note: str = ""
    confirmed_new: bool = False


class PersonChanges(Schema):
    title: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    preferred_name: str | None = None
    date_of_birth: date | None = None
    preferred_contact: str | None = None
    language: str | None = None
    needs_interpreter: bool | None = None


class AddressOut(Schema):
    id: int
    line_1: str
    line_2: str
    town: str
    postcode: str
    is_current: bool
    added_at: datetime


class DocumentOut(Schema):
    id: int
    name: str
    description: str
    content_type: str
    size: int
    uploaded_at: datetime
    uploaded_by: str | None

    @staticmethod
    def resolve_name(document: Any) -> str:
        return document.stored_file.original_name

    @staticmethod
    def resolve_content_type(document: Any) -> str:
        return document.stored_file.content_type

    @staticmethod
    def resolve_size(document: Any) -> int:
        return document.stored_file.size

    @staticmethod
    def resolve_uploaded_by(document: Any) -> str | None:
        return document.uploaded_by.full_name if document.uploaded_by else None


class AddressIn(Schema):
    line_1: str = ""
    line_2: str = ""
    town: str = ""
    postcode: str = ""
    make_current: bool = True


class PhoneOut(Schema):
    id: int
    number: str
    national: str
    kind: str
    is_main: bool

    @staticmethod
    def resolve_national(phone: PhoneNumber) -> str:
        return national_format(phone.number)


class PhoneIn(Schema):
    number: str = ""
    kind: str = PhoneNumber.Kind.MOBILE
    make_main: bool = False


class EmailOut(Schema):
    id: int
    address: str
    is_main: bool


class EmailIn(Schema):
    address: str = ""
    make_main: bool = False


class NoteOut(Schema):
    id: int
    text: str
    recorded_by: str
    recorded_at: datetime

    @staticmethod
    def resolve_recorded_by(note: Any) -> str:
        return note.recorded_by.full_name if note.recorded_by else ""


class NoteIn(Schema):
    text: str = ""


class DuplicateOut(Schema):
    person: PersonOut
    reasons: list[str]
    why: str


class DuplicatesConflict(Schema):
    detail: str
    duplicates: list[DuplicateOut]


class AuthorityOut(Schema):
    id: int
    name: str
    acting_person_id: int | None
    relationship: str
    scope: str
    scope_detail: str
    phone: str
    email: str
    starts_on: date
    expires_on: date | None
    evidence: str
    ended_at: datetime | None
    in_force: bool

    @staticmethod
    def resolve_in_force(authority: ThirdPartyAuthority) -> bool:
        return authority.is_in_force()


class AuthorityIn(Schema):
    name: str = ""
    relationship: str = ""
    scope: str = ThirdPartyAuthority.Scope.ALL
    scope_detail: str = ""
    phone: str = ""
    email: str = ""
    starts_on: date | None = None
    expires_on: date | None = None
    evidence: str = ""
    acting_person_id: int | None = None


class PermissionFormOut(Schema):
    id: int
    person_id: int
    full_name: str
    address: str
    postcode: str
    national_insurance_number: str
    date_of_birth: date | None
    home_office_reference: str
    other_reference: str
    agencies: list[str]
    signed_on: date | None
    valid_until: date | None
    has_scan: bool
    withdrawn_at: datetime | None

    @staticmethod
    def resolve_agencies(form: PermissionForm) -> list[str]:
        return form.agency_list

    @staticmethod
    def resolve_has_scan(form: PermissionForm) -> bool:
        return form.scan_id is not None


class PermissionFormIn(Schema):
    full_name: str = ""
    address: str = ""
    postcode: str = ""
    national_insurance_number: str = ""
    date_of_birth: date | None = None
    home_office_reference: str = ""
    other_reference: str = ""
    agencies: list[str] = []
    signed_on: date | None = None
    valid_until: date | None = None


class SignedIn(Schema):
    signed_on: date | None = None
    valid_until: date | None = None


class PermissionOut(Schema):
    state: str
    label: str
    until: date | None
    form_id: int | None
    awaiting_signature: bool


class MergeIn(Schema):
    merged_id: int


class MergeOut(Schema):
    id: int
    kept_id: int
    merged_id: int
    merged_at: datetime
    undone_at: datetime | None
    summary: str

    @staticmethod
    def resolve_summary(merge: PersonMerge) -> str:
        return merging.describe_moves(merge.moves)


# --- Helpers ---------------------------------------------------------------------------------


def _person(request: HttpRequest, person_id: int) -> Person:
    return services.get_person_for(caller(request), person_id, channel="api")


def _fresh(person: Person) -> Person:
    return Person.objects.get(pk=person.pk)


def _duplicates(matches: list[DuplicateMatch]) -> list[dict[str, Any]]:
    return [
        {"person": match.person, "reasons": match.reasons, "why": match.why} for match in matches
    ]


RESPONSES = {403: ApiError, 404: ApiError, 422: FieldErrors}


# --- People ---------------------------------------------------------------------------------


@router.get(
    "", url_name="people", response=list[PersonOut], summary="The office's people, a page at a time"
)
@paginate(PageNumberPagination, page_size=50)
def people(
    request: HttpRequest,
    name: str = Query("", description="every word must be in the name", max_length=200),
    postcode: str = Query("", description="the start of the postcode", max_length=10),
) -> QuerySet[Person]:
    return services.find_people(caller(request), name=name, postcode=postcode)


@router.post(
    "",
    url_name="people",
    response={201: PersonOut, 409: DuplicatesConflict, **RESPONSES},
    summary="Add a person (409 with likely duplicates unless confirmed_new)",
)
@refusals_named
def add_person(request: HttpRequest, payload: PersonIn) -> Any:
    user = caller(request)
    fields = payload.dict()
    confirmed = fields.pop("confirmed_new")
    details = services.check_person_details(services.PersonDetails(**fields))
    if not confirmed:
        matches = find_likely_duplicates(
            identity_from_details(
                first_name=details.first_name,
                last_name=details.last_name,
                preferred_name=details.preferred_name,
                date_of_birth=details.date_of_birth,
                email=details.email,
                phone=details.phone,
                postcode=details.postcode,
            ),
            office_id=user.office_id,
        )
        if matches:
            return Status(
                409,
                {
                    "detail": "This person looks like someone already on record. Nothing was "
                    "saved: send confirmed_new: true to add them anyway.",
                    "duplicates": _duplicates(matches),
                },
            )
    return Status(201, _fresh(services.create_person(user, details)))


@router.get(
    "/{person_id}",
    url_name="people_person",
    response={200: PersonOut, 404: ApiError},
    summary="One person",
)
def person(request: HttpRequest, person_id: int) -> Person:
    return _person(request, person_id)


@router.patch(
    "/{person_id}",
    url_name="people_person",
    response={200: PersonOut, **RESPONSES},
    summary="Change a person",
)
@refusals_named
def change_person(request: HttpRequest, person_id: int, payload: PersonChanges) -> Person:
    record = _person(request, person_id)
    services.update_person(caller(request), record, **payload.dict(exclude_unset=True))
    return _fresh(record)


# --- Contact details ----------------------------------------------------------------------------


@router.get(
    "/{person_id}/addresses",
    url_name="people_addresses",
    response={200: list[AddressOut], 404: ApiError},
    summary="A person's addresses, current first",
)
def addresses(request: HttpRequest, person_id: int) -> Any:
    return list(_person(request, person_id).addresses.all())


@router.post(
    "/{person_id}/addresses",
    url_name="people_addresses",
    response={201: AddressOut, **RESPONSES},
    summary="Add an address (current by default)",
)
@refusals_named
def add_address(request: HttpRequest, person_id: int, payload: AddressIn) -> Any:
    record = _person(request, person_id)
    return Status(201, services.add_address(caller(request), record, **payload.dict()))


@router.post(
    "/addresses/{address_id}/make-current",
    response={200: AddressOut, **RESPONSES},
    summary="Make an address the current one",
)
@refusals_named
def make_address_current(request: HttpRequest, address_id: int) -> Any:
    address = get_for(caller(request), Address, address_id, channel="api")
    services.make_address_current(caller(request), address)
    return address


@router.delete(
    "/addresses/{address_id}", response={204: None, **RESPONSES}, summary="Remove an address"
)
@refusals_named
def remove_address(request: HttpRequest, address_id: int) -> Any:
    services.remove_address(caller(request), get_for(caller(request), Address, address_id))
    return Status(204, None)


@router.get(
    "/{person_id}/phones",
    url_name="people_phones",
    response={200: list[PhoneOut], 404: ApiError},
    summary="A person's phone numbers, main first",
)
def phones(request: HttpRequest, person_id: int) -> Any:
    return list(_person(request, person_id).phone_numbers.all())


@router.post(
    "/{person_id}/phones",
    url_name="people_phones",
    response={201: PhoneOut, **RESPONSES},
    summary="Add a phone number",
)
@refusals_named
def add_phone(request: HttpRequest, person_id: int, payload: PhoneIn) -> Any:
    record = _person(request, person_id)
    return Status(201, services.add_phone(caller(request), record, **payload.dict()))


@router.post(
    "/phones/{phonenumber_id}/make-main",
    response={200: PhoneOut, **RESPONSES},
    summary="Make a number the main one",
)
@refusals_named
def make_phone_main(request: HttpRequest, phonenumber_id: int) -> Any:
    phone = get_for(caller(request), PhoneNumber, phonenumber_id, channel="api")
    services.make_phone_main(caller(request), phone)
    return phone


@router.delete(
    "/phones/{phonenumber_id}", response={204: None, **RESPONSES}, summary="Remove a phone number"
)
@refusals_named
def remove_phone(request: HttpRequest, phonenumber_id: int) -> Any:
    services.remove_phone(caller(request), get_for(caller(request), PhoneNumber, phonenumber_id))
    return Status(204, None)


@router.get(
    "/{person_id}/emails",
    url_name="people_emails",
    response={200: list[EmailOut], 404: ApiError},
    summary="A person's e-mail addresses, main first",
)
def emails(request: HttpRequest, person_id: int) -> Any:
    return list(_person(request, person_id).email_addresses.all())


@router.post(
    "/{person_id}/emails",
    url_name="people_emails",
    response={201: EmailOut, **RESPONSES},
    summary="Add an e-mail address",
)
@refusals_named
def add_email(request: HttpRequest, person_id: int, payload: EmailIn) -> Any:
    record = _person(request, person_id)
    return Status(201, services.add_email(caller(request), record, **payload.dict()))


@router.post(
    "/emails/{personemail_id}/make-main",
    response={200: EmailOut, **RESPONSES},
    summary="Make an e-mail address the main one",
)
@refusals_named
def make_email_main(request: HttpRequest, personemail_id: int) -> Any:
    email = get_for(caller(request), PersonEmail, personemail_id, channel="api")
    services.make_email_main(caller(request), email)
    return email


@router.delete(
    "/emails/{personemail_id}",
    response={204: None, **RESPONSES},
    summary="Remove an e-mail address",
)
@refusals_named
def remove_email(request: HttpRequest, personemail_id: int) -> Any:
    services.remove_email(caller(request), get_for(caller(request), PersonEmail, personemail_id))
    return Status(204, None)


@router.get(
    "/{person_id}/vulnerability-notes",
    url_name="people_vulnerability_notes",
    response={200: list[NoteOut], 404: ApiError},
    summary="A person's vulnerability notes (every read is logged)",
)
def vulnerability_notes(request: HttpRequest, person_id: int) -> Any:
    record = _person(request, person_id)
    return services.read_vulnerability_notes(caller(request), record, channel="api")


@router.post(
    "/{person_id}/vulnerability-notes",
    url_name="people_vulnerability_notes",
    response={201: NoteOut, **RESPONSES},
    summary="Add a vulnerability note",
)
@refusals_named
def add_vulnerability_note(request: HttpRequest, person_id: int, payload: NoteIn) -> Any:
    record = _person(request, person_id)
    return Status(201, services.add_vulnerability_note(caller(request), record, payload.text))


# --- Duplicates and merging ---------------------------------------------------------------


@router.get(
    "/{person_id}/duplicates",
    response={200: list[DuplicateOut], 404: ApiError},
    summary="Possible duplicates of a person, with why",
)
def duplicates(request: HttpRequest, person_id: int) -> Any:
    return _duplicates(duplicates_of(_person(request, person_id)))


@router.post(
    "/{person_id}/merge",
    response={201: MergeOut, **RESPONSES},
    summary="Merge another record into this one (managers)",
)
@refusals_named
def merge(request: HttpRequest, person_id: int, payload: MergeIn) -> Any:
    kept = _person(request, person_id)
    merged = _person(request, payload.merged_id)
    return Status(201, merging.merge_people(caller(request), kept=kept, merged=merged))


@router.post(
    "/merges/{personmerge_id}/undo",
    response={200: MergeOut, **RESPONSES},
    summary="Undo a merge within 30 days (managers)",
)
@refusals_named
def unmerge(request: HttpRequest, personmerge_id: int) -> Any:
    record = get_for(caller(request), PersonMerge, personmerge_id, channel="api")
    merging.unmerge_people(caller(request), record)
    return PersonMerge.objects.get(pk=record.pk)


# --- Who may act for them ----------------------------------------------------------------------


@router.get(
    "/{person_id}/authorities",
    url_name="people_authorities",
    response={200: list[AuthorityOut], 404: ApiError},
    summary="Who may act for a person",
)
def authorities(request: HttpRequest, person_id: int) -> Any:
    return list(_person(request, person_id).authorities.all())


@router.post(
    "/{person_id}/authorities",
    url_name="people_authorities",
    response={201: AuthorityOut, **RESPONSES},
    summary="Record someone who may act for a person",
)
@refusals_named
def add_authority(request: HttpRequest, person_id: int, payload: AuthorityIn) -> Any:
    record = _person(request, person_id)
    fields = payload.dict()
    acting_id = fields.pop("acting_person_id")
    if acting_id is not None:
        fields["acting_person"] = _person(request, acting_id)
    return Status(201, consent.add_authority(caller(request), record, **fields))


@router.post(
    "/authorities/{thirdpartyauthority_id}/end",
    response={200: AuthorityOut, **RESPONSES},
    summary="Stop a third party acting for a person",
)
@refusals_named
def end_authority(request: HttpRequest, thirdpartyauthority_id: int) -> Any:
    authority = get_for(caller(request), ThirdPartyAuthority, thirdpartyauthority_id)
    consent.end_authority(caller(request), authority)
    return authority


# --- Permission forms -----------------------------------------------------------------------------


@router.get(
    "/{person_id}/permission",
    response={200: PermissionOut, 404: ApiError},
    summary="Whether permission to act is held, missing or expired today",
)
def permission(request: HttpRequest, person_id: int) -> Any:
    status = consent.permission_status(_person(request, person_id))
    return {
        "state": status.state,
        "label": status.label,
        "until": status.until,
        "form_id": status.form.pk if status.form else None,
        "awaiting_signature": status.awaiting_signature,
    }


@router.post(
    "/{person_id}/permission-forms",
    response={201: PermissionFormOut, **RESPONSES},
    summary="Record a permission form (signed, or waiting for signature)",
)
@refusals_named
def add_permission_form(request: HttpRequest, person_id: int, payload: PermissionFormIn) -> Any:
    record = _person(request, person_id)
    return Status(201, consent.record_permission_form(caller(request), record, **payload.dict()))


@router.get(
    "/permission-forms/{permissionform_id}",
    response={200: PermissionFormOut, 404: ApiError},
    summary="One permission form in full (the read is logged)",
)
def permission_form(request: HttpRequest, permissionform_id: int) -> Any:
    return get_for(caller(request), PermissionForm, permissionform_id, channel="api")


@router.post(
    "/permission-forms/{permissionform_id}/signed",
    response={200: PermissionFormOut, **RESPONSES},
    summary="Record that a printed form came back signed",
)
@refusals_named
def permission_form_signed(request: HttpRequest, permissionform_id: int, payload: SignedIn) -> Any:
    form = get_for(caller(request), PermissionForm, permissionform_id, channel="api")
    return consent.mark_permission_form_signed(caller(request), form, **payload.dict())


@router.post(
    "/permission-forms/{permissionform_id}/scan",
    response={200: PermissionFormOut, **RESPONSES},
    summary="Upload the scan of the signed form (multipart: scan, signed_on)",
)
@refusals_named
def permission_form_scan(
    request: HttpRequest,
    permissionform_id: int,
    scan: UploadedFile = File(...),  # noqa: B008 - ninja's way of declaring a file
    signed_on: date | None = Form(None),  # noqa: B008
) -> Any:
    form = get_for(caller(request), PermissionForm, permissionform_id, channel="api")
    return consent.attach_signed_scan(caller(request), form, scan, signed_on=signed_on)


@router.post(
    "/permission-forms/{permissionform_id}/withdraw",
    response={200: PermissionFormOut, **RESPONSES},
    summary="The person has taken their permission back",
)
@refusals_named
def withdraw_permission_form(request: HttpRequest, permissionform_id: int) -> Any:
    form = get_for(caller(request), PermissionForm, permissionform_id, channel="api")
    consent.withdraw_permission_form(caller(request), form)
    return form


# --- Documents on the record --------------------------------------------------------------------


@router.get(
    "/{person_id}/documents",
    url_name="people_documents",
    response={200: list[DocumentOut], 404: ApiError},
    summary="The documents kept on a person's record, newest first",
)
def person_documents(request: HttpRequest, person_id: int) -> Any:
    person = _person(request, person_id)
    return list(person.documents.select_related("stored_file", "uploaded_by"))


@router.post(
    "/{person_id}/documents",
    url_name="people_documents",
    response={201: DocumentOut, **RESPONSES},
    summary="Upload a document (multipart: file, description); checked by its contents",
)
@refusals_named
def add_person_document(
    request: HttpRequest,
    person_id: int,
    file: UploadedFile = File(...),  # noqa: B008 - ninja's way of declaring a file
    description: str = Form(""),  # noqa: B008
) -> Any:
    person = _person(request, person_id)
    return Status(
        201, documents.add_document(caller(request), person, file, description=description)
    )


@router.get(
    "/documents/{persondocument_id}/file",
    response={200: None, 404: ApiError},
    summary="The document itself, decrypted",
)
def person_document_file(request: HttpRequest, persondocument_id: int) -> Any:
    document = documents.get_document_for(caller(request), persondocument_id, channel="api")
    return file_response(document.stored_file)


@router.delete(
    "/documents/{persondocument_id}",
    response={204: None, **RESPONSES},
    summary="Remove a document (whoever uploaded it, or a manager)",
)
@refusals_named
def remove_person_document(request: HttpRequest, persondocument_id: int) -> Any:
    document = documents.get_document_for(caller(request), persondocument_id, channel="api")
    documents.remove_document(caller(request), document)
    return Status(204, None)
