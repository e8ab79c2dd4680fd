"""The people an office works for: constituents, children and families, clients.

A person's contact details live in their own rows (``Address``, ``PhoneNumber``,
``PersonEmail``: several each, one current or main). The current address,
main phone and main e-mail are also copied onto ``Person`` by the services,
so lists, searches and duplicate checks read one indexed table. People added
in bulk (the demo, imports) may have only those copies; the services adopt
them into rows the first time such a person's details are changed.
"""

from __future__ import annotations

import unicodedata
from datetime import date

from django.db import models
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone

from casewell.offices.models import TenantModel, User


def name_key(text: str) -> str:
    """How names are compared: lower case, accents and punctuation gone ("O'Brien" -> "obrien")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if ch.isalnum()).lower()


class ContactMethod(models.TextChoices):
    NONE = "", "No preference"
    EMAIL = "email", "E-mail"
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message"
    LETTER = "letter", "Letter"


class Person(TenantModel):
    title = models.CharField(max_length=30, blank=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    # Copies of the main e-mail, main phone and current address (see the module's note).
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True, help_text="Stored in E.164 form.")
    address_line_1 = models.CharField(max_length=200, blank=True)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    preferred_contact = models.CharField(
        max_length=10, choices=ContactMethod.choices, blank=True, default=ContactMethod.NONE
    )
    language = models.CharField(max_length=60, blank=True)
    needs_interpreter = models.BooleanField(default=False)
    # Set when a manager merges this person into another; the row stays so the
    # merge can be undone, and lists leave it out.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_people"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    sensitive_fields = ("date_of_birth",)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(fields=["office", "last_name", "first_name"]),
            models.Index(fields=["office", "postcode"]),
            models.Index(fields=["office", "email"]),
            models.Index(fields=["office", "phone"]),
            # The duplicate check narrows by the start of the surname, in any case.
            models.Index(F("office"), Lower("last_name"), name="person_office_surname"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.first_name
        return f"{first} {self.last_name}".strip()

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.title, self.first_name, self.last_name) if part)

    @property
    def full_address(self) -> str:
        parts = [self.address_line_1, self.address_line_2, self.town, self.postcode]
        return ", ".join(part for part in parts if part)

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None


class Address(TenantModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    line_1 = models.CharField(max_length=200)
    line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    is_current = models.BooleanField(default=False)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-is_current", "-added_at", "-id"]
        indexes = [models.Index(fields=["office", "postcode"])]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(is_current=True), name="one_current_address"
            )
        ]

    def __str__(self) -> str:
        return ", ".join(
            part for part in (self.line_1, self.line_2, self.town, self.postcode) if part
        )


class PhoneNumber(TenantModel):
    class Kind(models.TextChoices):
        MOBILE = "mobile", "Mobile"
        HOME = "home", "Home"
        WORK = "work", "Work"
        OTHER = "other", "Other"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="phone_numbers")
    number = models.CharField(max_length=20, help_text="E.164, for example +447811123456.")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MOBILE)
    is_main = models.BooleanField(default=False)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-is_main", "added_at", "id"]
        indexes = [models.Index(fields=["office", "number"])]
        constraints = [
            models.UniqueConstraint(fields=["person", "number"], name="one_phone_number_once"),
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(is_main=True), name="one_main_phone"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class PersonEmail(TenantModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="email_addresses")
    address = models.EmailField(
        help_text="Kept in lower case so one address is found however typed."
    )
    is_main = models.BooleanField(default=False)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-is_main", "added_at", "id"]
        indexes = [models.Index(fields=["office", "address"])]
        constraints = [
            models.UniqueConstraint(fields=["person", "address"], name="one_email_address_once"),
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(is_main=True), name="one_main_email"
            ),
        ]

    def __str__(self) -> str:
        return self.address


class VulnerabilityNote(TenantModel):
    """Something staff must know to look after this person (health, safety, capacity).

    Sensitive: every read is logged in the access log, and the audit trail
    records that a note changed but never its words.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="vulnerability_notes")
    text = models.TextField()
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    sensitive = True
    sensitive_fields = ("text",)

    class Meta:
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"Vulnerability note about {self.person}"


