"""On PostgreSQL one scheduler leads at a time, and another takes over when it dies."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from casewell.jobs.models import ScheduledTask
from casewell.jobs.scheduler import Scheduler
from casewell.jobs.services import enqueue_due_tasks, schedule
from casewell.jobs.tests.tasks import record_effect

pytestmark = [pytest.mark.postgres_only]


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's")


@pytest.mark.django_db
def test_only_one_scheduler_leads_and_another_takes_over_when_its_connection_ends():
    first, second = Scheduler(), Scheduler()
    try:
        assert first.try_to_lead()
        assert not second.try_to_lead()
        assert first.try_to_lead()  # still leading: asking again does not lose it

        # The first scheduler's process dies: its session ends, the lock with it.
        backend_pid = first._lock_connection.connection.info.backend_pid
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend_pid])

        assert second.try_to_lead()
        assert not first.try_to_lead()
    finally:
        first.step_down()
        second.step_down()


@pytest.mark.django_db
def test_a_scheduler_that_steps_down_lets_the_next_one_lead():
    first, second = Scheduler(), Scheduler()
    try:
        assert first.try_to_lead()
        first.step_down()
        assert second.try_to_lead()
    finally:
        second.step_down()


@pytest.mark.django_db(transaction=True)
def test_schedulers_ticking_at_the_same_moment_enqueue_each_due_row_once():
    now = timezone.now()
    for number in range(40):
        schedule(record_effect, now - timedelta(seconds=1), [f"row-{number}"])
    start = threading.Barrier(3)
    counts: list[int] = []

    def tick() -> None:
        try:
            start.wait()
            counts.append(enqueue_due_tasks(now))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=tick) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(counts) == 40
    assert DBTaskResult.objects.count() == 40
    assert not ScheduledTask.objects.exists()
