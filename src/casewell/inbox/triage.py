"""Triaging the inbox: the lists of messages staff work through, and what they do to each.

Pages (and later the API) call these. Every function binds the user's office, so
another office's messages are never listed and never found (404). Interns see and act
only on messages assigned to them. Each change is saved with the user as the actor, so
the model audit records who did it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from casewell.cases.models import Case
from casewell.inbox.case_timeline import show_on_case_timeline
from casewell.inbox.models import Message, MessageState
from casewell.offices.models import Role, User
from casewell.offices.permissions import get_for, may_see
from casewell.offices.tenancy import bind_office
from casewell.safety.handlers import handlers_for_people, may_read_contact
from casewell.safety.markers import markers_for_senders
from casewell.wellbeing import services as wellbeing
from casewell.wellbeing.exposure import record_exposure
from casewell.wellbeing.models.workload import ExposureAction

VIEWS = {
    "triage": "To triage",
    "mine": "Assigned to me",
    "assigned": "All assigned",
}


def _require_staff(user: User) -> None:
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.is_locked:
        raise PermissionDenied("This account cannot work on the inbox.")


def is_intern_only(user: User) -> bool:
    """An intern (with no other role) sees only what has been assigned to them."""
    return user.has_role(Role.INTERN) and not (user.roles - {Role.INTERN})


def _visible(user: User) -> QuerySet[Message]:
    """The messages of the user's office the user may see. Requires the office bound."""
    messages = Message.objects.all()
    if is_intern_only(user):
        messages = messages.filter(assignee_id=user.pk)
    return messages


def _in_view(user: User, view: str) -> QuerySet[Message]:
    messages = _visible(user)
    if view == "triage":
        return messages.filter(state=MessageState.TRIAGE)
    if view == "mine":
        return messages.filter(state=MessageState.ASSIGNED, assignee_id=user.pk)
    if view == "assigned":
        return messages.filter(state=MessageState.ASSIGNED)
    raise Http404("No such inbox view.")


def view_counts(user: User) -> dict[str, int]:
    """How many messages each view lists, for its heading and tabs."""
    _require_staff(user)
    with bind_office(user.office, actor=user):
        return {view: _in_view(user, view).count() for view in VIEWS}


def to_triage_count(user: User) -> int:
    """The number for the navigation's Inbox item."""
    _require_staff(user)
    with bind_office(user.office, actor=user):
        return _in_view(user, "triage").count()


@dataclass
class Row:
    """One message as a triage list shows it."""

    message: Message
    markers: list[str]
    # Set when the sender's contact is routed to a handler and the user may not read it.
    handled_by: User | None
    # Set when the message is flagged as distressing and the user is warned about it.
    warning: Any = None


def messages_in_view(user: User, view: str) -> QuerySet[Message]:
    """The view's messages, newest first, as a query to page through (bind the office to run)."""
    _require_staff(user)
    return (
        _in_view(user, view)
        .select_related("person", "campaign", "suggested_category", "assignee", "case")
        .order_by("-created_at", "-pk")
    )


def rows_for(user: User, messages: list[Message]) -> list[Row]:
    """Markers and designated handlers for a page of messages: one query each, however long."""
    person_ids = {message.person_id for message in messages if message.person_id}
    markers = markers_for_senders(person_ids) if person_ids else {}
    routings = handlers_for_people(person_ids) if person_ids else {}
    warnings = wellbeing.warnings_for(user, wellbeing.ItemKind.MESSAGE, [m.pk for m in messages])
    rows = []
    for message in messages:
        routing = routings.get(message.person_id) if message.person_id else None
        hidden = routing is not None and not may_read_contact(user, routing)
        rows.append(
            Row(
                message=message,
                markers=markers.get(message.person_id, []) if message.person_id else [],
                handled_by=routing.handler if hidden else None,
                warning=warnings.get(message.pk),
            )
        )
    return rows


def page_of_rows(user: User, view: str, page_number: Any, per_page: int = 50) -> Any:
    """One page of a view's rows (a Django Page whose object_list is Rows)."""
    from django.core.paginator import Paginator

    _require_staff(user)
    with bind_office(user.office, actor=user):
        page = Paginator(messages_in_view(user, view), per_page).get_page(page_number)
        page.object_list = rows_for(user, list(page.object_list))
    return page


