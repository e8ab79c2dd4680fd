"""API routes for the organisations and contacts directory, at /api/v1/directory.

The same services as the pages: the merged list (``find_in_directory``), one entry with its
contacts, and the office's writes (managers and administrators change organisations;
caseworkers, managers, the member and administrators change contacts). Central entries are
named by their key and are read-only; ``override`` gives the office its own copy to change.
Bad input answers 422 with ``{"detail": ..., "errors": {field: [messages]}}``; another
office's organisation or contact is 404; a role that may not write is 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, JsonResponse
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from casewell.api_common import ApiError, FieldErrors, caller, refusals_named
from casewell.directory import services
from casewell.directory.models import (
    CentralContact,
    Contact,
    ContactDetails,
    OrganisationDetails,
    OrganisationKind,
)

router = Router(tags=["directory"])


class EntryOut(Schema):
    """One row of the merged list: a central entry (by key) or the office's own (by id)."""

    source: str
    organisation_id: int | None
    central_key: str | None
    name: str
    kind: str
    kind_label: str
    town: str
    postcode: str

    @staticmethod
    def resolve_source(row: dict[str, Any]) -> str:
        return row["entry_source"]

    @staticmethod
    def resolve_organisation_id(row: dict[str, Any]) -> int | None:
        return row["entry_id"] if row["entry_source"] == "office" else None

    @staticmethod
    def resolve_central_key(row: dict[str, Any]) -> str | None:
        return row["entry_key"] if row["entry_source"] == "central" else None

    @staticmethod
    def resolve_name(row: dict[str, Any]) -> str:
        return row["entry_name"]

    @staticmethod
    def resolve_kind(row: dict[str, Any]) -> str:
        return row["entry_kind"]

    @staticmethod
    def resolve_kind_label(row: dict[str, Any]) -> str:
        return services.kind_label(row["entry_kind"])

    @staticmethod
    def resolve_town(row: dict[str, Any]) -> str:
        return row["entry_town"]

    @staticmethod
    def resolve_postcode(row: dict[str, Any]) -> str:
        return row["entry_postcode"]


class ContactOut(Schema):
    id: int | None
    source: str
    name: str
    role: str
    email: str
    phone: str
    address_line_1: str
    address_line_2: str
    town: str
    postcode: str


class OrganisationOut(Schema):
    source: str
    organisation_id: int | None
    central_key: str | None
    overridden: bool
    name: str
    kind: str
    kind_label: str
    email: str
    phone: str
    website: str
    address_line_1: str
    address_line_2: str
    town: str
    postcode: str
    notes: str
    contacts: list[ContactOut]


class OrganisationIn(Schema):
    name: str = ""
    kind: str = ""
    email: str = ""
    phone: str = ""
    website: str = ""
    address_line_1: str = ""
    address_line_2: str = ""
    town: str = ""
    postcode: str = ""
    notes: str = ""


class OrganisationChange(Schema):
    """Only the fields sent change."""

    name: str | None = None
    kind: str | None = None
    email: str | None = None
    phone: str | None = None
    website: str | None = None
    address_line_1: str | None = None
    address_line_2: str | None = None
    town: str | None = None
    postcode: str | None = None
    notes: str | None = None


class ContactIn(Schema):
    name: str = ""
    role: str = ""
    email: str = ""
    phone: str = ""
    address_line_1: str = ""
    address_line_2: str = ""
    town: str = ""
    postcode: str = ""


class ContactChange(Schema):
    """Only the fields sent change."""

    name: str | None = None
    role: str | None = None
    email: str | None = None
    phone: str | None = None
    address_line_1: str | None = None
    address_line_2: str | None = None
    town: str | None = None
    postcode: str | None = None


def unknown_central_entries_are_not_found(run: Callable[..., Any]) -> Callable[..., Any]:
    """404 for a made-up central key before the body is read, as for any unknown record."""

    @wraps(run)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        # Imported here: casewell.api mounts this router. A caller without a token
        # gets the API's 401 first.
        from casewell.api import personal_token

        if "central_key" in kwargs and personal_token(request) is not None:
            try:
                services.get_central_organisation(kwargs["central_key"])
            except Http404 as missing:
                return JsonResponse({"detail": str(missing)}, status=404)
        return run(request, *args, **kwargs)

    return checked


router.add_decorator(unknown_central_entries_are_not_found, mode="view")


KINDS = f"^({'|'.join(OrganisationKind.values)})?$"


def _contact(contact: Contact | CentralContact) -> dict[str, Any]:
    return {
        "id": contact.pk if isinstance(contact, Contact) else None,
        "source": "office" if isinstance(contact, Contact) else "central",
        **{name: getattr(contact, name) for name in ContactDetails.DETAIL_FIELDS},
    }


def _entry(entry: services.DirectoryEntry) -> dict[str, Any]:
    details = entry.details
    return {
        "source": "central" if entry.is_central else "office",
        "organisation_id": entry.organisation.pk if entry.organisation else None,
        "central_key": entry.central.key if entry.central else None,
        "overridden": entry.is_override,
        "kind_label": services.kind_label(details.kind),
        **{name: getattr(details, name) for name in OrganisationDetails.DETAIL_FIELDS},
        "contacts": [_contact(contact) for contact in entry.office_contacts]
        + [_contact(contact) for contact in entry.central_contacts],
    }


