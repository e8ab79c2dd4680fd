"""Case settings pages: categories and workflow (administrators), teams and tags (managers)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from casewell.cases import categories, workflow
from casewell.cases.models import CaseStatus, Category, StatusTransition, Tag
from casewell.cases.services import change_status, create_tag, open_case, tag_case
from casewell.offices.models import Team
from casewell.offices.services import create_team
from casewell.offices.tenancy import bind_office

LISTS = ["settings_categories", "settings_statuses", "settings_teams", "settings_tags"]


def page(client, name, **kwargs):
    return client.get(reverse(f"cases:{name}", kwargs=kwargs))


def test_who_may_open_which_settings_page(cast, client_for):
    amir, ben, ada = client_for(cast.amir), client_for(cast.ben), client_for(cast.ada)
    for name in LISTS:
        assert page(amir, name).status_code == 200, name
        assert page(ada, name).status_code == 403, name
    assert page(ben, "settings_teams").status_code == 200
    assert page(ben, "settings_tags").status_code == 200
    assert page(ben, "settings_categories").status_code == 403
    assert page(ben, "settings_statuses").status_code == 403


def test_adding_renaming_retiring_and_restoring_categories(cast, client_for, north_cases):
    amir = client_for(cast.amir)
    url = reverse("cases:settings_categories")
    answer = amir.post(url, {"name": "Veterans", "parent": ""}, follow=True)
    assert "Veterans has been added." in answer.content.decode()
    with bind_office(cast.north):
        veterans = Category.objects.get(name="Veterans", parent=None)
    amir.post(url, {"name": "Armed Forces Covenant", "parent": veterans.pk})
    with bind_office(cast.north):
        covenant = Category.objects.get(name="Armed Forces Covenant")
    assert covenant.parent_id == veterans.pk

    clash = amir.post(url, {"name": "housing", "parent": ""}).content.decode()
    assert "There is a problem" in clash
    assert "There is already a category called housing at the top level." in clash
    empty = amir.post(url, {"name": "  ", "parent": ""}).content.decode()
    assert "Enter the category&#x27;s name." in empty

    detail = reverse("cases:settings_category", kwargs={"category_id": veterans.pk})
    amir.post(detail, {"action": "rename", "name": "Veterans and forces"})
    amir.post(detail, {"action": "retire"})
    with bind_office(cast.north):
        veterans.refresh_from_db()
        covenant.refresh_from_db()
    assert veterans.name == "Veterans and forces"
    assert veterans.is_retired and covenant.is_retired
    with pytest.raises(ValidationError, match="has been retired"):
        open_case(cast.ada, summary="Pension", category=veterans)
    cov_url = reverse("cases:settings_category", kwargs={"category_id": covenant.pk})
    refused = amir.post(cov_url, {"action": "restore"}, follow=True).content.decode()
    assert "Restore Veterans and forces first" in refused
    amir.post(detail, {"action": "restore"})
    assert open_case(cast.ada, summary="Pension", category=veterans).category == veterans


def test_a_category_in_use_is_kept_when_retired(cast, north_cases):
    case = open_case(cast.ada, summary="Old", category=north_cases.benefits)
    categories.retire_category(cast.amir, north_cases.benefits)
    with bind_office(cast.north):
        case.refresh_from_db()
        assert case.category.name == "Benefits"
        assert Category.objects.filter(pk=north_cases.benefits.pk).exists()
    with pytest.raises(ValidationError, match="not under a sub-category"):
        categories.add_category(cast.amir, "Deeper", parent=north_cases.homelessness)


def test_configuring_the_workflow(cast, client_for, north_cases):
    amir = client_for(cast.amir)
    amir.post(reverse("cases:settings_statuses"), {"name": "With agency", "is_closed": "no"})
    with bind_office(cast.north):
        agency = CaseStatus.objects.get(name="With agency")
    detail = reverse("cases:settings_status", kwargs={"casestatus_id": agency.pk})
    assert amir.get(detail).status_code == 200
    amir.post(detail, {"action": "moves", "next_statuses": [north_cases.status("Closed").pk]})
    opened = reverse(
        "cases:settings_status", kwargs={"casestatus_id": north_cases.status("Open").pk}
    )
    amir.post(
        opened,
        {
            "action": "moves",
            "next_statuses": [
                north_cases.status("Awaiting reply").pk,
                north_cases.status("Closed").pk,
                agency.pk,
            ],
        },
    )
    case = open_case(cast.ada, summary="Visa", category=north_cases.housing)
    case = change_status(cast.ada, case, north_cases.status("Open"))
    case = change_status(cast.ada, case, agency)
    with pytest.raises(ValidationError, match="cannot move to awaiting reply"):
        change_status(cast.ada, case, north_cases.status("Awaiting reply"))

    duplicate = amir.post(
        reverse("cases:settings_statuses"), {"name": "open", "is_closed": "no"}
    ).content.decode()
    assert "The workflow already has a status called open." in duplicate
    missing = amir.post(reverse("cases:settings_statuses"), {"name": "Parked"}).content.decode()
    assert "Say whether a case in this status is closed." in missing

    amir.post(detail, {"action": "initial"})
    assert open_case(cast.ada, summary="Starts", category=north_cases.housing).status == agency
    refused = amir.post(detail, {"action": "retire"}, follow=True).content.decode()
    assert "choose another starting status first" in refused
    new = reverse("cases:settings_status", kwargs={"casestatus_id": north_cases.status("New").pk})
    amir.post(new, {"action": "retire"})
    with bind_office(cast.north):
        assert CaseStatus.objects.get(name="New").retired_at is not None


def test_workflow_rules_in_the_service(cast, north_cases):
    with pytest.raises(ValidationError, match="cannot move to itself"):
        workflow.set_next_statuses(
            cast.amir, north_cases.status("Open"), [north_cases.status("Open")]
        )
    with pytest.raises(ValidationError, match="cannot be closed"):
        workflow.change_status_details(
            cast.amir, north_cases.status("New"), name="New", is_closed=True
        )
    with pytest.raises(ValidationError, match="closed or retired"):
        workflow.make_initial(cast.amir, north_cases.status("Closed"))
    with bind_office(cast.south):
        souths = CaseStatus.objects.get(name="Open")
    with pytest.raises(ValidationError, match="from this office"):
        workflow.set_next_statuses(cast.amir, north_cases.status("Open"), [souths])
    with bind_office(cast.north):
        assert StatusTransition.objects.filter(from_status=north_cases.status("Open")).count() == 2


def test_managers_make_teams_and_choose_members(cast, client_for):
    ben = client_for(cast.ben)
    ben.post(reverse("cases:settings_teams"), {"name": "Immigration"})
    with bind_office(cast.north):
        team = Team.objects.get(name="Immigration")
    url = reverse("cases:settings_team", kwargs={"team_id": team.pk})
    assert ben.get(url).status_code == 200
    ben.post(url, {"action": "members", "members": [cast.ada.pk, cast.ivy.pk]})
    with bind_office(cast.north):
        assert set(team.members.all()) == {cast.ada, cast.ivy}
    ben.post(url, {"action": "rename", "name": "Immigration and asylum"})
    create_team(cast.ben, "Housing")
    clash = ben.post(url, {"action": "rename", "name": "housing"}).content.decode()
    assert "The office already has a team called housing." in clash
    stranger = ben.post(url, {"action": "members", "members": [cast.cleo.pk]}).content.decode()
    assert "There is a problem" in stranger
    with bind_office(cast.north):
        team.refresh_from_db()
        assert team.name == "Immigration and asylum"
        assert set(team.members.all()) == {cast.ada, cast.ivy}


def test_managers_rename_and_delete_tags(cast, client_for, north_cases):
    ben = client_for(cast.ben)
    ben.post(reverse("cases:settings_tags"), {"name": "Surgery"})
    with bind_office(cast.north):
        tag = Tag.objects.get(name="Surgery")
    case = open_case(cast.ada, summary="Tagged", category=north_cases.housing)
    tag_case(cast.ada, case, tag)
    url = reverse("cases:settings_tag", kwargs={"tag_id": tag.pk})
    assert "takes it off the 1 case that has it" in ben.get(url).content.decode()
    create_tag(cast.ada, "Letter")
    clash = ben.post(url, {"action": "rename", "name": "letter"}).content.decode()
    assert "There is already a tag called letter." in clash
    ben.post(url, {"action": "rename", "name": "Advice surgery"})
    answer = ben.post(url, {"action": "delete"}, follow=True).content.decode()
    assert "deleted and taken off 1 cases" in answer
    with bind_office(cast.north):
        assert not Tag.objects.filter(name__in=["Surgery", "Advice surgery"]).exists()
        assert not case.tags.exists()


def test_cleo_gets_404_for_norths_settings_records(cast, client_for, north_cases):
    with bind_office(cast.north):
        tag = Tag.objects.create(name="North's tag")
    team = create_team(cast.ben, "North's team")
    cleo = client_for(cast.cleo)
    for name, kwargs in [
        ("settings_category", {"category_id": north_cases.housing.pk}),
        ("settings_status", {"casestatus_id": north_cases.status("Open").pk}),
        ("settings_team", {"team_id": team.pk}),
        ("settings_tag", {"tag_id": tag.pk}),
    ]:
        url = reverse(f"cases:{name}", kwargs=kwargs)
        assert cleo.get(url).status_code == 404, name
        for action in ("rename", "retire", "delete", "members", "moves", "initial"):
            assert cleo.post(url, {"action": action, "name": "x"}).status_code == 404, name
    with bind_office(cast.north):
        assert Tag.objects.filter(name="North's tag").exists()
        assert Category.objects.get(pk=north_cases.housing.pk).retired_at is None
