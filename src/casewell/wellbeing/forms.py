"""Forms for the protected-reading pages. They gather what was typed; the services judge it."""

from __future__ import annotations

from django import forms

from casewell.wellbeing.models.distress import CATEGORY_CHOICES, WarningChoice

SEVERITIES = [
    ("1", "1 – a mention (the word on its own)"),
    ("2", "2 – harm described or disclosed"),
    ("3", "3 – immediate or explicit (a plan, a threat)"),
]


class ReadingPreferenceForm(forms.Form):
    choice = forms.ChoiceField(
        label="When should Casewell keep distressing content behind a warning?",
        choices=WarningChoice.choices,
        widget=forms.RadioSelect,
    )
    categories = forms.MultipleChoiceField(
        label="Warn me about",
        required=False,
        choices=CATEGORY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only used when you choose to be warned for some kinds of content.",
    )


class OfficePhraseForm(forms.Form):
    category = forms.ChoiceField(
        label="Kind of content", choices=[("", "Choose"), *CATEGORY_CHOICES], required=False
    )
    phrase = forms.CharField(
        label="Phrase", required=False, max_length=200,
        help_text="Matched as words, whatever the capitals, and with a plural s.",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )  # fmt: skip
    severity = forms.ChoiceField(
        label="Severity", choices=SEVERITIES, initial="2", widget=forms.RadioSelect
    )


class FlagForm(forms.Form):
    categories = forms.MultipleChoiceField(
        label="It contains", required=False, choices=CATEGORY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    reason = forms.CharField(
        label="Why", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
