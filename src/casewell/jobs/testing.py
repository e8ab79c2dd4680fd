"""Helpers for tests of code that enqueues jobs."""

from __future__ import annotations

from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from casewell.jobs.worker import CasewellWorker


class _RecordingWorker(CasewellWorker):
    def __init__(self) -> None:
        super().__init__(worker_id="casewell-tests", batch=True, manage_connections=False)
        self.finished: list[DBTaskResult] = []

    def run_task(self, db_task_result: DBTaskResult) -> None:
        super().run_task(db_task_result)
        self.finished.append(db_task_result)


def run_queued_tasks(*, raise_failures: bool = True) -> list[DBTaskResult]:
    """Run every ready job, and the jobs those enqueue, until the queue is empty.

    Uses the same claiming and running as ``casewell worker``, in the calling
    thread and inside the test's transaction. Jobs whose ``run_after`` is in the
    future are left queued. Returns the jobs run, in order; a failed job raises
    AssertionError with its traceback unless ``raise_failures`` is False.
    """
    worker = _RecordingWorker()
    worker.run()
    if raise_failures:
        failed = [result for result in worker.finished if result.status == TaskResultStatus.FAILED]
        if failed:
            raise AssertionError(
                "Queued jobs failed:\n"
                + "\n".join(f"{result.task_path}:\n{result.traceback}" for result in failed)
            )
    return worker.finished