def _merged(record: Any, change: Schema, fields: tuple[str, ...]) -> dict[str, Any]:
    sent = change.dict(exclude_none=True)
    return {name: sent.get(name, getattr(record, name)) for name in fields}


@router.get(
    "",
    response={200: list[EntryOut], 422: FieldErrors},
    summary="The directory: central entries and the office's own, a page at a time",
)
@paginate(PageNumberPagination, page_size=50)
def directory(
    request: HttpRequest,
    name: str = Query("", description="every word must be in the name", max_length=200),
    kind: str = Query(
        "", description=f"only this kind: {', '.join(OrganisationKind.values)}", pattern=KINDS
    ),
) -> QuerySet[Any]:
    return services.find_in_directory(caller(request), name=name, kind=kind)


@router.get(
    "/central/{central_key}",
    response={200: OrganisationOut, 404: ApiError},
    summary="A central entry, with its contacts and the office's own contacts there",
)
def central_entry(request: HttpRequest, central_key: str) -> dict[str, Any]:
    return _entry(services.central_entry(caller(request), central_key))


@router.post(
    "/central/{central_key}/override",
    response={201: OrganisationOut, 403: ApiError, 404: ApiError},
    summary="Give the office its own copy of a central entry to change (managers)",
)
def override(request: HttpRequest, central_key: str) -> Status[dict[str, Any]]:
    user = caller(request)
    central = services.get_central_organisation(central_key)
    organisation = services.override_central_organisation(user, central)
    return Status(201, _entry(services.office_entry(user, organisation.pk, channel="api")))


@router.post(
    "/central/{central_key}/contacts",
    response={201: ContactOut, 403: ApiError, 404: ApiError, 422: FieldErrors},
    summary="Add the office's own contact at a central entry",
)
@refusals_named
def add_central_contact(
    request: HttpRequest, central_key: str, payload: ContactIn
) -> Status[dict[str, Any]]:
    central = services.get_central_organisation(central_key)
    contact = services.add_contact_at_central(caller(request), central, payload.dict())
    return Status(201, _contact(contact))


@router.post(
    "/organisations",
    response={201: OrganisationOut, 403: ApiError, 422: FieldErrors},
    summary="Add an organisation of the office's own (managers)",
)
@refusals_named
def add_organisation(request: HttpRequest, payload: OrganisationIn) -> Status[dict[str, Any]]:
    user = caller(request)
    organisation = services.add_organisation(user, payload.dict())
    return Status(201, _entry(services.office_entry(user, organisation.pk, channel="api")))


@router.get(
    "/organisations/{organisation_id}",
    response={200: OrganisationOut, 404: ApiError},
    summary="One of the office's organisations, with its contacts",
    url_name="directory_organisation",
)
def organisation(request: HttpRequest, organisation_id: int) -> dict[str, Any]:
    return _entry(services.office_entry(caller(request), organisation_id, channel="api"))


@router.patch(
    "/organisations/{organisation_id}",
    response={200: OrganisationOut, 403: ApiError, 404: ApiError, 422: FieldErrors},
    summary="Change the office's organisation or its override (managers)",
    # One URL, two methods: one name, so the URL resolves to either.
    url_name="directory_organisation",
)
@refusals_named
def change_organisation(
    request: HttpRequest, organisation_id: int, payload: OrganisationChange
) -> dict[str, Any]:
    user = caller(request)
    record = services.get_organisation_for(user, organisation_id, channel="api")
    values = _merged(record, payload, OrganisationDetails.DETAIL_FIELDS)
    services.change_organisation(user, record, values)
    return _entry(services.office_entry(user, record.pk, channel="api"))


@router.post(
    "/organisations/{organisation_id}/revert",
    response={200: OrganisationOut, 403: ApiError, 404: ApiError},
    summary="Drop the office's override: back to the central details (managers)",
)
def revert(request: HttpRequest, organisation_id: int) -> dict[str, Any]:
    user = caller(request)
    record = services.get_organisation_for(user, organisation_id, channel="api")
    services.revert_override(user, record)
    return _entry(services.office_entry(user, record.pk, channel="api"))


@router.post(
    "/organisations/{organisation_id}/contacts",
    response={201: ContactOut, 403: ApiError, 404: ApiError, 422: FieldErrors},
    summary="Add a contact at one of the office's organisations",
)
@refusals_named
def add_contact(
    request: HttpRequest, organisation_id: int, payload: ContactIn
) -> Status[dict[str, Any]]:
    user = caller(request)
    record = services.get_organisation_for(user, organisation_id, channel="api")
    return Status(201, _contact(services.add_contact(user, record, payload.dict())))


@router.get(
    "/contacts/{contact_id}",
    response={200: ContactOut, 404: ApiError},
    summary="One of the office's contacts",
    url_name="directory_contact",
)
def contact(request: HttpRequest, contact_id: int) -> dict[str, Any]:
    return _contact(services.get_contact_for(caller(request), contact_id, channel="api"))


@router.patch(
    "/contacts/{contact_id}",
    response={200: ContactOut, 403: ApiError, 404: ApiError, 422: FieldErrors},
    summary="Change one of the office's contacts",
    url_name="directory_contact",
)
@refusals_named
def change_contact(request: HttpRequest, contact_id: int, payload: ContactChange) -> dict[str, Any]:
    user = caller(request)
    record = services.get_contact_for(user, contact_id, channel="api")
    values = _merged(record, payload, ContactDetails.DETAIL_FIELDS)
    return _contact(services.change_contact(user, record, values))
