"""The distress detector: an explainable scan of text against the lexicon.

Each category's phrases are compiled into one regular expression (one for its
ordinary phrases, one for its always-flagged ones), so an item is read in a
handful of passes. A match is dropped only when that is safe:

* negation — a negating word shortly before it in the same clause ("denies
  suicidal thoughts", "no sign of self-harm"); two negations cancel ("I'm not
  sure I won't ...");
* quotation — a bare mention in quotation marks (the word "suicide" in a
  leaflet's title) and lines quoted from an earlier e-mail ("> ...").

Always-flagged phrases (a stated plan of suicide, a threat to staff) skip both.
"""

from __future__ import annotations

import re
import re._constants as _c  # the parsed form of a pattern, to list how it can start
import re._parser as _parser
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from casewell.wellbeing.distress.lexicon import ALWAYS, CATEGORIES, LEXICON

NEGATION = re.compile(
    r"\b(?:not|no|never|nor|neither|none|nobody|without|denies|denied|deny|denying|"
    r"ruled out|rules out|free (?:of|from)|negative for|absence of|\w+n't|\w+nt)\b"
)
CLAUSE_END = re.compile(r"[.;:!?,\n]|\b(?:but|however|although|though|yet|except|unless)\b")
NEGATION_REACH = 40  # characters before a phrase in which a negating word counts
QUOTES = "\"'“”‘’«»"
APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "“": '"', "”": '"'})


@dataclass(frozen=True)
class Assessment:
    """What the detector found: categories (in the lexicon's order), the highest
    severity (0 when nothing) and the phrases that triggered it."""

    categories: list[str] = field(default_factory=list)
    severity: int = 0
    phrases: list[str] = field(default_factory=list)
    severities: dict[str, int] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.categories)

    def as_dict(self) -> dict[str, object]:
        return {"categories": self.categories, "severity": self.severity, "phrases": self.phrases}


NOTHING = Assessment()


@dataclass(frozen=True)
class _Rule:
    category: str
    severity: int
    always: bool
    expression: re.Pattern[str]


class Lexicon:
    """Compiled phrase patterns, indexed by the first letters each can start with.

    Scanning tries, at each word's start, only the phrases that can begin with that
    word's first three letters: a few regular-expression matches per word instead of
    every phrase at every character, which keeps the detector at thousands of items a
    second. A phrase whose first letters cannot be worked out is searched for whole.
    """

    def __init__(
        self,
        phrases: dict[str, list[tuple[str, int]]],
        always: dict[str, list[tuple[str, int]]] | None = None,
    ) -> None:
        self.index: dict[str, list[_Rule]] = {}
        self.unindexed: list[_Rule] = []
        self.short_keys: set[int] = set()
        for is_always, table in ((False, phrases), (True, always or {})):
            for category, entries in table.items():
                for pattern, severity in entries:
                    self._add(category, pattern, int(severity), is_always)
        self._compile_lookups()

    def _add(self, category: str, pattern: str, severity: int, always: bool) -> None:
        rule = _Rule(category, severity, always, re.compile(f"(?:{pattern})(?![\\w])"))
        starts = first_letters(pattern, PREFIX)
        if starts is None:
            self.unindexed.append(
                _Rule(category, severity, always, re.compile(f"(?<![\\w-])(?:{pattern})(?![\\w])"))
            )
            return
        for start in starts:
            if len(start) < PREFIX:
                self.short_keys.add(len(start))
            self.index.setdefault(start, []).append(rule)

    def _compile_lookups(self) -> None:
        # Word starts where some phrase's first letters are: found by one C-speed scan,
        # so the loop in matches runs for those few words, not for every word.
        starts = _alternatives(self.index) or "(?!)"
        self._promising_starts = re.compile(f"{WORD_BEGINS}(?={starts})")
        # By first letters, one expression matching where any of their phrases does: one
        # try rules out a common word ("the") that a dozen phrases begin with.
        self._any_rule_of = {
            key: re.compile("|".join(f"(?:{rule.expression.pattern})" for rule in rules))
            for key, rules in self.index.items()
        }

    def matches(self, text: str) -> Iterator[tuple[_Rule, re.Match[str]]]:
        index, any_rule_of = self.index, self._any_rule_of
        short = sorted(self.short_keys)
        for word in self._promising_starts.finditer(text):
            at = word.start()
            key = text[at : at + PREFIX]
            either = any_rule_of.get(key)
            candidates = index[key] if either is not None and either.match(text, at) else ()
            for length in short:
                candidates = [*candidates, *index.get(text[at : at + length], ())]
            for rule in candidates:
                found = rule.expression.match(text, at)
                if found:
                    yield rule, found
        for rule in self.unindexed:
            for found in rule.expression.finditer(text):
                yield rule, found


def _alternatives(keys: Iterable[str]) -> str:
    """A pattern matching any of ``keys``, as a tree by their letters: each letter tried
    once, not once for every key it begins (the regular-expression engine does not)."""
    by_first: dict[str, list[str]] = {}
    ends = False
    for key in keys:
        if key:
            by_first.setdefault(key[0], []).append(key[1:])
        else:
            ends = True
    branches = [
        re.escape(first) + (f"(?:{rest})" if (rest := _alternatives(tails)) else "")
        for first, tails in sorted(by_first.items())
    ]
    if ends and branches:
        return f"(?:{'|'.join(branches)})?"
    return "|".join(branches)


