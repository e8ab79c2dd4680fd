"""Forms for the working-pattern and colleague-message pages."""

from __future__ import annotations

from datetime import time
from typing import Any

from django import forms

from casewell.notify.models import EmailChoice
from casewell.notify.services import MESSAGE_LIMIT, URGENT_REASON_LIMIT
from casewell.notify.working_time import DAY_NAMES, Pattern
from casewell.offices.models import Nation, validate_time_zone

NATIONS = [
    (Nation.ENGLAND, "England"),
    (Nation.WALES, "Wales"),
    (Nation.SCOTLAND, "Scotland"),
    (Nation.NORTHERN_IRELAND, "Northern Ireland"),
]


def _clock(value: str, label: str) -> time:
    try:
        return time.fromisoformat(value.strip())
    except ValueError:
        raise forms.ValidationError(f"Enter {label} as a 24-hour time, like 09:00.") from None


class WorkingPatternForm(forms.Form):
    """Seven days, each worked or not with a start and end; a time zone; a nation."""

    time_zone = forms.CharField(
        label="Time zone",
        max_length=64,
        help_text="Where you work, for example Europe/London or Europe/Dublin.",
    )
    nation = forms.ChoiceField(
        label="Which bank holidays apply to you",
        choices=NATIONS,
        widget=forms.RadioSelect,
    )
    email = forms.ChoiceField(
        label="E-mail about notifications",
        choices=EmailChoice.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number, name in enumerate(DAY_NAMES):
            self.fields[f"day_{number}_works"] = forms.BooleanField(
                label=f"I work on {name}s", required=False
            )
            self.fields[f"day_{number}_start"] = forms.CharField(
                label=f"{name} start", required=False, max_length=5
            )
            self.fields[f"day_{number}_end"] = forms.CharField(
                label=f"{name} end", required=False, max_length=5
            )

    @staticmethod
    def initial_for(pattern: Pattern, email: str) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "time_zone": pattern.time_zone,
            "nation": pattern.nation,
            "email": email,
        }
        for number in range(7):
            period = pattern.days.get(number)
            initial[f"day_{number}_works"] = period is not None
            initial[f"day_{number}_start"] = f"{period.start:%H:%M}" if period else "09:00"
            initial[f"day_{number}_end"] = f"{period.end:%H:%M}" if period else "17:00"
        return initial

    def days(self) -> list[dict[str, Any]]:
        """Each day's three fields, for the template."""
        return [
            {
                "name": name,
                "works": self[f"day_{number}_works"],
                "times": [self[f"day_{number}_start"], self[f"day_{number}_end"]],
            }
            for number, name in enumerate(DAY_NAMES)
        ]

    def clean_time_zone(self) -> str:
        value = self.cleaned_data["time_zone"].strip()
        validate_time_zone(value)
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        hours: dict[int, tuple[time, time]] = {}
        for number, name in enumerate(DAY_NAMES):
            if not data.get(f"day_{number}_works"):
                continue
            try:
                start = _clock(data.get(f"day_{number}_start") or "", f"{name}'s start")
            except forms.ValidationError as error:
                self.add_error(f"day_{number}_start", error)
                continue
            try:
                end = _clock(data.get(f"day_{number}_end") or "", f"{name}'s end")
            except forms.ValidationError as error:
                self.add_error(f"day_{number}_end", error)
                continue
            if end <= start:
                self.add_error(
                    f"day_{number}_end", f"{name}'s end time must be after its start time."
                )
                continue
            hours[number] = (start, end)
        if not hours and not self.errors:
            self.add_error("day_0_works", "Choose at least one day you work.")
        data["hours"] = hours
        return data


class MessageForm(forms.Form):
    colleague = forms.TypedChoiceField(label="To", coerce=int, empty_value=None)
    text = forms.CharField(
        label="Message",
        max_length=MESSAGE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"A short message, up to {MESSAGE_LIMIT:,} characters.",
    )
    urgent = forms.BooleanField(
        label="This is urgent: send it now even if they are not at work",
        required=False,
    )
    urgent_reason = forms.CharField(
        label="Why it cannot wait",
        required=False,
        max_length=URGENT_REASON_LIMIT,
        help_text="Recorded with the message.",
    )

    def __init__(self, *args: Any, colleagues: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["colleague"].choices = [("", "Choose a colleague")] + [
            (person.pk, person.full_name) for person in colleagues
        ]
        self.fields["colleague"].error_messages["required"] = "Choose who the message is for."
        self.fields["text"].error_messages["required"] = "Enter your message."

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("urgent") and not (data.get("urgent_reason") or "").strip():
            self.add_error("urgent_reason", "Say why this cannot wait until they are next at work.")
        return data
