"""A designated handler: a manager routes all of one person's contact to one named member of
staff (someone who harasses a particular caseworker, say, or needs one steady voice).

Their calls and mail are the handler's: the inbox calls ``designated_handler_for(person)``
to assign each message from them, and the timeline calls ``hand_call_to_handler`` when an
incoming call is logged on a case of theirs, which hands the case to the handler.
Everyone else sees "Handled by <name>" in place of the content of those cases'
timelines; managers and the handler see everything.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from casewell.offices.models import User
from casewell.offices.permissions import is_manager
from casewell.offices.tenancy import bind_office
from casewell.people.models import Person
from casewell.safety.models import DesignatedHandler


def current_handler(person: Person | int) -> DesignatedHandler | None:
    """The person's current routing, with the handler. Requires the office bound."""
    person_id = person if isinstance(person, int) else person.pk
    return (
        DesignatedHandler.objects.filter(person_id=person_id, ended_at=None)
        .select_related("handler")
        .first()
    )


def designated_handler_for(person: Person | int) -> User | None:
    """For the inbox: the one member of staff to assign this person's mail to, or None for
    the usual routing. Requires the person's office bound; one query."""
    routing = current_handler(person)
    return routing.handler if routing is not None and routing.handler.is_active else None


def handlers_for_people(person_ids: Iterable[int]) -> dict[int, DesignatedHandler]:
    """Current routings of many people at once, keyed by person id: one query."""
    return {
        row.person_id: row
        for row in DesignatedHandler.objects.filter(
            person_id__in=list(person_ids), ended_at=None
        ).select_related("handler")
    }


@dataclass(frozen=True)
class Handled:
    """What a page shows for contact routed to a handler."""

    handler: User
    may_read: bool


def may_read_contact(user: User, routing: DesignatedHandler | None) -> bool:
    """The handler and managers read a routed person's contact; nobody else, by default."""
    return routing is None or user.pk == routing.handler_id or is_manager(user)


def _routing_for_case(case: Any) -> DesignatedHandler | None:
    """The earliest current routing of any person on the case. One query."""
    return (
        DesignatedHandler.objects.filter(
            person_id__in=case.parties.values("person_id"), ended_at=None
        )
        .select_related("handler", "person")
        .order_by("set_at", "id")
        .first()
    )


def handled_for_case(user: User, case: Any) -> Handled | None:
    """Whether a case's contact is routed to a handler (any person on it), and if the user
    may read it. One query."""
    routing = _routing_for_case(case)
    if routing is None:
        return None
    return Handled(routing.handler, may_read_contact(user, routing))


def hand_call_to_handler(user: User, case: Any) -> User | None:
    """For the timeline, when ``user`` logs an incoming call on ``case``: if a person on the
    case has a designated handler, the case is handed to them (their calls are the
    handler's alone), whoever logged it. Returns the handler, or None for the usual routing.

    Requires the case's office bound, inside the call's transaction. Causes the case's
    assignment to the handler, with an audit event naming the routing, when it was not
    theirs already.
    """
    from casewell.cases.services import hand_case_to

    routing = _routing_for_case(case)
    if routing is None or not routing.handler.is_active:
        return None
    hand_case_to(
        case,
        routing.handler,
        because=(
            f"{user.full_name} logged a call on a case of {routing.person}, whose contact "
            f"goes to {routing.handler.full_name} alone."
        ),
    )
    return routing.handler


def refuse_unless_may_read(user: User, case: Any) -> None:
    """For routes that hand out a case's contact (the timeline API, attachment downloads):
    PermissionDenied, naming the handler, for anyone but the handler and managers."""
    handled = handled_for_case(user, case)
    if handled is not None and not handled.may_read:
        raise PermissionDenied(
            f"Handled by {handled.handler.full_name}: contact on this case goes to them."
        )


def refuse_unless_may_read_attachment(user: User, timelineattachment_id: Any) -> None:
    """``refuse_unless_may_read`` for the case an attachment is on (call it once the
    attachment is known to be the user's to see)."""
    from casewell.timeline.models import TimelineAttachment

    attachment = (
        TimelineAttachment.objects.filter(pk=timelineattachment_id)
        .select_related("entry__case")
        .first()
    )
    if attachment is not None:
        refuse_unless_may_read(user, attachment.entry.case)


def route_contact_to(
    manager: User, person: Person, *, handler_id: Any, reason: str
) -> DesignatedHandler:
    """Route all of the person's contact to one member of staff, replacing any earlier routing.

    Requires a manager, an active member of staff of the office as handler, and a reason.
    Causes the routing (the earlier one ended, kept on record) and audit entries.
    """
    if not is_manager(manager):
        raise PermissionDenied("Only managers can route a person's contact to a handler.")
    problems: dict[str, str] = {}
    handler = None
    with contextlib.suppress(TypeError, ValueError):
        handler = User.objects.filter(
            pk=int(handler_id), office_id=manager.office_id, is_active=True
        ).first()
    if handler is None:
        problems["handler"] = "Choose a member of staff from your office"
    if not reason.strip():
        problems["reason"] = "Say why this person's contact goes to one handler"
    if problems:
        raise ValidationError(problems)
    with bind_office(manager.office, actor=manager), transaction.atomic():
        if person.office_id != manager.office_id:
            raise PermissionDenied("That person belongs to another office.")
        _end(manager, person)
        return DesignatedHandler.objects.create(
            person=person, handler=handler, reason=reason.strip(), set_by=manager
        )


def end_routing(manager: User, person: Person) -> None:
    """Contact from the person goes back to the usual routing. Requires a manager."""
    if not is_manager(manager):
        raise PermissionDenied("Only managers can change who handles a person's contact.")
    with bind_office(manager.office, actor=manager), transaction.atomic():
        _end(manager, person)


def _end(manager: User, person: Person) -> None:
    for row in DesignatedHandler.objects.select_for_update().filter(person=person, ended_at=None):
        row.ended_at = timezone.now()
        row.ended_by = manager
        row.save(update_fields=["ended_at", "ended_by"])


def routing_history(person: Person) -> list[DesignatedHandler]:
    return list(DesignatedHandler.objects.filter(person=person).select_related("handler", "set_by"))
