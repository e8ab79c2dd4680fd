"""Operations on cases. Pages, the API, the CLI and jobs all call these; nothing else writes cases.

Who may do what (see also the visibility rules in ``cases.models``):

* Anyone on the staff may **open** a case. An intern's or volunteer's new case
  is assigned to them, so they can go on seeing it.
* Anyone who may see a case may **change** it (summary, category, priority,
  dates, status, tags, people, related cases) — except interns and volunteers,
  who may change only cases assigned to them.
* **Assigning** is for everyone but interns and volunteers.
* **Restricting** a case to named staff is for managers, administrators and the
  case's assignee: the people answerable for it.
* The office's **categories and workflow** are administrators' to configure
  (``categories.py``, ``workflow.py``); **teams** are managers' and administrators'.

Functions take records or their ids; an id that is not one of the office's gives
a ValidationError naming the field, exactly as a bad value would.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from casewell.cases.defaults import ensure_case_defaults
from casewell.cases.models import (
    Case,
    CaseLink,
    CaseOrganisation,
    CasePerson,
    CaseRestriction,
    CaseStatus,
    CaseTag,
    Category,
    OrganisationRole,
    PartyRole,
    Priority,
    StatusTransition,
    Tag,
)
from casewell.cases.references import format_reference, next_case_number, year_of
from casewell.cases.working_days import add_working_days
from casewell.directory.models import Organisation
from casewell.directory.services import organisation_for_case
from casewell.notify.services import deliver
from casewell.offices.audit import record_event
from casewell.offices.models import Office, Role, Team, TeamMembership, User
from casewell.offices.permissions import get_for, is_manager, may_see
from casewell.offices.tenancy import bind_office, current_actor
from casewell.people.models import Person

ModelT = TypeVar("ModelT", bound=models.Model)

MAX_WORKING_DAYS_AHEAD = 366


# --- Who may ----------------------------------------------------------------------------


def is_intern_only(user: User) -> bool:
    """Interns and volunteers (and anyone with no role at all) work only on their own cases."""
    return set(user.roles) <= {Role.INTERN}


def may_change(user: User, case: Case) -> bool:
    if not may_see(user, case):
        return False
    return not is_intern_only(user) or case.assignee_id == user.pk


def may_restrict(user: User, case: Case) -> bool:
    return may_see(user, case) and (is_manager(user) or case.assignee_id == user.pk)


def _require_change(user: User, case: Case) -> None:
    if not may_see(user, case):
        raise Http404("No case found.")
    if not may_change(user, case):
        raise PermissionDenied("Interns and volunteers may change only the cases assigned to them.")


@contextmanager
def acting_for(user: User) -> Iterator[Office]:
    """Bind the user's office and run the block as one transaction done by them."""
    if not user.is_active or user.is_locked:
        raise PermissionDenied("This account cannot work on cases.")
    with bind_office(user.office, actor=user), transaction.atomic():
        yield user.office


# --- Looking things up in the office ------------------------------------------------------


def _one_of_office(
    user: User, model: type[ModelT], value: Any, field_name: str, noun: str
) -> ModelT:
    """``value`` (a record or an id) as one of the user's office's rows, or a ValidationError."""
    article = "an" if noun[:1] in "aeiou" else "a"
    if isinstance(value, model):
        if getattr(value, "office_id", None) != user.office_id:
            raise ValidationError({field_name: f"Choose {article} {noun} from this office."})
        value = value.pk  # read afresh: the caller's copy may be out of date
    pk = value
    if isinstance(pk, str) and pk.strip().isdigit():
        pk = int(pk)
    if isinstance(pk, bool) or not isinstance(pk, int):
        raise ValidationError({field_name: f"Choose {article} {noun}: {value!r} is not one."})
    if model is User:
        found = User.objects.filter(pk=pk, office_id=user.office_id, is_active=True).first()
    else:
        found = model._default_manager.filter(pk=pk, office_id=user.office_id).first()
    if found is None:
        raise ValidationError({field_name: f"There is no {noun} with id {pk} in this office."})
    return found


def _category(user: User, value: Any) -> Category:
    category = _one_of_office(user, Category, value, "category", "category")
    if category.parent_id is not None:
        raise ValidationError(
            {"category": f"{category.name} is a sub-category: choose its category as well."}
        )
    if category.is_retired:
        raise ValidationError({"category": f"{category.name} has been retired: choose another."})
    return category


def _subcategory(user: User, value: Any, category: Category) -> Category | None:
    if value in (None, ""):
        return None
    subcategory = _one_of_office(user, Category, value, "subcategory", "sub-category")
    if subcategory.parent_id != category.pk:
        raise ValidationError(
            {"subcategory": f"{subcategory.name} is not a sub-category of {category.name}."}
        )
    if subcategory.is_retired:
        raise ValidationError(
            {"subcategory": f"{subcategory.name} has been retired: choose another."}
        )
    return subcategory


def _priority(value: Any) -> int:
    if isinstance(value, str) and not value.isdigit():
        names = {label.lower(): number for number, label in Priority.choices}
        if value.strip().lower() in names:
            return names[value.strip().lower()]
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number not in Priority.values:
        raise ValidationError({"priority": "Choose a priority: low, normal, high or urgent."})
    return number


