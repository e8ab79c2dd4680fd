"""The words inside a stored file, for reading it for distress before anyone opens it.

PDFs (their text layer, by ``pypdf``), Word (.docx) and OpenDocument (.odt) documents,
and plain text. A scan without a text layer, a picture or an unreadable file gives no
words, never an error: what cannot be read is still stored, and its name and
description are scored as before.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from xml.parsers import expat

from casewell.files.kinds import DOCX, ODT
from casewell.files.models import StoredFile
from casewell.files.services import read_bytes

logger = logging.getLogger("casewell.files")

# Enough to find what a letter or report says, without reading a whole book.
MAX_CHARACTERS = 100_000
MAX_PAGES = 50
# Word and OpenDocument files are ZIP archives of XML, and uploads may be hostile: a
# few kilobytes can unpack to gigabytes (a "zip bomb"). The parts we read may not unpack
# to more than this between them, whatever their headers claim; a long letter's XML is
# well under it.
MAX_UNPACKED_BYTES = 8 * 1024 * 1024
MAX_PARTS = 12
CHUNK_BYTES = 64 * 1024

WORD = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",  # "Strict" Office Open XML
)
ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
WORD_MARKS = {"tab": "\t", "br": "\n", "cr": "\n"}
WORD_EXTRA_PARTS = re.compile(r"word/(footnotes|endnotes|header\d*|footer\d*)\.xml")


class Unreadable(ValueError):
    """A document we refuse to read further (too big when unpacked, or declares entities)."""


def readable_text(stored_file: StoredFile) -> str:
    """The file's words, at most ``MAX_CHARACTERS`` of them ("" when there are none)."""
    try:
        if stored_file.content_type == "application/pdf":
            return _pdf_text(read_bytes(stored_file))
        if stored_file.content_type == DOCX.content_type:
            return _word_text(read_bytes(stored_file))
        if stored_file.content_type == ODT.content_type:
            return _opendocument_text(read_bytes(stored_file))
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


def _word_text(contents: bytes) -> str:
    """The body, then footnotes, endnotes, headers and footers of a Word document."""
    words = _Words(
        text_elements=frozenset(f"{ns} t" for ns in WORD),
        paragraphs=frozenset(f"{ns} p" for ns in WORD),
        marks={f"{ns} {tag}": mark for ns in WORD for tag, mark in WORD_MARKS.items()},
    )
    with zipfile.ZipFile(io.BytesIO(contents)) as archive:
        extra = sorted(n for n in archive.namelist() if WORD_EXTRA_PARTS.fullmatch(n))
        for name in ["word/document.xml", *extra][:MAX_PARTS]:
            _read_part(archive, name, words)
            if words.full:
                break
    return words.text()


def _opendocument_text(contents: bytes) -> str:
    # A run of spaces (text:s) reads as one: enough to keep the words apart.
    paragraphs = frozenset({f"{ODF_TEXT} p", f"{ODF_TEXT} h"})
    words = _Words(
        text_elements=paragraphs,
        paragraphs=paragraphs,
        marks={f"{ODF_TEXT} tab": "\t", f"{ODF_TEXT} line-break": "\n", f"{ODF_TEXT} s": " "},
    )
    with zipfile.ZipFile(io.BytesIO(contents)) as archive:
        _read_part(archive, "content.xml", words)
    return words.text()


@dataclass
class _Words:
    """The characters inside a document's text elements, a paragraph to a line."""

    text_elements: frozenset[str]  # elements whose characters are words
    paragraphs: frozenset[str]  # elements that end with a line break
    marks: dict[str, str]  # empty elements that stand for a character
    pieces: list[str] = field(default_factory=list)
    size: int = 0
    inside: int = 0
    unpacked: int = 0  # bytes of XML the parts read so far claim to hold

    @property
    def full(self) -> bool:
        return self.size >= MAX_CHARACTERS

    def add(self, piece: str) -> None:
        self.pieces.append(piece)
        self.size += len(piece)

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if name in self.text_elements:
            self.inside += 1
        elif name in self.marks:
            self.add(self.marks[name])

    def end(self, name: str) -> None:
        if name in self.text_elements:
            self.inside -= 1
        if name in self.paragraphs:
            self.add("\n")

    def characters(self, data: str) -> None:
        if self.inside > 0:
            self.add(data)

    def text(self) -> str:
        return "".join(self.pieces).strip()[:MAX_CHARACTERS]


def _read_part(archive: zipfile.ZipFile, name: str, words: _Words) -> None:
    """Feed one XML part of the archive to ``words``, a chunk at a time, within the limits."""
    info = archive.getinfo(name)  # KeyError when the part is missing
    words.unpacked += info.file_size
    if words.unpacked > MAX_UNPACKED_BYTES:
        raise Unreadable(f"{name} would unpack to {info.file_size} bytes")
    parser = expat.ParserCreate(namespace_separator=" ")
    # Entities are declared only in a DOCTYPE, which Word and OpenDocument never write:
    # refusing it refuses entity bombs ("billion laughs") and external entities alike.
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_entity
    parser.StartElementHandler = words.start
    parser.EndElementHandler = words.end
    parser.CharacterDataHandler = words.characters
    parser.buffer_text = True
    # zipfile unpacks no more than the size the header claims (a lie fails its checksum).
    with archive.open(info) as part:
        while chunk := part.read(CHUNK_BYTES):
            parser.Parse(chunk, False)
            if words.full:
                return
    parser.Parse(b"", True)


def _refuse_doctype(*_: object) -> None:
    raise Unreadable("the document declares a DOCTYPE")


def _refuse_entity(*_: object) -> None:
    raise Unreadable("the document declares an entity")
