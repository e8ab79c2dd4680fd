from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from casewell.jobs.models import WorkerHeartbeat
from casewell.jobs.services import MAX_ATTEMPTS, give_back_abandoned_tasks
from casewell.jobs.testing import run_queued_tasks
from casewell.jobs.tests.tasks import effect_count, record_effect
from casewell.jobs.worker import CasewellWorker

pytestmark = pytest.mark.django_db

LEASE = 60


def worker_last_seen(worker_id: str, seconds_ago: float) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        host="test",
        pid=1,
        started_at=now - timedelta(hours=1),
        last_seen=now - timedelta(seconds=seconds_ago),
    )


def claimed_by(worker_id: str, key: str) -> DBTaskResult:
    record_effect.enqueue(key)
    job = CasewellWorker(worker_id=worker_id, manage_connections=False).claim_next()
    assert job is not None and job.status == TaskResultStatus.RUNNING
    return job


def test_a_job_left_running_by_a_worker_not_heard_from_for_a_lease_runs_again():
    worker_last_seen("dead-worker", seconds_ago=LEASE + 1)
    job = claimed_by("dead-worker", "recovered")

    assert give_back_abandoned_tasks(lease_seconds=LEASE) == 1

    job.refresh_from_db()
    assert job.status == TaskResultStatus.READY
    run_queued_tasks()
    job.refresh_from_db()
    assert job.status == TaskResultStatus.SUCCESSFUL
    assert job.worker_ids == ["dead-worker", "casewell-tests"]
    assert effect_count("recovered") == 1


def test_a_job_of_a_live_worker_is_left_alone():
    worker_last_seen("live-worker", seconds_ago=1)
    job = claimed_by("live-worker", "running")

    assert give_back_abandoned_tasks(lease_seconds=LEASE) == 0

    job.refresh_from_db()
    assert job.status == TaskResultStatus.RUNNING


def test_a_job_of_a_worker_without_heartbeat_gets_the_lease_from_its_start():
    job = claimed_by("some-other-worker", "no-heartbeat")

    assert give_back_abandoned_tasks(lease_seconds=LEASE) == 0
    assert give_back_abandoned_tasks(
        now=timezone.now() + timedelta(seconds=LEASE + 1), lease_seconds=LEASE
    ) == 1
    job.refresh_from_db()
    assert job.status == TaskResultStatus.READY


def test_a_job_whose_workers_keep_dying_is_given_up_as_failed():
    worker_last_seen("dead-worker", seconds_ago=LEASE + 1)
    job = claimed_by("dead-worker", "poison")
    DBTaskResult.objects.filter(id=job.id).update(
        worker_ids=[f"earlier-{n}" for n in range(MAX_ATTEMPTS - 1)] + ["dead-worker"]
    )

    assert give_back_abandoned_tasks(lease_seconds=LEASE) == 0

    job.refresh_from_db()
    assert job.status == TaskResultStatus.FAILED
    assert job.exception_class_path == "casewell.jobs.services.WorkerLost"
