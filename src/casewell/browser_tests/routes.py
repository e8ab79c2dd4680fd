"""Every page Casewell serves, found from the URL configuration, with the ids to open it.

The walk in test_every_page.py visits each one with axe, so a new page is
checked without anyone remembering to add it. Record ids come from the URL
keyword's name (``person_id`` → a North ``Person``); a keyword the walk cannot
fill needs one line in ``KWARG_MAKERS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from casewell.offices.tenancy import across_all_offices
from casewell.testing.cast import Cast

# Routes that are not pages for people (the API has its own tests; downloads are files).
# A calendar feed is an ICS file for calendar apps, opened by its secret token.
NOT_PAGES = (
    "api/", "timeline/attachment/", "people/documents/", "inbox/attachment/", "wellbeing/feeds/",
)
# Documents shown only inside a sandboxed frame, where no script (nor axe) may run; the page
# framing them is walked.
FRAMED_DOCUMENTS = ("inbox:message_html",)


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    route: str  # "office/staff/<int:user_id>/"
    kwargs: tuple[str, ...]

    def __str__(self) -> str:
        return self.name or self.route


def _walk(patterns: list, prefix: str = "", namespace: str = "") -> list[Route]:  # type: ignore[type-arg]
    found: list[Route] = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            space = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += _walk(entry.url_patterns, route, space)
        elif isinstance(entry, URLPattern):
            module = getattr(entry.callback, "__module__", "")
            if (
                module.startswith("casewell.") and not route.startswith(NOT_PAGES) and entry.name
                and namespace + entry.name not in FRAMED_DOCUMENTS
            ):
                found.append(
                    Route(namespace + entry.name, route, tuple(_kwarg_names(prefix, entry)))
                )
    return found


def _kwarg_names(prefix: str, entry: URLPattern) -> list[str]:
    import re

    return re.findall(r"<(?:\w+:)?(\w+)>", prefix + str(entry.pattern))


def casewell_pages() -> list[Route]:
    return _walk(get_resolver().url_patterns)


def _invitation_id(cast: Cast) -> int:
    from casewell.offices.invitations import invite_staff

    return invite_staff(
        cast.amir, email="walk@nr.example", full_name="Walk Through", roles=["caseworker"]
    ).pk


def _person_id(cast: Cast) -> int:
    from casewell.offices.tenancy import bind_office
    from casewell.people.models import Person

    with bind_office(cast.north, actor=cast.amir):
        return Person.objects.create(
            office=cast.north, first_name="Grace", last_name="Hopper", postcode="LS1 4AP"
        ).pk


def _case_id(cast: Cast) -> int:
    from casewell.cases.models import Category
    from casewell.cases.services import open_case
    from casewell.offices.tenancy import bind_office

    with bind_office(cast.north):
        housing = Category.objects.filter(parent=None).order_by("position", "id").first()
    return open_case(
        cast.ada, summary="Walk-through case", category=housing, people=[_person_id(cast)]
    ).pk


def _timelineentry_id(cast: Cast) -> int:
    from casewell.cases.models import Case
    from casewell.timeline.services import add_note

    case_id = _case_id(cast)
    with across_all_offices():
        case = Case.all_offices.get(pk=case_id)
    return add_note(cast.ada, case, "A sensitive note for the walk", sensitive=True).pk


def _organisation_id(cast: Cast) -> int:
    from casewell.directory.services import add_organisation

    # The office's own organisation, so its edit page opens too.
    return add_organisation(
        cast.ben, {"name": "Walk-through Housing Trust", "kind": "housing_association"}
    ).pk


def _contact_id(cast: Cast) -> int:
    from casewell.directory.services import add_contact, get_organisation_for

    organisation = get_organisation_for(cast.ben, _organisation_id(cast))
    return add_contact(cast.ada, organisation, {"name": "Walter Through"}).pk


def _central_key(cast: Cast) -> str:
    from casewell.directory.importing import SAMPLE, import_central_directory

    import_central_directory(SAMPLE.read_bytes())
    return "northfield-council"


def _walked_person(cast: Cast):  # type: ignore[no-untyped-def]
    """A North person with every kind of detail, made through the people services."""
    from casewell.people.services import PersonDetails, create_person

    return create_person(
        cast.ada,
        PersonDetails(
            first_name="Ada",
            last_name="Walker",
            address_line_1="2 Walk Row",
            postcode="LS1 4AQ",
            phone="07811 100200",
            email="ada.walker@example.org",
            vulnerability_note="Prefers written contact.",
        ),
    )


def _people_record(kind: str) -> Callable[[Cast], object]:
    def make(cast: Cast) -> int:
        from casewell.offices.tenancy import bind_office
        from casewell.people import consent, merging

        person = _walked_person(cast)
        with bind_office(cast.north):
            if kind == "address":
                return person.addresses.get().pk
            if kind == "phonenumber":
                return person.phone_numbers.get().pk
            if kind == "personemail":
                return person.email_addresses.get().pk
        if kind == "thirdpartyauthority":
            return consent.add_authority(cast.ada, person, name="Wal King", relationship="carer").pk
        if kind == "permissionform":
            return consent.record_permission_form(
                cast.ada, person, full_name="Ada Walker", agencies="Home Office"
            ).pk
        return merging.merge_people(cast.ben, kept=person, merged=_walked_person(cast)).pk

    return make


def _loneworkingsession_id(cast: Cast) -> int:
    from datetime import timedelta

    from django.utils import timezone

    from casewell.safety.models import LoneWorkingSession
    from casewell.safety.services import SessionPlan, start_lone_working

    with across_all_offices():
        running = LoneWorkingSession.all_offices.filter(worker=cast.ada, ended_at=None).first()
    return (running or start_lone_working(cast.ada, SessionPlan(
        purpose="home_visit", location="Walk-through visit, 2 Park Row", buddy_id=cast.wes.pk,
        expected_end=timezone.now() + timedelta(hours=1), emergency_contact_name="Sam Lovelace",
        emergency_contact_phone="07700 900123",
    ))).pk


def _safetyalert_id(cast: Cast) -> int:
    from casewell.offices.tenancy import bind_office
    from casewell.safety.services import get_session_for, press_panic

    with bind_office(cast.north):
        visit = get_session_for(cast.ada, _loneworkingsession_id(cast))
    return press_panic(cast.ada, visit).pk


def _team_id(cast: Cast) -> int:
    from casewell.offices.services import create_team

    return create_team(cast.ben, "Walk-through team", members=[cast.ada, cast.ivy]).pk


def _tag_id(cast: Cast) -> int:
    from casewell.cases.models import Case
    from casewell.cases.services import create_tag, tag_case

    tag = create_tag(cast.ada, "Walk-through tag")
    with across_all_offices():
        case = Case.all_offices.get(pk=_case_id(cast))
    tag_case(cast.ada, case, tag)
    return tag.pk


def _safetymarker_id(cast: Cast) -> int:
    from datetime import timedelta

    from django.utils import timezone

    from casewell.offices.tenancy import bind_office
    from casewell.people.services import get_person_for
    from casewell.safety.markers import add_safety_marker

    with bind_office(cast.north):
        person = get_person_for(cast.ben, _person_id(cast))
    return add_safety_marker(
        cast.ben, person, kind="do_not_visit_alone", note="",
        review_on=timezone.localdate() + timedelta(days=90),
    ).pk


def _incident_id(cast: Cast) -> int:
    from django.utils import timezone

    from casewell.safety.incidents import record_incident

    return record_incident(
        cast.ada, channel="call", happened_on=timezone.localdate(),
        what_happened="Walk-through: shouted down the phone", targeted_ids=[cast.ada.pk],
    ).pk


def _evidencelink_id(cast: Cast) -> int:
    from casewell.offices.tenancy import bind_office
    from casewell.safety.evidence import link_evidence
    from casewell.safety.incidents import get_incident_for

    with bind_office(cast.north):
        incident = get_incident_for(cast.ben, _incident_id(cast))
    return link_evidence(cast.ben, incident, timeline_entry_id=_timelineentry_id(cast)).pk


def _supportoption_id(cast: Cast) -> int:
    from casewell.safety.support import support_for

    return support_for(cast.ben)[0].pk


def _inboxaddress_id(cast: Cast) -> int:
    from casewell.inbox.mail_settings import add_address

    return add_address(cast.ben, "walked@northridge.example").pk


def _imapmailbox_id(cast: Cast) -> int:
    from casewell.inbox.mail_settings import add_mailbox

    return add_mailbox(
        cast.ben, label="Walked mailbox", host="imap.northridge.example", username="walker",
        password="walked-secret",  # noqa: S106 - a made-up mailbox
    ).pk


def _rawmessage_id(cast: Cast) -> int:
    """A message that could not be read, waiting in North's quarantine."""
    from casewell.inbox.services import read_raw_message, receive_raw

    raw = receive_raw(cast.north, b"Walked bytes, not mail", door="import", source="walk.eml")
    read_raw_message(raw.pk)
    return raw.pk


