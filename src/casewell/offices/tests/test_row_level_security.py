"""The second wall: PostgreSQL row-level security, and which tables stand behind it.

The office-scoped managers are the first wall; these tests take them away
(``all_offices``, raw SQL) and check the database itself still keeps North's
rows from a transaction bound to South. A new model that holds office data
but forgot to be a ``TenantModel`` fails here, on both databases.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import ProgrammingError, connection, models
from django.test.utils import CaptureQueriesContext

from casewell.offices.models import TenantModel
from casewell.offices.tenancy import across_all_offices, bind_office
from casewell.offices.tests.test_walls import north  # noqa: F401 - the fixture
from casewell.offices.walls import apply_row_level_security, tenant_models

# Models that are deliberately not tenant rows, each with the reason. Anything
# else in a Casewell app must be a TenantModel.
NOT_TENANT_MODELS = {
    # The tenant itself.
    "offices.Office",
    # Staff: sign-in finds a person by e-mail before any office is known, so the
    # table cannot sit behind the office wall. It has an office, and every page
    # and API route reaches other staff through get_for / may_see, which compare it.
    "offices.User",
    # Job machinery, shared by all offices and used only by system work
    # (workers, the scheduler) running across all offices; never shown to staff.
    # A scheduled job's office (nullable) only says whose work it is.
    "jobs.WorkerHeartbeat",
    "jobs.ScheduledTask",
    # The central directory: held by the installation, loaded by `casewell directory
    # import`, read (never written) by every office. An office's own organisations and
    # contacts, and its overrides of central entries, are tenant rows.
    "directory.CentralOrganisation",
    "directory.CentralContact",
}

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row-level security is PostgreSQL's; SQLite relies on the office-scoped managers",
)


def label(model: type[models.Model]) -> str:
    return model._meta.label


def casewell_models() -> list[type[models.Model]]:
    return [model for model in apps.get_models() if model.__module__.startswith("casewell.")]


def test_every_casewell_model_is_a_tenant_row_or_says_why_not():
    strays = [
        label(model) for model in casewell_models()
        if not issubclass(model, TenantModel) and label(model) not in NOT_TENANT_MODELS
    ]
    assert not strays, (
        f"{strays} hold data but are not TenantModel, so nothing keeps one office's rows from "
        f"another. Make them TenantModel, or add them to NOT_TENANT_MODELS in {__file__} "
        "with the reason they belong to no office."
    )
    known = {label(model) for model in apps.get_models()}
    assert known >= NOT_TENANT_MODELS, f"no longer models: {NOT_TENANT_MODELS - known}"


def test_every_model_with_an_office_is_a_tenant_row_unless_listed():
    for model in apps.get_models():
        fields = {field.name for field in model._meta.get_fields()}
        if "office" in fields and label(model) not in NOT_TENANT_MODELS:
            assert issubclass(model, TenantModel), f"{label(model)} has an office: make it tenant"


@postgres_only
@pytest.mark.postgres_only
@pytest.mark.django_db
def test_the_suite_connects_as_a_role_row_level_security_applies_to():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        )
        user, superuser, bypasses = cursor.fetchone()
    assert not superuser and not bypasses, (
        f"The tests connect to PostgreSQL as {user}, who {'is a superuser' if superuser else ''}"
        f"{' and ' if superuser and bypasses else ''}{'bypasses RLS' if bypasses else ''}: "
        "row-level security does not apply, so these tests would prove nothing. "
        "Connect as an ordinary role (see casewell/testing/postgres_role.py)."
    )


@postgres_only
@pytest.mark.postgres_only
@pytest.mark.django_db
def test_every_table_with_an_office_has_the_office_wall_policy_forced():
    tables = {
        model._meta.db_table: label(model) for model in apps.get_models()
        if "office" in {field.name for field in model._meta.get_fields()}
        and label(model) not in NOT_TENANT_MODELS
    }
    assert {model._meta.db_table for model in tenant_models()} <= set(tables)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_policies WHERE policyname = 'office_wall' "
            "AND schemaname = current_schema()"
        )
        walled = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relrowsecurity AND relforcerowsecurity "
            "AND relnamespace = current_schema()::regnamespace"
        )
        forced = {row[0] for row in cursor.fetchall()}
    missing = {name for table, name in tables.items() if table not in walled or table not in forced}
    assert not missing, (
        f"{sorted(missing)} have no forced office_wall policy. Tenant tables get one after every "
        "migrate (casewell.offices.walls.apply_row_level_security): is the model a TenantModel?"
    )


@postgres_only
@pytest.mark.postgres_only
@pytest.mark.django_db
def test_the_wall_is_put_up_again_only_where_it_is_missing():
    table = connection.ops.quote_name(tenant_models()[0]._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP POLICY office_wall ON {table}")
    with CaptureQueriesContext(connection) as done:
        apply_row_level_security()
    changed = [query["sql"] for query in done.captured_queries if "POLICY" in query["sql"]]
    assert len(changed) == 3 and all(table in statement for statement in changed)
    with CaptureQueriesContext(connection) as done:
        apply_row_level_security()
    assert not [query for query in done.captured_queries if "POLICY" in query["sql"]]
    test_every_table_with_an_office_has_the_office_wall_policy_forced()


@pytest.fixture
def north_rows(cast, north):  # noqa: F811 - the fixture imported above
    """Every tenant model's North rows (ids), read as system work."""
    with across_all_offices():
        rows = {
            model: set(model.all_offices.filter(office=cast.north).values_list("pk", flat=True))
            for model in tenant_models()
        }
    # Not vacuous: the fixtures gave North rows of every kind the foundation has.
    for name in ("StaffRole", "Invitation", "ApiToken", "AuditEntry", "AccessLogEntry", "Person"):
        assert any(model.__name__ == name and ids for model, ids in rows.items()), name
    return {model: ids for model, ids in rows.items() if ids}


