"""What an office calls things. Every page asks here, never spells a word itself.

A constituency office serves *constituents* and is led by the *member* (the MP);
a social-care team works with *children and families* under a *service lead*;
a mental-health team and an advice service both have *clients*.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class OfficeKind(models.TextChoices):
    CONSTITUENCY = "constituency", "Constituency office"
    SOCIAL_CARE = "social_care", "Children's social-care team"
    MENTAL_HEALTH = "mental_health", "Mental-health team"
    ADVICE = "advice", "Advice service"


@dataclass(frozen=True)
class Vocabulary:
    person: str
    people: str
    member: str

    @property
    def person_title(self) -> str:
        return self.person[:1].upper() + self.person[1:]

    @property
    def people_title(self) -> str:
        return self.people[:1].upper() + self.people[1:]


VOCABULARIES: dict[str, Vocabulary] = {
    OfficeKind.CONSTITUENCY: Vocabulary(
        person="constituent", people="constituents", member="member"
    ),
    OfficeKind.SOCIAL_CARE: Vocabulary(
        person="child or family", people="children and families", member="service lead"
    ),
    OfficeKind.MENTAL_HEALTH: Vocabulary(person="client", people="clients", member="service lead"),
    OfficeKind.ADVICE: Vocabulary(person="client", people="clients", member="service lead"),
}


def vocabulary_for(kind: str) -> Vocabulary:
    return VOCABULARIES[OfficeKind(kind)]
