"""API routes for the people an office works for.

Each call runs inside the caller's office (see ``casewell.api``): the list
comes from ``find_people``, the same search the pages use, and one person is
looked up with ``get_for``, the one permission check (marked as an API read).
"""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from casewell.offices.models import User
from casewell.offices.permissions import get_for
from casewell.people.models import Person
from casewell.people.services import find_people

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
def people(
    request: HttpRequest,
    name: str = Query("", description="every word must be in the name", max_length=200),
    postcode: str = Query("", description="the start of the postcode", max_length=10),
) -> QuerySet[Person]:
    return find_people(request.auth, name=name, postcode=postcode)  # type: ignore[attr-defined]


@router.get(
    "/{person_id}",
    response={200: PersonOut, 404: ApiError},
    summary="One person",
)
def person(request: HttpRequest, person_id: int) -> Person:
    user: User = request.auth  # type: ignore[attr-defined]
    return get_for(user, Person, person_id, channel="api")
