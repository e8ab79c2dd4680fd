"""The test cast's authenticator codes: never one that expires before the server checks it."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    validate_totp_code,
)

from casewell.testing.totp import MARGIN_SECONDS, totp_code

# The start of a 30-second window.
WINDOW_START = datetime(2026, 12, 2, 9, 0, 0, tzinfo=UTC).timestamp()


class Clock:
    """A clock that moves only when the code waits."""

    def __init__(self, now: float) -> None:
        self.now = now
        self.waited: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waited.append(seconds)
        self.now += seconds


def accepted_at(moment: float, secret: str, code: str) -> bool:
    """Whether Casewell's second-factor check accepts the code at that moment."""
    with time_machine.travel(moment, tick=False):
        return validate_totp_code(secret, code)


def test_a_code_showing_in_the_last_moment_of_its_window_is_refused_a_moment_later():
    # Why the sign-in test sometimes stayed on the code page: the code was read with
    # under a second left, and the window had turned by the time the form arrived.
    secret = generate_totp_secret()
    showing = format_hotp_value(hotp_value(secret, int((WINDOW_START + 29.5) // 30)))
    assert accepted_at(WINDOW_START + 29.5, secret, showing)
    assert not accepted_at(WINDOW_START + 30.5, secret, showing)


def test_early_in_a_window_the_code_showing_is_given_without_waiting():
    secret = generate_totp_secret()
    clock = Clock(WINDOW_START + 3)
    code = totp_code(secret, clock=clock, sleep=clock.sleep)
    assert clock.waited == []
    assert accepted_at(clock.now + MARGIN_SECONDS, secret, code)


def test_near_the_end_of_a_window_the_code_waits_for_the_next_one():
    secret = generate_totp_secret()
    clock = Clock(WINDOW_START + 29.5)
    code = totp_code(secret, clock=clock, sleep=clock.sleep)
    assert sum(clock.waited) == 0.5  # only to the turn of the window: bounded by the margin
    assert clock.now == WINDOW_START + 30
    # Valid for the whole of the new window, so well past the time the form takes.
    assert accepted_at(clock.now + MARGIN_SECONDS, secret, code)
    assert accepted_at(clock.now + 29.9, secret, code)


def test_the_same_code_is_never_handed_out_twice():
    # Casewell accepts each code once; a second sign-in in the same window needs the next.
    secret = generate_totp_secret()
    clock = Clock(WINDOW_START + 2)
    first = totp_code(secret, clock=clock, sleep=clock.sleep)
    second = totp_code(secret, clock=clock, sleep=clock.sleep)
    assert clock.now == WINDOW_START + 30
    next_window = int(WINDOW_START // 30) + 1
    assert (first, second) == (
        format_hotp_value(hotp_value(secret, next_window - 1)),
        format_hotp_value(hotp_value(secret, next_window)),
    )
    assert accepted_at(clock.now + 1, secret, second)
