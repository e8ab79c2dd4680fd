"""Operations on the job machinery: scheduling, enqueuing what is due, and
giving back the jobs of workers that died.

Tasks must be idempotent (see ``casewell.jobs``): a job whose worker died is
run again from the start by another worker.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.compat import Task, TaskResultStatus, normalize_json
from django_tasks_db.models import DBTaskResult

from casewell.database import server_bound_cursor
from casewell.jobs.models import ScheduledTask, WorkerHeartbeat

if TYPE_CHECKING:
    from casewell.offices.models import Office

logger = logging.getLogger("casewell.jobs")

# A job whose workers keep dying under it (it exhausts memory, say) is not
# handed out for ever: after this many attempts it is marked failed.
MAX_ATTEMPTS = 5
# A scheduled row whose task cannot be enqueued (its code was removed) is
# retried this much later rather than on every tick.
BROKEN_ROW_RETRY = timedelta(minutes=10)
# Heartbeats of workers that died are kept this long, to show what happened.
DEAD_WORKER_MEMORY = timedelta(days=1)
FINISHED_RESULTS_KEPT = timedelta(days=30)
DUE_BATCH = 500
QUEUED_JOBS_OF_TASK = "SELECT args_kwargs FROM {table} WHERE status = %s AND task_path = %s"


class WorkerLost(Exception):
    """Recorded on a job given up after its workers died ``MAX_ATTEMPTS`` times."""


def task_path(task: Task | str) -> str:
    return task if isinstance(task, str) else task.module_path


def _load_task(path: str) -> Task:
    loaded = import_string(path)
    if not isinstance(loaded, Task):
        raise TypeError(f"{path} is not a task (declare it with @task())")
    return loaded


def schedule(
    task: Task | str,
    run_at: datetime,
    args: Iterable[Any] = (),
    kwargs: Mapping[str, Any] | None = None,
    *,
    every: timedelta | None = None,
    office: Office | None = None,
    key: str = "",
) -> ScheduledTask:
    """Arrange for ``task(*args, **kwargs)`` to be enqueued at ``run_at``, and
    again every ``every`` after that if given.

    Requires: ``run_at`` time-zone aware; arguments that JSON can carry.
    Causes: a ``ScheduledTask`` row, in the caller's transaction (so a rolled-back
    change schedules nothing). With ``key``, scheduling again finds the row with
    that key and updates what to run, keeping its next run time: this is how
    repeating work is registered on every start without piling up.
    """
    if timezone.is_naive(run_at):
        raise ValueError("run_at must be time-zone aware")
    if every is not None and every <= timedelta(0):
        raise ValueError("every must be a positive interval")
    path = task_path(task)
    _load_task(path)  # refuse a typo now, not when it falls due
    fields = {
        "task_path": path,
        "args": normalize_json(list(args)),
        "kwargs": normalize_json(dict(kwargs or {})),
        "repeat_every": every,
        "office": office,
    }
    if not key:
        return ScheduledTask.objects.create(next_run_at=run_at, **fields)
    try:
        with transaction.atomic():
            row, created = ScheduledTask.objects.get_or_create(
                key=key, defaults={"next_run_at": run_at, **fields}
            )
    except IntegrityError:  # registered at the same moment by another process
        row, created = ScheduledTask.objects.get(key=key), False
    if not created:
        changed = [name for name, value in fields.items() if getattr(row, name) != value]
        for name in changed:
            setattr(row, name, fields[name])
        if changed:
            row.save(update_fields=changed)
    return row


def cancel_scheduled(key: str) -> bool:
    """Remove the scheduled row with ``key``; True if there was one."""
    deleted, _ = ScheduledTask.objects.filter(key=key).delete()
    return bool(deleted)


def _next_time(row: ScheduledTask, now: datetime) -> datetime:
    """The first repeat after ``now``: a scheduler that was stopped for a week
    runs a daily job once, not seven times."""
    assert row.repeat_every is not None
    missed = (now - row.next_run_at) // row.repeat_every + 1
    return row.next_run_at + row.repeat_every * max(missed, 1)


def enqueue_due_tasks(now: datetime | None = None) -> int:
    """Enqueue a job for every scheduled row due at ``now``; return how many.

    Each row is locked, enqueued and deleted (one-off) or moved to its next
    time (repeating) in one transaction, so a due row gives exactly one job even
    when two schedulers tick at once or the process dies half-way.
    """
    now = now or timezone.now()
    enqueued = 0
    due = list(
        ScheduledTask.objects.filter(next_run_at__lte=now)
        .order_by("next_run_at", "id")
        .values_list("id", flat=True)[:DUE_BATCH]
    )
    for row_id in due:
        try:
            with transaction.atomic():
                row = (
                    ScheduledTask.objects.select_for_update(skip_locked=True)
                    .filter(id=row_id, next_run_at__lte=now)
                    .first()
                )
                if row is None:  # another scheduler has it, or has done it
                    continue
                _load_task(row.task_path).enqueue(*row.args, **row.kwargs)
                if row.repeat_every is None:
                    row.delete()
                else:
                    row.next_run_at = _next_time(row, now)
                    row.last_enqueued_at = now
                    row.last_error = ""
                    row.save(update_fields=["next_run_at", "last_enqueued_at", "last_error"])
                enqueued += 1
        except Exception as error:
            logger.exception("Scheduled task %s could not be enqueued", row_id)
            ScheduledTask.objects.filter(id=row_id).update(
                last_error=f"{type(error).__name__}: {error}",
                next_run_at=now + BROKEN_ROW_RETRY,
            )
    return enqueued


def give_back_abandoned_tasks(
    now: datetime | None = None, lease_seconds: int | None = None
) -> int:
    """Put jobs left running by a dead worker back in the queue; return how many.

    A worker is dead when its heartbeat is older than the lease
    (``CASEWELL_WORKER_LEASE_SECONDS``). A job whose worker never kept a
    heartbeat (it was run by some other worker program) gets the lease from the
    moment it started. Runs at worker start, in every worker's heartbeat
    thread, and on every scheduler tick. Times written on different machines
    are compared, so their clocks must agree to well within the lease (NTP).
    """
    now = now or timezone.now()
    lease = timedelta(seconds=lease_seconds or settings.WORKER_LEASE_SECONDS)
    cutoff = now - lease
    running = list(DBTaskResult.objects.running().values_list("id", "worker_ids", "started_at"))
    beats: dict[str, datetime] = {}
    if running:
        last_workers = {ids[-1] for _, ids, _ in running if ids}
        beats = dict(
            WorkerHeartbeat.objects.filter(worker_id__in=last_workers).values_list(
                "worker_id", "last_seen"
            )
        )
    given_back = 0
    for result_id, worker_ids, started_at in running:
        worker = worker_ids[-1] if worker_ids else None
        seen = beats.get(worker, started_at)
        if seen is not None and seen >= cutoff:
            continue
        # started_at guards against a job that has meanwhile been given back and
        # claimed again by a live worker.
        still_abandoned = DBTaskResult.objects.filter(
            id=result_id, status=TaskResultStatus.RUNNING, started_at=started_at
        )
        if len(worker_ids) >= MAX_ATTEMPTS:
            still_abandoned.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=(
                    "WorkerLost: the workers running this job stopped without finishing it "
                    f"{len(worker_ids)} times ({', '.join(worker_ids)}); "
                    "it was not retried again.\n"
                ),
            )
            logger.error("Job %s gave up after %d lost workers", result_id, len(worker_ids))
        elif still_abandoned.update(status=TaskResultStatus.READY, started_at=None):
            given_back += 1
            logger.warning(
                "Job %s was left running by worker %s, not heard from since %s; queued again",
                result_id,
                worker,
                seen,
            )
    WorkerHeartbeat.objects.filter(last_seen__lt=now - max(lease, DEAD_WORKER_MEMORY)).delete()
    return given_back


def enqueue_unless_waiting(task: Task, *args: Any) -> bool:
    """Enqueue ``task(*args)`` unless the same job is already queued and not yet started.

    For jobs that do all the waiting work when they run (reading an office's new
    mail, say): a job not yet started will see what the caller is committing, so a
    second would find nothing to do. Requires a transaction (see
    ``queued_jobs_statement``). Returns whether it enqueued one.
    """
    statement, values = queued_jobs_statement(task)
    with server_bound_cursor() as cursor:
        cursor.execute(statement, values)
        if is_queued(args, [stored for (stored,) in cursor.fetchall()]):
            return False
    task.enqueue(*args)
    return True


def queued_jobs_statement(task: Task) -> tuple[str, list[Any]]:
    """A statement giving the arguments of ``task``'s jobs not yet started, and its values.

    On PostgreSQL it locks those jobs until the transaction ends, so a worker cannot
    start one between the caller's look and its commit and miss the caller's work
    (SQLite's write transaction excludes the worker already)."""
    # Plain SQL, as this runs for every message received; the few queued jobs of the
    # task are compared in Python by ``is_queued`` (their arguments are JSON, stored
    # differently by each database).
    query = QUEUED_JOBS_OF_TASK.format(
        table=connection.ops.quote_name(DBTaskResult._meta.db_table)
    )
    if connection.vendor == "postgresql":
        query += " FOR UPDATE"
    return query, [TaskResultStatus.READY, task.module_path]


def is_queued(args: Iterable[Any], queued: Iterable[Any]) -> bool:
    """Whether a job with these arguments is among ``queued`` (their stored arguments, as
    ``queued_jobs_statement`` gives them)."""
    wanted = {"args": normalize_json(list(args)), "kwargs": {}}
    return any((json.loads(stored) if isinstance(stored, str) else stored) == wanted
               for stored in queued)


def live_jobs(job_ids: Iterable[str]) -> set[str]:
    """Those of the jobs (by id) still queued or running."""
    wanted = list(job_ids)
    if not wanted:
        return set()
    return {
        str(job_id)
        for job_id in DBTaskResult.objects.filter(
            id__in=wanted, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
        ).values_list("id", flat=True)
    }


def prune_finished_task_results(now: datetime | None = None) -> int:
    """Delete results of jobs that finished over 30 days ago; return how many."""
    now = now or timezone.now()
    deleted, _ = (
        DBTaskResult.objects.finished()
        .filter(finished_at__lt=now - FINISHED_RESULTS_KEPT)
        .delete()
    )
    return deleted


BUILT_IN_SCHEDULES = [
    # key, task path, every
    (
        "casewell.clear-expired-sessions",
        "casewell.jobs.tasks.clear_expired_sessions",
        timedelta(days=1),
    ),
    (
        "casewell.prune-finished-jobs",
        "casewell.jobs.tasks.prune_finished_task_results",
        timedelta(days=1),
    ),
    (
        "casewell.remove-orphaned-files",
        "casewell.files.tasks.remove_orphaned_files",
        timedelta(hours=6),
    ),
    (
        "casewell.wake-readers-for-waiting-mail",
        "casewell.inbox.tasks.wake_readers_for_waiting_mail",
        timedelta(minutes=1),
    ),
    (
        "casewell.alert-overdue-supervision",
        "casewell.wellbeing.tasks.alert_overdue_supervision",
        timedelta(days=1),
    ),
]


def register_built_in_schedules(now: datetime | None = None) -> None:
    """Make sure Casewell's own repeating jobs are scheduled (safe to repeat)."""
    now = now or timezone.now()
    for key, path, every in BUILT_IN_SCHEDULES:
        schedule(path, now, every=every, key=key)
