"""``casewell bench ingest``: messages per second through the whole inbox pipeline.

Each message is received as the SMTP door receives it (encrypted, stored, the
office's reading job queued unless one is waiting, and committed, one message at a
time), then the queue is run by one worker in the same single thread as ``casewell
worker`` runs it: the reading job claims the waiting messages a batch at a time,
reads them back and decrypts them, parses them, recognises duplicates, stores the
Messages and attachments (audited) and places each (threaded, matched to people, a
category suggested, grouped into a campaign, scored for distress). One process, one
thread (PostgreSQL's server runs beside it). All of that is done in rounds (three,
unless ``--rounds`` says), each into an office of its own, and the median round is
reported. The same messages are also parsed by the bare standard library
(``email.message_from_bytes`` with the modern policy), in repeated rounds before each
pipeline round and after the last; the median of all of them is compared.

It prints messages per second through the pipeline and for the bare parse, and the
ratio of the two; each message's receiving time (median and 95th percentile) and
reading time; and the same per CPU second: this process's CPU time and, for
PostgreSQL, its server's processes' (read from /proc when the server is on this
machine). The wall clock counts each wait for the database as lost; the CPU figure
is what a message costs a core when many are received and read at once, one
worker's waits filled by another's work.

The messages are letters of the kind an office gets (plain, with an HTML version,
with a PDF or photo attached, replies in a thread, a few automatic replies and
bounces), made the same every run; or the files under ``--corpus``. SQLite is a
temporary file; PostgreSQL is the empty database given with ``--database-url``.
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
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

HELP = (
    "Mail in: messages per second through the whole pipeline (store, read, place) on "
    "SQLite and PostgreSQL, against the bare standard-library parse."
)
KEPT_SETTINGS = ("CASEWELL_SECRET_KEY", "CASEWELL_ENCRYPTION_KEY", "CASEWELL_PROJECT_DIR")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--messages", type=int, default=1000, help="how many (default 1000)")
    parser.add_argument(
        "--database-url",
        help="an empty PostgreSQL database to measure too (it is filled, not emptied)",
    )
    parser.add_argument("--corpus", type=Path, help="a folder of .eml files to use instead")
    parser.add_argument(
        "--rounds", type=int, default=3,
        help="times the messages go through, each into a new office (default 3; the "
        "median round is reported)",
    )  # fmt: skip
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)


def _say(args: argparse.Namespace, text: str) -> None:
    print(text, file=sys.stderr if args.json else sys.stdout, flush=True)


def run(args: argparse.Namespace) -> int:
    if args.rounds < 1 or args.messages < 1:
        _say(args, "--messages and --rounds must each be at least 1.")
        return 2
    if args.child:
        return _child(args)
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="casewell-bench-ingest-") as folder:
        targets = [("sqlite", f"sqlite:///{folder}/bench.sqlite3")]
        if args.database_url:
            targets.append(("postgres", args.database_url))
        for name, url in targets:
            _say(args, f"Measuring {args.messages:,} messages on {name} ...")
            env = {
                key: value
                for key, value in os.environ.items()
                if not key.startswith("CASEWELL_") or key in KEPT_SETTINGS
            }
            env.update(
                CASEWELL_DATABASE_URL=url,
                CASEWELL_DATA_DIR=str(Path(folder) / f"data-{name}"),
                CASEWELL_LOG_LEVEL="ERROR",
            )
            command = [
                sys.executable, "-m", "casewell.inbox.bench", "--child",
                "--messages", str(args.messages), "--rounds", str(args.rounds),
            ]
            if args.corpus:
                command += ["--corpus", str(args.corpus.resolve())]
            done = subprocess.run(  # noqa: S603 - our own module, with our own arguments
                command, env=env, capture_output=True, text=True, timeout=3600, check=False
            )
            if done.returncode != 0:
                _say(args, done.stderr.strip()[-3000:] or done.stdout.strip()[-3000:])
                return 1
            results[name] = json.loads(done.stdout.strip().splitlines()[-1])
    if args.json:
        print(json.dumps(results))
        return 0
    for name, figures in results.items():
        print(
            f"{name}: {figures['pipeline_messages_per_second']} messages/s through the pipeline "
            f"(one worker thread; {figures['pipeline_messages_per_cpu_second']} per CPU second "
            f"with the database server's), "
            f"{figures['bare_parse_messages_per_second']} messages/s bare parse: the pipeline "
            f"takes {figures['pipeline_to_bare_ratio']}x the bare parse "
            f"({figures['pipeline_to_bare_cpu_ratio']}x its CPU time)\n"
            f"  each message: received in {figures['receive_p50_ms']} ms "
            f"(95%: {figures['receive_p95_ms']}), read in {figures['read_ms_per_message']} ms "
            f"(in {figures['reading_jobs']} reading jobs); bare parse rounds median "
            f"{figures['bare_parse_round_p50_ms']} ms for all of a round\n"
            f"  the median of {figures['rounds']} rounds "
            f"({', '.join(map(str, figures['pipeline_round_messages_per_second']))} messages/s); "
            f"{figures['messages']} messages in all, {figures['stored']} stored, "
            f"{figures['duplicates']} duplicates, {figures['quarantined']} quarantined"
        )
    return 0


# --- The messages ------------------------------------------------------------------------

TOPICS = [
    ("Housing repair", "The damp in the back bedroom has come back and the landlord will not"),
    ("Universal Credit", "My payment was stopped after I reported a change of circumstances and"),
    ("School place", "We were not offered a place at the school nearest to us even though"),
    ("Bus route", "The number 14 no longer stops near the surgery, which means my mother"),
    ("Planning objection", "I want to object to the application for the site behind our road"),
    ("Visa delay", "My wife's application has been waiting for eleven months now and"),
]
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
PDF = b"%PDF-1.4\n" + b"1 0 obj << >> endobj\n" * 200 + b"%%EOF\n"


def letters(count: int) -> list[bytes]:
    """``count`` messages an office might get, the same every run."""
    chance = random.Random(20261202)  # noqa: S311 - repeatable, not secret
    made: list[bytes] = []
    for number in range(count):
        subject, opening = chance.choice(TOPICS)
        message = EmailMessage()
        message["From"] = f"Constituent {number} <person{number}@example.net>"
        message["To"] = "casework@north.example"
        message["Subject"] = f"{subject} ({number})"
        message["Date"] = format_datetime(
            datetime(2026, 11, 1 + number % 28, 9, number % 60, tzinfo=UTC)
        )
        message["Message-ID"] = f"<letter.{number}@example.net>"
        roll = chance.random()
        if roll < 0.2 and number:
            message["In-Reply-To"] = f"<letter.{number - 1}@example.net>"
            message["References"] = f"<letter.{number - 1}@example.net>"
            message.replace_header("Subject", f"Re: {subject} ({number - 1})")
        if 0.2 <= roll < 0.25:
            message["Auto-Submitted"] = "auto-replied"
        body = f"Dear office,\n\n{opening} " + " ".join(
            chance.choice(("it", "has", "been", "weeks", "and", "nobody", "answers", "the",
                           "phone", "letter", "council", "again", "please", "help"))
            for _ in range(120 + chance.randrange(200))
        ) + f".\n\nYours sincerely,\nConstituent {number}\n"
        message.set_content(body)
        if chance.random() < 0.4:
            paragraphs = "".join(f"<p>{line}</p>" for line in body.split("\n") if line)
            message.add_alternative(f"<html><body>{paragraphs}</body></html>", subtype="html")
        extra = chance.random()
        if extra < 0.1:
            message.add_attachment(PDF, maintype="application", subtype="pdf",
                                   filename="letter.pdf")
        elif extra < 0.15:
            message.add_attachment(PNG, maintype="image", subtype="png", filename="photo.png")
        made.append(bytes(message))
    return made


def _corpus(folder: Path, count: int) -> list[bytes]:
    files = sorted(path for path in folder.rglob("*") if path.is_file())
    return [path.read_bytes() for path in files][:count]


# --- The child: one database ---------------------------------------------------------------


@dataclass
class _Round:
    """One pass of all the messages through the pipeline, into an office of its own."""

    seconds: float
    received_seconds: float
    receiving: list[float]
    reading_jobs: int
    cpu: float | None  # this process's and the database server's, when readable
    server_cpu: float | None


def _child(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casewell.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from casewell.inbox.models import RawMessage, RawState
    from casewell.offices.tenancy import across_all_offices

    call_command("migrate", verbosity=0)
    messages = _corpus(args.corpus, args.messages) if args.corpus else letters(args.messages)

    # The bare parse before each pipeline round and after the last, all compared: a
    # machine whose speed drifts is then measured alike for both.
    bare, bare_cpu = _bare_parse_rounds(messages)
    rounds: list[_Round] = []
    for number in range(1, args.rounds + 1):
        rounds.append(_pipeline_round(messages, number))
        more, more_cpu = _bare_parse_rounds(messages)
        bare, bare_cpu = bare + more, bare_cpu + more_cpu
    # The median round, reported whole, so its figures agree with one another.
    middle = sorted(rounds, key=lambda round_: round_.seconds)[len(rounds) // 2]
    bare_seconds = statistics.median(bare)
    bare_cpu_seconds = statistics.median(bare_cpu)

    with across_all_offices():
        counts = {
            state: RawMessage.objects.filter(state=state).count() for state in RawState.values
        }
    count = len(messages)
    reading = middle.seconds - middle.received_seconds
    print(json.dumps({
        "messages": count * len(rounds),
        "rounds": len(rounds),
        "stored": counts[RawState.PARSED],
        "duplicates": counts[RawState.DUPLICATE],
        "quarantined": counts[RawState.QUARANTINED],
        "worker_threads": 1,
        "pipeline_messages_per_second": round(count / middle.seconds, 1),
        "pipeline_round_messages_per_second": [
            round(count / round_.seconds, 1) for round_ in rounds
        ],
        "bare_parse_messages_per_second": round(count / bare_seconds, 1),
        "pipeline_to_bare_ratio": round(middle.seconds / bare_seconds, 2),
        "pipeline_messages_per_cpu_second": (
            round(count / middle.cpu, 1) if middle.cpu else None
        ),
        "bare_parse_messages_per_cpu_second": round(count / bare_cpu_seconds, 1),
        "pipeline_to_bare_cpu_ratio": (
            round(middle.cpu / bare_cpu_seconds, 2) if middle.cpu else None
        ),
        "database_server_cpu_ms_per_message": (
            _ms(middle.server_cpu / count) if middle.server_cpu is not None else None
        ),
        "receive_messages_per_second": round(count / middle.received_seconds, 1),
        "read_messages_per_second": round(count / reading, 1),
        "receive_p50_ms": _ms(statistics.median(middle.receiving)),
        "receive_p95_ms": _ms(_p95(middle.receiving)),
        "read_ms_per_message": _ms(reading / count),
        "reading_jobs": middle.reading_jobs,
        "bare_parse_round_p50_ms": _ms(bare_seconds),
    }))  # fmt: skip
    return 0


def _pipeline_round(messages: list[bytes], number: int) -> _Round:
    """Receive every message into a new office, then run the queue until it is empty."""
    from casewell.inbox.services import receive_raw
    from casewell.jobs.worker import CasewellWorker
    from casewell.offices.models import Nation
    from casewell.offices.services import create_office
    from casewell.offices.vocabulary import OfficeKind

    office = create_office(
        name=f"Bench office {number}", kind=OfficeKind.CONSTITUENCY, nation=Nation.ENGLAND,
        reference_prefix=f"BE{number}",
    )  # fmt: skip
    worker = CasewellWorker(worker_id="bench", batch=True, manage_connections=False)
    receiving: list[float] = []
    reading_jobs = 0
    server_cpu_started = _database_server_cpu()
    started = time.perf_counter()
    cpu_started = time.process_time()
    for position, raw in enumerate(messages):
        began = time.perf_counter()
        receive_raw(office, raw, door="smtp", source=f"bench {number}.{position}")
        receiving.append(time.perf_counter() - began)
    received = time.perf_counter() - started
    while (job := worker.claim_next()) is not None:
        worker.run_task(job)
        reading_jobs += 1
    seconds = time.perf_counter() - started
    # CPU time, this process's and the database server's: what each message costs a
    # core when many are received and read at once, each worker's waits for the database
    # filled by another's work (SQLite's work is this process's own).
    cpu = time.process_time() - cpu_started
    server_cpu_ended = _database_server_cpu()
    server_cpu = None
    if server_cpu_started is not None and server_cpu_ended is not None:
        server_cpu = server_cpu_ended - server_cpu_started
    return _Round(
        seconds=seconds, received_seconds=received, receiving=receiving,
        reading_jobs=reading_jobs, cpu=cpu + server_cpu if server_cpu is not None else None,
        server_cpu=server_cpu,
    )  # fmt: skip


def _bare_parse_rounds(messages: list[bytes]) -> tuple[list[float], list[float]]:
    """Seconds of wall clock and of CPU each round of the bare parse of all the messages
    took: at least three rounds, and at least two seconds' worth."""
    rounds: list[float] = []
    rounds_cpu: list[float] = []
    started = time.perf_counter()
    while time.perf_counter() - started < 2.0 or len(rounds) < 3:
        began, began_cpu = time.perf_counter(), time.process_time()
        for raw in messages:
            message_from_bytes(raw, policy=policy.default)
        rounds.append(time.perf_counter() - began)
        rounds_cpu.append(time.process_time() - began_cpu)
    return rounds, rounds_cpu


def _database_server_cpu() -> float | None:
    """CPU seconds the database server's processes have used: none for SQLite (it runs in
    this process); for PostgreSQL, read from /proc for the postmaster serving this
    connection and all its children (None where they cannot be read: a server elsewhere)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    try:
        postmaster = _stat(backend)[1]
        total = 0
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = _stat(int(entry.name))
                except OSError:
                    continue  # ended meanwhile
                if int(entry.name) == postmaster or fields[1] == postmaster:
                    total += fields[11] + fields[12]  # user and system time, in ticks
    except (OSError, ValueError, IndexError):
        return None
    return total / os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[int]:
    """/proc/PID/stat's numbers after the process's name: [state, ppid, ...]."""
    text = Path(f"/proc/{pid}/stat").read_text()
    rest = text.rsplit(")", 1)[1].split()
    return [0, *(int(value) for value in rest[1:])]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    add_arguments(parser)
    sys.exit(run(parser.parse_args()))
