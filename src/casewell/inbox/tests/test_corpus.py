"""Every file of the shared mail corpus imported: each message stored or quarantined with a
reason, none lost, nothing crashes, and importing again keeps nothing new."""

from __future__ import annotations

from pathlib import Path

import pytest

from casewell.inbox.importing import files_under, import_files, messages_in
from casewell.inbox.models import Message, MessageAttachment, RawMessage, RawState
from casewell.offices.tenancy import bind_office

CORPUS = Path("/work/shared/corpora/mail")

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared mail corpus is absent")


def test_the_whole_corpus_is_stored_or_quarantined_with_a_reason_and_never_twice(cast):
    expected = sum(1 for path in files_under([CORPUS]) for _ in messages_in(path))

    first = import_files(cast.north, [CORPUS])

    assert first.unreadable_files == []
    assert first.read == expected
    assert first.stored + first.duplicates + first.quarantined == first.read
    assert first.stored > 500  # the corpus is mostly mail
    assert all(item["reason"].strip() for item in first.quarantined_items)
    assert len(first.quarantined_items) == first.quarantined
    with bind_office(cast.north):
        states = list(RawMessage.objects.values_list("state", flat=True))
        assert RawState.STORED not in states
        assert states.count(RawState.PARSED) == Message.objects.count() == first.stored
        assert states.count(RawState.QUARANTINED) == first.quarantined
        assert MessageAttachment.objects.filter(stored_file__isnull=False).exists()
        assert Message.objects.filter(kind="bounce").count() > 100
        assert Message.objects.filter(kind="auto_reply").exists()
    reasons = " ".join(item["reason"] for item in first.quarantined_items)
    assert "CASEWELL_MAIL_MAX_PARTS" in reasons  # flanker's endless enclosure
    assert "CASEWELL_MAIL_MAX_HEADER_LENGTH" in reasons  # flanker's long header

    again = import_files(cast.north, [CORPUS])

    assert (again.read, again.stored, again.quarantined) == (first.read, 0, 0)
    assert again.duplicates == again.read
    with bind_office(cast.north):
        assert RawMessage.objects.count() == len(states)
