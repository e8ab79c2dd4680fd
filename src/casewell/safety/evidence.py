"""Evidence of an incident, kept from retention.

An incident links the timeline entries and stored files that show what happened.
While linked they are **on hold**: ``files.services.delete_stored_file`` asks
``hold_reason`` and refuses (``FileOnHold``), the orphan sweep never reaches a file
that still has its row, and the links' PROTECT foreign keys stop a timeline entry or
file from going in a cascade (a case deleted, say). A timeline entry's attachments are
held with it.

**Messages.** ``link_message`` keeps an inbox message as evidence (its link names it
``"inbox.Message:<id>"``). The inbox asks ``message_hold_reason`` before deleting a
message or its raw mail (``inbox.records``), and ``hold_reason`` answers for the stored
files of a held message (its raw mail and attachments) as for any linked file.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from casewell.files.models import StoredFile
from casewell.inbox import records as inbox_records
from casewell.offices.models import User
from casewell.offices.permissions import get_for, is_manager, may_see
from casewell.offices.tenancy import across_all_offices, bind_office
from casewell.safety.models import EvidenceLink, Incident
from casewell.timeline.models import TimelineAttachment, TimelineEntry

LINKABLE_ENTRIES = 50
LINKABLE_MESSAGES = 50
MESSAGE = "inbox.Message:"


def _reason(link: EvidenceLink) -> str:
    return f"it is evidence of an incident recorded on {link.incident.recorded_at:%d %b %Y}"


def hold_reason(stored_file: StoredFile) -> str | None:
    """Why the file is held (linked itself, attached to a linked entry, or the raw mail or an
    attachment of a linked message), or None."""
    entries = TimelineAttachment.objects.filter(stored_file_id=stored_file.pk).values("entry_id")
    held = Q(stored_file_id=stored_file.pk) | Q(timeline_entry__in=entries)
    message_id = inbox_records.message_keeping_file(stored_file.pk)
    if message_id is not None:
        held |= Q(source=f"{MESSAGE}{message_id}")
    link = EvidenceLink.objects.filter(held).select_related("incident").first()
    return _reason(link) if link is not None else None


def message_hold_reason(message_id: int) -> str | None:
    """Why the inbox message is held, or None. Asked before any deletion of it: it looks
    across offices, so a deletion with no office bound is refused too, never let through."""
    with across_all_offices():
        link = (
            EvidenceLink.all_offices.filter(source=f"{MESSAGE}{message_id}")
            .select_related("incident")
            .first()
        )
    return _reason(link) if link is not None else None


def entry_hold_reason(entry: TimelineEntry) -> str | None:
    """Why the timeline entry is held, or None (for any future way of deleting entries)."""
    link = (
        EvidenceLink.objects.filter(timeline_entry_id=entry.pk).select_related("incident").first()
    )
    return _reason(link) if link is not None else None


def source_hold_reason(source: str) -> str | None:
    """Why the record named ``"app.Model:id"`` is held, or None (for the inbox)."""
    link = EvidenceLink.objects.filter(source=source).select_related("incident").first()
    return _reason(link) if link is not None else None


def may_link(user: User, incident: Incident) -> bool:
    return is_manager(user) or incident.recorded_by_id == user.pk


def evidence_of(incident: Incident) -> list[EvidenceLink]:
    """The incident's evidence, oldest link first, with what each names."""
    return list(
        EvidenceLink.objects.filter(incident=incident).select_related(
            "timeline_entry__case", "stored_file", "linked_by"
        )
    )


def linkable_entries(user: User, incident: Incident) -> list[TimelineEntry]:
    """Recent timeline entries of the cases of the person the incident came from, that the user
    may see: what the incident page offers to link."""
    if incident.person_id is None:
        return []
    entries = (
        TimelineEntry.objects.filter(case__parties__person_id=incident.person_id)
        .select_related("case")
        .order_by("-occurred_at", "-id")
        .distinct()[: LINKABLE_ENTRIES * 2]
    )
    return [entry for entry in entries if may_see(user, entry)][:LINKABLE_ENTRIES]


def link_evidence(
    user: User,
    incident: Incident,
    *,
    timeline_entry_id: Any = None,
    stored_file_id: Any = None,
    note: str = "",
) -> EvidenceLink:
    """Keep a timeline entry (with its attachments) or a stored file as evidence of the incident.

    Requires a manager or whoever recorded the incident (a file on its own: a manager),
    exactly one item, of the office, that the user may see. Causes the link (which puts
    the item on hold) and an audit entry.
    """
    if not may_link(user, incident):
        raise PermissionDenied("Only managers and whoever recorded it can add evidence.")
    if (timeline_entry_id in (None, "")) == (stored_file_id in (None, "")):
        raise ValidationError({"timeline_entry": "Choose one timeline entry or one file"})
    with bind_office(user.office, actor=user), transaction.atomic():
        fields: dict[str, Any] = {}
        if timeline_entry_id not in (None, ""):
            entry = _found(user, TimelineEntry, timeline_entry_id, "timeline_entry")
            fields["timeline_entry"] = entry
        else:
            # A file has no reader of its own (its holder decides): only managers name one.
            if not is_manager(user):
                raise PermissionDenied("Only managers can keep a file as evidence by itself.")
            fields["stored_file"] = _found(user, StoredFile, stored_file_id, "stored_file")
        try:
            with transaction.atomic():
                return EvidenceLink.objects.create(
                    incident=incident, note=note.strip()[:300], linked_by=user, **fields
                )
        except IntegrityError as error:
            field = next(iter(fields))
            raise ValidationError({field: "This is already evidence of the incident"}) from error


