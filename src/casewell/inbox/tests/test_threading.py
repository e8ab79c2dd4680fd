"""Threading: a new message onto the case it belongs to, surest evidence first, else triage."""

from __future__ import annotations

import pytest

from casewell.cases.services import open_case
from casewell.inbox.models import Message, MessageKind, MessageState
from casewell.inbox.tests.placing_mail import a_case, category, days_ago, placed, stored_message
from casewell.inbox.threading import (
    BY_BOUNCE,
    BY_CC_SUBJECT,
    BY_REFERENCE,
    BY_REPLY,
    BY_SUBJECT,
    case_references_in,
    find_thread,
    normalise_subject,
    referenced_message_ids,
)
from casewell.offices.models import Office
from casewell.offices.tenancy import bind_office


@pytest.mark.parametrize(
    ("subject", "normal"),
    [
        ("Damp in my flat", "damp in my flat"),
        ("Re: Damp in my flat", "damp in my flat"),
        ("RE: RE: Fwd: Damp in  my\tflat ", "damp in my flat"),
        ("AW: WG: Damp in my flat", "damp in my flat"),
        ("SV: Re[2]: Damp in my flat", "damp in my flat"),
        ("[EXTERNAL] RE: Damp in my flat", "damp in my flat"),
        ("*EXTERNAL* Fw: Damp in my flat", "damp in my flat"),
        ("Automatic reply: Re: Damp in my flat", "damp in my flat"),
        ("Re: [NR-2026-00042] Damp in my flat", "damp in my flat"),
        ("DAMP IN MY FLAT", "damp in my flat"),
        ("Straße repairs", "strasse repairs"),
        ("Re:", ""),
        ("", ""),
        # Words that merely start like a prefix are part of the subject.
        ("Results of my appeal", "results of my appeal"),
        ("Awful service", "awful service"),
    ],
)
def test_subjects_are_compared_without_reply_prefixes_spacing_or_case(subject, normal):
    assert normalise_subject(subject) == normal


def test_case_references_are_found_with_the_offices_prefix_first():
    assert case_references_in("Re: [NR-2026-00042] Damp", "NR") == ["NR-2026-00042"]
    assert case_references_in("Re: [nr-2026-42] Damp", "NR") == ["NR-2026-00042"]
    assert case_references_in("About NR-2026-00042 please", "NR") == ["NR-2026-00042"]
    assert case_references_in("[SV-2025-00003] and [NR-2026-00001]", "NR") == [
        "NR-2026-00001",
        "SV-2025-00003",
    ]
    # A reference run into other text is not a reference.
    assert case_references_in("XNR-2026-00042", "NR") == []
    assert case_references_in("Damp in my flat", "NR") == []


def test_a_case_reference_in_the_subject_puts_the_message_on_that_case(cast):
    case = a_case(cast.ada)
    message = placed(cast.north, subject=f"Re: [{case.reference}] Damp", sender="new@example.org")
    assert message.case == case
    assert message.state == MessageState.ON_CASE


def test_a_reference_to_a_case_that_does_not_exist_is_ignored(cast):
    a_case(cast.ada)
    message = placed(cast.north, subject="Re: [NR-2019-00777] Damp")
    assert message.case is None
    assert message.state == MessageState.TRIAGE


def test_another_offices_case_is_never_joined_even_with_the_same_prefix(cast):
    Office.objects.filter(pk=cast.south.pk).update(reference_prefix="NR")
    cast.south.refresh_from_db()
    cast.cleo.office.refresh_from_db()
    south_case = open_case(
        cast.cleo, summary="Rent arrears", category=category(cast.south, "Housing")
    )
    assert south_case.reference.startswith("NR-")
    message = placed(cast.north, subject=f"[{south_case.reference}] Rent arrears")
    assert message.case is None
    # And South's own mail with that reference does join it.
    theirs = placed(cast.south, subject=f"[{south_case.reference}] Rent arrears")
    assert theirs.case == south_case


def test_the_reference_wins_over_in_reply_to(cast):
    first, second = a_case(cast.ada, "Damp"), a_case(cast.ada, "Parking")
    earlier = stored_message(cast.north, case=first)
    message = placed(
        cast.north, subject=f"Re: [{second.reference}] Parking", in_reply_to=earlier.message_id
    )
    assert message.case == second


def test_a_reply_to_a_stored_message_joins_its_case(cast):
    case = a_case(cast.ada)
    earlier = stored_message(cast.north, case=case)
    message = placed(
        cast.north,
        subject="A different subject",
        sender="someone.else@example.com",
        in_reply_to=earlier.message_id,
    )
    assert message.case == case
    with bind_office(cast.north):
        assert find_thread(message).how == BY_REPLY


def test_references_find_the_case_when_in_reply_to_names_an_unknown_message(cast):
    case = a_case(cast.ada)
    earlier = stored_message(cast.north, case=case)
    message = placed(
        cast.north,
        subject="Something else",
        in_reply_to="never.seen@example.org",
        references=[earlier.message_id, "never.seen@example.org"],
    )
    assert message.case == case


