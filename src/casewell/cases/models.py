"""Cases: what an office is doing for someone, from opening to closing.

Who may see a case: everyone in the office, unless the case is *restricted*
to named staff. A restricted case is seen only by those named, by its
assignee, and by managers and administrators (someone must be able to
reassign it when the named people leave; the restriction is for keeping a
case from colleagues, not from the office's management). Interns and
volunteers see only cases assigned to them or to a team they belong to.
``Case.is_visible_to`` answers for one case (``offices.permissions.may_see``
asks it); ``CaseQuerySet.visible_to`` gives the same answer as a query, and
every list, count, search and API listing uses it.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from casewell.directory.models import Organisation
from casewell.offices.models import Role, Team, TeamMembership, TenantModel, User
from casewell.offices.tenancy import OfficeScopedManager, bind_office, current_actor
from casewell.people.models import Person


class Category(TenantModel):
    """One node of the office's category tree: a category, or (with a parent) a sub-category.

    Categories are retired, never deleted once a case uses them, so old cases keep theirs.
    """

    name = models.CharField(max_length=100)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    position = models.PositiveIntegerField(default=0)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "name", "id"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(
                fields=["office", "parent", "name"], name="one_category_name_per_parent"
            ),
            models.UniqueConstraint(
                fields=["office", "name"],
                condition=Q(parent__isnull=True),
                name="one_top_category_name",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent.name}: {self.name}" if self.parent_id else self.name

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class CaseStatus(TenantModel):
    """One step of the office's workflow. A case moves only along ``StatusTransition`` rows."""

    name = models.CharField(max_length=60)
    is_initial = models.BooleanField(
        default=False, help_text="New cases start here. Exactly one status is the initial one."
    )
    is_closed = models.BooleanField(
        default=False, help_text="A case in this status is closed: it is finished with."
    )
    position = models.PositiveIntegerField(default=0)
    retired_at = models.DateTimeField(null=True, blank=True)
    next_statuses = models.ManyToManyField(
        "self",
        through="StatusTransition",
        through_fields=("from_status", "to_status"),
        symmetrical=False,
        related_name="previous_statuses",
        blank=True,
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "case statuses"
        constraints = [
            models.UniqueConstraint(fields=["office", "name"], name="one_status_name_per_office"),
            models.UniqueConstraint(
                fields=["office"], condition=Q(is_initial=True), name="one_initial_status"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StatusTransition(TenantModel):
    """The workflow allows a case in ``from_status`` to move to ``to_status``."""

    from_status = models.ForeignKey(
        CaseStatus, on_delete=models.CASCADE, related_name="transitions_out"
    )
    to_status = models.ForeignKey(
        CaseStatus, on_delete=models.CASCADE, related_name="transitions_in"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["from_status", "to_status"], name="one_transition"),
            models.CheckConstraint(
                condition=~Q(from_status=models.F("to_status")), name="transition_goes_somewhere"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class Tag(TenantModel):
    """A label the office puts on cases ("MP letter", "urgent housing"...)."""

    name = models.CharField(max_length=60)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["office", "name"], name="one_tag_name_per_office")
        ]

    def __str__(self) -> str:
        return self.name


class CaseReferenceCounter(TenantModel):
    """The last case number given out in one office in one year.

    Bumped with an UPDATE inside the opening transaction, which locks the row on
    PostgreSQL (and the database on SQLite), so two openings never share a number.
    """

    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    audited = False  # bookkeeping: the case it numbers is audited

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "year"], name="one_counter_per_office_year")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Priority(models.IntegerChoices):
    LOW = 1, "Low"
    NORMAL = 2, "Normal"
    HIGH = 3, "High"
    URGENT = 4, "Urgent"


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: User) -> CaseQuerySet:
        """The cases ``user`` may see; the query form of ``Case.is_visible_to``."""
        if not getattr(user, "is_authenticated", False) or not user.is_active or user.is_locked:
            return self.none()
        cases = self.filter(office_id=user.office_id)
        if user.has_role(Role.MANAGER, Role.ADMINISTRATOR):
            return cases
        if set(user.roles) <= {Role.INTERN}:
            in_team = Exists(
                TeamMembership.all_offices.filter(team_id=OuterRef("team_id"), user=user)
            )
            cases = cases.filter(Q(assignee=user) | in_team)
        named = Exists(CaseRestriction.all_offices.filter(case=OuterRef("pk"), user=user))
        return cases.filter(Q(is_restricted=False) | Q(assignee=user) | named)


class CaseManager(OfficeScopedManager.from_queryset(CaseQuerySet)):  # type: ignore[misc]
    pass