def _complexity(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 5:
        raise ValidationError({"complexity": "Complexity must be a whole number from 1 to 5."})
    return number


def _summary(value: Any) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        raise ValidationError({"summary": "Enter a summary of the case."})
    if len(text) > 300:
        raise ValidationError({"summary": "The summary must be 300 characters or fewer."})
    return text


def _date(value: Any, field_name: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(
            {field_name: f"{value!r} is not a date: give it as year-month-day, e.g. 2026-03-31."}
        ) from None


def _working_days(value: Any, field_name: str) -> int:
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = -1
    if not 0 <= days <= MAX_WORKING_DAYS_AHEAD:
        raise ValidationError(
            {field_name: f"Give a number of working days from 0 to {MAX_WORKING_DAYS_AHEAD}."}
        )
    return days


def office_today(office: Office) -> date:
    return timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(office.time_zone)).date()


def working_days_from_today(office: Office, days: int) -> date:
    """``days`` working days from today in the office's nation, as the office reckons today."""
    return add_working_days(office_today(office), days, office.nation)


def _dates(office: Office, details: dict[str, Any]) -> dict[str, date | None]:
    """Due and follow-up dates from dates or "N working days" (never both for one date)."""
    chosen: dict[str, date | None] = {}
    for name in ("due_date", "follow_up_date"):
        in_days = name.removesuffix("_date") + "_in_working_days"
        if details.get(in_days) not in (None, ""):
            if details.get(name) not in (None, ""):
                raise ValidationError(
                    {in_days: "Give a date or a number of working days, not both."}
                )
            chosen[name] = working_days_from_today(office, _working_days(details[in_days], in_days))
        elif name in details:
            chosen[name] = _date(details[name], name)
    return chosen


def _staff_member(user: User, value: Any, field_name: str) -> User:
    return _one_of_office(user, User, value, field_name, "member of staff")


# --- Opening and changing a case ----------------------------------------------------------


def initial_status(office: Office) -> CaseStatus:
    with bind_office(office):
        status = CaseStatus.objects.filter(is_initial=True).first()
        if status is None:
            ensure_case_defaults(office)  # an office older than cases
            status = CaseStatus.objects.filter(is_initial=True).first()
    if status is None:
        raise ValidationError(
            {"status": "The office's workflow has no starting status: an administrator sets one."}
        )
    return status


def open_case(
    user: User,
    *,
    summary: str,
    category: Category | int,
    subcategory: Category | int | None = None,
    people: Iterable[Person | int | tuple[Person | int, str]] = (),
    priority: int | str = Priority.NORMAL,
    complexity: int | None = None,
    assignee: User | int | None = None,
    team: Team | int | None = None,
    tags: Iterable[Tag | int] = (),
    due_date: date | str | None = None,
    due_in_working_days: int | None = None,
    follow_up_date: date | str | None = None,
    follow_up_in_working_days: int | None = None,
) -> Case:
    """Open a case in the user's office, with its next reference number.

    Requires an active member of staff. ``people`` are persons (or ids, or
    ``(person, role)`` pairs; the role defaults to "the case is about them").
    Dates can be given as dates or as working days from today in the office's
    nation. Causes audit entries for the case and everything attached to it.
    """
    with acting_for(user) as office:
        errors: dict[str, list[str]] = {}
        details: dict[str, Any] = {}
        checks = {
            "summary": lambda: _summary(summary),
            "category": lambda: _category(user, category),
            "priority": lambda: _priority(priority),
            "complexity": lambda: _complexity(complexity),
            "assignee": lambda: (
                _staff_member(user, assignee, "assignee") if assignee not in (None, "") else None
            ),
            "team": lambda: (
                _one_of_office(user, Team, team, "team", "team") if team not in (None, "") else None
            ),
            "dates": lambda: _dates(
                office,
                {
                    "due_date": due_date,
                    "due_in_working_days": due_in_working_days,
                    "follow_up_date": follow_up_date,
                    "follow_up_in_working_days": follow_up_in_working_days,
                },
            ),
        }
        for name, check in checks.items():
            try:
                details[name] = check()
            except ValidationError as error:
                for key, messages in error.message_dict.items():
                    errors.setdefault(key, []).extend(messages)
        if "category" in details:
            try:
                details["subcategory"] = _subcategory(user, subcategory, details["category"])
            except ValidationError as error:
                errors.update(error.message_dict)
        try:
            parties = _parties(user, people)
            chosen_tags = [_one_of_office(user, Tag, tag, "tags", "tag") for tag in tags]
        except ValidationError as error:
            errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)
        if is_intern_only(user):
            # So they can go on seeing (and working on) the case they opened.
            details["assignee"] = details["assignee"] or user
        opened_at = timezone.now()
        year = year_of(office, opened_at)
        number = next_case_number(office, year)
        dates = details.pop("dates")
        case = Case(
            office=office,
            reference=format_reference(office.reference_prefix, year, number),
            year=year,
            number=number,
            status=initial_status(office),
            opened_at=opened_at,
            opened_by=user,
            **details,
            **dates,
        )
        case.save()
        for person, role in parties:
            CasePerson.objects.create(case=case, person=person, role=role)
        for tag in chosen_tags:
            CaseTag.objects.create(case=case, tag=tag)
    return case


def _parties(user: User, people: Iterable[Any]) -> list[tuple[Person, str]]:
    chosen: dict[int, tuple[Person, str]] = {}
    for entry in people:
        person_value, role = entry if isinstance(entry, tuple) else (entry, PartyRole.SUBJECT)
        person = _one_of_office(user, Person, person_value, "people", "person")
        chosen[person.pk] = (person, _party_role(role))
    return list(chosen.values())


