"""The wall between offices, walked route by route.

Cleo works in South. Signed in (and holding an API token), she asks for every
URL the project has — its own pages, allauth's, the API's — with North's
record ids put into every id in the URL. Each must answer as if North's record
did not exist. A route added tomorrow is walked too: nothing here lists today's
URLs. A route whose URL carries something other than ``<model>_id`` fails the
test until it follows the convention or is described in ``NOT_RECORD_IDS``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import time, timedelta
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.db import models
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils import timezone
from django.utils.http import int_to_base36
from django.utils.regex_helper import normalize

from casewell.api import api
from casewell.cases.services import create_tag, open_case, tag_case
from casewell.directory.services import add_contact, add_organisation
from casewell.files.testing import PDF_BYTES, upload
from casewell.inbox import mail_settings, triage
from casewell.inbox import services as inbox_services
from casewell.inbox.models import Message
from casewell.offices.audit import log_sensitive_read
from casewell.offices.invitations import invite_staff
from casewell.offices.models import AuditEntry, Office, Role, User
from casewell.offices.services import create_team
from casewell.offices.tenancy import across_all_offices, bind_office
from casewell.offices.tokens import create_token
from casewell.people import consent as people_consent
from casewell.people import documents as people_documents
from casewell.people import merging as people_merging
from casewell.people import services as people_services
from casewell.people.models import Person
from casewell.safety.evidence import link_evidence
from casewell.safety.handlers import route_contact_to
from casewell.safety.incidents import record_incident
from casewell.safety.markers import add_safety_marker
from casewell.safety.services import (
    SessionPlan,
    change_my_mobile,
    press_panic,
    start_lone_working,
)
from casewell.safety.support import support_for
from casewell.safety.texts import check_in_by_reply
from casewell.timeline.models import TimelineEntry
from casewell.timeline.services import add_document, add_note
from casewell.wellbeing import huddles as wellbeing_huddles
from casewell.wellbeing import meeting_times as wellbeing_meeting_times
from casewell.wellbeing import put_down as wellbeing_put_down
from casewell.wellbeing import services as wellbeing_services
from casewell.wellbeing import supervision as wellbeing_supervision
from casewell.wellbeing.exposure import record_exposure
from casewell.wellbeing.workload import change_workload_settings, set_case_workload

# URL keyword arguments that are not one of our records' ids, each with why it is
# safe to fill in as below. A new one goes here only with a reason; a record id
# is always named ``<model>_id``.
NOT_RECORD_IDS: dict[str, Callable[[Any], Any]] = {
    # allauth's e-mail confirmation and password-reset keys, and the invitation
    # link's token: secrets that *are* the permission, not ids. A made-up one
    # must reveal nothing; North's real user id goes where allauth expects one.
    "key": lambda north: "cleo-does-not-know-this-key",
    "token": lambda north: "cleo-does-not-know-this-token",
    "uidb36": lambda north: int_to_base36(north.record_of(User).pk),
    # allauth's WebAuthn key pages name the Authenticator row plain ``pk``.
    "pk": lambda north: north.record_of(Authenticator).pk,
    # A central directory entry's key: the installation's shared directory, which every
    # office reads, so no key is North's; North's own copies are ``organisation_id``.
    # A made-up key must be 404 like any unknown entry.
    "central_key": lambda north: "cleo-does-not-know-this-entry",
    # Flagging an item as distressing names it by kind and id (a message, a timeline entry or
    # a person's document): North's timeline entry stands for all three kinds.
    "kind": lambda north: "timeline",
    "item_id": lambda north: north.record_of(TimelineEntry),
}
# For these the URL holds a secret rather than an id, so a page answering 200 (allauth's
# "this link is not valid") is fine as long as none of North's details appear in it.
SECRET_KWARGS = {"key", "token", "uidb36"}

# Answers that tell Cleo nothing about North's record: it does not exist for her (404),
# she may not (403), the method is not offered (405, the same for every id), or the
# request is malformed before any record is looked up (422, API bodies only).
REFUSALS = {403, 404, 405}
API_BODY_REFUSALS = REFUSALS | {422}
NOT_LEAKING_STATUS_FOR_SECRETS = REFUSALS | {200}


@dataclass
class North:
    """North's records and the strings that would betray them."""

    office: Office
    records: dict[str, models.Model]
    strings: list[str]

    def record_of(self, model: type[models.Model]) -> models.Model:
        """A record of ``model`` belonging to North (one the fixture made, or any)."""
        if model is Office:
            return self.office
        fields = {field.name for field in model._meta.get_fields()}
        with across_all_offices():
            rows = model._base_manager.order_by("pk")
            if "office" in fields:
                rows = rows.filter(office=self.office)
            elif "user" in fields:
                rows = rows.filter(user__office=self.office)
            else:
                pytest.fail(
                    f"No way to tell which {model._meta.label} belongs to North: "
                    f"teach North.record_of in {__file__} how to find one."
                )
            record = rows.first()
        if record is None:
            pytest.fail(
                f"North has no {model._meta.label} to test the wall with: "
                f"make one in the `north` fixture in {__file__} (through its service)."
            )
        return record


