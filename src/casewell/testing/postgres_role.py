"""Make sure the test suite's PostgreSQL role exists and answers.

Row-level security does not apply to superusers, so the suite must connect as
an ordinary role; this creates it (with the right to create test databases)
through the local server's administrator, then checks the URL connects.
Exit status 0 when PostgreSQL answers as that role, 1 otherwise.
"""

from __future__ import annotations

import sys
from urllib.parse import urlsplit

import psycopg
from psycopg import sql


def ensure_role(url: str) -> None:
    parts = urlsplit(url)
    role = parts.username or "casewell_test"
    host = parts.hostname or "127.0.0.1"
    for admin in ("postgres", "root"):
        try:
            with psycopg.connect(
                host=host,
                port=parts.port or 5432,
                user=admin,
                dbname="postgres",
                autocommit=True,
                connect_timeout=5,
            ) as admin_connection:
                exists = admin_connection.execute(
                    "SELECT 1 FROM pg_roles WHERE rolname = %s", [role]
                ).fetchone()
                if not exists:
                    admin_connection.execute(
                        sql.SQL("CREATE ROLE {} LOGIN CREATEDB NOSUPERUSER NOBYPASSRLS").format(
                            sql.Identifier(role)
                        )
                    )
                return
        except psycopg.OperationalError:
            continue


def main(url: str) -> int:
    try:
        ensure_role(url)
        with psycopg.connect(url, connect_timeout=5) as connection:
            super_user, bypass = connection.execute(
                "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
            ).fetchone()
    except psycopg.OperationalError as error:
        print(f"PostgreSQL did not answer at {url}: {error}".strip(), file=sys.stderr)
        return 1
    if super_user or bypass:
        print(
            f"{url} connects as a superuser, which row-level security cannot wall in.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
