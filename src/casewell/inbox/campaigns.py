"""Organised campaigns: the same letter sent by many people, grouped as one campaign.

What people wrote (greeting, signature and quoted mail taken off) is cut into
overlapping runs of three words ("shingles"); a message's fingerprint is the
128 smallest hashes of its shingles, a MinHash sketch with one hash function
(bottom-k). Two fingerprints estimate how much of the two texts' shingles are
shared (their Jaccard similarity): a campaign letter with a sentence of the
sender's own still scores high, while two letters about the same subject in
each person's words score low.

A new message joins an open campaign (one started within
``INBOX_CAMPAIGN_WINDOW_DAYS``) whose fingerprint it is similar enough to
(``INBOX_CAMPAIGN_SIMILARITY``, 0.6); otherwise, when messages similar to it
have come from enough different senders (``INBOX_CAMPAIGN_SENDERS``, 3,
counting this one), a campaign is started and they all join it. Short
messages ("Thank you!") never make a campaign. Each sender is recorded by
their message's ``campaign``.

Recent messages' fingerprints are kept in memory per office and brought up to
date from the database at each call, so several worker processes see each
other's messages once committed.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from operator import itemgetter

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from casewell.inbox import placing_queries as queries
from casewell.inbox.message_text import plain_text, split_body, words_of
from casewell.inbox.models import Campaign, Message, MessageKind
from casewell.inbox.placing_queries import OfficeFacts
from casewell.inbox.threading import normalise_subject
from casewell.offices.models import Office

SHINGLE_WORDS = 3
SKETCH_SIZE = 128
# Fingerprints are indexed by their smallest few hashes: two texts with a Jaccard
# similarity of 0.5 share none of their 16 smallest with a chance of about 1 in 65,000.
INDEXED_HASHES = 16
MIN_WORDS = 25
SIMILARITY = 0.6
SENDERS = 3
WINDOW_DAYS = 30
TEXT_CHARACTERS = 20_000
# Messages re-read behind the newest one seen, for ones committed out of order by other workers.
OVERLAP = 50
# A remembered message is compared in full only when it shares this many of the indexed
# hashes (a shared greeting or stock phrase alone is not enough). Simulated on 20,000 pairs
# of 400-shingle texts: at a similarity of 0.5 or more no true match shared fewer; at 0.3
# (a threshold far below the default) 1 in 125 did.
MIN_SHARED = 3
# A hash held by more ungrouped messages than this (or four times the senders a campaign
# needs, if more) is too common to find letters by; no more candidates than this are scored.
COMMON_POSTING = 50
MAX_COMPARED = 200
# How often the list of open campaigns is read again; one started meanwhile by another
# worker is still found, under the lock, before a second one could be started.
CAMPAIGNS_READ_EVERY_SECONDS = 5
METHOD = "bottom-k minhash, 3-word shingles, blake2b-63"

Sketch = tuple[int, ...]


def similarity_threshold() -> float:
    return float(getattr(settings, "INBOX_CAMPAIGN_SIMILARITY", SIMILARITY))


def senders_needed() -> int:
    return int(getattr(settings, "INBOX_CAMPAIGN_SENDERS", SENDERS))


def window_days() -> int:
    return int(getattr(settings, "INBOX_CAMPAIGN_WINDOW_DAYS", WINDOW_DAYS))


# --- Fingerprints ---------------------------------------------------------------------------


def campaign_words(text_body: str, html_body: str = "") -> list[str]:
    """The words a campaign letter shares: no greeting, signature or quoted mail, lower case."""
    text = plain_text(text_body[:TEXT_CHARACTERS], html_body[:TEXT_CHARACTERS])
    return words_of(split_body(text).words)


# Shingles already hashed, and their hashes: a campaign's letters are the same words
# over and over, and looking a shingle up costs a fifth of hashing it. Emptied when full.
_hashed: dict[str, int] = {}
MOST_HASHED = 50_000


def sketch_of(words: list[str]) -> Sketch | None:
    """The fingerprint of a text's words, or None when it is too short to be a campaign letter."""
    if len(words) < MIN_WORDS:
        return None
    if len(_hashed) > MOST_HASHED:
        _hashed.clear()
    # Each shingle's hash is its 8-byte BLAKE2b digest less one bit (METHOD); written out
    # in the loop, as for every shingle of every message a function call itself counts.
    blake2b, from_bytes, hashed = hashlib.blake2b, int.from_bytes, _hashed
    hashes = set()
    for shingle in zip(*(words[start:] for start in range(SHINGLE_WORDS)), strict=False):
        text = " ".join(shingle)
        value = hashed.get(text)
        if value is None:
            value = hashed[text] = (
                from_bytes(blake2b(text.encode(), digest_size=8).digest(), "big") >> 1
            )
        hashes.add(value)
    return tuple(sorted(hashes)[:SKETCH_SIZE])


