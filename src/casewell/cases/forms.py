"""Forms for the case pages: they shape what people type; ``cases.services`` decides the rest.

Choices (statuses, categories, staff, teams, tags) are always the user's own
office's, read once per form so a page costs the same queries however long the
lists are.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from casewell.cases.models import (
    CaseStatus,
    Category,
    OrganisationRole,
    PartyRole,
    Priority,
    Tag,
)
from casewell.cases.services import NOBODY
from casewell.offices.models import Team, User

PRIORITY_CHOICES = [(str(value), label) for value, label in Priority.choices]
COMPLEXITY_CHOICES = [
    ("", "Not set"),
    ("1", "1 – simple"),
    ("2", "2"),
    ("3", "3"),
    ("4", "4"),
    ("5", "5 – very complex"),
]


class DateInput(forms.DateInput):
    """The browser's own date picker: keyboard-usable, and the value is always year-month-day."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class NumberInput(forms.NumberInput):
    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"class": "govuk-input--width-3", **(attrs or {})})


# --- Choices from the office ---------------------------------------------------------------


def category_choices(categories: Iterable[Category]) -> list[tuple[str, str]]:
    """Each category, then its sub-categories ("Housing: Homelessness"); retired ones left out."""
    rows = [category for category in categories if category.retired_at is None]
    tops = [category for category in rows if category.parent_id is None]
    children: dict[int, list[Category]] = {}
    for category in rows:
        if category.parent_id is not None:
            children.setdefault(category.parent_id, []).append(category)
    choices = []
    for top in tops:
        choices.append((str(top.pk), top.name))
        choices += [(str(sub.pk), f"{top.name}: {sub.name}") for sub in children.get(top.pk, [])]
    return choices


def office_categories() -> list[Category]:
    return list(Category.objects.order_by("position", "name", "id"))


def office_staff(office_id: int) -> list[User]:
    return list(
        User.objects.filter(office_id=office_id, is_active=True).order_by("full_name", "id")
    )


def staff_choices(staff: Iterable[User], *, empty: str) -> list[tuple[str, str]]:
    return [("", empty)] + [(str(member.pk), member.full_name) for member in staff]


def team_choices(teams: Iterable[Team], *, empty: str) -> list[tuple[str, str]]:
    return [("", empty)] + [(str(team.pk), team.name) for team in teams]


def split_category(chosen: str, categories: Iterable[Category]) -> tuple[int | None, int | None]:
    """A chosen category id as (category, sub-category): a sub-category brings its parent."""
    for category in categories:
        if str(category.pk) == chosen:
            if category.parent_id is None:
                return category.pk, None
            return category.parent_id, category.pk
    return None, None


# --- The list's filters ----------------------------------------------------------------------

STATE_CHOICES = [("open", "Open"), ("closed", "Closed"), ("all", "Open and closed")]


