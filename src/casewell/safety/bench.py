"""``casewell bench lone-working``: how soon a missed check-in raises its first alert.

Starts 1,000 lone-working sessions (by default), each due at a random moment a
minute or so ahead, then lets the real scheduler and worker code (threads of
this process, as in ``casewell serve``) do the escalating while simulated
workers end or extend most sessions in time and miss the rest. It prints the
median, 99th percentile and maximum delay from each missed deadline to its
first alert, and how many safe sessions were wrongly alerted (should be 0).

Each database is new and thrown away: a temporary SQLite file, and a PostgreSQL
database created on ``CASEWELL_BENCH_POSTGRES_URL`` (default the test role's
server). Each runs in a child process of its own, so each has its own settings.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

HELP = (
    "Lone working: 1,000 sessions with random missed check-ins, escalated by the real "
    "scheduler and worker; delay from deadline to first alert on SQLite and PostgreSQL."
)
DEFAULT_POSTGRES = "postgres://casewell_test@127.0.0.1:5432/postgres"
KEYS = ("alert_delay_p50_s", "alert_delay_p99_s", "alert_delay_max_s")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sessions", type=int, default=1000, help="sessions (default 1000)")
    parser.add_argument(
        "--missed",
        type=float,
        default=0.3,
        help="share of sessions whose check-in is missed (default 0.3)",
    )
    parser.add_argument(
        "--from-seconds",
        type=float,
        default=20.0,
        help="each session is due this many seconds after it starts, plus --spread (default 20)",
    )
    parser.add_argument(
        "--spread",
        type=float,
        default=30.0,
        help="and a random part of this many seconds (default 30)",
    )
    parser.add_argument("--threads", type=int, default=4, help="worker threads (default 4)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument(
        "--sqlite-only", action="store_true", help="skip PostgreSQL (and exit 0 without it)"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)


# --- The parent: one child process per database ----------------------------------------------


def _child_env(database_url: str, data_dir: Path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("CASEWELL_")}
    env.update(
        CASEWELL_DATABASE_URL=database_url,
        CASEWELL_DATA_DIR=str(data_dir),
        # The bench measures escalation, not password hashing (the duress PIN check
        # on every simulated check-in would otherwise dominate).
        CASEWELL_PASSWORD_HASHERS="django.contrib.auth.hashers.MD5PasswordHasher",  # noqa: S106
        CASEWELL_LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    for name in ("CASEWELL_SECRET_KEY", "CASEWELL_ENCRYPTION_KEY", "CASEWELL_PROJECT_DIR"):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def _run_child(args: argparse.Namespace, database_url: str, data_dir: Path) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "casewell.safety.bench",
        "--child",
        database_url,
        "--sessions",
        str(args.sessions),
        "--missed",
        str(args.missed),
        "--from-seconds",
        str(args.from_seconds),
        "--spread",
        str(args.spread),
        "--threads",
        str(args.threads),
        "--seed",
        str(args.seed),
    ]
    done = subprocess.run(  # noqa: S603 - our own module, with our own arguments
        command,
        env=_child_env(database_url, data_dir),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip()[-3000:] or done.stdout.strip()[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def _postgres_admin(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": parts.username or "casewell_test",
        "password": parts.password,
        "dbname": parts.path.lstrip("/") or "postgres",
        "connect_timeout": 5,
    }


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _say(args: argparse.Namespace, text: str) -> None:
    print(text, file=sys.stderr if args.json else sys.stdout, flush=True)


def run(args: argparse.Namespace) -> int:
    if args.child:
        return _child(args)
    figures: dict[str, dict[str, float]] = {}
    status = 0
    with tempfile.TemporaryDirectory(prefix="casewell-bench-") as folder:
        _say(args, f"SQLite: {args.sessions} sessions ...")
        result = _run_child(args, f"sqlite:///{folder}/bench.sqlite3", Path(folder) / "sqlite")
        figures["sqlite"] = {key: result[key] for key in KEYS}
        _report(args, "SQLite", result)

    if not args.sqlite_only:
        import psycopg
        from psycopg import sql

        url = os.environ.get("CASEWELL_BENCH_POSTGRES_URL", DEFAULT_POSTGRES)
        admin = _postgres_admin(url)
        name = f"casewell_bench_{os.getpid()}_{random.randint(0, 99999)}"  # noqa: S311
        try:
            with psycopg.connect(**admin, autocommit=True) as connection:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.Error as problem:
            _say(
                args,
                f"PostgreSQL did not answer at {admin['host']}:{admin['port']} "
                f"({str(problem).strip()}); only SQLite was measured. Set "
                "CASEWELL_BENCH_POSTGRES_URL, or pass --sqlite-only.",
            )
            status = 1
        else:
            try:
                with tempfile.TemporaryDirectory(prefix="casewell-bench-") as folder:
                    _say(args, f"PostgreSQL: {args.sessions} sessions ...")
                    result = _run_child(args, _with_database(url, name), Path(folder))
                figures["postgres"] = {key: result[key] for key in KEYS}
                _report(args, "PostgreSQL", result)
            finally:
                with psycopg.connect(**admin, autocommit=True) as connection:
                    connection.execute(
                        sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                            sql.Identifier(name)
                        )
                    )
    if args.json:
        print(json.dumps(figures))
    return status


def _report(args: argparse.Namespace, label: str, result: dict[str, Any]) -> None:
    _say(
        args,
        f"{label}: {result['missed']} of {result['sessions']} check-ins missed; "
        f"deadline to first alert p50 {result['alert_delay_p50_s']:.2f}s, "
        f"p99 {result['alert_delay_p99_s']:.2f}s, max {result['alert_delay_max_s']:.2f}s; "
        f"{result['not_alerted']} missed check-ins never alerted and {result['false_alarms']} "
        f"sessions ended or extended in time alerted (both should be 0); "
        f"{result['late_actions']} simulated workers acted too late (rightly alerted, "
        f"not counted); sessions started in {result['start_seconds']:.1f}s.",
    )


# --- The child: one database, the real code path --------------------------------------------


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def _child(args: argparse.Namespace) -> int:
    from casewell.cli import setup_django

    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    result = _measure(args)
    print(json.dumps(result))
    return 0


def _make_staff(count: int) -> tuple[Any, list[Any], Any]:
    from casewell.offices.models import Nation, Role
    from casewell.offices.services import add_staff_member, create_office
    from casewell.offices.vocabulary import OfficeKind
    from casewell.safety import services

    office = create_office(
        name="Bench office",
        kind=OfficeKind.CONSTITUENCY,
        nation=Nation.ENGLAND,
        reference_prefix="BE",
    )
    manager = add_staff_member(
        office, email="manager@bench.example", full_name="Bench Manager", roles=[Role.MANAGER]
    )
    buddy = add_staff_member(
        office, email="buddy@bench.example", full_name="Bench Buddy", roles=[Role.CASEWORKER]
    )
    # Grace 0: the deadline measured from is the check-in's due time itself.
    services.change_ladder(
        manager,
        grace_minutes=0,
        worker_minutes=5,
        buddy_minutes=5,
        managers_minutes=5,
        emergency_contact_minutes=10,
        repeat_minutes=10,
        emergency_procedure="Call 999.",
        webhook_url="",
    )
    workers = [
        add_staff_member(
            office,
            email=f"worker{n}@bench.example",
            full_name=f"Worker {n}",
            roles=[Role.CASEWORKER],
        )
        for n in range(count)
    ]
    return office, workers, buddy


def _measure(args: argparse.Namespace) -> dict[str, Any]:
    from datetime import timedelta

    from django.db import connections
    from django.db.models import Min
    from django.utils import timezone

    from casewell.jobs.runner import JobRunner
    from casewell.offices.tenancy import across_all_offices
    from casewell.safety import services
    from casewell.safety.models import EscalationStep, LoneWorkingSession

    rng = random.Random(args.seed)
    # The staff exist before the clock starts, as in a real office.
    _office, workers, buddy = _make_staff(args.sessions)
    runner = JobRunner(worker_threads=args.threads, scheduler=True)
    runner.start()
    began = timezone.now()
    plans: list[tuple[Any, Any, str, float]] = []  # worker, session, fate, act at (epoch)
    for worker in workers:
        # Due from each session's own start, so a slow start-up never makes one late.
        due = timezone.now() + timedelta(seconds=args.from_seconds + rng.uniform(0, args.spread))
        session = services.start_lone_working(
            worker,
            services.SessionPlan(
                purpose="outreach",
                location="Bench street",
                buddy_id=buddy.pk,
                expected_end=due,
                check_in_minutes=5,
                emergency_contact_name="Sam Bench",
                emergency_contact_phone="07700 900123",
            ),
        )
        roll = rng.random()
        fate = "miss" if roll < args.missed else ("extend" if roll < args.missed + 0.2 else "end")
        act_at = due.timestamp() - rng.uniform(3, 15)
        plans.append((worker, session, fate, act_at))
        # People start sessions one by one, not in a tight loop: SQLite's write lock is
        # not fair, and a loop that never pauses would starve the worker threads.
        time.sleep(0.01)
    start_seconds = (timezone.now() - began).total_seconds()

    acted: dict[int, float] = {}  # session id: when the simulated worker's action was done

    def simulate_workers() -> None:
        try:
            for worker, session, fate, act_at in sorted(plans, key=lambda plan: plan[3]):
                if fate == "miss":
                    continue
                wait = act_at - time.time()
                if wait > 0:
                    time.sleep(wait)
                if fate == "end":
                    services.end_session(worker, session)
                else:
                    services.extend_session(worker, session, minutes=30)
                acted[session.pk] = time.time()
        finally:
            connections.close_all()

    phones = threading.Thread(target=simulate_workers, name="bench-workers-phones")
    phones.start()
    missed = {session.pk: session for _w, session, fate, _a in plans if fate == "miss"}
    last_deadline = max(session.check_in_due_at for session in missed.values()) if missed else began
    give_up = last_deadline.timestamp() + 60
    first: dict[int, Any] = {}
    while time.time() < give_up:
        with across_all_offices():
            first = dict(
                EscalationStep.all_offices.order_by()
                .values("session_id")
                .annotate(first=Min("taken_at"))
                .values_list("session_id", "first")
            )
        if time.time() > last_deadline.timestamp() and all(pk in first for pk in missed):
            break
        time.sleep(1)
    phones.join()
    runner.stop()
    with across_all_offices():
        due_at = dict(
            LoneWorkingSession.all_offices.filter(pk__in=list(missed)).values_list(
                "pk", "check_in_due_at"
            )
        )
    deadline_of = {session.pk: session.check_in_due_at.timestamp() for _w, session, _f, _a in plans}
    # A simulated worker who fell behind (the machine was busy) and acted after their
    # deadline really did miss it: alerted rightly, and not counted as a false alarm.
    late = {pk for pk, at in acted.items() if at > deadline_of[pk]}
    delays = [(first[pk] - due_at[pk]).total_seconds() for pk in missed if pk in first]
    delays = delays or [float("nan")]
    return {
        "sessions": len(plans),
        "missed": len(missed),
        "not_alerted": len([pk for pk in missed if pk not in first]),
        "false_alarms": len([pk for pk in first if pk not in missed and pk not in late]),
        "late_actions": len(late),
        "start_seconds": start_seconds,
        "alert_delay_p50_s": round(statistics.median(delays), 3),
        "alert_delay_p99_s": round(_percentile(delays, 0.99), 3),
        "alert_delay_max_s": round(max(delays), 3),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="casewell.safety.bench")
    parser.add_argument("--json", action="store_true")
    add_arguments(parser)
    sys.exit(run(parser.parse_args()))
