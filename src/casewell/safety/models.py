"""Keeping staff safe: lone-working sessions that escalate on time, the duress alarm, incidents and
safety markers.
"""

from __future__ import annotations
