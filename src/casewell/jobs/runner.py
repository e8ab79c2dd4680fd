"""Runs the job machinery as threads of one process: worker threads, their
heartbeat, and the scheduler. ``casewell serve`` (embedded), ``casewell
worker`` and ``casewell scheduler`` are all a ``JobRunner`` with different parts.

Each thread has its own Django database connections (Django keeps them per
thread) and closes them when it ends.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType

from django.db import connections

from casewell.jobs.scheduler import Scheduler
from casewell.jobs.worker import CasewellWorker, Heartbeat, new_worker_id

logger = logging.getLogger("casewell.jobs")


def _in_own_thread(name: str, body: Callable[[], None]) -> threading.Thread:
    def run() -> None:
        try:
            body()
        except Exception:
            logger.exception("%s stopped by an unexpected error", name)
        finally:
            connections.close_all()

    # Daemon: if the process is told to stop at once, a thread in the middle of
    # a job must not keep it alive (the job is given back and runs again).
    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread


class JobRunner:
    def __init__(
        self,
        *,
        worker_threads: int,
        scheduler: bool,
        queue_names: list[str] | None = None,
        batch: bool = False,
        interval: float = 1.0,
    ) -> None:
        self.worker_threads = worker_threads
        self.with_scheduler = scheduler
        self.queue_names = queue_names or ["*"]
        self.batch = batch
        self.interval = interval
        self.worker_id = new_worker_id()
        self.stop_workers = threading.Event()
        self.stop_heartbeat = threading.Event()
        self.stop_scheduler = threading.Event()
        self.workers: list[threading.Thread] = []
        self.heartbeat_thread: threading.Thread | None = None
        self.scheduler_thread: threading.Thread | None = None
        self.heartbeat: Heartbeat | None = None

    def start(self) -> None:
        if self.worker_threads:
            self.heartbeat = Heartbeat(
                worker_id=self.worker_id,
                threads=self.worker_threads,
                queue_names=self.queue_names,
                stop=self.stop_heartbeat,
            )
            ready = threading.Event()
            heartbeat = self.heartbeat
            self.heartbeat_thread = _in_own_thread(
                "casewell-heartbeat", lambda: heartbeat.run(ready)
            )
            # The first beat (and the start-up recovery) comes before any claim.
            while not ready.wait(0.2) and self.heartbeat_thread.is_alive():
                pass
            for number in range(1, self.worker_threads + 1):
                worker = CasewellWorker(
                    worker_id=self.worker_id,
                    queue_names=self.queue_names,
                    interval=self.interval,
                    batch=self.batch,
                    stop=self.stop_workers,
                )
                self.workers.append(_in_own_thread(f"casewell-worker-{number}", worker.run))
        if self.with_scheduler:
            scheduler = Scheduler(stop=self.stop_scheduler)
            self.scheduler_thread = _in_own_thread("casewell-scheduler", scheduler.run)

    def request_stop(self) -> None:
        """Ask every part to stop; workers first finish the job they are running."""
        self.stop_workers.set()
        self.stop_scheduler.set()

    def is_running(self) -> bool:
        threads = [*self.workers, self.scheduler_thread]
        return any(thread is not None and thread.is_alive() for thread in threads)

    def wait(self) -> None:
        """Until every worker and the scheduler has ended; then stop the heartbeat.

        Joins with a timeout so that signal handlers run promptly meanwhile.
        """
        for thread in [*self.workers, self.scheduler_thread]:
            while thread is not None and thread.is_alive():
                thread.join(0.2)
        self.stop_heartbeat.set()
        if self.heartbeat_thread is not None:
            self.heartbeat_thread.join()
        if self.heartbeat is not None:
            heartbeat = self.heartbeat
            # In a thread of its own so the caller's thread opens no connection.
            _in_own_thread("casewell-heartbeat-end", heartbeat.forget).join()

    def stop(self) -> None:
        self.request_stop()
        self.wait()


def stop_on_signals(runner: JobRunner, *, what: str) -> None:
    """SIGINT/SIGTERM once: finish the running jobs and stop. Twice: stop at once
    (the unfinished jobs are given back to the queue after the lease)."""

    def handle(signum: int, frame: FrameType | None) -> None:
        if runner.stop_workers.is_set():
            print(f"Stopping {what} at once; unfinished jobs will run again.", flush=True)
            sys.stdout.flush()
            os._exit(1)
        if runner.worker_threads:
            print(
                f"Stopping {what}: finishing the jobs now running "
                "(press Ctrl-C again to stop at once).",
                flush=True,
            )
        else:
            print(f"Stopping {what}.", flush=True)
        runner.request_stop()

    signal.signal(signal.SIGINT, handle)
    signal.signal(signal.SIGTERM, handle)
