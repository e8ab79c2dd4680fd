"""The notification pages: your notifications, your pattern, messaging, out-of-hours."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casewell.notify import services
from casewell.notify.models import Notification
from casewell.notify.tests.conftest import FRIDAY_EVENING, TUESDAY_MORNING
from casewell.offices.tenancy import across_all_offices

pytestmark = pytest.mark.django_db


@pytest.fixture
def friday_evening():
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        yield


@pytest.fixture
def tuesday_morning():
    with time_machine.travel(TUESDAY_MORNING, tick=False):
        yield


def pattern_form(**changes) -> dict:
    values = {
        "time_zone": "Europe/London",
        "nation": "scotland",
        "email": "digest",
        "day_1_works": "on",
        "day_1_start": "10:00",
        "day_1_end": "15:30",
        "day_3_works": "on",
        "day_3_start": "10:00",
        "day_3_end": "15:30",
    }
    values.update(changes)
    return {key: value for key, value in values.items() if value is not None}


def test_your_notifications_list_with_a_count_in_the_navigation(cast, client_for, tuesday_morning):
    services.deliver(cast.ada, subject="Reminder: ring Mr Ahmed", body="About the boiler")
    page = client_for(cast.ada).get(reverse("notify:list")).content.decode()
    assert "Reminder: ring Mr Ahmed" in page and "About the boiler" in page
    assert 'data-testid="unread-count">1<' in page


def test_a_warned_notification_is_collapsed_behind_its_warning(cast, client_for, tuesday_morning):
    services.deliver(
        cast.ada, subject="New message", body="tonight is the night", warning_categories=["suicide"]
    )
    page = client_for(cast.ada).get(reverse("notify:list")).content.decode()
    summary = page.index("Contains: suicide")
    assert '<details class="govuk-details' in page[:summary]
    assert page.index("tonight is the night") > summary


def test_the_list_takes_the_same_queries_however_many_there_are(cast, client_for, tuesday_morning):
    ada = client_for(cast.ada)
    services.deliver(cast.ada, subject="One", sender=cast.ben)
    ada.get(reverse("notify:list"))
    with CaptureQueriesContext(connection) as one:
        ada.get(reverse("notify:list"))
    for number in range(8):
        services.deliver(cast.ada, subject=f"More {number}", sender=cast.wes)
    with CaptureQueriesContext(connection) as nine:
        page = ada.get(reverse("notify:list"))
    assert "More 7" in page.content.decode()
    assert len(nine) == len(one)


def test_marking_read_is_for_your_own_notifications_only(cast, client_for, tuesday_morning):
    item = services.deliver(cast.ada, subject="Reminder")
    url = reverse("notify:read", kwargs={"notification_id": item.pk})
    assert client_for(cast.cleo).post(url).status_code == 404
    assert client_for(cast.ben).post(url).status_code == 404
    assert client_for(cast.ada).post(url).status_code == 302
    assert services.unread_count(cast.ada) == 0


def test_a_held_item_is_not_listed_before_it_arrives(cast, client_for, friday_evening):
    services.send_colleague_message(cast.ben, cast.ada.pk, "See you Monday")
    page = client_for(cast.ada).get(reverse("notify:list")).content.decode()
    assert "See you Monday" not in page and "unread-count" not in page


def test_setting_your_own_part_time_pattern(cast, client_for):
    ada = client_for(cast.ada)
    page = ada.get(reverse("notify:working_pattern")).content.decode()
    assert "You are on the usual pattern" in page
    response = ada.post(reverse("notify:working_pattern"), pattern_form())
    assert response.status_code == 302
    pattern, is_set = services.my_working_pattern(cast.ada)
    assert is_set and sorted(pattern.days) == [1, 3] and pattern.nation == "scotland"
    assert services.email_choice_of(cast.ada) == "digest"
    page = ada.get(reverse("notify:working_pattern")).content.decode()
    assert "You have set your own pattern." in page and 'value="15:30"' in page


def test_a_bad_pattern_names_each_problem(cast, client_for):
    page = client_for(cast.ada).post(
        reverse("notify:working_pattern"),
        pattern_form(day_1_end="09:00", day_3_start="ten", time_zone="Mars/Olympus"),
    )
    html = page.content.decode()
    assert page.status_code == 200 and "There is a problem" in html
    assert "Tuesday&#x27;s end time must be after its start time." in html or "end time" in html
    assert "Thursday&#x27;s start as a 24-hour time" in html
    assert "Mars/Olympus is not a time zone" in html
    assert services.my_working_pattern(cast.ada)[1] is False


def test_managers_see_only_whether_a_pattern_is_set(cast, client_for):
    client_for(cast.ada).post(reverse("notify:working_pattern"), pattern_form())
    page = client_for(cast.ben).get(reverse("notify:who_has_set")).content.decode()
    assert "Ada Lovelace" in page and "Set" in page
    assert "15:30" not in page and "Scotland" not in page
    # Ben's own pattern page shows his own (the default), never Ada's.
    own = client_for(cast.ben).get(reverse("notify:working_pattern")).content.decode()
    assert "15:30" not in own and "You are on the usual pattern" in own
    assert client_for(cast.ada).get(reverse("notify:who_has_set")).status_code == 403
    south = client_for(cast.cleo).get(reverse("notify:who_has_set")).content.decode()
    assert "Ada Lovelace" not in south


def test_a_message_that_would_be_held_says_when_before_it_is_sent(cast, client_for, friday_evening):
    ben = client_for(cast.ben)
    shown = ben.get(reverse("notify:message") + f"?colleague={cast.ada.pk}").content.decode()
    assert "it will arrive Monday 09:00" in shown
    first = ben.post(reverse("notify:message"), {"colleague": cast.ada.pk, "text": "Good work"})
    assert first.status_code == 200
    html = first.content.decode()
    assert "it will arrive Monday 09:00" in html and "Send it to arrive Monday 09:00" in html
    with across_all_offices():
        assert not Notification.all_offices.exists()
    sent = ben.post(
        reverse("notify:message"),
        {"colleague": cast.ada.pk, "text": "Good work", "confirmed": "yes"},
        follow=True,
    )
    assert "It will arrive Monday 09:00." in sent.content.decode()
    with across_all_offices():
        item = Notification.all_offices.get()
    assert item.delivered_at is None and item.body == "Good work"


def test_an_urgent_message_needs_a_reason_and_then_goes_at_once(cast, client_for, friday_evening):
    ben = client_for(cast.ben)
    refused = ben.post(
        reverse("notify:message"), {"colleague": cast.ada.pk, "text": "Ring me", "urgent": "on"}
    )
    assert "Say why this cannot wait" in refused.content.decode()
    sent = ben.post(
        reverse("notify:message"),
        {"colleague": cast.ada.pk, "text": "Ring me", "urgent": "on", "urgent_reason": "Court"},
        follow=True,
    )
    assert "It has arrived." in sent.content.decode()
    assert services.unread_count(cast.ada) == 1


def test_cleo_cannot_message_or_look_up_north(cast, client_for, tuesday_morning):
    cleo = client_for(cast.cleo)
    arrival = reverse("notify:arrival") + f"?colleague={cast.ada.pk}"
    assert cleo.get(arrival, headers={"HX-Request": "true"}).status_code == 404
    # Without htmx: the message page with Ada chosen, which is no colleague of Cleo's.
    assert cleo.get(arrival, follow=True).status_code == 404
    assert "Ada Lovelace" not in cleo.get(reverse("notify:message")).content.decode()
    refused = cleo.post(reverse("notify:message"), {"colleague": cast.ada.pk, "text": "Hi"})
    assert refused.status_code == 200 and "There is a problem" in refused.content.decode()
    with across_all_offices():
        assert not Notification.all_offices.exists()


def test_the_arrival_hint_follows_the_chosen_colleague(cast, client_for, friday_evening):
    ben = client_for(cast.ben)
    url = reverse("notify:arrival") + f"?colleague={cast.ada.pk}"
    hint = ben.get(url, headers={"HX-Request": "true"})
    assert "it will arrive Monday 09:00" in hint.content.decode()
    assert "<h1" not in hint.content.decode()
    # Without htmx, the message page with the colleague chosen.
    assert ben.get(url)["Location"] == reverse("notify:message") + f"?colleague={cast.ada.pk}"


def test_out_of_hours_shows_your_own_weeks_and_managers_only_team_totals(cast, client_for):
    mine = client_for(cast.ada).get(reverse("notify:out_of_hours")).content.decode()
    assert "Your weeks" in mine and "Teams" not in mine
    ben = client_for(cast.ben).get(reverse("notify:out_of_hours")).content.decode()
    assert "Whole office" in ben
    assert "Ada Lovelace" not in ben


def test_every_page_of_the_section_opens(cast, client_for, tuesday_morning):
    ben = client_for(cast.ben)
    for name in ("list", "working_pattern", "who_has_set", "message", "out_of_hours"):
        assert ben.get(reverse(f"notify:{name}")).status_code == 200, name
    assert ben.post(reverse("notify:read_all")).status_code == 302
    assert client_for(cast.ada).get(reverse("notify:list") + "x/").status_code == 404
    assert (
        client_for(cast.ada)
        .get(reverse("notify:read", kwargs={"notification_id": 1}) + "?" + str(timedelta()))
        .status_code
        == 405
    )


def test_in_working_hours_the_hint_says_it_arrives_at_once(cast, client_for, tuesday_morning):
    hint = client_for(cast.ben).get(
        reverse("notify:arrival") + f"?colleague={cast.ada.pk}", headers={"HX-Request": "true"}
    )
    assert "it will arrive at once" in hint.content.decode()
