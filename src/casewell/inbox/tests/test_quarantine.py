"""The quarantine: managers see mail that could not be read, with the reason, and retry it;
nobody else does, and South never sees North's."""

from __future__ import annotations

from casewell.inbox import services
from casewell.inbox.models import Message, RawMessage, RawState
from casewell.inbox.tests.mail import simple
from casewell.jobs.testing import run_queued_tasks
from casewell.offices.models import AuditEntry
from casewell.offices.tenancy import bind_office


def quarantined_message(cast, settings) -> RawMessage:  # noqa: ANN001
    settings.MAIL_MAX_HEADER_LENGTH = 1000
    raw = services.receive_raw(
        cast.north, simple(subject="s" * 1200), door="import", source="long-subject.eml"
    )
    run_queued_tasks()
    with bind_office(cast.north):
        raw.refresh_from_db()
    assert raw.state == RawState.QUARANTINED
    return raw


def test_a_manager_sees_why_mail_was_quarantined_and_retries_it(cast, client_for, settings):
    raw = quarantined_message(cast, settings)
    ben = client_for(cast.ben)

    page = ben.get("/inbox/quarantine/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "long-subject.eml" in text and "CASEWELL_MAIL_MAX_HEADER_LENGTH" in text

    settings.MAIL_MAX_HEADER_LENGTH = 65536
    done = ben.post(f"/inbox/quarantine/{raw.pk}/retry/", follow=True)
    assert "will be read again" in done.content.decode()
    run_queued_tasks()
    with bind_office(cast.north):
        raw.refresh_from_db()
        assert Message.objects.filter(raw=raw).exists()
        assert AuditEntry.objects.filter(action="inbox.retry", actor=cast.ben).exists()
    assert raw.state == RawState.PARSED
    assert "No mail is quarantined" in ben.get("/inbox/quarantine/").content.decode()

    again = ben.post(f"/inbox/quarantine/{raw.pk}/retry/", follow=True)
    assert "no longer quarantined" in again.content.decode()


def test_only_managers_see_the_quarantine(cast, client_for, settings):
    raw = quarantined_message(cast, settings)
    assert client_for(cast.ada).get("/inbox/quarantine/").status_code == 403
    assert client_for(cast.ada).post(f"/inbox/quarantine/{raw.pk}/retry/").status_code == 403
    assert client_for(cast.amir).get("/inbox/quarantine/").status_code == 200


def test_cleo_cannot_see_or_retry_norths_quarantined_mail(cast, client_for, settings):
    raw = quarantined_message(cast, settings)
    cleo = client_for(cast.cleo)
    assert "long-subject.eml" not in cleo.get("/inbox/quarantine/").content.decode()
    assert cleo.post(f"/inbox/quarantine/{raw.pk}/retry/").status_code == 404
    with bind_office(cast.north):
        raw.refresh_from_db()
    assert raw.state == RawState.QUARANTINED


def test_the_api_lists_and_retries_quarantined_mail(cast, api_as, settings):
    raw = quarantined_message(cast, settings)
    ben = api_as(cast.ben)

    listed = ben.get("/api/v1/inbox/quarantine").json()
    assert [item["id"] for item in listed] == [raw.pk]
    assert "CASEWELL_MAIL_MAX_HEADER_LENGTH" in listed[0]["quarantine_reason"]

    retried = ben.post(f"/api/v1/inbox/quarantine/{raw.pk}/retry")
    assert retried.status_code == 200 and retried.json()["state"] == "stored"
    refused = ben.post(f"/api/v1/inbox/quarantine/{raw.pk}/retry")
    assert refused.status_code == 422
    assert "state" in refused.json()["errors"]

    assert api_as(cast.ada).get("/api/v1/inbox/quarantine").status_code == 403
    assert api_as(cast.cleo).post(f"/api/v1/inbox/quarantine/{raw.pk}/retry").status_code == 404
