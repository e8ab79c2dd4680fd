"""Forms for the office's case settings: categories, workflow, teams and tags."""

from __future__ import annotations

from typing import Any

from django import forms

from casewell.cases.models import CaseStatus, Category
from casewell.offices.models import User


class NameForm(forms.Form):
    name = forms.CharField(label="Name", max_length=100)

    def __init__(self, *args: Any, label: str = "Name", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].label = label
        self.fields["name"].error_messages["required"] = f"Enter the {label.lower()}."


class CategoryForm(forms.Form):
    name = forms.CharField(
        label="Name of the category",
        max_length=100,
        error_messages={"required": "Enter the category's name."},
    )
    parent = forms.ModelChoiceField(
        label="Goes under",
        queryset=Category.objects.none(),
        required=False,
        empty_label="Nothing: it is a category of its own",
        help_text="Choose a category to make this a sub-category of it.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Category.objects.filter(
            parent__isnull=True, retired_at__isnull=True
        ).order_by("position", "name")


class StatusForm(forms.Form):
    name = forms.CharField(
        label="Name of the status",
        max_length=60,
        error_messages={"required": "Enter the status's name."},
    )
    is_closed = forms.TypedChoiceField(
        label="Is a case in this status closed?",
        choices=[("no", "No, work on it goes on"), ("yes", "Yes, it is finished with")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="no",
        error_messages={"required": "Say whether a case in this status is closed."},
    )


class NextStatusesForm(forms.Form):
    next_statuses = forms.ModelMultipleChoiceField(
        label="A case in this status may move to",
        queryset=CaseStatus.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave them all unticked and cases in this status can never move on.",
    )

    def __init__(self, *args: Any, status: CaseStatus, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["next_statuses"].queryset = (
            CaseStatus.objects.exclude(pk=status.pk)
            .filter(retired_at__isnull=True)
            .order_by("position", "id")
        )


class TeamMembersForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        label="Members",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, office_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = User.objects.filter(
            office_id=office_id, is_active=True
        ).order_by("full_name")
        self.fields["members"].label_from_instance = lambda user: user.full_name
