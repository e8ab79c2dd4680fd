"""Outlook's winmail.dat (TNEF): the files and text it wraps become the message's own."""

from __future__ import annotations

from dataclasses import dataclass, field

from tnefparse import TNEF


@dataclass
class Unpacked:
    files: list[tuple[str, bytes]] = field(default_factory=list)
    text: str = ""
    html: str = ""


def _text(value: object) -> str:
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return value.decode("windows-1252", "replace")
    return str(value) if value else ""


def unpack_tnef(data: bytes) -> Unpacked:
    """The attachments and body inside a TNEF blob; raises if it is not one."""
    parsed = TNEF(data)
    unpacked = Unpacked()
    for index, attachment in enumerate(parsed.attachments, start=1):
        try:
            name = attachment.long_filename() or ""
        except Exception:  # noqa: BLE001 - a missing or garbled name attribute
            name = ""
        name = _text(name).replace("\x00", "").strip() or _text(attachment.name).strip()
        unpacked.files.append((name or f"attachment-{index}.bin", bytes(attachment.data or b"")))
    unpacked.text = _text(getattr(parsed, "body", None)).replace("\x00", "")
    unpacked.html = _text(getattr(parsed, "htmlbody", None)).replace("\x00", "")
    try:
        rtf = parsed.rtfbody
    except Exception:  # noqa: BLE001 - compressed RTF that cannot be expanded
        rtf = None
    if isinstance(rtf, bytes) and rtf.startswith(b"{\\rtf"):
        unpacked.files.append(("message.rtf", rtf))
    return unpacked
