"""Checking and tidying an organisation's or a contact's details, as typed or as imported.

One place for the rules, so a page, the API and ``casewell directory import`` refuse the same
things with the same words: postcodes and phone numbers through the people domain's checks
(stored as "SW1A 1AA" and E.164), e-mails and websites as Django checks them, lengths as the
model allows. Every problem is reported against its field, all at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models

from casewell.directory.models import ContactDetails, OrganisationDetails, OrganisationKind
from casewell.people.phones import normalise_phone
from casewell.people.postcodes import normalise_postcode

KIND_HELP = ", ".join(f"{kind.value} ({kind.label})" for kind in OrganisationKind)


def _kind(text: str) -> str:
    """Accept the stored value or the label, in any case: "Council" and "council" both work."""
    wanted = text.strip().lower()
    for kind in OrganisationKind:
        if wanted in (kind.value, kind.label.lower(), kind.label.lower().replace("’", "'")):
            return kind.value
    raise ValidationError(f"“{text}” is not a kind of organisation. Choose one of: {KIND_HELP}")


def _checked(
    model: type[models.Model],
    values: Mapping[str, Any],
    fields: tuple[str, ...],
    required: dict[str, str],
) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    problems: dict[str, list[str]] = {}

    def problem(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    for field in fields:
        raw = str(values.get(field) or "")
        # Notes keep their line breaks; every other field is one line.
        text = raw.strip() if field == "notes" else " ".join(raw.split())
        if not text:
            if field in required:
                problem(field, required[field])
            cleaned[field] = ""
            continue
        try:
            if field == "kind":
                text = _kind(text)
            elif field == "email":
                EmailValidator(
                    message=f"{text} is not an e-mail address: it should look like name@example.org"
                )(text)
                text = text.lower()
            elif field == "phone":
                text = normalise_phone(text)
            elif field == "postcode":
                text = normalise_postcode(text)
            elif field == "website":
                if "://" not in text:
                    text = f"https://{text}"
                URLValidator(
                    schemes=["http", "https"],
                    message=f"{text} is not a web address: it should look like www.example.org",
                )(text)
        except ValidationError as error:
            for message in error.messages:
                problem(field, message)
            continue
        limit = model._meta.get_field(field).max_length
        if limit is not None and len(text) > limit:
            label = model._meta.get_field(field).verbose_name
            problem(field, f"The {label} must be {limit} characters or fewer")
            continue
        cleaned[field] = text
    if problems:
        raise ValidationError(problems)
    return cleaned


def clean_organisation_details(values: Mapping[str, Any]) -> dict[str, str]:
    """Every organisation field tidied, or ValidationError({field: [messages]}) for all problems."""
    return _checked(
        OrganisationDetails,
        values,
        OrganisationDetails.DETAIL_FIELDS,
        required={
            "name": "Enter the organisation’s name",
            "kind": f"Choose what kind of organisation this is: {KIND_HELP}",
        },
    )


def clean_contact_details(values: Mapping[str, Any]) -> dict[str, str]:
    """Every contact field tidied, or ValidationError({field: [messages]}) for all problems."""
    return _checked(
        ContactDetails,
        values,
        ContactDetails.DETAIL_FIELDS,
        required={"name": "Enter the contact’s name"},
    )
