"""The scheduler: every few seconds, turns due ``ScheduledTask`` rows into jobs
and gives back the jobs of dead workers.

Running several schedulers is safe. On PostgreSQL only one of them works at a
time: it holds a session advisory lock on a connection of its own, and the
others keep trying to take it, so when the holder dies (its connection ends)
another takes over within one interval. On SQLite (one machine, embedded) the
transaction around each due row is what keeps a job from being enqueued twice.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db import Error as DatabaseProblem
from django.db.backends.base.base import BaseDatabaseWrapper

from casewell.jobs.services import (
    enqueue_due_tasks,
    give_back_abandoned_tasks,
    register_built_in_schedules,
)

logger = logging.getLogger("casewell.jobs")

# The advisory lock's number: any fixed 64-bit value no other code uses.
SCHEDULER_LOCK_KEY = 0x63617365_77656C6C  # "casewell"


@dataclass
class Tick:
    enqueued: int
    given_back: int


class Scheduler:
    def __init__(self, *, interval: float | None = None, stop: threading.Event | None = None):
        self.interval = interval if interval is not None else settings.SCHEDULER_INTERVAL_SECONDS
        self.stop = stop or threading.Event()
        self._lock_connection: BaseDatabaseWrapper | None = None
        self.started = False

    # --- Leadership (PostgreSQL) ------------------------------------------------

    @property
    def needs_lock(self) -> bool:
        return connection.vendor == "postgresql"

    def try_to_lead(self) -> bool:
        """True if this scheduler holds the lock (taking it if it is free)."""
        if not self.needs_lock:
            return True
        if self._lock_connection is not None:
            if self._still_connected():
                return True
            logger.warning("The scheduler lost its lock connection; trying to lead again")
            self._drop_lock_connection()
        # A connection of its own, outside any transaction: the lock lives as
        # long as this session, and dies with it if this process dies.
        lock_connection = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            with lock_connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [SCHEDULER_LOCK_KEY])
                (got_it,) = cursor.fetchone()
        except DatabaseProblem:
            lock_connection.close()
            raise
        if not got_it:
            lock_connection.close()
            return False
        self._lock_connection = lock_connection
        logger.info("This scheduler now leads (holds the scheduler lock)")
        return True

    def _still_connected(self) -> bool:
        assert self._lock_connection is not None
        try:
            with self._lock_connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            return True
        except DatabaseProblem:
            return False

    def _drop_lock_connection(self) -> None:
        if self._lock_connection is not None:
            # A connection that already died took the lock with it.
            with contextlib.suppress(DatabaseProblem):
                self._lock_connection.close()
            self._lock_connection = None

    def step_down(self) -> None:
        """Give up the lock (closing its connection releases it)."""
        self._drop_lock_connection()

    # --- Work -----------------------------------------------------------------------

    def tick(self, now: datetime | None = None) -> Tick:
        """One round of work, whether or not this scheduler leads."""
        if not self.started:
            register_built_in_schedules(now)
            self.started = True
        return Tick(
            enqueued=enqueue_due_tasks(now),
            given_back=give_back_abandoned_tasks(now),
        )

    def run(self) -> None:
        """Tick every interval while leading, until stopped."""
        waiting_said = False
        try:
            while not self.stop.is_set():
                try:
                    if self.try_to_lead():
                        waiting_said = False
                        self.tick()
                    elif not waiting_said:
                        logger.info("Another scheduler leads; this one waits to take over")
                        waiting_said = True
                except DatabaseProblem:
                    logger.exception("The scheduler cannot reach the database; trying again")
                    connection.close()
                self.stop.wait(self.interval)
        finally:
            self.step_down()
