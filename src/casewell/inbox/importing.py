"""Importing mail from files: single messages (.eml), folders of them, and mbox files.

Each message goes in through the same door as any other (``keep_raw``) and is read
straight away, so the summary can say what became of it; importing the same files
again keeps nothing new.
"""

from __future__ import annotations

import mailbox
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from casewell.inbox import services
from casewell.inbox.models import Door, RawState
from casewell.offices.models import Office
from casewell.offices.tenancy import bind_office

# An mbox file starts with a "From " line (the envelope sender and a date).
MBOX_START = b"From "


@dataclass
class ImportSummary:
    read: int = 0
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    quarantined_items: list[dict[str, str]] = field(default_factory=list)
    # Files that could not be opened at all: nothing of them reached Casewell.
    unreadable_files: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "read": self.read,
            "stored": self.stored,
            "duplicates": self.duplicates,
            "quarantined": self.quarantined,
            "quarantined_items": self.quarantined_items,
            "unreadable_files": self.unreadable_files,
        }


def files_under(paths: list[Path]) -> list[Path]:
    """The files named, and every file inside the folders named (hidden ones skipped)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(
                    child
                    for child in path.rglob("*")
                    if child.is_file()
                    and not any(part.startswith(".") for part in child.relative_to(path).parts)
                )
            )
        else:
            found.append(path)
    return found


def is_mbox(path: Path) -> bool:
    with path.open("rb") as opened:
        return opened.read(len(MBOX_START)) == MBOX_START


def messages_in(path: Path) -> Iterator[tuple[str, bytes]]:
    """(source, bytes) of each message in a file: one for an .eml, each of an mbox."""
    if not is_mbox(path):
        yield str(path), path.read_bytes()
        return
    box = mailbox.mbox(path, create=False)
    try:
        for number, key in enumerate(box.iterkeys(), start=1):
            yield f"{path} message {number}", box.get_bytes(key)
    finally:
        box.close()


def import_files(
    office: Office,
    paths: list[Path],
    *,
    on_file: Callable[[Path, ImportSummary], None] | None = None,
) -> ImportSummary:
    """Keep and read every message in ``paths``; ``on_file`` is told after each file."""
    summary = ImportSummary()
    for path in files_under(paths):
        try:
            for source, data in messages_in(path):
                _import_one(office, source, data, summary)
        except OSError as problem:
            summary.unreadable_files.append({"source": str(path), "reason": str(problem)})
        if on_file is not None:
            on_file(path, summary)
    return summary


def _import_one(office: Office, source: str, data: bytes, summary: ImportSummary) -> None:
    summary.read += 1
    raw, new = services.keep_raw(office, data, door=Door.IMPORT, source=source)
    if not new:
        summary.duplicates += 1
        return
    # Read now, not by a worker later, to tell what became of it. (The queued job
    # then finds it read and does nothing.)
    services.read_raw_message(raw.pk, raw.office_id)
    with bind_office(office):
        raw.refresh_from_db(fields=["state", "quarantine_reason"])
    if raw.state == RawState.PARSED:
        summary.stored += 1
    elif raw.state == RawState.DUPLICATE:
        summary.duplicates += 1
    elif raw.state == RawState.QUARANTINED:
        summary.quarantined += 1
        summary.quarantined_items.append({"source": source, "reason": raw.quarantine_reason})
