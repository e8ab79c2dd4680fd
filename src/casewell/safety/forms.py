"""Forms for lone working. They only shape what was typed; the services check and write."""

from __future__ import annotations

from typing import Any

from django import forms

from casewell.offices.models import User
from casewell.safety.models import IncidentChannel, MarkerKind, Purpose

DURATIONS = [
    (15, "15 minutes"),
    (30, "30 minutes"),
    (45, "45 minutes"),
    (60, "1 hour"),
    (90, "1 and a half hours"),
    (120, "2 hours"),
    (180, "3 hours"),
    (240, "4 hours"),
    (360, "6 hours"),
    (480, "8 hours"),
]
INTERVALS = [
    (5, "5 minutes"),
    (10, "10 minutes"),
    (15, "15 minutes"),
    (30, "30 minutes"),
    (45, "45 minutes"),
    (60, "1 hour"),
    (90, "1 and a half hours"),
    (120, "2 hours"),
    (180, "3 hours"),
    (240, "4 hours"),
    (480, "8 hours"),
    (720, "12 hours"),
    (1440, "24 hours"),
]
EXTENSIONS = [(15, "15 minutes"), (30, "30 minutes"), (60, "1 hour"), (120, "2 hours")]


class PinInput(forms.PasswordInput):
    def __init__(self) -> None:
        super().__init__(attrs={"class": "govuk-input--width-5", "autocomplete": "off"})


def _pin_field() -> forms.CharField:
    return forms.CharField(
        label="Your PIN",
        required=False,
        max_length=8,
        widget=PinInput(),
        help_text="If you use one. You can leave this empty.",
    )


class StartForm(forms.Form):
    purpose = forms.ChoiceField(
        label="What are you doing?",
        choices=Purpose.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of lone work this is"},
    )
    location = forms.CharField(
        label="Where will you be?",
        max_length=300,
        help_text="The address, or the name of the venue",
        error_messages={"required": "Enter where you will be, such as the address"},
    )
    map_note = forms.CharField(
        label="Map link or location words (optional)",
        required=False,
        max_length=300,
        help_text="A map link, three-word address or directions to find you",
    )
    duration = forms.TypedChoiceField(
        label="How long will it take?",
        choices=DURATIONS,
        coerce=int,
        initial=60,
        error_messages={"required": "Choose how long it will take"},
    )
    check_in_minutes = forms.TypedChoiceField(
        label="Check in every",
        choices=INTERVALS,
        coerce=int,
        initial=60,
        error_messages={"required": "Choose how often you will check in"},
    )
    buddy = forms.TypedChoiceField(
        label="Your buddy",
        coerce=int,
        choices=[],
        help_text="A colleague who will look out for you and is alerted first",
        error_messages={"required": "Choose a buddy: a colleague who will look out for you"},
    )
    emergency_contact_name = forms.CharField(
        label="Emergency contact's name",
        max_length=200,
        error_messages={"required": "Enter the name of your emergency contact"},
    )
    emergency_contact_phone = forms.CharField(
        label="Emergency contact's phone number",
        max_length=30,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "autocomplete": "off"}),
        error_messages={"required": "Enter your emergency contact's phone number"},
    )
    details = forms.CharField(
        label="Anything else your buddy should know (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    person_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    case_id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, worker: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        colleagues = (
            User.objects.filter(office_id=worker.office_id, is_active=True)
            .exclude(pk=worker.pk)
            .order_by("full_name", "id")
        )
        self.fields["buddy"].choices = [("", "Choose a colleague")] + [
            (colleague.pk, colleague.full_name) for colleague in colleagues
        ]
        self.fields["emergency_contact_phone"].widget.input_type = "tel"


class CheckInForm(forms.Form):
    pin = _pin_field()


class EndForm(forms.Form):
    pin = _pin_field()


class ExtendForm(forms.Form):
    minutes = forms.TypedChoiceField(
        label="Extend by",
        choices=EXTENSIONS,
        coerce=int,
        widget=forms.RadioSelect,
        initial=30,
        error_messages={"required": "Choose how long to extend by"},
    )


