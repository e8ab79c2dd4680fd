"""Support for targeted staff: a list managers keep, shown to those an incident was aimed at."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from casewell.safety import support
from casewell.safety.incidents import record_incident


@pytest.fixture
def threat(cast):
    return record_incident(
        cast.ben,
        channel="email",
        happened_on=timezone.localdate(),
        what_happened="Threatening e-mail to Ada",
        targeted_ids=[cast.ada.pk],
    )


def test_an_office_starts_with_a_default_list_managers_change(cast):
    names = [option.name for option in support.support_for(cast.ben)]
    assert names[0] == "Your manager" and "Samaritans" in names
    with pytest.raises(PermissionDenied):
        support.add_support_option(cast.ada, name="x", how_to_reach="y")
    with pytest.raises(ValidationError) as refused:
        support.add_support_option(cast.ben, name=" ", how_to_reach="")
    assert set(refused.value.message_dict) == {"name", "how_to_reach"}
    added = support.add_support_option(
        cast.ben, name="Staff counsellor", how_to_reach="Room 4, Tuesdays"
    )
    assert support.support_for(cast.ada)[-1] == added
    for option in support.support_for(cast.ben):
        support.remove_support_option(cast.ben, option)
    # Nobody targeted is ever shown nowhere to turn.
    assert [o.name for o in support.support_for(cast.ada)][0] == "Your manager"


def test_targeted_staff_see_support_on_the_incident_and_their_home(cast, client_for, threat):
    ada = client_for(cast.ada)
    assert "Support for you" in ada.get(f"/safety/incidents/{threat.pk}/").content.decode()
    assert "Support for you" in ada.get("/").content.decode()
    # The manager who recorded it was not targeted: no support panel for him.
    ben = client_for(cast.ben)
    assert "Support for you" not in ben.get(f"/safety/incidents/{threat.pk}/").content.decode()
    assert "Support for you" not in ben.get("/").content.decode()


def test_the_support_page_managers_edit_and_everyone_reads(cast, client_for):
    assert "Your manager" in client_for(cast.ada).get("/safety/support/").content.decode()
    assert client_for(cast.ada).post("/safety/support/", {"name": "x"}).status_code == 403
    ben = client_for(cast.ben)
    bad = ben.post("/safety/support/", {"name": "", "how_to_reach": ""}).content.decode()
    assert "Enter the name of the service or person" in bad
    page = ben.post(
        "/safety/support/", {"name": "Staff counsellor", "how_to_reach": "Room 4"}, follow=True
    ).content.decode()
    assert "Staff counsellor" in page
    option = support.support_for(cast.ben)[-1]
    url = f"/safety/support/{option.pk}/"
    assert client_for(cast.ada).get(url).status_code == 403
    changed = ben.post(url, {"name": "Counsellor", "how_to_reach": "Room 5"}, follow=True)
    assert "Room 5" in changed.content.decode()
    assert client_for(cast.ada).post(f"{url}remove/").status_code == 403
    gone = ben.post(f"{url}remove/", follow=True).content.decode()
    assert "Counsellor has been taken off the support list" in gone


def test_cleo_reaches_none_of_norths_list(cast, client_for):
    option = support.support_for(cast.ben)[0]
    cleo = client_for(cast.cleo)
    assert cleo.get(f"/safety/support/{option.pk}/").status_code == 404
    assert cleo.post(f"/safety/support/{option.pk}/remove/").status_code == 404
