"""What kind of file an upload really is, judged from its contents, and whether we accept it.

The name's extension says what the sender claims; the first bytes (read with
the ``filetype`` package) say what the file is. A file is accepted only when it
is a kind on the allow-list *and* its contents agree with its name, so a program
renamed ``report.pdf`` is refused before it is ever stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

import filetype

# How many leading bytes the sniffing looks at (what ``filetype`` itself reads).
HEAD_SIZE = 8192

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Kind:
    """A kind of file Casewell accepts."""

    label: str  # "a PDF", as in "report.pdf is not a PDF"
    name: str  # "PDF", shown next to an attachment
    content_type: str
    extensions: frozenset[str]
    # Safe to show in the browser (sandboxed) rather than only to download.
    viewable: bool = False


def _kind(
    label: str, name: str, content_type: str, *extensions: str, viewable: bool = False
) -> Kind:
    return Kind(label, name, content_type, frozenset(extensions), viewable)


PDF = _kind("a PDF", "PDF", "application/pdf", "pdf", viewable=True)
JPEG = _kind("a JPEG image", "JPEG image", "image/jpeg", "jpg", "jpeg", viewable=True)
PNG = _kind("a PNG image", "PNG image", "image/png", "png", viewable=True)
GIF = _kind("a GIF image", "GIF image", "image/gif", "gif", viewable=True)
WEBP = _kind("a WebP image", "WebP image", "image/webp", "webp", viewable=True)
TIFF = _kind("a TIFF image", "TIFF image", "image/tiff", "tif", "tiff")
HEIC = _kind("a HEIC photo", "HEIC photo", "image/heic", "heic")
DOCX = _kind(
    "a Word document",
    "Word document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docx",
)
XLSX = _kind(
    "an Excel spreadsheet",
    "Excel spreadsheet",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xlsx",
)
DOC = _kind("a Word document", "Word document", "application/msword", "doc")
XLS = _kind("an Excel spreadsheet", "Excel spreadsheet", "application/vnd.ms-excel", "xls")
ODT = _kind(
    "an OpenDocument text", "OpenDocument text", "application/vnd.oasis.opendocument.text", "odt"
)
ODS = _kind(
    "an OpenDocument spreadsheet",
    "OpenDocument spreadsheet",
    "application/vnd.oasis.opendocument.spreadsheet",
    "ods",
)
RTF = _kind("a rich text document", "Rich text document", "application/rtf", "rtf")
TEXT = _kind("a text file", "Text file", "text/plain", "txt", viewable=True)
CSV = _kind("a CSV file", "CSV file", "text/csv", "csv")
EMAIL = _kind("an e-mail", "E-mail", "message/rfc822", "eml")

# What ``filetype`` calls each accepted kind.
SNIFFED = {
    "pdf": PDF,
    "jpg": JPEG,
    "png": PNG,
    "gif": GIF,
    "webp": WEBP,
    "tif": TIFF,
    "heic": HEIC,
    "docx": DOCX,
    "xlsx": XLSX,
    "doc": DOC,
    "xls": XLS,
    "odt": ODT,
    "ods": ODS,
    "rtf": RTF,
}
# Old Word and Excel files share one container format (OLE); its first bytes
# say "Office 97-2003 document" but not reliably which program made it.
OLE_KINDS = {"doc": DOC, "xls": XLS}
# Text, CSV and e-mail have no magic number: judged by looking like text.
TEXT_KINDS = {"txt": TEXT, "csv": CSV, "eml": EMAIL}

ACCEPTED = {
    ext: kind for kind in (*SNIFFED.values(), *TEXT_KINDS.values()) for ext in kind.extensions
}
BY_CONTENT_TYPE = {kind.content_type: kind for kind in ACCEPTED.values()}

ACCEPTED_IN_WORDS = (
    "a PDF, an image (JPEG, PNG, GIF, WebP, TIFF or HEIC), a Word, Excel or OpenDocument "
    "document, a text or CSV file, or an e-mail (.eml)"
)

# Plain words for what a refused file turned out to be.
DESCRIPTIONS = {
    "exe": "a Windows program",
    "elf": "a Linux program",
    "wasm": "a WebAssembly program",
    "zip": "a ZIP archive",
    "rar": "a RAR archive",
    "7z": "a 7-Zip archive",
    "gz": "a compressed (gzip) archive",
    "tar": "a tar archive",
    "swf": "a Flash program",
    "crx": "a browser extension",
    "deb": "a software package",
    "rpm": "a software package",
    "sqlite": "a database",
    "mp3": "sound",
    "mp4": "video",
    "ps": "a PostScript program",
}


class NotAccepted(ValueError):
    """The reason, in words, that a file is refused."""


def extension_of(name: str) -> str:
    return PurePath(name).suffix.lower().removeprefix(".")


def kind_for_content_type(content_type: str) -> Kind | None:
    return BY_CONTENT_TYPE.get(content_type)


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A character cut in two at the end of the sample is still text.
        if error.start < len(head) - 3:
            return _looks_like_legacy_text(head)
    return True


def _looks_like_legacy_text(head: bytes) -> bool:
    """Windows-1252 text (CSV files saved by older Excel): printable, no control bytes."""
    allowed_controls = {9, 10, 12, 13}
    return all(byte >= 32 or byte in allowed_controls for byte in head)


def _looks_like_email(head: bytes) -> bool:
    first_line = head.lstrip(b"\r\n").split(b"\n", 1)[0]
    name, colon, _ = first_line.partition(b":")
    return bool(colon) and bool(name) and b" " not in name.strip()


def _described(head: bytes) -> str:
    found = filetype.guess(head)
    if found is None:
        return "not a kind of file Casewell recognises"
    if found.extension in DESCRIPTIONS:
        return DESCRIPTIONS[found.extension]
    if found.extension in SNIFFED:
        return SNIFFED[found.extension].label
    if found.mime.startswith(("image/", "audio/", "video/")):
        return f"{found.mime.split('/')[0]} of another kind ({found.extension})"
    return f"a {found.extension.upper()} file"


def identify(name: str, head: bytes) -> Kind:
    """The accepted kind of a file called ``name`` starting with ``head``; else NotAccepted."""
    extension = extension_of(name)
    claimed = ACCEPTED.get(extension)
    if claimed is None:
        shown = f".{extension} files" if extension else "Files without an extension"
        raise NotAccepted(f"{shown} cannot be uploaded. Upload {ACCEPTED_IN_WORDS}.")
    if extension in TEXT_KINDS:
        if filetype.guess(head) is None and _looks_like_text(head):
            if claimed is EMAIL and not _looks_like_email(head):
                raise NotAccepted(f"{name} is not an e-mail: it does not start with mail headers")
            return claimed
        raise NotAccepted(f"{name} is not {claimed.label}: its contents are {_described(head)}")
    if head.startswith(OLE_MAGIC) and extension in OLE_KINDS:
        return OLE_KINDS[extension]
    found = filetype.guess(head)
    if found is not None and SNIFFED.get(found.extension) is claimed:
        return claimed
    raise NotAccepted(f"{name} is not {claimed.label}: its contents are {_described(head)}")
