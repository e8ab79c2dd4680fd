"""The mail settings: inbox addresses and IMAP mailboxes, by page and by API."""

from __future__ import annotations

import pytest
from django.test import Client

from casewell.inbox import mail_settings
from casewell.inbox.imap import schedule_key
from casewell.inbox.models import ImapMailbox, InboxAddress
from casewell.inbox.services import office_for_address
from casewell.jobs.models import ScheduledTask
from casewell.offices.models import AuditEntry
from casewell.offices.tenancy import bind_office
from casewell.offices.tokens import create_token

PAGE = "/inbox/settings/"
MAILBOX = {
    "label": "Casework inbox",
    "host": "imap.northridge.example",
    "connection": "tls",
    "port": "993",
    "username": "casework",
    "password": "correct horse battery",
    "folder": "INBOX",
    "poll_every_seconds": "120",
}


@pytest.fixture
def api_as(db):
    def client(user) -> Client:  # noqa: ANN001
        _record, token = create_token(user, "Mail settings")
        return Client(headers={"Authorization": f"Bearer {token}"})

    return client


def test_a_manager_adds_and_removes_inbox_addresses_with_errors_named(cast, client_for):
    page = client_for(cast.ben)
    assert page.get(PAGE).status_code == 200

    added = page.post(PAGE, {"address": " CaseWork@NorthRidge.example "})
    assert added.status_code == 302
    assert office_for_address("casework@northridge.example") == cast.north
    shown = page.get(PAGE).content.decode()
    assert "casework@northridge.example" in shown
    assert "now comes into this inbox" in shown

    for typed, problem in [
        ("", "Enter the e-mail address"),
        ("casework at northridge", "Enter an e-mail address in the right form"),
        ("casework@northridge.example", "already comes into this inbox"),
    ]:
        refused = page.post(PAGE, {"address": typed})
        assert refused.status_code == 200
        html = refused.content.decode()
        assert "There is a problem" in html and problem in html
        assert 'href="#id_address"' in html and 'id="id_address-error"' in html

    # Another office's address cannot be taken over.
    mail_settings.add_address(cast.cleo, "advice@southvale.example")
    refused = page.post(PAGE, {"address": "advice@southvale.example"})
    assert "already delivers to another office" in refused.content.decode()

    with bind_office(cast.north):
        address = InboxAddress.objects.get()
        assert AuditEntry.objects.filter(
            action=AuditEntry.Action.CREATED, subject_type="inbox.InboxAddress", actor=cast.ben
        ).count() == 1
    removed = page.post(f"{PAGE}addresses/{address.pk}/remove/")
    assert removed.status_code == 302
    assert office_for_address("casework@northridge.example") is None


def test_only_managers_change_where_mail_comes_in(cast, client_for):
    mail_settings.add_address(cast.ben, "casework@northridge.example")
    with bind_office(cast.north):
        address = InboxAddress.objects.get()
    caseworker = client_for(cast.ada)
    assert caseworker.get(PAGE).status_code == 403
    assert caseworker.post(PAGE, {"address": "mine@northridge.example"}).status_code == 403
    assert caseworker.post(f"{PAGE}addresses/{address.pk}/remove/").status_code == 403
    assert caseworker.get(f"{PAGE}imap/new/").status_code == 403
    # Another office's manager: not found, whatever its id.
    assert client_for(cast.cleo).post(f"{PAGE}addresses/{address.pk}/remove/").status_code == 404
    assert office_for_address("casework@northridge.example") == cast.north


