"""The words of Word and OpenDocument files are read for distress, and hostile ones
(zip bombs, entity bombs, broken archives) give no words instead of harm or an error."""

from __future__ import annotations

import io
import logging
import struct
import zipfile

import pytest

from casewell.cases.models import Category
from casewell.cases.services import open_case
from casewell.files import services as files
from casewell.files.testing import WORD_NS, docx_bytes, odt_bytes, upload, word_paragraphs
from casewell.files.text import MAX_CHARACTERS, MAX_UNPACKED_BYTES, readable_text
from casewell.offices.tenancy import bind_office
from casewell.people.documents import add_document as add_to_person
from casewell.people.models import Person
from casewell.timeline.services import add_document
from casewell.wellbeing import services as wellbeing
from casewell.wellbeing.models import ItemKind

W = f'xmlns:w="{WORD_NS}"'
DISTRESSING = "My son says he has a plan to kill himself this weekend"


def words_of(cast, name: str, contents: bytes) -> str:
    return readable_text(files.store_file(cast.north, upload(name, contents), uploaded_by=cast.ada))


def word_part(inner: str) -> str:
    return f"<w:document {W}><w:body>{inner}</w:body></w:document>"


@pytest.fixture
def case(cast):
    with bind_office(cast.north):
        category = Category.objects.filter(parent=None).order_by("pk").first()
    return open_case(cast.ada, summary="Housing repairs", category=category, assignee=cast.ada)


def test_a_word_document_is_read_a_paragraph_to_a_line_with_its_headers_and_footnotes(cast):
    document = word_part(
        "<w:p><w:r><w:t>Dear</w:t></w:r><w:r><w:t xml:space='preserve'> Ms Walsh,</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>Rent</w:t><w:tab/><w:t>£400</w:t><w:br/><w:t>Due Friday</w:t></w:r></w:p>"
        # Deleted words (tracked changes) and field codes are not what the letter says.
        "<w:p><w:del><w:r><w:delText>struck out</w:delText></w:r></w:del>"
        "<w:r><w:instrText> PAGE </w:instrText></w:r></w:p>"
    )
    contents = docx_bytes(
        parts={
            "word/document.xml": document,
            "word/header1.xml": f"<w:hdr {W}>{word_paragraphs('Hartley Housing')}</w:hdr>",
            "word/footnotes.xml": f"<w:footnotes {W}>{word_paragraphs('See clause 4')}"
            "</w:footnotes>",
            "word/styles.xml": f"<w:styles {W}><w:t>not words</w:t></w:styles>",
        }
    )
    assert words_of(cast, "letter.docx", contents) == (
        "Dear Ms Walsh,\nRent\t£400\nDue Friday\n\nSee clause 4\nHartley Housing"
    )


def test_an_opendocument_text_is_read_a_paragraph_to_a_line(cast):
    body = (
        '<text:h text:outline-level="1">Notice</text:h>'
        "<text:p>Dear <text:span>Ms</text:span><text:s/>Walsh,</text:p>"
        "<text:p>Rent<text:tab/>£400<text:line-break/>Due Friday &amp; after</text:p>"
    )
    contents = odt_bytes(body=body)
    assert words_of(cast, "letter.odt", contents) == (
        "Notice\nDear Ms Walsh,\nRent\t£400\nDue Friday & after"
    )


def test_a_distressing_letter_sent_as_word_or_opendocument_is_behind_a_content_warning(cast, case):
    on_case = add_document(cast.ada, case, upload("Letter.docx", docx_bytes(DISTRESSING)))
    as_odt = add_document(cast.ada, case, upload("Letter.odt", odt_bytes(DISTRESSING)))
    with bind_office(cast.north, actor=cast.ada):
        person = Person.objects.create(first_name="Harriet", last_name="Walsh")
    on_person = add_to_person(cast.ada, person, upload("Letter.docx", docx_bytes(DISTRESSING)))
    for entry in (on_case, as_odt):
        assert wellbeing.warning_categories_for(
            cast.north.pk, ItemKind.TIMELINE_ENTRY, entry.pk
        ) == ["suicide"]
    assert wellbeing.warning_categories_for(
        cast.north.pk, ItemKind.PERSON_DOCUMENT, on_person.pk
    ) == ["suicide"]
    # The same letter as seen by another office: nothing.
    assert (
        wellbeing.warning_categories_for(cast.south.pk, ItemKind.TIMELINE_ENTRY, on_case.pk) == []
    )
    calm = add_document(cast.ada, case, upload("Repairs.docx", docx_bytes("The boiler is fixed")))
    assert wellbeing.warning_categories_for(cast.north.pk, ItemKind.TIMELINE_ENTRY, calm.pk) == []


