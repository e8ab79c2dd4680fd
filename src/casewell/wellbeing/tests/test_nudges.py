"""Break nudges: after N heavy items in M minutes (the office's numbers) the person is
offered a break at the top of their pages, dismissible without scripts; managers see only
counts across a group of at least five people."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from casewell.offices.services import create_team
from casewell.offices.tenancy import bind_office
from casewell.wellbeing.exposure import record_exposure
from casewell.wellbeing.models.workload import BreakNudge, DistressLevel
from casewell.wellbeing.nudges import nudge_report, nudge_to_show
from casewell.wellbeing.workload import change_workload_settings

NOON = timezone.make_aware(timezone.datetime(2026, 12, 2, 12, 0))


@pytest.fixture
def heavy_cases(cast, caseload):
    return [
        caseload.open(cast.ben, summary=f"Heavy {n}", distress=DistressLevel.HIGH)
        for n in range(4)
    ]


def nudges_of(user) -> list[BreakNudge]:
    with bind_office(user.office):
        return list(BreakNudge.objects.filter(user=user))


def read_cases(user, cases, start, minutes_apart: int) -> None:
    for n, case in enumerate(cases):
        with time_machine.travel(start + timedelta(minutes=n * minutes_apart), tick=False):
            record_exposure(user, case, "opened")


def test_a_run_of_heavy_items_in_the_window_brings_one_nudge(cast, heavy_cases):
    change_workload_settings(cast.ben, nudge_items=3, nudge_minutes=30)
    read_cases(cast.ada, heavy_cases, NOON, minutes_apart=5)
    [nudge] = nudges_of(cast.ada)  # the fourth item in the same window adds no second nudge
    assert (nudge.heavy_items, nudge.created_at) == (3, NOON + timedelta(minutes=10))
    assert nudges_of(cast.ben) == []


def test_the_same_heavy_runs_spread_out_or_repeated_bring_no_nudge(cast, heavy_cases):
    change_workload_settings(cast.ben, nudge_items=3, nudge_minutes=30)
    read_cases(cast.ada, heavy_cases, NOON, minutes_apart=20)  # never 3 within 30 minutes
    read_cases(cast.wes, [heavy_cases[0]] * 4, NOON, minutes_apart=1)  # one item, four times
    assert nudges_of(cast.ada) == [] and nudges_of(cast.wes) == []


def test_moderate_items_do_not_count_towards_a_nudge(cast, caseload):
    change_workload_settings(cast.ben, nudge_items=2, nudge_minutes=30)
    moderate = [caseload.open(cast.ben, distress=DistressLevel.MODERATE) for _ in range(3)]
    read_cases(cast.ada, moderate, NOON, minutes_apart=1)
    assert nudges_of(cast.ada) == []


def test_an_office_can_turn_nudges_off(cast, heavy_cases):
    change_workload_settings(cast.ben, nudge_items=2, nudges_on=False)
    read_cases(cast.ada, heavy_cases, NOON, minutes_apart=1)
    assert nudges_of(cast.ada) == []


def test_the_nudge_shows_at_the_top_of_pages_until_dismissed_without_scripts(
    cast, client_for, heavy_cases
):
    change_workload_settings(cast.ben, nudge_items=2, nudge_minutes=30)
    for case in heavy_cases[:2]:
        client_for(cast.ada).get(reverse("cases:detail", kwargs={"case_id": case.pk}))
    ada = client_for(cast.ada)
    page = ada.get(reverse("cases:mine")).content.decode()
    assert 'data-testid="break-nudge"' in page and "Time for a break?" in page
    [nudge] = nudges_of(cast.ada)
    assert nudge.shown_at is not None and nudge.dismissed_at is None
    assert 'data-testid="break-nudge"' not in client_for(cast.ben).get("/").content.decode()

    answer = ada.post(
        reverse("wellbeing:dismiss_nudge", kwargs={"breaknudge_id": nudge.pk}),
        {"next": "/cases/mine/"},
    )
    assert answer.status_code == 302 and answer["Location"] == "/cases/mine/"
    assert 'data-testid="break-nudge"' not in ada.get("/cases/mine/").content.decode()
    [nudge] = nudges_of(cast.ada)
    assert nudge.dismissed_at is not None


def test_a_nudge_goes_stale_after_two_hours(cast, heavy_cases):
    change_workload_settings(cast.ben, nudge_items=2, nudge_minutes=30)
    read_cases(cast.ada, heavy_cases[:2], NOON, minutes_apart=1)
    with time_machine.travel(NOON + timedelta(minutes=90), tick=False):
        assert nudge_to_show(cast.ada) is not None
    with time_machine.travel(NOON + timedelta(hours=3), tick=False):
        assert nudge_to_show(cast.ada) is None


def test_nobody_dismisses_anyone_elses_nudge_and_dismissing_goes_only_back_home(
    cast, client_for, heavy_cases
):
    change_workload_settings(cast.ben, nudge_items=2)
    read_cases(cast.ada, heavy_cases[:2], timezone.now(), minutes_apart=0)
    [nudge] = nudges_of(cast.ada)
    url = reverse("wellbeing:dismiss_nudge", kwargs={"breaknudge_id": nudge.pk})
    assert client_for(cast.ben).post(url).status_code == 404
    assert client_for(cast.cleo).post(url).status_code == 404
    assert client_for(cast.ada).get(url).status_code == 405
    answer = client_for(cast.ada).post(url, {"next": "https://elsewhere.example/"})
    assert answer["Location"] == "/"
    assert nudges_of(cast.ada)[0].dismissed_at is not None


def _nudge(user, *, dismissed: bool) -> None:
    now = timezone.now()
    with bind_office(user.office):
        BreakNudge.objects.create(
            user=user, heavy_items=4, created_at=now, shown_at=now,
            dismissed_at=now if dismissed else None,
        )  # fmt: skip


def test_managers_see_only_counts_for_the_whole_office(cast, client_for):
    _nudge(cast.ada, dismissed=True)
    _nudge(cast.ada, dismissed=False)
    _nudge(cast.wes, dismissed=True)
    [office] = nudge_report(cast.ben)
    assert office.size == 6 and not office.suppressed
    this_week = office.weeks[0]
    assert (this_week.shown, this_week.dismissed) == (3, 2)
    page = client_for(cast.ben).get(reverse("wellbeing:nudge_report")).content.decode()
    assert 'data-testid="nudge-counts"' in page
    assert "Ada" not in page and "Wes" not in page  # never by person


def test_a_group_smaller_than_five_is_not_counted_at_all(cast, client_for):
    create_team(cast.ben, "Housing team", members=[cast.ada, cast.wes])
    _nudge(cast.ada, dismissed=False)
    office, team = nudge_report(cast.ben)
    assert team.name == "Housing team" and team.suppressed and team.weeks == []
    assert office.weeks[0].shown == 1
    page = client_for(cast.wes).get(reverse("wellbeing:nudge_report")).content.decode()
    assert 'data-testid="suppressed"' in page  # a wellbeing champion sees the same counts


def test_caseworkers_do_not_see_nudge_counts_and_south_sees_only_its_own(cast, client_for):
    _nudge(cast.ada, dismissed=False)
    with pytest.raises(PermissionDenied):
        nudge_report(cast.ada)
    assert client_for(cast.ada).get(reverse("wellbeing:nudge_report")).status_code == 403
    [south] = nudge_report(cast.cleo)
    assert south.size == 1 and south.suppressed
