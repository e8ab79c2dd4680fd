"""What the job machinery keeps in the database besides the queue itself.

The queue is django-tasks-db's ``DBTaskResult`` table. Casewell adds:

* ``WorkerHeartbeat``: one row per running worker process, touched every few
  seconds, so a job left "running" by a process that died can be recognised
  and handed back to the queue;
* ``ScheduledTask``: time-driven work, turned into queued jobs by the scheduler
  when it falls due.

Neither is a tenant table: they are system bookkeeping shared by all offices.
"""

from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    threads = models.PositiveSmallIntegerField(default=1)
    queues = models.CharField(max_length=255, default="*")
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return f"worker {self.worker_id} on {self.host} (pid {self.pid})"


class ScheduledTask(models.Model):
    """A job to enqueue at ``next_run_at``, and again every ``repeat_every`` if set.

    A one-off row is deleted in the same transaction that enqueues its job; a
    repeating row is moved on to its next time in that transaction. Either way
    a due row produces exactly one queued job.
    """

    # Names a row so that registering it again (every start-up) finds it
    # instead of adding another; blank for ordinary one-off rows.
    key = models.CharField(max_length=200, blank=True, default="")
    task_path = models.CharField(max_length=255)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    next_run_at = models.DateTimeField(db_index=True)
    repeat_every = models.DurationField(null=True, blank=True)
    # The office the work is for, when it is for one: lets an office's pending
    # work be listed, and go when the office goes. The job itself still gets
    # everything it needs through its arguments.
    office = models.ForeignKey(
        "offices.Office",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)
    # Why the last attempt to enqueue failed (a task that no longer imports).
    last_error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["next_run_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=~models.Q(key=""), name="jobs_scheduled_task_key_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_path} at {self.next_run_at:%Y-%m-%d %H:%M:%S}"
