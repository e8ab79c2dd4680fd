"""The people every test knows.

*North* is a constituency office: Ada (caseworker), Ben (manager), Mo (the
member), Ivy (intern), Wes (wellbeing champion) and Amir (administrator).
*South* is an advice service where Cleo works; Cleo must never see anything of
North's.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from casewell.offices.models import Nation, Office, Role, User
from casewell.offices.services import add_staff_member, create_office
from casewell.offices.vocabulary import OfficeKind

PASSWORD = "correct horse battery staple"  # noqa: S105 - the test cast only


@dataclass
class Cast:
    north: Office
    south: Office
    ada: User
    ben: User
    mo: User
    ivy: User
    wes: User
    amir: User
    cleo: User

    def totp_secret(self, user: User) -> str:
        return self._secrets[user.pk]

    def __post_init__(self) -> None:
        self._secrets: dict[int, str] = {}


def enrol_totp(user: User) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def make_cast() -> Cast:
    north = create_office(
        name="North Ridge constituency office",
        kind=OfficeKind.CONSTITUENCY,
        nation=Nation.ENGLAND,
        reference_prefix="NR",
    )
    south = create_office(
        name="South Vale advice service",
        kind=OfficeKind.ADVICE,
        nation=Nation.WALES,
        reference_prefix="SV",
    )
    staff = {
        "ada": (north, "Ada Lovelace", [Role.CASEWORKER]),
        "ben": (north, "Ben Okafor", [Role.MANAGER]),
        "mo": (north, "Mo Farah-Singh", [Role.MEMBER]),
        "ivy": (north, "Ivy Chen", [Role.INTERN]),
        "wes": (north, "Wes Brown", [Role.WELLBEING_CHAMPION, Role.CASEWORKER]),
        "amir": (north, "Amir Haddad", [Role.ADMINISTRATOR]),
        "cleo": (south, "Cleo Jones", [Role.CASEWORKER, Role.ADMINISTRATOR, Role.MANAGER]),
    }
    people = {
        key: add_staff_member(
            office,
            email=f"{key}@{office.reference_prefix.lower()}.example",
            full_name=name,
            roles=roles,
            password=PASSWORD,
        )
        for key, (office, name, roles) in staff.items()
    }
    cast = Cast(north=north, south=south, **people)
    for user in people.values():
        cast._secrets[user.pk] = enrol_totp(user)
    return cast
