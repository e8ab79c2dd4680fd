"""UK postcodes: check one as a person typed it and give it back in its standard form.

The check is the Royal Mail format, not a lookup: a postcode that is well formed
but was never issued (or has been retired) passes, because offices keep old
addresses and no district list ships with Casewell. What fails is named
precisely, so the caseworker knows which character to look at.

Accepted beyond the ordinary A9 9AA … AA9A 9AA shapes: GIR 0AA (Girobank),
British Forces addresses (``BFPO 123`` and ``BF1 3EF``), the Crown
dependencies (JE, GY, IM: ordinary shapes) and the overseas territories that
use a UK-style postcode (``STHL 1ZZ``, ``FIQQ 1ZZ`` …, ``GX11 1AA``).
Territories with postal codes of their own (``KY1-1102``, ``VG1110``) are not
UK postcodes; they belong in the address lines.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

EXAMPLE = "SW1A 1AA"

# Overseas territories whose postcode is a four-letter outward code and 1ZZ.
TERRITORY_OUTWARD_CODES = frozenset(
    {"ASCN", "BBND", "BIQQ", "FIQQ", "PCRN", "SIQQ", "STHL", "TDCU", "TKCA"}
)

# Letters that never appear in these positions (Royal Mail's rules).
NEVER_FIRST = "QVX"
NEVER_SECOND = "IJZ"
THIRD_LETTER_ALLOWED = "ABCDEFGHJKPSTUW"  # the A in A9A 9AA
FOURTH_LETTER_ALLOWED = "ABEHMNPRVWXY"  # the A in AA9A 9AA
NEVER_IN_INWARD = "CIKMOV"

_OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")
_BFPO = re.compile(r"^BFPO\s*(\d{1,4})$")


def normalise_postcode(text: str) -> str:
    """The postcode in standard form ("sw1a1aa" -> "SW1A 1AA").

    Raises ValidationError whose message names what is wrong (too short, too
    long, characters not allowed, a bad first part, a bad last part).
    """
    typed = " ".join(str(text).split())
    if not typed:
        raise ValidationError("Enter a postcode, like SW1A 1AA")
    upper = typed.upper()
    bfpo = _BFPO.match(upper)
    if bfpo:
        return f"BFPO {int(bfpo.group(1))}"
    not_allowed = sorted({ch for ch in upper if not (ch.isascii() and ch.isalnum()) and ch != " "})
    if not_allowed:
        shown = " ".join(f"“{ch}”" for ch in not_allowed)
        raise ValidationError(
            f"{typed} contains {shown}: a postcode has only letters, numbers and one space, "
            f"like {EXAMPLE}"
        )
    parts = upper.split(" ")
    if len(parts) > 2:
        raise ValidationError(
            f"{typed} has more than one space: a postcode is two parts, like {EXAMPLE}"
        )
    compact = upper.replace(" ", "")
    if len(compact) < 5:
        if len(parts) == 2 and len(parts[1]) < 3:
            _check_inward(typed, parts[1])
        raise ValidationError(
            f"{typed} is too short: a full postcode has 5 to 7 letters and numbers, like {EXAMPLE}"
        )
    if len(compact) > 7 and compact[:4] not in TERRITORY_OUTWARD_CODES:
        raise ValidationError(
            f"{typed} is too long: a full postcode has 5 to 7 letters and numbers, like {EXAMPLE}"
        )
    if len(parts) == 2:
        outward, inward = parts
    else:
        outward, inward = compact[:-3], compact[-3:]
    _check_inward(typed, inward)
    if outward == "GIR" and inward == "0AA":
        return "GIR 0AA"
    if outward in TERRITORY_OUTWARD_CODES:
        if inward != "1ZZ":
            raise ValidationError(f"{typed} should end 1ZZ: {outward} postcodes are {outward} 1ZZ")
        return f"{outward} 1ZZ"
    _check_outward(typed, outward)
    return f"{outward} {inward}"


def is_valid_postcode(text: str) -> bool:
    try:
        normalise_postcode(text)
    except ValidationError:
        return False
    return True


def compact_postcode(text: str) -> str:
    """The form searches compare: upper case, no spaces ("ls1 4dy" -> "LS14DY")."""
    return re.sub(r"\s+", "", text).upper()


def _check_inward(typed: str, inward: str) -> None:
    """The part after the space: a number then two letters."""
    shape = "a number then two letters, like 1AA"
    if len(inward) == 2 and inward[0].isdigit() and inward[1].isalpha():
        raise ValidationError(
            f"{typed} is missing the last letter: the part after the space is {shape}"
        )
    if len(inward) < 3:
        raise ValidationError(f"{typed} is too short: the part after the space is {shape}")
    if len(inward) > 3:
        raise ValidationError(f"{typed} has too much after the space: that part is {shape}")
    if not inward[0].isdigit():
        raise ValidationError(
            f"{typed} does not end like a postcode: the last three characters are {shape}"
        )
    if not inward[1:].isalpha():
        raise ValidationError(
            f"{typed} does not end like a postcode: the last two characters must be letters"
        )
    wrong = [ch for ch in inward[1:] if ch in NEVER_IN_INWARD]
    if wrong:
        raise ValidationError(
            f"{typed} cannot end with {wrong[0]}: the last two letters of a postcode are "
            f"never C, I, K, M, O or V"
        )


def _check_outward(typed: str, outward: str) -> None:
    """The part before the space: one or two letters, a number, maybe a number or letter."""
    shape = "one or two letters then a number, like SW1A, LS1 or M60"
    if not _OUTWARD.match(outward):
        if outward[:1].isdigit():
            raise ValidationError(f"{typed} starts with a number: a postcode starts with {shape}")
        raise ValidationError(
            f"{typed} does not start like a postcode: the part before the space is {shape}"
        )
    first = outward[0]
    if first in NEVER_FIRST:
        raise ValidationError(f"{typed} cannot be right: no UK postcode starts with {first}")
    if outward[1].isalpha():
        if outward[1] in NEVER_SECOND:
            raise ValidationError(
                f"{typed} cannot be right: the second letter of a postcode is never I, J or Z"
            )
        # AA9A: the last letter is one of a few.
        if len(outward) == 4 and outward[3].isalpha() and outward[3] not in FOURTH_LETTER_ALLOWED:
            raise ValidationError(
                f"{typed} cannot be right: a postcode shaped like SW1A never has "
                f"{outward[3]} in that place"
            )
    elif len(outward) == 3 and outward[2].isalpha() and outward[2] not in THIRD_LETTER_ALLOWED:
        # A9A: the letter after the number is one of a few.
        raise ValidationError(
            f"{typed} cannot be right: a postcode shaped like W1A never has "
            f"{outward[2]} in that place"
        )