def similarity(first: Sketch, second: Sketch) -> float:
    """Estimated Jaccard similarity of the texts behind two fingerprints (0 to 1).

    The smallest hashes of the union stand for a random sample of all shingles;
    the share of them found in both texts estimates the share the texts have in
    common. For texts shorter than the sketch it is exact.
    """
    return _similarity(frozenset(first), frozenset(second))


def _similarity(one: frozenset[int], other: frozenset[int]) -> float:
    if not one or not other:
        return 0.0
    shared = len(one & other)
    if shared == 0:
        return 0.0
    sample = sorted(one | other)[:SKETCH_SIZE]
    return sum(1 for value in sample if value in one and value in other) / len(sample)


def signature_json(sketch: Sketch) -> dict[str, object]:
    return {"method": METHOD, "hashes": list(sketch)}


def sketch_from_signature(signature: object) -> Sketch:
    if isinstance(signature, dict) and signature.get("method") == METHOD:
        return tuple(int(value) for value in signature.get("hashes") or ())
    return ()


# --- What each process remembers of an office's recent mail -----------------------------------


@dataclass
class _Remembered:
    sender: str
    sketch: Sketch
    values: frozenset[int]
    created_at: datetime
    campaign: int | None = None  # grouped: no longer a candidate for starting one


@dataclass
class _Recent:
    """Fingerprints of an office's recent messages, and its open campaigns'.

    ``postings`` indexes each ungrouped message by its smallest hashes, so the
    messages like a new one are found without comparing it with every message.
    """

    messages: dict[int, _Remembered] = field(default_factory=dict)
    read: dict[int, datetime] = field(default_factory=dict)  # every pk read, fingerprint or not
    postings: dict[int, set[int]] = field(default_factory=dict)
    newest: tuple[int, datetime] | None = None  # (pk, created_at) of the newest read
    oldest: datetime | None = None  # when the oldest message read arrived
    campaigns: dict[int, tuple[Sketch, frozenset[int]]] = field(default_factory=dict)
    campaigns_read_at: float = -1e9
    batch: object = None  # the batch whose first message last read the database

    def add(
        self,
        pk: int,
        sender: str,
        sketch: Sketch | None,
        created_at: datetime,
        campaign: int | None = None,
    ) -> None:
        self.read[pk] = created_at
        if self.oldest is None or created_at < self.oldest:
            self.oldest = created_at
        if self.newest is None or pk > self.newest[0]:
            self.newest = (pk, created_at)
        if sketch is None or pk in self.messages:
            return
        self.messages[pk] = _Remembered(sender, sketch, frozenset(sketch), created_at, campaign)
        if campaign is None:
            self._index(pk)

    def _index(self, pk: int) -> None:
        for value in self.messages[pk].sketch[:INDEXED_HASHES]:
            self.postings.setdefault(value, set()).add(pk)

    def _unindex(self, pk: int) -> None:
        for value in self.messages[pk].sketch[:INDEXED_HASHES]:
            holders = self.postings.get(value)
            if holders is not None:
                holders.discard(pk)
                if not holders:
                    del self.postings[value]

    def grouped(self, pk: int, campaign: int) -> None:
        remembered = self.messages.get(pk)
        if remembered is not None and remembered.campaign is None:
            self._unindex(pk)
            remembered.campaign = campaign

    def campaign_gone(self, campaign: int) -> None:
        """A campaign rolled back or closed: its members are candidates again."""
        self.campaigns.pop(campaign, None)
        for pk, remembered in self.messages.items():
            if remembered.campaign == campaign:
                remembered.campaign = None
                self._index(pk)

    def forget(self, pk: int) -> None:
        self.read.pop(pk, None)
        if pk in self.messages:
            if self.messages[pk].campaign is None:
                self._unindex(pk)
            del self.messages[pk]

    def drop_older_than(self, cutoff: datetime) -> None:
        if self.oldest is None or self.oldest >= cutoff:
            return
        for pk in [pk for pk, at in self.read.items() if at < cutoff]:
            self.forget(pk)
        self.oldest = min(self.read.values(), default=None)

    def near(self, sketch: Sketch, leaving_out: int) -> list[tuple[int, str, float]]:
        """(pk, sender, similarity) of ungrouped remembered messages similar enough to
        ``sketch``, most similar first."""
        shared: Counter[int] = Counter()
        common = max(COMMON_POSTING, 4 * senders_needed())
        for value in sketch[:INDEXED_HASHES]:
            holders = self.postings.get(value, ())
            # A hash held by very many ungrouped messages is a stock phrase they share,
            # not a sign of one letter (its copies would have made a campaign by now).
            if len(holders) <= common:
                shared.update(holders)
        shared.pop(leaving_out, None)
        threshold = similarity_threshold()
        values = frozenset(sketch)
        found = []
        # As shared.most_common(MAX_COMPARED) (ties in the same order), leaving out first
        # the many that share too few to be compared at all.
        likely = sorted(
            ((pk, count) for pk, count in shared.items() if count >= MIN_SHARED),
            key=itemgetter(1),
            reverse=True,
        )
        for pk, _ in likely[:MAX_COMPARED]:
            other = self.messages[pk]
            # Quickly: the estimate can be no higher than the share of values in both.
            both = len(values & other.values)
            union = len(values) + len(other.values) - both
            if both < threshold * min(SKETCH_SIZE, union):
                continue
            score = _similarity(values, other.values)
            if score >= threshold:
                found.append((pk, other.sender, score))
        return sorted(found, key=lambda hit: (-hit[2], hit[0]))


