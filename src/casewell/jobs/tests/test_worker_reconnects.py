"""A worker thread outlives a lost database connection (PostgreSQL restarts,
idle connections cut by a proxy)."""

import threading

import pytest
from django.db import connection, connections
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from casewell.jobs.tests.tasks import effect_count, record_effect
from casewell.jobs.worker import CasewellWorker
from casewell.testing.processes import wait_until

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def finished(result_id: str) -> bool:
    return DBTaskResult.objects.get(id=result_id).status == TaskResultStatus.SUCCESSFUL


def test_a_worker_carries_on_after_its_database_connection_is_cut():
    if connection.vendor != "postgresql":
        pytest.skip("cutting a connection from outside is a PostgreSQL test")
    stop = threading.Event()
    worker = CasewellWorker(worker_id="reconnecting", interval=0.05, stop=stop)

    def work() -> None:
        try:
            worker.run()
        finally:
            connections.close_all()

    thread = threading.Thread(target=work)
    thread.start()
    try:
        before = record_effect.enqueue("before-the-cut")
        wait_until(lambda: finished(before.id), seconds=20, what="the first job")

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        after = record_effect.enqueue("after-the-cut")
        wait_until(lambda: finished(after.id), seconds=20, what="the job after the cut")
    finally:
        stop.set()
        thread.join()

    assert effect_count("before-the-cut") == effect_count("after-the-cut") == 1
