"""Real processes: lone-working sessions keep escalating on time while the worker and the
scheduler are killed (SIGKILL) and restarted around their deadlines.

Deadlines fall while both are dead, just after they come back, and around a
second kill of the worker alone; every missed check-in must still raise its
first alert within 30 seconds of its deadline, and exactly once.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

from casewell.testing.processes import Processes, wait_until

WITHIN = 30.0


def probe(processes: Processes, *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "casewell.safety.tests.probe", *args],
        env=processes.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def start_both(processes: Processes, round_: int) -> tuple:
    scheduler = processes.start("scheduler", log=f"scheduler-{round_}.log")
    worker = processes.start("worker", "--threads", "2", log=f"worker-{round_}.log")
    wait_until(
        lambda: (
            "Casewell scheduler:" in processes.log(f"scheduler-{round_}.log")
            and "Casewell worker" in processes.log(f"worker-{round_}.log")
        ),
        seconds=30,
        what="the scheduler and worker to start",
    )
    return scheduler, worker


def kill(*running) -> None:  # noqa: ANN002
    for process in running:
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=10) == -signal.SIGKILL


def test_missed_check_ins_escalate_within_30_seconds_across_kills_and_restarts(
    processes: Processes,
):
    # Deadlines (seconds from now): the first two fall while everything is dead.
    started = probe(processes, "start", "7", "10", "15", "18", "21")
    deadlines = sorted(session["deadline"] for session in started["sessions"])

    scheduler, worker = start_both(processes, 1)
    kill(scheduler, worker)  # both die with every session still running

    wait_until(lambda: time.time() > deadlines[1] + 1, seconds=40, what="two deadlines to pass")
    scheduler, worker = start_both(processes, 2)

    wait_until(lambda: time.time() > deadlines[2] - 1, seconds=40, what="the third deadline")
    kill(worker)  # the worker alone dies just before a deadline, and comes straight back
    worker = processes.start("worker", "--threads", "2", log="worker-3.log")

    def all_escalated() -> dict | None:
        report = probe(processes, "report")
        return report if all(row["first_alert"] for row in report["sessions"]) else None

    report = wait_until(
        all_escalated,
        seconds=deadlines[-1] - time.time() + WITHIN + 5,
        what="every missed check-in to escalate",
    )
    delays = [row["delay"] for row in report["sessions"]]
    print("delays from deadline to first alert (s):", [round(delay, 1) for delay in delays])
    assert all(0 <= delay <= WITHIN for delay in delays), delays
    # Once each: one first step per session, whatever was killed or repeated.
    assert report["steps"] == len(report["sessions"])
    kill(scheduler, worker)
