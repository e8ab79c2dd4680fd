"""Forms for the office's own pages: staff, invitations, the office's details, the trails."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.apps import apps
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from casewell.offices.models import AuditEntry, Nation, Office, Role, User, role_label
from casewell.offices.vocabulary import OfficeKind


def role_choices(office: Office) -> list[tuple[str, str]]:
    """Roles in the office's words: a constituency office's "Member", a team's "Service lead"."""
    return [(role.value, role_label(role.value, office.vocabulary)) for role in Role]


class RolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Roles")
        kwargs.setdefault("help_text", "Select all that apply.")
        kwargs.setdefault("error_messages", {"required": "Choose at least one role."})
        super().__init__(**kwargs)


class InviteForm(forms.Form):
    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        error_messages={"required": "Enter the person's full name."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label="E-mail address",
        help_text="We will send the invitation to this address.",
        error_messages={
            "required": "Enter the person's e-mail address.",
            "invalid": "Enter an e-mail address in the correct format, like name@example.com.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    roles = RolesField()

    def __init__(self, *args: Any, office: Office, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = role_choices(office)


class RolesForm(forms.Form):
    roles = RolesField()

    def __init__(self, *args: Any, office: Office, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = role_choices(office)


class JoinForm(forms.Form):
    """The invitee chooses a password, checked against the same validators as every password."""

    password1 = forms.CharField(
        label="Create a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter a password."},
    )
    password2 = forms.CharField(
        label="Confirm your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter the password again."},
    )

    def __init__(self, *args: Any, new_member: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.new_member = new_member
        self.fields["password1"].help_text = " ".join(password_validators_help_texts())

    def clean_password1(self) -> str:
        password = self.cleaned_data["password1"]
        validate_password(password, user=self.new_member)
        return password

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error(
                "password2", "The passwords do not match. Enter the same password twice."
            )
        return cleaned


def _time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class OfficeDetailsForm(forms.Form):
    name = forms.CharField(
        label="Office name", max_length=200, error_messages={"required": "Enter the office's name."}
    )
    kind = forms.ChoiceField(
        label="Kind of office",
        choices=OfficeKind.choices,
        help_text=(
            "Sets the words every page uses for the people you serve "
            "(constituents, children and families, clients) and for the member or service lead."
        ),
    )
    nation = forms.ChoiceField(
        label="Nation",
        choices=Nation.choices,
        help_text="Sets which bank holidays count when working days are counted.",
    )
    time_zone = forms.ChoiceField(label="Time zone", choices=_time_zone_choices)
    reference_prefix = forms.CharField(
        label="Case reference prefix",
        max_length=8,
        help_text=(
            "Up to 8 letters or numbers. Starts every case reference, for example DEM-2026-00042."
        ),
        error_messages={"required": "Enter a case reference prefix."},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "spellcheck": "false"}),
    )

    def clean_reference_prefix(self) -> str:
        prefix = self.cleaned_data["reference_prefix"].strip().upper()
        if not prefix.isalnum():
            raise ValidationError("The prefix must contain only letters and numbers.")
        return prefix


# --- The audit trail and the access log ---------------------------------------------------


class TrailFilterForm(forms.Form):
    """Filters shared by the audit trail and the access log; dates are the office's own days."""

    person = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, label="Person", empty_label="Anyone"
    )
    action = forms.ChoiceField(required=False, label="Action")
    record_type = forms.ChoiceField(required=False, label="Record type")
    date_from = forms.DateField(
        required=False,
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        required=False,
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    person_field = "actor"
    action_field = "action"

    def __init__(
        self,
        *args: Any,
        office: Office,
        actions: list[tuple[str, str]],
        record_types: list[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.office = office
        self.fields["person"].queryset = User.objects.filter(office=office).order_by("full_name")
        self.fields["action"].choices = [("", "Any action"), *actions]
        self.fields["record_type"].choices = [
            ("", "Any record"),
            *[(label, record_type_name(label, office)) for label in record_types],
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The 'to' date must be the same as or after the 'from' date.")
        return cleaned

    def _start_of(self, day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=zoneinfo.ZoneInfo(self.office.time_zone))

    def apply(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data.get("person"):
            queryset = queryset.filter(**{self.person_field: data["person"]})
        if data.get("action"):
            queryset = queryset.filter(**{self.action_field: data["action"]})
        if data.get("record_type"):
            queryset = queryset.filter(subject_type=data["record_type"])
        if data.get("date_from"):
            queryset = queryset.filter(at__gte=self._start_of(data["date_from"]))
        if data.get("date_to"):
            queryset = queryset.filter(at__lt=self._start_of(data["date_to"] + timedelta(days=1)))
        return queryset


class AuditFilterForm(TrailFilterForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, actions=list(AuditEntry.Action.choices), **kwargs)


class AccessLogFilterForm(TrailFilterForm):
    person_field = "user"
    action_field = "channel"
    CHANNELS = [
        ("page", "Read on a page"),
        ("api", "Read through the API"),
        ("export", "Exported"),
        ("search", "Found by search"),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, actions=self.CHANNELS, **kwargs)
        self.fields["action"].label = "How it was read"


def record_type_name(label: str, office: Office) -> str:
    """A model label ("people.Person") in the office's words ("Constituent")."""
    if label == "people.Person":
        return office.vocabulary.person_title
    try:
        return str(apps.get_model(label)._meta.verbose_name).capitalize()
    except (LookupError, ValueError):
        return label
