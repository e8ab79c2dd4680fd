"""A North case (and a South one) with a timeline to work on."""

from __future__ import annotations

import pytest

from casewell.cases.models import Category
from casewell.cases.services import open_case
from casewell.offices.tenancy import bind_office


@pytest.fixture(autouse=True)
def _files_in_a_folder_of_their_own(data_folder):
    """Every test here stores files: each in its own folder (the shared data_folder)."""


def open_a_case(user, summary: str = "Housing repairs outstanding"):
    with bind_office(user.office):
        category = Category.objects.filter(parent=None).order_by("pk").first()
    return open_case(user, summary=summary, category=category, assignee=user)


@pytest.fixture
def case(cast):
    """North's case about Harriet's housing, assigned to Ada."""
    return open_a_case(cast.ada)


@pytest.fixture
def south_case(cast):
    return open_a_case(cast.cleo, "Debt advice")
