"""``casewell check``: say in plain words whether the configuration is safe and working."""

from __future__ import annotations

import argparse
import sys

HELP = (
    "Check Casewell's configuration (database, data folder, hosted-mode safety) "
    "and say what is wrong."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def print_problems(problems: list, *, file=None) -> None:  # noqa: ANN001 - a text stream
    out = file or sys.stdout
    for problem in problems:
        mark = "Error:  " if problem.is_error else "Warning:"
        print(f"  {mark} {problem.message}", file=out)


def run(args: argparse.Namespace) -> int:
    from casewell.configuration import find_problems, key_facts

    problems = find_problems()
    errors = [problem for problem in problems if problem.is_error]
    warnings = [problem for problem in problems if not problem.is_error]
    if errors:
        count = len(errors)
        print(f"Casewell's configuration has {count} problem{'s' if count != 1 else ''} "
              "to put right:")
    elif warnings:
        print("Casewell's configuration looks right, with "
              f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}:")
    else:
        print("Casewell's configuration looks right.")
    print_problems(problems)
    print()
    for fact in key_facts():
        print(f"  {fact}")
    return 1 if errors else 0


def refuse_to_start(command: str) -> bool:
    """Run the checks before ``command`` starts; True means do not start.

    Hosted mode does not start with any error; embedded mode starts anyway and
    prints what it found, because a single office on a laptop should still open.
    """
    from django.conf import settings

    from casewell.configuration import find_problems

    problems = find_problems()
    if not problems:
        return False
    if settings.HOSTED and any(problem.is_error for problem in problems):
        print(f"casewell {command} will not start hosted mode with this configuration:",
              file=sys.stderr)
        print_problems(problems, file=sys.stderr)
        print("Put these right (casewell check says the same) and start again.", file=sys.stderr)
        return True
    print(f"casewell {command} is starting, but note:", file=sys.stderr)
    print_problems(problems, file=sys.stderr)
    return False
