"""The demo office: a made-up constituency office to try Casewell with.

``generate_demo_office`` is what ``casewell demo`` runs and what ``casewell
bench`` calls for its data. The staff share one published password and each
has an enrolled TOTP authenticator whose secret is printed with it: these are
demo credentials, never for an office holding real people's details.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import decrypt
from django.contrib.auth.hashers import make_password
from django.db import transaction

from casewell.demo import DEFAULT_SEED, DEFAULT_SIZE
from casewell.demo.cases import add_demo_cases
from casewell.demo.people import PeopleMaker
from casewell.directory.importing import SAMPLE as SAMPLE_DIRECTORY
from casewell.directory.importing import import_central_directory_file
from casewell.directory.models import CentralOrganisation
from casewell.offices.audit import record_event
from casewell.offices.models import AuditEntry, Nation, Office, Role, User, role_label
from casewell.offices.services import add_staff_member, create_office
from casewell.offices.tenancy import bind_office
from casewell.offices.vocabulary import OfficeKind
from casewell.people.models import Person

DEMO_OFFICE_NAME = "Demo constituency office"
DEMO_REFERENCE_PREFIX = "DEM"
DEMO_EMAIL_DOMAIN = "demo.casewell.test"  # .test is reserved: no mail can reach it
DEMO_PASSWORD = "casewell-demo-only"  # noqa: S105 - published on purpose, demo only
BATCH_SIZE = 2000
CASES_PER_PERSON = 3  # one case for every third constituent, as offices roughly see

# A dozen staff covering every role, as a constituency office is usually staffed.
DEMO_STAFF: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Helen Ashworth", (Role.MEMBER,)),
    ("Gareth Pryce", (Role.MANAGER, Role.ADMINISTRATOR)),
    ("Priya Sharma", (Role.CASEWORKER, Role.MANAGER)),
    ("Tom Whitaker", (Role.CASEWORKER,)),
    ("Aisha Begum", (Role.CASEWORKER, Role.WELLBEING_CHAMPION)),
    ("Callum Doyle", (Role.CASEWORKER,)),
    ("Joanne Fletcher", (Role.CASEWORKER,)),
    ("Daniel Osei", (Role.CASEWORKER,)),
    ("Rebecca Lund", (Role.CASEWORKER, Role.WELLBEING_CHAMPION)),
    ("Fiona MacLeod", (Role.ADMINISTRATOR,)),
    ("Sam Hughes", (Role.INTERN,)),
    ("Olivia Nwosu", (Role.INTERN,)),
)

Progress = Callable[[int], None]


@dataclass(frozen=True)
class DemoSignIn:
    """What one demo user signs in with."""

    full_name: str
    roles: tuple[str, ...]  # labels in the office's words, e.g. "Member", "Caseworker"
    email: str
    password: str
    totp_secret: str


@dataclass(frozen=True)
class DemoOffice:
    office: Office
    sign_ins: tuple[DemoSignIn, ...]
    people: int
    cases: int = 0


def demo_email(full_name: str, domain: str = DEMO_EMAIL_DOMAIN) -> str:
    local = full_name.lower().replace(" ", ".").replace("'", "")
    return f"{local}@{domain}"


def find_demo_office() -> Office | None:
    return Office.objects.filter(
        name=DEMO_OFFICE_NAME, reference_prefix=DEMO_REFERENCE_PREFIX
    ).order_by("pk").first()


def add_demo_people(
    office: Office, *, count: int, seed: int = DEFAULT_SEED, progress: Progress | None = None
) -> int:
    """Add ``count`` made-up people to ``office`` in batches. Requires the office to exist.

    Rows are written with bulk inserts, so they cause no per-row audit entries.
    """
    maker = PeopleMaker(seed=seed, expected=count)
    made = 0
    with bind_office(office), transaction.atomic():
        while made < count:
            batch = list(maker.people(office.pk, min(BATCH_SIZE, count - made)))
            Person.objects.bulk_create(batch, batch_size=500)
            made += len(batch)
            if progress is not None:
                progress(len(batch))
    return made


def generate_demo_office(
    *,
    size: int = DEFAULT_SIZE,
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
    name: str = DEMO_OFFICE_NAME,
    email_domain: str = DEMO_EMAIL_DOMAIN,
) -> DemoOffice:
    """Create the demo office: a dozen staff with TOTP enrolled and ``size`` constituents.

    All or nothing: one transaction. Causes an audit entry for each staff role
    and one saying the office is a demo; the people themselves are bulk inserted.
    """
    if size < 0:
        raise ValueError("size must not be negative")
    with transaction.atomic():
        office = create_office(
            name=name, kind=OfficeKind.CONSTITUENCY, nation=Nation.ENGLAND,
            time_zone="Europe/London", reference_prefix=DEMO_REFERENCE_PREFIX,
        )
        # The staff share one password, so it is hashed once: hashing is slow on purpose.
        password_hash = make_password(DEMO_PASSWORD)
        for full_name, roles in DEMO_STAFF:
            user = add_staff_member(
                office, email=demo_email(full_name, email_domain), full_name=full_name, roles=roles
            )
            User.objects.filter(pk=user.pk).update(password=password_hash)
            TOTP.activate(user, generate_totp_secret())
        with bind_office(office):
            record_event(
                office.pk, AuditEntry.Action.OTHER,
                detail=f"Demo office created with {size} made-up people (not real people).",
            )
        people = add_demo_people(office, count=size, seed=seed, progress=progress)
        with bind_office(office):
            person_ids = list(Person.objects.values_list("pk", flat=True))
        cases = add_demo_cases(office, person_ids, count=size // CASES_PER_PERSON, seed=seed)
        if not CentralOrganisation.objects.exists():
            # Offices share the installation's directory: a demo starts with the sample one.
            import_central_directory_file(SAMPLE_DIRECTORY)
    return DemoOffice(
        office=office, sign_ins=tuple(demo_sign_ins(office)), people=people, cases=cases
    )


def demo_sign_ins(office: Office) -> list[DemoSignIn]:
    """The demo staff's sign-in details, TOTP secrets read back from their authenticators."""
    staff = list(User.objects.filter(office=office).order_by("pk"))
    # Roles are office rows: on PostgreSQL the wall hides them unless the office is bound.
    with bind_office(office):
        roles = {user.pk: user.roles for user in staff}
    secrets = {
        authenticator.user_id: decrypt(authenticator.data["secret"])
        for authenticator in Authenticator.objects.filter(
            user__office=office, type=Authenticator.Type.TOTP
        )
    }
    vocabulary = office.vocabulary
    order = {role.value: position for position, role in enumerate(Role)}

    def rank(role: str) -> int:
        return order[role]

    return [
        DemoSignIn(
            full_name=user.full_name,
            roles=tuple(role_label(role, vocabulary) for role in sorted(roles[user.pk], key=rank)),
            email=user.email,
            password=DEMO_PASSWORD,
            totp_secret=secrets.get(user.pk, ""),
        )
        for user in staff
    ]


def count_people(office: Office) -> int:
    with bind_office(office):
        return Person.objects.count()
