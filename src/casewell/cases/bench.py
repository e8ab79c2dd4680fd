"""``casewell bench pages``: server time of the case list and the case page on a big office.

Fills a new, throw-away database with one office holding 100,000 cases (by
default) and one case with 1,000 timeline entries, then asks for the case list
("All cases", open ones, newest first, with every filter count) and that case's
page through Django's test client, signed in as a caseworker, and prints the
median and 95th percentile in milliseconds.

The database is a temporary SQLite file, or the empty database given with
``--database-url`` (for PostgreSQL: one made for the purpose; it is filled, not
emptied). The work runs in a child process so it has settings of its own.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

HELP = (
    "Case pages: server time of the case list over 100,000 cases and of a case page "
    "with 1,000 timeline entries (median and 95th percentile)."
)
KEYS = ("case_page_p50_ms", "case_page_p95_ms", "case_list_p50_ms", "case_list_p95_ms")
BATCH = 5000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cases", type=int, default=100_000, help="cases (default 100000)")
    parser.add_argument(
        "--entries", type=int, default=1000, help="timeline entries on one case (default 1000)"
    )
    parser.add_argument("--runs", type=int, default=50, help="requests of each page (default 50)")
    parser.add_argument(
        "--database-url", help="an empty database to fill instead of a temporary SQLite file"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)


def _say(args: argparse.Namespace, text: str) -> None:
    print(text, file=sys.stderr if args.json else sys.stdout, flush=True)


def run(args: argparse.Namespace) -> int:
    if args.child:
        return _child(args)
    with tempfile.TemporaryDirectory(prefix="casewell-bench-") as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
        _say(
            args,
            f"Filling {'the database given' if args.database_url else 'SQLite'} with "
            f"{args.cases:,} cases and {args.entries:,} timeline entries ...",
        )
        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith("CASEWELL_") or name in KEPT_SETTINGS
        }
        env.update(
            CASEWELL_DATABASE_URL=url,
            CASEWELL_DATA_DIR=str(Path(folder) / "data"),
            CASEWELL_LOG_LEVEL="WARNING",
            CASEWELL_PASSWORD_HASHERS="django.contrib.auth.hashers.MD5PasswordHasher",  # noqa: S106
        )
        command = [
            sys.executable,
            "-m",
            "casewell.cases.bench",
            "--child",
            "--cases",
            str(args.cases),
            "--entries",
            str(args.entries),
            "--runs",
            str(args.runs),
        ]
        done = subprocess.run(  # noqa: S603 - our own module, with our own arguments
            command, env=env, capture_output=True, text=True, timeout=3600, check=False
        )
    if done.returncode != 0:
        _say(args, done.stderr.strip()[-3000:] or done.stdout.strip()[-3000:])
        return 1
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    if args.json:
        print(json.dumps(figures))
    else:
        print(
            f"Case page ({args.entries:,} timeline entries): median "
            f"{figures['case_page_p50_ms']} ms, 95th percentile {figures['case_page_p95_ms']} ms"
        )
        print(
            f"Case list ({args.cases:,} cases): median {figures['case_list_p50_ms']} ms, "
            f"95th percentile {figures['case_list_p95_ms']} ms"
        )
    return 0


KEPT_SETTINGS = ("CASEWELL_SECRET_KEY", "CASEWELL_ENCRYPTION_KEY", "CASEWELL_PROJECT_DIR")


# --- The child: one database, filled in bulk, then timed ---------------------------------------


def _child(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casewell.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    user, case_id = _fill(args.cases, args.entries)
    # A live database keeps its planner statistics up to date; a freshly filled one has none.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    figures: dict[str, float] = {}
    for name, path in (("case_page", f"/cases/{case_id}/"), ("case_list", "/cases/")):
        times = _timed(client, path, args.runs)
        figures[f"{name}_p50_ms"] = round(statistics.median(times), 1)
        figures[f"{name}_p95_ms"] = round(statistics.quantiles(times, n=20)[18], 1)
    print(json.dumps(figures))
    return 0


def _timed(client: Any, path: str, runs: int) -> list[float]:
    client.get(path)  # the first request warms caches and connections; it is not counted
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        answer = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        if answer.status_code != 200:
            raise RuntimeError(f"{path} answered {answer.status_code}")
    return times


def _fill(how_many: int, entries: int) -> tuple[Any, int]:
    """One office, a caseworker, people, cases with people and tags, and one long timeline."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.utils import timezone

    from casewell.cases.models import Case, CasePerson, CaseStatus, CaseTag, Category, Tag
    from casewell.cases.references import format_reference
    from casewell.offices.models import Nation, Role
    from casewell.offices.services import add_staff_member, create_office
    from casewell.offices.tenancy import bind_office
    from casewell.offices.vocabulary import OfficeKind
    from casewell.people.models import Person
    from casewell.timeline.models import TimelineEntry

    office = create_office(
        name="Bench constituency office",
        kind=OfficeKind.CONSTITUENCY,
        nation=Nation.ENGLAND,
        reference_prefix="BN",
    )
    user = add_staff_member(
        office,
        email="bench@bn.example",
        full_name="Bea Bench",
        roles=[Role.CASEWORKER],
        password="bench-password-not-secret",  # noqa: S106 - a throw-away database
    )
    TOTP.activate(user, generate_totp_secret())
    now = timezone.now()
    with bind_office(office):
        statuses = list(CaseStatus.objects.order_by("position"))
        categories = list(Category.objects.filter(parent=None))
        tags = [Tag.objects.create(office=office, name=f"Tag {n}") for n in range(10)]
        people_count = max(1, how_many // 5)
        Person.objects.bulk_create(
            (
                Person(office=office, first_name=f"Given{n}", last_name=f"Family{n % 5000}")
                for n in range(people_count)
            ),
            batch_size=BATCH,
        )
        people = list(Person.objects.values_list("pk", flat=True))
        per_year = 20_000
        for start in range(0, how_many, BATCH):
            cases = []
            for n in range(start, min(start + BATCH, how_many)):
                year, number = now.year - n // per_year, n % per_year + 1
                cases.append(
                    Case(
                        office=office,
                        reference=format_reference("BN", year, number),
                        year=year,
                        number=number,
                        summary=f"Case {n} about something",
                        category=categories[n % len(categories)],
                        status=statuses[n % len(statuses)],
                        priority=n % 4 + 1,
                        assignee=user if n % 3 == 0 else None,
                        opened_at=now - timedelta(minutes=n),
                        opened_by=user,
                        due_date=(now + timedelta(days=n % 60 - 20)).date(),
                    )
                )
            made = Case.objects.bulk_create(cases)
            CasePerson.objects.bulk_create(
                CasePerson(office=office, case=case, person_id=people[i % len(people)])
                for i, case in enumerate(made)
            )
            CaseTag.objects.bulk_create(
                CaseTag(office=office, case=case, tag=tags[i % len(tags)])
                for i, case in enumerate(made)
                if i % 10 == 0
            )
        busy = Case.objects.order_by("-opened_at").first()
        assert busy is not None
        TimelineEntry.objects.bulk_create(
            (
                TimelineEntry(
                    office=office,
                    case=busy,
                    kind="note",
                    author=user,
                    occurred_at=now - timedelta(hours=n),
                    recorded_at=now,
                    text=f"Note {n}: rang, wrote, waited.",
                )
                for n in range(entries)
            ),
            batch_size=BATCH,
        )
    return user, busy.pk


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=HELP)
    parser.add_argument("--json", action="store_true")
    add_arguments(parser)
    sys.exit(run(parser.parse_args()))
