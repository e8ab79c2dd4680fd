"""Is Casewell's configuration safe and working? Plain-word answers for people.

``casewell check`` prints every problem found here; ``casewell serve`` runs the
same checks first and refuses to serve hosted mode while any error remains.
A value that cannot be parsed at all never gets this far: settings.py stops
with ImproperlyConfigured naming the variable.
"""

from __future__ import annotations

import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection

from casewell.encryption import check_keys

ERROR: Literal["error"] = "error"
WARNING: Literal["warning"] = "warning"
CONNECT_TIMEOUT_SECONDS = 5


@dataclass(frozen=True)
class Problem:
    level: Literal["error", "warning"]
    message: str

    @property
    def is_error(self) -> bool:
        return self.level == ERROR


def find_problems() -> list[Problem]:
    """Every configuration problem, errors first. Opens (and closes) a database connection."""
    problems = [Problem(ERROR, message) for message in settings.CONFIGURATION_PROBLEMS]
    problems += _data_folder_problems(already_reported=problems)
    problems += _encryption_problems()
    if settings.HOSTED:
        problems += _hosted_problems()
    database_problems = _database_problems()
    problems += database_problems
    if settings.REDIS_URL:
        problems += _redis_problems(settings.REDIS_URL)
    return sorted(problems, key=lambda problem: not problem.is_error)


