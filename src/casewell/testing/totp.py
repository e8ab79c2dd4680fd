"""Second-factor codes for tests, read from the secret the way a careful person reads their app.

Casewell accepts only the code of the current 30-second window (allauth's tolerance is 0),
and each code once. A code read in the last moment of its window is refused if the window
turns before the server checks it, so a test that typed whatever code was showing failed
now and then. ``totp_code`` hands out a code that stays valid for ``margin`` seconds more,
waiting for the next window when too little of this one is left (at most ``margin``
seconds, in about one call in six), and never hands out the same code twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

# Time enough to type the code, send the form and have the server check it, on a busy machine.
MARGIN_SECONDS = 5.0

# The last window a code was handed out for, by secret: that code may already be used.
_handed_out: dict[str, int] = {}


def totp_code(
    secret: str,
    *,
    margin: float = MARGIN_SECONDS,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """A code for ``secret`` that the server will accept for at least ``margin`` seconds."""
    period = app_settings.TOTP_PERIOD
    now = clock()
    counter = int(now // period)
    window_ends = (counter + 1) * period
    if window_ends - now < margin or _handed_out.get(secret, -1) >= counter:
        counter = max(counter, _handed_out.get(secret, -1)) + 1
        starts = counter * period
        while (now := clock()) < starts:
            sleep(starts - now)
    _handed_out[secret] = counter
    return format_hotp_value(hotp_value(secret, counter))