def test_message_ids_are_compared_as_stored_without_brackets_or_case():
    message = Message(
        message_id="self@example.net",
        in_reply_to="<B@Example.NET>",
        references="a@example.net b@example.net self@example.net",
    )
    assert referenced_message_ids(message) == ["b@example.net", "a@example.net"]


def test_a_reply_to_a_message_still_in_triage_stays_in_triage(cast):
    earlier = stored_message(cast.north)
    message = placed(
        cast.north, subject="Another thing", sender="x@example.org", in_reply_to=earlier.message_id
    )
    assert message.case is None


def test_another_offices_message_ids_are_never_followed(cast):
    south_case = open_case(cast.cleo, summary="Debt", category=category(cast.south, "Debt"))
    theirs = stored_message(cast.south, case=south_case, message_id="shared@example.net")
    message = placed(cast.north, subject="Other", in_reply_to=theirs.message_id)
    assert message.case is None


def test_same_sender_and_subject_within_the_window_joins_the_case(cast):
    case = a_case(cast.ada)
    stored_message(cast.north, subject="Damp in my flat", sent_at=days_ago(29), case=case)
    message = placed(cast.north, subject="RE: damp in my  flat", message_id="new.1@example.net")
    assert message.case == case
    with bind_office(cast.north):
        assert find_thread(message).how == BY_SUBJECT


def test_each_message_keeps_its_subject_as_threading_compares_it_even_after_an_edit(cast):
    message = stored_message(cast.north, subject="RE: [EXTERNAL] Damp in my  flat")
    assert message.thread_subject == "damp in my flat"
    with bind_office(cast.north):
        message.subject = "Fwd: Mould in the kitchen"
        message.save(update_fields=["subject"])
        assert Message.objects.get(pk=message.pk).thread_subject == "mould in the kitchen"


def test_the_stored_subject_is_kept_out_of_the_audit_trail_like_the_subject(cast):
    from casewell.offices.models import AuditEntry

    message = stored_message(cast.north, subject="Damp in my flat")
    with bind_office(cast.north):
        entry = AuditEntry.objects.filter(
            subject_type="inbox.Message", subject_id=str(message.pk)
        ).get()
    assert "damp" not in str(entry.changes).lower()


def test_a_subject_edited_after_the_case_began_no_longer_threads_by_the_old_subject(cast):
    case = a_case(cast.ada)
    earlier = stored_message(cast.north, subject="Damp in my flat", sent_at=days_ago(3), case=case)
    with bind_office(cast.north):
        earlier.subject = "Noise from next door"
        earlier.save(update_fields=["subject"])
    message = placed(cast.north, subject="Re: Damp in my flat", message_id="new.edit@example.net")
    assert message.case is None
    again = placed(cast.north, subject="Re: noise from next door", message_id="new.ed2@example.net")
    assert again.case == case


def test_same_sender_and_subject_outside_the_window_waits_for_triage(cast):
    case = a_case(cast.ada)
    stored_message(cast.north, subject="Damp in my flat", sent_at=days_ago(31), case=case)
    message = placed(cast.north, subject="Re: Damp in my flat")
    assert message.case is None


def test_the_window_is_a_setting(cast, settings):
    settings.INBOX_THREAD_WINDOW_DAYS = 7
    case = a_case(cast.ada)
    stored_message(cast.north, subject="Damp in my flat", sent_at=days_ago(8), case=case)
    assert placed(cast.north, subject="Re: Damp in my flat").case is None
    settings.INBOX_THREAD_WINDOW_DAYS = 9
    assert placed(cast.north, subject="Re: Damp in my flat").case == case


def test_same_subject_from_someone_else_or_another_subject_does_not_join(cast):
    case = a_case(cast.ada)
    stored_message(cast.north, subject="Damp in my flat", sent_at=days_ago(2), case=case)
    assert (
        placed(cast.north, subject="Re: Damp in my flat", sender="other@example.org").case is None
    )
    assert placed(cast.north, subject="Re: Noise from next door").case is None


def test_an_earlier_message_written_after_this_one_is_not_its_thread(cast):
    case = a_case(cast.ada)
    stored_message(cast.north, subject="Damp in my flat", sent_at=days_ago(1), case=case)
    message = placed(cast.north, subject="Damp in my flat", sent_at=days_ago(3))
    assert message.case is None


def test_a_reply_from_someone_in_cc_joins_the_thread(cast):
    case = a_case(cast.ada)
    stored_message(
        cast.north,
        subject="Damp in my flat",
        cc=["partner@example.net", "landlord@lettings.example"],
        sent_at=days_ago(3),
        case=case,
    )
    message = placed(cast.north, subject="Re: Damp in my flat", sender="partner@example.net")
    assert message.case == case
    with bind_office(cast.north):
        assert find_thread(message).how == BY_CC_SUBJECT
    # Someone whose address merely contains a Cc address is not them.
    assert placed(cast.north, subject="Re: Damp in my flat", sender="tner@example.net").case is None


