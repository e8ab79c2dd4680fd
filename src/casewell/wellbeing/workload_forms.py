"""Forms for a case's complexity and distress level, and the office's workload settings."""

from __future__ import annotations

from django import forms

from casewell.wellbeing.models.workload import DistressLevel

COMPLEXITY_CHOICES = [("", "Not set")] + [
    (str(n), f"{n}{' (simple)' if n == 1 else ' (very complex)' if n == 5 else ''}")
    for n in range(1, 6)
]
DISTRESS_CHOICES = [("", "Go by its messages and notes")] + [
    (str(value), label) for value, label in DistressLevel.choices
]


class CaseWorkloadForm(forms.Form):
    complexity = forms.ChoiceField(label="Complexity", choices=COMPLEXITY_CHOICES, required=False)
    distress = forms.ChoiceField(
        label="Distress level",
        choices=DISTRESS_CHOICES,
        required=False,
        help_text="Leave it to the messages and notes unless you know better.",
    )
    reason = forms.CharField(
        label="Why the level is different",
        required=False,
        max_length=500,
        help_text="Needed when you set the level yourself. Colleagues see it.",
    )


class WorkloadSettingsForm(forms.Form):
    capacity = forms.IntegerField(
        label="A full caseload, weighted",
        help_text="The weighted caseload a full-time caseworker can carry comfortably.",
        error_messages={"required": "Enter a full caseload", "invalid": "Enter a whole number"},
    )
    heavy_limit = forms.IntegerField(
        label="Heavy items that make a heavy week",
        help_text="Someone with this many heavy items in the last 7 days is suggested last.",
        error_messages={
            "required": "Enter a number of heavy items",
            "invalid": "Enter a whole number",
        },
    )
    nudges_on = forms.BooleanField(
        label="Suggest breaks after a run of heavy items", required=False
    )
    nudge_items = forms.IntegerField(
        label="Heavy items in a run",
        help_text="A break is suggested after this many heavy items...",
        error_messages={"required": "Enter a number of items", "invalid": "Enter a whole number"},
    )
    nudge_minutes = forms.IntegerField(
        label="Within minutes",
        help_text="...read or handled within this many minutes.",
        error_messages={"required": "Enter a number of minutes", "invalid": "Enter a whole number"},
    )
