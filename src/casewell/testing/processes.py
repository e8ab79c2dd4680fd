"""A database that real ``casewell`` processes share with a test.

pytest's own test database is in memory (SQLite) or inside a transaction, so a
subprocess cannot see it. These fixtures make a separate, migrated database of
the same kind and the environment for processes that use it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.utils.crypto import get_random_string
from psycopg import sql

CASEWELL = [sys.executable, "-m", "casewell.cli"]


class Processes:
    """Starts ``casewell`` commands on one shared database and data folder."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.env = env
        self.folder = folder
        self.started: list[subprocess.Popen] = []

    def run(self, *args: str, **env: str) -> str:
        done = subprocess.run(
            [*CASEWELL, *args], env={**self.env, **env}, capture_output=True, text=True,
            timeout=120, check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def probe(self, *args: str) -> dict:
        done = subprocess.run(
            [sys.executable, "-m", "casewell.jobs.tests.probe", *args], env=self.env,
            capture_output=True, text=True, timeout=120, check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])

    def start(self, *args: str, log: str, **env: str) -> subprocess.Popen:
        output = (self.folder / log).open("w")
        process = subprocess.Popen(
            [*CASEWELL, *args], env={**self.env, **env}, stdout=output,
            stderr=subprocess.STDOUT, text=True,
        )
        self.started.append(process)
        return process

    def log(self, name: str) -> str:
        return (self.folder / name).read_text()

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.kill()
                process.wait()


def wait_until(condition, *, seconds: float, what: str):  # noqa: ANN001, ANN201
    """Poll ``condition`` until it gives something true, or fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Gave up after {seconds}s waiting for {what}")
        time.sleep(0.05)


def _base_env(folder: Path, database_url: str) -> dict[str, str]:
    env = {
        name: value for name, value in os.environ.items()
        if not name.startswith("CASEWELL_") or name in ("CASEWELL_PROJECT_DIR",)
    }
    env.update(
        CASEWELL_TESTING="1",
        CASEWELL_DATA_DIR=str(folder / "data"),
        CASEWELL_DATABASE_URL=database_url,
        CASEWELL_LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    return env


def _postgres_database_url(name: str) -> tuple[dict, str]:
    database = settings.DATABASES["default"]
    params = {
        "host": database["HOST"] or "127.0.0.1",
        "port": int(database["PORT"] or 5432),
        "user": database["USER"],
        "password": database["PASSWORD"] or None,
        "dbname": database["NAME"],
    }
    password = f":{quote(database['PASSWORD'], safe='')}" if database["PASSWORD"] else ""
    url = (
        f"postgres://{quote(database['USER'], safe='')}{password}@{params['host']}:"
        f"{params['port']}/{name}"
    )
    return params, url


def _is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def _drop(params: dict, name: str) -> None:
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Migrated once per test run; each test gets a copy (a file, or a
    PostgreSQL database made from this one as its template)."""
    folder = tmp_path_factory.mktemp("jobs-template")
    if _is_postgres():
        name = f"casewell_jobs_template_{get_random_string(8).lower()}"
        params, url = _postgres_database_url(name)
        with psycopg.connect(**params, autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    else:
        name = str(folder / "template.sqlite3")
        url = f"sqlite:///{name}"
    try:
        Processes(_base_env(folder, url), folder).run("manage", "migrate", "--noinput", "-v0")
        yield name
    finally:
        if _is_postgres():
            _drop(params, name)


@pytest.fixture
def processes(tmp_path: Path, migrated_template: str) -> Iterator[Processes]:
    """A freshly migrated database of the suite's kind, and a data folder."""
    postgres = _is_postgres()
    if postgres:
        name = f"casewell_jobs_{get_random_string(10).lower()}"
        params, url = _postgres_database_url(name)
        with psycopg.connect(**params, autocommit=True) as admin:
            admin.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(migrated_template)
                )
            )
    else:
        database = tmp_path / "shared.sqlite3"
        shutil.copyfile(migrated_template, database)
        url = f"sqlite:///{database}"
    shared = Processes(_base_env(tmp_path, url), tmp_path)
    try:
        yield shared
    finally:
        shared.stop_all()
        if postgres:
            _drop(params, name)