def test_a_word_document_with_no_text_gives_no_words_and_no_warning(cast, caplog):
    with caplog.at_level(logging.WARNING, logger="casewell.files"):
        assert words_of(cast, "blank.docx", docx_bytes("")) == ""
        assert words_of(cast, "blank.odt", odt_bytes("")) == ""
    assert caplog.records == []


def test_a_long_document_is_read_only_as_far_as_the_limit(cast):
    line = "The landlord has not repaired the damp in the back bedroom. " * 2
    contents = docx_bytes("\n".join([line] * 2000))
    words = words_of(cast, "long.docx", contents)
    assert len(words) == MAX_CHARACTERS and words.startswith("The landlord")


def zip_bomb_part() -> bytes:
    """A Word document whose body unpacks to far more than we read, from a few kilobytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as part:
            part.write(f"<w:document {W}><w:body><w:p><w:r><w:t>".encode())
            for _ in range(MAX_UNPACKED_BYTES // (1024 * 1024) + 2):
                part.write(b"a" * 1024 * 1024)
            part.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return out.getvalue()


def test_a_zip_bomb_is_refused_without_being_unpacked(cast, case, caplog):
    bomb = zip_bomb_part()
    assert len(bomb) < MAX_UNPACKED_BYTES // 100
    with caplog.at_level(logging.WARNING, logger="casewell.files"):
        assert words_of(cast, "bomb.docx", bomb) == ""
    assert "would unpack to" in caplog.text
    # Still stored, and scored by its name and description like any unreadable file.
    entry = add_document(cast.ada, case, upload("Scan 14.docx", bomb), description="Suicide note")
    assert wellbeing.warning_categories_for(cast.north.pk, ItemKind.TIMELINE_ENTRY, entry.pk) == [
        "suicide"
    ]


def test_a_part_whose_header_understates_its_size_is_not_read_past_it(cast, caplog):
    bomb = bytearray(zip_bomb_part())
    # Claim, in the archive's directory, that the body unpacks to 100 bytes.
    entry = bomb.rfind(b"PK\x01\x02")
    assert bomb[entry + 46 : entry + 46 + 17] == b"word/document.xml"
    struct.pack_into("<I", bomb, entry + 24, 100)
    assert zipfile.ZipFile(io.BytesIO(bomb)).getinfo("word/document.xml").file_size == 100
    with caplog.at_level(logging.WARNING, logger="casewell.files"):
        assert words_of(cast, "liar.docx", bytes(bomb)) == ""
    # Unpacking stopped at the size claimed, so the part fails its checksum.
    assert "Bad CRC-32" in caplog.text


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE w:document ['
    '<!ENTITY a "aaaaaaaaaa">'
    + "".join(
        f'<!ENTITY {b} "{("&" + a + ";") * 10}">'
        for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + "]>"
    + word_part("<w:p><w:r><w:t>&i;</w:t></w:r></w:p>")
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    + word_part("<w:p><w:r><w:t>&secret;</w:t></w:r></w:p>")
)


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_a_document_that_declares_entities_is_refused(cast, caplog, document):
    with caplog.at_level(logging.WARNING, logger="casewell.files"):
        assert (
            words_of(cast, "entities.docx", docx_bytes(parts={"word/document.xml": document})) == ""
        )
    assert "DOCTYPE" in caplog.text


@pytest.mark.parametrize(
    ("name", "contents"),
    [
        # Cut short: the archive's directory, at its end, is missing.
        ("cut.docx", docx_bytes(DISTRESSING)[:-40]),
        ("cut.odt", odt_bytes(DISTRESSING)[:-40]),
        # A Word archive without its body.
        ("empty.docx", docx_bytes(parts={"word/document.xml": None, "word/styles.xml": "<x/>"})),
        ("broken.docx", docx_bytes(parts={"word/document.xml": word_part("<w:p><w:t>oops")})),
    ],
)
def test_a_broken_document_gives_no_words_and_a_warning_not_an_error(cast, caplog, name, contents):
    with caplog.at_level(logging.WARNING, logger="casewell.files"):
        assert words_of(cast, name, contents) == ""
    assert "Could not read the words of" in caplog.text
