"""A North case (and a South one) with a timeline to work on."""

from __future__ import annotations

import pytest

from casewell.cases.models import Category
from casewell.cases.services import open_case
from casewell.offices.tenancy import bind_office


@pytest.fixture(autouse=True)
def data_folder(settings, tmp_path):
    """Each test keeps its encrypted files in a folder of its own."""
    settings.DATA_DIR = tmp_path
    return tmp_path


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
