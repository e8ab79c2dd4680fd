"""Offices that existed before cases did get the default categories and workflow.

New offices get them from ``ensure_case_defaults`` when they are created; this
does the same once for the offices already there, with the historical models.
"""

from django.db import migrations

from casewell.cases.defaults import DEFAULT_CATEGORIES, DEFAULT_STATUSES, DEFAULT_TRANSITIONS


def add_defaults(apps, schema_editor):
    Office = apps.get_model("offices", "Office")
    Category = apps.get_model("cases", "Category")
    CaseStatus = apps.get_model("cases", "CaseStatus")
    StatusTransition = apps.get_model("cases", "StatusTransition")
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        # System work across every office: the row-level security wall lets it through.
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('casewell.all_offices', 'on', true)")
    for office in Office.objects.all():
        if not Category.objects.filter(office=office).exists():
            tree = DEFAULT_CATEGORIES.get(office.kind, DEFAULT_CATEGORIES["advice"])
            for position, name in enumerate(tree, start=1):
                top = Category.objects.create(office=office, name=name, position=position)
                for child_position, child in enumerate(tree[name], start=1):
                    Category.objects.create(
                        office=office, name=child, parent=top, position=child_position
                    )
        if not CaseStatus.objects.filter(office=office).exists():
            by_name = {}
            for position, (name, initial, closed) in enumerate(DEFAULT_STATUSES, start=1):
                by_name[name] = CaseStatus.objects.create(
                    office=office,
                    name=name,
                    is_initial=initial,
                    is_closed=closed,
                    position=position,
                )
            for old, new in DEFAULT_TRANSITIONS:
                StatusTransition.objects.create(
                    office=office, from_status=by_name[old], to_status=by_name[new]
                )


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_case_organisations")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
