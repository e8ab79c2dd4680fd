"""``casewell distress [PATH...] [--jsonl] [--office OFFICE]``: check text against the
distress lexicon, so an office can see what would be flagged and tune its own phrases."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

HELP = (
    "Score text for distressing content: one item per line (or JSON lines with --jsonl); "
    "prints each item's categories, severity and the phrases that triggered it."
)
# The detector is plain Python: Django starts only when an office's phrases are wanted.
NEEDS_DJANGO = False


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", metavar="PATH", nargs="*", type=Path,
        help="files to read (default: standard input)",
    )  # fmt: skip
    parser.add_argument(
        "--jsonl", action="store_true",
        help='read {"text": ...} lines and write one JSON object per line: '
        "categories, severity, phrases",
    )  # fmt: skip
    parser.add_argument(
        "--office",
        help="also use this office's own phrases: its number, case reference prefix or name",
    )


def _lines(paths: list[Path], stdin: TextIO) -> Iterator[str]:
    if not paths:
        yield from stdin
        return
    for path in paths:
        with path.open(encoding="utf-8", errors="replace") as handle:
            yield from handle


def _office_lexicon(wanted: str):  # noqa: ANN202 - a Lexicon, None, or False when not found
    from casewell.cli import setup_django

    setup_django()
    from casewell.commands.import_mail import _find_office
    from casewell.offices.tenancy import bind_office
    from casewell.wellbeing.services import office_lexicon_for

    office = _find_office(wanted)
    if office is None:
        return False
    with bind_office(office):
        return office_lexicon_for(office.pk)


def _plain(found) -> str:  # noqa: ANN001 - an Assessment
    if not found.categories:
        return "0\t-\t-"
    phrases = "; ".join(found.phrases)
    return f"{found.severity}\t{', '.join(found.categories)}\t{phrases}"


def run(args: argparse.Namespace, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    from casewell.wellbeing.distress import assess

    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    lexicon = None
    if args.office:
        lexicon = _office_lexicon(args.office)
        if lexicon is False:
            print(f"No office is called {args.office!r}: give its number, prefix or name.",
                  file=sys.stderr)  # fmt: skip
            return 1
    missing = [str(path) for path in args.paths if not path.exists()]
    if missing:
        print(f"Nothing to read at {', '.join(missing)}.", file=sys.stderr)
        return 1
    for number, line in enumerate(_lines(args.paths, stdin), start=1):
        if args.jsonl:
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                text = item["text"] if isinstance(item, dict) else None
            except (json.JSONDecodeError, KeyError):
                text = None
            if not isinstance(text, str):
                print(f'Line {number} is not a JSON object with a "text": stopped.',
                      file=sys.stderr)  # fmt: skip
                return 1
            print(json.dumps(assess(text, lexicon).as_dict(), ensure_ascii=False), file=stdout)
        else:
            print(_plain(assess(line.rstrip("\n"), lexicon)), file=stdout)
    return 0