def test_a_manager_adds_an_imap_mailbox_whose_password_is_never_shown(cast, client_for):
    page = client_for(cast.ben)
    refused = page.post(f"{PAGE}imap/new/", {"connection": "tls", "port": "99999",
                                              "poll_every_seconds": "5", "folder": ""})
    html = refused.content.decode()
    assert refused.status_code == 200 and "There is a problem" in html
    for field, problem in [
        ("label", "Enter a name for the mailbox"),
        ("host", "Enter the mail server"),
        ("port", "Enter a port between 1 and 65535"),
        ("username", "Enter the user name"),
        ("password", "Enter the mailbox&#x27;s password"),
        ("folder", "Enter the folder to read"),
        ("poll_every_seconds", "Check between every 30 seconds and once a day"),
    ]:
        assert problem in html, problem
        assert f'href="#id_{field}"' in html and f'id="id_{field}-error"' in html
    # A password typed is not sent back in the page, even when the form is shown again.
    again = page.post(f"{PAGE}imap/new/", {**MAILBOX, "label": ""}).content.decode()
    assert "Enter a name for the mailbox" in again and "correct horse battery" not in again

    assert page.post(f"{PAGE}imap/new/", MAILBOX).status_code == 302
    with bind_office(cast.north):
        mailbox = ImapMailbox.objects.get()
    assert (mailbox.host, mailbox.port, mailbox.use_tls, mailbox.poll_every_seconds) == (
        "imap.northridge.example", 993, True, 120
    )
    assert mailbox.password == "correct horse battery"
    assert "correct horse battery" not in mailbox.encrypted_password
    listed = page.get(PAGE).content.decode()
    assert "Casework inbox" in listed and "casework on imap.northridge.example:993" in listed
    assert "correct horse battery" not in listed and mailbox.encrypted_password not in listed
    assert ScheduledTask.objects.filter(key=schedule_key(mailbox)).exists()

    assert page.post(f"{PAGE}imap/{mailbox.pk}/remove/").status_code == 302
    with bind_office(cast.north):
        assert not ImapMailbox.objects.exists()
        created, deleted = (
            AuditEntry.objects.filter(subject_type="inbox.ImapMailbox", actor=cast.ben)
            .order_by("at", "pk").values_list("action", "changes")
        )
    assert (created[0], deleted[0]) == (AuditEntry.Action.CREATED, AuditEntry.Action.DELETED)
    assert "correct horse battery" not in str(created[1])
    assert not ScheduledTask.objects.filter(key=schedule_key(mailbox)).exists()


def test_the_api_lists_adds_and_removes_addresses_and_mailboxes(cast, api_as):
    api = api_as(cast.ben)
    made = api.post(
        "/api/v1/inbox/settings/addresses", {"address": "casework@northridge.example"},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["address"] == "casework@northridge.example"
    listed = api.get("/api/v1/inbox/settings/addresses").json()
    assert [row["address"] for row in listed] == ["casework@northridge.example"]
    bad = api.post(
        "/api/v1/inbox/settings/addresses", {"address": "nope"}, content_type="application/json"
    )
    assert bad.status_code == 422 and list(bad.json()["errors"]) == ["address"]

    bad = api.post("/api/v1/inbox/settings/imap-mailboxes", {"label": "X"},
                   content_type="application/json")
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"host", "username", "password"}
    mailbox = api.post(
        "/api/v1/inbox/settings/imap-mailboxes",
        {"label": "Casework inbox", "host": "imap.northridge.example", "username": "casework",
         "password": "correct horse battery"},
        content_type="application/json",
    )
    assert mailbox.status_code == 201
    body = mailbox.json()
    assert "password" not in body and "encrypted_password" not in body
    assert body["port"] == 993 and body["use_tls"] is True and body["last_error"] == ""
    listed = api.get("/api/v1/inbox/settings/imap-mailboxes")
    assert "correct horse battery" not in listed.content.decode()

    # Not a manager: refused; another office's records: not found.
    assert api_as(cast.ada).get("/api/v1/inbox/settings/addresses").status_code == 403
    south = api_as(cast.cleo)
    assert south.delete(f"/api/v1/inbox/settings/addresses/{made.json()['id']}").status_code == 404
    assert south.delete(f"/api/v1/inbox/settings/imap-mailboxes/{body['id']}").status_code == 404

    assert api.delete(f"/api/v1/inbox/settings/addresses/{made.json()['id']}").status_code == 204
    assert api.delete(f"/api/v1/inbox/settings/imap-mailboxes/{body['id']}").status_code == 204
    assert api.get("/api/v1/inbox/settings/addresses").json() == []
    assert api.get("/api/v1/inbox/settings/imap-mailboxes").json() == []
