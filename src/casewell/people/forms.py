"""Forms for the people pages. They only shape what was typed; the services check and write.

Fields are plain text where the service does the real checking (postcode,
phone, National Insurance number), so the service's precise message is the
one shown, against the right field.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from casewell.people.models import ContactMethod, PhoneNumber, Relationship, ThirdPartyAuthority

DATE_FORMATS = ("%d %m %Y", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y")
YES_NO = [("no", "No"), ("yes", "Yes")]


class DayField(forms.CharField):
    """A date typed as people write it ("27 3 1985", "27/03/1985", "27 March 1985")."""

    def __init__(self, *, what: str = "date", **kwargs: Any) -> None:
        self.what = what
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "For example, 27 3 1985")
        kwargs.setdefault("widget", forms.TextInput(attrs={"class": "govuk-input--width-10"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> date | None:  # type: ignore[override]
        text = " ".join(str(value or "").split())
        if not text:
            return None
        for pattern in DATE_FORMATS:
            try:
                return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar day
            except ValueError:
                continue
        raise ValidationError(f"Enter the {self.what} as day, month and year, like 27 3 1985")


def _text(label: str, *, required: bool = False, width: str = "", **kwargs: Any) -> forms.CharField:
    """A text field. ``required`` is for the reader only: the service refuses an empty one,
    with its own message, alongside every other problem at once."""
    del required
    attrs = {"class": width} if width else {}
    attrs.update(kwargs.pop("attrs", {}))
    return forms.CharField(
        label=label,
        required=False,
        max_length=kwargs.pop("max_length", 200),
        widget=forms.TextInput(attrs=attrs),
        **kwargs,
    )


def _yes_no(label: str, **kwargs: Any) -> forms.TypedChoiceField:
    kwargs.setdefault("initial", "no")
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        required=False,
        empty_value=False,
        widget=forms.RadioSelect,
        **kwargs,
    )


class PersonForm(forms.Form):
    """The person's own details, as added or changed."""

    title = _text(
        "Title",
        width="govuk-input--width-5",
        max_length=30,
        attrs={"autocomplete": "off"},
        help_text="For example, Mrs, Mx or Dr",
    )
    first_name = _text("First name", required=True, attrs={"spellcheck": "false"})
    last_name = _text("Last name", required=True, attrs={"spellcheck": "false"})
    preferred_name = _text(
        "Preferred name",
        attrs={"spellcheck": "false"},
        help_text="What they like to be called, if different",
    )
    date_of_birth = DayField(label="Date of birth (optional)", what="date of birth")
    preferred_contact = forms.ChoiceField(
        label="How they prefer to be contacted",
        choices=ContactMethod.choices,
        required=False,
    )
    language = _text("Language", max_length=60, help_text="The language they prefer to use")
    needs_interpreter = _yes_no("Do they need an interpreter?")


class NewPersonForm(PersonForm):
    """Adding a person: their details and the first address, phone, e-mail and note."""

    address_line_1 = _text("Address line 1", attrs={"autocomplete": "off"})
    address_line_2 = _text("Address line 2 (optional)", attrs={"autocomplete": "off"})
    town = _text("Town or city", width="govuk-!-width-two-thirds", max_length=100)
    postcode = _text(
        "Postcode",
        width="govuk-input--width-10",
        max_length=20,
        attrs={"autocomplete": "off", "spellcheck": "false"},
    )
    phone = _text(
        "Phone number",
        width="govuk-input--width-20",
        max_length=40,
        attrs={"autocomplete": "off"},
        help_text="A UK number, or an international one starting with +",
    )
    phone_kind = forms.ChoiceField(
        label="Kind of phone number",
        choices=PhoneNumber.Kind.choices,
        initial=PhoneNumber.Kind.MOBILE,
    )
    email = _text(
        "E-mail address", max_length=254, attrs={"autocomplete": "off", "spellcheck": "false"}
    )
    vulnerability_note = forms.CharField(
        label="Vulnerability notes (optional)",
        required=False,
        widget=forms.Textarea,
        help_text="Anything staff must know to look after them. Every reading is logged.",
    )
    # Set once the caseworker has seen possible duplicates and chosen to add anyway.
    confirmed_new = forms.BooleanField(required=False, widget=forms.HiddenInput)


class AddressForm(forms.Form):
    line_1 = _text("Address line 1", required=True, attrs={"autocomplete": "off"})
    line_2 = _text("Address line 2 (optional)", attrs={"autocomplete": "off"})
    town = _text("Town or city", width="govuk-!-width-two-thirds", max_length=100)
    postcode = _text(
        "Postcode",
        required=True,
        width="govuk-input--width-10",
        max_length=20,
        attrs={"autocomplete": "off", "spellcheck": "false"},
    )
    make_current = _yes_no("Is this their current address?", initial="yes")


