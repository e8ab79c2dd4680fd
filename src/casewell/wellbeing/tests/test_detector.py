"""The distress detector's rules: categories, severity, negation, quotation, the
always-flagged plans and threats, and an office's own phrases."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from casewell.wellbeing.distress import CATEGORIES, assess, office_lexicon
from casewell.wellbeing.distress.detector import CURATED, PREFIX, Lexicon


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Since the eviction I have been feeling suicidal most nights.", "suicide"),
        ("Sometimes I wish I wasn't alive at all.", "suicide"),
        ("He cuts himself when the bailiffs come.", "self-harm"),
        ("She took an overdose last month.", "self-harm"),
        ("My daughter was sexually abused by her stepfather.", "abuse"),
        ("There are safeguarding concerns about the baby.", "abuse"),
        ("Her boyfriend punched her in the street and she needed stitches.", "violence"),
        ("He was stabbed outside the chip shop.", "violence"),
        ("I know where you live and I'm coming for you.", "threat-to-staff"),
        ("Our receptionist had another threatening caller this morning.", "threat-to-staff"),
        ("My husband passed away in March and the funeral cost everything.", "bereavement"),
        ("We lost our baby at 30 weeks.", "bereavement"),
    ],
)
def test_each_category_is_found(text, category):
    assert category in assess(text).categories


def test_nothing_distressing_gives_no_categories_and_severity_zero():
    found = assess("The council still hasn't fixed the damp in the back bedroom.")
    assert (found.categories, found.severity, found.phrases) == ([], 0, [])
    assert not found


def test_the_phrases_that_triggered_it_are_given():
    found = assess("Since the eviction I have been feeling suicidal.")
    assert found.phrases == ["suicidal"]


def test_severity_is_the_highest_of_the_phrases_found():
    assert assess("The coroner has written to us.").severity == 1
    assert assess("She was assaulted at the bus stop.").severity == 2
    assert assess("I have decided to end my life.").severity == 3


def test_several_categories_are_listed_in_the_lexicons_order():
    found = assess("After her son died by suicide she started cutting herself.")
    assert found.categories == ["suicide", "self-harm", "bereavement"]


@pytest.mark.parametrize(
    "text",
    [
        "He denies suicidal thoughts.",
        "There is no sign of self-harm.",
        "She has never been assaulted.",
        "No safeguarding concerns were raised.",
    ],
)
def test_a_negated_phrase_is_not_flagged(text):
    assert assess(text).categories == []


def test_negation_stops_at_the_end_of_the_clause():
    assert assess("He is not in work, and feels suicidal.").categories == ["suicide"]
    assert assess("No, he is not safe: he was assaulted again.").categories == ["violence"]


def test_two_negations_cancel_so_the_phrase_is_still_flagged():
    assert assess("I'm not sure I won't hurt myself tonight.").categories == ["self-harm"]


def test_a_phrase_that_is_itself_negative_is_still_found():
    assert assess("I don't want to live like this any more.").categories == ["suicide"]


@pytest.mark.parametrize(
    "text",
    [
        "I am going to kill myself on Friday.",
        "I'm not going to lie, I am going to kill myself.",
        "No one will stop me, I have a plan to end my life.",
        "I've decided to take my own life.",
        "Tonight I will end it.",
    ],
)
def test_a_stated_plan_of_suicide_is_always_flagged(text):
    found = assess(text)
    assert "suicide" in found.categories
    assert found.severity == 3


@pytest.mark.parametrize(
    "text",
    [
        "I know where you live.",
        "I will find you.",
        "Tell the caseworker I'll stab her.",
        "I am not joking, I will kill you.",
        "You'll regret this.",
        "I'll burn your office down.",
        "> I will hurt your staff",
        'She said "I will kill you" and hung up.',
    ],
)
def test_an_explicit_threat_to_staff_is_always_flagged(text):
    found = assess(text)
    assert "threat-to-staff" in found.categories
    assert found.severity == 3


def test_everyday_offers_of_help_are_not_threats():
    for text in ["I'll get you the form tomorrow.", "We will find you a solicitor.",
                 "I will do you a copy of the letter."]:  # fmt: skip
        assert "threat-to-staff" not in assess(text).categories, text


def test_a_bare_mention_in_quotation_marks_is_discounted():
    assert assess('The leaflet is called "Bereavement" and is free.').categories == []
    assert assess("The leaflet called ‘suicide’ was sent.").categories == []


def test_a_statement_in_quotation_marks_is_still_flagged():
    assert assess('She wrote "I want to die" on the form.').categories == ["suicide"]


def test_lines_quoted_from_an_earlier_email_are_discounted_but_not_their_plans():
    reply = "Thanks, that helps.\n> If you are feeling suicidal, call the Samaritans."
    assert assess(reply).categories == []
    plan = "Thanks.\n> I have decided to end my life."
    assert assess(plan).categories == ["suicide"]


def test_curly_apostrophes_and_capitals_do_not_hide_a_phrase():
    assert assess("I DON’T WANT TO LIVE ANY MORE").categories == ["suicide"]


def test_a_heart_attack_is_not_violence():
    assert assess("My father had a heart attack last week.").categories == []


def test_an_office_adds_its_own_phrases_with_a_severity():
    lexicon = office_lexicon([("abuse", "cuckooed flat", 3), ("violence", "Machete", 1)])
    found = assess("They have cuckooed  flats on the estate.", lexicon)
    assert (found.categories, found.severity) == (["abuse"], 3)
    assert assess("they have cuckooed flats", [("abuse", "cuckooed flat", 3)]).severity == 3


def test_an_office_phrase_in_an_unknown_category_is_ignored():
    assert assess("purple elephants", [("sadness", "purple elephant", 2)]).categories == []


def test_every_category_has_a_label():
    from casewell.wellbeing.distress import LABELS

    assert set(LABELS) == set(CATEGORIES)


def test_empty_text_is_nothing():
    assert assess("").severity == 0
    assert assess(None).categories == []


DISTRESS_CORPUS = Path("/work/shared/corpora/distress")


@pytest.mark.skipif(not DISTRESS_CORPUS.is_dir(), reason="the shared distress corpus is absent")
def test_scanning_only_promising_word_starts_finds_what_trying_every_word_finds():
    def every_word(lexicon: Lexicon, text: str) -> list[tuple[str, int]]:
        found = []
        for word in re.finditer(r"(?<![\w-])\w", text):
            at = word.start()
            candidates = [
                *lexicon.index.get(text[at : at + PREFIX], ()),
                *(rule for length in sorted(lexicon.short_keys)
                  for rule in lexicon.index.get(text[at : at + length], ())),
            ]  # fmt: skip
            found += [
                (rule.category, hit.start())
                for rule in candidates
                if (hit := rule.expression.match(text, at))
            ]
        return found

    texts = []
    for path in sorted(DISTRESS_CORPUS.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as source:
            texts += [" ".join(row[1:] + row[:1]).lower() for row in csv.reader(source)]
    flagged = 0
    for text in texts:
        promising = [
            (rule.category, hit.start())
            for rule, hit in CURATED.matches(text)
            if rule not in CURATED.unindexed
        ]
        assert promising == every_word(CURATED, text), text
        flagged += bool(promising)
    assert flagged > 100  # not vacuous: the corpus is full of such phrases
