"""API routes for the caller, their office and its staff.

Thin, like the pages: look records up with ``get_for`` (the one permission
function), check roles with the same helpers, and let the services write.
Every call already runs inside the caller's office (see ``casewell.api``).
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from casewell.api_common import ApiError
from casewell.offices.models import Office, StaffRole, User
from casewell.offices.permissions import get_for, is_manager

router = Router(tags=["offices"])


class OfficeBrief(Schema):
    id: int
    name: str


class Me(Schema):
    id: int
    email: str
    full_name: str
    roles: list[str]
    office: OfficeBrief


class Vocabulary(Schema):
    person: str
    people: str
    member: str


class OfficeOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    nation: str
    nation_label: str
    time_zone: str
    vocabulary: Vocabulary


class StaffMember(Schema):
    id: int
    email: str
    full_name: str
    roles: list[str]
    is_active: bool
    is_locked: bool
    date_joined: datetime

    @staticmethod
    def resolve_roles(user: User) -> list[str]:
        # Prefetched when listing, so a page of staff costs no extra query per person.
        prefetched = getattr(user, "prefetched_roles", None)
        if prefetched is not None:
            return sorted(role.role for role in prefetched)
        return sorted(user.roles)


def _require_manager(user: User) -> None:
    if not is_manager(user):
        raise PermissionDenied("Only the office's managers and administrators may see its staff.")


@router.get("/me", response=Me, summary="The token holder")
def me(request: HttpRequest) -> Me:
    user: User = request.auth  # type: ignore[attr-defined]
    return Me(
        id=user.pk, email=user.email, full_name=user.full_name, roles=sorted(user.roles),
        office=OfficeBrief(id=user.office_id, name=user.office.name),
    )


@router.get("/office", response=OfficeOut, summary="The token holder's office")
def office(request: HttpRequest) -> OfficeOut:
    user: User = request.auth  # type: ignore[attr-defined]
    record = get_for(user, Office, user.office_id, channel="api")
    words = record.vocabulary
    return OfficeOut(
        id=record.pk, name=record.name, kind=record.kind, kind_label=record.get_kind_display(),
        nation=record.nation, nation_label=record.get_nation_display(), time_zone=record.time_zone,
        vocabulary=Vocabulary(person=words.person, people=words.people, member=words.member),
    )


@router.get(
    "/staff", response={200: list[StaffMember], 403: ApiError},
    summary="Everyone who works in the office (managers and administrators)",
)
@paginate(PageNumberPagination, page_size=50)
def staff(request: HttpRequest) -> QuerySet[User]:
    user: User = request.auth  # type: ignore[attr-defined]
    _require_manager(user)
    roles = Prefetch("staff_roles", queryset=StaffRole.objects.all(), to_attr="prefetched_roles")
    return (
        User.objects.filter(office_id=user.office_id)
        .prefetch_related(roles)
        .order_by("full_name", "id")
    )


@router.get(
    "/staff/{user_id}", response={200: StaffMember, 403: ApiError, 404: ApiError},
    summary="One member of staff (managers and administrators)",
)
def staff_member(request: HttpRequest, user_id: int) -> User:
    user: User = request.auth  # type: ignore[attr-defined]
    _require_manager(user)
    return get_for(user, User, user_id, channel="api")
