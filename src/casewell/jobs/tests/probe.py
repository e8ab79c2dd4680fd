"""Run in a subprocess against a shared database: ``python -m
casewell.jobs.tests.probe enqueue-waiting KEY FOLDER`` | ``enqueue KEY`` |
``wait JOB_ID KEY SECONDS``. Prints JSON."""

from __future__ import annotations

import json
import sys
import time

from casewell.cli import setup_django


def main(argv: list[str]) -> int:
    setup_django()
    from django_tasks_db.models import DBTaskResult

    from casewell.jobs.models import ScheduledTask
    from casewell.jobs.tests import tasks

    command, *rest = argv
    if command == "enqueue-waiting":
        key, folder = rest
        print(json.dumps({"id": tasks.record_effect_when_released.enqueue(key, folder).id}))
    elif command == "enqueue":
        (key,) = rest
        print(json.dumps({"id": tasks.record_effect.enqueue(key).id}))
    elif command == "wait":
        job_id, key, seconds = rest
        deadline = time.monotonic() + float(seconds)
        while True:
            job = DBTaskResult.objects.get(id=job_id)
            if job.finished_at is not None or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        print(
            json.dumps(
                {
                    "status": job.status,
                    "worker_ids": job.worker_ids,
                    "effects": tasks.effect_count(key),
                    "traceback": job.traceback,
                    "scheduled": sorted(ScheduledTask.objects.values_list("key", flat=True)),
                }
            )
        )
    else:
        raise SystemExit(f"unknown probe command {command}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