class PhoneForm(forms.Form):
    number = _text(
        "Phone number",
        required=True,
        width="govuk-input--width-20",
        max_length=40,
        attrs={"autocomplete": "off"},
        help_text="A UK number, or an international one starting with +",
    )
    kind = forms.ChoiceField(
        label="Kind of phone number",
        choices=PhoneNumber.Kind.choices,
        initial=PhoneNumber.Kind.MOBILE,
    )
    make_main = _yes_no("Make this their main number?")


class EmailForm(forms.Form):
    address = _text(
        "E-mail address",
        required=True,
        max_length=254,
        attrs={"autocomplete": "off", "spellcheck": "false"},
    )
    make_main = _yes_no("Make this their main e-mail address?")


class VulnerabilityNoteForm(forms.Form):
    text = forms.CharField(label="New note", widget=forms.Textarea, required=False)


class AuthorityForm(forms.Form):
    name = _text("Name of the person who may act for them", required=True)
    relationship = forms.ChoiceField(
        label="Their relationship",
        choices=[("", "Choose a relationship"), *Relationship.choices],
        required=False,
    )
    scope = forms.ChoiceField(
        label="What they may do",
        choices=ThirdPartyAuthority.Scope.choices,
        widget=forms.RadioSelect,
        initial=ThirdPartyAuthority.Scope.ALL,
    )
    scope_detail = forms.CharField(
        label="The matters they may act on",
        required=False,
        widget=forms.Textarea,
        help_text="Needed when they may act only on some matters",
    )
    phone = _text("Their phone number (optional)", width="govuk-input--width-20", max_length=40)
    email = _text("Their e-mail address (optional)", max_length=254)
    starts_on = DayField(
        label="From (optional)",
        what="start date",
        help_text="Leave empty for today. For example, 27 3 2026",
    )
    expires_on = DayField(
        label="Until (optional)",
        what="expiry date",
        help_text="Leave empty if it has no end. For example, 27 3 2027",
    )
    evidence = _text(
        "How the office knows (optional)",
        max_length=300,
        help_text="For example, a signed letter, or a lasting power of attorney",
    )


class PermissionFormForm(forms.Form):
    full_name = _text("Full name", required=True)
    address = forms.CharField(label="Address", required=False, widget=forms.Textarea)
    postcode = _text("Postcode", width="govuk-input--width-10", max_length=20)
    national_insurance_number = _text(
        "National Insurance number (optional)",
        width="govuk-input--width-10",
        max_length=20,
        help_text="It is on their National Insurance card, payslip or P60. For example, "
        "QQ 12 34 56 C",
    )
    date_of_birth = DayField(label="Date of birth (optional)", what="date of birth")
    home_office_reference = _text("Home Office reference (optional)", max_length=50)
    other_reference = _text(
        "Other reference (optional)",
        max_length=100,
        help_text="For example, a benefit or council tax reference",
    )
    agencies = forms.CharField(
        label="Organisations the office may contact",
        widget=forms.Textarea,
        required=False,
        help_text="One a line",
    )
    signed_on = DayField(
        label="Date signed (optional)",
        what="date signed",
        help_text="Leave empty to print the form for signature. For example, 27 3 2026",
    )
    valid_until = DayField(
        label="Valid until (optional)",
        what="date it runs out",
        help_text="Only if the form says. Otherwise it lasts 12 months from signing",
    )


class SignedForm(forms.Form):
    signed_on = DayField(label="Date signed", what="date signed")
    valid_until = DayField(
        label="Valid until (optional)",
        what="date it runs out",
        help_text="Only if the form says. Otherwise it lasts 12 months from signing",
    )


class ScanForm(forms.Form):
    scan = forms.FileField(
        label="Upload the signed form",
        required=True,
        error_messages={"required": "Choose the scan of the signed form"},
        help_text="A PDF or a photo of the signed form",
    )
    signed_on = DayField(
        label="Date signed (optional)",
        what="date signed",
        help_text="If it has not been recorded yet. For example, 27 3 2026",
    )


class DocumentForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        required=True,
        error_messages={"required": "Choose the file to upload"},
        help_text="A PDF, an image, a Word, Excel or OpenDocument document, or a text file",
    )
    description = forms.CharField(
        label="What is it? (optional)",
        required=False,
        max_length=300,
        help_text="For example, tenancy agreement",
        error_messages={"max_length": "Describe it in 300 characters or fewer"},
    )
