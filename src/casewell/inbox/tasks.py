"""Jobs for incoming mail. Each is idempotent: running it twice reads a message once."""

from __future__ import annotations

from django_tasks import task

from casewell.inbox import services


@task()
def read_raw_message(raw_message_id: int) -> str:
    """Read one kept raw message into a Message, or quarantine it with a reason."""
    return services.read_raw_message(raw_message_id)
