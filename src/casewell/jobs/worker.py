"""The worker: takes jobs from the queue and runs them, one at a time per thread.

Claiming and running are django-tasks-db's own (``DBTaskResult.get_locked``,
``claim``, ``Worker.run_task``); Casewell adds a loop that stops promptly when
asked, survives the database going away for a moment, and a heartbeat so that
the jobs of a worker that died are handed back to the queue.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from uuid import UUID

from django.conf import settings
from django.db import Error as DatabaseProblem
from django.db import OperationalError, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS, TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from casewell.jobs.models import WorkerHeartbeat
from casewell.jobs.services import give_back_abandoned_tasks

logger = logging.getLogger("casewell.jobs")


def new_worker_id() -> str:
    """Unique per process; the threads of one process share it (they live and die together)."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"


class CasewellWorker(Worker):
    """One worker thread's loop."""

    def __init__(
        self,
        *,
        worker_id: str,
        queue_names: list[str] | None = None,
        interval: float = 1.0,
        batch: bool = False,
        max_tasks: int | None = None,
        stop: threading.Event | None = None,
        backend_name: str = DEFAULT_TASK_BACKEND_ALIAS,
        manage_connections: bool = True,
    ) -> None:
        super().__init__(
            queue_names=queue_names or ["*"],
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=False,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        self.stop = stop or threading.Event()
        # False under test: the test's connection and transaction stay open.
        self.manage_connections = manage_connections
        self.unrecorded: set[UUID] = set()

    def claim_next(self) -> DBTaskResult | None:
        """Take the next ready job and mark it running by this worker, or None."""
        ready = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            ready = ready.filter(queue_name__in=self.queue_names)
        with exclusive_transaction(ready.db):
            task_result = ready.get_locked()
            if task_result is not None:
                task_result.claim(self.worker_id)
        return task_result

    def run(self) -> None:
        """Run jobs until stopped (or, in batch mode, until the queue is empty)."""
        # The thread keeps one connection while it works (a new one per poll
        # would cost PostgreSQL a process each second), and replaces it when
        # the database has gone away.
        while not self.stop.is_set():
            try:
                self._give_back_unrecorded()
                task_result = self.claim_next()
            except OperationalError as error:
                if not is_locked_database_exception(error):
                    self._database_trouble()
                self.stop.wait(self.interval)
                continue
            except DatabaseProblem:
                self._database_trouble()
                self.stop.wait(self.interval)
                continue
            if task_result is None:
                if self.batch:
                    return
                self.stop.wait(self.interval)
                continue
            try:
                self.run_task(task_result)
            except DatabaseProblem:
                # Its outcome could not be saved. While this worker lives nobody
                # else would rescue the job, so it gives the job back itself.
                self._database_trouble()
                self.unrecorded.add(task_result.id)
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return

    def _give_back_unrecorded(self) -> None:
        for result_id in list(self.unrecorded):
            DBTaskResult.objects.filter(id=result_id, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY, started_at=None
            )
            self.unrecorded.discard(result_id)

    def _database_trouble(self) -> None:
        logger.exception("Worker %s cannot reach the database; trying again", self.worker_id)
        if self.manage_connections:
            connection.close()


class Heartbeat:
    """Tells the database every few seconds that this worker process is alive,
    and now and then gives back the jobs of workers that are not."""

    def __init__(
        self, *, worker_id: str, threads: int, queue_names: list[str], stop: threading.Event
    ) -> None:
        self.worker_id = worker_id
        self.threads = threads
        self.queues = ",".join(queue_names)[:255]
        self.stop = stop
        self.lease = settings.WORKER_LEASE_SECONDS
        # Several beats fit in one lease, so a slow beat does not look like death.
        self.interval = max(0.2, min(5.0, self.lease / 4))
        self.started_at = timezone.now()

    def beat(self) -> None:
        # update_or_create: the row comes back if someone removed it while
        # this process was paused for longer than a lease.
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={"last_seen": timezone.now()},
            create_defaults={
                "last_seen": timezone.now(),
                "started_at": self.started_at,
                "host": socket.gethostname()[:255],
                "pid": os.getpid(),
                "threads": self.threads,
                "queues": self.queues,
            },
        )

    def run(self, ready: threading.Event | None = None) -> None:
        """Beat until stopped; ``ready`` is set after the first beat, before which
        this process's workers must not claim anything."""
        next_recovery = 0.0
        while True:
            try:
                self.beat()
                if time.monotonic() >= next_recovery:
                    give_back_abandoned_tasks()
                    next_recovery = time.monotonic() + max(self.lease / 2, self.interval)
            except DatabaseProblem:
                logger.exception("Worker %s could not record its heartbeat", self.worker_id)
                connection.close()
            if ready is not None:
                ready.set()
            if self.stop.wait(self.interval):
                return

    def forget(self) -> None:
        """A worker that stops cleanly has no jobs left running: remove its row."""
        WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
