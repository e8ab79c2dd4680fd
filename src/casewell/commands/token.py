"""``casewell token EMAIL``: make a personal API token and print it, once."""

from __future__ import annotations

import argparse
import sys

HELP = "Make a personal API token for someone and print it (it is shown only this once)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "email", metavar="EMAIL", help="the e-mail address the person signs in with"
    )
    parser.add_argument(
        "--name", default="Command line",
        help="what the token is for, so it can be recognised and revoked later "
             "(default: %(default)s)",
    )


def run(args: argparse.Namespace) -> int:
    from django.core.exceptions import PermissionDenied

    from casewell.offices.models import User
    from casewell.offices.tokens import create_token

    # Users are not tenant rows: finding one by e-mail needs no office.
    user = User.objects.select_related("office").filter(email__iexact=args.email.strip()).first()
    if user is None:
        print(f"Nobody signs in to Casewell as {args.email}. Check the address.", file=sys.stderr)
        return 1
    try:
        _record, token = create_token(user, args.name)
    except (PermissionDenied, ValueError) as problem:
        print(f"No token made for {user.email}: {problem}", file=sys.stderr)
        return 1
    print(
        f"A new API token for {user.full_name} ({user.email}) in {user.office.name}.\n"
        "Keep it secret; it is shown only this once. Send it as 'Authorization: Bearer <token>'.",
        file=sys.stderr,
    )
    print(token)
    return 0
