"""Incoming mail already on a case joins the case's timeline, as new mail does when it lands
on a case (``inbox.case_timeline``): one entry per message, with its stored attachments.
Replies to check-in reminders stay off. Running it again adds nothing."""

from django.db import migrations

CHUNK = 1000
# As ``inbox.case_timeline.CHECK_IN_NOTE`` (not imported: a migration keeps its own copy).
CHECK_IN_NOTE = "A reply to a check-in reminder"
MAX_TEXT = 20_000


def _correspondent(message):
    if message.from_name and message.from_address:
        return f"{message.from_name} <{message.from_address}>"
    return message.from_name or message.from_address


def _is_check_in(message):
    return message.state == "archived" and any(
        str(note).startswith(CHECK_IN_NOTE) for note in message.parse_notes or ()
    )


def _put_on_timelines(apps, messages):
    TimelineEntry = apps.get_model("timeline", "TimelineEntry")
    TimelineAttachment = apps.get_model("timeline", "TimelineAttachment")
    MessageAttachment = apps.get_model("inbox", "MessageAttachment")
    sources = {f"inbox.Message:{message.pk}": message for message in messages}
    already = set(
        TimelineEntry.objects.filter(source__in=list(sources)).values_list("source", flat=True)
    )
    entries = [
        TimelineEntry(
            office_id=message.office_id,
            case_id=message.case_id,
            kind="email",
            direction="in",
            subject=(message.subject or "").strip()[:300],
            text=(message.text_body or "").strip()[:MAX_TEXT],
            correspondent=_correspondent(message).strip()[:300],
            occurred_at=message.created_at,
            recorded_at=message.created_at,
            source=source,
        )
        for source, message in sources.items()
        if source not in already and not _is_check_in(message)
    ]
    if not entries:
        return
    TimelineEntry.objects.bulk_create(entries)
    entry_of = {entry.source: entry for entry in entries}
    files = MessageAttachment.objects.filter(
        message_id__in=[message.pk for message in messages],
        stored_file__isnull=False,
        is_inline=False,
    ).order_by("message_id", "position", "pk")
    attached = []
    positions = {}
    for attachment in files:
        entry = entry_of.get(f"inbox.Message:{attachment.message_id}")
        if entry is None:
            continue
        position = positions.get(entry.pk, 0)
        positions[entry.pk] = position + 1
        attached.append(
            TimelineAttachment(
                office_id=entry.office_id,
                entry_id=entry.pk,
                stored_file_id=attachment.stored_file_id,
                position=position,
            )
        )
    TimelineAttachment.objects.bulk_create(attached)


def put_mail_on_case_timelines(apps, schema_editor):
    Message = apps.get_model("inbox", "Message")
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        # System work across every office: the row-level security wall lets it through.
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('casewell.all_offices', 'on', true)")
    on_cases = (
        Message.objects.filter(case__isnull=False)
        .only(
            "pk",
            "office_id",
            "case_id",
            "subject",
            "text_body",
            "from_name",
            "from_address",
            "created_at",
            "state",
            "parse_notes",
        )
        .order_by("pk")
    )
    chunk = []
    for message in on_cases.iterator(chunk_size=CHUNK):
        chunk.append(message)
        if len(chunk) >= CHUNK:
            _put_on_timelines(apps, chunk)
            chunk = []
    if chunk:
        _put_on_timelines(apps, chunk)


class Migration(migrations.Migration):
    dependencies = [
        ("inbox", "0005_raw_message_reading_job"),
        ("timeline", "0002_one_entry_per_inbox_message"),
    ]

    operations = [
        migrations.RunPython(put_mail_on_case_timelines, migrations.RunPython.noop),
    ]
