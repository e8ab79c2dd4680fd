"""The words inside a stored file, for reading it for distress before anyone opens it.

PDFs (their text layer, by ``pypdf``) and plain text. A scan without a text layer, a
picture or an unreadable file gives no words, never an error: what cannot be read is
still stored, and its name and description are scored as before.
"""

from __future__ import annotations

import io
import logging

from casewell.files.models import StoredFile
from casewell.files.services import read_bytes

logger = logging.getLogger("casewell.files")

# Enough to find what a letter or report says, without reading a whole book.
MAX_CHARACTERS = 100_000
MAX_PAGES = 50


def readable_text(stored_file: StoredFile) -> str:
    """The file's words, at most ``MAX_CHARACTERS`` of them ("" when there are none)."""
    try:
        if stored_file.content_type == "application/pdf":
            return _pdf_text(read_bytes(stored_file))
        if stored_file.content_type.startswith("text/"):
            return read_bytes(stored_file)[: MAX_CHARACTERS * 4].decode("utf-8", "replace")[
                :MAX_CHARACTERS
            ]
    except Exception:  # noqa: BLE001 - a file we cannot read still has a name to score
        logger.warning("Could not read the words of %s", stored_file.storage_name, exc_info=True)
    return ""


def _pdf_text(contents: bytes) -> str:
    from pypdf import PdfReader

    words: list[str] = []
    size = 0
    for page in PdfReader(io.BytesIO(contents)).pages[:MAX_PAGES]:
        text = page.extract_text() or ""
        words.append(text)
        size += len(text)
        if size >= MAX_CHARACTERS:
            break
    return "\n".join(words)[:MAX_CHARACTERS]
