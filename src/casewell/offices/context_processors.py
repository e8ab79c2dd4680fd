from typing import Any

from django.http import HttpRequest

from casewell.offices.vocabulary import OfficeKind, vocabulary_for


def office(request: HttpRequest) -> dict[str, Any]:
    """The signed-in person's office and its words, for every template."""
    user = getattr(request, "user", None)
    current = user.office if user is not None and user.is_authenticated else None
    kind = current.kind if current is not None else OfficeKind.CONSTITUENCY
    return {"office": current, "vocabulary": vocabulary_for(kind)}
