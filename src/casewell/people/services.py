"""Operations on the people an office serves. A later issue adds the writes; this finds them."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Replace, Upper

from casewell.offices.models import User
from casewell.offices.permissions import get_for
from casewell.people.models import Person


def compact_postcode(text: str) -> str:
    """ "ls1 4dy" and "LS14DY" are the same postcode: upper case, no spaces."""
    return re.sub(r"\s+", "", text).upper()


def find_people(user: User, *, name: str = "", postcode: str = "") -> QuerySet[Person]:
    """The people of the user's office whose name has every word given and whose postcode starts so.

    Requires nothing beyond a signed-in member of staff: the scoped manager
    (and on PostgreSQL the office wall) keeps the search inside their office.
    """
    people = Person.objects.filter(office_id=user.office_id)
    for word in name.split():
        people = people.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(preferred_name__icontains=word)
        )
    wanted = compact_postcode(postcode)
    if wanted:
        people = people.annotate(
            compact_postcode=Replace(Upper("postcode"), Value(" "), Value(""))
        ).filter(compact_postcode__startswith=wanted)
    return people.order_by("last_name", "first_name", "id")


def get_person_for(user: User, person_id: int) -> Person:
    """One person of the user's office, checked by the permission function; else 404."""
    return get_for(user, Person, person_id)