def _message_id(cast: Cast) -> int:
    """A message North received with a PDF attached (so its attachment opens too)."""
    from casewell.files.testing import PDF_BYTES
    from casewell.inbox.models import MessageAttachment
    from casewell.inbox.services import read_raw_message, receive_raw

    with across_all_offices():
        kept = MessageAttachment.all_offices.filter(office=cast.north, stored_file__isnull=False)
        if not kept.exists():
            raw = receive_raw(
                cast.north,
                b"From: Walker <walker@example.org>\r\nSubject: Walked message\r\n"
                b"Message-ID: <walked@example.org>\r\nMIME-Version: 1.0\r\n"
                b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n"
                b"Content-Type: text/html\r\n\r\n<p>Walked <b>words</b></p>\r\n--B\r\n"
                b"Content-Type: application/pdf\r\nContent-Disposition: attachment; "
                b"filename=walked.pdf\r\n\r\n" + PDF_BYTES + b"\r\n--B--\r\n",
                door="smtp",
            )
            read_raw_message(raw.pk)
        return kept.order_by("pk").values_list("message_id", flat=True).first()


def _messageattachment_id(cast: Cast) -> int:
    from casewell.inbox.models import MessageAttachment

    message_id = _message_id(cast)
    with across_all_offices():
        return MessageAttachment.all_offices.filter(
            message_id=message_id, stored_file__isnull=False
        ).order_by("pk").values_list("pk", flat=True).first()