class Case(TenantModel):
    reference = models.CharField(max_length=32, editable=False)
    year = models.PositiveIntegerField(editable=False)
    number = models.PositiveIntegerField(editable=False)
    summary = models.CharField(max_length=300)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="cases")
    subcategory = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="subcategory_cases"
    )
    status = models.ForeignKey(CaseStatus, on_delete=models.PROTECT, related_name="cases")
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    complexity = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="From 1 (simple) to 5 (very complex)."
    )
    assignee = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="assigned_cases"
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    tags = models.ManyToManyField(Tag, through="CaseTag", related_name="cases", blank=True)
    people = models.ManyToManyField(Person, through="CasePerson", related_name="cases", blank=True)
    organisations = models.ManyToManyField(
        Organisation, through="CaseOrganisation", related_name="cases", blank=True
    )
    related_cases = models.ManyToManyField(
        "self", through="CaseLink", through_fields=("case", "other"), symmetrical=True, blank=True
    )
    is_restricted = models.BooleanField(default=False)
    restricted_to = models.ManyToManyField(
        User, through="CaseRestriction", related_name="+", blank=True
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    follow_up_date = models.DateField(null=True, blank=True)
    opened_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseManager()
    all_offices = models.Manager.from_queryset(CaseQuerySet)()

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["office", "reference"], name="one_case_reference"),
            models.UniqueConstraint(
                fields=["office", "year", "number"], name="one_case_number_per_year"
            ),
            models.CheckConstraint(
                condition=Q(complexity__isnull=True) | Q(complexity__gte=1, complexity__lte=5),
                name="complexity_one_to_five",
            ),
        ]
        indexes = [
            models.Index(fields=["office", "-opened_at"]),
            # Every column the case lists count by, in the order they group: the counts
            # read this index alone, already in group order (see case_counts). Status
            # first: so SQLite never prefers it for a page of the list, which it reads
            # newest first from the index above.
            models.Index(
                fields=[
                    "status", "office", "category", "subcategory", "assignee", "priority",
                    "team", "due_date", "is_restricted",
                ],
                name="case_filter_counts",
            ),
            models.Index(fields=["office", "assignee"]),
            models.Index(fields=["office", "due_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.summary}"

    @property
    def is_closed(self) -> bool:
        return self.status.is_closed

    def is_visible_to(self, user: Any) -> bool:
        """Whether ``user`` may see this case (see the module docstring for the rules)."""
        if getattr(user, "office_id", None) != self.office_id:
            return False
        if user.has_role(Role.MANAGER, Role.ADMINISTRATOR):
            return True
        if self.assignee_id == user.pk:
            return True
        # Read inside the case's own office, so the answer is the same in a request,
        # a job or a test (row-level security would hide the rows otherwise).
        with bind_office(self.office_id, actor=current_actor()):
            if set(user.roles) <= {Role.INTERN}:
                in_team = (
                    self.team_id is not None
                    and TeamMembership.all_offices.filter(team_id=self.team_id, user=user).exists()
                )
                if not in_team:
                    return False
            if not self.is_restricted:
                return True
            return CaseRestriction.all_offices.filter(case=self, user=user).exists()


class CaseTag(TenantModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_tags")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="case_tags")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "tag"], name="one_tag_per_case")]

    def __str__(self) -> str:
        return f"{self.tag} on {self.case.reference}"


class PartyRole(models.TextChoices):
    """Who someone is to the case."""

    SUBJECT = "subject", "The case is about them"
    REQUESTER = "requester", "Asked for help"
    REPRESENTATIVE = "representative", "Acts for someone on the case"
    FAMILY = "family", "Family member"
    WITNESS = "witness", "Witness"
    OTHER = "other", "Other"


class OrganisationRole(models.TextChoices):
    """What an organisation is to the case."""

    RESPONSIBLE = "responsible", "Responsible for the decision"
    CONTACTED = "contacted", "Contacted about the case"
    SUPPORTING = "supporting", "Supporting the person"
    OTHER = "other", "Other"


class CasePerson(TenantModel):
    """A person involved in a case, and their part in it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="case_parties")
    role = models.CharField(max_length=20, choices=PartyRole.choices, default=PartyRole.SUBJECT)
    note = models.CharField(max_length=200, blank=True)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="one_party_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class CaseOrganisation(TenantModel):
    """An organisation involved in a case (a council, a department, an agency), and its part."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="organisation_parties")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="case_parties"
    )
    role = models.CharField(
        max_length=20, choices=OrganisationRole.choices, default=OrganisationRole.RESPONSIBLE
    )
    note = models.CharField(max_length=200, blank=True)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "organisation"], name="one_party_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class CaseLink(TenantModel):
    """Two cases are related. Stored both ways round, so either case lists the other."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links")
    other = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "other"], name="one_link_per_pair"),
            models.CheckConstraint(
                condition=~Q(case=models.F("other")), name="case_not_related_to_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} ↔ {self.other.reference}"


class CaseRestriction(TenantModel):
    """One member of staff who may see a restricted case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="restrictions")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="case_restrictions")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="one_restriction_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} open to {self.user}"
