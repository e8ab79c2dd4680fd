"""Rows created in bulk: inserted by our own statement, and audited as one save would be."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from casewell.offices.audit import created_in_bulk
from casewell.offices.models import ApiToken, AuditEntry
from casewell.offices.tenancy import bind_office

AWKWARD_NAMES = [
    "O'Brien's token",
    "100% sure \\ back\\slash",
    "placeholders %s %(name)s $1 ?",
    "Ffion 🧡 Llŷr, tab\there",
    "two\nlines; DROP TABLE offices_apitoken; --",
    "",
]


def test_values_of_every_kind_come_back_as_they_went_in(cast):
    when = datetime(2026, 12, 2, 9, 30, 15, 123456, tzinfo=UTC)
    tokens = [
        ApiToken(
            office=cast.north, user=cast.ada, name=name, token_hash=f"hash-{number}",
            created_at=when, last_used_at=None if number % 2 else when,
        )  # fmt: skip
        for number, name in enumerate(AWKWARD_NAMES)
    ]
    with bind_office(cast.north, cast.ada):
        created = created_in_bulk(ApiToken, tokens)
        stored = {token.pk: token for token in ApiToken.objects.all()}
        entries = list(AuditEntry.objects.filter(subject_type="offices.ApiToken"))
    assert [token.pk for token in created] == sorted(stored)
    for number, token in enumerate(created):
        kept = stored[token.pk]
        assert kept.name == AWKWARD_NAMES[number]
        assert kept.created_at == when
        assert kept.last_used_at == (None if number % 2 else when)
    assert sorted(int(entry.subject_id) for entry in entries) == sorted(stored)
    assert {entry.actor_id for entry in entries} == {cast.ada.pk}
    by_token = {int(entry.subject_id): entry.changes for entry in entries}
    assert [by_token[token.pk]["name"] for token in created] == AWKWARD_NAMES


def test_rows_for_another_office_are_refused(cast):
    token = ApiToken(office=cast.south, user=cast.ada, name="elsewhere", token_hash="h")
    with bind_office(cast.north), pytest.raises(PermissionError, match="another office"):
        created_in_bulk(ApiToken, [token])