def _party_role(role: Any) -> str:
    if role not in PartyRole.values:
        raise ValidationError(
            {"role": f"Choose a role on the case: {', '.join(PartyRole.values)}."}
        )
    return role


UPDATABLE = (
    "summary",
    "category",
    "subcategory",
    "priority",
    "complexity",
    "due_date",
    "due_in_working_days",
    "follow_up_date",
    "follow_up_in_working_days",
)


def update_case(user: User, case: Case, **changes: Any) -> Case:
    """Change a case's summary, category, priority, complexity or dates.

    Requires someone who may change the case. A changed category clears a
    sub-category that no longer fits unless a new one is given. Status,
    assignment, tags, people and restriction have their own functions.
    Causes an audit entry listing what changed.
    """
    unknown = sorted(set(changes) - set(UPDATABLE))
    if unknown:
        raise ValidationError({name: "This cannot be changed here." for name in unknown})
    with acting_for(user) as office:
        case = _fresh(case)
        _require_change(user, case)
        errors: dict[str, list[str]] = {}

        def check(run: Any) -> Any:
            try:
                return run()
            except ValidationError as error:
                for key, messages in error.message_dict.items():
                    errors.setdefault(key, []).extend(messages)
                return None

        if "summary" in changes:
            case.summary = check(lambda: _summary(changes["summary"])) or case.summary
        if "category" in changes:
            category = check(lambda: _category(user, changes["category"]))
            if category is not None and category.pk != case.category_id:
                case.category = category
                if "subcategory" not in changes:
                    case.subcategory = None
        if "subcategory" in changes:
            category = case.category
            case.subcategory = check(lambda: _subcategory(user, changes["subcategory"], category))
        if "priority" in changes:
            case.priority = check(lambda: _priority(changes["priority"])) or case.priority
        if "complexity" in changes:
            case.complexity = check(lambda: _complexity(changes["complexity"]))
        for name, value in (check(lambda: _dates(office, changes)) or {}).items():
            setattr(case, name, value)
        if errors:
            raise ValidationError(errors)
        case.save()
    return case


# Loaded with every case a service hands back, so callers can show it without more queries.
CASE_RELATIONS = ("status", "category", "subcategory", "assignee", "team")


def _fresh(case: Case | int) -> Case:
    """The case as it is now, locked for this transaction on PostgreSQL."""
    pk = case.pk if isinstance(case, Case) else case
    found = (
        Case.objects.select_for_update(of=("self",)).select_related(*CASE_RELATIONS).filter(pk=pk)
    )
    if not found:
        raise Http404("No case found.")
    return found[0]


def set_due_in_working_days(user: User, case: Case, days: int) -> Case:
    """Set the due date ``days`` working days from today, in the office's nation as it is now."""
    return update_case(user, case, due_in_working_days=days)


def set_follow_up_in_working_days(user: User, case: Case, days: int) -> Case:
    """Set the follow-up date ``days`` working days from today, in the office's nation."""
    return update_case(user, case, follow_up_in_working_days=days)


# --- The workflow ------------------------------------------------------------------------


def allowed_next_statuses(case: Case) -> list[CaseStatus]:
    """The statuses the office's workflow lets this case move to, in workflow order."""
    with bind_office(case.office_id, actor=current_actor()):
        return list(
            CaseStatus.objects.filter(
                retired_at__isnull=True, transitions_in__from_status_id=case.status_id
            ).order_by("position", "id")
        )


def _record_status_change(
    case: Case, old: CaseStatus, new: CaseStatus, by: User, note: str
) -> None:
    # Imported here, not at the top: the timeline's services import these ones.
    from casewell.timeline.services import record_status_change

    record_status_change(case, old, new, by=by, note=note)


def change_status(user: User, case: Case, status: CaseStatus | int, note: str = "") -> Case:
    """Move a case to another status, if the office's workflow allows it from where it is.

    Requires someone who may change the case. Moving into a closed status
    stamps the closing time; moving out of one clears it (a reopening).
    Causes an audit entry and a status-change entry on the case's timeline.
    """
    with acting_for(user):
        case = _fresh(case)
        _require_change(user, case)
        new = _one_of_office(user, CaseStatus, status, "status", "status")
        old = case.status
        if new.pk == old.pk:
            raise ValidationError({"status": f"The case is already {old.name.lower()}."})
        if new.retired_at is not None:
            raise ValidationError({"status": f"{new.name} is no longer used: choose another."})
        if not StatusTransition.objects.filter(from_status=old, to_status=new).exists():
            allowed = ", ".join(s.name.lower() for s in allowed_next_statuses(case)) or "nothing"
            raise ValidationError(
                {
                    "status": (
                        f"A case that is {old.name.lower()} cannot move to {new.name.lower()}. "
                        f"From {old.name.lower()} it can move to: {allowed}."
                    )
                }
            )
        case.status = new
        if new.is_closed and not old.is_closed:
            case.closed_at = timezone.now()
        elif old.is_closed and not new.is_closed:
            case.closed_at = None
        case.save()
        _record_status_change(case, old, new, user, note)
    return case