@postgres_only
@pytest.mark.postgres_only
def test_an_unscoped_query_bound_to_south_sees_none_of_norths_rows(cast, north_rows):
    with bind_office(cast.south):
        for model, north_ids in north_rows.items():
            seen = set(model.all_offices.values_list("pk", flat=True))
            assert not seen & north_ids, f"{label(model)}: all_offices showed North's rows"
            assert set(model.all_offices.values_list("office_id", flat=True)) <= {cast.south.pk}
            with connection.cursor() as cursor:
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - our own table name
                columns = [column.name for column in cursor.description]
                offices = {row[columns.index("office_id")] for row in cursor.fetchall()}
            assert offices <= {cast.south.pk}, f"raw SQL on {table} showed another office's rows"


@postgres_only
@pytest.mark.postgres_only
def test_with_no_office_bound_an_unscoped_query_sees_nothing(cast, north_rows):
    for model in north_rows:
        assert not model.all_offices.exists(), f"{label(model)} is readable with no office bound"


@postgres_only
@pytest.mark.postgres_only
def test_writing_a_row_for_north_while_bound_to_south_is_refused(cast, north_rows):
    for model, north_ids in north_rows.items():
        with across_all_offices():
            copy = model.all_offices.get(pk=min(north_ids))
        copy.pk = None
        # bulk_create skips TenantModel.save's own check: only the database stands in the way.
        with pytest.raises(ProgrammingError, match="row-level security"), bind_office(cast.south):
            model.all_offices.bulk_create([copy])


def _office_setting() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(current_setting('casewell.office_id', true), '')")
        return cursor.fetchone()[0]


@postgres_only
@pytest.mark.postgres_only
def test_binding_inside_a_binding_keeps_each_office_behind_its_wall(cast, north_rows):
    some_model, north_ids = next(iter(north_rows.items()))
    with bind_office(cast.north):
        with CaptureQueriesContext(connection) as asked, bind_office(cast.north):
            assert _office_setting() == str(cast.north.pk)
        # The same office again costs no round trip beyond the check just made.
        assert len(asked.captured_queries) == 1
        with bind_office(cast.south):
            assert _office_setting() == str(cast.south.pk)
            assert not set(some_model.all_offices.values_list("pk", flat=True)) & north_ids
            with bind_office(cast.north):
                assert _office_setting() == str(cast.north.pk)
            assert _office_setting() == str(cast.south.pk)
        assert _office_setting() == str(cast.north.pk)
        with pytest.raises(RuntimeError), bind_office(cast.south):
            raise RuntimeError("a failed block")
        assert _office_setting() == str(cast.north.pk)
        assert set(some_model.all_offices.values_list("pk", flat=True)) >= north_ids
    assert _office_setting() == ""


@postgres_only
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_binding_that_opens_the_transaction_leaves_no_office_behind_it():
    assert not connection.in_atomic_block
    with bind_office(123456):
        assert _office_setting() == "123456"
    assert not connection.in_atomic_block
    assert _office_setting() == ""
