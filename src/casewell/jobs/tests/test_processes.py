"""Real ``casewell`` processes on a shared database: a worker killed mid-job,
and ``casewell serve`` answering and stopping cleanly."""

import signal
import socket
import time
import urllib.request
from urllib.error import URLError

import pytest

from casewell.jobs.services import BUILT_IN_SCHEDULES
from casewell.testing.processes import Processes, wait_until

BUILT_IN_KEYS = sorted(key for key, _, _ in BUILT_IN_SCHEDULES)


def lines(path) -> list[str]:  # noqa: ANN001
    return path.read_text().splitlines() if path.exists() else []


def test_a_job_whose_worker_is_killed_mid_job_runs_to_completion_after_restart_once(
    processes: Processes,
):
    folder = processes.folder
    started = folder / "payslip.started"
    job = processes.probe("enqueue-waiting", "payslip", str(folder))["id"]

    first = processes.start("worker", "--threads", "1", log="first-worker.log")
    wait_until(lambda: lines(started), seconds=30, what="the first worker to start the job")
    first.send_signal(signal.SIGKILL)
    assert first.wait(timeout=10) == -signal.SIGKILL
    (folder / "payslip.release").touch()

    # The restarted worker treats the first as dead once its heartbeat is
    # older than the (here short) lease, and runs the job again.
    second = processes.start(
        "worker", "--threads", "1", log="second-worker.log", CASEWELL_WORKER_LEASE_SECONDS="2"
    )
    report = processes.probe("wait", job, "payslip", "60")

    assert report["status"] == "SUCCESSFUL", (
        report["traceback"] + processes.log("second-worker.log")
    )
    assert report["effects"] == 1
    assert len(lines(started)) == 2
    first_worker, second_worker = report["worker_ids"]
    assert first_worker != second_worker
    assert f"-{first.pid}-" in first_worker and f"-{second.pid}-" in second_worker

    second.send_signal(signal.SIGTERM)
    assert second.wait(timeout=15) == 0, processes.log("second-worker.log")
    assert "Casewell worker stopped." in processes.log("second-worker.log")


def test_a_worker_told_to_stop_finishes_its_job_first_and_exits_cleanly(processes: Processes):
    folder = processes.folder
    started = folder / "letter.started"
    job = processes.probe("enqueue-waiting", "letter", str(folder))["id"]
    worker = processes.start("worker", log="worker.log")
    wait_until(lambda: lines(started), seconds=30, what="the worker to start the job")

    worker.send_signal(signal.SIGTERM)
    wait_until(
        lambda: "Stopping the worker" in processes.log("worker.log"),
        seconds=10,
        what="the worker to take the signal",
    )
    assert worker.poll() is None  # still busy with the job
    (folder / "letter.release").touch()

    assert worker.wait(timeout=15) == 0, processes.log("worker.log")
    report = processes.probe("wait", job, "letter", "0")
    assert report["status"] == "SUCCESSFUL" and report["effects"] == 1
    assert len(report["worker_ids"]) == 1 and len(lines(started)) == 1


def test_a_batch_worker_runs_what_is_queued_and_exits(processes: Processes):
    job = processes.probe("enqueue", "batch-effect")["id"]

    output = processes.run("worker", "--batch", "--threads", "2")

    assert "Casewell worker stopped." in output
    report = processes.probe("wait", job, "batch-effect", "0")
    assert report["status"] == "SUCCESSFUL" and report["effects"] == 1


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def answers(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own server
            return response.status
    except URLError:
        return None
    except ConnectionError:
        return None


def test_casewell_serve_answers_on_port_8000_runs_jobs_and_stops_cleanly_on_ctrl_c(
    processes: Processes,
):
    if not port_is_free(8000):
        pytest.fail("Port 8000 is in use (is `make run` running?); this test needs it.")
    job = processes.probe("enqueue", "served-effect")["id"]

    server = processes.start("serve", "--port", "8000", log="serve.log")
    status = wait_until(
        lambda: server.poll() is None and answers("http://127.0.0.1:8000/accounts/login/")
        or server.poll() is not None and "exited",
        seconds=30,
        what="casewell serve to answer",
    )
    assert status == 200, processes.log("serve.log")

    # The worker threads and the scheduler inside the server are at work.
    report = processes.probe("wait", job, "served-effect", "30")
    assert report["status"] == "SUCCESSFUL" and report["effects"] == 1
    assert wait_until(
        lambda: processes.probe("wait", job, "served-effect", "0")["scheduled"] == BUILT_IN_KEYS,
        seconds=30,
        what="the scheduler to register its built-in jobs",
    )

    stopping = time.monotonic()
    server.send_signal(signal.SIGINT)
    assert server.wait(timeout=10) == 0, processes.log("serve.log")
    took = time.monotonic() - stopping
    assert "Casewell has stopped." in processes.log("serve.log")
    assert took < 5, f"stopping took {took:.1f}s"


@pytest.mark.postgres_only
def test_a_second_scheduler_process_takes_over_when_the_leader_is_killed(processes: Processes):
    if not processes.env["CASEWELL_DATABASE_URL"].startswith("postgres"):
        pytest.skip("the scheduler lock is PostgreSQL's")
    quick = {"CASEWELL_SCHEDULER_INTERVAL_SECONDS": "1"}
    leader = processes.start("scheduler", log="leader.log", **quick)
    wait_until(lambda: "now leads" in processes.log("leader.log"), seconds=30, what="a leader")
    follower = processes.start("scheduler", log="follower.log", **quick)
    wait_until(
        lambda: "Another scheduler leads" in processes.log("follower.log"),
        seconds=30,
        what="the second scheduler to wait",
    )

    leader.send_signal(signal.SIGKILL)
    leader.wait(timeout=10)

    wait_until(
        lambda: "now leads" in processes.log("follower.log"),
        seconds=30,
        what="the second scheduler to take over",
    )
    follower.send_signal(signal.SIGINT)
    assert follower.wait(timeout=15) == 0
