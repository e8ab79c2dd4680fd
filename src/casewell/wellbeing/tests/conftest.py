"""Items to assess: a North case with a timeline, and mail arriving in North's inbox."""

from __future__ import annotations

import pytest

from casewell.cases.models import Category
from casewell.cases.services import open_case
from casewell.inbox import services as inbox_services
from casewell.inbox.models import Message
from casewell.inbox.tests.mail import simple
from casewell.offices.tenancy import bind_office
from casewell.wellbeing.tests.workload_cases import caseload  # noqa: F401 - workload's fixture


@pytest.fixture(autouse=True)
def _files_in_a_folder_of_their_own(data_folder):
    """Mail and documents store files: each test in its own folder."""


def open_a_case(user, summary: str = "Housing repairs outstanding"):
    with bind_office(user.office):
        category = Category.objects.filter(parent=None).order_by("pk").first()
    return open_case(user, summary=summary, category=category, assignee=user)


def receive(office, *, subject: str = "Housing repair", body: str) -> Message:
    stored = inbox_services.receive_raw(office, simple(subject=subject, body=body), door="smtp")
    inbox_services.read_raw_message(stored.pk)
    with bind_office(office):
        return Message.objects.get(raw=stored)


@pytest.fixture
def case(cast):
    return open_a_case(cast.ada)
