"""Each message keeps its subject as threading compares it, indexed; messages already
kept get theirs here."""

from django.db import migrations, models

from casewell.inbox.subjects import subject_key


def fill_thread_subjects(apps, schema_editor):
    Message = apps.get_model("inbox", "Message")
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        # System work across every office: the row-level security wall lets it through.
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('casewell.all_offices', 'on', true)")
    changed = []
    for message in Message.objects.only("pk", "subject").iterator(chunk_size=2000):
        message.thread_subject = subject_key(message.subject)
        if message.thread_subject:
            changed.append(message)
        if len(changed) >= 2000:
            Message.objects.bulk_update(changed, ["thread_subject"])
            changed = []
    Message.objects.bulk_update(changed, ["thread_subject"])


class Migration(migrations.Migration):
    dependencies = [
        ("inbox", "0002_mail_out"),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="thread_subject",
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.AddIndex(
            model_name="message",
            index=models.Index(
                fields=["office", "thread_subject"], name="inbox_messa_office__2d303a_idx"
            ),
        ),
        migrations.RunPython(fill_thread_subjects, migrations.RunPython.noop),
    ]