PREFIX = 3
WORD_BEGINS = r"(?<![\w-])(?=\w)"
_MAX_STARTS = 400


def first_letters(pattern: str, length: int) -> set[str] | None:
    """Every string of ``length`` letters (or the whole match, if shorter) that the
    pattern can start with; None when that can't be listed (``\\w``, ``.``, too many)."""
    try:
        return _sequence(list(_parser.parse(pattern)), length)
    except _Unlisted:
        return None


class _Unlisted(Exception):
    pass


def _sequence(items: list[tuple[Any, Any]], length: int) -> set[str]:
    results = {""}
    for op, value in items:
        open_ = {start for start in results if len(start) < length}
        if not open_:
            break
        options = _options(op, value, length)
        results = (results - open_) | {(a + b)[:length] for a in open_ for b in options}
        if len(results) > _MAX_STARTS:
            raise _Unlisted
    return results


def _options(op: Any, value: Any, length: int) -> set[str]:
    if op is _c.LITERAL:
        return {chr(value)}
    if op is _c.IN:
        chars: set[str] = set()
        for kind, item in value:
            if kind is _c.LITERAL:
                chars.add(chr(item))
            elif kind is _c.RANGE and item[1] - item[0] < 64:
                chars.update(chr(code) for code in range(item[0], item[1] + 1))
            else:
                raise _Unlisted
        return chars
    if op is _c.BRANCH:
        return set().union(*(_sequence(list(branch), length) for branch in value[1]))
    if op is _c.SUBPATTERN:
        return _sequence(list(value[3]), length)
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
        low, high, item = value
        once = _sequence(list(item), length)
        starts = set(once) if low >= 1 else {""} | once
        if high > 1:
            for _ in range(length):
                starts |= {(a + b)[:length] for a in starts if len(a) < length for b in once}
                if len(starts) > _MAX_STARTS:
                    raise _Unlisted
        return starts
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        return {""}
    raise _Unlisted


def office_lexicon(entries: Iterable[tuple[str, str, int]]) -> Lexicon:
    """An office's own phrases — ``(category, phrase, severity)`` — as a Lexicon.

    A phrase matches as written, ignoring case, any run of spaces and a plural "s".
    """
    table: dict[str, list[tuple[str, int]]] = {}
    for category, phrase, severity in entries:
        words = normalise(phrase).split()
        if category in CATEGORIES and words:
            pattern = r"\s+".join(re.escape(word) for word in words) + "s?"
            table.setdefault(category, []).append((pattern, int(severity)))
    return Lexicon(table)


def normalise(text: str) -> str:
    return text.translate(APOSTROPHES).lower()


def _split_quoted_reply(text: str) -> tuple[str, str]:
    """Separate lines quoted from an earlier e-mail ("> ...") from the new text."""
    if ">" not in text:
        return text, ""
    new, quoted = [], []
    for line in text.split("\n"):
        (quoted if line.lstrip().startswith(">") else new).append(line)
    return "\n".join(new), "\n".join(quoted)


def _negated(text: str, start: int) -> bool:
    before = text[max(0, start - NEGATION_REACH) : start]
    ends = list(CLAUSE_END.finditer(before))
    if ends:
        before = before[ends[-1].end() :]
    # Two negations ("not sure I won't") cancel: over-warning beats under-warning.
    return len(NEGATION.findall(before)) % 2 == 1


def _bare_mention_in_quotes(text: str, start: int, end: int) -> bool:
    before = text[:start].rstrip(" ")
    after = text[end:].lstrip(" ")
    return bool(before) and bool(after) and before[-1] in QUOTES and after[0] in QUOTES


def _scan(
    text: str, lexicon: Lexicon, found: dict[str, int], phrases: list[str], *, only_always: bool
) -> None:  # noqa: E501
    for rule, match in lexicon.matches(text):
        if only_always and not rule.always:
            continue
        if not rule.always:
            if _negated(text, match.start()):
                continue
            if rule.severity == 1 and _bare_mention_in_quotes(text, match.start(), match.end()):
                continue
        if rule.severity > found.get(rule.category, 0):
            found[rule.category] = rule.severity
        phrase = " ".join(match.group().split())
        if phrase not in phrases:
            phrases.append(phrase)


CURATED = Lexicon(LEXICON, ALWAYS)


def assess(
    text: str | None, office_lexicon: Lexicon | Iterable[tuple[str, str, int]] | None = None
) -> Assessment:  # noqa: E501
    """Score one item's text: categories, highest severity (0: nothing) and the phrases found.

    ``office_lexicon`` adds an office's own phrases (a Lexicon, or ``(category, phrase,
    severity)`` triples).
    """
    if not text:
        return NOTHING
    new, quoted = _split_quoted_reply(normalise(text))
    found: dict[str, int] = {}
    phrases: list[str] = []
    lexicons = [CURATED]
    if office_lexicon is not None:
        extra = (
            office_lexicon
            if isinstance(office_lexicon, Lexicon)
            else globals()["office_lexicon"](office_lexicon)
        )  # noqa: E501
        lexicons.append(extra)
    for lexicon in lexicons:
        _scan(new, lexicon, found, phrases, only_always=False)
        if quoted:
            _scan(quoted, lexicon, found, phrases, only_always=True)
    if not found:
        return NOTHING
    categories = [category for category in CATEGORIES if category in found]
    return Assessment(
        categories=categories,
        severity=max(found.values()),
        phrases=phrases,
        severities={category: found[category] for category in categories},
    )
