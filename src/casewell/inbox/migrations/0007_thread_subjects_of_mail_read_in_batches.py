"""Messages read in batches were inserted without their thread subject (``Message.save``
sets it, and a batch is inserted without calling save), so a later reply by the same
sender could not find them: they get it here."""

from django.db import migrations

from casewell.inbox.subjects import subject_key


def fill_missing_thread_subjects(apps, schema_editor):
    Message = apps.get_model("inbox", "Message")
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        # System work across every office: the row-level security wall lets it through.
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('casewell.all_offices', 'on', true)")
    missing = Message.objects.filter(thread_subject="").exclude(subject="").only("pk", "subject")
    changed = []
    for message in missing.iterator(chunk_size=2000):
        message.thread_subject = subject_key(message.subject)
        if message.thread_subject:
            changed.append(message)
        if len(changed) >= 2000:
            Message.objects.bulk_update(changed, ["thread_subject"])
            changed = []
    Message.objects.bulk_update(changed, ["thread_subject"])


class Migration(migrations.Migration):
    dependencies = [
        ("inbox", "0006_incoming_mail_on_case_timelines"),
    ]

    operations = [
        migrations.RunPython(fill_missing_thread_subjects, migrations.RunPython.noop),
    ]
