"""Reading mail in batches: one job per office reads everything waiting, kept together in
one transaction, and a batch whose worker died is read again one message at a time."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from casewell.inbox import placing, services
from casewell.inbox.campaigns import forget_recent
from casewell.inbox.models import Message, RawMessage, RawState
from casewell.inbox.tasks import read_waiting_mail
from casewell.inbox.tests.mail import received_by, simple
from casewell.inbox.tests.test_campaigns import campaign_letter
from casewell.inbox.tests.test_matching import person
from casewell.jobs.testing import run_queued_tasks
from casewell.offices.models import AuditEntry
from casewell.offices.tenancy import bind_office

READER = read_waiting_mail.module_path


def _letters(count: int, *, start: int = 0) -> list[bytes]:
    return [
        simple(subject=f"Letter {n}", body=f"Letter number {n}.", message_id=f"<b.{n}@example.net>")
        for n in range(start, start + count)
    ]


def _reading_jobs(status: str | None = None) -> list[DBTaskResult]:
    jobs = DBTaskResult.objects.filter(task_path=READER)
    return list(jobs.filter(status=status) if status else jobs)


def test_mail_received_while_a_reader_waits_is_read_by_that_one_job(cast):
    for raw in _letters(120):
        services.receive_raw(cast.north, raw, door="smtp")
    services.receive_raw(cast.south, simple(), door="smtp")
    # One waiting reader per office, however much arrived.
    assert len(_reading_jobs(TaskResultStatus.READY)) == 2

    finished = run_queued_tasks()
    assert [job.task_path for job in finished] == [READER, READER]
    north_job = next(job for job in finished if job.args_kwargs["args"] == [cast.north.pk])
    # Three batches of at most 50, all read.
    assert north_job.return_value == {"parsed": 120}
    with bind_office(cast.north):
        assert Message.objects.count() == 120
        assert set(RawMessage.objects.values_list("state", "attempts")) == {(RawState.PARSED, 1)}
        # Each message is audited as if saved on its own.
        created = AuditEntry.objects.filter(
            action=AuditEntry.Action.CREATED, subject_type="inbox.Message"
        )
        assert created.count() == 120
        entry = created.get(subject_id=str(Message.objects.get(subject="Letter 7").pk))
        assert entry.changes["from_address"] == "dan@example.net"
        assert entry.changes["text_body"] == "(not recorded: sensitive)"
        # Kept as a save would keep it: a later reply finds it by its subject.
        assert Message.objects.get(subject="Letter 7").thread_subject == "letter 7"
    with bind_office(cast.south):
        assert Message.objects.count() == 1


def test_a_reader_already_running_does_not_stop_a_new_one_being_queued(cast):
    services.receive_raw(cast.north, simple(message_id="<one@example.net>"), door="smtp")
    (job,) = _reading_jobs(TaskResultStatus.READY)
    # A worker has started it (and may already have looked for mail): the next message
    # needs a job of its own.
    DBTaskResult.objects.filter(pk=job.pk).update(status=TaskResultStatus.RUNNING)
    services.receive_raw(cast.north, simple(message_id="<two@example.net>"), door="smtp")
    assert len(_reading_jobs(TaskResultStatus.READY)) == 1


def test_copies_within_one_batch_and_of_earlier_mail_are_duplicates(cast):
    first = simple(message_id="<same@example.net>")
    services.receive_raw(cast.north, received_by("mx.example", first), door="smtp")
    run_queued_tasks()
    services.receive_raw(cast.north, received_by("imap.example", first), door="imap")
    other = simple(subject="New", message_id="<new@example.net>")
    services.receive_raw(cast.north, received_by("mx.example", other), door="smtp")
    services.receive_raw(cast.north, received_by("imap.example", other), door="imap")
    (job,) = run_queued_tasks()
    assert job.return_value == {"parsed": 1, "duplicate": 2}
    with bind_office(cast.north):
        assert Message.objects.count() == 2
        for message in Message.objects.all():
            copies = RawMessage.objects.filter(duplicate_of=message, state=RawState.DUPLICATE)
            assert copies.count() == 1


def test_a_batch_that_cannot_be_kept_together_is_kept_one_message_at_a_time(cast, monkeypatch):
    for raw in _letters(3):
        services.receive_raw(cast.north, raw, door="smtp")

    def refuse(*_args, **_kwargs):
        raise RuntimeError("the batch insert failed")

    monkeypatch.setattr(services, "created_in_bulk", refuse)
    (job,) = run_queued_tasks()
    assert job.return_value == {"parsed": 3}
    with bind_office(cast.north):
        assert Message.objects.count() == 3
        assert AuditEntry.objects.filter(subject_type="inbox.Message").count() == 3


def test_a_message_that_cannot_be_placed_stays_in_triage_and_its_batch_is_read(
    cast, monkeypatch
):
    for raw in _letters(3):
        services.receive_raw(cast.north, raw, door="smtp")
    placed: list[str] = []
    place = placing.place

    def place_all_but_letter_1(message, batch=None):
        if message.subject == "Letter 1":
            raise RuntimeError("the threading look-up failed")
        place(message, batch)
        placed.append(message.subject)

    monkeypatch.setattr(placing, "place", place_all_but_letter_1)
    (job,) = run_queued_tasks()
    assert job.return_value == {"parsed": 3}
    with bind_office(cast.north):
        notes = dict(Message.objects.values_list("subject", "parse_notes"))
        assert Message.objects.filter(case__isnull=True).count() == 3
    assert notes["Letter 1"] == [
        "Could not be placed automatically: RuntimeError: the threading look-up failed"
    ]
    assert notes["Letter 0"] == notes["Letter 2"] == []
    # The batch got as far as Letter 1, then each was kept and placed on its own.
    assert placed == ["Letter 0", "Letter 0", "Letter 2"]


def test_a_message_unreadable_in_a_batch_is_quarantined_and_the_rest_read(cast):
    services.receive_raw(cast.north, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, door="smtp")
    for raw in _letters(2):
        services.receive_raw(cast.north, raw, door="smtp")
    (job,) = run_queued_tasks()
    assert job.return_value == {"quarantined": 1, "parsed": 2}


def _claimed_by_dead_job(office, count: int, job_id: str) -> list[int]:
    """Messages as a reading job leaves them when its worker dies mid-batch."""
    kept = [services.receive_raw(office, raw, door="smtp").pk for raw in _letters(count)]
    with bind_office(office):
        RawMessage.objects.filter(pk__in=kept).update(attempts=1, reading_job=job_id)
    DBTaskResult.objects.filter(task_path=READER).delete()
    return kept


def test_a_batch_whose_worker_died_is_read_one_at_a_time_by_the_same_job_run_again(cast):
    job_id = str(uuid.uuid4())
    kept = _claimed_by_dead_job(cast.north, 3, job_id)
    outcome = services.read_waiting_mail(cast.north.pk, job_id)
    assert outcome == {"parsed": 3}
    with bind_office(cast.north):
        # Counted once in the batch, once more when read alone.
        attempts = set(RawMessage.objects.filter(pk__in=kept).values_list("attempts", flat=True))
    assert attempts == {2}


def test_a_poisonous_message_is_quarantined_alone_after_its_batch_died(cast):
    job_id = str(uuid.uuid4())
    kept = _claimed_by_dead_job(cast.north, 3, job_id)
    with bind_office(cast.north):
        # The first has killed every worker that read it alone since.
        RawMessage.objects.filter(pk=kept[0]).update(attempts=services.MOST_UNFINISHED_READS)
    assert services.read_waiting_mail(cast.north.pk, job_id) == {"quarantined": 1, "parsed": 2}


def test_a_batch_left_by_a_job_that_gave_up_is_read_by_the_next_reader(cast):
    dead = str(uuid.uuid4())
    kept = _claimed_by_dead_job(cast.north, 2, dead)
    # Another reader, meanwhile still running, has claimed one of its own.
    running = read_waiting_mail.enqueue(cast.north.pk)
    DBTaskResult.objects.filter(pk=running.id).update(status=TaskResultStatus.RUNNING)
    theirs = services.receive_raw(cast.north, simple(), door="smtp").pk
    with bind_office(cast.north):
        RawMessage.objects.filter(pk=theirs).update(attempts=1, reading_job=str(running.id))
    assert services.read_waiting_mail(cast.north.pk, str(uuid.uuid4())) == {"parsed": 2}
    with bind_office(cast.north):
        assert RawMessage.objects.get(pk=theirs).state == RawState.STORED
        assert set(RawMessage.objects.filter(pk__in=kept).values_list("state", flat=True)) == {
            RawState.PARSED
        }


def test_the_sweep_wakes_the_reader_of_mail_left_waiting(cast):
    kept = services.receive_raw(cast.north, simple(), door="smtp")
    DBTaskResult.objects.filter(task_path=READER).delete()  # as if the job failed for good
    assert services.wake_readers_for_waiting_mail(timezone.now() - timedelta(minutes=1)) == 0
    assert services.wake_readers_for_waiting_mail(timezone.now() + timedelta(seconds=1)) == 1
    assert services.wake_readers_for_waiting_mail(timezone.now() + timedelta(seconds=1)) == 1
    # Woken twice, queued once.
    assert len(_reading_jobs(TaskResultStatus.READY)) == 1
    run_queued_tasks()
    with bind_office(cast.north):
        assert RawMessage.objects.get(pk=kept.pk).state == RawState.PARSED


# --- Placing a batch ---------------------------------------------------------------------


def _campaign_letter(number: int) -> bytes:
    return simple(
        subject="Save the Mill Lane library",
        body=campaign_letter(number),
        sender=f"Sender {number} <sender{number}@example.net>",
        message_id=f"<library.{number}@example.net>",
    )


def _grouped(office) -> dict[str, int | None]:
    with bind_office(office):
        return dict(Message.objects.values_list("from_address", "campaign_id"))


def test_a_campaign_arriving_in_one_batch_is_grouped_in_it(cast):
    services.receive_raw(cast.north, simple(body="Thank you!"), door="smtp")
    for number in range(4):
        services.receive_raw(cast.north, _campaign_letter(number), door="smtp")
    run_queued_tasks()
    grouped = _grouped(cast.north)
    campaigns = {grouped[f"sender{number}@example.net"] for number in range(4)}
    assert len(campaigns) == 1 and None not in campaigns
    assert grouped["dan@example.net"] is None


def test_a_batch_reads_earlier_mail_even_when_its_first_message_is_no_campaign_letter(cast):
    for number in range(2):
        services.receive_raw(cast.north, _campaign_letter(number), door="smtp")
    run_queued_tasks()
    forget_recent()  # a worker started afresh remembers nothing
    services.receive_raw(cast.north, simple(body="Thank you!"), door="smtp")
    services.receive_raw(cast.north, _campaign_letter(2), door="smtp")
    run_queued_tasks()
    grouped = _grouped(cast.north)
    campaigns = {grouped[f"sender{number}@example.net"] for number in range(3)}
    assert len(campaigns) == 1 and None not in campaigns


def test_senders_in_a_batch_are_linked_to_the_one_person_with_their_address(cast):
    harriet = person(cast.ada, "Harriet", "Okafor", email="harriet@example.net")
    person(cast.ada, "Sam", "Lee", email="shared@example.net")
    person(cast.ada, "Kim", "Lee", email="shared@example.net")
    for sender in ("harriet@example.net", "shared@example.net", "nobody@example.net"):
        services.receive_raw(cast.north, simple(sender=sender), door="smtp")
    run_queued_tasks()
    with bind_office(cast.north):
        linked = dict(Message.objects.values_list("from_address", "person_id"))
    assert linked == {
        "harriet@example.net": harriet.pk, "shared@example.net": None, "nobody@example.net": None
    }
