"""What the case lists show around the cases: sortable columns, filter counts, chosen filters.

Sorting is done by the database for the whole list (never in the browser, which
would sort only the page it holds), so each column heading is a link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.http import QueryDict

from casewell.cases import services
from casewell.cases.forms import CaseFilterForm
from casewell.cases.models import Case, CasePerson
from casewell.offices.vocabulary import Vocabulary

DEFAULT_SORT = "-opened_at"
# Column key: what it is called. The person column takes the office's word.
COLUMNS = {
    "reference": "Reference",
    "summary": "Summary",
    "person": "",
    "status": "Status",
    "priority": "Priority",
    "assignee": "Assigned to",
    "due_date": "Due",
    "opened_at": "Opened",
}
# Columns first sorted newest or most urgent first.
DESCENDING_FIRST = {"priority", "opened_at"}


def chosen_sort(value: str | None) -> str:
    key = (value or "").removeprefix("-")
    return value if value and key in COLUMNS else DEFAULT_SORT


def sorted_cases(cases: QuerySet[Case], sort: str) -> QuerySet[Case]:
    """The cases in the chosen order; ties are broken by id so pages never overlap."""
    descending = sort.startswith("-")
    key = sort.removeprefix("-")
    if sort in services.SORTS:
        return cases.order_by(*services.SORTS[sort])
    if key == "summary":
        return cases.order_by(*(("-summary", "-id") if descending else ("summary", "id")))
    if key == "assignee":
        name = F("assignee__full_name")
        first = name.desc(nulls_last=True) if descending else name.asc(nulls_last=True)
        return cases.order_by(first, "-id" if descending else "id")
    # The person the case was first opened for, by family name.
    first_party = CasePerson.all_offices.filter(case=OuterRef("pk")).order_by("added_at", "id")
    cases = cases.annotate(
        first_last_name=Subquery(first_party.values("person__last_name")[:1]),
        first_given_name=Subquery(first_party.values("person__first_name")[:1]),
    )
    names = [F("first_last_name"), F("first_given_name")]
    ordered = [n.desc(nulls_last=True) if descending else n.asc(nulls_last=True) for n in names]
    return cases.order_by(*ordered, "-id" if descending else "id")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    aria_sort: str  # "ascending", "descending" or "none"
    href: str


def columns(query: QueryDict, sort: str, vocabulary: Vocabulary) -> list[Column]:
    """Each sortable column with the link that sorts by it (or reverses the order it is in)."""
    current, descending = sort.removeprefix("-"), sort.startswith("-")
    found = []
    for key, label in COLUMNS.items():
        if key == current:
            aria = "descending" if descending else "ascending"
            next_sort = key if descending else f"-{key}"
        else:
            aria = "none"
            next_sort = f"-{key}" if key in DESCENDING_FIRST else key
        changed = query.copy()
        changed["sort"] = next_sort
        changed.pop("page", None)
        found.append(Column(key, label or vocabulary.person_title, aria, f"?{changed.urlencode()}"))
    return found


FILTER_FIELDS = ("state", "status", "priority", "overdue", "category", "assignee", "team", "tag")


def count_choices(form: CaseFilterForm, counts: dict[str, Any]) -> None:
    """Put how many cases each option would find into its label: "Open (12)"."""

    def label(field: str, key_of: Any, skip_empty: bool = True) -> None:
        choices = []
        for value, text in form.fields[field].choices:
            if value == "" and skip_empty:
                choices.append((value, text))
                continue
            number = counts[field].get(key_of(value), 0)
            choices.append((value, f"{text} ({number})"))
        form.fields[field].choices = choices

    label("status", int)
    label("priority", int)
    label("tag", int)
    label("category", int)
    label("team", int)
    label("assignee", lambda value: None if value == services.NOBODY else int(value))
    form.fields["overdue"].choices = [("yes", f"Overdue ({counts['overdue']})")]


@dataclass(frozen=True)
class ChosenFilter:
    text: str
    href: str


@dataclass(frozen=True)
class ChosenGroup:
    heading: str
    items: list[ChosenFilter]


def selected_filters(form: CaseFilterForm, query: QueryDict) -> list[ChosenGroup]:
    """The filters in force, each with a link that removes it (MOJ filter tags)."""
    if not form.is_bound:
        return []
    form.is_valid()
    groups = []
    for name in ("text", *FILTER_FIELDS):
        value = form.cleaned_data.get(name)
        if not value or (name == "state" and value == "open"):
            continue
        values = value if isinstance(value, list) else [value]
        labels = dict(form.fields[name].choices) if name != "text" else {}
        items = [
            ChosenFilter(str(labels.get(item, item)), f"?{_without(query, name, item)}")
            for item in values
        ]
        groups.append(ChosenGroup(str(form.fields[name].label), items))
    return groups


def _without(query: QueryDict, name: str, value: str) -> str:
    changed = query.copy()
    changed.setlist(name, [item for item in changed.getlist(name) if item != value])
    changed.pop("page", None)
    return changed.urlencode()
