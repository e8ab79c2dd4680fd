"""Putting it down: a note only its writer sees, and cases handed to tomorrow's huddle."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from casewell.offices.models import AuditEntry
from casewell.offices.tenancy import bind_office
from casewell.wellbeing.huddles import huddle_board, record_huddle
from casewell.wellbeing.put_down import (
    cases_to_hand_over,
    get_put_down_note_for,
    my_put_down_notes,
    put_it_down,
)
from casewell.wellbeing.tests.huddle_cases import a_case

CARRYING = "The call about the baby keeps coming back to me"


def test_the_note_is_seen_by_its_writer_and_by_no_manager_or_administrator(cast, client_for):
    done = put_it_down(cast.ada, note=CARRYING)
    assert list(my_put_down_notes(cast.ada)) == [done.note]
    assert get_put_down_note_for(cast.ada, done.note.pk) == done.note
    for other in (cast.ben, cast.amir, cast.wes):
        assert list(my_put_down_notes(other)) == []
        with pytest.raises(Http404):
            get_put_down_note_for(other, done.note.pk)
        response = client_for(other).get(f"/wellbeing/put-it-down/{done.note.pk}/")
        assert response.status_code == 404
        assert CARRYING not in client_for(other).get("/wellbeing/put-it-down/").content.decode()
    page = client_for(cast.ada).get(f"/wellbeing/put-it-down/{done.note.pk}/")
    assert CARRYING in page.content.decode()


def test_the_audit_trail_records_a_note_was_written_but_never_what_it_says(cast, client_for):
    put_it_down(cast.ada, note=CARRYING)
    with bind_office(cast.north):
        changes = [
            entry.changes
            for entry in AuditEntry.objects.filter(subject_type="wellbeing.PutDownNote")
        ]
    assert changes and CARRYING not in str(changes)
    audit_page = client_for(cast.amir).get("/audit/")
    assert CARRYING not in audit_page.content.decode()


def test_a_manager_cannot_delete_someone_elses_note(cast, client_for):
    done = put_it_down(cast.ada, note=CARRYING)
    assert client_for(cast.ben).post(f"/wellbeing/put-it-down/{done.note.pk}/").status_code == 404
    assert get_put_down_note_for(cast.ada, done.note.pk) == done.note


def test_a_handed_case_appears_on_the_next_daily_huddle_board_with_who_handed_it(cast):
    worry = a_case(
        cast.ada,
        "Quiet worry",
    )
    put_it_down(cast.ada, note="", hand_over=[worry.pk], handover_note="Said she felt hopeless")
    row = next(row for row in huddle_board(cast.ben, "daily").rows if row.case == worry)
    assert [(h.handed_by, h.note) for h in row.handovers] == [(cast.ada, "Said she felt hopeless")]
    huddle = record_huddle(cast.ben, kind="daily", attendee_ids=[cast.ben.pk])
    with bind_office(cast.north):
        assert list(huddle.handovers.values_list("case_id", flat=True)) == [worry.pk]


def test_a_weekly_huddle_does_not_take_up_cases_handed_to_tomorrows_daily_huddle(cast):
    worry = a_case(cast.ada, "Quiet worry")
    put_it_down(cast.ada, hand_over=[worry.pk])
    record_huddle(cast.ben, kind="weekly", attendee_ids=[cast.ben.pk])
    assert worry in [row.case for row in huddle_board(cast.ben, "daily").rows]


def test_putting_down_needs_a_note_or_a_case(cast):
    with pytest.raises(ValidationError, match="Write what you are carrying"):
        put_it_down(cast.ada, note="   ")


def test_only_cases_the_person_may_see_can_be_handed_on(cast):
    cleos = a_case(cast.cleo, "South's case")
    with pytest.raises(ValidationError, match="Choose cases you work on"):
        put_it_down(cast.ada, hand_over=[cleos.pk])


def test_the_choices_are_my_open_cases_and_the_at_risk_cases(cast):
    from casewell.cases.services import assign_case

    mine = a_case(cast.ada, "Mine")
    assign_case(cast.ben, mine, cast.ada)
    urgent = a_case(cast.ben, "Urgent", priority=4)
    someone_elses = a_case(cast.ben, "Ordinary")
    offered = cases_to_hand_over(cast.ada)
    assert mine in offered and urgent in offered and someone_elses not in offered
