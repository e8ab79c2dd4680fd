"""``casewell import-mail PATH... --office OFFICE``: bring .eml files, folders of them and
mbox files into an office's inbox."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HELP = (
    "Import mail into an office's inbox from .eml files, folders (searched all the way "
    "down) and mbox files. Importing the same files again keeps nothing new."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", metavar="PATH", nargs="+", type=Path, help="file or folder")
    parser.add_argument(
        "--office", required=True,
        help="the office: its number, its case reference prefix (NR) or its exact name",
    )
    parser.add_argument(
        "--json", action="store_true",
        help="print one JSON object: read, stored, duplicates, quarantined, quarantined_items",
    )


def _find_office(wanted: str):  # noqa: ANN202 - an Office or None
    from casewell.offices.models import Office

    wanted = wanted.strip()
    if wanted.isdigit():
        return Office.objects.filter(pk=int(wanted)).first()
    return (
        Office.objects.filter(reference_prefix__iexact=wanted).first()
        or Office.objects.filter(name__iexact=wanted).first()
    )


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from casewell.inbox.importing import files_under, import_files

    office = _find_office(args.office)
    if office is None:
        print(f"No office is called {args.office!r}: give its number, prefix or name.",
              file=sys.stderr)
        return 1
    missing = [str(path) for path in args.paths if not path.exists()]
    if missing:
        print(f"Nothing to import at {', '.join(missing)}.", file=sys.stderr)
        return 1
    files = files_under(args.paths)
    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[counts]}"), console=console, transient=args.json,
    ) as progress:
        task = progress.add_task(f"Importing into {office.name}", total=len(files), counts="")

        def advance(_path: Path, summary) -> None:  # noqa: ANN001
            progress.update(
                task, advance=1,
                counts=f"{summary.stored} new, {summary.duplicates} already here, "
                f"{summary.quarantined} quarantined",
            )

        summary = import_files(office, files, on_file=advance)
    if args.json:
        print(json.dumps(summary.as_dict(), indent=2))
        return 0
    print(
        f"Read {summary.read} message{'' if summary.read == 1 else 's'}: {summary.stored} "
        f"stored, {summary.duplicates} "
        f"already in Casewell, {summary.quarantined} quarantined."
    )
    for item in summary.quarantined_items:
        print(f"  quarantined {item['source']}: {item['reason']}")
    for item in summary.unreadable_files:
        print(f"  could not open {item['source']}: {item['reason']}")
    return 0
