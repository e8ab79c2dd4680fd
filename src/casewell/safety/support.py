"""Support for staff who have been targeted: a list the office keeps (managers edit it),
shown on the incident page to those it was aimed at and on their home page.

Until the wellbeing hub's signposting exists this list is the source. An office that has
not set its own starts with ``DEFAULT_SUPPORT``; one that removes every entry gets the
defaults back, so a targeted member of staff is never shown nowhere to turn.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from casewell.offices.models import User
from casewell.offices.permissions import get_for, is_manager
from casewell.offices.tenancy import bind_office
from casewell.safety.models import Incident, SupportOption

# How long after an incident its targets see support on their home page.
RECENT = timedelta(days=180)

DEFAULT_SUPPORT = [
    (
        "Your manager",
        "In person or by phone, the same day",
        "Tell them how it has left you. They can route this person's contact to someone "
        "else, arrange a colleague to go with you, or give you time away from the case.",
    ),
    (
        "Your employer's assistance programme",
        "The number is in your staff handbook or on the office intranet",
        "Free, confidential counselling and advice, usually open day and night.",
    ),
    (
        "The police",
        "999 if you are in danger now; 101 otherwise",
        "Threats, stalking and harassment are crimes. The incident's police reference "
        "goes on the incident page once you have one.",
    ),
    (
        "Samaritans",
        "Call 116 123, free, at any time",
        "Someone to talk to about how you are feeling, whatever it is.",
    ),
    (
        "Your union or staff association",
        "Your representative, or the union's helpline",
        "Advice on your rights and on what your employer should do to keep you safe.",
    ),
]


def support_options(office_id: int) -> list[SupportOption]:
    """The office's list, with the defaults the first time. Requires the office bound."""
    with transaction.atomic():
        found = list(SupportOption.objects.all())
        if not found:
            found = [
                SupportOption.objects.create(
                    office_id=office_id, name=name, how_to_reach=reach, notes=notes, position=n
                )
                for n, (name, reach, notes) in enumerate(DEFAULT_SUPPORT)
            ]
    return found


def support_for(user: User) -> list[SupportOption]:
    with bind_office(user.office, actor=user):
        return support_options(user.office_id)


def is_recently_targeted(user: User) -> bool:
    """Whether an incident in the last six months was aimed at the user."""
    since = timezone.localdate() - RECENT
    with bind_office(user.office, actor=user):
        return Incident.objects.filter(targeted=user, happened_on__gte=since).exists()


def get_support_option_for(user: User, supportoption_id: Any) -> SupportOption:
    return get_for(user, SupportOption, supportoption_id)


def _checked(name: str, how_to_reach: str, notes: str) -> dict[str, str]:
    problems = {}
    if not name.strip():
        problems["name"] = "Enter the name of the service or person"
    if not how_to_reach.strip():
        problems["how_to_reach"] = "Say how to reach them"
    if problems:
        raise ValidationError(problems)
    return {
        "name": name.strip()[:200],
        "how_to_reach": how_to_reach.strip()[:300],
        "notes": notes.strip(),
    }


def _require_manager(user: User) -> None:
    if not is_manager(user):
        raise PermissionDenied("Only managers can change the support list.")


def add_support_option(
    manager: User, *, name: str, how_to_reach: str, notes: str = ""
) -> SupportOption:
    """Add a place to turn to the end of the list. Requires a manager. Causes an audit entry."""
    _require_manager(manager)
    values = _checked(name, how_to_reach, notes)
    with bind_office(manager.office, actor=manager), transaction.atomic():
        last = support_options(manager.office_id)[-1].position
        return SupportOption.objects.create(position=last + 1, **values)


def change_support_option(
    manager: User, option: SupportOption, *, name: str, how_to_reach: str, notes: str = ""
) -> SupportOption:
    """Reword one entry. Requires a manager. Causes an audit entry."""
    _require_manager(manager)
    values = _checked(name, how_to_reach, notes)
    with bind_office(manager.office, actor=manager), transaction.atomic():
        for field, value in values.items():
            setattr(option, field, value)
        option.save(update_fields=list(values))
    return option


def remove_support_option(manager: User, option: SupportOption) -> None:
    """Take one entry off the list. Requires a manager. Causes an audit entry."""
    _require_manager(manager)
    with bind_office(manager.office, actor=manager), transaction.atomic():
        option.delete()