def _campaign_id(cast: Cast) -> int:
    """A campaign North started from a message it received."""
    from casewell.inbox.campaign_answers import mark_as_campaign
    from casewell.inbox.triage import get_message_for

    with across_all_offices():
        from casewell.inbox.models import Campaign

        found = Campaign.all_offices.filter(office=cast.north).order_by("pk").first()
    if found is not None:
        return found.pk
    message = get_message_for(cast.ben, _message_id(cast))
    return mark_as_campaign(cast.ben, message, title="Walked campaign").pk


def _outgoingmessage_id(cast: Cast) -> int:
    """An e-mail sent from a North case (kept; its job not run)."""
    from casewell.inbox.compose import case_to_write_from, send_from_case

    case = case_to_write_from(cast.ada, _case_id(cast))
    return send_from_case(
        cast.ada, case, to="walker@example.org", subject="Walked", body="Walked words"
    ).pk
def _walker(cast: Cast):  # type: ignore[no-untyped-def]
    """The page walk's own member of staff (every role; see test_every_page's ``everyone``):
    put-down notes and supervision records open only for their own people."""
    from casewell.offices.models import User

    return User.objects.get(office=cast.north, email="eve@nr.example")


def _putdownnote_id(cast: Cast) -> int:
    from casewell.wellbeing.put_down import put_it_down

    return put_it_down(_walker(cast), note="What the walk is carrying").note.pk


def _supervisionrecord_id(cast: Cast) -> int:
    from datetime import timedelta

    from django.utils import timezone

    from casewell.wellbeing.supervision import SessionPlan, schedule_supervision, write_record

    walker = _walker(cast)
    (session,) = schedule_supervision(cast.ben, SessionPlan(
        kind="one_to_one", supervisor_id=cast.ben.pk, supervisee_ids=[walker.pk],
        starts_at=timezone.now() - timedelta(hours=1),
    ))  # fmt: skip
    return write_record(walker, session, walker.pk, text="The walk's supervision",
                        actions=[("Walk on", None)]).pk  # fmt: skip


def _agreedaction_id(cast: Cast) -> int:
    from casewell.offices.tenancy import bind_office
    from casewell.wellbeing.models import AgreedAction

    record_id = _supervisionrecord_id(cast)
    with bind_office(cast.north):
        return AgreedAction.objects.get(record_id=record_id).pk


def _huddle_id(cast: Cast) -> int:
    from casewell.wellbeing.huddles import DecisionPlan, record_huddle

    return record_huddle(cast.ben, kind="weekly", attendee_ids=[cast.ben.pk],
                         learning_theme="Walking", decisions=[DecisionPlan(decision="Walk")]).pk


