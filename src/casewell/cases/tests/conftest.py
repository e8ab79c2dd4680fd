"""North's case machinery, for the cases tests."""

from __future__ import annotations

import pytest

from casewell.cases.models import CaseStatus, Category
from casewell.offices.tenancy import bind_office
from casewell.people.models import Person


class NorthCases:
    """Handy lookups in North's default categories and workflow."""

    def __init__(self, cast):
        self.cast = cast
        with bind_office(cast.north):
            self.statuses = {status.name: status for status in CaseStatus.objects.all()}
            self.housing = Category.objects.get(name="Housing", parent=None)
            self.homelessness = Category.objects.get(name="Homelessness", parent=self.housing)
            self.benefits = Category.objects.get(name="Benefits", parent=None)
            self.universal_credit = Category.objects.get(
                name="Universal Credit", parent=self.benefits
            )
            self.harriet = Person.objects.create(first_name="Harriet", last_name="Walsh")
            self.omar = Person.objects.create(first_name="Omar", last_name="Siddiqui")

    def status(self, name: str) -> CaseStatus:
        return self.statuses[name]


@pytest.fixture
def north_cases(cast) -> NorthCases:
    return NorthCases(cast)
