"""Campaigns as staff work them: listed, opened, a message marked into one, and everyone
answered at once, each with their own e-mail, once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from casewell.inbox import campaign_answers
from casewell.inbox.models import Campaign, CampaignAnswer, Message, OutgoingMessage, OutgoingState
from casewell.inbox.sending_settings import save_sending_settings
from casewell.inbox.tests.placing_mail import a_case, stored_message
from casewell.inbox.tests.smtp_server import smtp_server
from casewell.jobs.testing import run_queued_tasks
from casewell.offices.tenancy import bind_office
from casewell.offices.tokens import create_token
from casewell.people.services import PersonDetails, create_person

LETTER = "Please oppose the closure of Hillside Library."


def a_campaign(cast, senders: list[tuple[str, str]], title: str = "Save Hillside Library"):
    """A campaign of one message from each (address, name), marked by Ada."""
    campaign = None
    messages = []
    for address, name in senders:
        message = stored_message(
            cast.north, subject="Save Hillside Library", sender=address, name=name, body=LETTER
        )
        campaign = campaign_answers.mark_as_campaign(
            cast.ada, message, campaign=campaign, title=title
        )
        messages.append(message)
    return campaign, messages


SENDERS = [
    ("amara@example.net", "Amara Okafor"),
    ("tom@example.net", "Tom Riley"),
    ("grace@example.net", ""),
]


def outgoing_of(campaign: Campaign) -> list[OutgoingMessage]:
    with bind_office(campaign.office_id):
        rows = OutgoingMessage.objects.filter(campaign=campaign)
        return list(rows.order_by("campaign_recipient"))


def test_everyone_gets_their_own_answer_with_their_name_and_is_recorded(cast):
    campaign, messages = a_campaign(cast, SENDERS)
    # Grace is known to the office, so her name comes from her record.
    grace = create_person(
        cast.ada, PersonDetails(first_name="Grace", last_name="Hopper", email="grace@example.net")
    )
    with bind_office(cast.north):
        Message.objects.filter(pk=messages[2].pk).update(person=grace)
    # Tom wrote twice: he is one sender, answered once, in reply to his newer letter.
    again = stored_message(cast.north, subject="Hillside again", sender="tom@example.net",
                          name="Tom Riley", body=LETTER)
    campaign_answers.mark_as_campaign(cast.ada, again, campaign=campaign)
    with smtp_server() as (server, port):
        save_sending_settings(cast.ben, host="127.0.0.1", port=port, security="none",
                              from_address="casework@northridge.example")
        answer = campaign_answers.answer_campaign(
            cast.ada, campaign, subject="Hillside Library",
            body="Dear {name},\n\nThank you for writing, {first_name}. ({email})",
        )
        run_queued_tasks()
    received = {item.recipients[0]: item.message for item in server.received}
    assert sorted(received) == ["amara@example.net", "grace@example.net", "tom@example.net"]
    body = {
        who: m.get_body(("plain",)).get_content().replace("\r\n", "\n")
        for who, m in received.items()
    }
    assert body["amara@example.net"].startswith(
        "Dear Amara Okafor,\n\nThank you for writing, Amara."
    )
    assert "(amara@example.net)" in body["amara@example.net"]
    assert body["grace@example.net"].startswith("Dear Grace Hopper,")
    assert received["tom@example.net"]["In-Reply-To"] == f"<{again.message_id}>"
    assert all(m["Subject"] == "Hillside Library" for m in received.values())
    sent = outgoing_of(campaign)
    assert [row.campaign_recipient for row in sent] == sorted(received)
    assert {row.state for row in sent} == {OutgoingState.SENT}
    assert {row.campaign_answer_id for row in sent} == {answer.pk}
    with bind_office(cast.north):
        assert CampaignAnswer.objects.get(pk=answer.pk).prepared_at is not None
    view = campaign_answers.campaign_view(cast.ada, campaign)
    assert view.sent_count == 3 and not view.unanswered and view.message_count == 4


def test_pressing_send_twice_or_the_job_running_twice_sends_each_person_once(cast):
    campaign, _ = a_campaign(cast, SENDERS)
    answer = campaign_answers.answer_campaign(cast.ada, campaign, subject="Thanks", body="Thanks")
    with pytest.raises(ValidationError, match="being sent already"):
        campaign_answers.answer_campaign(cast.ada, campaign, subject="Thanks", body="Thanks")
    assert campaign_answers.prepare_answer(answer.pk) == "3 written"
    assert campaign_answers.prepare_answer(answer.pk) == "already prepared"
    with bind_office(cast.north):  # even a job that missed the mark writes nobody twice
        CampaignAnswer.objects.filter(pk=answer.pk).update(prepared_at=None)
    assert campaign_answers.prepare_answer(answer.pk) == "0 written"
    run_queued_tasks()
    with pytest.raises(ValidationError, match="has an answer"):
        campaign_answers.answer_campaign(cast.ada, campaign, subject="Thanks", body="Thanks")
    assert len(outgoing_of(campaign)) == 3
    from django.core import mail

    assert sorted(m.to[0] for m in mail.outbox) == sorted(a for a, _ in SENDERS)


def test_an_answer_whose_job_stopped_does_not_block_the_campaign_for_ever(cast):
    from datetime import timedelta

    from django.utils import timezone

    campaign, _ = a_campaign(cast, SENDERS)
    stopped = campaign_answers.answer_campaign(cast.ada, campaign, subject="Thanks", body="Thanks")
    with bind_office(cast.north):  # its job failed for good an hour and more ago
        CampaignAnswer.objects.filter(pk=stopped.pk).update(
            created_at=timezone.now() - campaign_answers.STUCK_AFTER - timedelta(minutes=1)
        )
    again = campaign_answers.answer_campaign(cast.ada, campaign, subject="Thanks", body="Thanks")
    assert campaign_answers.prepare_answer(again.pk) == "3 written"
    assert campaign_answers.prepare_answer(stopped.pk) == "0 written"
    assert len(outgoing_of(campaign)) == 3


def test_a_later_answer_goes_only_to_people_who_wrote_since(cast):
    campaign, _ = a_campaign(cast, SENDERS[:2])
    campaign_answers.answer_campaign(cast.ada, campaign, subject="Thanks", body="Thanks")
    run_queued_tasks()
    late = stored_message(cast.north, sender="late@example.net", name="Lee Late", body=LETTER)
    campaign_answers.mark_as_campaign(cast.ben, late, campaign=campaign)
    campaign_answers.answer_campaign(cast.ada, campaign, subject="Thanks", body="Thanks, {name}")
    run_queued_tasks()
    rows = outgoing_of(campaign)
    assert [row.campaign_recipient for row in rows] == [
        "amara@example.net", "late@example.net", "tom@example.net"
    ]
    assert [row.text_body for row in rows if row.campaign_recipient == "late@example.net"] == [
        "Thanks, Lee Late"
    ]


def test_the_request_costs_the_same_however_many_wrote(cast):
    few, _ = a_campaign(cast, SENDERS[:2], title="Few")
    many, _ = a_campaign(cast, [(f"p{n}@example.net", f"P {n}") for n in range(30)], title="Many")

    def cost(campaign: Campaign) -> int:
        with CaptureQueriesContext(connection) as queries:
            campaign_answers.answer_campaign(cast.ada, campaign, subject="Thanks", body="Thanks")
        return len(queries)

    jobs_before = DBTaskResult.objects.count()
    assert cost(few) == cost(many)
    # One job each, which writes each person's e-mail (and a job for it) later.
    assert DBTaskResult.objects.count() == jobs_before + 2
    assert outgoing_of(many) == []
    run_queued_tasks()
    assert len(outgoing_of(many)) == 30


def test_an_unknown_placeholder_or_an_empty_answer_is_named(cast):
    campaign, _ = a_campaign(cast, SENDERS[:1])
    with pytest.raises(ValidationError) as refused:
        campaign_answers.answer_campaign(cast.ada, campaign, subject="", body="Dear {surname}")
    assert refused.value.message_dict["subject"] == ["Enter a subject"]
    (problem,) = refused.value.message_dict["body"]
    assert "{surname} is not something Casewell can fill in" in problem


def test_a_message_can_start_a_campaign_or_join_one_but_not_from_a_case(cast):
    words = " ".join(["Please keep the number 12 bus running to the hospital every day."] * 4)
    first = stored_message(cast.north, subject="Bus route 12", sender="a@example.net", body=words)
    started = campaign_answers.mark_as_campaign(cast.ada, first)
    assert started.title == "Bus route 12" and started.signature.get("hashes")
    second = stored_message(cast.north, subject="Keep the 12", sender="b@example.net")
    assert campaign_answers.mark_as_campaign(cast.ada, second, campaign=str(started.pk)) == started
    on_case = stored_message(cast.north, subject="Mine", case=a_case(cast.ada))
    with pytest.raises(ValidationError):
        campaign_answers.mark_as_campaign(cast.ada, on_case, campaign=started)
    souths = stored_message(cast.south, subject="South's")
    with pytest.raises(ValidationError):  # another office's campaign is not one to choose
        campaign_answers.mark_as_campaign(cast.cleo, souths, campaign=started.pk)


def test_the_pages_list_open_mark_and_answer(cast, client_for):
    campaign, messages = a_campaign(cast, SENDERS)
    client = client_for(cast.ada)
    listing = client.get(reverse("campaigns:list")).content.decode()
    assert "Save Hillside Library" in listing and listing.count('data-testid="campaign-row"') == 1
    page = client.get(reverse("campaigns:campaign", kwargs={"campaign_id": campaign.pk}))
    text = page.content.decode()
    assert "3 messages from 3 people; 0 answered, 3 not yet." in text
    assert text.count('data-testid="campaign-sender"') == 3
    new = stored_message(cast.north, subject="Hillside too", sender="new@example.net")
    marking = reverse("campaigns:mark", kwargs={"message_id": new.pk})
    assert "Save Hillside Library" in client.get(marking).content.decode()
    assert client.post(marking, {"campaign": str(campaign.pk)}).status_code == 302
    answer_url = reverse("campaigns:answer", kwargs={"campaign_id": campaign.pk})
    assert "not answered yet" in client.get(answer_url).content.decode()
    refused = client.post(answer_url, {"subject": "", "body": "x"})
    assert refused.status_code == 200 and "Enter a subject" in refused.content.decode()
    sent = client.post(answer_url, {"subject": "Thanks", "body": "Dear {name}"})
    assert sent.status_code == 302
    run_queued_tasks()
    assert len(outgoing_of(campaign)) == 4
    again = client.get(reverse("campaigns:campaign", kwargs={"campaign_id": campaign.pk}))
    assert "4 answered, 0 not yet" in again.content.decode()


def test_the_campaign_page_costs_the_same_queries_however_many_wrote(cast, client_for):
    few, _ = a_campaign(cast, SENDERS[:1], title="Few")
    many, _ = a_campaign(cast, [(f"p{n}@example.net", f"P {n}") for n in range(12)], title="Many")
    client = client_for(cast.ada)

    def cost(campaign: Campaign) -> int:
        url = reverse("campaigns:campaign", kwargs={"campaign_id": campaign.pk})
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    cost(few)  # the session and such, read once
    assert cost(few) == cost(many)


def test_the_api_lists_answers_and_marks(cast, client):
    campaign, messages = a_campaign(cast, SENDERS)
    _, token = create_token(cast.ada, "test")
    api = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    (listed,) = client.get("/api/v1/inbox/campaigns", **api).json()
    assert (listed["messages"], listed["senders"], listed["answered"]) == (3, 3, 0)
    one = client.get(f"/api/v1/inbox/campaigns/{campaign.pk}", **api).json()
    assert sorted(p["address"] for p in one["people"]) == sorted(a for a, _ in SENDERS)
    answered = client.post(
        f"/api/v1/inbox/campaigns/{campaign.pk}/answers", {"subject": "Thanks", "body": "Hi"},
        content_type="application/json", **api,
    )
    assert answered.status_code == 202
    twice = client.post(
        f"/api/v1/inbox/campaigns/{campaign.pk}/answers", {"subject": "Thanks", "body": "Hi"},
        content_type="application/json", **api,
    )
    assert twice.status_code == 422
    new = stored_message(cast.north, subject="Another", sender="x@example.net")
    started = client.post(
        f"/api/v1/inbox/messages/{new.pk}/campaign", {"title": "Another matter"},
        content_type="application/json", **api,
    )
    assert started.status_code == 200 and started.json()["title"] == "Another matter"


def test_cleo_and_interns_get_404_for_norths_campaigns(cast, client_for):
    campaign, messages = a_campaign(cast, SENDERS)
    for user in (cast.cleo, cast.ivy):
        client = client_for(user)
        for url in (
            reverse("campaigns:campaign", kwargs={"campaign_id": campaign.pk}),
            reverse("campaigns:answer", kwargs={"campaign_id": campaign.pk}),
            reverse("campaigns:mark", kwargs={"message_id": messages[0].pk}),
        ):
            assert client.get(url).status_code == 404, (user, url)
            posted = client.post(url, {"subject": "x", "body": "y", "campaign": "new"})
            assert posted.status_code == 404
        _, token = create_token(user, "test")
        api = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        assert client.get(f"/api/v1/inbox/campaigns/{campaign.pk}", **api).status_code == 404
        assert client.post(
            f"/api/v1/inbox/campaigns/{campaign.pk}/answers", {"subject": "x", "body": "y"},
            content_type="application/json", **api,
        ).status_code == 404
    cleos = client_for(cast.cleo).get(reverse("campaigns:list")).content.decode()
    assert "Save Hillside Library" not in cleos
    with pytest.raises(Http404):
        campaign_answers.get_campaign_for(cast.cleo, campaign.pk)
    assert outgoing_of(campaign) == []
    with bind_office(cast.north):
        assert not CampaignAnswer.objects.exists()
