"""The end-of-day prompt: shown near the end of each person's own working day, until they
put something down or say "not today"."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from casewell.notify.services import set_working_pattern
from casewell.wellbeing.put_down import put_down_prompt, put_it_down
from casewell.wellbeing.tests.huddle_cases import a_case

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
WEEKDAYS = {day: (time(9), time(17)) for day in range(5)}


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LONDON)


def test_the_prompt_comes_half_an_hour_before_the_usual_end_and_stays_into_the_evening(cast):
    # Tuesday 1 December 2026; Ada has the usual pattern, 09:00-17:00 on weekdays.
    assert put_down_prompt(cast.ada, now=at(1, 16, 20)) is None
    prompt = put_down_prompt(cast.ada, now=at(1, 16, 30))
    assert prompt is not None and prompt.day_ends_at == at(1, 17)
    assert put_down_prompt(cast.ada, now=at(1, 19, 45)) is not None
    assert put_down_prompt(cast.ada, now=at(1, 20, 30)) is None


def test_no_prompt_on_a_day_off_a_weekend_or_the_persons_bank_holiday(cast):
    assert put_down_prompt(cast.ada, now=at(5, 16, 45)) is None  # Saturday
    set_working_pattern(cast.ada, WEEKDAYS, "Europe/London", "scotland")
    set_working_pattern(cast.ben, WEEKDAYS, "Europe/London", "england")
    # Monday 30 November, St Andrew's Day: a bank holiday in Scotland only.
    assert put_down_prompt(cast.ada, now=at(30, 16, 45, month=11)) is None
    assert put_down_prompt(cast.ben, now=at(30, 16, 45, month=11)) is not None


def test_a_part_time_pattern_is_prompted_at_its_own_end(cast):
    set_working_pattern(cast.ada, {1: (time(9), time(13))}, "Europe/London", "england")
    assert put_down_prompt(cast.ada, now=at(1, 12, 40)).day_ends_at == at(1, 13)
    assert put_down_prompt(cast.ada, now=at(2, 12, 40)) is None  # she does not work Wednesdays


def test_putting_something_down_or_saying_not_today_ends_the_prompt_for_the_day(cast):
    with time_machine.travel(at(1, 16, 50), tick=False):
        put_it_down(cast.ada, note="The call about the flat fire")
        assert put_down_prompt(cast.ada) is None
        # Handing a case on counts too.
        put_it_down(cast.ben, hand_over=[a_case(cast.ben, "Eviction").pk])
        assert put_down_prompt(cast.ben) is None
    assert put_down_prompt(cast.wes, now=at(1, 16, 50), dismissed_on=at(1, 9).date()) is None
    assert put_down_prompt(cast.wes, now=at(2, 16, 50), dismissed_on=at(1, 9).date()) is not None


def test_the_prompt_is_on_every_page_and_not_today_hides_it_without_scripts(cast, client_for):
    ada = client_for(cast.ada)
    with time_machine.travel(at(1, 16, 45), tick=False):
        page = ada.get(reverse("cases:mine")).content.decode()
        assert 'data-testid="put-down-prompt"' in page and "Your working day ends at 17:00" in page
        answer = ada.post(reverse("wellbeing:not_today"), {"next": reverse("cases:mine")})
        assert answer.status_code == 302 and answer.url == reverse("cases:mine")
        again = ada.get(reverse("cases:mine")).content.decode()
        assert 'data-testid="put-down-prompt"' not in again
        # Another site is never a place to go back to.
        away = ada.post(reverse("wellbeing:not_today"), {"next": "https://example.org/"})
        assert away.url == "/"
    with time_machine.travel(at(1, 11), tick=False):
        assert 'data-testid="put-down-prompt"' not in ada.get(reverse("home")).content.decode()
