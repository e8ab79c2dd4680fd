"""Tasks used by the job tests; real worker processes import them from here."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tasks import task


def effect_count(key: str) -> int:
    return Session.objects.filter(session_key=key).count()


@task()
def record_effect(key: str) -> str:
    """An idempotent effect: one unique row named ``key`` (a session row, being
    a table every Casewell database has that no office owns)."""
    Session.objects.get_or_create(
        session_key=key,
        defaults={"session_data": "job test", "expire_date": timezone.now() + timedelta(days=1)},
    )
    return key


@task()
def record_effect_when_released(key: str, folder: str) -> str:
    """Note that it started, then wait until the test creates ``<key>.release``
    (so the test can kill the worker mid-job), then record the effect."""
    here = Path(folder)
    with (here / f"{key}.started").open("a") as started:
        started.write(f"{os.getpid()}\n")
    deadline = time.monotonic() + 120
    while not (here / f"{key}.release").exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{key} was never released")
        time.sleep(0.05)
    return record_effect.call(key)


@task()
def fail_loudly() -> None:
    raise RuntimeError("this job always fails")
