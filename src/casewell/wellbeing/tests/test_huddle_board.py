"""The huddle boards: which cases are at risk and why, and what changed since the last huddle."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from casewell.cases.services import close_case, create_tag, tag_case, update_case
from casewell.inbox.tests.placing_mail import stored_message
from casewell.offices.tenancy import bind_office
from casewell.safety.incidents import record_incident
from casewell.safety.markers import add_safety_marker
from casewell.timeline.services import add_note, record_call
from casewell.wellbeing.at_risk import at_risk_reasons
from casewell.wellbeing.huddles import (
    DecisionPlan,
    hand_to_huddle,
    huddle_board,
    record_huddle,
)
from casewell.wellbeing.tests.huddle_cases import a_case, person, review_date


def board_cases(user, kind="daily"):
    return {row.case.pk: row for row in huddle_board(user, kind).rows}


def test_a_case_with_a_marked_person_is_at_risk_and_says_why(cast):
    harriet = person(cast.ada, "Harriet", "Walsh")
    damp = a_case(cast.ada, "Damp", people=[harriet])
    assert at_risk_reasons(cast.ada, damp) == []
    add_safety_marker(
        cast.ben, harriet, kind="do_not_visit_alone", note="", review_on=review_date()
    )
    reasons = at_risk_reasons(cast.ada, damp)
    assert len(reasons) == 1 and reasons[0].startswith("Harriet Walsh: safety marker")


def test_an_incident_about_a_person_puts_their_case_at_risk_for_those_who_may_see_it(cast):
    harriet = person(cast.ada, "Harriet", "Walsh")
    damp = a_case(cast.ada, "Damp", people=[harriet])
    record_incident(
        cast.ben,
        channel="call",
        happened_on=timezone.localdate(),
        what_happened="Shouted",
        person_id=harriet.pk,
    )
    assert "Harriet Walsh: incident recorded" in at_risk_reasons(cast.ben, damp)
    # Incidents are sensitive: Ada was neither targeted nor the recorder.
    assert at_risk_reasons(cast.ada, damp) == []


def test_safeguarding_category_or_tag_and_high_priority_put_a_case_at_risk(cast):
    by_category = a_case(cast.ada, "Worried about a child", category_name="Safeguarding")
    tagged = a_case(cast.ada, "School refusal")
    tag_case(cast.ada, tagged, create_tag(cast.ada, "Child protection"))
    urgent = a_case(cast.ada, "Eviction tomorrow", priority=4)
    ordinary = a_case(cast.ada, "Bin collection")
    rows = board_cases(cast.ada)
    assert rows[by_category.pk].reasons == ["Safeguarding"]
    assert rows[tagged.pk].reasons == ["Safeguarding"]
    assert rows[urgent.pk].reasons == ["Urgent priority"]
    assert ordinary.pk not in rows


def test_a_closed_case_leaves_the_board(cast):
    urgent = a_case(cast.ada, "Eviction tomorrow", priority=4)
    close_case(cast.ada, urgent, "Sorted")
    assert urgent.pk not in board_cases(cast.ada)


def test_a_handed_over_case_is_at_risk_until_a_daily_huddle_takes_it_up(cast):
    quiet = a_case(cast.ada, "Quiet worry")
    hand_to_huddle(cast.ada, quiet, "She sounded low on the phone")
    row = board_cases(cast.ben)[quiet.pk]
    assert row.reasons == ["Handed to the huddle"]
    assert [h.note for h in row.handovers] == ["She sounded low on the phone"]
    assert huddle_board(cast.ben, "daily").rows[0].case == quiet  # handed-over cases first
    record_huddle(cast.ben, kind="daily", attendee_ids=[cast.ben.pk, cast.ada.pk])
    assert quiet.pk not in board_cases(cast.ben)


def test_the_board_shows_what_changed_since_the_last_huddle_of_its_kind(cast):
    urgent = a_case(cast.ada, "Eviction", priority=4)
    add_note(cast.ada, urgent, "Before the huddle")
    stored_message(cast.north, subject="Before", case=urgent)
    record_huddle(cast.ben, kind="daily", attendee_ids=[cast.ben.pk])
    record_call(
        cast.ada,
        urgent,
        direction="in",
        correspondent="The landlord",
        duration_minutes=5,
        text="Rang back",
    )
    update_case(cast.ada, urgent, priority=3)
    stored_message(cast.north, subject="After", case=urgent)
    daily = board_cases(cast.ada)[urgent.pk]
    assert [entry.headline for entry in daily.changes] == ["Call from The landlord"]
    assert daily.new_messages == 1
    # The weekly board looks back to its own last huddle (none yet: the last seven days).
    weekly = board_cases(cast.ada, "weekly")[urgent.pk]
    assert {entry.headline for entry in weekly.changes} == {"Call from The landlord", "Note"}
    assert weekly.new_messages == 2


def test_a_status_change_since_the_last_huddle_is_on_the_board(cast):
    urgent = a_case(cast.ada, "Eviction", priority=4)
    record_huddle(cast.ben, kind="daily", attendee_ids=[cast.ben.pk])
    from casewell.cases.services import allowed_next_statuses, change_status

    change_status(cast.ada, urgent, allowed_next_statuses(urgent)[0])
    headlines = [entry.headline for entry in board_cases(cast.ada)[urgent.pk].changes]
    assert headlines and headlines[0].startswith("Status changed from")


def test_a_sensitive_note_shows_on_the_board_by_its_headline_only(cast):
    urgent = a_case(cast.ada, "Eviction", priority=4)
    add_note(cast.ada, urgent, "Disclosed something awful", sensitive=True)
    change = board_cases(cast.ada)[urgent.pk].changes[0]
    assert change.headline == "Sensitive note"


def test_a_restricted_case_is_on_the_board_only_for_those_who_may_see_it(cast):
    from casewell.cases.services import restrict_case

    secret = a_case(cast.ada, "Staff member's relative", priority=4)
    restrict_case(cast.ben, secret, [cast.ada])
    assert secret.pk in board_cases(cast.ada)
    assert secret.pk not in board_cases(cast.wes)


def test_interns_do_not_see_the_huddle_boards(cast):
    with pytest.raises(PermissionDenied):
        huddle_board(cast.ivy, "daily")


def test_decisions_are_the_teams_with_attendees_owners_and_dates(cast):
    urgent = a_case(cast.ada, "Eviction", priority=4)
    due = timezone.localdate() + timedelta(days=2)
    escalate = DecisionPlan(
        decision="Escalate to the council",
        case_id=urgent.pk,
        action="Phone the housing officer",
        action_owner_id=cast.ada.pk,
        action_due_on=due,
    )
    huddle = record_huddle(
        cast.wes,
        kind="weekly",
        attendee_ids=[cast.ada.pk, cast.ben.pk, cast.wes.pk],
        learning_theme="Working with angry callers",
        decisions=[escalate, DecisionPlan(decision="")],  # a blank row is left out
    )
    with bind_office(cast.north):
        decision = huddle.decisions.select_related("case", "action_owner").get()
        attended = set(huddle.attendances.values_list("user_id", flat=True))
    assert (decision.case, decision.action_owner, decision.action_due_on) == (urgent, cast.ada, due)
    # Nothing on a decision says who wrote it: it is the team's.
    assert not {"author", "recorded_by", "written_by"} & {
        f.name for f in type(decision)._meta.fields
    }
    assert attended == {cast.ada.pk, cast.ben.pk, cast.wes.pk}
    assert huddle.learning_theme == "Working with angry callers"


def test_recording_a_huddle_needs_attendees_and_owners_from_the_office(cast):
    with pytest.raises(ValidationError, match="Choose who came"):
        record_huddle(cast.ben, kind="daily", attendee_ids=[])
    with pytest.raises(ValidationError, match="staff from your office"):
        record_huddle(cast.ben, kind="daily", attendee_ids=[cast.cleo.pk])
    with pytest.raises(ValidationError, match="choose who will do the action"):
        record_huddle(
            cast.ben,
            kind="daily",
            attendee_ids=[cast.ben.pk],
            decisions=[DecisionPlan(decision="Act", action="Call")],
        )
    with pytest.raises(ValidationError, match="choose staff from your office"):
        record_huddle(
            cast.ben,
            kind="daily",
            attendee_ids=[cast.ben.pk],
            decisions=[DecisionPlan(decision="Act", action="Call", action_owner_id=cast.cleo.pk)],
        )


def test_a_learning_theme_belongs_to_the_weekly_huddle(cast):
    with pytest.raises(ValidationError, match="weekly huddle"):
        record_huddle(cast.ben, kind="daily", attendee_ids=[cast.ben.pk], learning_theme="Grief")


def test_a_decision_cannot_name_a_case_the_recorder_may_not_see(cast):
    cleos = a_case(cast.cleo, "South's case", priority=4)
    with pytest.raises(ValidationError, match="case was not found"):
        record_huddle(
            cast.ben,
            kind="daily",
            attendee_ids=[cast.ben.pk],
            decisions=[DecisionPlan(decision="Act", case_id=cleos.pk)],
        )


def test_handing_a_case_twice_before_the_huddle_keeps_one_handover(cast):
    quiet = a_case(cast.ada, "Quiet worry")
    first = hand_to_huddle(cast.ada, quiet, "Low mood")
    second = hand_to_huddle(cast.ada, quiet, "Missed a call")
    assert first.pk == second.pk
    with bind_office(cast.north):
        second.refresh_from_db()
    assert second.note == "Low mood\nMissed a call"


def test_nobody_hands_over_a_case_they_cannot_see(cast):
    cleos = a_case(cast.cleo, "South's case")
    with pytest.raises(ValidationError):
        hand_to_huddle(cast.ada, cleos)


def test_a_case_with_a_highly_distressing_item_is_held_by_the_team_until_set_lower_by_hand(cast):
    from casewell.wellbeing.workload import set_case_workload

    calm = a_case(cast.ada, "Bins")
    heavy = a_case(cast.ada, "Worried about my son")
    add_note(cast.ada, calm, "Bins collected late again.")
    add_note(cast.ada, heavy, "He said he has a plan to kill himself tonight.")
    assert "High distress" in at_risk_reasons(cast.ada, heavy)
    assert heavy.pk in board_cases(cast.ada) and calm.pk not in board_cases(cast.ada)
    # Whoever knows the case better can say otherwise, with a reason.
    set_case_workload(cast.ben, heavy, distress=1, reason="Safety plan agreed with his GP")
    assert at_risk_reasons(cast.ada, heavy) == []
    set_case_workload(cast.ben, calm, distress=3, reason="Threats made on the phone")
    assert "High distress" in at_risk_reasons(cast.ada, calm)
