from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from casewell.cli import main
from casewell.offices.models import ApiToken, User
from casewell.offices.tenancy import across_all_offices, bind_office
from casewell.offices.tokens import create_token, hash_token, revoke_token
from casewell.people.models import Person


def api_client(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def token_for(user: User) -> str:
    return create_token(user, "Tests")[1]


def stored_token(token: str) -> ApiToken:
    with across_all_offices():
        return ApiToken.all_offices.get(token_hash=hash_token(token))


@pytest.fixture
def northerners(cast):
    with bind_office(cast.north, actor=cast.ada):
        return [
            Person.objects.create(first_name=first, last_name=last, postcode="LS1 4DY")
            for first, last in [("Harriet", "Walsh"), ("Imran", "Akhtar"), ("Gwen", "Roberts")]
        ]


# --- Tokens -------------------------------------------------------------------------


def test_only_the_tokens_hash_is_kept(cast):
    record, token = create_token(cast.ada, "Reporting script")
    assert token.startswith("cw_") and len(token) > 40
    assert record.token_hash == hash_token(token) != token
    with across_all_offices():
        assert not ApiToken.all_offices.filter(token_hash=token).exists()
        assert record.office_id == cast.north.pk


def test_making_a_token_is_in_the_audit_trail_without_its_hash(cast):
    from casewell.offices.models import AuditEntry

    record, _token = create_token(cast.ada, "Reporting script")
    with bind_office(cast.north):
        entry = AuditEntry.objects.get(subject_type="offices.ApiToken", subject_id=str(record.pk))
    assert entry.actor == cast.ada
    assert entry.changes["token_hash"] == "(not recorded: sensitive)"


def test_a_token_needs_a_name(cast):
    with pytest.raises(ValueError, match="name"):
        create_token(cast.ada, "  ")


def test_a_locked_person_cannot_be_given_a_token(cast):
    User.objects.filter(pk=cast.ada.pk).update(locked_at=timezone.now())
    cast.ada.refresh_from_db()
    with pytest.raises(PermissionDenied):
        create_token(cast.ada, "Script")


def test_only_the_owner_or_an_administrator_may_revoke_a_token(cast):
    record, _token = create_token(cast.ada, "Script")
    with pytest.raises(PermissionDenied):
        revoke_token(cast.ben, record)
    with pytest.raises(PermissionDenied):
        revoke_token(cast.cleo, record)  # an administrator, but of South
    revoke_token(cast.amir, record)
    assert stored_token(_token).revoked_at is not None


def test_the_token_command_prints_a_working_token(cast, capsys):
    assert main(["token", "ADA@nr.example", "--name", "Nightly export"]) == 0
    out = capsys.readouterr()
    token = out.out.strip()
    assert "shown only this once" in out.err
    assert stored_token(token).name == "Nightly export"
    assert api_client(token).get("/api/v1/me").json()["email"] == "ada@nr.example"


def test_the_token_command_refuses_an_unknown_address(cast, capsys):
    assert main(["token", "nobody@nr.example"]) == 1
    out = capsys.readouterr()
    assert out.out == ""
    assert "Nobody signs in to Casewell as nobody@nr.example" in out.err


# --- Authentication -----------------------------------------------------------------------


def test_without_a_token_the_api_answers_401_and_says_how_to_get_one(cast):
    response = Client().get("/api/v1/me")
    assert response.status_code == 401
    assert "Authorization: Bearer" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_signed_in_session_is_not_enough_for_the_api(cast, client_for):
    assert client_for(cast.ada).get("/api/v1/me").status_code == 401


@pytest.mark.parametrize(
    "header", ["Bearer cw_not-a-real-token", "Bearer nonsense", "Basic YWRhOng="]
)
def test_a_wrong_token_answers_401(cast, header):
    response = Client(HTTP_AUTHORIZATION=header).get("/api/v1/me")
    assert response.status_code == 401
    assert "not recognised" in response.json()["detail"]


def test_a_revoked_token_stops_working(cast):
    record, token = create_token(cast.ada, "Script")
    assert api_client(token).get("/api/v1/me").status_code == 200
    revoke_token(cast.ada, record)
    assert api_client(token).get("/api/v1/me").status_code == 401


@pytest.mark.parametrize("change", [{"is_active": False}, {"locked_at": timezone.now()}])
def test_tokens_of_deactivated_or_locked_people_stop_working(cast, change):
    token = token_for(cast.ada)
    User.objects.filter(pk=cast.ada.pk).update(**change)
    assert api_client(token).get("/api/v1/me").status_code == 401


def test_last_used_is_stamped_at_most_once_a_minute(cast):
    token = token_for(cast.ada)
    client = api_client(token)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get("/api/v1/me")
        assert stored_token(token).last_used_at == start
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        client.get("/api/v1/me")
        assert stored_token(token).last_used_at == start
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        client.get("/api/v1/me")
        assert stored_token(token).last_used_at == start + timedelta(seconds=61)


# --- Endpoints ----------------------------------------------------------------------------


def test_me_says_who_the_token_belongs_to(cast):
    body = api_client(token_for(cast.wes)).get("/api/v1/me").json()
    assert body == {
        "id": cast.wes.pk, "email": "wes@nr.example", "full_name": "Wes Brown",
        "roles": ["caseworker", "wellbeing_champion"],
        "office": {"id": cast.north.pk, "name": "North Ridge constituency office"},
    }


def test_office_gives_its_kind_nation_time_zone_and_words(cast):
    body = api_client(token_for(cast.cleo)).get("/api/v1/office").json()
    assert body["name"] == "South Vale advice service"
    assert (body["kind"], body["nation"], body["time_zone"]) == ("advice", "wales", "Europe/London")
    assert body["vocabulary"] == {"person": "client", "people": "clients", "member": "service lead"}


def test_managers_see_the_offices_staff_with_their_roles(cast):
    body = api_client(token_for(cast.ben)).get("/api/v1/staff").json()
    assert body["count"] == 6
    names = [member["full_name"] for member in body["items"]]
    assert names == sorted(names) and "Cleo Jones" not in names
    amir = next(member for member in body["items"] if member["id"] == cast.amir.pk)
    assert amir["roles"] == ["administrator"] and amir["is_locked"] is False


@pytest.mark.parametrize("who", ["ada", "mo", "ivy", "wes"])
def test_staff_list_is_refused_to_people_who_are_not_managers(cast, who):
    client = api_client(token_for(getattr(cast, who)))
    for path in ("/api/v1/staff", f"/api/v1/staff/{cast.ben.pk}"):
        response = client.get(path)
        assert response.status_code == 403
        assert "managers and administrators" in response.json()["detail"]


def test_a_manager_sees_one_member_of_staff(cast):
    body = api_client(token_for(cast.ben)).get(f"/api/v1/staff/{cast.ivy.pk}").json()
    assert body["email"] == "ivy@nr.example" and body["roles"] == ["intern"]


def test_people_come_a_page_at_a_time_in_name_order(cast, northerners):
    client = api_client(token_for(cast.ada))
    body = client.get("/api/v1/people?page=1&page_size=2").json()
    assert body["count"] == 3
    assert [person["last_name"] for person in body["items"]] == ["Akhtar", "Roberts"]
    body = client.get("/api/v1/people?page=2&page_size=2").json()
    assert [person["last_name"] for person in body["items"]] == ["Walsh"]


def test_people_can_be_found_by_name_and_postcode_as_on_the_pages(cast, northerners):
    client = api_client(token_for(cast.ada))
    body = client.get("/api/v1/people?name=gwen").json()
    assert [person["display_name"] for person in body["items"]] == ["Gwen Roberts"]
    assert client.get("/api/v1/people?postcode=ls14").json()["count"] == 3
    assert client.get("/api/v1/people?postcode=M1").json()["count"] == 0


def test_one_person(cast, northerners):
    harriet = northerners[0]
    body = api_client(token_for(cast.ada)).get(f"/api/v1/people/{harriet.pk}").json()
    assert body["display_name"] == "Harriet Walsh" and body["postcode"] == "LS1 4DY"
    assert "vulnerability_notes" not in body


@pytest.mark.parametrize("query", ["page=0", "page=many", "page_size=-1"])
def test_a_bad_page_answers_422_saying_what_is_wrong(cast, query):
    response = api_client(token_for(cast.ada)).get(f"/api/v1/people?{query}")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("The request is not valid. query")


def test_a_bad_id_answers_422_not_500(cast):
    response = api_client(token_for(cast.ada)).get("/api/v1/people/not-a-number")
    assert response.status_code in (404, 422)
    assert "detail" in response.json() or response.status_code == 404


def test_cleo_gets_404_for_norths_records(cast, northerners):
    client = api_client(token_for(cast.cleo))
    for path in (f"/api/v1/people/{northerners[0].pk}", f"/api/v1/staff/{cast.ada.pk}"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json()["detail"].startswith("No ")
    body = client.get("/api/v1/people").json()
    assert body == {"items": [], "count": 0}
    staff = client.get("/api/v1/staff").json()
    assert [member["full_name"] for member in staff["items"]] == ["Cleo Jones"]


def test_the_openapi_schema_describes_every_route_and_the_token(cast):
    schema = Client().get("/api/v1/openapi.json").json()
    assert {"/api/v1/me", "/api/v1/office", "/api/v1/staff", "/api/v1/staff/{user_id}",
            "/api/v1/people", "/api/v1/people/{person_id}"} <= set(schema["paths"])
    assert schema["components"]["securitySchemes"]["PersonalToken"]["scheme"] == "bearer"
