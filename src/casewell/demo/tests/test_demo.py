import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

from casewell.cases.models import Case
from casewell.cases.services import find_cases, open_case
from casewell.cli import main
from casewell.demo import constituency
from casewell.demo.people import PeopleMaker
from casewell.demo.services import (
    DEMO_PASSWORD,
    DEMO_REFERENCE_PREFIX,
    demo_sign_ins,
    find_demo_office,
    generate_demo_office,
)
from casewell.directory.models import CentralOrganisation
from casewell.offices.models import Office, Role, User
from casewell.offices.tenancy import across_all_offices, bind_office
from casewell.people.models import Person
from casewell.timeline.models import TimelineEntry

# The shape of a British postcode (outward code, space, inward code).
POSTCODE = re.compile(
    r"^[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPS-UW]|[A-HK-Y][0-9][ABEHMNPRVWXY])"
    r" [0-9][ABD-HJLNP-UW-Z]{2}$"
)


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_the_postcode_shape_accepts_real_postcodes_and_refuses_nonsense():
    for good in ("L27 8XY", "NE69 7AW", "SE23 2NF", "EC1A 1BB", "W1A 0AX", "LS6 3LE"):
        assert POSTCODE.match(good), good
    for bad in ("1A1 1AA", "EH1 JS", "Q1A 9AA", "LS6 3CE", "LS63LE"):
        assert not POSTCODE.match(bad), bad


@pytest.mark.django_db
def test_the_demo_office_is_an_english_constituency_office_with_staff_in_every_role():
    demo = generate_demo_office(size=20, seed=3)

    office = demo.office
    assert (office.kind, office.nation) == ("constituency", "england")
    assert office.time_zone == "Europe/London"
    assert office.reference_prefix == DEMO_REFERENCE_PREFIX
    staff = list(User.objects.filter(office=office))
    assert len(staff) == 12
    with bind_office(office):
        roles = {role for user in staff for role in user.roles}
    assert roles == set(Role.values)
    for user in staff:
        assert user.email.endswith("@demo.casewell.test")
        assert user.check_password(DEMO_PASSWORD)


@pytest.mark.django_db
def test_every_printed_totp_secret_is_the_one_allauth_checks():
    demo = generate_demo_office(size=5, seed=3)

    assert len(demo.sign_ins) == 12
    for sign_in in demo.sign_ins:
        user = User.objects.get(email=sign_in.email)
        authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
        assert TOTP(authenticator).validate_code(current_code(sign_in.totp_secret))


@pytest.mark.django_db
def test_demo_people_have_british_names_addresses_and_postcodes_in_the_constituency():
    demo = generate_demo_office(size=300, seed=7)
    districts = {district.outcode: district for district in constituency.DISTRICTS}

    with bind_office(demo.office):
        people = list(Person.objects.all())
    assert len(people) == demo.people == 300
    for person in people:
        assert person.first_name and person.last_name and person.address_line_1
        assert POSTCODE.match(person.postcode), person.postcode
        outcode, incode = person.postcode.split(" ")
        assert int(incode[0]) in districts[outcode].sectors
        assert person.town == districts[outcode].post_town
        if person.phone:  # only numbers Ofcom keeps for fiction
            assert person.phone.startswith(("+447700900", "+441134960")), person.phone
        if person.email:
            assert person.email.rsplit("@", 1)[1] in constituency.EXAMPLE_MAIL_DOMAINS
    # Spread over the constituency, and only some give a date of birth.
    assert len({person.postcode.split(" ")[0] for person in people}) == len(districts)
    with_birthdays = sum(person.date_of_birth is not None for person in people)
    assert 100 < with_birthdays < 280


def test_the_same_seed_makes_the_same_people():
    def drawn(seed: int) -> list[tuple[str, ...]]:
        maker = PeopleMaker(seed=seed, expected=50)
        people = maker.people(1, 50)
        return [(p.first_name, p.last_name, p.address_line_1, p.postcode) for p in people]

    assert drawn(11) == drawn(11)
    assert drawn(11) != drawn(12)


@pytest.mark.django_db
def test_demo_people_stay_behind_the_wall(cast):
    demo = generate_demo_office(size=30, seed=3)

    with bind_office(cast.north):
        assert not Person.objects.filter(office=demo.office).exists()
    with bind_office(demo.office):
        assert Person.objects.count() == 30


def counts() -> tuple[int, int, int, int]:
    with across_all_offices():
        return (Office.objects.count(), User.objects.count(), Authenticator.objects.count(),
                Person.all_offices.count())


@pytest.mark.django_db
def test_casewell_demo_prints_each_sign_in_and_if_missing_prints_the_same_creating_nothing(capsys):
    assert main(["demo", "--size", "25"]) == 0
    first = capsys.readouterr().out
    created = counts()

    assert main(["demo", "--if-missing"]) == 0
    second = capsys.readouterr().out

    assert counts() == created
    assert "nothing created" in second
    assert "http://127.0.0.1:8000/" in first

    def sign_in_lines(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines()
                if line.strip().startswith(("e-mail:", "password:", "TOTP secret:"))]

    assert len(sign_in_lines(first)) == 36
    assert sign_in_lines(first) == sign_in_lines(second)
    office = find_demo_office()
    for sign_in in demo_sign_ins(office):
        assert f"TOTP secret: {sign_in.totp_secret}" in first
        assert f"e-mail:      {sign_in.email}" in first
    assert "Helen Ashworth: Member" in first


@pytest.mark.django_db
def test_casewell_demo_refuses_to_make_a_second_demo_office(capsys):
    assert main(["demo", "--size", "3"]) == 0
    capsys.readouterr()
    created = counts()

    assert main(["demo", "--size", "3"]) == 1

    assert "exists already" in capsys.readouterr().out
    assert counts() == created


@pytest.mark.django_db
def test_the_demo_office_has_cases_at_every_stage_and_the_sample_directory():
    demo = generate_demo_office(size=300, seed=3)
    office = demo.office
    assert demo.cases == 100
    priya = User.objects.get(office=office, full_name="Priya Sharma")
    with bind_office(office, actor=priya):
        cases = list(Case.objects.select_related("status", "subcategory"))
        assert len(cases) == 100
        assert {case.status.is_closed for case in cases} == {True, False}
        assert all(case.subcategory and case.parties.exists() for case in cases[:10])
        references = {case.reference for case in cases}
        assert len(references) == 100
        # A case opened now carries on from the demo's numbers.
        opened = open_case(priya, summary="New enquiry", category=cases[0].category)
        assert opened.reference not in references
        assert TimelineEntry.objects.filter(kind="note").exists()
        assert find_cases(priya, state="open").exists()
    assert CentralOrganisation.objects.exists()
