"""Workers SIGKILLed at random moments while a few hundred messages come in: restarted,
every message ends up read exactly once or quarantined, none lost, none twice."""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
from urllib.parse import urlsplit

import psycopg

from casewell.testing.processes import Processes, wait_until

COUNT = 300


def states(url: str) -> dict[str, int]:
    """How many raw messages are in each state, and how many messages were made."""
    queries = {
        "raw": "SELECT state, count(*) FROM inbox_rawmessage GROUP BY state",
        "messages": "SELECT count(*), count(DISTINCT raw_id) FROM inbox_message",
    }
    if url.startswith("sqlite:"):
        connection = sqlite3.connect(urlsplit(url).path, timeout=20)
        try:
            found = dict(connection.execute(queries["raw"]).fetchall())
            found["messages"], found["distinct"] = connection.execute(
                queries["messages"]
            ).fetchone()
        finally:
            connection.close()
        return found
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as connection:
        connection.execute("SELECT set_config('casewell.all_offices', 'on', false)")
        found = dict(connection.execute(queries["raw"]).fetchall())
        found["messages"], found["distinct"] = connection.execute(queries["messages"]).fetchone()
    return found


def read_so_far(url: str) -> int:
    found = states(url)
    return sum(found.get(state, 0) for state in ("parsed", "duplicate", "quarantined"))


def test_killed_workers_lose_no_message_and_read_none_twice(processes: Processes):
    url = processes.env["CASEWELL_DATABASE_URL"]
    lease = {"CASEWELL_WORKER_LEASE_SECONDS": "1"}
    seed = random.randrange(1_000_000)
    chance = random.Random(seed)
    ingest = subprocess.Popen(  # noqa: S603 - our own module
        [sys.executable, "-m", "casewell.inbox.tests.ingest", str(COUNT)],
        env=processes.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    processes.started.append(ingest)
    worker = processes.start("worker", "--threads", "2", log="worker-0.log", **lease)

    # Kill the worker at random points of the reading, each time starting another.
    for round_number, point in enumerate(sorted(chance.sample(range(5, COUNT // 2), 3)), 1):
        wait_until(
            lambda point=point: read_so_far(url) >= point, seconds=60,
            what=f"{point} messages read (seed {seed})",
        )
        worker.send_signal(signal.SIGKILL)
        assert worker.wait(timeout=10) == -signal.SIGKILL
        worker = processes.start(
            "worker", "--threads", "2", log=f"worker-{round_number}.log", **lease
        )

    out, err = ingest.communicate(timeout=120)
    assert ingest.returncode == 0, err
    expected = json.loads(out.strip().splitlines()[-1])
    kept = expected["messages"] + expected["copies"] + expected["quarantined"]
    wait_until(
        lambda: read_so_far(url) >= kept, seconds=60, what=f"all messages read (seed {seed})"
    )

    found = states(url)
    assert found.get("stored", 0) == 0, found
    assert found["parsed"] == found["messages"] == found["distinct"] == expected["messages"]
    assert found["duplicate"] == expected["copies"]
    assert found["quarantined"] == expected["quarantined"]
    assert sum(found[state] for state in ("parsed", "duplicate", "quarantined")) == kept

