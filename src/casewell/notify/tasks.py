"""Jobs for notifications. Each is idempotent: running it twice changes nothing the second time."""

from __future__ import annotations

from django_tasks import task

from casewell.notify import emails, services


@task()
def release_notification(notification_id: int) -> str:
    """Deliver a held notification when its recipient's working time starts."""
    return services.release_notification(notification_id)


@task()
def email_notification(notification_id: int) -> str:
    return emails.email_notification(notification_id)


@task()
def send_digest(user_id: int) -> str:
    return emails.send_digest(user_id)
