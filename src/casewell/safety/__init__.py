"""Keeping staff safe: lone-working sessions that escalate on time, the duress alarm, incidents and
safety markers.
"""