def close_case(user: User, case: Case, note: str = "") -> Case:
    """Close a case: move it to the first closed status its workflow allows from where it is."""
    case = _fresh_for(user, case)
    if case.status.is_closed:
        raise ValidationError({"status": "The case is already closed."})
    closed = [status for status in allowed_next_statuses(case) if status.is_closed]
    if not closed:
        raise ValidationError(
            {"status": f"A case that is {case.status.name.lower()} cannot be closed straight away."}
        )
    return change_status(user, case, closed[0], note=note)


def reopen_case(user: User, case: Case, note: str = "") -> Case:
    """Reopen a closed case: move it to the first open status its workflow allows."""
    case = _fresh_for(user, case)
    if not case.status.is_closed:
        raise ValidationError({"status": "The case is not closed, so it cannot be reopened."})
    reopened = [status for status in allowed_next_statuses(case) if not status.is_closed]
    if not reopened:
        raise ValidationError({"status": "The office's workflow does not allow reopening."})
    return change_status(user, case, reopened[0], note=note)


def _fresh_for(user: User, case: Case | int) -> Case:
    with bind_office(user.office, actor=user):
        pk = case.pk if isinstance(case, Case) else case
        found = Case.objects.select_related(*CASE_RELATIONS).filter(pk=pk).first()
        if found is None or not may_see(user, found):
            raise Http404("No case found.")
        return found


# --- Assignment, tags, people, related cases, restriction ---------------------------------


def assign_case(
    user: User, case: Case, assignee: User | int | None = None, team: Team | int | None = None
) -> Case:
    """Give the case to a member of staff and/or a team (None takes it from them).

    Requires someone who may change the case and is not an intern or volunteer.
    Causes an audit entry, and a notification for a new assignee other than the
    user (delivered in their working hours).
    """
    with acting_for(user):
        case = _fresh(case)
        _require_change(user, case)
        if is_intern_only(user):
            raise PermissionDenied("Interns and volunteers may not assign cases.")
        previous_assignee_id = case.assignee_id
        errors: dict[str, Any] = {}
        try:
            case.assignee = (
                _staff_member(user, assignee, "assignee") if assignee not in (None, "") else None
            )
        except ValidationError as error:
            errors.update(error.message_dict)
        try:
            case.team = (
                _one_of_office(user, Team, team, "team", "team") if team not in (None, "") else None
            )
        except ValidationError as error:
            errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)
        case.save()
        if case.assignee is not None and case.assignee_id not in (previous_assignee_id, user.pk):
            _tell_new_assignee(user, case)
    return case


def hand_case_to(case: Case, assignee: User, *, because: str) -> Case:
    """Give the case to ``assignee`` because an office rule says so (a person's contact routed
    to one designated handler), whoever set it off: their role does not matter, the rule's
    maker (a manager) decided. Requires ``assignee`` active staff of the case's office and
    the office bound. Causes the assignment (audited) and an audit event saying why."""
    if assignee.office_id != case.office_id or not assignee.is_active:
        raise ValidationError({"assignee": "Choose a member of staff from this office."})
    case = _fresh(case)
    if case.assignee_id != assignee.pk:
        case.assignee = assignee
        case.save()
        record_event(case.office_id, "cases.handed", subject=case, detail=because[:500])
    return case


def _tell_new_assignee(user: User, case: Case) -> None:
    # The reference only: a case's summary can be distressing, and notifications travel by e-mail.
    deliver(
        case.assignee,
        subject=f"Case {case.reference} assigned to you",
        body=f"{user.full_name} assigned case {case.reference} to you.",
        kind="case_assigned",
        sender=user,
        link=reverse("cases:detail", kwargs={"case_id": case.pk}),
    )


def _tag_name(name: str) -> str:
    text = " ".join(str(name or "").split())
    if not text:
        raise ValidationError({"name": "Enter the tag's name."})
    if len(text) > 60:
        raise ValidationError({"name": "A tag's name must be 60 characters or fewer."})
    return text


def create_tag(user: User, name: str) -> Tag:
    """A new tag for the office's cases (or the existing one of that name).

    Requires anyone but an intern or volunteer. Causes an audit entry.
    """
    text = _tag_name(name)
    with acting_for(user):
        if is_intern_only(user):
            raise PermissionDenied("Interns and volunteers may not add tags.")
        existing = Tag.objects.filter(name__iexact=text).first()
        return existing or Tag.objects.create(name=text)


def rename_tag(user: User, tag: Tag | int, name: str) -> Tag:
    """Rename a tag; the cases keep it. Requires a manager or administrator. Audited."""
    text = _tag_name(name)
    with acting_for(user):
        if not is_manager(user):
            raise PermissionDenied("Only managers and administrators may rename tags.")
        chosen = _one_of_office(user, Tag, tag, "tag", "tag")
        if Tag.objects.filter(name__iexact=text).exclude(pk=chosen.pk).exists():
            raise ValidationError({"name": f"There is already a tag called {text}."})
        chosen.name = text
        chosen.save()
    return chosen


def delete_tag(user: User, tag: Tag | int) -> int:
    """Delete a tag, taking it off every case. Returns how many cases had it.

    Requires a manager or administrator. Causes an audit entry for each case it leaves.
    """
    with acting_for(user):
        if not is_manager(user):
            raise PermissionDenied("Only managers and administrators may delete tags.")
        chosen = _one_of_office(user, Tag, tag, "tag", "tag")
        rows = list(CaseTag.objects.filter(tag=chosen))
        for row in rows:
            row.delete()
        chosen.delete()
    return len(rows)


