"""Everything one case's page shows, gathered with a fixed number of queries.

However many people, organisations, related cases or timeline entries a case
has, the page costs the same queries: each kind of thing is read in one go.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.http import HttpRequest
from django.template import TemplateDoesNotExist
from django.template.loader import select_template

from casewell.cases import services
from casewell.cases.models import Case, CasePerson
from casewell.cases.working_days import working_days_between
from casewell.people import consent

TIMELINE_TEMPLATE = "timeline/_timeline.html"


@dataclass(frozen=True)
class DueDate:
    """A date with the working-day reckoning that matters to the caseworker."""

    day: date
    working_days: int  # from today; negative once it has passed
    closed: bool

    @property
    def reckoning(self) -> str:
        if self.closed:
            return ""
        days = self.working_days
        if days == 0:
            return "today"
        if days > 0:
            return f"in {days} working day{'s' if days != 1 else ''}"
        return f"{-days} working day{'s' if days != -1 else ''} ago"

    @property
    def is_late(self) -> bool:
        return not self.closed and self.working_days < 0


def reckon(day: date | None, case: Case, today: date) -> DueDate | None:
    if day is None:
        return None
    return DueDate(day, working_days_between(today, day, case.office.nation), case.is_closed)


@dataclass(frozen=True)
class Party:
    """A person on the case, their part in it, and whether the office holds their permission."""

    row: CasePerson
    permission: Any  # people's PermissionStatus, or None while it is not known


def timeline_template() -> str | None:
    """The timeline app's panel for the case page (it reads its own filters from the request)."""
    try:
        select_template([TIMELINE_TEMPLATE])
    except TemplateDoesNotExist:
        return None
    return TIMELINE_TEMPLATE


def case_page_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    user = request.user
    today = services.office_today(user.office)
    parties = list(services.parties_of(case))
    statuses = consent.permission_statuses([party.person for party in parties])
    restricted_to = (
        list(case.restricted_to.order_by("full_name", "id")) if case.is_restricted else []
    )
    return {
        "case": case,
        "due": reckon(case.due_date, case, today),
        "follow_up": reckon(case.follow_up_date, case, today),
        "parties": [Party(party, statuses.get(party.person_id)) for party in parties],
        "organisations": list(services.organisations_of(case)),
        "related": list(services.related_cases_of(user, case)),
        "tags": list(case.tags.order_by("name", "id")),
        "restricted_to": restricted_to,
        "next_statuses": services.allowed_next_statuses(case),
        "may_change": services.may_change(user, case),
        "may_assign": services.may_change(user, case) and not services.is_intern_only(user),
        "may_restrict": services.may_restrict(user, case),
        "timeline_template": timeline_template(),
    }
