"""Jobs that are never lost.

Background work is a task declared with the ``django-tasks`` API::

    from django_tasks import task

    @task()
    def index_person(person_id: int) -> None: ...

    index_person.enqueue(person.id)   # inside the transaction that changed the person

The queue is a table in Casewell's own database (django-tasks-db), so enqueuing
inside a transaction means the job exists exactly when the change it follows
was committed: a rolled-back change leaves no job behind.

**Every task must be idempotent**: running it twice must change nothing the
second time. A job can run twice: if the worker running it dies (killed, the
machine lost), the job is handed back to the queue once the worker's heartbeat
is older than ``CASEWELL_WORKER_LEASE_SECONDS``, and another worker runs it
from the start. Write tasks as "make it so" (get-or-create by a natural key,
"set status to sent if not already", send mail keyed by a message id), never
"do it again" (increment, append, send unconditionally). Tasks take plain JSON
arguments (ids, not model instances) and carry the office explicitly: a task
that touches an office's records binds it with ``bind_office``.

Pieces:

* ``services``: ``schedule`` time-driven work, ``enqueue_due_tasks``,
  ``give_back_abandoned_tasks``.
* ``worker``: the worker loop (django-tasks-db's claiming) and its heartbeat.
* ``scheduler``: the scheduler loop and, on PostgreSQL, its advisory lock.
* ``runner``: runs workers, heartbeat and scheduler as threads of one process
  (``casewell serve``, ``casewell worker``, ``casewell scheduler``).
* ``testing.run_queued_tasks()``: run the queue synchronously in a test.
"""
