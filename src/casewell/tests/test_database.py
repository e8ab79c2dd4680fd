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


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_on_postgresql_a_statement_run_often_is_prepared_and_django_s_own_never_are():
    statement = "SELECT %s::bigint + 1 AS prepared_here"
    with CaptureQueriesContext(connection) as queries:
        for number in range(7):
            with server_bound_cursor() as bound, connection.cursor() as django_own:
                bound.execute(statement, [number])
                assert bound.fetchone() == (number + 1,)
                django_own.execute("SELECT %s::bigint + 2 AS not_prepared", [number])
    # Logged as written, prepared or not.
    assert [query["sql"] for query in queries][::2] == [statement] * 7
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [text for (text,) in cursor.fetchall()]
    assert [text for text in prepared if "prepared_here" in text] == [
        "SELECT $1::bigint + 1 AS prepared_here"
    ]
    assert not [text for text in prepared if "not_prepared" in text]
