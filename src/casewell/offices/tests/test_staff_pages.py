"""Administrators manage their office's staff and details; nobody else may, nor another office's."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casewell.offices.invitations import invite_staff
from casewell.offices.models import AuditEntry, Office, Role, User
from casewell.offices.services import add_staff_member
from casewell.offices.tenancy import bind_office

ADMIN_PAGES = [
    "/office/",
    "/office/invitations/",
    "/office/invitations/new/",
    "/office/details/",
    "/office/audit/",
    "/office/access-log/",
]


def roles_of(user: User) -> set[str]:
    with bind_office(user.office_id):
        user.__dict__.pop("roles", None)
        return set(user.roles)


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_administrators_see_the_office_settings_pages(cast, client_for, path):
    assert client_for(cast.amir).get(path).status_code == 200


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_other_roles_are_refused_the_office_settings_pages(cast, client_for, path):
    for person in (cast.ada, cast.ben, cast.mo, cast.ivy, cast.wes):
        assert client_for(person).get(path).status_code == 403


def test_record_pages_refuse_other_roles_before_looking_anything_up(cast, client_for):
    ada = client_for(cast.ada)
    assert ada.get(f"/office/staff/{cast.ben.pk}/").status_code == 403
    assert ada.post(f"/office/staff/{cast.ben.pk}/deactivate/").status_code == 403
    assert ada.post(f"/office/staff/{cast.ben.pk}/unlock/").status_code == 403


def test_cleo_gets_404_for_every_north_staff_page(cast, client_for):
    cleo = client_for(cast.cleo)
    for person in (cast.ada, cast.amir):
        for suffix in ("", "deactivate/", "reactivate/", "unlock/"):
            path = f"/office/staff/{person.pk}/{suffix}"
            assert cleo.get(path).status_code == 404, path
            assert cleo.post(path, {"roles": ["administrator"]}).status_code == 404, path
    cast.ada.refresh_from_db()
    assert cast.ada.is_active and roles_of(cast.ada) == {Role.CASEWORKER}


def test_cleo_never_sees_norths_staff_in_her_list(cast, client_for):
    page = client_for(cast.cleo).get("/office/").content.decode()
    assert "Cleo Jones" in page
    assert "Ada Lovelace" not in page and "Amir Haddad" not in page


def test_staff_list_shows_roles_state_and_second_factor(cast, client_for):
    add_staff_member(
        cast.north, email="new@nr.example", full_name="Nia Newcomer", roles=[Role.MEMBER]
    )
    cast.ivy.locked_at = timezone.now()
    cast.ivy.save()
    cast.ben.is_active = False
    cast.ben.save()
    page = client_for(cast.amir).get("/office/").content.decode()
    row = page[page.index("Nia Newcomer") :].split("</tr>")[0]
    assert "new@nr.example" in row and ">Member<" in row
    assert "Active" in row and "Not enrolled" in row
    assert "Locked" in page[page.index("Ivy Chen") :].split("</tr>")[0]
    assert "Deactivated" in page[page.index("Ben Okafor") :].split("</tr>")[0]
    assert "Enrolled" in page[page.index("Ada Lovelace") :].split("</tr>")[0]


def test_the_staff_list_costs_the_same_queries_for_5_or_30_people(cast, client_for):
    def count_queries() -> int:
        client = client_for(cast.amir)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/office/").status_code == 200
        return len(queries)

    few = count_queries()
    for number in range(30):
        add_staff_member(
            cast.north,
            email=f"person{number}@nr.example",
            full_name=f"Person {number}",
            roles=[Role.CASEWORKER, Role.INTERN],
        )
    assert count_queries() == few


def test_an_administrator_changes_someones_roles_and_it_is_audited(cast, client_for):
    response = client_for(cast.amir).post(
        f"/office/staff/{cast.ada.pk}/", {"roles": ["caseworker", "manager"]}
    )
    assert response.status_code == 302
    assert roles_of(cast.ada) == {Role.CASEWORKER, Role.MANAGER}
    with bind_office(cast.north):
        granted = AuditEntry.objects.get(subject_type="offices.StaffRole", actor=cast.amir)
    assert granted.action == "created" and granted.changes["role"] == "manager"


def test_roles_cannot_be_emptied(cast, client_for):
    response = client_for(cast.amir).post(f"/office/staff/{cast.ada.pk}/", {})
    assert response.status_code == 200
    assert "Choose at least one role." in response.content.decode()
    assert roles_of(cast.ada) == {Role.CASEWORKER}


def test_the_only_administrator_keeps_the_role(cast, client_for):
    response = client_for(cast.amir).post(
        f"/office/staff/{cast.amir.pk}/", {"roles": ["caseworker"]}
    )
    assert "only administrator" in response.content.decode()
    assert roles_of(cast.amir) == {Role.ADMINISTRATOR}


def test_deactivating_stops_sign_in_and_reactivating_restores_it(cast, client_for):
    amir = client_for(cast.amir)
    ada = client_for(cast.ada)
    assert amir.post(f"/office/staff/{cast.ada.pk}/deactivate/").status_code == 302
    cast.ada.refresh_from_db()
    assert not cast.ada.is_active
    assert ada.get("/").status_code == 302  # signed out at her next request
    with bind_office(cast.north):
        assert AuditEntry.objects.filter(
            action="deactivated", actor=cast.amir, subject_id=str(cast.ada.pk)
        ).exists()
    assert amir.post(f"/office/staff/{cast.ada.pk}/reactivate/").status_code == 302
    cast.ada.refresh_from_db()
    assert cast.ada.is_active


def test_an_administrator_cannot_deactivate_themselves(cast, client_for):
    response = client_for(cast.amir).post(f"/office/staff/{cast.amir.pk}/deactivate/", follow=True)
    assert "You cannot deactivate your own account." in response.content.decode()
    cast.amir.refresh_from_db()
    assert cast.amir.is_active


def test_an_administrator_unlocks_a_locked_account(cast, client_for):
    cast.ivy.locked_at = timezone.now()
    cast.ivy.failed_sign_ins = 10
    cast.ivy.save()
    page = client_for(cast.amir).get(f"/office/staff/{cast.ivy.pk}/").content.decode()
    assert "Unlock account" in page
    assert client_for(cast.amir).post(f"/office/staff/{cast.ivy.pk}/unlock/").status_code == 302
    cast.ivy.refresh_from_db()
    assert not cast.ivy.is_locked and cast.ivy.failed_sign_ins == 0
    with bind_office(cast.north):
        assert AuditEntry.objects.filter(action="unlocked", actor=cast.amir).exists()


def test_action_urls_refuse_get(cast, client_for):
    assert client_for(cast.amir).get(f"/office/staff/{cast.ada.pk}/deactivate/").status_code == 405
    cast.ada.refresh_from_db()
    assert cast.ada.is_active


def test_the_office_details_are_changed_and_audited(cast, client_for):
    response = client_for(cast.amir).post(
        "/office/details/",
        {
            "name": "North Ridge office",
            "kind": "constituency",
            "nation": "scotland",
            "time_zone": "Europe/London",
            "reference_prefix": "nrx",
        },
    )
    assert response.status_code == 302
    office = Office.objects.get(pk=cast.north.pk)
    assert (office.name, office.nation, office.reference_prefix) == (
        "North Ridge office",
        "scotland",
        "NRX",
    )
    with bind_office(cast.north):
        entry = AuditEntry.objects.get(subject_type="offices.Office")
    assert entry.actor == cast.amir
    assert entry.changes["nation"] == {"from": "england", "to": "scotland"}


def test_the_office_details_form_shows_errors_the_govuk_way(cast, client_for):
    response = client_for(cast.amir).post(
        "/office/details/",
        {
            "name": "",
            "kind": "constituency",
            "nation": "atlantis",
            "time_zone": "Mars/Olympus",
            "reference_prefix": "N-R",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        "There is a problem" in page and 'href="#id_name"' in page and 'href="#id_nation"' in page
    )
    assert "govuk-form-group--error" in page and "letters and numbers" in page
    assert Office.objects.get(pk=cast.north.pk).name == "North Ridge constituency office"


def test_changing_the_kind_changes_the_words_and_warns_first(cast, client_for):
    amir = client_for(cast.amir)
    assert (
        "Changing the kind of office changes that word"
        in amir.get("/office/details/").content.decode()
    )
    amir.post(
        "/office/details/",
        {
            "name": cast.north.name,
            "kind": "mental_health",
            "nation": "england",
            "time_zone": "Europe/London",
            "reference_prefix": "NR",
        },
    )
    assert '<h1 class="govuk-heading-l">Clients</h1>' in amir.get("/people/").content.decode()


def test_office_settings_appear_in_the_navigation_for_administrators_only(cast, client_for):
    assert "Office settings" in client_for(cast.amir).get("/").content.decode()
    ada_home = client_for(cast.ada).get("/").content.decode()
    assert "Office settings</a>" not in ada_home
    assert ">Constituents</a>" in ada_home


def test_a_pending_invitation_is_listed_with_its_roles_in_the_offices_words(cast, client_for):
    invite_staff(cast.cleo, email="lead@example.org", full_name="Lee Lead", roles=[Role.MEMBER])
    page = client_for(cast.cleo).get("/office/invitations/").content.decode()
    assert "Lee Lead" in page and "Service lead" in page


def _current_navigation(page: str) -> list[str]:
    main = page.split('aria-label="Main"')[1].split("</nav>")[0]
    return re.findall(r'aria-current="page">([^<]+)</a>', main)


def test_everyone_reaches_the_directory_and_managers_the_case_settings(cast, client_for):
    ada_home = client_for(cast.ada).get("/").content.decode()
    assert 'href="/directory/"' in ada_home and "Case settings</a>" not in ada_home
    ben = client_for(cast.ben)  # a manager
    assert "Case settings</a>" in ben.get("/").content.decode()
    assert _current_navigation(ben.get("/cases/settings/teams/").content.decode()) == [
        "Case settings"
    ]
    assert _current_navigation(ben.get("/cases/").content.decode()) == ["Cases"]
    assert _current_navigation(ben.get("/directory/").content.decode()) == ["Directory"]