def describe_database() -> str:
    """The database in words, without its password."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite file {database['NAME']}"
    return (
        f"PostgreSQL database {database['NAME']!r} on {database.get('HOST') or 'localhost'} "
        f"port {database.get('PORT') or 5432} as {database.get('USER') or 'the current user'}"
    )


def key_facts() -> list[str]:
    return [
        f"Mode: {settings.MODE}",
        f"Database: {describe_database()}",
        f"Data folder: {settings.DATA_DIR}",
    ]


# --- Data folder ----------------------------------------------------------------------


def _data_folder_problems(*, already_reported: list[Problem]) -> list[Problem]:
    folder = Path(settings.DATA_DIR)
    if any(str(folder) in problem.message for problem in already_reported):
        return []  # settings.py found it first, in the same words
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".casewell-check-"):
            pass
    except OSError as error:
        return [Problem(ERROR, (
            f"The data folder {folder} cannot be written ({error.strerror}); "
            "set CASEWELL_DATA_DIR to a folder Casewell may write to."
        ))]
    return []


def _encryption_problems() -> list[Problem]:
    try:
        check_keys()
    except ImproperlyConfigured as problem:
        return [Problem(ERROR, str(problem))]
    return []


# --- Hosted mode ------------------------------------------------------------------------


def _hosted_problems() -> list[Problem]:
    problems: list[Problem] = []
    key = settings.SECRET_KEY
    key_given = not any("CASEWELL_SECRET_KEY" in text for text in settings.CONFIGURATION_PROBLEMS)
    if key_given and (len(set(key)) < 5 or key.startswith("django-insecure")):
        problems.append(Problem(ERROR, (
            "CASEWELL_SECRET_KEY is not random enough; use a long random value, for example "
            "from: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )))
    if not settings.ALLOWED_HOSTS:
        problems.append(Problem(ERROR, (
            "CASEWELL_ALLOWED_HOSTS is not set; hosted mode needs the names people reach "
            "Casewell by, for example casework.example.org."
        )))
    elif "*" in settings.ALLOWED_HOSTS:
        problems.append(Problem(WARNING, (
            "CASEWELL_ALLOWED_HOSTS includes *, so Casewell answers to any host name; "
            "list the real names instead."
        )))
    if settings.DEBUG:
        problems.append(Problem(ERROR, (
            "CASEWELL_DEBUG is on; in hosted mode it would show error details, settings and "
            "people's data to anyone. Turn it off."
        )))
    if connection.vendor != "postgresql":
        problems.append(Problem(ERROR, (
            "Hosted mode needs PostgreSQL: set CASEWELL_DATABASE_URL to a postgres:// address. "
            "SQLite is for a single embedded office."
        )))
    if not settings.SECURE_SSL_REDIRECT:
        problems.append(Problem(WARNING, (
            "CASEWELL_SSL_REDIRECT is off; make sure the proxy in front of Casewell only "
            "serves HTTPS."
        )))
    if not settings.SMTP_URL:
        problems.append(Problem(WARNING, (
            "CASEWELL_SMTP_URL is not set, so e-mail (invitations, lockout notices) is written to "
            f"files in {settings.EMAIL_FILE_PATH} instead of being sent."
        )))
    return problems


# --- Database -------------------------------------------------------------------------


def _database_problems() -> list[Problem]:
    was_open = connection.connection is not None
    options = connection.settings_dict.setdefault("OPTIONS", {})
    had_timeout = "connect_timeout" in options
    if connection.vendor == "postgresql":
        # A silent firewall would otherwise hold `check` for minutes.
        options.setdefault("connect_timeout", CONNECT_TIMEOUT_SECONDS)
    try:
        connection.ensure_connection()
    except Exception as error:  # noqa: BLE001 - every driver error becomes a sentence
        return [Problem(ERROR, _unreachable(error))]
    finally:
        if connection.vendor == "postgresql" and not had_timeout:
            options.pop("connect_timeout", None)
    try:
        problems = _role_problems() + _migration_problems()
    except DatabaseError as error:
        problems = [Problem(ERROR, f"Casewell reached {describe_database()} but could not read it: "
                                   f"{_first_line(error)}")]
    finally:
        if not was_open:  # leave the caller's connection (and transaction) as it was
            connection.close()
    return problems


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0].removeprefix("connection failed: ").strip()


def _unreachable(error: BaseException) -> str:
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return (
            f"Casewell cannot open its SQLite database file {database['NAME']} "
            f"({_first_line(error)}); check the data folder exists and may be written."
        )
    reason = _first_line(error)
    # psycopg says "connection to server at ... failed: <why>"; we name the server ourselves.
    reason = reason.rsplit(" failed: ", 1)[-1].removeprefix("FATAL:").strip()
    return (
        f"Casewell cannot connect to its PostgreSQL database {database['NAME']!r} at "
        f"{database.get('HOST') or 'localhost'} port {database.get('PORT') or 5432} as user "
        f"{database.get('USER') or '(none)'}: {reason}. Check CASEWELL_DATABASE_URL and that "
        "PostgreSQL is running there."
    )


def _role_problems() -> list[Problem]:
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        )
        role, superuser, bypass = cursor.fetchone()
    if not (superuser or bypass):
        return []
    power = "a superuser" if superuser else "allowed to bypass row-level security"
    return [Problem(ERROR if settings.HOSTED else WARNING, (
        f"Casewell connects to PostgreSQL as {role}, which is {power}, so row-level security "
        "(the database's wall between offices) would not apply. Connect as an ordinary role "
        "(NOSUPERUSER NOBYPASSRLS)."
    ))]


def _migration_problems() -> list[Problem]:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not pending:
        return []
    count = len(pending)
    return [Problem(WARNING, (
        f"The database is missing {count} migration{'s' if count != 1 else ''}; "
        "run: casewell manage migrate"
    ))]


# --- Redis ----------------------------------------------------------------------------


def _redis_problems(url: str) -> list[Problem]:
    problems: list[Problem] = []
    try:
        import redis  # noqa: F401 - Django's Redis cache needs it
    except ImportError:
        problems.append(Problem(ERROR, (
            "CASEWELL_REDIS_URL is set but the redis client library is not installed; "
            "install it (pip install redis) or unset CASEWELL_REDIS_URL."
        )))
    parts = urlsplit(url)
    host, port = parts.hostname or "localhost", parts.port or 6379
    try:
        with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_SECONDS) as link:
            if parts.scheme == "redis":
                link.sendall(b"PING\r\n")
                answer = link.recv(64)
                # A password-protected server still proves it is Redis by refusing us.
                if not answer.startswith((b"+PONG", b"-NOAUTH", b"-WRONGPASS")):
                    raise OSError(0, "it did not answer like Redis")
    except OSError as error:
        reason = error.strerror or str(error) or "no answer"
        problems.append(Problem(ERROR, (
            f"Casewell cannot reach Redis at {host} port {port} ({reason}); "
            "check CASEWELL_REDIS_URL and that Redis is running."
        )))
    return problems
