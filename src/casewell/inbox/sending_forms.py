"""Forms for writing and sending e-mail. They only shape what was typed; the services check."""

from __future__ import annotations

from typing import Any

from django import forms

from casewell.inbox.models import SmtpSecurity

_PLAIN = {"spellcheck": "false", "autocomplete": "off"}


class ComposeForm(forms.Form):
    to = forms.CharField(
        label="To", required=False, max_length=5000,
        help_text="E-mail addresses, with a comma between two.",
        widget=forms.TextInput(attrs=_PLAIN),
    )
    cc = forms.CharField(
        label="Cc (optional)", required=False, max_length=5000,
        widget=forms.TextInput(attrs=_PLAIN),
    )
    subject = forms.CharField(
        label="Subject", required=False, max_length=900,
        help_text="Keep the case reference in square brackets: the answer then comes back "
        "to this case.",
    )
    body = forms.CharField(
        label="Message", required=False, widget=forms.Textarea(attrs={"rows": 14})
    )
    files = forms.MultipleChoiceField(
        label="Files to attach", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Files already on the case.",
    )

    def __init__(self, *args: Any, file_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].choices = file_choices


class SendingSettingsForm(forms.Form):
    from_address = forms.CharField(
        label="Send from (e-mail address)", required=False, max_length=254,
        help_text="Answers come back to this address: make it one whose mail comes into "
        "this inbox. Leave it empty to use the first inbox address.",
        widget=forms.EmailInput(attrs=_PLAIN),
    )
    from_name = forms.CharField(
        label="Send as (name)", required=False, max_length=200,
        help_text="Leave it empty to use the office's name.",
    )
    signature = forms.CharField(
        label="Signature", required=False, max_length=5000,
        help_text="Put under every e-mail written in Casewell; it can be changed each time.",
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    host = forms.CharField(
        label="Mail server", required=False, max_length=255,
        help_text="Its SMTP server's name, like smtp.example.org. Leave it empty to send "
        "through this installation's own mail server.",
        widget=forms.TextInput(attrs=_PLAIN),
    )
    security = forms.ChoiceField(
        label="Connection", choices=SmtpSecurity.choices, initial=SmtpSecurity.STARTTLS,
        widget=forms.RadioSelect,
    )
    port = forms.IntegerField(
        label="Port", required=False, initial=587,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "autocomplete": "off"}),
    )
    username = forms.CharField(
        label="User name (optional)", required=False, max_length=255,
        widget=forms.TextInput(attrs=_PLAIN),
    )
    password = forms.CharField(
        label="Password", required=False,
        help_text="Kept encrypted, and never shown again. Leave it empty to keep the one saved.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class CampaignAnswerForm(forms.Form):
    subject = forms.CharField(label="Subject", required=False, max_length=300)
    body = forms.CharField(
        label="Message", required=False, widget=forms.Textarea(attrs={"rows": 14}),
        help_text="{name} becomes each person's name, {first_name} their first name and "
        "{email} their address.",
    )


class MarkCampaignForm(forms.Form):
    campaign = forms.ChoiceField(label="Which campaign", widget=forms.RadioSelect)
    title = forms.CharField(
        label="Name of the new campaign", required=False, max_length=300,
        help_text="Only for a new campaign. Leave it empty to use the message's subject.",
    )

    def __init__(self, *args: Any, campaign_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = [*campaign_choices, ("new", "Start a new campaign")]
