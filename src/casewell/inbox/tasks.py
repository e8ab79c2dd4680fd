"""Jobs for incoming mail. Each is idempotent: running it twice reads a message once."""

from __future__ import annotations

from django_tasks import task

from casewell.inbox import services


@task()
def read_raw_message(raw_message_id: int, office_id: int | None = None) -> str:
    """Read one kept raw message into a Message, or quarantine it with a reason.

    ``office_id`` (its office, given since jobs queued today) saves a look-up; jobs
    queued before it was given still run."""
    return services.read_raw_message(raw_message_id, office_id)