class Relationship(models.TextChoices):
    FAMILY = "family", "Family member"
    PARTNER = "partner", "Husband, wife or partner"
    PARENT = "parent", "Parent or guardian"
    FRIEND = "friend", "Friend or neighbour"
    CARER = "carer", "Carer"
    ADVOCATE = "advocate", "Advocate or support worker"
    SOLICITOR = "solicitor", "Solicitor or legal representative"
    ATTORNEY = "attorney", "Attorney (lasting power of attorney) or deputy"
    OTHER = "other", "Other"


class ThirdPartyAuthority(TenantModel):
    """Someone the person has said may act for them, how far, and until when."""

    class Scope(models.TextChoices):
        ALL = "all", "All of their casework"
        NAMED = "named", "Only the matters described"
        INFORMATION = "information", "May be told about progress, but not give instructions"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="authorities")
    name = models.CharField(max_length=200, help_text="The person who may act for them.")
    # When the one acting is also someone the office knows, the link helps find them.
    acting_person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="acts_for"
    )
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    scope = models.CharField(max_length=20, choices=Scope.choices, default=Scope.ALL)
    scope_detail = models.TextField(blank=True)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    starts_on = models.DateField(default=timezone.localdate)
    expires_on = models.DateField(null=True, blank=True)
    evidence = models.CharField(max_length=300, blank=True, help_text="How the office knows.")
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["ended_at", "-starts_on", "-id"]
        verbose_name_plural = "third-party authorities"

    def __str__(self) -> str:
        return f"{self.name} for {self.person}"

    def is_in_force(self, on: date | None = None) -> bool:
        day = on or timezone.localdate()
        if self.ended_at is not None or self.starts_on > day:
            return False
        return self.expires_on is None or day <= self.expires_on


class PermissionForm(TenantModel):
    """The person's signed permission for the office to raise their case with named agencies.

    The form holds what the paper form asks. It is *in force* from the day it
    was signed until ``valid_until``: the date the form itself states, or, when
    it states none, twelve months after signing (see ``consent.py``).
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="permission_forms")
    full_name = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    national_insurance_number = models.CharField(max_length=9, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    home_office_reference = models.CharField(max_length=50, blank=True)
    other_reference = models.CharField(max_length=100, blank=True)
    agencies = models.TextField(help_text="The agencies named, one a line.")
    signed_on = models.DateField(null=True, blank=True, help_text="Empty until it is signed.")
    valid_until = models.DateField(null=True, blank=True)
    # The signed form, scanned; encrypted at rest by the files app.
    scan = models.ForeignKey(
        "files.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    sensitive = True
    sensitive_fields = ("national_insurance_number", "date_of_birth", "home_office_reference")

    class Meta:
        ordering = ["-signed_on", "-recorded_at", "-id"]
        indexes = [models.Index(fields=["office", "person", "signed_on"])]

    def __str__(self) -> str:
        return f"Permission form for {self.full_name}"

    @property
    def agency_list(self) -> list[str]:
        return [line.strip() for line in self.agencies.splitlines() if line.strip()]


class PersonMerge(TenantModel):
    """One merge of two people: who was kept, who was merged in, and exactly what moved.

    ``moves`` lists every row re-pointed ({"model", "field", "pk"}), every row
    removed because the kept person already had its twin ({"model", "values"}),
    and every flag changed on the way, so ``unmerge_people`` can put it all back.
    """

    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_in")
    merged_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    merged_at = models.DateTimeField(default=timezone.now)
    moves = models.JSONField(default=dict)
    undone_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at", "-id"]

    def __str__(self) -> str:
        return f"{self.merged} merged into {self.kept}"


class PersonDocument(TenantModel):
    """A file kept on a person's record (a letter they brought in, a tenancy agreement).

    The bytes are checked, encrypted and streamed back by the files domain; this row
    says whose it is and why it is here.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="documents")
    stored_file = models.OneToOneField(
        "files.StoredFile", on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(max_length=300, blank=True)
    uploaded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.description or self.stored_file.original_name
