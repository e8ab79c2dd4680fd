"""Incidents: abusive or threatening contact logged, with who it was aimed at and the follow-up
(police report, referral to the office's threat-assessment or security service, outcome).

Anyone in the office may record an incident; it is seen by managers, by whoever
recorded it and by the staff it was aimed at. Reads are logged (sensitive).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from casewell.offices.models import User
from casewell.offices.permissions import get_for, is_manager
from casewell.offices.tenancy import bind_office
from casewell.people.services import get_person_for
from casewell.safety.models import Incident, IncidentChannel

FOLLOW_UP_FIELDS = ("police_force", "police_reference", "referred_to", "outcome")


def get_incident_for(user: User, incident_id: object, *, channel: str = "page") -> Incident:
    return get_for(user, Incident, incident_id, channel=channel)


def incidents_for(user: User) -> QuerySet[Incident]:
    """Incidents the user may see, newest first."""
    incidents = Incident.objects.select_related("person", "recorded_by")
    if not is_manager(user):
        incidents = incidents.filter(Q(recorded_by=user) | Q(targeted=user)).distinct()
    return incidents


def record_incident(
    user: User,
    *,
    channel: str,
    happened_on: date | None,
    what_happened: str,
    person_id: int | None = None,
    targeted_ids: Iterable[int] = (),
) -> Incident:
    """Log abusive or threatening contact. Requires what happened, when (not in the future) and
    how; the person, if named, and the staff targeted must be of the user's office. Causes the
    incident and an audit entry."""
    problems: dict[str, str] = {}
    if channel not in IncidentChannel.values:
        problems["channel"] = "Choose how the contact was made"
    if happened_on is None:
        problems["happened_on"] = "Enter the date it happened"
    elif happened_on > timezone.localdate():
        problems["happened_on"] = "The date it happened must be today or in the past"
    if not what_happened.strip():
        problems["what_happened"] = "Say what happened"
    with bind_office(user.office, actor=user), transaction.atomic():
        person = None
        if person_id is not None:
            try:
                person = get_person_for(user, person_id)
            except Http404:
                problems["person"] = "That record was not found in your office"
        wanted = set(targeted_ids)
        targeted = list(User.objects.filter(office_id=user.office_id, pk__in=wanted))
        if len(targeted) != len(wanted):
            problems["targeted"] = "Choose staff from your office"
        if problems:
            raise ValidationError(problems)
        incident = Incident.objects.create(
            person=person,
            channel=channel,
            happened_on=happened_on,
            what_happened=what_happened.strip(),
            recorded_by=user,
        )
        incident.targeted.set(targeted)
    return incident


def record_follow_up(user: User, incident: Incident, **changes: str) -> Incident:
    """Record the police report, the referral and the outcome. Requires a manager or whoever
    recorded the incident. Causes an audit entry naming what changed."""
    if not (is_manager(user) or incident.recorded_by_id == user.pk):
        raise PermissionDenied("Only managers and whoever recorded it can record the follow-up.")
    unknown = set(changes) - set(FOLLOW_UP_FIELDS)
    if unknown:
        raise ValidationError({name: "This cannot be changed here" for name in unknown})
    with bind_office(user.office, actor=user), transaction.atomic():
        incident = Incident.objects.select_for_update(of=("self",)).get(pk=incident.pk)
        if changes.get("police_reference", "").strip() and not (
            changes.get("police_force", "").strip() or incident.police_force
        ):
            raise ValidationError({"police_force": "Name the police force the reference is from"})
        for name, value in changes.items():
            setattr(incident, name, value.strip())
        incident.save(update_fields=list(changes))
    return incident
