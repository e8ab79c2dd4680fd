"""The demo office's casework: cases across the categories, at every stage, with notes.

Made in bulk (like the people) so a 100,000-person demo stays quick; the case
reference counter is set to the last number given, so cases opened afterwards
carry on from it. Summaries are written per sub-category so a list reads like a
real office's.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.utils import timezone

from casewell.cases.models import (
    Case,
    CasePerson,
    CaseReferenceCounter,
    CaseStatus,
    CaseTag,
    Category,
    Priority,
    Tag,
)
from casewell.cases.references import format_reference, year_of
from casewell.cases.working_days import add_working_days
from casewell.offices.models import Office, Role, User
from casewell.offices.tenancy import bind_office
from casewell.timeline.models import EntryKind, TimelineEntry

BATCH_SIZE = 2000
DEMO_TAGS = ("MP letter sent", "Surgery", "Urgent post", "Campaign reply")

# What people write in about, by sub-category (the default constituency tree).
SUMMARIES: dict[str, tuple[str, ...]] = {
    "Visas": ("Spouse visa decision delayed", "Visitor visa refused for a wedding"),
    "Asylum": ("Asylum claim waiting over a year", "Asylum support payments stopped"),
    "Settlement and citizenship": ("Citizenship application stuck", "ILR card not arrived"),
    "Passports": ("Passport renewal delayed before travel", "Child's passport application"),
    "EU Settlement Scheme": ("Pre-settled status not upgraded", "EUSS late application"),
    "Council and social housing": ("Housing list banding review", "Overcrowded council flat"),
    "Private renting": ("Section 21 notice from landlord", "Deposit not returned"),
    "Homelessness": ("Facing eviction next month", "Temporary accommodation far from school"),
    "Repairs and disrepair": ("Damp and mould in the bedroom", "Broken boiler for three weeks"),
    "Planning": ("Objection to a housing development", "Neighbour's extension"),
    "Universal Credit": ("Universal Credit sanction", "UC payment reduced without reason"),
    "Disability benefits (PIP and ADP)": ("PIP reassessment refused", "PIP tribunal waiting"),
    "State Pension": ("State Pension underpaid", "Pension forecast wrong"),
    "Child Maintenance": ("Child maintenance not being paid", "CMS calculation dispute"),
    "Carer's Allowance": ("Carer's Allowance overpayment", "Carer's Allowance claim delayed"),
    "GP and hospital services": ("Long wait for a hip operation", "Cannot register with a GP"),
    "Dentistry": ("No NHS dentist taking patients", "Child needs dental treatment"),
    "Mental health services": ("CAMHS waiting list", "Discharged from mental health team"),
    "Adult social care": ("Care package cut", "Carer assessment not done"),
    "Children's services": ("Support for a child in need", "Foster carer payments"),
    "School admissions": ("School place appeal", "Siblings at different schools"),
    "Special educational needs": ("EHCP assessment refused", "EHCP deadline missed"),
    "Further and higher education": ("College course cancelled", "University fee dispute"),
    "Student finance": ("Student loan not paid", "Student finance means test"),
    "Anti-social behaviour": ("Noise from neighbours at night", "Off-road bikes on the estate"),
    "Policing": ("Burglary not followed up", "Speeding on residential road"),
    "Courts and justice": ("Court date postponed again", "Victim not kept informed"),
    "Waste and recycling": ("Bins not collected", "Fly-tipping behind the shops"),
    "Pollution": ("Smoke from a nearby site", "Sewage in the river"),
    "Parks and green spaces": ("Play area closed", "Trees to be felled in the park"),
    "Roads and potholes": ("Pothole damaged car", "Pavement unsafe for wheelchair"),
    "Buses and trains": ("Bus route withdrawn", "Trains cancelled every morning"),
    "DVLA": ("Driving licence medical review delayed", "V5C not received"),
    "HMRC": ("Tax refund delayed", "Tax code wrong after job change"),
    "Council Tax": ("Council Tax reduction refused", "Council Tax arrears and bailiffs"),
    "Employment rights": ("Unpaid wages from employer", "Redundancy pay dispute"),
    "Jobcentre Plus": ("Work coach appointment problem", "Access to Work delays"),
    "Campaign": ("Asks the MP to sign a letter", "Campaign e-mail about the bill"),
    "Individual view": ("View on the assisted dying bill", "View on local hospital plans"),
}
NOTES = (
    "Rang the constituent back; they will send the letters they have.",
    "Wrote to the department's MP hotline with the details and consent form.",
    "Reply received: the department is reviewing the decision.",
    "Constituent called, worried about the deadline; explained the next step.",
    "Chased the council by e-mail, no reply yet.",
)


def add_demo_cases(office: Office, people: Sequence[int], count: int, seed: int) -> int:
    """``count`` cases for ``people`` (ids), opened over the last year, some closed."""
    rng = random.Random(seed)
    now = timezone.now()
    with bind_office(office):
        caseworkers = list(
            User.objects.filter(office=office, staff_roles__role=Role.CASEWORKER).distinct()
        )
        statuses = list(CaseStatus.objects.order_by("position"))
        subcategories = [
            subcategory
            for subcategory in Category.objects.exclude(parent=None).select_related("parent")
            if subcategory.name in SUMMARIES
        ]
        tags = [Tag.objects.create(office=office, name=name) for name in DEMO_TAGS]
        openings = sorted(
            now - timedelta(days=rng.randint(0, 330), minutes=rng.randint(0, 600))
            for _ in range(count)
        )
        numbers: dict[int, int] = {}  # year: last number given
        for start in range(0, count, BATCH_SIZE):
            batch = []
            for opened_at in openings[start : start + BATCH_SIZE]:
                year = year_of(office, opened_at)
                numbers[year] = numbers.get(year, 0) + 1
                batch.append(
                    _demo_case(office, rng, opened_at, year, numbers[year], caseworkers,
                               statuses, subcategories)
                )
            cases = Case.objects.bulk_create(batch)
            CasePerson.objects.bulk_create(
                CasePerson(office=office, case=case, person_id=rng.choice(people))
                for case in cases
            )
            CaseTag.objects.bulk_create(
                CaseTag(office=office, case=case, tag=rng.choice(tags))
                for case in cases
                if rng.random() < 0.2
            )
            TimelineEntry.objects.bulk_create(
                TimelineEntry(
                    office=office, case=case, kind=EntryKind.NOTE,
                    author=case.assignee or case.opened_by,
                    occurred_at=min(now, case.opened_at + timedelta(days=rng.randint(0, 10))),
                    text=rng.choice(NOTES),
                )
                for case in cases
                for _ in range(rng.randint(0, 3))
            )
        # Cases opened from now on carry on from the last number given each year.
        for year, last_number in numbers.items():
            CaseReferenceCounter.objects.update_or_create(
                office=office, year=year, defaults={"last_number": last_number}
            )
    return count


def _demo_case(
    office: Office,
    rng: random.Random,
    opened_at: datetime,
    year: int,
    number: int,
    caseworkers: list[User],
    statuses: list[CaseStatus],
    subcategories: list[Category],
) -> Case:
    subcategory = rng.choice(subcategories)
    closed = rng.random() < 0.35
    return Case(
        office=office,
        reference=format_reference(office.reference_prefix, year, number),
        year=year,
        number=number,
        summary=rng.choice(SUMMARIES[subcategory.name]),
        category=subcategory.parent,
        subcategory=subcategory,
        status=rng.choice([status for status in statuses if status.is_closed == closed]),
        priority=rng.choices(list(Priority), weights=(2, 6, 2, 1))[0],
        complexity=rng.randint(1, 5),
        assignee=rng.choice(caseworkers) if rng.random() < 0.85 else None,
        opened_at=opened_at,
        closed_at=min(timezone.now(), opened_at + timedelta(days=rng.randint(5, 60)))
        if closed
        else None,
        opened_by=rng.choice(caseworkers),
        due_date=add_working_days(opened_at.date(), 20, office.nation),
    )