class CaseFilterForm(forms.Form):
    """The filters beside a case list; every field optional, bad values simply ignored."""

    text = forms.CharField(label="Reference, summary or name", required=False, max_length=200)
    state = forms.ChoiceField(label="Open or closed", choices=STATE_CHOICES, required=False)
    status = forms.MultipleChoiceField(
        label="Status", required=False, widget=forms.CheckboxSelectMultiple
    )
    priority = forms.MultipleChoiceField(
        label="Priority", required=False, widget=forms.CheckboxSelectMultiple
    )
    overdue = forms.MultipleChoiceField(
        label="Due date", required=False, widget=forms.CheckboxSelectMultiple
    )
    category = forms.ChoiceField(label="Category", required=False)
    assignee = forms.ChoiceField(label="Assigned to", required=False)
    team = forms.ChoiceField(label="Team", required=False)
    tag = forms.MultipleChoiceField(
        label="Tags", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        *args: Any,
        statuses: list[CaseStatus],
        categories: list[Category],
        staff: list[User],
        teams: list[Team],
        tags: list[Tag],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(str(status.pk), status.name) for status in statuses]
        self.fields["priority"].choices = PRIORITY_CHOICES
        self.fields["overdue"].choices = [("yes", "Overdue")]
        self.fields["category"].choices = [("", "Any category"), *category_choices(categories)]
        self.fields["assignee"].choices = [
            ("", "Anyone"),
            (NOBODY, "Nobody (unassigned)"),
            *staff_choices(staff, empty="")[1:],
        ]
        self.fields["team"].choices = team_choices(teams, empty="Any team")
        self.fields["tag"].choices = [(str(tag.pk), tag.name) for tag in tags]

    def filters(self) -> dict[str, Any]:
        """The chosen filters as ``find_cases`` takes them (open cases unless asked otherwise)."""
        data = self.cleaned_data if self.is_valid() else {}
        state = data.get("state") or "open"
        return {
            "text": data.get("text", ""),
            "state": None if state == "all" else state,
            "status": data.get("status") or None,
            "priority": data.get("priority") or None,
            "overdue": True if data.get("overdue") else None,
            "category": data.get("category") or None,
            "assignee": data.get("assignee") or None,
            "team": data.get("team") or None,
            "tag": data.get("tag") or None,
        }


# --- Bulk actions --------------------------------------------------------------------------

BULK_ACTIONS = {"assign": "Assign", "tag": "Tag", "close": "Close"}