class ActionForm(forms.Form):
    what_was_done = forms.CharField(
        label="What did you do?",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, who you phoned and what they said",
        error_messages={"required": "Say what you did, such as who you phoned"},
    )
    outcome = forms.ChoiceField(
        label="Is the alert over?",
        widget=forms.RadioSelect,
        initial="open",
        choices=[
            ("open", "No, I am still dealing with it"),
            ("resolved", "Yes: the worker is safe and can carry on"),
            ("ended", "Yes: the worker is safe and the session is over"),
        ],
    )


class DuressPinForm(forms.Form):
    pin = forms.CharField(
        label="Duress PIN",
        max_length=8,
        widget=PinInput(),
        help_text="4 to 8 digits, different from any PIN you use elsewhere",
        error_messages={"required": "Enter a PIN of 4 to 8 digits"},
    )
    confirm = forms.CharField(
        label="Type the duress PIN again",
        max_length=8,
        widget=PinInput(),
        error_messages={"required": "Type the same PIN again"},
    )


class EmergencyContactForm(forms.Form):
    emergency_contact_name = forms.CharField(label="Name", max_length=200, required=False)
    emergency_contact_phone = forms.CharField(
        label="Phone number",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["emergency_contact_phone"].widget.input_type = "tel"


class MobileForm(forms.Form):
    mobile = forms.CharField(
        label="Your mobile number",
        help_text="Texts from this number saying OK check you in. Leave it blank to stop.",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "autocomplete": "tel"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mobile"].widget.input_type = "tel"


def _minutes(label: str, hint: str = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=120,
        help_text=hint or "Minutes, from 0 to 120",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "autocomplete": "off"}),
        error_messages={
            "required": "Enter a number of minutes from 0 to 120",
            "invalid": "Enter a number of minutes from 0 to 120",
            "min_value": "Enter a number of minutes from 0 to 120",
            "max_value": "Enter a number of minutes from 0 to 120",
        },
    )


class LadderForm(forms.Form):
    grace_minutes = _minutes("Grace period after a missed check-in")
    worker_minutes = _minutes("Time for the worker to answer before the buddy is alerted")
    buddy_minutes = _minutes("Time for the buddy to answer before the managers are alerted")
    managers_minutes = _minutes(
        "Time for the managers to answer before the emergency contact is called"
    )
    emergency_contact_minutes = _minutes(
        "Time after calling the emergency contact before everyone is alerted"
    )
    repeat_minutes = _minutes("Alert everyone again every", "Minutes, from 0 (only once) to 120")
    emergency_procedure = forms.CharField(
        label="The office's emergency procedure",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Say what to do in an emergency"},
    )
    webhook_url = forms.CharField(
        label="SMS or voice provider's webhook (optional)",
        required=False,
        max_length=500,
        help_text="Every alert is sent here as JSON, so the provider can text or phone people",
    )


class MarkerForm(forms.Form):
    kind = forms.ChoiceField(
        label="What is the risk?",
        choices=MarkerKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of risk"},
    )
    note = forms.CharField(
        label="Details (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What staff need to know, without more detail than they need",
    )
    review_on = forms.DateField(
        label="Review by",
        input_formats=["%d %m %Y", "%d/%m/%Y", "%Y-%m-%d", "%d %B %Y"],
        help_text="For example, 27 3 2027",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "off"}),
        error_messages={
            "required": "Enter the date to review the marker by",
            "invalid": "Enter the review date as day, month and year, like 27 3 2027",
        },
    )


class IncidentForm(forms.Form):
    channel = forms.ChoiceField(
        label="How was the contact made?",
        choices=IncidentChannel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the contact was made"},
    )
    happened_on = forms.DateField(
        label="When did it happen?",
        input_formats=["%d %m %Y", "%d/%m/%Y", "%Y-%m-%d"],
        help_text="For example, 27 3 2026",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "off"}),
        error_messages={
            "required": "Enter the date it happened",
            "invalid": "Enter the date as day, month and year, like 27 3 2026",
        },
    )
    what_happened = forms.CharField(
        label="What happened?",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Say what happened"},
    )
    targeted = forms.TypedMultipleChoiceField(
        label="Who was it aimed at? (optional)",
        coerce=int,
        required=False,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
    )
    person_id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["targeted"].choices = [
            (member.pk, member.full_name)
            for member in User.objects.filter(office_id=user.office_id, is_active=True).order_by(
                "full_name", "id"
            )
        ]


