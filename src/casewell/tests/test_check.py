"""`casewell check` and the refusal of `casewell serve`, run as real commands."""

import os
import secrets
import socket
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from cryptography.fernet import Fernet
from django.db import connection

from casewell.commands.check import refuse_to_start

GOOD_KEY = secrets.token_urlsafe(50)
GOOD_ENCRYPTION_KEY = Fernet.generate_key().decode()
NOBODY_LISTENS = "postgres://casewell_test@127.0.0.1:1/casewell"


def casewell_command() -> list[str]:
    script = Path(sys.executable).with_name("casewell")
    return [str(script)] if script.exists() else [sys.executable, "-m", "casewell.cli"]


def run_casewell(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the real command with only the CASEWELL_* variables given here."""
    clean = {name: value for name, value in os.environ.items() if not name.startswith("CASEWELL_")}
    clean["CASEWELL_DATA_DIR"] = str(tmp_path / "data")
    clean.update(env)
    return subprocess.run(
        [*casewell_command(), *args], env=clean, capture_output=True, text=True, timeout=120,
        check=False,
    )


def hosted(**env: str) -> dict[str, str]:
    """A hosted configuration that is right apart from what the test changes."""
    return {
        "CASEWELL_MODE": "hosted", "CASEWELL_SECRET_KEY": GOOD_KEY,
        "CASEWELL_ENCRYPTION_KEY": GOOD_ENCRYPTION_KEY,
        "CASEWELL_ALLOWED_HOSTS": "casework.example.org", "CASEWELL_DATABASE_URL": NOBODY_LISTENS,
    } | env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def superuser_url() -> str | None:
    url = "postgres://postgres@127.0.0.1:5432/postgres"
    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.OperationalError:
        return None
    return url


def test_a_fresh_embedded_office_looks_right_and_is_reminded_to_migrate(tmp_path):
    result = run_casewell(tmp_path, "check")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Casewell's configuration looks right" in result.stdout
    assert "casewell manage migrate" in result.stdout
    assert "Mode: embedded" in result.stdout
    assert f"Data folder: {tmp_path / 'data'}" in result.stdout
    assert f"SQLite file {tmp_path / 'data' / 'casewell.sqlite3'}" in result.stdout


def test_an_unreachable_database_is_named_in_a_sentence(tmp_path):
    result = run_casewell(tmp_path, "check", CASEWELL_DATABASE_URL=NOBODY_LISTENS)

    assert result.returncode == 1
    assert (
        "cannot connect to its PostgreSQL database 'casewell' at 127.0.0.1 port 1" in result.stdout
    )
    assert "Traceback" not in result.stdout + result.stderr


def test_hosted_mode_without_a_secret_key_is_an_error(tmp_path):
    env = hosted()
    del env["CASEWELL_SECRET_KEY"]
    result = run_casewell(tmp_path, "check", **env)

    assert result.returncode == 1
    assert "CASEWELL_SECRET_KEY (or CASEWELL_SECRET_KEY_FILE) is not set" in result.stdout


def test_hosted_mode_without_an_encryption_key_is_an_error(tmp_path):
    env = hosted()
    del env["CASEWELL_ENCRYPTION_KEY"]
    result = run_casewell(tmp_path, "check", **env)

    assert result.returncode == 1
    assert "CASEWELL_ENCRYPTION_KEY (or CASEWELL_ENCRYPTION_KEY_FILE) is not set" in result.stdout


def test_an_encryption_key_that_is_not_a_fernet_key_is_explained(tmp_path):
    result = run_casewell(tmp_path, "check", CASEWELL_ENCRYPTION_KEY="not-a-key")

    assert result.returncode == 1
    assert "CASEWELL_ENCRYPTION_KEY must be one or more Fernet keys" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_hosted_mode_with_a_short_or_guessable_secret_key_is_an_error(tmp_path):
    short = run_casewell(tmp_path, "check", **hosted(CASEWELL_SECRET_KEY="too-short"))
    samey = run_casewell(tmp_path, "check", **hosted(CASEWELL_SECRET_KEY="a" * 60))

    assert short.returncode == samey.returncode == 1
    assert "CASEWELL_SECRET_KEY is shorter than 40 characters" in short.stdout
    assert "CASEWELL_SECRET_KEY is not random enough" in samey.stdout


def test_hosted_mode_needs_allowed_hosts_debug_off_and_postgresql(tmp_path):
    env = hosted(CASEWELL_DEBUG="yes", CASEWELL_DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    del env["CASEWELL_ALLOWED_HOSTS"]
    result = run_casewell(tmp_path, "check", **env)

    assert result.returncode == 1
    assert "CASEWELL_ALLOWED_HOSTS is not set" in result.stdout
    assert "CASEWELL_DEBUG is on" in result.stdout
    assert "Hosted mode needs PostgreSQL" in result.stdout
    assert "Mode: hosted" in result.stdout


def test_a_data_folder_that_cannot_be_written_is_an_error(tmp_path):
    # Tests run as root, who may write anywhere: a folder "inside" a file is unwritable for all.
    (tmp_path / "a-file").write_text("not a folder")
    result = run_casewell(tmp_path, "check", CASEWELL_DATA_DIR=str(tmp_path / "a-file" / "data"))

    assert result.returncode == 1
    assert f"The data folder {tmp_path / 'a-file' / 'data'} cannot be written" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_a_malformed_value_stops_with_one_plain_sentence(tmp_path):
    result = run_casewell(tmp_path, "check", CASEWELL_SESSION_IDLE_MINUTES="abc")

    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Casewell cannot start: CASEWELL_SESSION_IDLE_MINUTES must be a whole number; it is 'abc'."
    )


def test_unreachable_redis_is_an_error(tmp_path):
    result = run_casewell(tmp_path, "check", CASEWELL_REDIS_URL="redis://127.0.0.1:1/0")

    assert result.returncode == 1
    assert "Casewell cannot reach Redis at 127.0.0.1 port 1" in result.stdout


def test_a_postgresql_superuser_is_refused_in_hosted_mode_and_warned_about_otherwise(tmp_path):
    url = superuser_url()
    if url is None:
        pytest.skip("no PostgreSQL superuser to connect as here")

    hosted_result = run_casewell(tmp_path, "check", **hosted(CASEWELL_DATABASE_URL=url))
    embedded_result = run_casewell(tmp_path, "check", CASEWELL_DATABASE_URL=url)

    assert hosted_result.returncode == 1
    assert "which is a superuser, so row-level security" in hosted_result.stdout
    assert embedded_result.returncode == 0
    assert "Warning: Casewell connects to PostgreSQL as postgres" in embedded_result.stdout


@pytest.mark.django_db(transaction=True)
def test_the_suites_own_postgresql_database_looks_right_without_a_warning(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the SQLite test database lives in memory, out of a subprocess's reach")
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"

    result = run_casewell(tmp_path, "check", CASEWELL_DATABASE_URL=url)

    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("Casewell's configuration looks right.\n")
    assert f"PostgreSQL database {database['NAME']!r}" in result.stdout


def test_serve_refuses_an_unsafe_hosted_configuration_without_listening(tmp_path):
    port = free_port()
    env = hosted()
    del env["CASEWELL_SECRET_KEY"]

    result = run_casewell(tmp_path, "serve", "--port", str(port), **env)

    assert result.returncode == 1
    assert "casewell serve will not start hosted mode" in result.stderr
    assert "CASEWELL_SECRET_KEY" in result.stderr
    assert "Casewell is serving" not in result.stdout
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0


@pytest.mark.django_db
def test_serve_starts_embedded_mode_despite_warnings_but_not_hosted_mode_with_errors(
    settings, capsys
):
    settings.HOSTED = False
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    assert refuse_to_start("serve") is False
    assert "is starting, but note" in capsys.readouterr().err

    settings.HOSTED = True
    assert refuse_to_start("serve") is True
    assert "will not start hosted mode" in capsys.readouterr().err
