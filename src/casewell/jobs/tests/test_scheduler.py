from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from casewell.jobs.models import ScheduledTask
from casewell.jobs.scheduler import Scheduler
from casewell.jobs.services import (
    BUILT_IN_SCHEDULES,
    enqueue_due_tasks,
    register_built_in_schedules,
    schedule,
)
from casewell.jobs.testing import run_queued_tasks
from casewell.jobs.tests.tasks import effect_count, record_effect

pytestmark = pytest.mark.django_db

RECORD_EFFECT = "casewell.jobs.tests.tasks.record_effect"


def jobs_for(path: str = RECORD_EFFECT) -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=path))


def test_a_due_row_is_enqueued_once_even_when_ticked_twice():
    now = timezone.now()
    schedule(record_effect, now - timedelta(seconds=1), ["reminder"])

    assert enqueue_due_tasks(now) == 1
    assert enqueue_due_tasks(now) == 0

    [job] = jobs_for()
    assert job.args_kwargs == {"args": ["reminder"], "kwargs": {}}
    assert not ScheduledTask.objects.exists()
    run_queued_tasks()
    assert effect_count("reminder") == 1


def test_a_row_not_yet_due_waits():
    now = timezone.now()
    row = schedule(record_effect, now + timedelta(minutes=5), ["later"])

    assert enqueue_due_tasks(now) == 0
    assert enqueue_due_tasks(now + timedelta(minutes=5)) == 1
    assert not ScheduledTask.objects.filter(id=row.id).exists()


def test_a_repeating_row_advances_past_now_without_catching_up_missed_runs():
    now = timezone.now()
    first = now - timedelta(hours=3, minutes=1)
    row = schedule(record_effect, first, ["digest"], every=timedelta(hours=1))

    assert enqueue_due_tasks(now) == 1
    assert enqueue_due_tasks(now) == 0

    row.refresh_from_db()
    assert row.next_run_at == first + timedelta(hours=4)
    assert row.last_enqueued_at == now
    assert len(jobs_for()) == 1
    assert enqueue_due_tasks(row.next_run_at) == 1
    assert len(jobs_for()) == 2


def test_a_row_whose_task_is_gone_is_postponed_and_the_others_still_run():
    now = timezone.now()
    broken = schedule(record_effect, now - timedelta(seconds=1), ["broken"])
    ScheduledTask.objects.filter(id=broken.id).update(task_path="casewell.jobs.tests.tasks.gone")
    schedule(record_effect, now - timedelta(seconds=1), ["fine"])

    assert enqueue_due_tasks(now) == 1

    broken.refresh_from_db()
    assert "gone" in broken.last_error
    assert broken.next_run_at > now
    assert [job.args_kwargs["args"] for job in jobs_for()] == [["fine"]]


def test_scheduling_refuses_a_naive_time_and_a_task_that_does_not_exist():
    with pytest.raises(ValueError, match="aware"):
        schedule(record_effect, timezone.now().replace(tzinfo=None))
    with pytest.raises(ImportError):
        schedule("casewell.jobs.tests.tasks.gone", timezone.now())


def test_scheduling_with_a_key_again_keeps_one_row_and_its_next_run_time():
    now = timezone.now()
    first = schedule(record_effect, now, ["a"], every=timedelta(days=1), key="daily-thing")
    again = schedule(record_effect, now + timedelta(hours=5), ["b"], every=timedelta(days=2),
                     key="daily-thing")

    assert again.id == first.id
    again.refresh_from_db()
    assert again.next_run_at == now
    assert again.args == ["b"] and again.repeat_every == timedelta(days=2)


def test_built_in_repeating_jobs_are_registered_once_and_run():
    register_built_in_schedules()
    register_built_in_schedules()

    assert sorted(ScheduledTask.objects.values_list("key", flat=True)) == sorted(
        key for key, _, _ in BUILT_IN_SCHEDULES
    )
    assert enqueue_due_tasks() == len(BUILT_IN_SCHEDULES)
    assert len(run_queued_tasks()) == len(BUILT_IN_SCHEDULES)


def test_finished_job_results_older_than_thirty_days_are_pruned():
    from casewell.jobs.services import prune_finished_task_results

    old = record_effect.enqueue("old")
    recent = record_effect.enqueue("recent")
    run_queued_tasks()
    DBTaskResult.objects.filter(id=old.id).update(
        finished_at=timezone.now() - timedelta(days=31)
    )

    assert prune_finished_task_results() == 1
    assert [str(id_) for id_ in DBTaskResult.objects.values_list("id", flat=True)] == [recent.id]


def test_a_scheduler_tick_enqueues_due_work_and_registers_the_built_ins():
    schedule(record_effect, timezone.now() - timedelta(seconds=1), ["tick"])

    tick = Scheduler().tick()

    assert tick.enqueued == 1 + len(BUILT_IN_SCHEDULES)
    assert len(jobs_for()) == 1
