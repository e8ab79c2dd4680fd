"""Incidents: recorded by anyone, seen by managers, the recorder and the staff targeted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from casewell.offices.models import AccessLogEntry
from casewell.offices.tenancy import across_all_offices, bind_office
from casewell.safety import incidents


@pytest.fixture
def threat(cast, db):
    return incidents.record_incident(
        cast.ada,
        channel="call",
        happened_on=timezone.localdate(),
        what_happened="Caller said he would wait for Wes outside.",
        targeted_ids=[cast.wes.pk],
    )


def url(record) -> str:
    return reverse("safety:incident", kwargs={"incident_id": record.pk})


def test_what_how_and_when_are_required_and_named(cast, db):
    with pytest.raises(ValidationError) as refused:
        incidents.record_incident(
            cast.ada,
            channel="fax",
            happened_on=None,
            what_happened=" ",
            targeted_ids=[cast.cleo.pk],
        )
    assert set(refused.value.message_dict) == {
        "channel",
        "happened_on",
        "what_happened",
        "targeted",
    }
    with pytest.raises(ValidationError) as future:
        incidents.record_incident(
            cast.ada,
            channel="call",
            what_happened="x",
            happened_on=timezone.localdate() + timedelta(days=1),
        )
    assert "today or in the past" in future.value.message_dict["happened_on"][0]


def test_seen_by_managers_the_recorder_and_those_targeted_only(cast, threat, client_for):
    for person in (cast.ada, cast.wes, cast.ben, cast.amir):
        assert client_for(person).get(url(threat)).status_code == 200, person
    for person in (cast.ivy, cast.mo, cast.cleo):
        assert client_for(person).get(url(threat)).status_code == 404, person
    with bind_office(cast.north):
        assert list(incidents.incidents_for(cast.wes)) == [threat]
        assert list(incidents.incidents_for(cast.ivy)) == []
    with across_all_offices():
        assert AccessLogEntry.all_offices.filter(subject_type="safety.Incident").exists()


def test_the_follow_up_is_recorded_by_a_manager_or_the_recorder(cast, threat, client_for):
    with pytest.raises(PermissionDenied):
        incidents.record_follow_up(cast.wes, threat, outcome="x")
    with pytest.raises(ValidationError) as refused:
        incidents.record_follow_up(cast.ben, threat, police_reference="WY-2026-0042")
    assert "police_force" in refused.value.message_dict
    assert client_for(cast.wes).post(url(threat), {"outcome": "x"}).status_code == 403
    page = (
        client_for(cast.ben)
        .post(
            url(threat),
            {
                "police_force": "West Yorkshire Police",
                "police_reference": "WY-2026-0042",
                "referred_to": "Parliamentary Liaison and Investigation Team",
                "outcome": "Warned.",
            },
            follow=True,
        )
        .content.decode()
    )
    assert "The follow-up has been recorded" in page and "WY-2026-0042" in page


def test_recording_an_incident_from_the_form(cast, client_for):
    ada = client_for(cast.ada)
    bad = ada.post(reverse("safety:new_incident"), {"happened_on": "yesterday"})
    assert "Choose how the contact was made" in bad.content.decode()
    done = ada.post(
        reverse("safety:new_incident"),
        {
            "channel": "email",
            "happened_on": f"{timezone.localdate():%d %m %Y}",
            "what_happened": "Rude e-mail about the surgery",
            "targeted": [str(cast.ada.pk)],
        },
        follow=True,
    ).content.decode()
    assert "The incident has been recorded" in done and "Rude e-mail about" in done
    listing = ada.get(reverse("safety:incidents")).content.decode()
    assert "E-mail" in listing
    cleo_sees = client_for(cast.cleo).get(reverse("safety:incidents")).content.decode()
    assert "There are no incidents you can see" in cleo_sees
