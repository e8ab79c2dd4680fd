import argparse
import os

HELP = "Run one of Django's own management commands (migrate, createcachetable, shell, ...)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("django_args", nargs=argparse.REMAINDER, help="the command and its options")


def run_django(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casewell.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["casewell manage", *argv])
    return 0


def run(args: argparse.Namespace) -> int:
    return run_django(args.django_args)


NEEDS_DJANGO = False
