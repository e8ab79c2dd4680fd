"""API routes for cases: the same service functions as the pages, the same permission checks.

Every call runs inside the token holder's office (see ``casewell.api``). A case
is looked up with ``get_case_for`` (404 for another office's case and for a
restricted one the caller may not see). Bad input answers 422 with
``{"detail": "...", "errors": {"field": ["message", ...]}}`` naming each bad
field, whether the request's shape was wrong or a service refused a value.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from typing import Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, JsonResponse
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from casewell.api_common import ApiError, FieldErrors, caller, refusals_named
from casewell.cases import services
from casewell.cases.models import (
    Case,
    CaseStatus,
    Category,
    OrganisationRole,
    PartyRole,
    Priority,
    Tag,
)
from casewell.offices.models import User

router = Router(tags=["cases"])


def unseen_cases_are_not_found(run: Callable[..., Any]) -> Callable[..., Any]:
    """Answer 404 for a case the caller may not see before the request body is even read.

    So another office's (or a restricted) case id gets the same 404 whatever is sent
    with it, never a 400 or 422 that would show the route took the id seriously.
    Applied to the whole router in "view" mode; other routers naming a case can use it.
    """

    @wraps(run)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        # Imported here: casewell.api mounts this router. Router decorators wrap the
        # API's own, so the token is read here first (it is looked up once per request).
        from casewell.api import personal_token

        user = personal_token(request) if "case_id" in kwargs else None
        if user is not None:
            try:
                services.get_case_for(user, kwargs["case_id"], channel="api")
            except Http404:
                return JsonResponse({"detail": "No case found."}, status=404)
        return run(request, *args, **kwargs)

    return checked


router.add_decorator(unseen_cases_are_not_found, mode="view")


# --- Shapes ----------------------------------------------------------------------------


class Named(Schema):
    id: int
    name: str


class StaffBrief(Schema):
    id: int
    full_name: str


class StatusOut(Schema):
    id: int
    name: str
    is_closed: bool


class PartyOut(Schema):
    person_id: int
    name: str
    role: str
    role_label: str
    note: str


class OrganisationPartyOut(Schema):
    organisation_id: int
    name: str
    role: str
    role_label: str
    note: str


class CaseFields(Schema):
    id: int
    reference: str
    summary: str
    category: Named
    subcategory: Named | None
    status: StatusOut
    priority: str
    complexity: int | None
    assignee: StaffBrief | None
    team: Named | None
    tags: list[Named]
    people: list[PartyOut]
    is_restricted: bool
    opened_at: datetime
    closed_at: datetime | None
    due_date: date | None
    follow_up_date: date | None
    updated_at: datetime


class CaseOut(CaseFields):
    """A case in a list: read from the case, its prefetched tags and people."""

    @staticmethod
    def resolve_priority(case: Case) -> str:
        return Priority(case.priority).label.lower()

    @staticmethod
    def resolve_tags(case: Case) -> list[Tag]:
        return list(case.tags.all())

    @staticmethod
    def resolve_people(case: Case) -> list[dict[str, Any]]:
        return [
            {
                "person_id": party.person_id,
                "name": party.person.display_name,
                "role": party.role,
                "role_label": party.get_role_display(),
                "note": party.note,
            }
            for party in case.parties.all()
        ]


class CaseDetail(CaseFields):
    """One case, with its organisations, related cases, next statuses and restriction."""

    organisations: list[OrganisationPartyOut]
    related: list[Named]
    next_statuses: list[StatusOut]
    restricted_to: list[StaffBrief]


class CaseIn(Schema):
    summary: str
    category: int
    subcategory: int | None = None
    people: list[int] = []
    priority: str = "normal"
    complexity: int | None = None
    assignee: int | None = None
    team: int | None = None
    tags: list[int] = []
    due_date: str | None = None
    due_in_working_days: int | None = None
    follow_up_date: str | None = None
    follow_up_in_working_days: int | None = None


class CaseChanges(Schema):
    summary: str | None = None
    category: int | None = None
    subcategory: int | None = None
    priority: str | None = None
    complexity: int | None = None
    due_date: str | None = None
    due_in_working_days: int | None = None
    follow_up_date: str | None = None
    follow_up_in_working_days: int | None = None


class StatusChange(Schema):
    status: int
    note: str = ""


class Assignment(Schema):
    assignee: int | None = None
    team: int | None = None


class Tagging(Schema):
    tag: int


class TagIn(Schema):
    name: str


class PartyIn(Schema):
    person: int
    role: str = PartyRole.SUBJECT
    note: str = ""


class OrganisationIn(Schema):
    organisation: int | None = None
    central: int | None = None
    role: str = OrganisationRole.RESPONSIBLE
    note: str = ""


class Relation(Schema):
    case: int


class Restriction(Schema):
    staff: list[int]


class BulkIn(Schema):
    action: Literal["assign", "tag", "close"]
    cases: list[int]
    assignee: int | None = None
    team: int | None = None  # left out: each case keeps its team; null: no team
    tag: int | None = None
    note: str = ""


class Refusal(Schema):
    case: int | str
    reason: str


class BulkOut(Schema):
    done: int
    refused: list[Refusal]


class CaseFilters(Schema):
    status: list[int] = []
    state: Literal["open", "closed"] | None = None
    category: list[int] = []
    assignee: list[str] = []
    tag: list[int] = []
    priority: list[str] = []
    overdue: bool | None = None
    team: list[int] = []
    mine: bool = False
    my_teams: bool = False
    text: str = ""
    sort: str = "-opened_at"


class CategoryOut(Schema):
    id: int
    name: str
    parent_id: int | None
    retired: bool


class WorkflowStatusOut(Schema):
    id: int
    name: str
    is_initial: bool
    is_closed: bool
    next: list[int]


# --- Helpers ---------------------------------------------------------------------------


def _detail(user: User, case: Case) -> dict[str, Any]:
    case = services.find_cases(user).get(pk=case.pk)
    out = CaseOut.from_orm(case).dict()
    out["organisations"] = [
        {
            "organisation_id": party.organisation_id,
            "name": party.organisation.name,
            "role": party.role,
            "role_label": party.get_role_display(),
            "note": party.note,
        }
        for party in services.organisations_of(case)
    ]
    out["related"] = [
        {"id": other.pk, "name": f"{other.reference}: {other.summary}"}
        for other in services.related_cases_of(user, case)
    ]
    out["next_statuses"] = [
        {"id": status.pk, "name": status.name, "is_closed": status.is_closed}
        for status in services.allowed_next_statuses(case)
    ]
    out["restricted_to"] = [
        {"id": staff.pk, "full_name": staff.full_name}
        for staff in User.objects.filter(case_restrictions__case=case).order_by("full_name")
    ]
    return out


CASE_RESPONSES = {200: CaseDetail, 403: ApiError, 404: ApiError, 422: FieldErrors}


# --- The office's categories, workflow and tags (for choosing ids) -----------------------


@router.get("/categories", response=list[CategoryOut], summary="The office's category tree")
def categories(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"id": c.pk, "name": c.name, "parent_id": c.parent_id, "retired": c.is_retired}
        for c in Category.objects.order_by("parent_id", "position", "name")
    ]


@router.get("/statuses", response=list[WorkflowStatusOut], summary="The office's workflow")
def statuses(request: HttpRequest) -> list[dict[str, Any]]:
    rows = CaseStatus.objects.filter(retired_at__isnull=True).prefetch_related("next_statuses")
    return [
        {
            "id": s.pk,
            "name": s.name,
            "is_initial": s.is_initial,
            "is_closed": s.is_closed,
            "next": [n.pk for n in s.next_statuses.all()],
        }
        for s in rows
    ]


@router.get("/tags", response=list[Named], summary="The office's tags", url_name="tags")
def tags(request: HttpRequest) -> QuerySet[Tag]:
    return Tag.objects.order_by("name")


@router.post(
    "/tags",
    response={201: Named, 403: ApiError, 422: FieldErrors},
    summary="Add a tag",
    url_name="tags",  # one name per path: the URL is the same whatever the method
)
@refusals_named
def add_tag(request: HttpRequest, payload: TagIn) -> Any:
    return Status(201, services.create_tag(caller(request), payload.name))


# --- Cases -----------------------------------------------------------------------------


@router.get(
    "",
    response={200: list[CaseOut], 422: FieldErrors},
    summary="The cases the caller may see, filtered, a page at a time",
    url_name="cases",
)
@refusals_named
@paginate(PageNumberPagination, page_size=50)
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> QuerySet[Case]:
    return services.find_cases(caller(request), **filters.dict())


@router.get(
    "/counts",
    response={200: dict[str, Any], 422: FieldErrors},
    summary="How many cases each filter option would find",
)
@refusals_named
def counts(request: HttpRequest, filters: Query[CaseFilters]) -> dict[str, Any]:
    found = services.case_counts(caller(request), **filters.dict())
    # JSON keys are strings; "none" counts cases with no assignee or team.
    return {
        name: (
            {("none" if key is None else str(key)): n for key, n in value.items()}
            if isinstance(value, dict)
            else value
        )
        for name, value in found.items()
    }


@router.post(
    "/bulk",
    response={200: BulkOut, 403: ApiError, 422: FieldErrors},
    summary="Assign, tag or close many cases; each is checked on its own",
)
@refusals_named
def bulk(request: HttpRequest, payload: BulkIn) -> Any:
    user = caller(request)
    if payload.action == "assign":
        team = payload.team if "team" in payload.model_fields_set else services.KEEP_TEAM
        result = services.bulk_assign(user, payload.cases, payload.assignee, team)
    elif payload.action == "tag":
        if payload.tag is None:
            raise DjangoValidationError({"tag": "Choose the tag to put on the cases."})
        result = services.bulk_tag(user, payload.cases, payload.tag)
    else:
        result = services.bulk_close(user, payload.cases, note=payload.note)
    return {
        "done": result.done,
        "refused": [{"case": pk, "reason": reason} for pk, reason in result.refused],
    }


@router.post(
    "",
    response={201: CaseDetail, 403: ApiError, 422: FieldErrors},
    summary="Open a case",
    url_name="cases",
)
@refusals_named
def open_case(request: HttpRequest, payload: CaseIn) -> Any:
    user = caller(request)
    case = services.open_case(user, **payload.dict())
    return Status(201, _detail(user, case))


@router.get("/{case_id}", response=CASE_RESPONSES, summary="One case", url_name="case")
def get_case(request: HttpRequest, case_id: int) -> Any:
    user = caller(request)
    return _detail(user, services.get_case_for(user, case_id, channel="api"))


@router.patch(
    "/{case_id}", response=CASE_RESPONSES, summary="Change a case's details", url_name="case"
)
@refusals_named
def update_case(request: HttpRequest, case_id: int, payload: CaseChanges) -> Any:
    user = caller(request)
    case = services.get_case_for(user, case_id, channel="api")
    changes = payload.dict(exclude_unset=True)
    case = services.update_case(user, case, **changes)
    return _detail(user, case)


@router.post("/{case_id}/status", response=CASE_RESPONSES, summary="Move a case to a status")
@refusals_named
def change_status(request: HttpRequest, case_id: int, payload: StatusChange) -> Any:
    user = caller(request)
    case = services.get_case_for(user, case_id, channel="api")
    return _detail(user, services.change_status(user, case, payload.status, note=payload.note))


@router.post("/{case_id}/assign", response=CASE_RESPONSES, summary="Assign a case")
@refusals_named
def assign(request: HttpRequest, case_id: int, payload: Assignment) -> Any:
    user = caller(request)
    case = services.get_case_for(user, case_id, channel="api")
    return _detail(user, services.assign_case(user, case, payload.assignee, payload.team))


@router.post("/{case_id}/tags", response=CASE_RESPONSES, summary="Tag a case")
@refusals_named
def tag(request: HttpRequest, case_id: int, payload: Tagging) -> Any:
    user = caller(request)
    case = services.get_case_for(user, case_id, channel="api")
    return _detail(user, services.tag_case(user, case, payload.tag))


@router.delete("/{case_id}/tags/{tag_id}", response=CASE_RESPONSES, summary="Untag a case")
@refusals_named
def untag(request: HttpRequest, case_id: int, tag_id: int) -> Any:
    user = caller(request)
    case = services.get_case_for(user, case_id, channel="api")
    return _detail(user, services.untag_case(user, case, tag_id))


@router.post("/{case_id}/people", response=CASE_RESPONSES, summary="Add a person to a case")
@refusals_named
def add_person(request: HttpRequest, case_id: int, payload: PartyIn) -> Any:
    user = caller(request)
    case = services.get_case_for(user, case_id, channel="api")
    services.add_party(user, case, payload.person, role=payload.role, note=payload.note)
    return _detail(user, case)


@router.delete(
    "/{case_id}/people/{person_id}", response=CASE_RESPONSES, summary="Take a person off a case"
)
@refusals_named
def remove_person(request: HttpRequest, case_id: int, person_id: int) -> Any:
    user = caller(request)
    case = services.get_case_for(user, case_id, channel="api")
    services.remove_party(user, case, person_id)
    return _detail(user, case)


@router.post(
    "/{case_id}/organisations", response=CASE_RESPONSES, summary="Add an organisation to a case"
)
@refusals_named
def add_organisation(request: HttpRequest, case_id: int, payload: OrganisationIn) -> Any:
    user = caller(request)
    case = services.get_case_for(user, case_id, channel="api")
    services.add_organisation(
        user,
        case,
        organisation=payload.organisation,
        central_id=payload.central,
        role=payload.role,
        note=payload.note,
    )
    return _detail(user, case)


@router.delete(
    "/{case_id}/organisations/{organisation_id}",
    response=CASE_RESPONSES,
    summary="Take an organisation off a case",
)
@refusals_named
def remove_organisation(request: HttpRequest, case_id: int, organisation_id: int) -> Any:
    user = caller(request)
    case = services.get_case_for(user, case_id, channel="api")
    services.remove_organisation(user, case, organisation_id)
    return _detail(user, case)


@router.post("/{case_id}/related", response=CASE_RESPONSES, summary="Relate two cases")
@refusals_named
def relate(request: HttpRequest, case_id: int, payload: Relation) -> Any:
    user = caller(request)
    case = services.get_case_for(user, case_id, channel="api")
    services.relate_cases(user, case, payload.case)
    return _detail(user, case)


@router.post("/{case_id}/unrelated", response=CASE_RESPONSES, summary="Unrelate two cases")
@refusals_named
def unrelate(request: HttpRequest, case_id: int, payload: Relation) -> Any:
    user = caller(request)
    case = services.get_case_for(user, case_id, channel="api")
    services.unrelate_cases(user, case, payload.case)
    return _detail(user, case)


@router.post(
    "/{case_id}/restriction",
    response=CASE_RESPONSES,
    summary="Restrict a case to named staff (an empty list lifts it)",
)
@refusals_named
def restrict(request: HttpRequest, case_id: int, payload: Restriction) -> Any:
    user = caller(request)
    case = services.get_case_for(user, case_id, channel="api")
    return _detail(user, services.restrict_case(user, case, payload.staff))
