"""What a new office starts with: a category tree for its kind of work, and a workflow.

``ensure_case_defaults`` is the one code path: it runs when an office is created
(a post_save signal on Office, so ``create_office``, the test cast and the demo
generator all get it) and again, lazily, before the first case is opened in an
office that existed before cases did. It adds only what is missing, so running
it twice changes nothing.
"""

from __future__ import annotations

from django.db import transaction

from casewell.cases.models import CaseStatus, Category, StatusTransition
from casewell.offices.audit import record_event
from casewell.offices.models import AuditEntry, Office
from casewell.offices.tenancy import bind_office
from casewell.offices.vocabulary import OfficeKind

# Category: sub-categories. Chosen from the issues each kind of office most often sees.
DEFAULT_CATEGORIES: dict[str, dict[str, tuple[str, ...]]] = {
    OfficeKind.CONSTITUENCY: {
        "Immigration": (
            "Visas",
            "Asylum",
            "Settlement and citizenship",
            "Passports",
            "EU Settlement Scheme",
        ),
        "Housing": (
            "Council and social housing",
            "Private renting",
            "Homelessness",
            "Repairs and disrepair",
            "Planning",
        ),
        "Benefits": (
            "Universal Credit",
            "Disability benefits (PIP and ADP)",
            "State Pension",
            "Child Maintenance",
            "Carer's Allowance",
        ),
        "Health": ("GP and hospital services", "Dentistry", "Mental health services"),
        "Social care": ("Adult social care", "Children's services"),
        "Education": (
            "School admissions",
            "Special educational needs",
            "Further and higher education",
            "Student finance",
        ),
        "Crime and policing": ("Anti-social behaviour", "Policing", "Courts and justice"),
        "Environment": ("Waste and recycling", "Pollution", "Parks and green spaces"),
        "Transport": ("Roads and potholes", "Buses and trains", "DVLA"),
        "Tax": ("HMRC", "Council Tax"),
        "Employment": ("Employment rights", "Jobcentre Plus"),
        "Policy views": ("Campaign", "Individual view"),
        "Other": (),
    },
    OfficeKind.SOCIAL_CARE: {
        "Referral and assessment": ("Contact and referral", "Single assessment"),
        "Early help": ("Family support", "Parenting"),
        "Child in need": ("Plan", "Review"),
        "Child protection": ("Strategy discussion", "Section 47 enquiry", "Conference"),
        "Children looked after": ("Placement", "Contact with family", "Review"),
        "Care leavers": ("Pathway plan", "Housing", "Education, employment and training"),
        "Disabled children": ("Short breaks", "Equipment and adaptations"),
        "Other": (),
    },
    OfficeKind.MENTAL_HEALTH: {
        "Assessment": ("Initial assessment", "Reassessment"),
        "Crisis": ("Crisis plan", "Home treatment"),
        "Ongoing care": ("Care coordination", "Medication", "Therapy"),
        "Housing and money": ("Housing", "Benefits", "Debt"),
        "Carers and family": ("Carer's assessment", "Family support"),
        "Discharge": ("Discharge planning", "Aftercare (section 117)"),
        "Other": (),
    },
    OfficeKind.ADVICE: {
        "Benefits": ("Universal Credit", "Disability benefits", "Appeals and reconsiderations"),
        "Debt": ("Priority debts", "Consumer credit", "Insolvency options"),
        "Housing": ("Renting", "Homelessness", "Repossession"),
        "Employment": ("Pay and contracts", "Dismissal", "Discrimination at work"),
        "Immigration": ("Status and applications", "Right to work and rent"),
        "Consumer": ("Faulty goods and services", "Energy and utilities"),
        "Family and relationships": ("Separation", "Children arrangements"),
        "Other": (),
    },
}

# The default workflow: name, is it the initial status, is it closed.
DEFAULT_STATUSES = (
    ("New", True, False),
    ("Open", False, False),
    ("Awaiting reply", False, False),
    ("Closed", False, True),
)
# "Closed" -> "Open" is how a case is reopened.
DEFAULT_TRANSITIONS = (
    ("New", "Open"),
    ("New", "Awaiting reply"),
    ("New", "Closed"),
    ("Open", "Awaiting reply"),
    ("Open", "Closed"),
    ("Awaiting reply", "Open"),
    ("Awaiting reply", "Closed"),
    ("Closed", "Open"),
)


def ensure_case_defaults(office: Office) -> bool:
    """Give ``office`` the default categories and workflow if it has none. Returns whether it did.

    Requires nothing. Causes one audit entry saying the defaults were added
    (the rows are bulk inserted: sixty "created" entries would say less).
    """
    added = []
    with bind_office(office), transaction.atomic():
        if not Category.objects.exists():
            _add_categories(office)
            added.append("categories")
        if not CaseStatus.objects.exists():
            _add_workflow(office)
            added.append("case statuses and workflow")
        if added:
            record_event(
                office.pk,
                AuditEntry.Action.OTHER,
                detail=f"Default {' and '.join(added)} added for a {office.get_kind_display()}.",
            )
    return bool(added)


def _add_categories(office: Office) -> None:
    tree = DEFAULT_CATEGORIES.get(office.kind, DEFAULT_CATEGORIES[OfficeKind.ADVICE])
    tops = Category.objects.bulk_create(
        [
            Category(office=office, name=name, position=position)
            for position, name in enumerate(tree, start=1)
        ]
    )
    Category.objects.bulk_create(
        [
            Category(office=office, name=child, parent=top, position=position)
            for top in tops
            for position, child in enumerate(tree[top.name], start=1)
        ]
    )


def _add_workflow(office: Office) -> None:
    statuses = CaseStatus.objects.bulk_create(
        [
            CaseStatus(
                office=office, name=name, is_initial=initial, is_closed=closed, position=position
            )
            for position, (name, initial, closed) in enumerate(DEFAULT_STATUSES, start=1)
        ]
    )
    by_name = {status.name: status for status in statuses}
    StatusTransition.objects.bulk_create(
        [
            StatusTransition(office=office, from_status=by_name[old], to_status=by_name[new])
            for old, new in DEFAULT_TRANSITIONS
        ]
    )
