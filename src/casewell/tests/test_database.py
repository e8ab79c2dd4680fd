"""The server-bound cursor: the same statements and results as Django's own, and logged."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casewell.database import server_bound_cursor

AWKWARD = "O'Brien said 100% \\ no; --"


@pytest.mark.django_db
def test_values_come_back_as_they_went_in_and_the_statement_is_logged():
    with CaptureQueriesContext(connection) as queries, server_bound_cursor() as cursor:
        cursor.execute("SELECT %s, %s, %s", [AWKWARD, 42, None])
        assert cursor.fetchone() == (AWKWARD, 42, None)
    assert len(queries) == 1 and queries[0]["sql"].startswith("SELECT ")


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_on_postgresql_the_values_are_bound_by_the_server():
    import psycopg

    with server_bound_cursor() as bound, connection.cursor() as django_own:
        assert isinstance(django_own.cursor, psycopg.ClientCursor)
        assert not isinstance(bound.cursor, psycopg.ClientCursor)
        # Written into the text, 42 is read as an integer; sent apart, it comes typed
        # by psycopg as the smallest that holds it.
        django_own.execute("SELECT pg_typeof(%s)::text", [42])
        bound.execute("SELECT pg_typeof(%s)::text", [42])
        assert (django_own.fetchone(), bound.fetchone()) == (("integer",), ("smallint",))
