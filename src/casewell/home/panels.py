"""What each role sees first. Panels are honest: empty ones say so."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse

from casewell.cases import services as case_services
from casewell.offices.models import Role, User
from casewell.safety import support as safety_support


@dataclass(frozen=True)
class Panel:
    title: str
    empty_message: str
    items: list[str] = field(default_factory=list)
    link_text: str = ""
    link_url: str = ""


def _cases(number: int) -> str:
    return f"{number} case{'s' if number != 1 else ''}"


def my_cases_panel(user: User) -> Panel:
    """How many open cases are the person's, and how many of those are overdue."""
    counts = case_services.case_counts(user, mine=True, state="open")
    if not counts["total"]:
        return Panel(
            "My cases", "No cases yet.", link_text="Open a case", link_url=reverse("cases:open")
        )
    items = [f"{counts['total']} open"]
    if counts["overdue"]:
        items.append(f"{counts['overdue']} overdue")
    return Panel("My cases", "", items, "Go to my cases", reverse("cases:mine"))


def team_workload_panel(user: User) -> Panel:
    """Each member of staff's open cases, most first: who has room for more."""
    open_by_assignee = case_services.case_counts(user, state="open")["assignee"]
    assigned = {pk: n for pk, n in open_by_assignee.items() if pk is not None and n}
    if not assigned:
        return Panel("Team workload", "No cases are assigned to anyone yet.")
    names = dict(User.objects.filter(pk__in=assigned).values_list("pk", "full_name"))
    rows = sorted(assigned.items(), key=lambda row: (-row[1], names.get(row[0], "")))
    items = [f"{names.get(pk, 'Someone')}: {_cases(number)} open" for pk, number in rows]
    unassigned = open_by_assignee.get(None, 0)
    if unassigned:
        items.append(f"Nobody: {_cases(unassigned)} waiting to be assigned")
    return Panel("Team workload", "", items, "Go to all cases", reverse("cases:list"))


def this_months_casework_panel(user: User) -> Panel:
    people = user.office.vocabulary.people
    today = case_services.office_today(user.office)
    opened = (
        case_services.find_cases(user)
        .filter(opened_at__date__gte=today.replace(day=1))
        .order_by()
        .count()
    )
    if not opened:
        return Panel("This month's casework", f"No cases for {people} opened yet.")
    return Panel(
        "This month's casework",
        "",
        [f"{_cases(opened)} opened this month"],
        "Go to all cases",
        reverse("cases:list"),
    )


def support_panel(user: User) -> Panel | None:
    """For staff an incident was aimed at lately: where they can turn (safety's list)."""
    if not safety_support.is_recently_targeted(user):
        return None
    items = [f"{option.name}: {option.how_to_reach}" for option in safety_support.support_for(user)]
    return Panel("Support for you", "", items, "Your incidents", reverse("safety:incidents"))


def panels_for(user: User) -> list[Panel]:
    panels: list[Panel] = []
    support = support_panel(user)
    if support is not None:
        panels.append(support)
    if user.has_role(Role.CASEWORKER, Role.MANAGER, Role.INTERN):
        panels.append(my_cases_panel(user))
        panels.append(Panel("Shared inbox", "No messages waiting."))
    if user.has_role(Role.MANAGER):
        panels.append(team_workload_panel(user))
    if user.has_role(Role.MEMBER):
        panels.append(Panel("Letters awaiting your approval", "No letters are waiting for you."))
        panels.append(this_months_casework_panel(user))
    if user.has_role(Role.INTERN):
        panels.append(Panel("Your induction", "Your manager has not set up your induction yet."))
    if user.has_role(Role.WELLBEING_CHAMPION):
        panels.append(Panel("Wellbeing hub", "No events or resources yet."))
    if user.has_role(Role.ADMINISTRATOR):
        panels.append(
            Panel(
                "Office settings",
                "Manage staff, roles and the audit trail.",
                link_text="Go to office settings",
                link_url=reverse("office:staff"),
            )
        )
    if not panels:
        panels.append(
            Panel("Welcome", "You have no role in this office yet. Ask an administrator.")
        )
    return panels
