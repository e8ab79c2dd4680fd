"""Checking in by text (a signed webhook from the SMS provider) and by replying to an e-mail;
the duress PIN works there too, with the same answer."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from casewell.jobs.testing import run_queued_tasks
from casewell.safety import services, texts
from casewell.safety.models import SafetyAlert, SafetyLogEntry
from casewell.safety.tests.conftest import alerts_of, log_of

DURESS_PIN = "2468"
ADAS_MOBILE = "07700 900555"


@pytest.fixture
def ada_registered(cast):
    services.change_my_mobile(cast.ada, ADAS_MOBILE)
    services.change_my_duress_pin(cast.ada, DURESS_PIN, confirm=DURESS_PIN)


def text(client, office, body: dict | bytes, *, secret: str | None = None, signature=None):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {}
    if signature is not None:
        headers["HTTP_X_CASEWELL_SIGNATURE"] = signature
    elif secret is not None:
        headers["HTTP_X_CASEWELL_SIGNATURE"] = texts.signature_for(secret, raw)
    return client.post(f"/safety/sms/{office.pk}/", raw, content_type="application/json", **headers)


def ok(message_id: str, words: str = "OK", sender: str = "+447700900555") -> dict:
    return {"message_id": message_id, "from": sender, "text": words}


def check_ins(session) -> int:
    return sum(entry.event == SafetyLogEntry.Event.CHECKED_IN for entry in log_of(session))


def test_a_text_saying_ok_from_the_workers_mobile_checks_them_in(
    cast, visit, clock, client, ada_registered
):
    clock.forward(minutes=20)
    secret = texts.office_secret(cast.north.pk)
    answer = text(client, cast.north, ok("m-1", "ok."), secret=secret)
    assert answer.status_code == 200
    assert answer.json() == {"reply": "Checked in. Your next check-in is due by 10:50."}
    assert check_ins(visit) == 1


def test_an_unsigned_or_wrongly_signed_text_is_refused_before_anything_happens(
    cast, visit, clock, client, ada_registered
):
    north_secret = texts.office_secret(cast.north.pk)
    for answer in (
        text(client, cast.north, ok("m-1")),
        text(client, cast.north, ok("m-1"), signature="sha256=00"),
        text(client, cast.north, ok("m-1"), secret=texts.office_secret(cast.south.pk)),
        text(client, cast.north, ok("m-1"), secret=north_secret + "x"),
    ):
        assert answer.status_code == 403
    # Another office's id, however well signed for North, is refused too.
    assert text(client, cast.south, ok("m-1"), secret=north_secret).status_code == 403
    unknown = client.post("/safety/sms/999999/", b"{}", content_type="application/json")
    assert unknown.status_code == 403
    assert check_ins(visit) == 0
    assert client.get(f"/safety/sms/{cast.north.pk}/").status_code == 405


def test_the_duress_pin_by_text_gets_the_same_reply_and_raises_the_silent_alarm(
    cast, visit, clock, client, ada_registered
):
    secret = texts.office_secret(cast.north.pk)
    plain = text(client, cast.north, ok("m-1", "OK"), secret=secret)
    forced = text(client, cast.north, ok("m-2", f"OK {DURESS_PIN}"), secret=secret)
    assert (forced.status_code, forced.content) == (plain.status_code, plain.content)
    run_queued_tasks()
    assert [alert.kind for alert in alerts_of(visit)] == [SafetyAlert.Kind.DURESS]
    # A wrong PIN is only a check-in.
    text(client, cast.north, ok("m-3", "OK 1111"), secret=secret)
    run_queued_tasks()
    assert len(alerts_of(visit)) == 1


def test_the_same_message_sent_twice_checks_in_once_and_gets_the_same_reply(
    cast, visit, clock, client, ada_registered
):
    secret = texts.office_secret(cast.north.pk)
    first = text(client, cast.north, ok("m-1"), secret=secret)
    clock.forward(minutes=10)
    again = text(client, cast.north, ok("m-1"), secret=secret)
    assert again.json() == first.json()
    assert check_ins(visit) == 1


def test_texts_that_cannot_check_anyone_in_say_why(cast, visit, clock, client, ada_registered):
    secret = texts.office_secret(cast.north.pk)
    stranger = text(client, cast.north, ok("m-1", sender="07700 900999"), secret=secret)
    assert stranger.json() == {"reply": texts.UNKNOWN_SENDER}
    chat = text(client, cast.north, ok("m-2", "running late, sorry"), secret=secret)
    assert chat.json() == {"reply": texts.NOT_UNDERSTOOD}
    missing = text(client, cast.north, {"from": "+447700900555"}, secret=secret)
    assert missing.status_code == 400
    assert set(missing.json()["errors"]) == {"message_id", "text"}
    garbage = text(client, cast.north, b"not json", secret=secret)
    assert garbage.status_code == 400
    assert check_ins(visit) == 0
    services.end_session(cast.ada, visit)
    assert text(client, cast.north, ok("m-3"), secret=secret).json() == {"reply": texts.NO_SESSION}


def test_a_reply_to_the_reminder_e_mail_checks_the_worker_in(cast, visit, clock, ada_registered):
    reply = texts.check_in_by_reply(
        cast.north,
        cast.ada.email.upper(),
        "\n OK \n\n> Please check in by 10:30",
        message_id="<a@x>",
    )
    assert reply.checked_in and reply.text.startswith("Checked in.")
    again = texts.check_in_by_reply(cast.north, cast.ada.email, "OK", message_id="<a@x>")
    assert again == reply and check_ins(visit) == 1


def test_an_e_mail_reply_with_the_duress_pin_reads_the_same_and_raises_the_alarm(
    cast, visit, clock, ada_registered
):
    plain = texts.check_in_by_reply(cast.north, cast.ada.email, "OK")
    forced = texts.check_in_by_reply(cast.north, cast.ada.email, f"ok {DURESS_PIN}")
    assert forced == plain
    run_queued_tasks()
    assert [alert.kind for alert in alerts_of(visit)] == [SafetyAlert.Kind.DURESS]


def test_an_e_mail_reply_from_anyone_else_checks_nobody_in(cast, visit, clock, ada_registered):
    assert texts.check_in_by_reply(cast.north, cast.wes.email, "OK").text == texts.NO_SESSION
    assert texts.check_in_by_reply(cast.north, "ada@evil.example", "OK").checked_in is False
    # Cleo's address is not North's staff, even if she replies to North's reminder.
    assert texts.check_in_by_reply(cast.north, cast.cleo.email, "OK").text == texts.UNKNOWN_SENDER
    assert check_ins(visit) == 0


def test_a_mobile_number_names_one_worker(cast):
    services.change_my_mobile(cast.ada, ADAS_MOBILE)
    with pytest.raises(ValidationError) as refused:
        services.change_my_mobile(cast.wes, "+447700900555")
    assert "mobile" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.change_my_mobile(cast.wes, "not a number")
    services.change_my_mobile(cast.cleo, ADAS_MOBILE)  # another office may: the URL names it


def test_the_mobile_is_set_on_my_safety_page(cast, client_for):
    page = client_for(cast.ada).post(
        "/safety/my-safety/", {"form": "mobile", "mobile": ADAS_MOBILE}, follow=True
    )
    assert "Your mobile number has been saved" in page.content.decode()
    bad = client_for(cast.ada).post("/safety/my-safety/", {"form": "mobile", "mobile": "abc"})
    assert "There is a problem" in bad.content.decode()


def test_managers_find_the_secret_and_the_address_for_texts_on_the_ladder_page(cast, client_for):
    page = client_for(cast.ben).get("/safety/ladder/").content.decode()
    assert texts.office_secret(cast.north.pk) in page
    assert f"/safety/sms/{cast.north.pk}/" in page
    assert client_for(cast.ada).get("/safety/ladder/").status_code == 403
