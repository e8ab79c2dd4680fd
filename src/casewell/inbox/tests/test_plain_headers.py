"""The plain-header readers give what the modern parser gives, or say None and leave it to it."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casewell.inbox import plain_headers

CORPUS = Path("/work/shared/corpora/mail")
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared mail corpus is absent")


def modern_mailboxes(value: str) -> list[tuple[str, str]]:
    parsed = policy.default.header_factory("to", value)
    return [(address.display_name, address.addr_spec) for address in parsed.addresses]


def modern_parameterised(name: str, value: str) -> tuple[str, dict[str, str]]:
    parsed = policy.default.header_factory(name, value)
    params = {key.lower(): str(item) for key, item in dict(parsed.params).items()}
    return str(parsed).split(";", 1)[0].strip().lower(), params


def test_the_common_forms_are_read_without_the_modern_parser():
    assert plain_headers.mailboxes("Ann Smith <Ann.Smith@Example.org>") == [
        ("Ann Smith", "Ann.Smith@Example.org")
    ]
    assert plain_headers.mailboxes('"Smith, Ann" <ann@example.org>, bob@example.net') == [
        ("Smith, Ann", "ann@example.org"),
        ("", "bob@example.net"),
    ]
    assert plain_headers.mailboxes("<casework@north.example>") == [("", "casework@north.example")]
    assert plain_headers.parameterised('Text/Plain; charset="UTF-8"; format=flowed') == (
        "text/plain",
        {"charset": "UTF-8", "format": "flowed"},
    )
    assert plain_headers.parameterised('attachment; filename="letter 2.pdf"') == (
        "attachment",
        {"filename": "letter 2.pdf"},
    )


@pytest.mark.parametrize(
    "value",
    [
        "=?utf-8?q?Ren=C3=A9e?= <renee@example.org>",  # an encoded word
        '"=?utf-8?q?Ren=C3=A9e?=" <renee@example.org>',  # one inside quotes
        "Ann (the office) <ann@example.org>",  # a comment
        '"Ann \\"Nan\\" Smith" <ann@example.org>',  # an escape
        "Friends: ann@example.org, bob@example.org;",  # a group
        "Ann Smith <ann@example.org",  # unclosed
        "Zoë <zoe@example.org>",  # not ASCII
        "",
    ],
)
def test_anything_less_plain_is_left_to_the_modern_parser(value):
    assert plain_headers.mailboxes(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "attachment; filename*=utf-8''r%C3%A9sum%C3%A9.pdf",  # RFC 2231
        'attachment; filename="=?utf-8?q?r=C3=A9sum=C3=A9?=.pdf"',  # an encoded word
        "text/plain; charset=utf-8 (the default)",  # a comment
        'text/plain; name="a\\"b"',  # an escape
        "text/plain; charset = utf-8",  # spaces the plain form does not have
    ],
)
def test_parameters_less_plain_are_left_to_the_modern_parser(value):
    assert plain_headers.parameterised(value) is None


# Pieces that make plain headers and near misses: quotes, escapes, encoded words,
# commas, semicolons, odd spacing and non-ASCII letters.
PIECES = st.sampled_from(
    ["ann", "Bob", "O'Neil", "x_y", "a-b", "7", " ", "  ", "\t", '"', "\\", ",", ";", ":", "<",
     ">", "@", ".", "=?", "?=", "=", "(", ")", "é", "\xa0", "example.org", "*", "/", "'", "{", "!"]
)  # fmt: skip
TEXT = st.lists(PIECES, max_size=8).map("".join)


@st.composite
def mailbox_lists(draw) -> str:
    boxes = []
    for _ in range(draw(st.integers(1, 3))):
        address = f"{draw(TEXT)}@{draw(TEXT)}"
        shape = draw(st.sampled_from(["bare", "angled", "named", "quoted"]))
        if shape == "bare":
            boxes.append(address)
        elif shape == "angled":
            boxes.append(f"<{address}>")
        elif shape == "named":
            boxes.append(f"{draw(TEXT)} <{address}>")
        else:
            boxes.append(f'"{draw(TEXT)}"{draw(st.sampled_from(["", " ", "  "]))}<{address}>')
    return draw(st.sampled_from([",", ", ", " ,"])).join(boxes)


@st.composite
def parameterised_values(draw) -> str:
    value = draw(st.sampled_from(["text/plain", "Image/PNG", "attachment", "inline", "x/y"]))
    for _ in range(draw(st.integers(0, 3))):
        given_value = draw(TEXT)
        if draw(st.booleans()):
            given_value = f'"{given_value}"'
        value += f"{draw(st.sampled_from([';', '; ', ' ;']))}{draw(TEXT)}={given_value}"
    return value + draw(st.sampled_from(["", ";", " "]))


@settings(max_examples=600, deadline=None)
@given(mailbox_lists())
def test_a_plain_reading_of_addresses_always_agrees_with_the_modern_parser(value):
    plain = plain_headers.mailboxes(value)
    if plain is not None:
        assert plain == modern_mailboxes(value)


@settings(max_examples=600, deadline=None)
@given(parameterised_values(), st.sampled_from(["content-type", "content-disposition"]))
def test_a_plain_reading_of_parameters_always_agrees_with_the_modern_parser(value, name):
    plain = plain_headers.parameterised(value)
    if plain is not None and ("/" in plain[0]) == (name == "content-type"):
        assert plain == modern_parameterised(name, value)


@needs_corpus
def test_the_corpus_headers_read_plainly_agree_with_the_modern_parser():
    read_plainly = 0
    for path in sorted(CORPUS.rglob("*")):
        if not path.is_file() or path.suffix in {".md", ".txt", ".json"}:
            continue
        message = email.message_from_bytes(path.read_bytes(), policy=policy.compat32)
        for part in message.walk():
            for name, value in part.items():
                if not isinstance(value, str):
                    continue
                value = value.replace("\r", "").replace("\n", "")
                lower = name.lower()
                if lower in {"from", "to", "cc", "reply-to"}:
                    plain = plain_headers.mailboxes(value)
                    if plain is not None:
                        assert plain == modern_mailboxes(value), (path, value)
                        read_plainly += 1
                elif lower in {"content-type", "content-disposition"}:
                    plain = plain_headers.parameterised(value)
                    if plain is not None and ("/" in plain[0]) == (lower == "content-type"):
                        assert plain == modern_parameterised(lower, value), (path, value)
                        read_plainly += 1
    # Not vacuous: most of the corpus's headers are of the plain kind.
    assert read_plainly > 500
