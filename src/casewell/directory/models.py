"""The organisations and contacts an office writes to: a central directory every office reads, and
each office's own.

Two layers:

* The **central directory** (``CentralOrganisation``, ``CentralContact``) belongs to the
  installation, not to any office: ``casewell directory import FILE.csv`` loads it, every office
  reads it, no office writes it. Each entry has a stable ``key`` (from the CSV) so a second
  import updates rather than duplicates.
* Each office's **own directory** (``Organisation``, ``Contact``; tenant rows behind the office
  wall). An ``Organisation`` is one of three things:

  - *local*: ``central`` is empty; the office made it and its values are the office's own;
  - *a link* to a central entry: ``central`` is set and ``overridden`` is false. Its values are
    a copy of the central entry's, kept in step by every import (and by ``revert``), so a case
    that names it always shows the central details. It exists so a case (or an office contact)
    has an office row to point at;
  - *an override*: ``central`` is set and ``overridden`` is true. The office's values win
    **wholesale** (all fields, not field by field): an import no longer touches it, and another
    office never sees it. Reverting makes it a link again, with the central values.

  The thing a case links to is always an ``Organisation`` (see
  ``casewell.directory.services.organisation_for_case``).

Contacts: central contacts belong to central organisations and are read-only to offices; an
office's ``Contact`` belongs to one of its ``Organisation`` rows (local, link or override), so a
caseworker can add "the housing officer we deal with" to a central council.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from casewell.offices.models import TenantModel


class OrganisationKind(models.TextChoices):
    GOVERNMENT_DEPARTMENT = "government_department", "Government department"
    MINISTERS_OFFICE = "ministers_office", "Minister’s office"
    AGENCY_MP_HOTLINE = "agency_mp_hotline", "Agency MP hotline"
    COUNCIL = "council", "Council"
    HOUSING_ASSOCIATION = "housing_association", "Housing association"
    SCHOOL = "school", "School"
    GP_PRACTICE = "gp_practice", "GP practice"
    OTHER = "other", "Other"


class OrganisationDetails(models.Model):
    """The details every organisation has, wherever it is kept."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=OrganisationKind.choices)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True, help_text="Stored in E.164 form.")
    website = models.URLField(blank=True)
    address_line_1 = models.CharField(max_length=200, blank=True)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    notes = models.TextField(blank=True)

    DETAIL_FIELDS = (
        "name",
        "kind",
        "email",
        "phone",
        "website",
        "address_line_1",
        "address_line_2",
        "town",
        "postcode",
        "notes",
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def full_address(self) -> str:
        parts = [self.address_line_1, self.address_line_2, self.town, self.postcode]
        return ", ".join(part for part in parts if part)


class ContactDetails(models.Model):
    """The details every contact has, wherever it is kept."""

    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True, help_text="Stored in E.164 form.")
    address_line_1 = models.CharField(max_length=200, blank=True)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True)

    DETAIL_FIELDS = (
        "name",
        "role",
        "email",
        "phone",
        "address_line_1",
        "address_line_2",
        "town",
        "postcode",
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name

    @property
    def full_address(self) -> str:
        parts = [self.address_line_1, self.address_line_2, self.town, self.postcode]
        return ", ".join(part for part in parts if part)


class CentralOrganisation(OrganisationDetails):
    """An entry of the installation's shared directory. Written only by the import."""

    key = models.SlugField(max_length=100, unique=True, help_text="Stable key from the CSV.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["kind", "name"])]


class CentralContact(ContactDetails):
    """Someone at a central organisation. Written only by the import."""

    organisation = models.ForeignKey(
        CentralOrganisation, on_delete=models.CASCADE, related_name="contacts"
    )
    key = models.SlugField(max_length=100, unique=True, help_text="Stable key from the CSV.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]


class Organisation(OrganisationDetails, TenantModel):
    """One of the office's organisations: its own, a link to a central one, or an override."""

    central = models.ForeignKey(
        CentralOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="office_copies",
    )
    overridden = models.BooleanField(
        default=False, help_text="The office's values replace the central entry's."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["office", "kind", "name"])]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "central"],
                condition=models.Q(central__isnull=False),
                name="one_office_row_per_central_organisation",
            ),
            models.CheckConstraint(
                condition=models.Q(overridden=False) | models.Q(central__isnull=False),
                name="only_a_central_link_is_overridden",
            ),
        ]

    @property
    def is_local(self) -> bool:
        return self.central_id is None

    @property
    def is_link(self) -> bool:
        """Mirrors a central entry: the office has not changed it."""
        return self.central_id is not None and not self.overridden

    @property
    def is_override(self) -> bool:
        return self.central_id is not None and self.overridden


class Contact(ContactDetails, TenantModel):
    """Someone the office deals with at one of its organisations."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        ordering = ["name", "id"]
