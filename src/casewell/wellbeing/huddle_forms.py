"""Forms for huddles, putting it down and no-meeting times. They shape what was typed; the
services check and write."""

from __future__ import annotations

from typing import Any

from django import forms

from casewell.cases.models import Case
from casewell.offices.models import User
from casewell.wellbeing.meeting_times import WEEKDAYS
from casewell.wellbeing.models import Repeats

DATE_FORMATS = ["%d %m %Y", "%d/%m/%Y", "%Y-%m-%d", "%d %B %Y"]
DECISION_ROWS = 3


def _date_field(label: str, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label, input_formats=DATE_FORMATS, help_text="For example, 27 3 2027",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "off"}),
        **kwargs,
    )  # fmt: skip


def _time_field(label: str, **kwargs: Any) -> forms.TimeField:
    return forms.TimeField(
        label=label, input_formats=["%H:%M", "%H.%M"], help_text="For example, 16:30",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "autocomplete": "off"}),
        **kwargs,
    )  # fmt: skip


def staff_choices(staff: list[User]) -> list[tuple[int, str]]:
    return [(person.pk, person.full_name) for person in staff]


class HuddleForm(forms.Form):
    """Who came, and up to three decisions at a time (each with an optional action)."""

    attendees = forms.TypedMultipleChoiceField(
        label="Who came?", coerce=int, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose who came to the huddle"},
    )  # fmt: skip
    learning_theme = forms.CharField(
        label="This week's learning theme (optional)", required=False, max_length=200,
        help_text="Something the team will learn from together this week",
    )  # fmt: skip
    notes = forms.CharField(
        label="Anything else the team noted (optional)", required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip

    def __init__(self, *args: Any, staff: list[User], cases: list[Case], weekly: bool,
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        people = staff_choices(staff)
        self.fields["attendees"].choices = people
        if not weekly:
            del self.fields["learning_theme"]
        case_choices = [("", "No particular case")] + [
            (case.pk, f"{case.reference}: {case.summary}") for case in cases
        ]
        for n in range(1, DECISION_ROWS + 1):
            self.fields[f"case_{n}"] = forms.TypedChoiceField(
                label=f"Decision {n}: which case (optional)", choices=case_choices,
                coerce=int, empty_value=None, required=False,
            )  # fmt: skip
            self.fields[f"decision_{n}"] = forms.CharField(
                label=f"Decision {n}: what the team decided", required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )  # fmt: skip
            self.fields[f"action_{n}"] = forms.CharField(
                label=f"Decision {n}: action (optional)", required=False, max_length=300,
            )  # fmt: skip
            self.fields[f"owner_{n}"] = forms.TypedChoiceField(
                label=f"Decision {n}: who will do it", choices=[("", "Nobody yet")] + people,
                coerce=int, empty_value=None, required=False,
            )  # fmt: skip
            self.fields[f"due_{n}"] = _date_field(f"Decision {n}: by when (optional)",
                                                  required=False)  # fmt: skip

    def decision_rows(self) -> list[list[Any]]:
        return [
            [self[f"{name}_{n}"] for name in ("case", "decision", "action", "owner", "due")]
            for n in range(1, DECISION_ROWS + 1)
        ]


class PutDownForm(forms.Form):
    note = forms.CharField(
        label="What are you carrying today?", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Only you will ever see this: not your manager, not anyone else.",
    )  # fmt: skip
    hand_over = forms.TypedMultipleChoiceField(
        label="Hand a case to tomorrow's huddle (optional)", coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The team will go through it at the next daily huddle.",
    )  # fmt: skip
    handover_note = forms.CharField(
        label="What should the team know about it? (optional)", required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The team reads this at the huddle.",
    )  # fmt: skip

    def __init__(self, *args: Any, cases: list[Case], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hand_over"].choices = [
            (case.pk, f"{case.reference}: {case.summary}") for case in cases
        ]


class NoMeetingTimeForm(forms.Form):
    label = forms.CharField(label="Name (optional)", required=False, max_length=100,
                            help_text="For example, Lunch break")  # fmt: skip
    repeats = forms.ChoiceField(
        label="How often?", choices=Repeats.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose how often the time repeats"},
    )  # fmt: skip
    weekday = forms.TypedChoiceField(
        label="Which day? (weekly and fortnightly)", coerce=int, empty_value=None,
        required=False, choices=[("", "Choose a day")] + list(enumerate(WEEKDAYS[:5])),
    )  # fmt: skip
    first_on = _date_field("First date (fortnightly)", required=False)
    starts = _time_field("From (leave empty for the whole day)", required=False)
    ends = _time_field("Until", required=False)


class HuddleTimesForm(forms.Form):
    daily_at = _time_field("The daily huddle meets at")
    weekly_weekday = forms.TypedChoiceField(
        label="The weekly huddle meets on", coerce=int, choices=list(enumerate(WEEKDAYS[:5]))
    )
    weekly_at = _time_field("at")
    meet_anyway = forms.BooleanField(
        label="Keep these times even though they are in a no-meeting time", required=False
    )