class BulkActionForm(forms.Form):
    action = forms.ChoiceField(choices=list(BULK_ACTIONS.items()))
    case = forms.MultipleChoiceField(
        error_messages={"required": "Select the cases to change first."}
    )
    assignee = forms.ChoiceField(label="Assign to", required=False)
    tag = forms.ChoiceField(label="Tag", required=False)

    def __init__(self, *args: Any, staff: list[User], tags: list[Tag], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [(NOBODY, "Nobody")] + staff_choices(staff, empty="")[1:]
        self.fields["tag"].choices = [(str(tag.pk), tag.name) for tag in tags]
        # Ids are checked case by case by the service, which says which it refused and why.
        self.fields["case"].choices = [
            (value, value) for value in (self.data.getlist("case") if self.data else [])
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("action") == "tag" and not data.get("tag"):
            self.add_error("tag", "Choose a tag to add.")
        return data


SOMEONE_ELSE = "other"


class BulkAssignForm(forms.Form):
    """Who the selected cases go to: one of the suggested colleagues, or anyone else (or
    nobody) chosen from the office's staff."""

    assignee = forms.ChoiceField(
        label="Assign the selected cases to",
        error_messages={"required": "Choose who to assign the cases to."},
    )
    someone_else = forms.ChoiceField(label="Someone else", required=False)

    def __init__(self, *args: Any, staff: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any of the staff, not only those suggested: suggestions may move between showing
        # the form and sending it; the service checks the person again.
        people = staff_choices(staff, empty="")[1:]
        self.fields["assignee"].choices = people + [(SOMEONE_ELSE, "Someone else")]
        self.fields["someone_else"].choices = [("", "Choose someone"), (NOBODY, "Nobody")] + people

    def chosen(self) -> int | None:
        """The chosen assignee's id, or None for nobody (after ``is_valid``)."""
        value = self.cleaned_data["assignee"]
        if value == SOMEONE_ELSE:
            value = self.cleaned_data["someone_else"]
        return None if value == NOBODY else int(value)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("assignee") == SOMEONE_ELSE and not data.get("someone_else"):
            self.add_error("someone_else", "Choose who to assign the cases to.")
        return data


# --- Opening and changing a case -------------------------------------------------------------


class CaseDetailsForm(forms.Form):
    """The fields a case is opened with and edited by."""

    summary = forms.CharField(
        label="Summary",
        max_length=300,
        help_text="A line that says what the case is about, for example "
        "“Housing repairs not done after 6 months”.",
        error_messages={"required": "Enter a summary of the case."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    category = forms.ChoiceField(
        label="Category", error_messages={"required": "Choose a category."}
    )
    priority = forms.ChoiceField(
        label="Priority",
        choices=PRIORITY_CHOICES,
        initial=str(Priority.NORMAL),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a priority."},
    )
    complexity = forms.ChoiceField(label="Complexity", choices=COMPLEXITY_CHOICES, required=False)
    due_in_working_days = forms.IntegerField(
        label="Due in (working days)",
        required=False,
        min_value=0,
        max_value=366,
        help_text="Weekends and bank holidays are not counted. Or give a date below.",
        widget=NumberInput(),
        error_messages={
            "invalid": "Give the number of working days as a whole number, like 10.",
            "min_value": "The number of working days cannot be less than 0.",
            "max_value": "The number of working days must be 366 or fewer.",
        },
    )
    due_date = forms.DateField(
        label="Due date",
        required=False,
        widget=DateInput(),
        error_messages={"invalid": "Enter the due date as a real date, like 31/03/2027."},
    )
    follow_up_in_working_days = forms.IntegerField(
        label="Follow up in (working days)",
        required=False,
        min_value=0,
        max_value=366,
        help_text="Or give a date below.",
        widget=NumberInput(),
        error_messages={
            "invalid": "Give the number of working days as a whole number, like 5.",
            "min_value": "The number of working days cannot be less than 0.",
            "max_value": "The number of working days must be 366 or fewer.",
        },
    )
    follow_up_date = forms.DateField(
        label="Follow-up date",
        required=False,
        widget=DateInput(),
        error_messages={"invalid": "Enter the follow-up date as a real date, like 14/03/2027."},
    )

    def __init__(self, *args: Any, categories: list[Category], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.categories = categories
        self.fields["category"].choices = [("", "Choose a category"), *category_choices(categories)]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ("due", "follow_up"):
            if (
                data.get(f"{name}_in_working_days") is not None
                and data.get(f"{name}_date") is not None
            ):
                self.add_error(
                    f"{name}_in_working_days", "Give a date or a number of working days, not both."
                )
        return data

    def details(self) -> dict[str, Any]:
        """The cleaned fields as the services take them."""
        data = self.cleaned_data
        category, subcategory = split_category(data["category"], self.categories)
        details = {
            "summary": data["summary"],
            "category": category,
            "subcategory": subcategory,
            "priority": int(data["priority"]),
            "complexity": int(data["complexity"]) if data.get("complexity") else None,
        }
        for name in ("due", "follow_up"):
            days = data.get(f"{name}_in_working_days")
            if days is not None:
                details[f"{name}_in_working_days"] = days
            else:
                details[f"{name}_date"] = data.get(f"{name}_date")
        return details


class OpenCaseForm(CaseDetailsForm):
    """Opening a case: who it is for, what it is, who takes it."""

    find_person = forms.CharField(label="Find by name or postcode", required=False, max_length=200)
    person = forms.ChoiceField(
        label="Who is the case for?",
        widget=forms.RadioSelect,
        required=False,
    )
    assignee = forms.ChoiceField(label="Assign to", required=False)
    team = forms.ChoiceField(label="Team", required=False)
    tags = forms.MultipleChoiceField(
        label="Tags", required=False, widget=forms.CheckboxSelectMultiple
    )

    field_order = [
        "find_person",
        "person",
        "summary",
        "category",
        "priority",
        "assignee",
        "team",
        "due_in_working_days",
        "due_date",
        "follow_up_in_working_days",
        "follow_up_date",
        "complexity",
        "tags",
    ]

    def __init__(
        self,
        *args: Any,
        people: list[tuple[str, str]],
        staff: list[User],
        teams: list[Team],
        tags: list[Tag],
        vocabulary: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.vocabulary = vocabulary
        self.fields["person"].label = f"Which {vocabulary.person} is the case for?"
        self.fields["person"].choices = people
        self.fields["find_person"].label = f"Find a {vocabulary.person} by name or postcode"
        self.fields["assignee"].choices = staff_choices(staff, empty="Nobody yet")
        self.fields["team"].choices = team_choices(teams, empty="No team")
        self.fields["tags"].choices = [(str(tag.pk), tag.name) for tag in tags]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("person"):
            # With nobody found yet there is no option to point at: point at the search.
            self.add_error(
                "person" if self.fields["person"].choices else "find_person",
                f"Choose the {self.vocabulary.person} the case is for: "
                "find them by name or postcode first.",
            )
        return data

    def details(self) -> dict[str, Any]:
        details = super().details()
        data = self.cleaned_data
        details.update(
            people=[int(data["person"])],
            assignee=data.get("assignee") or None,
            team=data.get("team") or None,
            tags=[int(tag) for tag in data.get("tags", [])],
        )
        return details


class ChangeStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="New status",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the case's new status."},
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=500,
        help_text="Why the status changed. It goes on the case's timeline.",
    )

    def __init__(self, *args: Any, statuses: list[CaseStatus], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (str(status.pk), f"{status.name}{' (closes the case)' if status.is_closed else ''}")
            for status in statuses
        ]


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label="Assign to", required=False)
    team = forms.ChoiceField(label="Team", required=False)

    def __init__(self, *args: Any, staff: list[User], teams: list[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = staff_choices(staff, empty="Nobody")
        self.fields["team"].choices = team_choices(teams, empty="No team")


class TagForm(forms.Form):
    tag = forms.ChoiceField(label="Add a tag", required=False)
    new_tag = forms.CharField(
        label="Or make a new tag",
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, tags: list[Tag], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", "Choose a tag")] + [
            (str(tag.pk), tag.name) for tag in tags
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("tag") and not data.get("new_tag", "").strip():
            self.add_error("tag", "Choose a tag, or type the name of a new one.")
        return data


class RestrictForm(forms.Form):
    staff = forms.MultipleChoiceField(
        label="Who may see this case?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Managers, administrators and the person it is assigned to can always see it. "
        "Choose nobody to lift the restriction.",
    )

    def __init__(self, *args: Any, staff: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].choices = [(str(member.pk), member.full_name) for member in staff]


class RelateForm(forms.Form):
    reference = forms.CharField(
        label="Reference of the related case",
        max_length=32,
        help_text="For example NR-2026-00042.",
        error_messages={"required": "Enter the reference of the related case."},
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-20", "autocomplete": "off", "spellcheck": "false"}
        ),
    )


class AddPersonForm(forms.Form):
    find_person = forms.CharField(label="Find by name or postcode", required=False, max_length=200)
    person = forms.ChoiceField(label="Who?", widget=forms.RadioSelect, required=False)
    role = forms.ChoiceField(
        label="Their part in the case",
        choices=PartyRole.choices,
        initial=PartyRole.SUBJECT,
    )

    def __init__(
        self, *args: Any, people: list[tuple[str, str]], vocabulary: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.vocabulary = vocabulary
        self.fields["find_person"].label = f"Find a {vocabulary.person} by name or postcode"
        self.fields["person"].label = f"Which {vocabulary.person}?"
        self.fields["person"].choices = people

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("person"):
            self.add_error(
                "person" if self.fields["person"].choices else "find_person",
                f"Find and choose the {self.vocabulary.person} to add.",
            )
        return data


class AddOrganisationForm(forms.Form):
    find_organisation = forms.CharField(
        label="Find an organisation by name", required=False, max_length=200
    )
    organisation = forms.ChoiceField(
        label="Which organisation?", widget=forms.RadioSelect, required=False
    )
    role = forms.ChoiceField(
        label="Its part in the case",
        choices=OrganisationRole.choices,
        initial=OrganisationRole.RESPONSIBLE,
    )

    def __init__(self, *args: Any, organisations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = organisations

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("organisation"):
            self.add_error(
                "organisation" if self.fields["organisation"].choices else "find_organisation",
                "Find and choose the organisation to add.",
            )
        return data
