"""A suggested category learnt from the office's own cases, with the words that drove it."""

from __future__ import annotations

import random

import pytest

from casewell.cases.categories import retire_category
from casewell.cases.services import open_case
from casewell.inbox.suggestions import Model, stem, suggest_category, terms_of
from casewell.inbox.tests.placing_mail import category, letter, placed, stored_message
from casewell.offices.tenancy import bind_office

# What people write about each kind of case, in their words; cases and messages are drawn
# from these at random, so no two are the same.
PHRASES = {
    "Housing": [
        "there is black mould and damp in the children's bedroom",
        "my landlord refuses to repair the leaking roof",
        "the housing association has ignored three repair requests",
        "we have been on the council housing waiting list for four years",
        "the boiler has broken and the landlord will not fix it",
        "I have received an eviction notice from the letting agent",
        "condensation and mould are making my son's asthma worse",
    ],
    "Benefits": [
        "my universal credit payment has been stopped without warning",
        "the PIP assessment decision ignored my medical evidence",
        "I was given a sanction for missing a jobcentre appointment",
        "the DWP is taking an overpayment deduction from my claim",
        "my work capability assessment has been cancelled twice",
        "the universal credit journal says my claim is under review",
        "I cannot afford food since the benefit cap was applied",
    ],
    "Immigration": [
        "my spouse visa application has been waiting for eight months",
        "the Home Office has not replied about my settlement application",
        "my biometric residence permit has the wrong date of birth",
        "my passport is still held by the Home Office",
        "the visa decision letter says my documents were missing",
        "my mother cannot get a visitor visa for my wedding",
        "the EU settlement scheme status shows as pending",
    ],
}
FILLER = [
    "I have attached the letters.",
    "This has been going on since the summer.",
    "I would be grateful for anything you can do.",
    "Nobody answers the phone when I call.",
]


def open_cases(user, per_category: int, names=("Housing", "Benefits", "Immigration"), seed=1):
    chance = random.Random(seed)
    cases = []
    for name in names:
        for _ in range(per_category):
            words = chance.sample(PHRASES[name], 2)
            case = open_case(
                user, summary=words[0].capitalize()[:300], category=category(user.office, name)
            )
            body = letter(f"{words[1].capitalize()}. {chance.choice(FILLER)}")
            stored_message(user.office, subject=words[1][:60], body=body, case=case)
            cases.append(case)
    return cases


DAMP = letter(
    "The damp has come back and now there is mould on the walls. "
    "My landlord says it is our fault and will not repair anything."
)


@pytest.fixture
def checked_every_time(settings):
    settings.INBOX_SUGGESTION_CHECK_SECONDS = 0


def test_the_suggestion_names_the_category_and_the_words_that_drove_it(cast, checked_every_time):
    open_cases(cast.ada, per_category=8)
    message = stored_message(cast.north, subject="Mould in the flat", body=DAMP)
    with bind_office(cast.north):
        suggestion = suggest_category(message)
    assert suggestion is not None
    assert suggestion.category == category(cast.north, "Housing")
    assert suggestion.probability >= 0.6
    assert 1 <= len(suggestion.because) <= 3
    assert set(suggestion.because) <= {"damp", "mould", "landlord", "repair", "wall"}
    assert suggestion.explanation == "because: " + ", ".join(suggestion.because)


def test_placing_fills_the_suggestion_only(cast, checked_every_time):
    open_cases(cast.ada, per_category=8)
    message = placed(
        cast.north,
        subject="Universal credit stopped",
        body=letter("My universal credit payment stopped and the jobcentre gave me a sanction."),
    )
    assert message.suggested_category == category(cast.north, "Benefits")
    assert message.case is None


def test_nothing_is_suggested_when_unsure(cast, checked_every_time):
    open_cases(cast.ada, per_category=8)
    vague = stored_message(
        cast.north, subject="Please call me", body=letter("Could someone call me back please?")
    )
    unknown = stored_message(
        cast.north, subject="Bins", body=letter("The recycling bins were not emptied.")
    )
    with bind_office(cast.north):
        assert suggest_category(vague) is None
        assert suggest_category(unknown) is None


def test_an_office_with_too_few_cases_gets_no_suggestion(cast, checked_every_time):
    open_cases(cast.ada, per_category=3)
    message = stored_message(cast.north, subject="Mould", body=DAMP)
    with bind_office(cast.north):
        assert suggest_category(message) is None


def test_a_retired_category_is_never_suggested(cast, checked_every_time):
    open_cases(cast.ada, per_category=8)
    retire_category(cast.amir, category(cast.north, "Housing"))
    message = stored_message(cast.north, subject="Mould", body=DAMP)
    with bind_office(cast.north):
        suggestion = suggest_category(message)
    assert suggestion is None or suggestion.category.name != "Housing"


def test_the_model_learns_again_when_the_offices_cases_change(cast, settings):
    settings.INBOX_SUGGESTION_CHECK_SECONDS = 3600
    open_cases(cast.ada, per_category=10, names=("Benefits", "Immigration"))
    message = stored_message(cast.north, subject="Mould", body=DAMP)
    with bind_office(cast.north):
        before = suggest_category(message)
    assert before is None or before.category.name != "Housing"
    open_cases(cast.ada, per_category=8, names=("Housing",), seed=2)
    with bind_office(cast.north):
        # Not checked again yet: the model in memory is kept.
        still = suggest_category(message)
        assert (still and still.category) == (before and before.category)
        settings.INBOX_SUGGESTION_CHECK_SECONDS = 0
        after = suggest_category(message)
    assert after is not None and after.category.name == "Housing"


def test_each_office_learns_only_from_its_own_cases(cast, checked_every_time):
    open_cases(cast.ada, per_category=8)
    message = stored_message(cast.south, subject="Mould", body=DAMP)
    with bind_office(cast.south):
        assert suggest_category(message) is None


def test_naive_bayes_by_hand():
    model = Model.train(
        [(1, ["damp", "mould", "landlord"])] * 12 + [(2, ["visa", "passport", "home"])] * 12
    )
    predicted = model.predict(["damp", "landlord", "visa"])
    assert predicted is not None
    category_id, probability, because = predicted
    assert category_id == 1 and probability > 0.6
    assert because == ("damp", "landlord")
    assert model.predict(["unknown", "words"]) is None


def test_terms_leave_out_common_words_and_stem_plurals():
    assert terms_of("Dear MP, my landlords have repairs to do") == ["landlord", "repair"]
    assert stem("address") == "address" and stem("nurseries") == "nursery"
