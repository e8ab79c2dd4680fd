"""Run in a subprocess against a shared database: ``python -m casewell.inbox.tests.ingest
COUNT`` makes an office and receives COUNT messages through ``receive_raw`` (some copies by
another door, some the same bytes again, some not mail at all), then prints JSON saying
what should become of them."""

from __future__ import annotations

import json
import sys

from casewell.cli import setup_django

NOT_MAIL = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def main(argv: list[str]) -> int:
    setup_django()
    from casewell.inbox.services import receive_raw
    from casewell.inbox.tests.mail import received_by, simple
    from casewell.offices.models import Nation
    from casewell.offices.services import create_office
    from casewell.offices.vocabulary import OfficeKind

    (count,) = argv
    office = create_office(
        name="Crash Test office", kind=OfficeKind.CONSTITUENCY, nation=Nation.ENGLAND,
        reference_prefix="CT",
    )
    messages = quarantined = same_bytes = copies = 0
    previous = b""
    for number in range(int(count)):
        if number % 17 == 5:
            raw = NOT_MAIL + str(number).encode()
            quarantined += 1
        elif number % 13 == 7 and previous:
            raw = previous  # the same bytes again: kept once
            same_bytes += 1
        elif number % 10 == 9 and previous:
            raw = received_by("imap.example", previous)  # a copy by another door
            copies += 1
        else:
            raw = simple(
                subject=f"Crash test {number}", body=f"Message number {number}.",
                message_id=f"<crash.{number}@example.net>",
            )
            previous = received_by("mx.example", raw)
            raw = previous
            messages += 1
        receive_raw(office, raw, door="smtp", source=f"crash test {number}")
    print(json.dumps({
        "office": office.pk, "messages": messages, "quarantined": quarantined,
        "same_bytes": same_bytes, "copies": copies,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
