"""Cases and people for the huddle and supervision tests, made through the services."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from casewell.cases.categories import add_category
from casewell.cases.models import Category
from casewell.cases.services import open_case
from casewell.offices.models import User
from casewell.offices.tenancy import bind_office
from casewell.people.models import Person


def person(user: User, first: str, last: str) -> Person:
    with bind_office(user.office, actor=user):
        return Person.objects.create(first_name=first, last_name=last)


def category(user: User, name: str | None = None) -> Category:
    with bind_office(user.office):
        tops = Category.objects.filter(parent=None).order_by("position", "id")
        if name is None:
            return tops.exclude(name__icontains="safeguard").first()
        found = Category.objects.filter(name=name, parent=None).first()
        admin = User.objects.filter(
            office_id=user.office_id, staff_roles__role="administrator"
        ).first()
    return found if found is not None else add_category(admin, name)


def a_case(user: User, summary: str, *, people=(), priority: int = 2, category_name=None):
    return open_case(
        user, summary=summary, category=category(user, category_name), people=list(people),
        priority=priority,
    )  # fmt: skip


def review_date():
    return timezone.localdate() + timedelta(days=90)
