"""Phone numbers: checked with ``phonenumbers``, stored in E.164, shown the way staff dial them.

A number without a country code is read as a UK number. Stored numbers are
E.164 ("+447700900982") so that one number typed three ways is found as one;
pages show UK numbers in national form ("07700 900982") and others in
international form, since a foreign number's national form is no use to
someone dialling from the UK.
"""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError
from phonenumbers import NumberParseException, PhoneNumberFormat, ValidationResult

DEFAULT_REGION = "GB"
EXAMPLE = "like 0113 496 0000, 07811 123456 or +33 1 23 45 67 89"

# What people put between digits; anything else (letters, "ext") is refused
# rather than silently dropped, because E.164 has no room for an extension.
_ALLOWED = re.compile(r"^[0-9+()\-./\s]+$")

# Ofcom keeps these ranges for fiction and training (07700 900xxx, 01632 960xxx);
# phonenumbers calls them unallocated, but demos and staff training use them.
_FICTION = re.compile(r"^\+44(7700900|1632960)\d{3}$")


def normalise_phone(text: str) -> str:
    """The number in E.164 form ("07700 900982" -> "+447700900982").

    Raises ValidationError naming what is wrong: letters or symbols, too short,
    too long, an unknown country code, or digits that make no real number.
    """
    typed = " ".join(str(text).split())
    if not typed:
        raise ValidationError(f"Enter a phone number, {EXAMPLE}")
    if not _ALLOWED.match(typed):
        raise ValidationError(
            f"{typed} has letters or symbols in it: enter only the digits of the number "
            f"(and + for a country code), {EXAMPLE}"
        )
    try:
        number = phonenumbers.parse(typed, DEFAULT_REGION)
    except NumberParseException as problem:
        raise ValidationError(_parse_message(typed, problem)) from problem
    possible = phonenumbers.is_possible_number_with_reason(number)
    if possible in (ValidationResult.TOO_SHORT, ValidationResult.INVALID_LENGTH):
        raise ValidationError(f"{typed} is too short to be a phone number: check every digit")
    if possible == ValidationResult.IS_POSSIBLE_LOCAL_ONLY:
        raise ValidationError(
            f"{typed} is too short to be a full phone number: include the area code"
        )
    if possible == ValidationResult.TOO_LONG:
        raise ValidationError(f"{typed} is too long to be a phone number: check every digit")
    if possible == ValidationResult.INVALID_COUNTRY_CODE:
        raise ValidationError(f"{typed} starts with a country code that does not exist")
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    if _FICTION.match(e164):
        return e164
    if not phonenumbers.is_valid_number(number):
        where = phonenumbers.region_code_for_number(number)
        country = "UK" if where in (None, "GB") else where
        raise ValidationError(
            f"{typed} is not a real {country} phone number: check the digits, {EXAMPLE}"
        )
    return e164


def is_valid_phone(text: str) -> bool:
    try:
        normalise_phone(text)
    except ValidationError:
        return False
    return True


def national_format(e164: str) -> str:
    """How a stored number is shown: UK numbers nationally, others internationally.

    Anything that is not a parsable number (an old record, an empty field) is
    shown as it was stored rather than raising on a page.
    """
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, DEFAULT_REGION)
    except NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(number) in ("GB", None) and number.country_code == 44:
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def _parse_message(typed: str, problem: NumberParseException) -> str:
    kind = problem.error_type
    if kind == NumberParseException.INVALID_COUNTRY_CODE:
        return f"{typed} starts with a country code that does not exist"
    if kind in (NumberParseException.TOO_SHORT_NSN, NumberParseException.TOO_SHORT_AFTER_IDD):
        return f"{typed} is too short to be a phone number: check every digit"
    if kind == NumberParseException.TOO_LONG:
        return f"{typed} is too long to be a phone number: check every digit"
    return f"{typed} is not a phone number: {EXAMPLE}"
