"""Forms for supervision. They shape what was typed; the services check and write."""

from __future__ import annotations

from typing import Any

from django import forms

from casewell.offices.models import User
from casewell.wellbeing.huddle_forms import DATE_FORMATS, staff_choices
from casewell.wellbeing.models import SupervisionKind

LENGTHS = [(30, "30 minutes"), (45, "45 minutes"), (60, "1 hour"), (90, "1 and a half hours"),
           (120, "2 hours")]  # fmt: skip
ACTION_ROWS = 2


class ScheduleForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of session?", choices=SupervisionKind.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of supervision"},
    )  # fmt: skip
    supervisor = forms.TypedChoiceField(label="Supervisor", coerce=int)
    facilitator = forms.CharField(
        label="Clinical supervisor from outside the office (optional)", required=False,
        max_length=200, help_text="For example, the psychologist who runs clinical supervision",
    )  # fmt: skip
    supervisees = forms.TypedMultipleChoiceField(
        label="Who is it for?", coerce=int, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose who the session is for"},
    )  # fmt: skip
    starts_at = forms.DateTimeField(
        label="Starts", input_formats=["%d %m %Y %H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M",
                                       "%Y-%m-%dT%H:%M"],
        help_text="Date and time, for example 27 3 2027 10:00",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "autocomplete": "off"}),
        error_messages={"required": "Enter when the session starts",
                        "invalid": "Enter the date and time like 27 3 2027 10:00"},
    )  # fmt: skip
    minutes = forms.TypedChoiceField(label="How long?", choices=LENGTHS, coerce=int, initial=60)
    place = forms.CharField(label="Where (optional)", required=False, max_length=200)
    every_weeks = forms.TypedChoiceField(
        label="Repeat", coerce=int, empty_value=None, required=False,
        choices=[("", "Does not repeat")] + [(n, f"Every {n} weeks" if n > 1 else "Every week")
                                             for n in (1, 2, 3, 4, 6, 8, 12, 26)],
    )  # fmt: skip
    occurrences = forms.IntegerField(
        label="How many sessions?", min_value=1, max_value=52, initial=1,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
    )  # fmt: skip
    book_anyway = forms.BooleanField(
        label="Book it even though it is in a no-meeting time", required=False
    )

    def __init__(self, *args: Any, staff: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].choices = staff_choices(staff)
        self.fields["supervisees"].choices = staff_choices(staff)


class AttendanceForm(forms.Form):
    attended = forms.TypedMultipleChoiceField(
        label="Who came?", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, people: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = staff_choices(people)


class RecordForm(forms.Form):
    supervisee = forms.TypedChoiceField(label="Whose record?", coerce=int)
    text = forms.CharField(
        label="What was discussed", widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Only the supervisee and the supervisor can read this.",
        error_messages={"required": "Write what was discussed"},
    )  # fmt: skip

    def __init__(self, *args: Any, people: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supervisee"].choices = staff_choices(people)
        for n in range(1, ACTION_ROWS + 1):
            self.fields[f"action_{n}"] = forms.CharField(
                label=f"Agreed action {n} (optional)", required=False, max_length=300
            )
            self.fields[f"due_{n}"] = forms.DateField(
                label=f"Action {n} by when (optional)", required=False,
                input_formats=DATE_FORMATS, help_text="For example, 27 3 2027",
                widget=forms.TextInput(attrs={"class": "govuk-input--width-10",
                                              "autocomplete": "off"}),
            )  # fmt: skip

    def action_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"action_{n}"], self[f"due_{n}"]) for n in range(1, ACTION_ROWS + 1)]


class PolicyForm(forms.Form):
    clinical_per_year = forms.TypedChoiceField(
        label="Clinical supervision for each person", coerce=int,
        choices=[(n, f"{n} time{'s' if n > 1 else ''} a year") for n in (1, 2, 3, 4, 6, 12)],
    )  # fmt: skip
