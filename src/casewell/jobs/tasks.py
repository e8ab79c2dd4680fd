"""Casewell's own housekeeping jobs, scheduled daily by the scheduler."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django_tasks import task

from casewell.jobs import services


@task()
def clear_expired_sessions() -> None:
    """Delete sessions past their expiry (idempotent: expired ones are simply gone)."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


@task()
def prune_finished_task_results() -> int:
    """Delete results of jobs finished over 30 days ago (idempotent)."""
    return services.prune_finished_task_results()