def tag_case(user: User, case: Case, tag: Tag | int) -> Case:
    """Put a tag on a case (nothing happens if it is already there). Causes an audit entry."""
    with acting_for(user):
        case = _fresh(case)
        _require_change(user, case)
        chosen = _one_of_office(user, Tag, tag, "tag", "tag")
        if not CaseTag.objects.filter(case=case, tag=chosen).exists():
            CaseTag.objects.create(case=case, tag=chosen)
    return case


def untag_case(user: User, case: Case, tag: Tag | int) -> Case:
    """Take a tag off a case. Causes an audit entry if it was there."""
    with acting_for(user):
        case = _fresh(case)
        _require_change(user, case)
        chosen = _one_of_office(user, Tag, tag, "tag", "tag")
        for row in CaseTag.objects.filter(case=case, tag=chosen):
            row.delete()
    return case


def add_party(
    user: User, case: Case, person: Person | int, role: str = PartyRole.SUBJECT, note: str = ""
) -> CasePerson:
    """Add a person to the case with their role (or change the role of one already on it)."""
    with acting_for(user):
        case = _fresh(case)
        _require_change(user, case)
        chosen = _one_of_office(user, Person, person, "person", "person")
        role = _party_role(role)
        note = " ".join(str(note or "").split())
        if len(note) > 200:
            raise ValidationError({"note": "The note must be 200 characters or fewer."})
        party = CasePerson.objects.filter(case=case, person=chosen).first()
        if party is None:
            return CasePerson.objects.create(case=case, person=chosen, role=role, note=note)
        party.role, party.note = role, note
        party.save()
        return party


def remove_party(user: User, case: Case, person: Person | int) -> None:
    """Take a person off the case (their record stays). Causes an audit entry."""
    with acting_for(user):
        case = _fresh(case)
        _require_change(user, case)
        chosen = _one_of_office(user, Person, person, "person", "person")
        party = CasePerson.objects.filter(case=case, person=chosen).first()
        if party is None:
            raise ValidationError({"person": f"{chosen} is not on case {case.reference}."})
        party.delete()


def add_organisation(
    user: User,
    case: Case,
    *,
    organisation: Organisation | int | None = None,
    central_id: int | None = None,
    role: str = OrganisationRole.RESPONSIBLE,
    note: str = "",
) -> CaseOrganisation:
    """Add an organisation to the case with its role (or change the role of one already on it).

    Give one of the office's organisations, or ``central_id`` for an entry of the
    central directory (the office's own row for it is made on first use).
    """
    if (organisation is None) == (central_id is None):
        raise ValidationError({"organisation": "Choose an organisation."})
    if role not in OrganisationRole.values:
        raise ValidationError(
            {"role": f"Choose the organisation's role: {', '.join(OrganisationRole.values)}."}
        )
    note = " ".join(str(note or "").split())
    if len(note) > 200:
        raise ValidationError({"note": "The note must be 200 characters or fewer."})
    with acting_for(user):
        case = _fresh(case)
        _require_change(user, case)
        try:
            if central_id is not None:
                chosen = organisation_for_case(user, central_id=central_id)
            else:
                chosen = _one_of_office(
                    user, Organisation, organisation, "organisation", "organisation"
                )
        except Http404:
            raise ValidationError(
                {"organisation": f"There is no organisation with id {central_id}."}
            ) from None
        party = CaseOrganisation.objects.filter(case=case, organisation=chosen).first()
        if party is None:
            return CaseOrganisation.objects.create(
                case=case, organisation=chosen, role=role, note=note
            )
        party.role, party.note = role, note
        party.save()
        return party


def remove_organisation(user: User, case: Case, organisation: Organisation | int) -> None:
    """Take an organisation off the case (it stays in the directory). Causes an audit entry."""
    with acting_for(user):
        case = _fresh(case)
        _require_change(user, case)
        chosen = _one_of_office(user, Organisation, organisation, "organisation", "organisation")
        party = CaseOrganisation.objects.filter(case=case, organisation=chosen).first()
        if party is None:
            raise ValidationError({"organisation": f"{chosen} is not on case {case.reference}."})
        party.delete()


def relate_cases(user: User, case: Case, other: Case | int) -> None:
    """Say two cases are related; each then lists the other. Requires seeing both."""
    with acting_for(user):
        case = _fresh(case)
        _require_change(user, case)
        other_case = _related_case(user, other)
        if other_case.pk == case.pk:
            raise ValidationError({"other": "A case cannot be related to itself."})
        for one, two in ((case, other_case), (other_case, case)):
            if not CaseLink.objects.filter(case=one, other=two).exists():
                CaseLink.objects.create(case=one, other=two)


def unrelate_cases(user: User, case: Case, other: Case | int) -> None:
    """Say two cases are not related after all."""
    with acting_for(user):
        case = _fresh(case)
        _require_change(user, case)
        other_case = _related_case(user, other)
        for link in CaseLink.objects.filter(
            Q(case=case, other=other_case) | Q(case=other_case, other=case)
        ):
            link.delete()


def _related_case(user: User, other: Case | int) -> Case:
    other_case = _one_of_office(user, Case, other, "other", "case")
    if not may_see(user, other_case):
        # The same answer as for a case that does not exist.
        pk = other_case.pk
        raise ValidationError({"other": f"There is no case with id {pk} in this office."})
    return other_case


