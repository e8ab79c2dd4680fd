"""Forms for the mail settings pages. They only shape what was typed; ``mail_settings`` checks."""

from __future__ import annotations

from django import forms

CONNECTIONS = [
    ("tls", "Secure (TLS), usually port 993"),
    (
        "plain",
        "STARTTLS, usually port 143: made secure when the server offers it, otherwise not "
        "encrypted (only for a server on this machine or network)",
    ),
]


class AddressForm(forms.Form):
    address = forms.CharField(
        label="E-mail address",
        required=False,
        max_length=254,
        help_text="Mail your mail server passes to Casewell for this address comes into "
        "this office's inbox.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class MailboxForm(forms.Form):
    label = forms.CharField(
        label="Name", required=False, max_length=100,
        help_text="What the office calls this mailbox, like Casework inbox.",
    )
    host = forms.CharField(
        label="Mail server", required=False, max_length=255,
        help_text="Its IMAP server's name, like imap.example.org.",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    connection = forms.ChoiceField(
        label="Connection", choices=CONNECTIONS, initial="tls", widget=forms.RadioSelect
    )
    port = forms.IntegerField(
        label="Port", required=False, initial=993,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "autocomplete": "off"}),
    )
    username = forms.CharField(
        label="User name", required=False, max_length=255,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    password = forms.CharField(
        label="Password", required=False,
        help_text="Kept encrypted, and never shown again.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    folder = forms.CharField(
        label="Folder", required=False, max_length=255, initial="INBOX",
        help_text="The folder to read new mail from. Casewell leaves the mail there, unread.",
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    poll_every_seconds = forms.IntegerField(
        label="Check for new mail every (seconds)", required=False, initial=60,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "autocomplete": "off"}),
    )

    def mailbox_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["use_tls"] = data.pop("connection") == "tls"
        return data