def test_an_auto_reply_never_opens_a_case_but_joins_the_thread_it_answers(cast):
    lonely = placed(
        cast.north,
        subject="Automatic reply: Out of the office",
        kind=MessageKind.AUTO_REPLY,
        body="I am away until Monday 7 December with no access to e-mail.",
    )
    assert lonely.case is None
    assert lonely.suggested_category is None and lonely.campaign is None
    case = a_case(cast.ada)
    ours = stored_message(cast.north, case=case)
    answering = placed(
        cast.north,
        subject="Automatic reply: Damp in my flat",
        kind=MessageKind.AUTO_REPLY,
        in_reply_to=ours.message_id,
    )
    assert answering.case == case


def test_a_bounce_joins_the_case_of_the_message_it_bounces(cast):
    case = a_case(cast.ada)
    ours = stored_message(cast.north, case=case)
    bounce = placed(
        cast.north,
        subject="Undeliverable: Damp in my flat",
        sender="mailer-daemon@mx.example.net",
        kind=MessageKind.BOUNCE,
        bounced_message=ours,
    )
    assert bounce.case == case
    with bind_office(cast.north):
        assert find_thread(bounce).how == BY_BOUNCE
    lost = placed(cast.north, subject="Undeliverable", kind=MessageKind.BOUNCE)
    assert lost.case is None


def test_the_reason_is_given_for_a_reference(cast):
    case = a_case(cast.ada)
    message = stored_message(cast.north, subject=f"[{case.reference}]")
    with bind_office(cast.north):
        assert find_thread(message).how == BY_REFERENCE


def _placed_as_a_batch(office: Office, batch: list[Message]) -> list[tuple[int | None, str]]:
    """Each message's case and how it was found (asked again one message at a time)."""
    from casewell.inbox import placing

    with bind_office(office):
        placing_batch = placing.batch_for(office.pk, batch)
        for message in batch:
            placing.place(message, placing_batch)
        return [
            (message.case_id, find_thread(message).how if message.case_id else "")
            for message in Message.objects.filter(pk__in=[m.pk for m in batch]).order_by("pk")
        ]


def test_a_batch_threads_by_sender_and_subject_as_one_message_at_a_time_does(cast):
    damp = a_case(cast.ada)
    stored_message(
        cast.north, subject="Damp in my flat", cc=["partner@example.net"], sent_at=days_ago(3),
        case=damp,
    )  # fmt: skip
    stored_message(cast.north, subject="Bins", sent_at=days_ago(45), case=a_case(cast.ada))
    noise = a_case(cast.ada, summary="Noise")
    batch = [
        stored_message(cast.north, subject="RE: damp in my  flat"),
        stored_message(cast.north, subject="Re: Damp in my flat", sender="partner@example.net"),
        stored_message(cast.north, subject="Re: Damp in my flat", sender="tner@example.net"),
        stored_message(cast.north, subject="Bins"),  # that case's mail is past the window
        stored_message(cast.north, subject=f"[{noise.reference}] Noise at night"),
        # Joins the case the message before it in this same batch was put on.
        stored_message(cast.north, subject="Noise at night"),
        stored_message(cast.north, subject="Noise at night", sender="someone@example.org"),
    ]
    assert _placed_as_a_batch(cast.north, batch) == [
        (damp.pk, BY_SUBJECT),
        (damp.pk, BY_CC_SUBJECT),
        (None, ""),
        (None, ""),
        (noise.pk, BY_REFERENCE),
        (noise.pk, BY_SUBJECT),
        (None, ""),
    ]


def test_a_batch_threads_replies_as_one_message_at_a_time_does(cast):
    damp, noise = a_case(cast.ada), a_case(cast.ada, summary="Noise")
    # Two stored with one Message-ID: an answer joins the case of the later.
    for case in (noise, damp):
        copy = stored_message(cast.north, subject="Flat", message_id="twice@example.net", case=case)
        with bind_office(cast.north):  # changed on the way: a copy of its own
            Message.objects.filter(pk=copy.pk).update(fingerprint=f"copy {copy.pk}")
    stored_message(cast.north, subject="Untriaged", message_id="waiting@example.net")
    batch = [
        stored_message(cast.north, subject="Answer", in_reply_to="<TWICE@example.net>"),
        # References are tried newest first.
        stored_message(
            cast.north, subject="Answer",
            references=["<twice@example.net>", "<waiting@example.net>"],
        ),  # fmt: skip
        stored_message(cast.north, subject=f"[{noise.reference}] Noise", message_id="n@x.org"),
        # Answers the message before it in this same batch, put on a case just now.
        stored_message(cast.north, subject="Answer", in_reply_to="<n@x.org>"),
        stored_message(cast.north, subject="Other", in_reply_to="<waiting@example.net>"),
    ]
    assert _placed_as_a_batch(cast.north, batch) == [
        (damp.pk, BY_REPLY),
        (damp.pk, BY_REPLY),
        (noise.pk, BY_REFERENCE),
        (noise.pk, BY_REPLY),
        (None, ""),
    ]