def _supervisionsession_id(cast: Cast) -> int:
    from datetime import timedelta

    from django.utils import timezone

    from casewell.wellbeing.supervision import SessionPlan, schedule_supervision

    return schedule_supervision(cast.ben, SessionPlan(
        kind="group", supervisor_id=cast.ben.pk, supervisee_ids=[cast.ada.pk, cast.wes.pk],
        starts_at=timezone.now() - timedelta(hours=1),
    ))[0].pk  # fmt: skip


def _nomeetingtime_id(cast: Cast) -> int:
    from datetime import time

    from casewell.wellbeing.meeting_times import add_no_meeting_time

    return add_no_meeting_time(cast.ben, repeats="daily", starts=time(12, 30), ends=time(13)).pk


def _notification_id(cast: Cast) -> int:
    from casewell.notify.services import deliver

    return deliver(cast.ada, subject="Walk-through reminder", safety=True).pk


def _officephrase_id(cast: Cast) -> int:
    from casewell.wellbeing.services import add_office_phrase

    return add_office_phrase(cast.ben, "abuse", "walk-through phrase", 2).pk


# One line per URL keyword whose record the cast does not already hold.
KWARG_MAKERS: dict[str, Callable[[Cast], object]] = {
    "notification_id": _notification_id,
    "user_id": lambda cast: cast.ada.pk,
    "invitation_id": _invitation_id,
    "person_id": _person_id,
    "loneworkingsession_id": _loneworkingsession_id,
    "safetyalert_id": _safetyalert_id,
    "safetymarker_id": _safetymarker_id,
    "incident_id": _incident_id,
    "evidencelink_id": _evidencelink_id,
    "supportoption_id": _supportoption_id,
    # The SMS provider's address names the office; it answers POSTs only (405 to the walk).
    "office_id": lambda cast: cast.north.pk,
    "case_id": _case_id,
    "team_id": _team_id,
    "tag_id": _tag_id,
    "timelineentry_id": _timelineentry_id,
    # Dismissing a break nudge answers POSTs only (405 to the walk): any id will do.
    "breaknudge_id": lambda cast: 1,
    "organisation_id": _organisation_id,
    "contact_id": _contact_id,
    "central_key": _central_key,
    "address_id": _people_record("address"),
    "phonenumber_id": _people_record("phonenumber"),
    "personemail_id": _people_record("personemail"),
    "thirdpartyauthority_id": _people_record("thirdpartyauthority"),
    "permissionform_id": _people_record("permissionform"),
    "personmerge_id": _people_record("personmerge"),
    "rawmessage_id": _rawmessage_id,
    "inboxaddress_id": _inboxaddress_id,
    "imapmailbox_id": _imapmailbox_id,
    "message_id": _message_id,
    "messageattachment_id": _messageattachment_id,
    "campaign_id": _campaign_id,
    "outgoingmessage_id": _outgoingmessage_id,
    "huddle_id": _huddle_id,
    "putdownnote_id": _putdownnote_id,
    "nomeetingtime_id": _nomeetingtime_id,
    "supervisionsession_id": _supervisionsession_id,
    "supervisionrecord_id": _supervisionrecord_id,
    "agreedaction_id": _agreedaction_id,
    # Flagging by hand: an item is named by its kind and id (a timeline entry for the walk).
    "kind": lambda cast: "timeline",
    "item_id": _timelineentry_id,
    "officephrase_id": _officephrase_id,
}


def north_kwargs(route: Route, cast: Cast) -> dict[str, object]:
    """Ids of North's records for each keyword of the route."""
    kwargs: dict[str, object] = {}
    for name in route.kwargs:
        if name in KWARG_MAKERS:
            kwargs[name] = KWARG_MAKERS[name](cast)
        elif name.endswith("_id"):
            kwargs[name] = _existing_north_record(name.removesuffix("_id"), cast)
        else:
            raise LookupError(
                f"The page walk cannot fill <{name}> in {route.route}; add a line for it to "
                "KWARG_MAKERS in casewell/browser_tests/routes.py, or to SPECIAL_PAGES if it "
                "is opened differently."
            )
    return kwargs


def _existing_north_record(model_name: str, cast: Cast) -> int:
    for model in apps.get_models():
        if model._meta.model_name == model_name and model.__module__.startswith("casewell."):
            with across_all_offices():
                manager = getattr(model, "all_offices", model._default_manager)
                record = manager.filter(office=cast.north).order_by("pk").first()
            if record is not None:
                return record.pk
    raise LookupError(
        f"North has no {model_name} for the page walk to open; add a maker for "
        f"'{model_name}_id' to KWARG_MAKERS in casewell/browser_tests/routes.py."
    )
