"""``casewell bench distress``: how fast the distress detector reads, and how well.

Speed: items per second, in one thread (so per core), over messages of the kind
an office gets — letters about housing, benefits, schools, with a few that carry
distress — made the same every run. Quality: recall and precision per category
against the labelled sets in the shared corpora folder (``../shared/corpora/distress``
beside the project, or ``--corpus``):

* Reddit/RallyPoint posts (label 1: suicide-risk-related) -> suicide (or self-harm found);
* Telegram replies (label 2: violent threat) -> violence (or a threat to staff found);
* the clinicians' suicide-risk lexicon: each construct's terms are items, labelled
  with the category the construct belongs to (terms of unrelated constructs, such as
  loneliness or sleep, are the negatives).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from casewell.wellbeing.distress import CATEGORIES, assess

HELP = (
    "Distress detector: items per second on an office's kind of messages, and recall and "
    "precision per category on the labelled corpora."
)
ROUNDS = 5

OPENINGS = [
    "I am writing to ask for your help with my housing situation.",
    "Thank you for your letter of last week about the school transport.",
    "I have been waiting for a decision on my Universal Credit claim since August.",
    "My mother's care package was cut without any assessment.",
    "The repairs to our flat have still not been done after six months.",
    "I want to object to the planning application for the land behind Mill Lane.",
    "My son has been out of school since September because there is no place for him.",
    "The bus that stops near the surgery has been withdrawn.",
    "My wife's visa application has now been waiting for eleven months.",
    "I was refused a blue badge even though I cannot walk more than fifty metres.",
]
MIDDLES = [
    "The council says it is the housing association's job and they say it is the council's.",
    "I have phoned four times and each time I am told someone will call back, but nobody does.",
    "I have attached copies of the letters and the photographs of the damp.",
    "My GP has written in support and I have enclosed the letter.",
    "We have two children under five and the mould is in their bedroom.",
    "The tribunal date has been moved twice and I have had no explanation.",
    "I work nights, so the best time to reach me is after two in the afternoon.",
    "The deadline for the appeal is the end of the month.",
    "Our neighbours are in the same position and would be glad to hear from you too.",
    "I have lived at this address for twenty-two years and never had a problem like this.",
    "I do not know where else to turn and would be grateful for anything you can do.",
    "The reference number they gave me is HB/2291/44.",
]
DISTRESSING = [
    "Since the eviction notice I have been having thoughts of ending my life.",
    "My partner hits me when he has been drinking and I am frightened for the children.",
    "My husband passed away in March and I cannot manage the funeral costs.",
    "My daughter has started cutting herself again since the bullying began.",
    "He was stabbed outside the flats last month and the police have done nothing.",
    "If nothing is done I will come down to your office and you will regret it.",
    "Our baby was stillborn in June and the letters keep coming addressed to her.",
    "There are safeguarding concerns about the children next door.",
]
CLOSINGS = ["Yours sincerely,", "Kind regards,", "Many thanks,", "Best wishes,"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--messages", type=int, default=5000, help="how many (default 5000)")
    parser.add_argument("--corpus", type=Path, help="the labelled distress corpus folder")


def office_messages(count: int) -> list[str]:
    """``count`` message texts an office might get, about 1 in 12 carrying distress."""
    chance = random.Random(20261202)  # noqa: S311 - repeatable, not secret
    made = []
    for number in range(count):
        lines = ["Dear office,", "", chance.choice(OPENINGS)]
        lines += chance.sample(MIDDLES, 5 + chance.randrange(7))
        if chance.random() < 0.08:
            lines.insert(3 + chance.randrange(3), chance.choice(DISTRESSING))
        if chance.random() < 0.2:
            lines += ["", "> On 3 November you wrote:", "> " + chance.choice(MIDDLES)]
        lines += ["", chance.choice(CLOSINGS), f"Constituent {number}"]
        made.append("\n".join(lines))
    return made


def items_per_second(texts: list[str]) -> list[float]:
    rates = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for text in texts:
            assess(text)
        rates.append(len(texts) / (time.perf_counter() - started))
    return rates


def default_corpus() -> Path:
    project = Path(os.environ.get("CASEWELL_PROJECT_DIR") or Path.cwd())
    return (project / ".." / "shared" / "corpora" / "distress").resolve()


# --- Labelled items: (source, text, labelled categories, categories counted as found) ----

Item = tuple[str, str, set[str]]
LEXICON_CONSTRUCTS = {
    "Passive suicidal ideation": "suicide",
    "Active suicidal ideation & suicidal planning": "suicide",
    "Direct self-injury": "self-harm",
    "Sexual abuse & harassment": "abuse",
    "Physical abuse & violence": "violence",
    "Grief & bereavement": "bereavement",
}
UNRELATED_CONSTRUCTS = [
    "Loneliness & isolation", "Social withdrawal", "Relationships & kinship", "Alcohol use",
    "Other substance use", "Impulsivity", "Anxiety", "Panic", "Fatigue & tired",
    "Sleep issues", "Physical health issues & disability", "Finances & work stress",
    "Poverty & homelessness", "Mental health treatment", "Perfectionism",
]  # fmt: skip
# Which categories found count for a labelled one: the warning a reader would see names a
# near category ("suicide" for a self-harm term, "abuse" for a violent one), so it was not missed.
COUNTS_AS = {
    "suicide": {"suicide", "self-harm"},
    "self-harm": {"self-harm", "suicide"},
    "violence": {"violence", "threat-to-staff", "abuse"},
    "abuse": {"abuse", "violence"},
    "bereavement": {"bereavement"},
}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def labelled_items(folder: Path) -> list[Item]:
    items: list[Item] = []
    posts = folder / "construct-tracker_rallypoint_reddit_mentalhealth_sample800.csv"
    if posts.exists():
        for row in _rows(posts):
            labels = {"suicide"} if float(row["label"] or 0) >= 1 else set()
            items.append(("reddit/rallypoint posts", row["doc"], labels))
    threats = folder / "threatgram101_telegram_threat_levels_sample600.csv"
    if threats.exists():
        for row in _rows(threats):
            labels = {"violence"} if row["Label"].strip() == "2" else set()
            items.append(("telegram threats", row["reply"], labels))
    lexicon = folder / "construct-tracker_suicide_risk_lexicon_v1-0.csv"
    if lexicon.exists():
        with lexicon.open(encoding="utf-8", newline="") as handle:
            table = list(csv.reader(handle))
        header, terms = table[0], table[5:]
        labels_of: dict[str, set[str]] = {}
        for construct in [*LEXICON_CONSTRUCTS, *UNRELATED_CONSTRUCTS]:
            column = header.index(construct)
            for row in terms:
                term = row[column].strip() if column < len(row) else ""
                if term:
                    found = labels_of.setdefault(term, set())
                    if construct in LEXICON_CONSTRUCTS:
                        found.add(LEXICON_CONSTRUCTS[construct])
        items += [("clinicians' lexicon terms", term, labels) for term, labels in labels_of.items()]
    return items


def _score(results: list[tuple[set[str], set[str]]], category: str) -> dict[str, Any]:
    """Recall: labelled items whose warning names the category or a near one. Precision:
    items found in the category that are labelled with it or a near one."""
    near = COUNTS_AS.get(category, {category})
    labelled = [found for labels, found in results if category in labels]
    flagged = [labels for labels, found in results if category in found]
    caught = sum(1 for found in labelled if found & near)
    right = sum(1 for labels in flagged if labels & near)
    return {
        "recall": round(caught / len(labelled), 3) if labelled else None,
        "precision": round(right / len(flagged), 3) if flagged else None,
        "labelled": len(labelled),
        "found": len(flagged),
    }


def corpus_figures(items: list[Item]) -> dict[str, Any]:
    """Recall and precision per category, pooled over the sources that label it."""
    by_source: dict[str, list[tuple[set[str], set[str]]]] = {}
    for source, text, labels in items:
        by_source.setdefault(source, []).append((labels, set(assess(text).categories)))
    figures: dict[str, Any] = {}
    for category in CATEGORIES:
        sources = sorted(
            source for source, results in by_source.items()
            if any(category in labels for labels, _ in results)
        )  # fmt: skip
        if not sources:
            continue
        pooled = _score([result for source in sources for result in by_source[source]], category)
        pooled["sources"] = {source: _score(by_source[source], category) for source in sources}
        figures[category] = pooled
    return figures


def run(args: argparse.Namespace) -> int:
    texts = office_messages(args.messages)
    rates = items_per_second(texts)
    folder = args.corpus or default_corpus()
    items = labelled_items(folder) if folder.exists() else []
    figures = corpus_figures(items) if items else {}
    summary = {
        "items_per_second": round(statistics.median(rates)),
        "items_per_second_rounds": [round(rate) for rate in rates],
        "messages": len(texts),
        "mean_characters": round(statistics.mean(len(text) for text in texts)),
        "corpus": figures,
        "corpus_folder": str(folder),
    }
    if args.json:
        print(json.dumps(summary))
        return 0
    print(f"Detector speed (one thread): {summary['items_per_second']:,} items a second "
          f"(median of {ROUNDS} rounds over {len(texts):,} messages of "
          f"{summary['mean_characters']:,} characters on average; "
          f"rounds {', '.join(f'{rate:,.0f}' for rate in rates)})")  # fmt: skip
    if not figures:
        print(f"No labelled corpus at {folder}.", file=sys.stderr)
        return 0
    print(f"Against the labelled corpus at {folder}:")
    for category, figure in figures.items():
        print(f"  {category:16} recall {figure['recall']}  precision {figure['precision']}  "
              f"({figure['labelled']} labelled, {figure['found']} found)")  # fmt: skip
        for source, part in figure["sources"].items():
            print(f"      {source:28} recall {part['recall']}  precision {part['precision']}  "
                  f"({part['labelled']} labelled, {part['found']} found)")  # fmt: skip
    return 0
