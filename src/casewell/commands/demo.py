"""``casewell demo``: create the demo office and print how to sign in to it."""

from __future__ import annotations

import argparse

HELP = (
    "Create a demo constituency office with made-up staff and constituents, "
    "and print their sign-in details."
)

SIGN_IN_URL = "http://127.0.0.1:8000/"
PROGRESS_FROM = 5000  # smaller demos finish before a progress bar would help


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from casewell.demo import DEFAULT_SEED, DEFAULT_SIZE

    parser.add_argument(
        "--size", type=int, default=DEFAULT_SIZE, metavar="N",
        help=f"how many made-up constituents to create (default {DEFAULT_SIZE})",
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, metavar="S",
        help="seed for the made-up data; the same seed makes the same people",
    )
    parser.add_argument(
        "--if-missing", action="store_true",
        help="if a demo office exists already, only print its sign-in details again",
    )


def print_sign_ins(sign_ins: tuple | list) -> None:
    print(f"Sign in at {SIGN_IN_URL} as any of these people.")
    print("These are DEMO details: never use this office for real people's information.")
    print("Add the TOTP secret to an authenticator app (or: oathtool --totp -b SECRET).")
    for sign_in in sign_ins:
        print()
        print(f"  {sign_in.full_name}: {', '.join(sign_in.roles)}")
        print(f"    e-mail:      {sign_in.email}")
        print(f"    password:    {sign_in.password}")
        print(f"    TOTP secret: {sign_in.totp_secret or '(none enrolled)'}")


def run(args: argparse.Namespace) -> int:
    from django.db import DatabaseError

    from casewell.demo import services

    if args.size < 0:
        print("--size must be zero or more.")
        return 2
    try:
        office = services.find_demo_office()
    except DatabaseError as error:
        print(f"Casewell cannot read its database ({str(error).strip()}).")
        print("Run `casewell manage migrate` first, or `casewell check` to see what is wrong.")
        return 1
    if office is not None:
        people = services.count_people(office)
        if not args.if_missing:
            print(f'The demo office "{office.name}" exists already, with {people} '
                  f"{office.vocabulary.people}. Use --if-missing to see its sign-in details.")
            return 1
        print(f'The demo office "{office.name}" exists already, with {people} '
              f"{office.vocabulary.people}; nothing created.")
        print_sign_ins(services.demo_sign_ins(office))
        return 0

    demo = _generate(args.size, args.seed)
    print(f'Created the demo office "{demo.office.name}" with {len(demo.sign_ins)} staff, '
          f"{demo.people} {demo.office.vocabulary.people} and {demo.cases} cases.")
    print_sign_ins(demo.sign_ins)
    return 0


def _generate(size: int, seed: int):  # noqa: ANN202 - a DemoOffice
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from casewell.demo.services import generate_demo_office

    if size < PROGRESS_FROM:
        return generate_demo_office(size=size, seed=seed)
    columns = (
        "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("Creating constituents", total=size)
        return generate_demo_office(size=size, seed=seed, progress=lambda n: bar.advance(task, n))