def get_message_for(user: User, message_id: Any, *, channel: str = "page") -> Message:
    """A message the user may act on (404 for another office's, or not an intern's own)."""
    _require_staff(user)
    with bind_office(user.office, actor=user):
        message = get_for(user, Message, message_id, channel=channel)
        if is_intern_only(user) and message.assignee_id != user.pk:
            raise Http404("No message found.")
    return message


def office_staff(user: User) -> list[User]:
    """Who a message can be assigned to: the office's active staff."""
    return list(User.objects.filter(office_id=user.office_id, is_active=True).order_by("full_name"))


def _save(user: User, message: Message, fields: list[str]) -> Message:
    with bind_office(user.office, actor=user), transaction.atomic():
        message.save(update_fields=fields)
        if "case" in fields:
            show_on_case_timeline(message)
    return message


def _require_open(message: Message) -> None:
    if message.state == MessageState.ARCHIVED:
        raise ValidationError({"state": "This message is archived."})


def assign(user: User, message: Message, assignee: User | int | str | None) -> Message:
    """Assign the message to a member of the office's staff. Interns cannot reassign."""
    _require_staff(user)
    if is_intern_only(user):
        raise PermissionDenied("Interns cannot assign messages.")
    _require_open(message)
    if assignee in (None, ""):
        raise ValidationError({"assignee": "Choose who to assign the message to"})
    assignee_id = assignee.pk if isinstance(assignee, User) else assignee
    chosen = User.objects.filter(
        pk=int(assignee_id) if str(assignee_id).isdigit() else None,
        office_id=user.office_id,
        is_active=True,
    ).first()
    if chosen is None:
        raise ValidationError({"assignee": "Choose a member of staff of this office"})
    message.assignee = chosen
    fields = ["assignee"]
    if message.state == MessageState.TRIAGE:
        message.state = MessageState.ASSIGNED
        fields.append("state")
    _save(user, message, fields)
    record_exposure(user, message, ExposureAction.HANDLED)
    return message


def archive(user: User, message: Message) -> Message:
    """Archive the message: it leaves every triage list but is kept."""
    _require_staff(user)
    if is_intern_only(user) and message.assignee_id != user.pk:
        raise PermissionDenied("Interns archive only messages assigned to them.")
    _require_open(message)
    message.state = MessageState.ARCHIVED
    _save(user, message, ["state"])
    record_exposure(user, message, ExposureAction.HANDLED)
    return message


def link_to_case(user: User, message: Message, reference: str) -> Message:
    """Put the message on an existing case of the office, found by its reference."""
    _require_staff(user)
    _require_open(message)
    reference = (reference or "").strip().upper()
    if not reference:
        raise ValidationError({"reference": "Enter the case reference, like NR-2026-00001"})
    with bind_office(user.office, actor=user):
        case = Case.objects.filter(reference__iexact=reference).first()
    if case is None or not may_see(user, case):
        raise ValidationError({"reference": f"No case {reference} was found"})
    message.case = case
    message.state = MessageState.ON_CASE
    return _save(user, message, ["case", "state"])  # and onto its timeline, off any other


def case_choices(user: User) -> list[Case]:
    """Categories a new case can be opened in (top level, not retired)."""
    from casewell.cases.models import Category

    with bind_office(user.office, actor=user):
        return list(
            Category.objects.filter(parent=None, retired_at=None).order_by("position", "name", "id")
        )


def open_case_from_message(
    user: User, message: Message, *, summary: str, category: Any, include_person: bool
) -> Case:
    """Open a case from the message (the user confirms the summary, category and person)
    and put the message on it. Refusals come from ``open_case``, naming each field."""
    from casewell.cases.services import open_case

    _require_staff(user)
    _require_open(message)
    if message.case_id:
        raise ValidationError({"case": "This message is already on a case."})
    people = [message.person_id] if include_person and message.person_id else []
    with transaction.atomic():
        case = open_case(user, summary=summary, category=category, people=people)
        message.case = case
        message.state = MessageState.ON_CASE
        _save(user, message, ["case", "state"])
    return case