def restrict_case(user: User, case: Case, staff: Iterable[User | int]) -> Case:
    """Let only these members of staff (with the assignee, managers and administrators) see it.

    An empty list lifts the restriction. Requires a manager, an administrator or
    the case's assignee. Causes audit entries for each person added or removed.
    """
    with acting_for(user):
        case = _fresh(case)
        if not may_see(user, case):
            raise Http404("No case found.")
        if not may_restrict(user, case):
            raise PermissionDenied(
                "Only managers, administrators and the case's assignee may restrict a case."
            )
        chosen = {member.pk: member for member in (_staff_member(user, s, "staff") for s in staff)}
        current = set(CaseRestriction.objects.filter(case=case).values_list("user_id", flat=True))
        for row in CaseRestriction.objects.filter(case=case).exclude(user_id__in=chosen):
            row.delete()
        for pk in sorted(set(chosen) - current):
            CaseRestriction.objects.create(case=case, user=chosen[pk])
        restricted = bool(chosen)
        if case.is_restricted != restricted:
            case.is_restricted = restricted
            case.save()
    return case


# --- Many cases at once ------------------------------------------------------------------


@dataclass
class BulkResult:
    """What a bulk action did: how many cases, and which it refused and why."""

    done: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)  # (case id, reason)


def selected_cases(
    user: User, case_ids: Iterable[int | str]
) -> tuple[dict[int, Case], list[tuple[Any, str]]]:
    """The ticked cases the user may see, by id (one query however many), and the ids refused
    with the reason: not an id, or no case found (another office's, or restricted)."""
    refused: list[tuple[Any, str]] = []
    ids = []
    for value in case_ids:
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            refused.append((value, "This is not a case id."))
    with bind_office(user.office, actor=user):
        visible = {case.pk: case for case in Case.objects.visible_to(user).filter(pk__in=ids)}
    found = {}
    for pk in dict.fromkeys(ids):
        if pk in visible:
            found[pk] = visible[pk]
        else:
            refused.append((pk, "No case found."))
    return found, refused


def _bulk(user: User, case_ids: Iterable[int | str], action: Any) -> BulkResult:
    visible, refused = selected_cases(user, case_ids)
    result = BulkResult(refused=refused)
    for pk, case in visible.items():
        try:
            action(case)
        except PermissionDenied as error:
            result.refused.append((pk, f"{case.reference}: {error}"))
        except ValidationError as error:
            messages = "; ".join(
                message for messages in error.message_dict.values() for message in messages
            )
            result.refused.append((pk, f"{case.reference}: {messages}"))
        else:
            result.done += 1
    return result


KEEP_TEAM = "keep"  # bulk_assign's default: each case stays with the team it has


def bulk_assign(
    user: User,
    case_ids: Iterable[int | str],
    assignee: User | int | None = None,
    team: Team | int | str | None = KEEP_TEAM,
) -> BulkResult:
    """Assign each case as ``assign_case`` would; each is checked (and refused) on its own.

    Each case keeps its team unless ``team`` is given (None takes them from their teams).
    """

    def assign(case: Case) -> Case:
        kept = case.team_id if isinstance(team, str) and team == KEEP_TEAM else team
        return assign_case(user, case, assignee, kept)

    return _bulk(user, case_ids, assign)


def bulk_tag(user: User, case_ids: Iterable[int | str], tag: Tag | int) -> BulkResult:
    """Tag each case as ``tag_case`` would; each is checked (and refused) on its own."""
    return _bulk(user, case_ids, lambda case: tag_case(user, case, tag))


def bulk_close(user: User, case_ids: Iterable[int | str], note: str = "") -> BulkResult:
    """Close each case as ``close_case`` would; each is checked (and refused) on its own."""
    return _bulk(user, case_ids, lambda case: close_case(user, case, note=note))


# --- Finding cases ------------------------------------------------------------------------

SORTS = {
    "opened_at": ("opened_at", "id"),
    "-opened_at": ("-opened_at", "-id"),
    "due_date": (models.F("due_date").asc(nulls_last=True), "id"),
    "-due_date": (models.F("due_date").desc(nulls_last=True), "-id"),
    "priority": ("priority", "-opened_at", "-id"),
    "-priority": ("-priority", "-opened_at", "-id"),
    "reference": ("year", "number"),
    "-reference": ("-year", "-number"),
    "updated_at": ("updated_at", "id"),
    "-updated_at": ("-updated_at", "-id"),
    "status": ("status__position", "-opened_at", "-id"),
    "-status": ("-status__position", "-opened_at", "-id"),
}

NOBODY = "nobody"  # assignee=NOBODY finds unassigned cases


def _ids(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, models.Model):
        return [value.pk]
    if isinstance(value, str | int):
        return [value]
    return [item.pk if isinstance(item, models.Model) else item for item in value]


def _numbers(value: Any, field_name: str) -> list[int]:
    numbers = []
    for item in _ids(value):
        try:
            numbers.append(int(item))
        except (TypeError, ValueError):
            raise ValidationError({field_name: f"{item!r} is not an id."}) from None
    return numbers