def _first_category(office: Office) -> Any:
    from casewell.cases.models import Category

    with bind_office(office):
        return Category.objects.filter(parent=None).order_by("position", "id").first()


@pytest.fixture
def north(cast, settings, tmp_path) -> North:
    """One of each kind of North record a route might name, made the usual way."""
    with bind_office(cast.north, actor=cast.ada):
        harriet = Person.objects.create(
            first_name="Harriet", last_name="Walsh", email="harriet.walsh@example.org",
            postcode="LS1 4DY",
        )
    # Her contact details, who may act for her, her permission form and a merge, as the
    # people services make them.
    people_records = {
        "address": people_services.add_address(
            cast.ada, harriet, line_1="1 Park Row", postcode="LS1 4DY"
        ),
        "phonenumber": people_services.add_phone(cast.ada, harriet, number="07811 123456"),
        "personemail": people_services.add_email(cast.ada, harriet, address="hw@example.org"),
        "thirdpartyauthority": people_consent.add_authority(
            cast.ada, harriet, name="Tom Walsh", relationship="family"
        ),
        "permissionform": people_consent.record_permission_form(
            cast.ada, harriet, full_name="Harriet Walsh", agencies="Home Office"
        ),
        "personmerge": people_merging.merge_people(
            cast.ben, kept=harriet, merged=people_services.create_person(
                cast.ada, people_services.PersonDetails(first_name="Hattie", last_name="Walsh")
            ),
        ),
    }
    invitation = invite_staff(
        cast.amir, email="priya.new@nr.example", full_name="Priya Newcombe", roles=[Role.CASEWORKER]
    )
    api_token, _ = create_token(cast.ada, "North's export script")
    with bind_office(cast.north, actor=cast.ada):
        log_sensitive_read(cast.ada, harriet, channel="page")
    ridgeway = add_organisation(
        cast.ben, {"name": "Ridgeway Tenants Trust", "kind": "housing_association"}
    )
    dorothy = add_contact(cast.ada, ridgeway, {"name": "Dorothy Kettering", "role": "Officer"})
    damp = open_case(
        cast.ada, summary="Damp in Harriet's back bedroom", category=_first_category(cast.north),
        people=[harriet],
    )
    # A tag on the case and a team, for the case settings pages.
    tag_case(cast.ada, damp, create_tag(cast.ada, "Northern damp"))
    create_team(cast.ben, "North housing team", members=[cast.ada])
    # A sensitive note and a document on the case's timeline (files kept in this test's folder).
    settings.DATA_DIR = tmp_path
    stairwell = add_note(cast.ada, damp, "Landlord threatened her in the stairwell", sensitive=True)
    tenancy = add_document(cast.ada, damp, upload("Walsh tenancy.pdf", PDF_BYTES))
    people_records["persondocument"] = people_documents.add_document(
        cast.ada, harriet, upload("Walsh passport.pdf", PDF_BYTES)
    )
    with bind_office(cast.north):
        tenancy_file = tenancy.entry_files.get()
    # Ada is offered a break after two heavy cases in a row (wellbeing's workload).
    change_workload_settings(cast.ben, nudge_items=2)
    for heavy in (damp, open_case(
        cast.ada, summary="Threats at the door", category=_first_category(cast.north)
    )):
        set_case_workload(cast.ben, heavy, distress=3, reason="Threats to Harriet")
        record_exposure(cast.ada, heavy, "opened")
    visit = start_lone_working(cast.ada, SessionPlan(
        purpose="home_visit", location="3 Kirkgate, Leeds", buddy_id=cast.wes.pk,
        expected_end=timezone.now() + timedelta(hours=2), emergency_contact_name="Sam Lovelace",
        emergency_contact_phone="07700 900123", person_id=harriet.pk, case_id=damp.pk,
    ))
    change_my_mobile(cast.ada, "07700 900555")
    check_in_by_reply(cast.north, cast.ada.email, "OK", message_id="<north-check-in@x>")
    alarm = press_panic(cast.ada, visit)
    threat = record_incident(cast.ada, channel="call", happened_on=timezone.localdate(),
                             what_happened="Shouted threats down the phone",
                             targeted_ids=[cast.ada.pk])
    marker = add_safety_marker(cast.ben, harriet, kind="do_not_visit_alone", note="",
                               review_on=timezone.localdate() + timedelta(days=90))
    kept = link_evidence(cast.ada, threat, timeline_entry_id=stairwell.pk, note="Threat noted")
    route_contact_to(cast.ben, harriet, handler_id=cast.wes.pk, reason="Threatened Ada")
    (listening, *_) = support_for(cast.ben)
    # Mail North received, kept by the inbox: one read into a message with an attachment,
    # one that is not mail and waits in quarantine.
    photos = inbox_services.receive_raw(
        cast.north,
        b"From: Harriet Walsh <harriet.walsh@example.org>\r\nSubject: North damp photos\r\n"
        b"Message-ID: <north.damp@example.org>\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n"
        b"Content-Type: text/plain\r\n\r\nPhotos of the damp.\r\n--B\r\n"
        b"Content-Type: application/pdf\r\nContent-Disposition: attachment; "
        b"filename=north-damp.pdf\r\n\r\n" + PDF_BYTES + b"\r\n--B--\r\n",
        door="smtp",
    )
    stuck = inbox_services.receive_raw(
        cast.north, b"North stuck bytes", door="import", source="north-stuck.eml"
    )
    for raw in (photos, stuck):
        inbox_services.read_raw_message(raw.pk)
    with bind_office(cast.north):
        photos_message = Message.objects.get(raw=photos)
        inbox_records = {
            "rawmessage": stuck, "message": photos_message,
            "messageattachment": photos_message.attachments.get(),
        }
    # Mail that came in on the case: on its timeline, with its attachment.
    answer = inbox_services.receive_raw(
        cast.north,
        b"From: Tom Walsh <tom.walsh@example.org>\r\nSubject: North timeline mail\r\n"
        b"Message-ID: <north.timeline@example.org>\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n"
        b"Content-Type: text/plain\r\n\r\nThe surveyor's report.\r\n--B\r\n"
        b"Content-Type: application/pdf\r\nContent-Disposition: attachment; "
        b"filename=north-timeline.pdf\r\n\r\n" + PDF_BYTES + b"\r\n--B--\r\n",
        door="smtp",
    )
    inbox_services.read_raw_message(answer.pk)
    with bind_office(cast.north):
        answer_message = Message.objects.get(raw=answer)
    triage.link_to_case(cast.ada, answer_message, damp.reference)
    with bind_office(cast.north):
        mail_entry = TimelineEntry.objects.get(source=f"inbox.Message:{answer_message.pk}")
        inbox_records["incoming mail entry"] = mail_entry
        inbox_records["incoming mail file"] = mail_entry.entry_files.get()
    # Mail North sends: a reply from the case, and a campaign the photos message started.
    from casewell.inbox import campaign_answers, compose

    reply = compose.send_from_case(
        cast.ada, damp, to="harriet.walsh@example.org", subject="North reply", body="Reply"
    )
    inbox_records["outgoingmessage"] = reply
    inbox_records["campaign"] = campaign_answers.mark_as_campaign(
        cast.ada, photos_message, title="North library campaign"
    )
    # Where North's mail comes in: an inbox address and an IMAP mailbox.
    mail_in = {
        "inboxaddress": mail_settings.add_address(cast.ben, "casework@northridge.example"),
        "imapmailbox": mail_settings.add_mailbox(
            cast.ben, label="North casework mailbox", host="imap.northridge.example",
            username="northcasework", password="north-imap-secret",
        ),
    }
    # A colleague message to Ada (urgent, so delivered whatever the hour).
    from casewell.notify.services import send_colleague_message

    note_to_ada = send_colleague_message(
        cast.ben, cast.ada.pk, "North note about the damp visit", urgent=True,
        urgent_reason="North visit moved",
    ).notification
    # Wellbeing: a huddle's decision about the case, a put-down note handing it on, a
    # no-meeting time, and a supervision session with its private record and action.
    huddle = wellbeing_huddles.record_huddle(
        cast.ben, kind="daily", attendee_ids=[cast.ada.pk, cast.ben.pk],
        decisions=[wellbeing_huddles.DecisionPlan(decision="North huddle decision",
                                                  case_id=damp.pk)],
    )  # fmt: skip
    carrying = wellbeing_put_down.put_it_down(
        cast.ada, note="North carrying note", hand_over=[damp.pk], handover_note="North handover"
    )
    lunch = wellbeing_meeting_times.add_no_meeting_time(
        cast.ben, repeats="daily", starts=time(12, 30), ends=time(13), label="North lunch"
    )
    (supervised,) = wellbeing_supervision.schedule_supervision(
        cast.ben, wellbeing_supervision.SessionPlan(
            kind="one_to_one", supervisor_id=cast.ben.pk, supervisee_ids=[cast.ada.pk],
            starts_at=timezone.now() - timedelta(hours=1), place="North room",
        ),
    )  # fmt: skip
    supervision_record = wellbeing_supervision.write_record(
        cast.ada, supervised, cast.ada.pk, text="North supervision record",
        actions=[("North agreed action", None)],
    )  # fmt: skip
    wellbeing_records = {
        "huddle": huddle, "putdownnote": carrying.note, "nomeetingtime": lunch,
        "supervisionsession": supervised, "supervisionrecord": supervision_record,
        "agreedaction": wellbeing_supervision.actions_of(supervision_record)[0],
        "officephrase": wellbeing_services.add_office_phrase(
            cast.ben, "abuse", "north lexicon phrase", 2
        ),
    }  # fmt: skip
    staff = [cast.ada, cast.ben, cast.mo, cast.ivy, cast.wes, cast.amir]
    strings = [
        cast.north.name, "North Ridge", "Harriet Walsh", "harriet.walsh@example.org",
        "Priya Newcombe", "priya.new@nr.example", "North&#x27;s export script",
        "North's export script", "Ridgeway Tenants Trust", "Dorothy Kettering",
        "Damp in Harriet", damp.reference, "Tom Walsh", "Hattie Walsh",
        "Northern damp", "North housing team", "Landlord threatened her", "Walsh tenancy.pdf",
        "Walsh passport.pdf",
    ]
    for person in staff:
        strings += [person.full_name, person.email]
    strings += ["3 Kirkgate", "Sam Lovelace", "Shouted threats", "Threat noted", "Threatened Ada"]
    strings += ["North damp photos", "north-damp.pdf", "north-stuck.eml"]
    strings += ["North timeline mail", "north-timeline.pdf", "The surveyor&#x27;s report"]
    strings += ["North reply", "North library campaign"]
    strings += ["North note about the damp visit", "North visit moved"]
    strings += ["North huddle decision", "North carrying note", "North handover", "North lunch",
                "North room", "North supervision record", "North agreed action",
                "north lexicon phrase"]
    strings += ["casework@northridge.example", "North casework mailbox",
                "imap.northridge.example", "northcasework", "north-imap-secret"]
    return North(
        office=cast.north,
        records={"loneworkingsession": visit, "safetyalert": alarm, "safetymarker": marker,
                 "incident": threat, "evidencelink": kept, "supportoption": listening,
                 "person": harriet, "invitation": invitation, "apitoken": api_token,
                 "user": cast.ada, "organisation": ridgeway, "contact": dorothy, "case": damp,
                 "timelineentry": stairwell, "timelineattachment": tenancy_file,
                 "notification": note_to_ada,
                 **people_records, **mail_in, **inbox_records, **wellbeing_records},
        strings=strings,
    )


