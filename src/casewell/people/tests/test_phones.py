"""Phone numbers: stored in E.164, shown nationally, each mistake named."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from casewell.people.phones import is_valid_phone, national_format, normalise_phone


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("07811 123456", "+447811123456"),
        ("07811123456", "+447811123456"),
        ("+44 7811 123456", "+447811123456"),
        ("0044 7811 123456", "+447811123456"),
        ("(0113) 496 0000", "+441134960000"),
        ("020 7946 0000", "+442079460000"),
        ("+33 1 23 45 67 89", "+33123456789"),
        # Ofcom's numbers for fiction, which the demo and training use.
        ("07700 900982", "+447700900982"),
        ("01632 960001", "+441632960001"),
    ],
)
def test_a_number_is_stored_in_e164(typed, expected):
    assert normalise_phone(typed) == expected


@pytest.mark.parametrize(
    ("typed", "names"),
    [
        ("", "Enter a phone number"),
        ("07811 12345", "is not a real UK phone number"),
        ("0770", "too short"),
        ("07811 123456 123456", "too long"),
        ("07811 123456 ext 12", "letters or symbols"),
        ("call me", "letters or symbols"),
        ("+999 1234 5678", "country code that does not exist"),
        ("01000 000000", "is not a real UK phone number"),
    ],
)
def test_a_bad_number_is_refused_with_the_problem_named(typed, names):
    with pytest.raises(ValidationError) as caught:
        normalise_phone(typed)
    assert names in caught.value.messages[0]


def test_uk_numbers_are_shown_nationally_and_others_internationally():
    assert national_format("+447811123456") == "07811 123456"
    assert national_format("+442079460000") == "020 7946 0000"
    assert national_format("+447700900982") == "07700 900982"
    assert national_format("+33123456789") == "+33 1 23 45 67 89"
    assert national_format("") == ""
    assert national_format("not a number") == "not a number"


def test_is_valid_phone():
    assert is_valid_phone("07811 123456")
    assert not is_valid_phone("12")