class FollowUpForm(forms.Form):
    police_force = forms.CharField(label="Police force", required=False, max_length=100)
    police_reference = forms.CharField(label="Police reference", required=False, max_length=100)
    referred_to = forms.CharField(
        label="Referred to",
        required=False,
        max_length=200,
        help_text="The threat-assessment or security service, if referred",
    )
    outcome = forms.CharField(
        label="Outcome",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class HandlerForm(forms.Form):
    handler = forms.TypedChoiceField(
        label="Who handles this person's contact?",
        coerce=int,
        choices=[],
        error_messages={"required": "Choose a member of staff from your office"},
    )
    reason = forms.CharField(
        label="Why?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Staff who cannot read this person's contact see who handles it, not why",
        error_messages={"required": "Say why this person's contact goes to one handler"},
    )

    def __init__(self, *args: Any, office_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = User.objects.filter(office_id=office_id, is_active=True).order_by("full_name")
        self.fields["handler"].choices = [("", "Choose a member of staff")] + [
            (member.pk, member.full_name) for member in staff
        ]


class EvidenceForm(forms.Form):
    timeline_entry = forms.TypedChoiceField(
        label="Timeline entry to keep",
        coerce=int,
        choices=[],
        error_messages={"required": "Choose a timeline entry or one file"},
    )
    note = forms.CharField(label="Why it matters (optional)", required=False, max_length=300)

    def __init__(self, *args: Any, entries: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["timeline_entry"].choices = [("", "Choose an entry")] + [
            (
                entry.pk,
                f"{entry.case.reference}, {entry.occurred_at:%d %b %Y}: {entry.headline}",
            )
            for entry in entries
        ]


class SupportForm(forms.Form):
    name = forms.CharField(
        label="Service or person",
        max_length=200,
        error_messages={"required": "Enter the name of the service or person"},
    )
    how_to_reach = forms.CharField(
        label="How to reach them",
        max_length=300,
        error_messages={"required": "Say how to reach them"},
    )
    notes = forms.CharField(
        label="What they offer (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _message_label(message: Any) -> str:
    when = message.sent_at or message.created_at
    return f"{when:%d %b %Y}: {message.subject[:80] or '(no subject)'}"


class MessageEvidenceForm(forms.Form):
    """An inbox message to keep as evidence: one of the person's, or named by its number."""

    message = forms.ChoiceField(label="Message from this person", required=False, choices=[])
    message_number = forms.CharField(
        label="Or the message's number",
        required=False,
        max_length=12,
        help_text="The number at the end of the message's address, such as 1234",
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-5", "inputmode": "numeric", "autocomplete": "off"}
        ),
    )
    note = forms.CharField(label="Why it matters (optional)", required=False, max_length=300)

    def __init__(self, *args: Any, messages: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["message"].choices = [("", "Choose a message")] + [
            (str(message.pk), _message_label(message)) for message in messages
        ]
        if not messages:
            del self.fields["message"]
            self.fields["message_number"].label = "The message's number"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen = str(data.get("message") or "").strip()
        number = str(data.get("message_number") or "").strip()
        if bool(chosen) == bool(number):
            field = "message" if "message" in self.fields else "message_number"
            self.add_error(field, "Choose one message, or give one message's number")
        data["message_id"] = chosen or number
        return data


class AddToIncidentForm(forms.Form):
    incident = forms.TypedChoiceField(
        label="Which incident is it evidence of?",
        coerce=int,
        choices=[],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the incident it is evidence of"},
    )
    note = forms.CharField(label="Why it matters (optional)", required=False, max_length=300)

    def __init__(self, *args: Any, incidents: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["incident"].choices = [
            (
                incident.pk,
                f"{incident.get_channel_display()} on {incident.happened_on:%d %b %Y}"
                + (f", from {incident.person}" if incident.person_id else ""),
            )
            for incident in incidents
        ]
