"""Made-up constituents for the demo office, fast enough for a hundred thousand.

The names are Faker's en_GB pools (ONS first names and weighted surnames),
read once; every person is then drawn from plain lists with one seeded
``random.Random``, because calling Faker per field per person is what makes
large demos slow.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from faker.providers.person.en_GB import Provider as BritishNames

from casewell.demo import constituency as place
from casewell.people.models import Person


@dataclass(frozen=True)
class Street:
    name: str
    locality: str
    post_town: str
    postcodes: tuple[str, ...]


def _name_pools() -> tuple[list[str], list[str], list[str], list[float]]:
    female = list(dict.fromkeys([*BritishNames.first_names_female, *place.MORE_FIRST_NAMES_FEMALE]))
    male = list(dict.fromkeys([*BritishNames.first_names_male, *place.MORE_FIRST_NAMES_MALE]))
    weighted = dict(BritishNames.last_names)  # ONS surnames with their frequencies
    usual = sorted(weighted.values())[len(weighted) // 2]
    for name in place.MORE_LAST_NAMES:
        weighted.setdefault(name, usual * 2)
    return female, male, list(weighted), list(weighted.values())


def _streets(rng: random.Random, surnames: list[str], count: int) -> list[Street]:
    """About one street per forty people, each with one to three unit postcodes."""
    districts = list(place.DISTRICTS)
    weights = [district.weight for district in districts]
    used: set[tuple[str, str]] = set()
    used_postcodes: set[str] = set()
    streets: list[Street] = []
    while len(streets) < count:
        district = rng.choices(districts, weights)[0]
        if rng.random() < 0.3:
            name = rng.choice(place.COMMON_STREET_NAMES)
        else:
            stem = rng.choice(place.STREET_WORDS) if rng.random() < 0.4 else rng.choice(surnames)
            name = f"{stem} {rng.choice(place.STREET_SUFFIXES)}"
        if (district.outcode, name) in used:
            if len(used) > count * 3:  # the pools are exhausted; allow repeats across sectors
                used.clear()
            continue
        used.add((district.outcode, name))
        sector = rng.choice(district.sectors)
        postcodes = []
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            unit = rng.choice(place.UNIT_LETTERS) + rng.choice(place.UNIT_LETTERS)
            postcode = f"{district.outcode} {sector}{unit}"
            if postcode not in used_postcodes:
                used_postcodes.add(postcode)
                postcodes.append(postcode)
        if postcodes:
            streets.append(
                Street(name, rng.choice(district.localities), district.post_town, tuple(postcodes))
            )
    return streets


def _mail_part(text: str) -> str:
    return re.sub(r"[^a-z0-9-]", "", text.lower())


class PeopleMaker:
    """Draws one person after another, the same ones for the same seed."""

    def __init__(self, *, seed: int, expected: int, today: date | None = None) -> None:
        self.rng = random.Random(seed)
        self.female, self.male, self.last_names, self.last_weights = _name_pools()
        self.streets = _streets(self.rng, self.last_names, max(40, min(4000, expected // 40)))
        self.today = today or timezone.localdate()
        self.now = timezone.now()
        self._last_name_queue: list[str] = []

    def _last_name(self) -> str:
        # random.choices with weights costs the same for 1 or 1,000 draws: draw in bulk.
        if not self._last_name_queue:
            self._last_name_queue = self.rng.choices(self.last_names, self.last_weights, k=1000)
        return self._last_name_queue.pop()

    def _address(self, street: Street) -> tuple[str, str]:
        rng = self.rng
        roll = rng.random()
        number = int(rng.triangular(1, 220, 12))
        if roll < 0.12:
            block = f"{street.name.split(' ')[0]} {rng.choice(place.BLOCK_NAMES)}"
            line_1 = f"Flat {rng.randint(1, 40)}, {block}"
        elif roll < 0.17:
            line_1 = f"{rng.choice(place.HOUSE_NAMES)}, {street.name}"
        elif roll < 0.22:
            line_1 = f"{number}{rng.choice('AB')} {street.name}"
        else:
            line_1 = f"{number} {street.name}"
        if roll < 0.12:
            line_1 = f"{line_1}, {number} {street.name}"
        named_place = street.locality != street.post_town and rng.random() < 0.6
        line_2 = street.locality if named_place else ""
        return line_1, line_2

    def _email(self, first: str, last: str, born: date | None) -> str:
        rng = self.rng
        first_part, last_part = _mail_part(first), _mail_part(last)
        pattern = rng.random()
        if pattern < 0.4:
            local = f"{first_part}.{last_part}"
        elif pattern < 0.6:
            local = f"{first_part[:1]}{last_part}"
        elif pattern < 0.8:
            local = f"{first_part}{last_part}{rng.randint(1, 99)}"
        else:
            year = born.year if born else rng.randint(1950, 2006)
            local = f"{first_part}.{last_part}{year}"
        return f"{local}@{rng.choice(place.EXAMPLE_MAIL_DOMAINS)}"

    def _phone(self) -> str:
        prefix = place.DRAMA_MOBILE_PREFIX if self.rng.random() < 0.65 else place.DRAMA_LEEDS_PREFIX
        return f"{prefix}{self.rng.randint(0, 999):03d}"

    def person(self, office_id: int) -> Person:
        rng = self.rng
        roll = rng.random()
        female = roll < 0.51
        first = rng.choice(self.female if female else self.male)
        last = self._last_name()
        if rng.random() < 0.03:
            last = f"{last}-{self._last_name()}"
        if rng.random() < 0.12:
            title = ""
        elif rng.random() < 0.03:
            title = "Dr"
        elif rng.random() < 0.01:
            title = "Mx"
        elif female:
            title = rng.choices(("Ms", "Mrs", "Miss"), (4, 4, 2))[0]
        else:
            title = "Mr"
        preferred = place.PREFERRED_NAMES.get(first, "") if rng.random() < 0.5 else ""
        street = rng.choice(self.streets)
        line_1, line_2 = self._address(street)
        born = None
        if rng.random() < 0.65:
            age_days = int(rng.triangular(18, 96, 45) * 365.25)
            born = self.today - timedelta(days=age_days)
        return Person(
            office_id=office_id,
            title=title,
            first_name=first,
            last_name=last,
            preferred_name=preferred,
            date_of_birth=born,
            email=self._email(first, last, born) if rng.random() < 0.6 else "",
            phone=self._phone() if rng.random() < 0.7 else "",
            address_line_1=line_1,
            address_line_2=line_2,
            town=street.post_town,
            postcode=rng.choice(street.postcodes),
            created_at=self.now - timedelta(seconds=rng.randint(0, 6 * 365 * 24 * 3600)),
        )

    def people(self, office_id: int, count: int) -> Iterator[Person]:
        for _ in range(count):
            yield self.person(office_id)
