"""A designated handler: one person's contact routed to one member of staff; others see that
it is handled, not what it says."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from casewell.cases.models import Category
from casewell.cases.services import open_case
from casewell.offices.tenancy import bind_office
from casewell.people.models import Person
from casewell.safety import handlers
from casewell.timeline.services import add_note

NOTE = "Rang again about the neighbour, very angry"


@pytest.fixture
def harriet(cast) -> Person:
    with bind_office(cast.north, actor=cast.ada):
        return Person.objects.create(first_name="Harriet", last_name="Walsh")


@pytest.fixture
def damp(cast, harriet):
    with bind_office(cast.north):
        category = Category.objects.filter(parent=None).order_by("position", "id").first()
    case = open_case(cast.ada, summary="Damp", category=category, people=[harriet])
    add_note(cast.ada, case, NOTE)
    return case


@pytest.fixture
def routed(cast, harriet):
    return handlers.route_contact_to(
        cast.ben, harriet, handler_id=cast.wes.pk, reason="Has threatened Ada"
    )


def test_only_managers_route_contact_and_mistakes_are_named(cast, harriet):
    with pytest.raises(PermissionDenied):
        handlers.route_contact_to(cast.ada, harriet, handler_id=cast.wes.pk, reason="x")
    with pytest.raises(ValidationError) as refused:
        handlers.route_contact_to(cast.ben, harriet, handler_id=cast.cleo.pk, reason=" ")
    assert set(refused.value.message_dict) == {"handler", "reason"}


def test_the_inbox_finds_the_handler_and_a_new_routing_replaces_the_old(cast, harriet, routed):
    with bind_office(cast.north):
        assert handlers.designated_handler_for(harriet) == cast.wes
    handlers.route_contact_to(cast.ben, harriet, handler_id=cast.mo.pk, reason="Wes is away")
    with bind_office(cast.north):
        assert handlers.designated_handler_for(harriet.pk) == cast.mo
        assert [row.ended_at is None for row in handlers.routing_history(harriet)] == [True, False]
    handlers.end_routing(cast.ben, harriet)
    with bind_office(cast.north):
        assert handlers.designated_handler_for(harriet) is None


def test_others_see_handled_by_in_place_of_the_timeline(cast, client_for, damp, routed):
    with bind_office(cast.north):
        note = damp.timeline.get()
    for who in (cast.ada, cast.ivy):
        client = client_for(who)
        for url in (
            f"/cases/{damp.pk}/",
            f"/timeline/case/{damp.pk}/",
            f"/timeline/entry/{note.pk}/",
        ):
            answer = client.get(url)
            if answer.status_code == 404 and who != cast.ada:
                continue  # not every role sees every case; nothing to leak either way
            page = answer.content.decode()
            assert "Handled by Wes" in page and NOTE not in page, (who, url)
    for who in (cast.wes, cast.ben):
        page = client_for(who).get(f"/cases/{damp.pk}/").content.decode()
        assert NOTE in page and "Handled by Wes" not in page, who


def test_the_person_page_says_who_handles_them(cast, client_for, harriet, routed):
    page = client_for(cast.ivy).get(f"/people/{harriet.pk}/").content.decode()
    assert "Handled by Wes" in page


def test_the_handler_page_managers_change_and_others_read(cast, client_for, harriet):
    url = f"/safety/people/{harriet.pk}/handler/"
    assert "goes to the usual staff" in client_for(cast.ada).get(url).content.decode()
    assert client_for(cast.ada).post(url, {"form": "route"}).status_code == 403
    bad = client_for(cast.ben).post(url, {"form": "route", "handler": "", "reason": ""})
    assert "There is a problem" in bad.content.decode()
    done = (
        client_for(cast.ben)
        .post(url, {"form": "route", "handler": cast.wes.pk, "reason": "Threats"}, follow=True)
        .content.decode()
    )
    assert "now goes to one handler" in done and "Handled by Wes" in done
    ada_sees = client_for(cast.ada).get(url).content.decode()
    assert "Handled by Wes" in ada_sees and "Threats" not in ada_sees  # not why
    ended = client_for(cast.ben).post(url, {"form": "end"}, follow=True).content.decode()
    assert "goes to the usual staff again" in ended


def test_cleo_finds_no_routing_of_norths(cast, client_for, harriet, routed):
    url = f"/safety/people/{harriet.pk}/handler/"
    assert client_for(cast.cleo).get(url).status_code == 404
    assert client_for(cast.cleo).post(url, {"form": "end"}).status_code == 404
    with bind_office(cast.north):
        assert handlers.designated_handler_for(harriet) == cast.wes


def test_the_timeline_api_and_attachments_refuse_all_but_the_handler_and_managers(
    cast, client_for, damp, routed, settings, tmp_path
):
    from django.test import Client

    from casewell.files.testing import PDF_BYTES, upload
    from casewell.offices.tokens import create_token
    from casewell.timeline.services import add_document

    settings.DATA_DIR = tmp_path
    document = add_document(cast.ben, damp, upload("threat.pdf", PDF_BYTES))
    with bind_office(cast.north):
        attachment = document.entry_files.get()

    def api(user) -> Client:
        _record, token = create_token(user, "Tests")
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    urls = (
        f"/api/v1/timeline/cases/{damp.pk}/entries",
        f"/api/v1/timeline/entries/{document.pk}",
        f"/api/v1/timeline/attachments/{attachment.pk}",
    )
    for url in urls:
        refused = api(cast.ada).get(url)
        assert refused.status_code == 403 and "Handled by Wes" in refused.json()["detail"], url
        assert api(cast.wes).get(url).status_code == 200, url
        assert api(cast.ben).get(url).status_code == 200, url
    page = f"/timeline/attachment/{attachment.pk}/"
    assert client_for(cast.ada).get(page).status_code == 403
    assert client_for(cast.wes).get(page).status_code == 200
