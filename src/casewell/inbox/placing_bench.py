"""Placing alone, timed: ``place()`` on a few thousand generated messages of a busy office.

    python -m casewell.inbox.placing_bench [--messages 3000] [--database-url URL] [--json]

(``HELP``, ``add_arguments`` and ``run`` are the ``casewell bench`` interface, so it can be
listed there as ``placing``.)

Fills a throw-away SQLite database (or the empty database given) with one
office: 1,000 people, 300 cases with their first messages (so the category
suggestion has something to learn from). Then, one at a time as the parse job
would, it stores a message (not timed) and places it (timed, inside the job's
transaction, without the commit). The mix: replies by In-Reply-To, case
references in the subject, the same sender writing again, three organised
campaigns, auto-replies, and new mail from known and unknown people with a
signature and postcode. Prints messages per second, the median and 95th
percentile per message, and what placing did.

``measure(messages)`` does the same in an already set-up Django, for
``casewell bench ingest`` to report beside the whole pipeline.
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
from pathlib import Path
from typing import Any

PHRASES = {
    "Housing": [
        "there is black mould and damp in the children's bedroom",
        "my landlord refuses to repair the leaking roof",
        "the housing association has ignored three repair requests",
        "we have been on the council housing waiting list for four years",
        "the boiler has broken and the landlord will not fix it",
        "I have received an eviction notice from the letting agent",
    ],
    "Benefits": [
        "my universal credit payment has been stopped without warning",
        "the PIP assessment decision ignored my medical evidence",
        "I was given a sanction for missing a jobcentre appointment",
        "the DWP is taking an overpayment deduction from my claim",
        "my work capability assessment has been cancelled twice",
    ],
    "Immigration": [
        "my spouse visa application has been waiting for eight months",
        "the Home Office has not replied about my settlement application",
        "my biometric residence permit has the wrong date of birth",
        "my passport is still held by the Home Office",
    ],
    "Transport": [
        "the number 42 bus has been cancelled every morning this week",
        "the potholes on Station Road have damaged my car",
        "my driving licence renewal has been with the DVLA since March",
    ],
}
CAMPAIGNS = [
    "I am writing as your constituent to ask you to oppose the closure of Hillside Library. "
    "The library is used every day by children doing their homework, by older people who have "
    "nowhere else warm to go, and by job seekers who have no computer at home. Please write to "
    "the council leader and attend the public meeting on 14 January.",
    "As a constituent I urge you to support the Clean Rivers Bill at its second reading. Water "
    "companies discharged raw sewage into our rivers hundreds of thousands of times last year "
    "while paying dividends to shareholders. The bill would set legally binding targets and "
    "give the regulator the power to stop bonuses. Please tell me how you will vote.",
    "I am deeply worried about the proposed cuts to the local hospice. The hospice cares for "
    "hundreds of families every year and relies on the grant that the integrated care board "
    "now plans to reduce. Please raise this with the health secretary and meet the hospice "
    "trustees to hear what the cut would mean for patients and their families.",
]


def measure(messages: int, *, seed: int = 2026) -> dict[str, Any]:
    """Fill one new office and time ``place()`` on ``messages`` generated messages."""
    from django.db import transaction
    from faker import Faker

    from casewell.cases.models import Category
    from casewell.cases.services import open_case
    from casewell.inbox.models import Campaign, Message, MessageKind
    from casewell.inbox.placing import place
    from casewell.offices.models import Role
    from casewell.offices.services import add_staff_member, create_office
    from casewell.offices.tenancy import bind_office
    from casewell.offices.vocabulary import OfficeKind
    from casewell.people.models import Person

    chance = random.Random(seed)
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    office = create_office(
        name=f"Bench office {chance.randrange(10**6)}",
        kind=OfficeKind.CONSTITUENCY,
        nation="england",
        reference_prefix="BEN",
    )
    user = add_staff_member(
        office,
        email=f"bench{office.pk}@example.org",
        full_name="Bench Caseworker",
        roles=[Role.CASEWORKER],
        password="bench password not secret",  # noqa: S106
    )
    store = _Store(office)
    with bind_office(office):
        people = Person.objects.bulk_create(
            [
                Person(
                    office=office,
                    first_name=fake.first_name(),
                    last_name=fake.last_name(),
                    email=f"person{n}@example.net",
                    postcode=fake.postcode(),
                )
                for n in range(1000)
            ]
        )
        categories = {c.name: c for c in Category.objects.filter(parent__isnull=True)}
    case_messages = []
    for _ in range(300):
        name = chance.choice(list(PHRASES))
        words = chance.sample(PHRASES[name], 2)
        case = open_case(user, summary=words[0].capitalize(), category=categories[name])
        person = chance.choice(people)
        case_messages.append(
            store.message(
                subject=words[1].capitalize()[:60],
                body=_letter(words[1], person.first_name, person.last_name, person.postcode),
                sender=person.email,
                case=case,
            )
        )

    timings: list[float] = []
    cpu_seconds = 0.0
    for number in range(messages):
        with bind_office(office):
            message = _generate(store, chance, fake, number, case_messages, people)
        with bind_office(office), transaction.atomic():
            started, cpu_started = time.perf_counter(), time.process_time()
            place(message)
            timings.append(time.perf_counter() - started)
            cpu_seconds += time.process_time() - cpu_started
        if message.kind == MessageKind.MESSAGE and message.case_id is not None:
            case_messages.append(message)
    with bind_office(office):
        placed = Message.objects.filter(pk__gt=case_messages[299].pk)
        outcome = {
            "on_a_case": placed.filter(case__isnull=False).count(),
            "linked_to_a_person": placed.filter(person__isnull=False).count(),
            "with_a_suggested_category": placed.filter(suggested_category__isnull=False).count(),
            "campaigns": Campaign.objects.count(),
            "in_a_campaign": placed.filter(campaign__isnull=False).count(),
        }
    total = sum(timings)
    return {
        "messages": messages,
        "place_seconds": round(total, 3),
        "place_messages_per_second": round(messages / total, 1),
        # CPU time of this process only: the figure per core when the machine is shared.
        "place_messages_per_cpu_second": round(messages / cpu_seconds, 1),
        "place_p50_ms": round(statistics.median(timings) * 1000, 2),
        "place_p95_ms": round(statistics.quantiles(timings, n=20)[-1] * 1000, 2),
        "placed": outcome,
    }


def _letter(words: str, first: str, last: str, postcode: str, *, extra: str = "") -> str:
    return (
        f"Dear Ms Achebe,\n\n{words.capitalize()}. {extra}I would be grateful for your help.\n\n"
        f"Kind regards,\n{first} {last}\n{random.randrange(1, 200)} High Street\n{postcode}\n"
    )


class _Store:
    """Messages saved as the parse job leaves them (one raw row each, sharing a file row)."""

    def __init__(self, office: Any) -> None:
        from casewell.files.models import StoredFile
        from casewell.offices.tenancy import bind_office

        self.office = office
        self.count = 0
        with bind_office(office):
            self.file = StoredFile.objects.create(
                office=office,
                original_name="message.eml",
                content_type="message/rfc822",
                size=0,
                sha256="0" * 64,
                storage_name=f"bench-{office.pk}",
            )

    def message(self, **fields: Any) -> Any:
        from django.utils import timezone

        from casewell.inbox.models import Message, RawMessage
        from casewell.offices.tenancy import bind_office

        self.count += 1
        with bind_office(self.office):
            raw = RawMessage.objects.create(
                office=self.office,
                sha256=f"{self.count:064x}",
                size=len(fields.get("body", "")),
                door="import",
                stored_file=self.file,
            )
            body = fields.pop("body", "")
            fields["from_address"] = fields.pop("sender")
            return Message.objects.create(
                office=self.office,
                raw=raw,
                message_id=f"bench.{self.count}@example.net",
                to=[{"name": "", "address": "casework@bench.example"}],
                text_body=body,
                sent_at=timezone.now(),
                **fields,
            )


def _generate(
    store: _Store,
    chance: random.Random,
    fake: Any,
    number: int,
    case_messages: list[Any],
    people: list[Any],
) -> Any:
    from casewell.inbox.models import MessageKind

    roll = chance.random()
    earlier = chance.choice(case_messages)
    if roll < 0.25:  # a reply in a thread we stored
        return store.message(
            subject=f"Re: {earlier.subject}",
            sender=earlier.from_address,
            in_reply_to=earlier.message_id,
            references=earlier.message_id,
            body="Thank you, I will send the letter tomorrow.\n\nOn Monday you wrote:\n> Hello",
        )
    if roll < 0.35:  # the case reference in the subject
        return store.message(
            subject=f"Re: [{earlier.case.reference}] Your enquiry",
            sender=f"officer{number}@council.example",
            body="Please find our response attached. Regards, Housing Services",
        )
    if roll < 0.45:  # the same sender again, same subject, no headers
        return store.message(
            subject=f"RE: {earlier.subject}", sender=earlier.from_address, body="Any news?"
        )
    if roll < 0.60:  # an organised campaign
        words = chance.choice(CAMPAIGNS)
        return store.message(
            subject="Please act",
            sender=f"supporter{number}@example.org",
            body=_letter(words, fake.first_name(), fake.last_name(), fake.postcode()),
        )
    if roll < 0.65:  # an auto-reply
        return store.message(
            subject=f"Automatic reply: {earlier.subject}",
            sender=earlier.from_address,
            kind=MessageKind.AUTO_REPLY,
            body="I am out of the office until Monday.",
        )
    person = chance.choice(people)
    category = chance.choice(list(PHRASES))
    known = chance.random() < 0.5
    return store.message(
        subject=chance.choice(PHRASES[category])[:50].capitalize(),
        sender=person.email if known else f"new{number}@example.com",
        from_name=f"{person.first_name} {person.last_name}",
        # One phrase of the kind of case, the rest in their own words.
        body=_letter(
            chance.choice(PHRASES[category]),
            person.first_name,
            person.last_name,
            person.postcode,
            extra=fake.paragraph(nb_sentences=4) + " ",
        ),
    )


KEPT_SETTINGS = ("CASEWELL_SECRET_KEY", "CASEWELL_ENCRYPTION_KEY", "CASEWELL_PROJECT_DIR")


HELP = (
    "Placing alone: place() (threading, matching, suggesting, campaigns) on generated "
    "messages of a busy office, in messages per second (wall clock and CPU)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--messages", type=int, default=3000, help="how many (default 3000)")
    parser.add_argument("--database-url", help="an empty database instead of a temporary SQLite")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    """The ``casewell bench`` interface: measure in a child process with its own database."""
    if args.child:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casewell.settings")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        print(json.dumps(measure(args.messages)))
        return 0
    with tempfile.TemporaryDirectory(prefix="casewell-placing-") as folder:
        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith("CASEWELL_") or name in KEPT_SETTINGS
        }
        env.update(
            CASEWELL_DATABASE_URL=args.database_url or f"sqlite:///{folder}/bench.sqlite3",
            CASEWELL_DATA_DIR=str(Path(folder) / "data"),
            CASEWELL_LOG_LEVEL="WARNING",
        )
        command = [sys.executable, "-m", "casewell.inbox.placing_bench", "--child"]
        command += ["--messages", str(args.messages)]
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        if done.returncode:
            sys.stderr.write(done.stderr)
            return done.returncode
        figures = json.loads(done.stdout.strip().splitlines()[-1])
    if args.json:
        print(json.dumps(figures))
    else:
        for name, value in figures.items():
            print(f"{name}: {value}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=HELP)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
