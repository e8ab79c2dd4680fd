"""Inbox messages as evidence of an incident: linked from the incident page or the message's
page, and then kept (the message, its raw mail and its attachments) from any deletion."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casewell.files import services as files
from casewell.files.testing import PDF_BYTES
from casewell.inbox import services as inbox
from casewell.inbox import triage
from casewell.inbox.models import Message, RawMessage
from casewell.inbox.records import MessageOnHold
from casewell.offices.tenancy import across_all_offices, bind_office
from casewell.people.models import Person
from casewell.safety import evidence
from casewell.safety.handlers import route_contact_to
from casewell.safety.incidents import record_incident
from casewell.safety.models import EvidenceLink, Incident
from casewell.wellbeing.workload import change_workload_settings

pytestmark = pytest.mark.usefixtures("data_folder")  # files in a folder of their own


def threatening_mail(subject: str = "You will regret this") -> bytes:
    return (
        "From: Harriet Walsh <harriet.walsh@example.org>\r\nTo: casework@north.example\r\n"
        f"Subject: {subject}\r\nMessage-ID: <{abs(hash(subject))}@example.org>\r\n"
        "Date: Tue, 1 Dec 2026 09:30:00 +0000\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=OUT\r\n\r\n"
        "--OUT\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nI know where you live.\r\n"
        "--OUT\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
        "Content-Disposition: attachment; filename=photo.pdf\r\n\r\n"
        + __import__("base64").encodebytes(PDF_BYTES).decode()
        + "\r\n--OUT--\r\n"
    ).encode()


@pytest.fixture
def harriet(cast) -> Person:
    with bind_office(cast.north, actor=cast.ada):
        return Person.objects.create(
            first_name="Harriet", last_name="Walsh", email="harriet.walsh@example.org"
        )


def received(cast, raw: bytes) -> Message:
    stored = inbox.receive_raw(cast.north, raw, door="smtp")
    inbox.read_raw_message(stored.pk)
    with bind_office(cast.north):
        return Message.objects.select_related("raw").get(raw=stored)


@pytest.fixture
def threat_mail(cast, harriet) -> Message:
    message = received(cast, threatening_mail())
    assert message.person_id == harriet.pk  # matched by her address
    return message


@pytest.fixture
def threat(cast, harriet) -> Incident:
    return record_incident(
        cast.ada,
        channel="email",
        happened_on=timezone.localdate(),
        what_happened="An e-mail threatening Ada",
        person_id=harriet.pk,
        targeted_ids=[cast.ada.pk],
    )


def files_of(cast, message: Message) -> list:
    with bind_office(cast.north):
        attachments = [a.stored_file for a in message.attachments.select_related("stored_file")]
        return [RawMessage.objects.get(pk=message.raw_id).stored_file, *attachments]


def test_a_linked_message_its_raw_mail_and_attachments_are_kept_from_deletion(
    cast, threat, threat_mail
):
    evidence.link_message(cast.ada, threat, threat_mail.pk, note="The threat itself")
    raw_file, attachment = files_of(cast, threat_mail)
    for stored in (raw_file, attachment):
        with pytest.raises(files.FileOnHold, match="evidence of an incident"):
            files.delete_stored_file(stored)
    # (Each refused deletion in a savepoint of its own: a refusal spoils its transaction.)
    held = pytest.raises(MessageOnHold, match="evidence of an incident")
    with bind_office(cast.north), held, transaction.atomic():
        Message.objects.get(pk=threat_mail.pk).delete()
    # A deletion across offices (a retention job, say) is refused too.
    with across_all_offices(), pytest.raises(MessageOnHold), transaction.atomic():
        Message.all_offices.filter(pk=threat_mail.pk).delete()
    # Its raw mail cannot go while the message stands.
    with across_all_offices(), pytest.raises(ProtectedError), transaction.atomic():
        RawMessage.all_offices.filter(pk=threat_mail.raw_id).delete()
    with bind_office(cast.north):
        assert Message.objects.filter(pk=threat_mail.pk).exists()
        assert RawMessage.objects.filter(pk=threat_mail.raw_id).exists()


def test_a_released_message_can_go_again(cast, threat, threat_mail):
    link = evidence.link_message(cast.ada, threat, threat_mail.pk)
    evidence.release_evidence(cast.ben, link)
    with bind_office(cast.north):
        assert evidence.message_hold_reason(threat_mail.pk) is None
        Message.objects.get(pk=threat_mail.pk).delete()
        assert not Message.objects.filter(pk=threat_mail.pk).exists()


def test_linking_a_message_names_what_is_wrong(cast, harriet, threat, threat_mail):
    with pytest.raises(PermissionDenied):
        evidence.link_message(cast.wes, threat, threat_mail.pk)  # neither recorder nor manager
    for wrong in ("", "abc", "999999"):
        with pytest.raises(ValidationError) as refused:
            evidence.link_message(cast.ada, threat, wrong)
        assert refused.value.messages == ["That message was not found in your inbox"]
    evidence.link_message(cast.ada, threat, str(threat_mail.pk))
    with pytest.raises(ValidationError, match="already evidence"):
        evidence.link_message(cast.ben, threat, threat_mail.pk)


def test_cleo_cannot_keep_norths_message_as_evidence_of_her_incident(cast, threat_mail):
    hers = record_incident(
        cast.cleo, channel="email", happened_on=timezone.localdate(), what_happened="Abuse"
    )
    with pytest.raises(ValidationError):
        evidence.link_message(cast.cleo, hers, threat_mail.pk)


def test_a_message_routed_to_a_handler_is_linked_only_by_those_who_may_read_it(
    cast, harriet, threat, threat_mail
):
    route_contact_to(cast.ben, harriet, handler_id=cast.wes.pk, reason="Threatens Ada")
    with bind_office(cast.north):
        assert evidence.linkable_messages(cast.ada, threat) == []
    with pytest.raises(ValidationError):
        evidence.link_message(cast.ada, threat, threat_mail.pk)
    evidence.link_message(cast.ben, threat, threat_mail.pk)  # a manager reads it


def test_the_incident_page_offers_the_persons_messages_and_lists_what_is_kept(
    cast, client_for, threat, threat_mail
):
    other = received(cast, threatening_mail("Second warning"))
    url = f"/safety/incidents/{threat.pk}/"
    page = client_for(cast.ada).get(url).content.decode()
    assert "Keep an inbox message as evidence" in page
    assert "01 Dec 2026: You will regret this" in page and "Second warning" in page
    answer = client_for(cast.ada).post(
        f"{url}evidence/message/", {"message": threat_mail.pk, "note": "First"}, follow=True
    )
    page = answer.content.decode()
    assert "The message is kept as evidence" in page
    assert f'href="/inbox/messages/{threat_mail.pk}/">You will regret this</a>' in page
    # By its number, too; and choosing both or neither is refused, saying so.
    client_for(cast.ada).post(f"{url}evidence/message/", {"message_number": other.pk})
    refused = client_for(cast.ada).post(f"{url}evidence/message/", {}, follow=True)
    assert "Choose one message, or give one message&#x27;s number" in refused.content.decode()
    with bind_office(cast.north):
        assert sorted(link.source for link in evidence.evidence_of(threat)) == sorted(
            [f"inbox.Message:{threat_mail.pk}", f"inbox.Message:{other.pk}"]
        )
    # Someone targeted, but neither recorder nor manager, may not add evidence.
    assert client_for(cast.wes).post(
        f"{url}evidence/message/", {"message_number": other.pk}
    ).status_code in (403, 404)


def test_the_incident_page_costs_the_same_queries_whatever_number_of_messages_is_kept(
    cast, client_for, threat, threat_mail
):
    # Handling four threats in a row would rightly suggest Ada take a break; not counted here.
    change_workload_settings(cast.ben, nudges_on=False)
    evidence.link_message(cast.ada, threat, threat_mail.pk)
    url = f"/safety/incidents/{threat.pk}/"
    client = client_for(cast.ada)
    client.get(url)  # the first request of a session fills caches
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for subject in ("Two", "Three", "Four"):
        evidence.link_message(cast.ada, threat, received(cast, threatening_mail(subject)).pk)
    with CaptureQueriesContext(connection) as four:
        page = client.get(url)
    assert page.content.decode().count("E-mail from Harriet Walsh") == 4
    assert len(four) == len(one)


def test_record_as_a_threatening_contact_from_the_message_page(
    cast, client_for, harriet, threat_mail
):
    # An intern reads only what is assigned to them; once it is, they can record it too.
    triage.assign(cast.ben, threat_mail, cast.ivy)
    client = client_for(cast.ivy)
    message_page = client.get(f"/inbox/messages/{threat_mail.pk}/").content.decode()
    assert "Record as a threatening contact" in message_page
    form = client.get(f"/safety/incidents/new/?message={threat_mail.pk}").content.decode()
    assert "will be kept as evidence of this incident" in form
    assert 'value="email" checked' in form
    answer = client.post(
        f"/safety/incidents/new/?message={threat_mail.pk}",
        {
            "channel": "email",
            "happened_on": "01 12 2026",
            "what_happened": "Threatened Ada by e-mail",
            "person_id": harriet.pk,
            "targeted": [cast.ada.pk],
        },
        follow=True,
    )
    assert "The incident has been recorded" in answer.content.decode()
    with bind_office(cast.north):
        incident = Incident.objects.get(what_happened="Threatened Ada by e-mail")
        assert [link.source for link in evidence.evidence_of(incident)] == [
            f"inbox.Message:{threat_mail.pk}"
        ]
        assert incident.recorded_by == cast.ivy and incident.person == harriet


def test_a_refused_incident_from_a_message_keeps_nothing(cast, client_for, threat_mail):
    answer = client_for(cast.ada).post(
        f"/safety/incidents/new/?message={threat_mail.pk}",
        {"channel": "email", "happened_on": "01 12 2026", "what_happened": ""},
    )
    assert answer.status_code == 200 and "Say what happened" in answer.content.decode()
    with bind_office(cast.north):
        assert not Incident.objects.exists() and not EvidenceLink.objects.exists()


def test_add_to_an_incident_from_the_message_page(cast, client_for, threat, threat_mail):
    client = client_for(cast.ada)
    url = f"/safety/messages/{threat_mail.pk}/add-to-incident/"
    page = client.get(url).content.decode()
    assert "Email on" in page or "E-mail on" in page
    refused = client.post(url, {})
    assert "Choose the incident it is evidence of" in refused.content.decode()
    answer = client.post(url, {"incident": threat.pk, "note": "The threat"}, follow=True)
    assert answer.redirect_chain[-1][0] == f"/safety/incidents/{threat.pk}/"
    assert "You will regret this" in answer.content.decode()
    # Wes recorded no incident and is no manager: nothing to add to.
    assert "There is no incident you can add evidence to" in client_for(cast.wes).get(
        url
    ).content.decode()
    assert client_for(cast.wes).post(url, {"incident": threat.pk}).status_code == 200
    with bind_office(cast.north):
        assert len(evidence.evidence_of(threat)) == 1


def test_cleo_gets_404_for_norths_messages_and_incidents(cast, client_for, threat, threat_mail):
    cleo = client_for(cast.cleo)
    assert cleo.get(f"/safety/messages/{threat_mail.pk}/add-to-incident/").status_code == 404
    assert cleo.post(f"/safety/messages/{threat_mail.pk}/add-to-incident/").status_code == 404
    assert cleo.get(f"/safety/incidents/new/?message={threat_mail.pk}").status_code == 404
    assert cleo.post(
        f"/safety/incidents/{threat.pk}/evidence/message/", {"message_number": threat_mail.pk}
    ).status_code == 404
    with bind_office(cast.north):
        assert not EvidenceLink.objects.exists()


def test_the_message_page_offers_no_evidence_actions_to_those_it_is_hidden_from(
    cast, client_for, harriet, threat_mail
):
    route_contact_to(cast.ben, harriet, handler_id=cast.wes.pk, reason="Threatens Ada")
    page = client_for(cast.ada).get(f"/inbox/messages/{threat_mail.pk}/").content.decode()
    assert "Handled by Wes" in page and "Record as a threatening contact" not in page
    assert client_for(cast.ada).get(
        f"/safety/messages/{threat_mail.pk}/add-to-incident/"
    ).status_code == 404
    handler_page = client_for(cast.wes).get(f"/inbox/messages/{threat_mail.pk}/").content.decode()
    assert "Record as a threatening contact" in handler_page
