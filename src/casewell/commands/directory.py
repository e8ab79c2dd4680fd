"""``casewell directory import FILE.csv``: load or update the central directory offices read."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

HELP = "Load or update the central directory of organisations and contacts that every office reads."

IMPORT_HELP = "Load or update the central directory from a CSV file, reporting what changed."

IMPORT_DESCRIPTION = """\
Load or update the central directory from a CSV file (UTF-8, with a header row).
Importing the same file again changes nothing; an edited row updates its entry;
entries missing from the file are kept (the import never deletes).

Each row is an organisation or a contact at one. Columns (only record, key and
name must be present; any other column name is refused):

  record            organisation or contact (required)
  key               stable key of the row: lower-case letters, digits, - and _
                    (required, unique in the file), e.g. dwp-mp-hotline
  organisation_key  for a contact: its organisation's key
  name              the organisation's or the contact's name (required)
  kind              for an organisation (required): government_department,
                    ministers_office, agency_mp_hotline, council,
                    housing_association, school, gp_practice or other
  role              for a contact: their job
  email, phone      checked; UK numbers such as 0113 496 0000 are accepted
  website           for an organisation
  address_line_1, address_line_2, town, postcode
                    postal address; the postcode is checked (SW1A 1AA)
  notes             for an organisation

A bad row is rejected with its line number and every reason; the good rows are
still imported, and the command then exits with status 1. A file that cannot be
read at all (not UTF-8, wrong columns) imports nothing and exits with status 2.
A sample file ships with Casewell: casewell/directory/samples/central_directory.csv.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="directory_action", metavar="ACTION", required=True)
    importing = actions.add_parser(
        "import",
        help=IMPORT_HELP,
        description=IMPORT_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    importing.add_argument("file", metavar="FILE.csv", type=Path, help="the CSV file to load")
    importing.add_argument(
        "--json", action="store_true", help="print one JSON object summarising what changed"
    )


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from casewell.directory.importing import DirectoryFileProblem, import_central_directory_file

    errors = Console(stderr=True)
    try:
        with Progress(
            TextColumn("Importing {task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=errors,
            transient=True,
            disable=args.json or not errors.is_terminal,
        ) as progress:
            task = progress.add_task(args.file.name, total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            report = import_central_directory_file(args.file, progress=advance)
    except DirectoryFileProblem as problem:
        if args.json:
            print(json.dumps({"error": str(problem), "imported": False}))
        print(f"Nothing was imported from {args.file}: {problem}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report.as_json(), indent=2))
    else:
        _print_report(args.file, report.as_json())
    return 1 if report.rejected else 0


# A big first import would otherwise print thousands of lines; --json lists everything.
LISTED = 50


def _more(count: int, what: str) -> None:
    if count > LISTED:
        print(f"  … and {count - LISTED} more {what} (--json lists them all)")


def _print_report(path: Path, summary: dict[str, Any]) -> None:
    counts = summary["counts"]
    print(
        f"{path}: {counts['added']} added, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged, {counts['rejected']} rejected."
    )
    for label in summary["added"][:LISTED]:
        print(f"  added      {label}")
    _more(len(summary["added"]), "added")
    for label, fields in list(summary["updated"].items())[:LISTED]:
        print(f"  updated    {label} ({', '.join(fields)})")
    _more(len(summary["updated"]), "updated")
    if summary["offices_links_updated"]:
        print(
            f"Offices' copies of changed entries brought up to date: "
            f"{summary['offices_links_updated']} (offices' own overrides are never changed)."
        )
    if summary["rejected"]:
        print(
            f"{counts['rejected']} row(s) were rejected and NOT imported; every other row was "
            "imported. Correct these lines and import the file again:",
            file=sys.stderr,
        )
        for row in summary["rejected"]:
            key = f" ({row['key']})" if row["key"] else ""
            print(f"  line {row['line']}{key}: {'; '.join(row['reasons'])}", file=sys.stderr)