# By office and its creation time: a test database hands the same id to a new office.
_recent: dict[tuple[int, object], _Recent] = {}
_lock = threading.Lock()


def forget_recent() -> None:
    """Drop what every office's recent mail looked like (tests; it is rebuilt on demand)."""
    with _lock:
        _recent.clear()


def _brought_up_to_date(
    office: Office | OfficeFacts, message: Message, sketch: Sketch, batch: object = None
) -> _Recent:
    """The office's recent fingerprints, with every message committed since the last call
    (or, in a batch, since its first message) and ``message`` itself."""
    office_id, key = office.pk, (office.pk, office.created_at)
    cutoff = timezone.now() - timedelta(days=window_days())
    recent = _recent.get(key)
    if recent is None:
        recent = _recent[key] = _Recent()
    recent.drop_older_than(cutoff)
    present: list[int] = []
    if batch is None or recent.batch is not batch:
        # Re-read a little behind the newest: other workers commit out of order.
        after = max(recent.newest[0] - OVERLAP, 0) if recent.newest else 0
        present = queries.recent_message_ids(office_id, after_pk=after, since=cutoff)
        if recent.newest is not None and recent.newest[0] not in present:
            # The newest message we read is gone (rolled back, deleted): what we remember
            # is of a past that did not happen. Start again.
            recent = _recent[key] = _Recent()
            present = queries.recent_message_ids(office_id, after_pk=0, since=cutoff)
        recent.batch = batch
    # This message was just read; its words are in hand (and replace any stale memory).
    recent.forget(message.pk)
    recent.add(message.pk, (message.from_address or "").lower(), sketch, message.created_at)
    # Messages after this one (read in the same batch) are added when they are placed.
    unread = [pk for pk in present if pk not in recent.read and pk < message.pk]
    for start in range(0, len(unread), 500):
        for pk, sender, text, markup, created_at, campaign in queries.message_texts(
            office_id, unread[start : start + 500]
        ):
            words = campaign_words(text, markup)
            recent.add(pk, (sender or "").lower(), sketch_of(words), created_at, campaign)
    now = time.monotonic()
    if now - recent.campaigns_read_at >= CAMPAIGNS_READ_EVERY_SECONDS:
        _read_open_campaigns(recent, office_id, cutoff)
        recent.campaigns_read_at = now
    return recent


def _read_open_campaigns(recent: _Recent, office_id: int, cutoff: datetime) -> None:
    open_ids = set(
        Campaign.all_offices.filter(office_id=office_id, created_at__gte=cutoff).values_list(
            "pk", flat=True
        )
    )
    for gone in set(recent.campaigns) - open_ids:
        recent.campaign_gone(gone)
    unread = open_ids - set(recent.campaigns)
    for pk, signature in Campaign.all_offices.filter(pk__in=unread).values_list("pk", "signature"):
        sketch = sketch_from_signature(signature)
        recent.campaigns[pk] = (sketch, frozenset(sketch))


