"""What each role sees first. Panels are honest: empty ones say so."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse

from casewell.offices.models import Role, User


@dataclass(frozen=True)
class Panel:
    title: str
    empty_message: str
    items: list[str] = field(default_factory=list)
    link_text: str = ""
    link_url: str = ""


def panels_for(user: User) -> list[Panel]:
    people = user.office.vocabulary.people
    panels: list[Panel] = []
    if user.has_role(Role.CASEWORKER, Role.MANAGER, Role.INTERN):
        panels.append(Panel("My cases", "No cases yet."))
        panels.append(Panel("Shared inbox", "No messages waiting."))
    if user.has_role(Role.MANAGER):
        panels.append(Panel("Team workload", "No cases are assigned to anyone yet."))
    if user.has_role(Role.MEMBER):
        panels.append(Panel("Letters awaiting your approval", "No letters are waiting for you."))
        panels.append(Panel("This month's casework", f"No cases for {people} opened yet."))
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
