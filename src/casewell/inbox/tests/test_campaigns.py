"""Campaigns: the same letter from many senders grouped once, with each sender recorded."""

from __future__ import annotations

import hashlib
import random

import pytest
from django.db import transaction

from casewell.inbox.campaigns import (
    METHOD,
    SHINGLE_WORDS,
    campaign_words,
    similarity,
    sketch_from_signature,
    sketch_of,
)
from casewell.inbox.models import Campaign, Message, MessageKind
from casewell.inbox.tests.placing_mail import a_case, days_ago, letter, placed
from casewell.offices.tenancy import bind_office

LIBRARY = (
    "I am writing as your constituent to ask you to oppose the closure of Hillside Library. "
    "The library is used every day by children doing their homework, by older people who have "
    "nowhere else warm to go, and by job seekers who have no computer at home. The council "
    "says the closure will save money, but the cost of losing the only free public space in "
    "our neighbourhood will be far greater. Please write to the council leader, raise this in "
    "Parliament, and attend the public meeting on 14 January. Our community needs your support."
)
PERSONAL = [
    "",
    "My two daughters learnt to read there.",
    "I go there every Tuesday for the coffee morning.",
    "My husband found his job through the library's computers.",
]
NAMES = ["Amara Okafor", "Tom Riley", "Sian Evans", "Bilal Hussain", "Grace Lin", "Owen Price"]


def campaign_letter(number: int) -> str:
    name = NAMES[number % len(NAMES)]
    personal = PERSONAL[number % len(PERSONAL)]
    greeting = random.Random(number).choice(["Dear Ms Achebe,", "Dear MP,", "Hello Ms Achebe,"])
    return letter(
        f"{personal} {LIBRARY}".strip(),
        greeting=greeting,
        sign_off=random.Random(number).choice(["Yours sincerely,", "Kind regards,", "Thanks,"]),
        signature=[name, f"{number} Hillside Road", "LS6 2AB"],
    )


def send(office, number: int, **fields):
    name = NAMES[number % len(NAMES)]
    fields.setdefault("sender", f"{name.lower().replace(' ', '.')}.{number}@example.net")
    fields.setdefault("subject", "Save Hillside Library")
    fields.setdefault("body", campaign_letter(number))
    return placed(office, name=name, **fields)


def campaigns(office):
    with bind_office(office):
        return list(Campaign.objects.order_by("pk"))


def members(campaign):
    with bind_office(campaign.office_id):
        return set(Message.objects.filter(campaign=campaign).values_list("pk", flat=True))


def test_the_same_letter_from_three_senders_makes_one_campaign_and_all_join(cast):
    first, second = send(cast.north, 1), send(cast.north, 2)
    assert first.campaign is None and second.campaign is None
    third = send(cast.north, 3)
    assert third.campaign is not None
    assert campaigns(cast.north) == [third.campaign]
    assert members(third.campaign) == {first.pk, second.pk, third.pk}
    assert third.campaign.title == "Save Hillside Library"
    assert third.campaign.signature["method"] == METHOD


def test_later_letters_join_the_open_campaign(cast):
    started = [send(cast.north, n) for n in range(1, 4)][-1].campaign
    fourth = send(cast.north, 4, subject="Fwd: please help save our library")
    assert fourth.campaign == started
    assert len(campaigns(cast.north)) == 1
    assert len(members(started)) == 4


def test_two_senders_are_not_yet_a_campaign(cast):
    send(cast.north, 1)
    send(cast.north, 2)
    assert campaigns(cast.north) == []


def test_one_sender_writing_the_same_letter_again_and_again_is_never_a_campaign(cast):
    for number in range(1, 5):
        send(cast.north, number, sender="same.person@example.net")
    assert campaigns(cast.north) == []
    # A second and third sender then make it one, and the repeats join too.
    send(cast.north, 5)
    started = send(cast.north, 6).campaign
    assert started is not None and len(members(started)) == 6


def test_the_number_of_senders_is_a_setting(cast, settings):
    settings.INBOX_CAMPAIGN_SENDERS = 2
    send(cast.north, 1)
    assert send(cast.north, 2).campaign is not None


def test_letters_on_the_same_subject_in_their_own_words_are_not_a_campaign(cast):
    own_words = [
        "Please do not let them close Hillside Library, my children go there after school "
        "and it is the only place they can do homework in peace because our flat is small.",
        "The library closure is a mistake. The council wasted money on the new offices and now "
        "wants to take it out of services for the poorest. I expect you to speak up for us.",
        "I read in the paper that Hillside Library might close. I am 81 and it is where I meet "
        "people. Could you let me know what you are doing about it and whether there is a vote?",
    ]
    for number, words in enumerate(own_words, start=1):
        send(cast.north, number, body=letter(words))
    assert campaigns(cast.north) == []


def test_short_messages_never_make_a_campaign(cast):
    for number in range(1, 6):
        send(cast.north, number, subject="Re: your letter", body=letter("Thank you for your help."))
    assert campaigns(cast.north) == []


