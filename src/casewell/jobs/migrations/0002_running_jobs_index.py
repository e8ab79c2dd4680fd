from django.db import migrations

# Finding the jobs left running by dead workers happens every few seconds in
# every worker and scheduler; this index keeps that from scanning the whole
# results table (django-tasks-db's own index on status covers only READY jobs
# on PostgreSQL). The table is django-tasks-db's, so this is SQL rather than a
# change to its model.
INDEX = "casewell_jobs_running_idx"


def create_index(apps, schema_editor):  # noqa: ANN001, ANN201
    table = apps.get_model("django_tasks_database", "DBTaskResult")._meta.db_table
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON {schema_editor.quote_name(table)} "
        "(status, started_at)"
    )


def drop_index(apps, schema_editor):  # noqa: ANN001, ANN201
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0001_initial"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)]
