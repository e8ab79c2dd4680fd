"""Placing the shared mail corpus (real mail of many kinds, some broken; see its SOURCES.md)
and text no one would write: nothing crashes, auto-replies and bounces stay out of
campaigns and suggestions."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casewell.inbox.campaigns import campaign_words, sketch_of
from casewell.inbox.importing import import_files
from casewell.inbox.matching import name_from_message, postcodes_in
from casewell.inbox.message_text import split_body
from casewell.inbox.models import Message, MessageKind
from casewell.inbox.suggestions import terms_of
from casewell.inbox.threading import case_references_in, normalise_subject
from casewell.offices.tenancy import bind_office

CORPUS = Path("/work/shared/corpora/mail")
# Bounces, auto-replies and abuse reports by many mail servers, and broken MIME: the kinds
# placing must leave out of campaigns and suggestions, and must not trip over.
FOLDERS = [CORPUS / "sisimai-bounces", CORPUS / "flanker"]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared mail corpus is absent")
def test_the_mail_corpus_is_placed_without_a_failure(cast):
    imported = import_files(cast.north, FOLDERS)
    assert imported.stored > 200
    with bind_office(cast.north):
        messages = Message.objects.all()
        failed = [
            (m.subject, note)
            for m in messages
            for note in m.parse_notes
            if "placed automatically" in note
        ]
        assert failed == []
        automatic = messages.exclude(kind=MessageKind.MESSAGE)
        assert automatic.count() > 100
        assert not automatic.filter(campaign__isnull=False).exists()
        assert not automatic.filter(suggested_category__isnull=False).exists()


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_subjects_of_any_text_are_normalised_once_and_for_all(subject):
    normal = normalise_subject(subject)
    assert normalise_subject(normal) == normal
    assert normal == normal.strip()
    case_references_in(subject, "NR")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_any_body_is_split_and_read_without_failing(body):
    parts = split_body(body)
    assert len(parts.words) <= len(body)
    postcodes_in(body)
    terms_of(body)
    sketch = sketch_of(campaign_words(body))
    assert sketch is None or 0 < len(sketch) <= 128
    name_from_message(Message(from_name=body[:300], from_address="x@example.net", text_body=body))