def find_cases(
    user: User,
    *,
    status: Any = None,
    state: str | None = None,
    category: Any = None,
    assignee: Any = None,
    tag: Any = None,
    priority: Any = None,
    overdue: bool | None = None,
    team: Any = None,
    mine: bool = False,
    my_teams: bool = False,
    text: str = "",
    sort: str = "-opened_at",
) -> QuerySet[Case]:
    """The cases the user may see that match every filter given, ready for a page.

    Each filter takes one value or several (ids or records; any of them matches).
    ``state`` is "open" or "closed"; ``category`` matches a category or a
    sub-category; ``assignee="nobody"`` finds unassigned cases; ``mine`` the
    user's own; ``my_teams`` their teams'; ``overdue`` True finds open cases past
    their due date. ``text`` matches the reference, the summary or a person's name.
    The rows come with status, category, assignee, team, tags and people loaded,
    so a page of them costs the same few queries however many there are.
    """
    if sort not in SORTS:
        raise ValidationError({"sort": f"Sort by one of: {', '.join(SORTS)}."})
    cases = _filtered(
        user,
        status=status,
        state=state,
        category=category,
        assignee=assignee,
        tag=tag,
        priority=priority,
        overdue=overdue,
        team=team,
        mine=mine,
        my_teams=my_teams,
        text=text,
    )
    return (
        cases.select_related("status", "category", "subcategory", "assignee", "team")
        .prefetch_related(
            Prefetch("tags", queryset=Tag.all_offices.order_by("name")),
            Prefetch(
                "parties",
                queryset=CasePerson.all_offices.select_related("person").order_by("added_at", "id"),
            ),
        )
        .order_by(*SORTS[sort])
    )


def _filtered(user: User, **filters: Any) -> QuerySet[Case]:
    cases = Case.all_offices.all().visible_to(user)
    status = _numbers(filters["status"], "status")
    if status:
        cases = cases.filter(status_id__in=status)
    closed = _closed_wanted(filters["state"])
    if closed is not None:
        # A join: SQLite then walks the newest-first index for a page of the list.
        # The counts read the statuses as a subquery instead (see case_counts).
        cases = cases.filter(status__is_closed=closed)
    category = _numbers(filters["category"], "category")
    if category:
        cases = cases.filter(Q(category_id__in=category) | Q(subcategory_id__in=category))
    assignees = _ids(filters["assignee"])
    if assignees:
        wanted = Q(assignee__isnull=True) if NOBODY in assignees else Q()
        ids = _numbers([a for a in assignees if a != NOBODY], "assignee")
        if ids:
            wanted |= Q(assignee_id__in=ids)
        cases = cases.filter(wanted)
    tag = _numbers(filters["tag"], "tag")
    if tag:
        cases = cases.filter(
            Exists(CaseTag.all_offices.filter(case=OuterRef("pk"), tag_id__in=tag))
        )
    priorities = [_priority(value) for value in _ids(filters["priority"])]
    if priorities:
        cases = cases.filter(priority__in=priorities)
    team = _numbers(filters["team"], "team")
    if team:
        cases = cases.filter(team_id__in=team)
    if filters["mine"]:
        cases = cases.filter(assignee=user)
    if filters["my_teams"]:
        cases = cases.filter(
            Exists(TeamMembership.all_offices.filter(team_id=OuterRef("team_id"), user=user))
        )
    overdue = filters["overdue"]
    if overdue is not None:
        late = _late(user)
        cases = cases.filter(late) if overdue else cases.exclude(late)
    text = " ".join(str(filters["text"] or "").split())
    for word in text.split():
        named = CasePerson.all_offices.filter(case=OuterRef("pk")).filter(
            Q(person__first_name__icontains=word)
            | Q(person__last_name__icontains=word)
            | Q(person__preferred_name__icontains=word)
        )
        cases = cases.filter(
            Q(reference__icontains=word) | Q(summary__icontains=word) | Exists(named)
        )
    return cases


FACETS = ("status", "category", "assignee", "tag", "priority", "team")


def _closed_wanted(state: str | None) -> bool | None:
    """``state`` as the lists take it: "open", "closed" or nothing (both)."""
    if state not in (None, "", "open", "closed"):
        raise ValidationError({"state": "Choose open or closed."})
    return state == "closed" if state else None


def _statuses(*, closed: bool | None) -> QuerySet[CaseStatus]:
    """Closed or open statuses (None: all), as a subquery: the counts read only cases."""
    statuses = CaseStatus.all_offices.all()
    return (statuses if closed is None else statuses.filter(is_closed=closed)).values("pk")


def _late(user: User) -> Q:
    """Open cases past their due date, in the user's office's calendar."""
    return Q(due_date__lt=office_today(user.office), status_id__in=_statuses(closed=False))