# --- Grouping -------------------------------------------------------------------------------


def _best_campaign(recent: _Recent, sketch: Sketch) -> int | None:
    threshold = similarity_threshold()
    values = frozenset(sketch)
    scored = [
        (_similarity(values, signature), pk) for pk, (_, signature) in recent.campaigns.items()
    ]
    scored = [(score, pk) for score, pk in scored if score >= threshold]
    return max(scored)[1] if scored else None


def _title(message: Message, words: list[str]) -> str:
    subject = " ".join((message.subject or "").split())
    if normalise_subject(subject):
        return subject[:300]
    return (" ".join(words[:12]) + "…")[:300]


def group_into_campaign(
    message: Message, office: Office | OfficeFacts | None = None, *, batch: object = None
) -> Campaign | None:
    """Put ``message`` into the campaign its text belongs to, starting one if enough
    different senders have now sent it; returns the campaign or None.

    ``batch``, the same object for every message of a batch placed in turn: the office's
    recent mail is read from the database once for the batch, and its later messages
    are remembered as they are placed (mail other workers commit meanwhile is read
    with the next batch).

    Requires the message saved and its office bound. Sets ``message.campaign``
    (the caller saves it); when a campaign is started, the earlier messages
    joining it are saved here (an audit entry each).
    """
    if message.kind != MessageKind.MESSAGE or message.campaign_id is not None:
        return None
    words = campaign_words(message.text_body, message.html_body)
    sketch = sketch_of(words)
    if sketch is None:
        return None
    with _lock:
        office = office or queries.office_facts(message.office_id)
        recent = _brought_up_to_date(office, message, sketch, batch)
        campaign_id = _best_campaign(recent, sketch)
        if campaign_id is not None:
            campaign = Campaign.all_offices.filter(
                office_id=message.office_id, pk=campaign_id
            ).first()
            if campaign is not None:
                message.campaign = campaign
                recent.grouped(message.pk, campaign.pk)
                return campaign
            recent.campaign_gone(campaign_id)  # rolled back since it was read
        near = recent.near(sketch, leaving_out=message.pk)
    sender = (message.from_address or "").lower()
    if len({other for _, other, _ in near} | {sender}) < senders_needed():
        return None
    return _start_campaign(message, office, sketch, words, near)


def _start_campaign(
    message: Message,
    office: Office | OfficeFacts,
    sketch: Sketch,
    words: list[str],
    near: list[tuple[int, str, float]],
) -> Campaign | None:
    with transaction.atomic():
        # One campaign at a time per office: on PostgreSQL two workers seeing the same
        # letter at once would otherwise start two campaigns for it.
        Office.objects.select_for_update().filter(pk=message.office_id).first()
        cutoff = timezone.now() - timedelta(days=window_days())
        threshold = similarity_threshold()
        for campaign in Campaign.all_offices.filter(
            office_id=message.office_id, created_at__gte=cutoff
        ).order_by("-created_at"):
            if similarity(sketch, sketch_from_signature(campaign.signature)) >= threshold:
                message.campaign = campaign
                return campaign
        # What memory found is checked against the database: still there, not yet grouped.
        remembered_senders = {pk: sender for pk, sender, _ in near}
        members = [
            member
            for member in Message.all_offices.filter(
                office_id=message.office_id, pk__in=list(remembered_senders), campaign__isnull=True
            ).exclude(pk=message.pk)
            if (member.from_address or "").lower() == remembered_senders[member.pk]
        ]
        senders = {(other.from_address or "").lower() for other in members}
        senders.add((message.from_address or "").lower())
        if len(senders) < senders_needed():
            return None
        campaign = Campaign.all_offices.create(
            office_id=message.office_id,
            title=_title(message, words),
            signature=signature_json(sketch),
        )
        for member in members:
            member.campaign = campaign
            member.save(update_fields=["campaign"])
        message.campaign = campaign
    with _lock:
        recent = _recent.get((office.pk, office.created_at))
        if recent is not None:
            recent.campaigns[campaign.pk] = (sketch, frozenset(sketch))
            for pk in [message.pk, *(member.pk for member in members)]:
                recent.grouped(pk, campaign.pk)
    return campaign
