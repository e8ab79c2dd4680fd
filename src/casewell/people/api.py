"""API routes for the people an office works for.

Each call runs inside the caller's office (see ``casewell.api``): the list
comes from the office-scoped manager, and one person is looked up with
``get_for``, the same permission check the pages use.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from casewell.offices.models import User
from casewell.offices.permissions import get_for
from casewell.people.models import Person

router = Router(tags=["people"])


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
    address_line_1: str
    address_line_2: str
    town: str
    postcode: str
    created_at: datetime
    updated_at: datetime


class ApiError(Schema):
    detail: str


@router.get("", response=list[PersonOut], summary="The office's people, a page at a time")
@paginate(PageNumberPagination, page_size=50)
def people(request: HttpRequest) -> QuerySet[Person]:
    return Person.objects.order_by("last_name", "first_name", "id")


@router.get(
    "/{person_id}", response={200: PersonOut, 404: ApiError}, summary="One person",
)
def person(request: HttpRequest, person_id: int) -> Person:
    user: User = request.auth  # type: ignore[attr-defined]
    return get_for(user, Person, person_id, channel="api")
