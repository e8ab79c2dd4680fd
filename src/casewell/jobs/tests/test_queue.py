import pytest
from django.db import transaction
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from casewell.jobs.testing import run_queued_tasks
from casewell.jobs.tests.tasks import effect_count, fail_loudly, record_effect


class ChangeUndone(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_a_job_enqueued_in_a_transaction_that_rolls_back_never_exists():
    with pytest.raises(ChangeUndone), transaction.atomic():
        record_effect.enqueue("rolled-back")
        raise ChangeUndone

    assert DBTaskResult.objects.count() == 0
    assert run_queued_tasks() == []
    assert effect_count("rolled-back") == 0


@pytest.mark.django_db(transaction=True)
def test_a_job_enqueued_in_a_transaction_that_commits_runs():
    with transaction.atomic():
        result = record_effect.enqueue("committed")

    ran = run_queued_tasks()

    assert [str(job.id) for job in ran] == [result.id]
    assert DBTaskResult.objects.get(id=result.id).status == TaskResultStatus.SUCCESSFUL
    assert effect_count("committed") == 1


def test_run_queued_tasks_reports_a_failed_job_with_its_traceback(db):
    fail_loudly.enqueue()

    with pytest.raises(AssertionError, match="this job always fails"):
        run_queued_tasks()


def test_run_queued_tasks_leaves_jobs_that_are_not_due_yet(db):
    from datetime import timedelta

    from django.utils import timezone

    later = record_effect.using(run_after=timezone.now() + timedelta(hours=1)).enqueue("later")

    assert run_queued_tasks() == []
    assert DBTaskResult.objects.get(id=later.id).status == TaskResultStatus.READY
