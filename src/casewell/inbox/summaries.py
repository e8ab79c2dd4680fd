"""Short texts for parts a person cannot read as they are: calendar invitations and the
machine-readable delivery reports inside bounces."""

from __future__ import annotations

import email
from datetime import date, datetime
from email import policy

from icalendar import Calendar


def _when(value: object) -> str:
    moment = getattr(value, "dt", value)
    if isinstance(moment, datetime):
        return moment.strftime("%-d %B %Y %H:%M") + (f" {moment.tzname()}" if moment.tzinfo else "")
    if isinstance(moment, date):
        return moment.strftime("%-d %B %Y")
    return str(moment or "")


def summarise_calendar(data: bytes) -> str:
    """"Calendar invitation: Surgery, 4 December 2026 10:00 UTC until ..., at ..." or ""."""
    try:
        calendar = Calendar.from_ical(data.decode("utf-8", "replace"))
    except Exception:  # noqa: BLE001 - a broken calendar is still kept as an attachment
        return ""
    method = str(calendar.get("method", "")).upper()
    heading = {"REQUEST": "Calendar invitation", "CANCEL": "Calendar cancellation",
               "REPLY": "Calendar reply"}.get(method, "Calendar event")
    lines: list[str] = []
    for event in calendar.walk("VEVENT"):
        line = [f"{heading}: {event.get('summary', '(no title)')}"]
        if event.get("dtstart") is not None:
            start = _when(event.get("dtstart"))
            end = _when(event.get("dtend")) if event.get("dtend") is not None else ""
            line.append(f"{start} until {end}" if end else start)
        if event.get("location"):
            line.append(f"at {event.get('location')}")
        organiser = str(event.get("organizer", "")).removeprefix("mailto:").removeprefix("MAILTO:")
        if organiser:
            line.append(f"organised by {organiser}")
        lines.append(", ".join(line) + ".")
        if event.get("description"):
            lines.append(str(event.get("description")).strip())
    return "\n".join(lines)


def summarise_delivery_status(data: bytes) -> tuple[list[str], str]:
    """The recipients' actions (failed, delayed, delivered...) and a line per recipient."""
    # Per-message fields, a blank line, then a block of fields per recipient.
    blocks = [block for block in data.replace(b"\r\n", b"\n").split(b"\n\n") if block.strip()]
    actions: list[str] = []
    lines: list[str] = []
    for block in blocks[1:] if len(blocks) > 1 else blocks:
        fields = email.message_from_bytes(block.strip() + b"\n", policy=policy.compat32)
        action = " ".join(str(fields.get("action", "")).split()).lower()
        if not action:
            continue
        actions.append(action)
        recipient = str(fields.get("final-recipient") or fields.get("original-recipient") or "")
        recipient = recipient.split(";", 1)[-1].strip()
        status = str(fields.get("status", "")).strip()
        diagnostic = " ".join(str(fields.get("diagnostic-code", "")).split())
        diagnostic = diagnostic.split(";", 1)[-1].strip()
        line = f"Delivery to {recipient or 'a recipient'}: {action}"
        if status:
            line += f" (status {status})"
        if diagnostic:
            line += f": {diagnostic[:300]}"
        lines.append(line + ".")
    return actions, "\n".join(lines)
