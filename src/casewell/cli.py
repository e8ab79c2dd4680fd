"""The ``casewell`` command. Each sub-command lives in ``casewell/commands/<name>.py``
with ``HELP``, ``add_arguments(parser)`` and ``run(args) -> exit status``."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

COMMANDS = [
    "serve",
    "worker",
    "scheduler",
    "import-mail",
    "mail",
    "demo",
    "check",
    "token",
    "bench",
    "directory",
    "distress",
    "manage",
]


def _load(name: str):  # noqa: ANN202 - a module
    return importlib.import_module(f"casewell.commands.{name.replace('-', '_')}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="casewell",
        description="Casewell: casework that looks after the caseworker.",
    )
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        module = _load(name)
        sub = subcommands.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(sub)
    return parser


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casewell.settings")
    import django

    django.setup()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["manage"]:
        # Django parses its own commands and --help.
        return _load("manage").run_django(argv[1:])
    from django.core.exceptions import ImproperlyConfigured

    try:
        args = build_parser().parse_args(argv)
        module = _load(args.command)
        if getattr(module, "NEEDS_DJANGO", True):
            setup_django()
        return int(module.run(args) or 0)
    except ImproperlyConfigured as problem:
        print(f"Casewell cannot start: {problem}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
