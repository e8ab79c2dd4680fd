"""The directory's forms. They only collect what was typed: the services check and tidy it
(``casewell.directory.details``), so a page, the API and the import refuse the same things."""

from __future__ import annotations

from typing import Any

from django import forms

from casewell.directory.models import OrganisationKind


def _text(label: str, *, help_text: str = "", width: str = "", autocomplete: str = "") -> Any:
    attrs = {}
    if width:
        attrs["class"] = width
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    return forms.CharField(
        label=label,
        required=False,
        max_length=300,
        help_text=help_text,
        widget=forms.TextInput(attrs=attrs),
    )


class DirectoryFilterForm(forms.Form):
    name = forms.CharField(required=False, max_length=200, label="Name")
    kind = forms.ChoiceField(
        required=False,
        label="Kind of organisation",
        choices=[("", "All kinds"), *OrganisationKind.choices],
    )


class OrganisationForm(forms.Form):
    name = _text("Name of the organisation")
    kind = forms.ChoiceField(
        label="Kind of organisation",
        required=False,
        choices=OrganisationKind.choices,
        widget=forms.RadioSelect,
    )
    email = _text("E-mail address (optional)", width="govuk-!-width-two-thirds")
    phone = _text(
        "Phone (optional)",
        help_text="For example 0113 496 0000, or with +44",
        width="govuk-input--width-20",
    )
    website = _text("Website (optional)", help_text="For example www.northfield.gov.uk")
    address_line_1 = _text("Address line 1 (optional)")
    address_line_2 = _text("Address line 2 (optional)")
    town = _text("Town or city (optional)", width="govuk-!-width-two-thirds")
    postcode = _text("Postcode (optional)", width="govuk-input--width-10")
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=5000,
        help_text="What the office should know when writing to them",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ContactForm(forms.Form):
    name = _text("Name", autocomplete="off")
    role = _text("Role (optional)", help_text="For example Housing options manager")
    email = _text("E-mail address (optional)", width="govuk-!-width-two-thirds")
    phone = _text(
        "Phone (optional)",
        help_text="For example 0113 496 0000, or with +44",
        width="govuk-input--width-20",
    )
    address_line_1 = _text("Address line 1 (optional)")
    address_line_2 = _text("Address line 2 (optional)")
    town = _text("Town or city (optional)", width="govuk-!-width-two-thirds")
    postcode = _text("Postcode (optional)", width="govuk-input--width-10")
