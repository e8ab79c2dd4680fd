"""``casewell bench NAME``: the benchmarks the closing notes quote.

Each benchmark lives with its domain as ``casewell.<domain>.bench`` with
``HELP``, ``add_arguments(parser)`` and ``run(args) -> exit status``; it makes
its own data with the demo generator, in a database of its own, and prints
medians and percentiles (one JSON object with ``--json``).
"""

from __future__ import annotations

import argparse
import importlib

HELP = "Run a benchmark and print its figures (medians and percentiles; --json for one object)."

BENCHMARKS: dict[str, str] = {
    "lone-working": "casewell.safety.bench",
    "pages": "casewell.cases.bench",
    "placing": "casewell.inbox.placing_bench",
    "ingest": "casewell.inbox.bench",
    "distress": "casewell.wellbeing.bench",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    benchmarks = parser.add_subparsers(dest="benchmark", metavar="BENCHMARK", required=True)
    for name, module_name in BENCHMARKS.items():
        module = importlib.import_module(module_name)
        sub = benchmarks.add_parser(name, help=module.HELP, description=module.HELP)
        sub.add_argument("--json", action="store_true", help="print one JSON object")
        module.add_arguments(sub)


def run(args: argparse.Namespace) -> int:
    return int(importlib.import_module(BENCHMARKS[args.benchmark]).run(args) or 0)
