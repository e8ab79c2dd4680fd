"""Cases to carry, for the workload tests: `from ...workload_cases import caseload`."""

from __future__ import annotations

from datetime import date

import pytest

from casewell.cases.models import Case, Category
from casewell.cases.services import open_case
from casewell.offices.tenancy import bind_office


class Caseload:
    """Opens North cases assigned to someone, with a complexity, a due date or a distress."""

    def __init__(self, cast):
        self.cast = cast
        with bind_office(cast.north):
            self.housing = Category.objects.get(name="Housing", parent=None)

    def open(
        self,
        assignee,
        *,
        summary: str = "Damp in the flat",
        complexity: int | None = None,
        due: date | None = None,
        distress: int | None = None,
    ) -> Case:
        case = open_case(
            self.cast.ben,
            summary=summary,
            category=self.housing,
            assignee=assignee,
            complexity=complexity,
        )
        if due is not None:
            # A due date in the past cannot be set through the form: it is set here directly.
            with bind_office(self.cast.north):
                Case.objects.filter(pk=case.pk).update(due_date=due)
            case.due_date = due
        if distress is not None:
            from casewell.wellbeing.workload import set_case_workload

            set_case_workload(
                self.cast.ben, case, complexity=complexity, distress=distress, reason="Test case"
            )
        return case


@pytest.fixture
def caseload(cast) -> Caseload:
    return Caseload(cast)