def case_counts(user: User, **filters: Any) -> dict[str, Any]:
    """How many cases each filter option would find, given the other filters chosen.

    Returns ``{"total": n, "overdue": n, "status": {status id: n}, "category":
    {category id: n} (sub-categories counted under their own id too), "assignee":
    {user id or None: n}, "tag": {tag id: n}, "priority": {number: n},
    "team": {team id or None: n}}``. Only cases the user may see are counted.

    Two queries however many cases: the cases matching the filters that are not
    counted (state, text, mine, my teams) are grouped once by every counted column,
    and their tags once; each count then applies the *other* chosen filters to
    those groups here, so no option's count needs a scan of its own.
    """
    filters.pop("sort", None)
    scan = _filtered(
        user,
        **dict.fromkeys(FACETS),
        state=None,
        overdue=None,
        text=filters.get("text"),
        mine=filters.get("mine", False),
        my_teams=filters.get("my_teams", False),
    ).order_by()
    # Always through the statuses, even for every state: the counts then read one
    # range of the counting index per status, already in group order.
    scan = scan.filter(status_id__in=_statuses(closed=_closed_wanted(filters.get("state"))))
    chosen = _ChosenFacets.read(filters)
    late = _late(user)
    tagged = Q(Exists(CaseTag.all_offices.filter(case=OuterRef("pk"), tag_id__in=chosen.tags)))
    rows = list(
        scan.values(*COUNTED_COLUMNS).annotate(
            n=Count("id"),
            late=Count("id", filter=late),
            tagged=Count("id", filter=tagged) if chosen.tags else Value(0),
            tagged_late=Count("id", filter=tagged & late) if chosen.tags else Value(0),
        )
    )
    tag_rows = (
        scan.filter(tags__isnull=False)
        .values("tags", *COUNTED_COLUMNS)
        .annotate(n=Count("id"), late=Count("id", filter=late))
    )
    counts: dict[str, Any] = {
        "total": sum(chosen.matching(row) for row in rows),
        "overdue": sum(chosen.matching(row, ignoring="overdue", overdue=True) for row in rows),
    }
    for name, column in (
        ("status", "status_id"),
        ("assignee", "assignee_id"),
        ("priority", "priority"),
        ("team", "team_id"),
    ):
        counts[name] = _tally(rows, chosen, name, lambda row, column=column: [row[column]])
    counts["category"] = _tally(
        rows,
        chosen,
        "category",
        lambda row: [id_ for id_ in (row["category_id"], row["subcategory_id"]) if id_],
    )
    counts["tag"] = _tally(tag_rows, chosen, "tag", lambda row: [row["tags"]])
    return counts


# The columns case_counts groups by, in the order of the index that holds them.
COUNTED_COLUMNS = (
    "status_id",
    "category_id",
    "subcategory_id",
    "assignee_id",
    "priority",
    "team_id",
)


def _tally(
    rows: Iterable[dict[str, Any]],
    chosen: _ChosenFacets,
    facet: str,
    keys_of: Any,
) -> dict[Any, int]:
    """Each option's count for one filter: the cases every other chosen filter admits."""
    tally: dict[Any, int] = {}
    for row in rows:
        matching = chosen.matching(row, ignoring=facet)
        if matching:
            for key in keys_of(row):
                tally[key] = tally.get(key, 0) + matching
    return tally


@dataclass(frozen=True)
class _ChosenFacets:
    """The counted filters' chosen options, applied in Python to a group of cases.

    Mirrors the same filters in ``_filtered`` (which applies them in SQL). A group is
    cases alike in every counted column, with how many of them are late and tagged.
    """

    status: frozenset[int]
    category: frozenset[int]
    assignee: frozenset[int | None]
    tags: tuple[int, ...]
    priority: frozenset[int]
    team: frozenset[int]
    overdue: bool | None

    @classmethod
    def read(cls, filters: dict[str, Any]) -> _ChosenFacets:
        assignees = _ids(filters.get("assignee"))
        return cls(
            status=frozenset(_numbers(filters.get("status"), "status")),
            category=frozenset(_numbers(filters.get("category"), "category")),
            assignee=frozenset(
                [None] * (NOBODY in assignees)
                + _numbers([a for a in assignees if a != NOBODY], "assignee")
            ),
            tags=tuple(_numbers(filters.get("tag"), "tag")),
            priority=frozenset(_priority(value) for value in _ids(filters.get("priority"))),
            team=frozenset(_numbers(filters.get("team"), "team")),
            overdue=filters.get("overdue"),
        )

    def matching(
        self, row: dict[str, Any], *, ignoring: str = "", overdue: bool | None = None
    ) -> int:
        """How many of the group's cases pass every chosen filter but ``ignoring``."""
        if not (
            (ignoring == "status" or not self.status or row["status_id"] in self.status)
            and (
                ignoring == "category"
                or not self.category
                or row["category_id"] in self.category
                or row["subcategory_id"] in self.category
            )
            and (ignoring == "assignee" or not self.assignee or row["assignee_id"] in self.assignee)
            and (ignoring == "priority" or not self.priority or row["priority"] in self.priority)
            and (ignoring == "team" or not self.team or row["team_id"] in self.team)
        ):
            return 0
        overdue = self.overdue if overdue is None and ignoring != "overdue" else overdue
        tagged = bool(self.tags) and ignoring != "tag"
        everyone, late = (row["tagged"], row["tagged_late"]) if tagged else (row["n"], row["late"])
        if overdue is None:
            return everyone
        return late if overdue else everyone - late


def get_case_for(user: User, case_id: Any, channel: str = "page") -> Case:
    """One case the user may see, or 404 (another office's, a restricted one, or none)."""
    with bind_office(user.office, actor=user):
        return get_for(user, Case, case_id, channel=channel)


def parties_of(case: Case) -> QuerySet[CasePerson]:
    """The people on a case with their roles, in the order they were added."""
    return CasePerson.all_offices.filter(case=case).select_related("person")


def organisations_of(case: Case) -> QuerySet[CaseOrganisation]:
    """The organisations on a case with their roles, in the order they were added."""
    return CaseOrganisation.all_offices.filter(case=case).select_related("organisation")


def related_cases_of(user: User, case: Case) -> QuerySet[Case]:
    """The cases related to this one that the user may see (the others are not mentioned)."""
    return (
        Case.all_offices.all()
        .visible_to(user)
        .filter(Exists(CaseLink.all_offices.filter(case=case, other=OuterRef("pk"))))
        .select_related("status")
        .order_by("-opened_at", "-id")
    )
