"""Jobs for incoming mail. Each is idempotent: running it twice reads a message once."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import TaskContext, task

from casewell.inbox import services


@task()
def read_raw_message(raw_message_id: int, office_id: int | None = None) -> str:
    """Read one kept raw message into a Message, or quarantine it with a reason.

    ``office_id`` (its office, given since jobs queued today) saves a look-up; jobs
    queued before it was given still run."""
    return services.read_raw_message(raw_message_id, office_id)


@task(takes_context=True)
def read_waiting_mail(context: TaskContext, office_id: int) -> dict[str, int]:
    """Read all the office's mail waiting to be read, in batches (queued by each door)."""
    return services.read_waiting_mail(office_id, str(context.task_result.id))


@task()
def wake_readers_for_waiting_mail() -> int:
    """Every minute: make sure no office's mail has been left waiting unread."""
    return services.wake_readers_for_waiting_mail(timezone.now() - timedelta(minutes=1))
