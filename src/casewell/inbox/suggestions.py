"""A suggested category for a new message, learnt from the office's own past cases.

The model is multinomial naive Bayes, small enough to read: each category's
cases (their summary and the words of their messages) give how often each word
is used for it; a new message scores each category by its words, and the
words that pushed the winner ahead most are given as the reason ("because:
housing, damp, landlord"). When the office has too few cases, the message
has too few known words, or no category is clearly ahead, it suggests nothing.

A suggestion only fills ``Message.suggested_category``: a caseworker decides.
Each office's model is kept in memory, checked against the office's cases at
most once a minute and trained again when they have changed (or an hour has
passed, so messages newly put on cases count).
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Max

from casewell.cases.models import Case, Category
from casewell.inbox import placing_queries as queries
from casewell.inbox.message_text import plain_text, split_body, words_of
from casewell.inbox.models import Message
from casewell.inbox.placing_queries import OfficeFacts
from casewell.offices.models import Office

MIN_CASES = 20  # below this an office's history says too little
MIN_CASES_PER_CATEGORY = 3
MIN_KNOWN_WORDS = 2
MIN_CONFIDENCE = 0.6  # the winning category's probability
REASON_WORDS = 3
# What training reads: the newest cases, a few messages each, the start of each.
TRAINING_CASES = 5000
MESSAGES_PER_CASE = 3
CHARACTERS_PER_MESSAGE = 4000
READ_CHARACTERS = 20_000  # of a long message, its start is what it is about
CHECK_EVERY_SECONDS = 60
RETRAIN_AFTER_SECONDS = 3600

# Words that say nothing about what a case is about (and the words of letters and mail).
STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can can't cannot could couldn't did didn't do does
    doesn't doing don't down during each few for from further had hadn't has hasn't have haven't
    having he her here hers herself him himself his how i i'd i'll i'm i've if in into is isn't it
    it's its itself just let's me more most mustn't my myself no nor not of off on once only or
    other ought our ours ourselves out over own same shan't she should shouldn't so some such than
    that that's the their theirs them themselves then there there's these they they're this those
    through to too under until up very was wasn't we we're were weren't what what's when where
    which while who whom why will with won't would wouldn't you you'd you'll you're you've your
    yours yourself yourselves get got one two also still even like now yet well want wanted
    dear regards kind sincerely faithfully thanks thank please hello hi mp office email e-mail
    mail wrote sent message writing write letter attached attach reply hope look forward many
    much know see said say tell told ask asked help need needs would could since week weeks day
    days month months year years time today yesterday tomorrow mr mrs ms miss dr re fwd
    """.split()  # noqa: SIM905 - a word list reads better as words
)


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def stem(word: str) -> str:
    """A light English stem, so "landlords" counts with "landlord"; the reason shows stems."""
    if len(word) > 5 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def terms_of(text: str) -> list[str]:
    """The words of ``text`` that can say what it is about, stemmed."""
    return [
        stem(word)
        for word in words_of(text)
        if len(word) >= 3 and word.isalpha() and word not in STOP_WORDS
    ]


def message_terms(message: Message) -> list[str]:
    """The subject and what the sender wrote (no quoted mail, greeting or signature)."""
    text = plain_text(message.text_body[:READ_CHARACTERS], message.html_body[:READ_CHARACTERS])
    words = split_body(text).words
    return terms_of(f"{message.subject}\n{words[:CHARACTERS_PER_MESSAGE]}")


@dataclass(frozen=True)
class Suggestion:
    category: Category
    probability: float
    because: tuple[str, ...]

    @property
    def explanation(self) -> str:
        return f"because: {', '.join(self.because)}"


@dataclass
class Model:
    """Naive Bayes counts turned into log-probabilities per word, one per category."""

    category_ids: list[int]
    case_counts: list[int]
    log_priors: list[float]
    # word -> log P(word | category) for each category, Laplace-smoothed
    word_logs: dict[str, list[float]] = field(default_factory=dict)

    @property
    def case_total(self) -> int:
        return sum(self.case_counts)

    @classmethod
    def train(cls, documents: list[tuple[int, list[str]]]) -> Model:
        """Learn from (category id, terms) pairs."""
        by_category: dict[int, Counter[str]] = {}
        case_counts: Counter[int] = Counter()
        for category_id, terms in documents:
            by_category.setdefault(category_id, Counter()).update(terms)
            case_counts[category_id] += 1
        category_ids = sorted(by_category)
        vocabulary = set().union(*by_category.values()) if by_category else set()
        total_cases = sum(case_counts.values())
        model = cls(
            category_ids=category_ids,
            case_counts=[case_counts[c] for c in category_ids],
            log_priors=[math.log(case_counts[c] / total_cases) for c in category_ids],
        )
        denominators = [
            math.log(sum(by_category[c].values()) + len(vocabulary)) for c in category_ids
        ]
        for word in vocabulary:
            model.word_logs[word] = [
                math.log(by_category[c][word] + 1) - denominators[i]
                for i, c in enumerate(category_ids)
            ]
        return model

    def predict(
        self, terms: list[str], *, allowed: set[int] | None = None
    ) -> tuple[int, float, tuple[str, ...]] | None:
        """(category id, probability, reason words) or None when unsure."""
        usable = [
            i
            for i, c in enumerate(self.category_ids)
            if self.case_counts[i] >= MIN_CASES_PER_CATEGORY and (allowed is None or c in allowed)
        ]
        if self.case_total < _setting("INBOX_SUGGESTION_MIN_CASES", MIN_CASES) or len(usable) < 2:
            return None
        counts = Counter(term for term in terms if term in self.word_logs)
        if sum(counts.values()) < MIN_KNOWN_WORDS:
            return None
        scores = {i: self.log_priors[i] for i in usable}
        for word, count in counts.items():
            logs = self.word_logs[word]
            for i in usable:
                scores[i] += count * logs[i]
        best = max(usable, key=lambda i: (scores[i], -i))
        top = scores[best]
        probability = 1.0 / sum(math.exp(score - top) for score in scores.values())
        if probability < _setting("INBOX_SUGGESTION_MIN_CONFIDENCE", MIN_CONFIDENCE):
            return None
        others = [i for i in usable if i != best]
        # How much more likely each word is under the winner than under the others on average.
        pull = {}
        for word, count in counts.items():
            logs = self.word_logs[word]
            rest = math.log(sum(math.exp(logs[i]) for i in others) / len(others))
            pull[word] = count * (logs[best] - rest)
        because = tuple(
            word
            for word, weight in sorted(pull.items(), key=lambda item: (-item[1], item[0]))
            if weight > 0
        )[:REASON_WORDS]
        if not because:
            return None
        return self.category_ids[best], probability, because