def test_auto_replies_are_never_grouped(cast):
    for number in range(1, 5):
        send(cast.north, number, kind=MessageKind.AUTO_REPLY)
    assert campaigns(cast.north) == []


def test_another_offices_letters_do_not_count(cast):
    send(cast.north, 1)
    send(cast.north, 2)
    send(cast.south, 3)
    assert campaigns(cast.north) == [] and campaigns(cast.south) == []


def test_letters_older_than_the_window_do_not_count(cast, settings):
    settings.INBOX_CAMPAIGN_WINDOW_DAYS = 10
    send(cast.north, 1, created_at=days_ago(11))
    send(cast.north, 2)
    assert send(cast.north, 3).campaign is None
    assert send(cast.north, 4).campaign is not None


def test_a_message_on_a_case_is_not_grouped(cast, settings):
    settings.INBOX_CAMPAIGN_SENDERS = 2
    case = a_case(cast.ada, "Library closure")
    send(cast.north, 1)
    on_case = send(cast.north, 2, subject=f"[{case.reference}] Save Hillside Library")
    assert on_case.case == case and on_case.campaign is None


@pytest.mark.parametrize("above", [False, True])
def test_the_similarity_threshold_is_the_edge(cast, settings, above):
    """Two letters whose similarity is s group at a threshold of s, and not just above it."""
    settings.INBOX_CAMPAIGN_SENDERS = 2
    one, two = campaign_letter(1), campaign_letter(2)
    score = similarity(sketch_of(campaign_words(one)), sketch_of(campaign_words(two)))
    assert 0.6 < score < 1
    settings.INBOX_CAMPAIGN_SIMILARITY = score + 1e-9 if above else score
    send(cast.north, 1, body=one)
    grouped = send(cast.north, 2, body=two).campaign
    assert (grouped is None) == above


def _exact(first: str, second: str) -> float:
    def shingles(text: str) -> set[str]:
        words = campaign_words(text)
        return {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - 2)}

    a, b = shingles(first), shingles(second)
    return len(a & b) / len(a | b)


def test_the_estimate_is_close_to_the_true_similarity():
    """On letters longer than the sketch, so the estimate is a sample, not the whole set."""
    chance = random.Random(7)
    vocabulary = sorted(set(campaign_words(LIBRARY)))
    base = [chance.choice(vocabulary) for _ in range(600)]
    original = letter(" ".join(base))
    for changed in (0, 30, 80, 150, 250):
        edited = list(base)
        for index in chance.sample(range(len(edited)), changed):
            edited[index] = f"word{index}"
        other = letter(" ".join(edited))
        estimate = similarity(sketch_of(campaign_words(original)), sketch_of(campaign_words(other)))
        assert abs(estimate - _exact(original, other)) <= 0.12


def test_a_fingerprint_is_stored_and_read_back():
    sketch = sketch_of(campaign_words(letter(LIBRARY)))
    assert sketch is not None and len(sketch) <= 128
    assert sketch_from_signature({"method": METHOD, "hashes": list(sketch)}) == sketch
    assert sketch_from_signature({"method": "something else", "hashes": [1]}) == ()
    assert similarity(sketch, sketch) == 1.0
    assert sketch_of(["too", "short"]) is None


def test_a_fingerprint_is_the_same_whether_its_shingles_were_hashed_before_or_not(monkeypatch):
    from casewell.inbox import campaigns

    words = campaign_words(letter(LIBRARY))
    shingles = {" ".join(words[start : start + 3]) for start in range(len(words) - 2)}
    expected = tuple(
        sorted(
            int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big") >> 1
            for shingle in shingles
        )[:128]
    )
    monkeypatch.setattr(campaigns, "_hashed", {})
    assert sketch_of(words) == expected, "hashed afresh"
    assert sketch_of(words) == expected, "looked up"
    monkeypatch.setattr(campaigns, "MOST_HASHED", 10)
    sketch_of(words[::-1])
    assert len(campaigns._hashed) <= 10 + len(words), "emptied when full"


def test_a_rolled_back_campaign_is_forgotten_and_grouping_goes_on(cast):
    send(cast.north, 1)
    send(cast.north, 2)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert send(cast.north, 3).campaign is not None
        raise RuntimeError("the job failed after placing")
    assert campaigns(cast.north) == []
    started = send(cast.north, 4).campaign
    assert started is not None and len(members(started)) == 3


def test_a_campaign_needing_many_senders_still_forms(cast, settings):
    """More copies wait ungrouped than the limit on a stock phrase's messages (50): the
    limit grows with the senders needed, so the letter is still found."""
    settings.INBOX_CAMPAIGN_SENDERS = 60
    for number in range(1, 60):
        assert send(cast.north, number).campaign is None
    started = send(cast.north, 60).campaign
    assert started is not None and len(members(started)) == 60
