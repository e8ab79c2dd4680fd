"""People every people test can use: Harriet, a North constituent with full contact details."""

from __future__ import annotations

from datetime import date

import pytest

from casewell.offices.tenancy import bind_office
from casewell.people.models import Person
from casewell.people.services import PersonDetails, create_person


def add_person(user, **details) -> Person:
    """A person made the usual way, through ``create_person``."""
    details.setdefault("first_name", "Harriet")
    details.setdefault("last_name", "Walsh")
    return create_person(user, PersonDetails(**details))


@pytest.fixture
def harriet(cast) -> Person:
    return add_person(
        cast.ada,
        title="Ms",
        date_of_birth=date(1961, 4, 2),
        address_line_1="1 Park Row",
        town="Leeds",
        postcode="ls1 4dy",
        phone="07811 123456",
        email="Harriet.Walsh@example.org",
        preferred_contact="email",
        vulnerability_note="Recently bereaved; prefers morning calls.",
    )


@pytest.fixture
def bound_north(cast):
    with bind_office(cast.north, actor=cast.ada):
        yield cast.north