def link_source(user: User, incident: Incident, source: str, *, note: str = "") -> EvidenceLink:
    """Keep a record of another domain, named ``"app.Model:id"``, as evidence (the inbox's
    messages). The caller has checked the user may see it. Same rules as ``link_evidence``."""
    if not may_link(user, incident):
        raise PermissionDenied("Only managers and whoever recorded it can add evidence.")
    if ":" not in source or len(source) > 100:
        raise ValidationError({"source": "Name the record as app.Model:id"})
    with bind_office(user.office, actor=user), transaction.atomic():
        return EvidenceLink.objects.create(
            incident=incident, source=source, note=note.strip()[:300], linked_by=user
        )


def linkable_messages(user: User, incident: Incident) -> list[Any]:
    """Recent inbox messages from the person the incident came from, that the user may read
    and that are not yet evidence of it: what the incident page offers to link."""
    if incident.person_id is None:
        return []
    linked = set(
        EvidenceLink.objects.filter(incident=incident, source__startswith=MESSAGE).values_list(
            "source", flat=True
        )
    )
    offered = inbox_records.messages_from(user, incident.person_id, limit=LINKABLE_MESSAGES)
    return [message for message in offered if f"{MESSAGE}{message.pk}" not in linked]


def link_message(
    user: User, incident: Incident, message_id: Any, *, note: str = ""
) -> EvidenceLink:
    """Keep an inbox message (with its raw mail and attachments) as evidence of the incident.

    Requires a manager or whoever recorded the incident, and a message of the office that
    the user may read (one routed to a designated handler: the handler or a manager).
    Causes the link, which holds the message and its files from deletion, and an audit entry.
    """
    if not may_link(user, incident):
        raise PermissionDenied("Only managers and whoever recorded it can add evidence.")
    try:
        wanted = int(str(message_id).strip())
    except ValueError:
        wanted = None
    message = inbox_records.message_for(user, wanted) if wanted is not None else None
    if message is None:
        raise ValidationError({"message": "That message was not found in your inbox"})
    source = f"{MESSAGE}{message.pk}"
    with bind_office(user.office, actor=user), transaction.atomic():
        if EvidenceLink.objects.filter(incident=incident, source=source).exists():
            raise ValidationError({"message": "This message is already evidence of the incident"})
        return EvidenceLink.objects.create(
            incident=incident, source=source, note=note.strip()[:300], linked_by=user
        )


def record_threatening_message(user: User, message_id: Any, **details: Any) -> Incident:
    """Record an incident from an inbox message and keep the message as its evidence, together
    or not at all. Requires what ``incidents.record_incident`` and ``link_message`` require."""
    from casewell.safety.incidents import record_incident

    with transaction.atomic():
        incident = record_incident(user, **details)
        link_message(user, incident, message_id)
    return incident


def incidents_to_add_to(user: User, person_id: int | None) -> list[Incident]:
    """Incidents the user may add evidence to (a manager: any; others: those they recorded),
    the person's first, then newest first: what a message's "Add to incident" offers."""
    incidents = Incident.objects.select_related("person").order_by("-happened_on", "-id")
    if not is_manager(user):
        incidents = incidents.filter(recorded_by=user)
    found = list(incidents[:LINKABLE_MESSAGES])
    return sorted(found, key=lambda incident: incident.person_id != person_id or person_id is None)


def linked_messages(links: list[EvidenceLink]) -> dict[int, Any]:
    """The messages the links name, by link id (one query), for the incident page."""
    ids = {
        link.pk: int(link.source[len(MESSAGE) :])
        for link in links
        if link.source.startswith(MESSAGE) and link.source[len(MESSAGE) :].isdigit()
    }
    found = inbox_records.messages_named(ids.values()) if ids else {}
    return {link_id: found[pk] for link_id, pk in ids.items() if pk in found}


def _found(user: User, model: type, pk: Any, field: str) -> Any:
    try:
        record = model.objects.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        record = None
    if record is None or not may_see(user, record):
        raise ValidationError({field: "That record was not found in your office"})
    return record


def get_evidence_for(user: User, evidencelink_id: Any) -> EvidenceLink:
    return get_for(user, EvidenceLink, evidencelink_id)


def release_evidence(manager: User, link: EvidenceLink) -> None:
    """Take an item off the incident's evidence, lifting its hold. Requires a manager.
    Causes an audit entry (the link's removal)."""
    if not is_manager(manager):
        raise PermissionDenied("Only managers can release evidence.")
    with bind_office(manager.office, actor=manager), transaction.atomic():
        link.delete()
