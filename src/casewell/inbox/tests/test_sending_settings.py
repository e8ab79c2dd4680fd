"""The office's sending settings: managers set the server, sender and signature; the password
is kept encrypted and never shown; each office sees only its own."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from casewell.inbox import sending
from casewell.inbox.models import SendingSettings
from casewell.inbox.sending_settings import save_sending_settings, sending_settings_for
from casewell.offices.tenancy import bind_office
from casewell.offices.tokens import create_token


def test_a_manager_saves_the_server_and_the_password_is_kept_encrypted(cast):
    save_sending_settings(
        cast.ben, host="smtp.northridge.example", port=465, security="tls", username="north",
        password="smtp-secret", from_address="Casework@NorthRidge.example",
        from_name="North Ridge office", signature="Ben\nOffice manager",
    )
    with bind_office(cast.north):
        saved = SendingSettings.objects.get()
    assert saved.password == "smtp-secret" and "smtp-secret" not in saved.encrypted_password
    assert saved.from_address == "casework@northridge.example"
    # An empty password keeps the saved one; no server forgets it.
    save_sending_settings(cast.ben, host="smtp.northridge.example", port=465, security="tls")
    assert sending_settings_for(cast.ben).password == "smtp-secret"
    save_sending_settings(cast.ben, host="")
    assert sending_settings_for(cast.ben).password == ""
    assert sending.sender_for(cast.north)[1] == "North Ridge constituency office"


def test_only_managers_change_it_and_mistakes_are_named(cast):
    with pytest.raises(PermissionDenied):
        save_sending_settings(cast.ada, host="smtp.example.org")
    with pytest.raises(ValidationError) as refused:
        save_sending_settings(
            cast.ben, host="smtp example", port=0, security="maybe", from_address="nobody"
        )
    assert set(refused.value.message_dict) == {"host", "port", "security", "from_address"}


def test_the_page_saves_and_never_shows_the_password(cast, client_for):
    client = client_for(cast.ben)
    url = reverse("inbox_settings:sending")
    response = client.post(url, {
        "host": "smtp.northridge.example", "security": "starttls", "port": "587",
        "username": "north", "password": "smtp-secret", "from_address": "",
        "from_name": "", "signature": "Ben Okafor",
    })
    assert response.status_code == 302
    text = client.get(url).content.decode()
    assert "smtp-secret" not in text and "A password is saved." in text and "Ben Okafor" in text
    refused = client.post(url, {"host": "x", "security": "starttls", "port": "99999"})
    assert "Enter a port between 1 and 65535" in refused.content.decode()
    assert client_for(cast.ada).get(url).status_code == 403


def test_the_api_reads_and_writes_it_for_the_callers_office_only(cast, client):
    _, token = create_token(cast.ben, "test")
    api = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    saved = client.put(
        "/api/v1/inbox/settings/sending",
        {"host": "smtp.northridge.example", "password": "smtp-secret", "signature": "Ben"},
        content_type="application/json", **api,
    )
    assert saved.status_code == 200 and saved.json()["has_password"] is True
    assert "smtp-secret" not in saved.content.decode()
    _, cleos = create_token(cast.cleo, "test")
    south = client.get(
        "/api/v1/inbox/settings/sending", HTTP_AUTHORIZATION=f"Bearer {cleos}"
    ).json()
    assert south["host"] == "" and south["signature"] == "" and south["has_password"] is False
    _, adas = create_token(cast.ada, "test")
    assert client.get(
        "/api/v1/inbox/settings/sending", HTTP_AUTHORIZATION=f"Bearer {adas}"
    ).status_code == 403
