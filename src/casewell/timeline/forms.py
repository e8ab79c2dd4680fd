"""Forms for the timeline pages. They gather what was typed; the services judge it."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.utils import timezone

from casewell.timeline.models import Direction, EntryKind

# A service's complaint about ``occurred_at`` belongs next to the first box of the date.
FIELD_FOR_ERROR = {"occurred_at": "occurred_day"}


class TimelineFilterForm(forms.Form):
    kind = forms.MultipleChoiceField(
        choices=EntryKind.choices,
        required=False,
        label="Show only",
        widget=forms.CheckboxSelectMultiple,
    )


class NoteForm(forms.Form):
    text = forms.CharField(required=False, label="Note", widget=forms.Textarea(attrs={"rows": 6}))
    sensitive = forms.BooleanField(
        required=False,
        label="This note is sensitive",
        help_text=(
            "The timeline will show only that there is a sensitive note. "
            "Each time someone opens it is recorded in the access log."
        ),
    )


class WhenMixin(forms.Form):
    """When something happened, as the GOV.UK date input asks it: day, month, year and a time."""

    occurred_day = forms.CharField(required=False, label="Day")
    occurred_month = forms.CharField(required=False, label="Month")
    occurred_year = forms.CharField(required=False, label="Year")
    occurred_time = forms.CharField(required=False, label="Time")

    def occurred_at(self) -> datetime | None:
        """The moment given (office-local, no zone), None for "just now"; errors added here."""
        data = self.cleaned_data
        parts = [data.get(f"occurred_{part}", "").strip() for part in ("day", "month", "year")]
        typed_time = data.get("occurred_time", "").strip()
        if not any(parts) and not typed_time:
            return None
        day_given = None
        if any(parts):
            if not all(parts):
                missing = [n for n, v in zip(("day", "month", "year"), parts, strict=True) if not v]
                self.add_error("occurred_day", f"The date must include a {' and '.join(missing)}.")
            else:
                try:
                    day_number, month, year = (int(part) for part in parts)
                    day_given = date(year, month, day_number)
                except ValueError:
                    self.add_error(
                        "occurred_day", "The date must be a real date, for example 27 3 2026."
                    )
        clock = None
        if not typed_time:
            self.add_error("occurred_time", "Enter the time as well as the date, like 14:30.")
        else:
            try:
                clock = time.fromisoformat(typed_time.replace(".", ":").zfill(5))
            except ValueError:
                self.add_error("occurred_time", "Enter the time as hours and minutes, like 14:30.")
        if clock is None or (any(parts) and day_given is None):
            return None
        return datetime.combine(day_given or timezone.localdate(), clock)


WHEN = ["occurred_day", "occurred_month", "occurred_year", "occurred_time"]


class CallForm(WhenMixin):
    direction = forms.ChoiceField(
        required=False,
        label="Was the call incoming or outgoing?",
        choices=Direction.choices,
        widget=forms.RadioSelect,
    )
    correspondent = forms.CharField(
        required=False, max_length=300, label="Who was the call with? (optional)"
    )
    duration_minutes = forms.CharField(
        required=False,
        label="How long did it last, in minutes?",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4", "autocomplete": "off"}),
    )
    text = forms.CharField(
        required=False, label="What was said", widget=forms.Textarea(attrs={"rows": 6})
    )

    # The order of the page, so the error summary lists problems as they appear.
    field_order = ["direction", "correspondent", "duration_minutes", *WHEN, "text"]


class VisitForm(WhenMixin):
    place = forms.CharField(required=False, max_length=200, label="Where was the visit? (optional)")
    duration_minutes = forms.CharField(
        required=False,
        label="How long did it last, in minutes? (optional)",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4", "autocomplete": "off"}),
    )
    text = forms.CharField(
        required=False, label="What happened", widget=forms.Textarea(attrs={"rows": 6})
    )

    field_order = ["place", *WHEN, "duration_minutes", "text"]


class DocumentForm(forms.Form):
    file = forms.FileField(required=False, allow_empty_file=True, label="Upload a file")
    description = forms.CharField(
        required=False,
        label="Description (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def show_errors(form: forms.Form, errors: dict[str, Any]) -> None:
    """Put a service's ValidationError messages on the form fields they are about.

    A field the form has already found wrong keeps the form's own, more precise message.
    """
    for name, messages in errors.items():
        field = FIELD_FOR_ERROR.get(name, name)
        if field in form.errors or (field == "occurred_day" and "occurred_time" in form.errors):
            continue
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
