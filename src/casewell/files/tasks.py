"""Jobs for stored files. Each is safe to run twice."""

from __future__ import annotations

from django_tasks import task

from casewell.files import services


@task()
def remove_orphaned_files() -> int:
    """Sweep encrypted files that no stored-file row names (left by rolled-back uploads)."""
    return services.remove_orphaned_files()
