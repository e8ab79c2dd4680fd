"""Exposure is counted from what people really did: reading a flagged message, opening a
flagged timeline entry or a distressing case, and assigning or archiving a flagged message."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from casewell.inbox import triage
from casewell.offices.tenancy import bind_office
from casewell.timeline.services import add_note
from casewell.wellbeing.exposure import record_exposure
from casewell.wellbeing.models.workload import DistressLevel, ExposureEvent
from casewell.wellbeing.services import ItemKind, flag_by_hand
from casewell.wellbeing.tests.conftest import receive
from casewell.wellbeing.workload import my_figures, set_case_workload

PLAN = "I have a plan to kill myself tonight, I have the pills ready."
BEREAVED = "My father died last week and I cannot cope with the forms."
CALM = "The damp in my flat is getting worse."


def events(user) -> list[tuple[str, str, int]]:
    with bind_office(user.office):
        return list(
            ExposureEvent.objects.filter(user=user).order_by("pk").values_list(
                "action", "item", "level"
            )
        )


def test_reading_a_flagged_message_is_one_exposure_however_often_it_is_opened(
    cast, client_for
):
    heavy = receive(cast.north, subject="Tonight", body=PLAN)
    calm = receive(cast.north, subject="Damp", body=CALM)
    ada = client_for(cast.ada)
    for url in ("inbox:message", "inbox:message_html", "inbox:message"):
        assert ada.get(reverse(url, kwargs={"message_id": heavy.pk})).status_code == 200
    assert ada.get(reverse("inbox:message", kwargs={"message_id": calm.pk})).status_code == 200
    assert events(cast.ada) == [("read", f"message:{heavy.pk}", DistressLevel.HIGH)]
    assert events(cast.ben) == []
    figures = my_figures(cast.ada)
    assert (figures.exposure.this_week, figures.exposure.heavy_this_week) == (1, 1)


def test_opening_a_flagged_note_counts_and_a_calm_one_does_not(cast, client_for, case):
    heavy = add_note(cast.ada, case, "He hit me again last night and I am scared to go home.")
    calm = add_note(cast.ada, case, "Rang the landlord, no answer.")
    wes = client_for(cast.wes)
    for entry in (heavy, calm):
        url = reverse("timeline:entry", kwargs={"timelineentry_id": entry.pk})
        assert wes.get(url).status_code == 200
    assert events(cast.wes) == [("read", f"timeline:{heavy.pk}", DistressLevel.HIGH)]


def test_opening_a_case_counts_at_the_level_of_its_most_distressing_item(
    cast, client_for, case, caseload
):
    calm_case = caseload.open(cast.ada)
    add_note(cast.ada, case, BEREAVED)
    ben = client_for(cast.ben)
    for opened in (case, calm_case):
        assert ben.get(reverse("cases:detail", kwargs={"case_id": opened.pk})).status_code == 200
    assert events(cast.ben) == [("opened", f"case:{case.pk}", DistressLevel.MODERATE)]


def test_a_cases_own_level_counts_when_someone_has_set_it(cast, client_for, caseload):
    case = caseload.open(cast.ada, distress=DistressLevel.HIGH)
    assert client_for(cast.wes).get(reverse("cases:detail", kwargs={"case_id": case.pk}))
    assert events(cast.wes) == [("opened", f"case:{case.pk}", DistressLevel.HIGH)]
    set_case_workload(cast.ben, case, distress=DistressLevel.NONE, reason="Resolved, calm now")
    client_for(cast.ivy).get(reverse("cases:detail", kwargs={"case_id": case.pk}))
    assert events(cast.ivy) == []


def test_assigning_or_archiving_a_flagged_message_is_handling_it(cast):
    heavy = receive(cast.north, subject="Threat", body="I will stab the caseworker next time.")
    calm = receive(cast.north, subject="Damp", body=CALM)
    for message in (heavy, calm):
        triage.assign(cast.ben, message, cast.ada)
    triage.archive(cast.ada, triage.get_message_for(cast.ada, heavy.pk))
    assert events(cast.ben) == [("handled", f"message:{heavy.pk}", DistressLevel.HIGH)]
    assert events(cast.ada) == [("handled", f"message:{heavy.pk}", DistressLevel.HIGH)]


def test_an_item_flagged_by_hand_counts_as_moderate_not_heavy(cast, client_for):
    message = receive(cast.north, subject="Forms", body=CALM)
    flag_by_hand(cast.ben, ItemKind.MESSAGE, message.pk, ["bereavement"], "Sad news in it")
    client_for(cast.ada).get(reverse("inbox:message", kwargs={"message_id": message.pk}))
    exposure = my_figures(cast.ada).exposure
    assert (exposure.this_week, exposure.heavy_this_week) == (1, 0)


def test_this_week_starts_on_monday_and_heavy_items_are_remembered_for_seven_days(cast):
    first = receive(cast.north, subject="One", body=PLAN)
    second = receive(cast.north, subject="Two", body="He hit me again last night.")
    # Friday 27 November 2026, then Tuesday 1 December.
    friday = timezone.make_aware(timezone.datetime(2026, 11, 27, 15, 0))
    with time_machine.travel(friday, tick=False):
        record_exposure(cast.ada, first, "read")
    with time_machine.travel(friday + timedelta(days=4), tick=False):
        record_exposure(cast.ada, second, "read")
        exposure = my_figures(cast.ada).exposure
    assert (exposure.this_week, exposure.heavy_this_week, exposure.heavy_recent) == (1, 1, 2)
    with time_machine.travel(friday + timedelta(days=8), tick=False):
        assert my_figures(cast.ada).exposure.heavy_recent == 1


def test_an_unknown_action_or_kind_of_item_is_a_programming_error(cast, caseload):
    case = caseload.open(cast.ada, distress=DistressLevel.HIGH)
    with pytest.raises(ValueError, match="Unknown exposure action"):
        record_exposure(cast.ada, case, "glanced")
    with pytest.raises(ValueError, match="not counted"):
        record_exposure(cast.ada, cast.north, "read")