def training_documents(office_id: int) -> list[tuple[int, list[str]]]:
    """(category id, terms) for the office's newest cases: summary plus their messages."""
    cases = list(
        Case.all_offices.filter(office_id=office_id)
        .order_by("-opened_at", "-pk")
        .values_list("pk", "category_id", "summary")[:TRAINING_CASES]
    )
    texts: dict[int, list[str]] = {pk: [summary] for pk, _, summary in cases}
    messages = (
        Message.all_offices.filter(office_id=office_id, case_id__in=list(texts))
        .order_by("case_id", "pk")
        .values_list("case_id", "subject", "text_body", "html_body")
    )
    per_case: Counter[int] = Counter()
    for case_id, subject, text_body, html_body in messages.iterator():
        if per_case[case_id] >= MESSAGES_PER_CASE:
            continue
        per_case[case_id] += 1
        body = split_body(plain_text(text_body[:CHARACTERS_PER_MESSAGE], html_body)).words
        texts[case_id].append(f"{subject}\n{body}")
    return [(category_id, terms_of("\n".join(texts[pk]))) for pk, category_id, _ in cases]


@dataclass
class _Kept:
    model: Model
    categories: dict[int, Category]  # the model's categories still in use (not retired)
    fingerprint: tuple[object, ...]
    trained_at: float
    checked_at: float


# By office and its creation time: a test database hands the same id to a new office.
_models: dict[tuple[int, object], _Kept] = {}
_lock = threading.Lock()


def _fingerprint(office_id: int) -> tuple[object, ...]:
    facts = Case.all_offices.filter(office_id=office_id).aggregate(
        count=Count("pk"), changed=Max("updated_at")
    )
    return (facts["count"], facts["changed"])


def _categories_in_use(office_id: int, model: Model) -> dict[int, Category]:
    return {
        category.pk: category
        for category in Category.all_offices.filter(
            office_id=office_id, pk__in=model.category_ids, retired_at__isnull=True
        )
    }


def _kept_for(office: Office | OfficeFacts) -> _Kept:
    """The office's model, trained again when its cases have changed or it is old."""
    now = time.monotonic()
    office_id, key = office.pk, (office.pk, office.created_at)
    kept = _models.get(key)
    if kept is not None and now - kept.checked_at < _setting(
        "INBOX_SUGGESTION_CHECK_SECONDS", CHECK_EVERY_SECONDS
    ):
        return kept
    with _lock:
        kept = _models.get(key)
        fingerprint = _fingerprint(office_id)
        retrain_after = _setting("INBOX_SUGGESTION_RETRAIN_SECONDS", RETRAIN_AFTER_SECONDS)
        if (
            kept is not None
            and kept.fingerprint == fingerprint
            and (now - kept.trained_at < retrain_after)
        ):
            # A category retired since is no longer suggested.
            kept.categories = _categories_in_use(office_id, kept.model)
            kept.checked_at = now
            return kept
        model = Model.train(training_documents(office_id))
        kept = _Kept(
            model,
            _categories_in_use(office_id, model),
            fingerprint,
            trained_at=now,
            checked_at=now,
        )
        _models[key] = kept
        return kept


def model_for(office: Office | OfficeFacts) -> Model:
    return _kept_for(office).model


def forget_models() -> None:
    """Drop every office's model (tests, and after a bulk import of cases)."""
    with _lock:
        _models.clear()


def suggest_category(message: Message, office: OfficeFacts | None = None) -> Suggestion | None:
    """The category the office's past cases suggest for ``message``, with the words why,
    or None when unsure. Reads only; requires the message's office to be bound."""
    kept = _kept_for(office or queries.office_facts(message.office_id))
    if not kept.categories:
        return None
    terms = message_terms(message)
    if not terms:
        return None
    predicted = kept.model.predict(terms, allowed=set(kept.categories))
    if predicted is None:
        return None
    category_id, probability, because = predicted
    return Suggestion(kept.categories[category_id], probability, because)