@dataclass
class Route:
    regex: str
    name: str
    callback: Callable[..., Any]

    @property
    def kwargs(self) -> list[str]:
        return list(re.compile(self.regex).groupindex)

    def __str__(self) -> str:
        name = self.name or f"{self.callback.__module__}.{self.callback.__name__}"
        return f"{name} ({self.regex})"


def every_route(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[Route]:
    """Every URL pattern of the project, through every include, as one regex each."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        regex = prefix + pattern.pattern.regex.pattern.removeprefix("^")
        if isinstance(pattern, URLResolver):
            yield from every_route(pattern, regex)
        elif isinstance(pattern, URLPattern):
            yield Route(regex=regex, name=pattern.name or "", callback=pattern.callback)


def model_named(kwarg: str) -> type[models.Model] | None:
    """The installed model a ``<model>_id`` keyword argument names, or None."""
    if not kwarg.endswith("_id"):
        return None
    wanted = kwarg.removesuffix("_id")
    found = [model for model in apps.get_models() if model._meta.model_name == wanted]
    if len(found) > 1:
        pytest.fail(f"'{kwarg}' could name any of {found}: give the test a mapping for it.")
    return found[0] if found else None


def value_for(kwarg: str, north: North, where: str) -> Any:
    model = model_named(kwarg)
    if model is not None:
        return (north.records.get(model._meta.model_name) or north.record_of(model)).pk
    if kwarg in NOT_RECORD_IDS:
        value = NOT_RECORD_IDS[kwarg](north)
        return value.pk if isinstance(value, models.Model) else value
    pytest.fail(
        f"{where}: the URL keyword argument '{kwarg}' is not '<model>_id'. Name a record id "
        f"after its model in lower case (for example <int:person_id>) so this test can put "
        f"another office's id there, or, if it is not a record id, add it to NOT_RECORD_IDS "
        f"in {__file__} saying why."
    )


def url_for(route: Route, north: North) -> str:
    """The route's URL with North's ids (or made-up secrets) in it."""
    format_string, params = normalize(route.regex)[0]
    values = {kwarg: str(value_for(kwarg, north, str(route))) for kwarg in params}
    url = "/" + format_string % values
    match = resolve(url.split("?")[0])
    assert match.func == route.callback or match.url_name == route.name, (
        f"{route}: built {url}, which reaches {match.view_name} instead"
    )
    return url


def leaks(response: Any, north: North) -> list[str]:
    content = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    text = content.decode(errors="replace")
    return [string for string in north.strings if string in text]


def redirect_leaks(response: Any) -> bool:
    """A redirect is safe if it goes to a page that takes no id (sign-in, home...).

    Such a redirect is the same whatever id Cleo tried, so it tells her nothing
    (allauth sends her to re-authenticate with her own URL in ``next``, for
    example). A redirect to a page *about a record* could confirm North's record
    exists, so it counts as getting through.
    """
    location = response.get("Location", "").split("?")[0]
    try:
        match = resolve(location)
    except Resolver404:
        return True
    return bool(match.kwargs)


def snapshot(north: North) -> dict[str, Any]:
    """Everything Cleo might have changed: North's audit trail and the records she aimed at."""
    with across_all_offices():
        records = {
            label: model_to_dict(type(record)._base_manager.get(pk=record.pk))
            for label, record in north.records.items()
        }
        audited = AuditEntry.all_offices.filter(office=north.office).count()
    return {"records": records, "audit entries": audited}


@pytest.fixture
def cleo_client(cast, client_for) -> Callable[[], Client]:
    """A fresh client for each route (one might sign her out): Cleo's session and token."""
    _record, token = create_token(cast.cleo, "Wall walk")

    def make() -> Client:
        client = client_for(cast.cleo)
        client.raise_request_exception = False  # a crash is one more failure to list
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        return client

    return make


def test_cleo_reaches_nothing_of_norths_by_any_route(cast, north, cleo_client):
    routes = list(every_route())
    assert any(route.name == "home" for route in routes)
    assert any(route.regex.startswith("api/v1/") for route in routes)
    assert any(route.regex.startswith("accounts/") for route in routes)
    before = snapshot(north)
    failures = []
    for route in routes:
        url = url_for(route, north)
        secret = bool(set(route.kwargs) & SECRET_KWARGS)
        for method in ("get", "post") if route.kwargs else ("get",):
            response = getattr(cleo_client(), method)(url)
            status = response.status_code
            leaked = leaks(response, north)
            if leaked:
                failures.append(f"{method.upper()} {url} [{route}] shows North's {leaked}")
            elif not route.kwargs:
                continue  # a page with no id only has to keep North's details out
            elif status in (301, 302, 303, 307, 308):
                if redirect_leaks(response):
                    failures.append(f"{method.upper()} {url} [{route}] redirects to "
                                    f"{response['Location']}, a page about a record")
            elif status not in (NOT_LEAKING_STATUS_FOR_SECRETS if secret else REFUSALS):
                failures.append(f"{method.upper()} {url} [{route}] answered {status}, "
                                f"not 403 or 404, with North's ids")
    assert not failures, "Cleo (South) got through to North:\n" + "\n".join(failures)
    assert snapshot(north) == before, "Cleo's requests changed North's records"


def test_cleo_reaches_nothing_of_norths_by_any_api_operation(cast, north, cleo_client):
    schema = api.get_openapi_schema()
    assert schema["paths"], "the API has no routes at all"
    before = snapshot(north)
    failures = []
    for path, operations in schema["paths"].items():
        kwargs = re.findall(r"{(\w+)}", path)
        url = path
        for kwarg in kwargs:
            url = url.replace(f"{{{kwarg}}}", str(value_for(kwarg, north, path)))
        for method in operations:
            send = getattr(cleo_client(), method.lower())
            response = send(url, data={}, content_type="application/json")
            status = response.status_code
            leaked = leaks(response, north)
            if leaked:
                failures.append(f"{method.upper()} {url} shows North's {leaked}")
            elif not kwargs:
                continue
            elif status not in (REFUSALS if method.lower() == "get" else API_BODY_REFUSALS):
                failures.append(f"{method.upper()} {url} answered {status}, not 403 or 404")
            elif status != 405 and "detail" not in response.json():
                failures.append(f"{method.upper()} {url} answered {status} without a JSON 'detail'")
    assert not failures, "Cleo (South) got through to North by the API:\n" + "\n".join(failures)
    assert snapshot(north) == before, "Cleo's API calls changed North's records"


def test_cleo_reaches_no_incoming_mail_on_norths_timeline(cast, north, cleo_client):
    """The walks above name North's note; mail that came in on a case is an entry too."""
    mail = North(
        office=north.office,
        records={**north.records, "timelineentry": north.records["incoming mail entry"],
                 "timelineattachment": north.records["incoming mail file"]},
        strings=north.strings,
    )  # fmt: skip
    wanted = {"timelineentry_id", "timelineattachment_id", "case_id"}
    pages = [route for route in every_route() if set(route.kwargs) & wanted]
    paths = [path for path in api.get_openapi_schema()["paths"]
             if set(re.findall(r"{(\w+)}", path)) & wanted]  # fmt: skip
    assert any("timelineentry_id" in route.kwargs for route in pages)
    assert any("{timelineentry_id}" in path for path in paths)
    failures = []
    for url in [url_for(route, mail) for route in pages] + [
        re.sub(r"{(\w+)}", lambda found: str(value_for(found[1], mail, "API")), path)
        for path in paths
    ]:
        response = cleo_client().get(url)
        if leaks(response, mail) or response.status_code not in REFUSALS:
            failures.append(f"GET {url} answered {response.status_code}: {leaks(response, mail)}")
    assert not failures, "Cleo (South) reached North's incoming mail:\n" + "\n".join(failures)


def test_a_route_with_an_unconventional_id_name_fails_the_walk(north):
    route = Route(regex=r"cases/(?P<case>[0-9]+)/\Z", name="case", callback=lambda request: None)
    with pytest.raises(pytest.fail.Exception, match=r"not '<model>_id'.*NOT_RECORD_IDS"):
        url_for(route, north)


def test_ids_are_found_by_model_name(cast, north):
    assert model_named("person_id") is Person
    assert model_named("office_id") is Office
    assert model_named("nothing_like_this_id") is None
    assert value_for("person_id", north, "test") == north.records["person"].pk
    assert value_for("user_id", north, "test") in {cast.ada.pk, cast.ben.pk, cast.mo.pk,
                                                   cast.ivy.pk, cast.wes.pk, cast.amir.pk}
