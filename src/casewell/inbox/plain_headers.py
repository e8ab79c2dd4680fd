"""Address and Content-Type headers in their plainest form, read without the modern parser.

Most mail names its sender as ``Ann Smith <ann@example.net>`` and its parts as
``text/plain; charset="utf-8"``. The standard library's modern header parser reads
these correctly but slowly (it builds a full syntax tree of each): for a batch of
ordinary letters it was a third of the parsing time. These readers accept only
headers whose meaning is beyond doubt (printable ASCII, no encoded words, comments,
groups, escapes or RFC 2231 parameters) and say None to anything else, which then
goes to the modern parser. The tests compare the two on generated and real headers.
"""

from __future__ import annotations

import re

# RFC 5322 atext, and an RFC 2045 token without "*" and "'" (which RFC 2231 gives meanings).
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_MIME_WORD = r"[A-Za-z0-9!#$%&+.^_`|~-]+"

# Spaces and tabs only: other white space (a no-break space, say) is the modern parser's.
_GAP = r"[ \t]*"
_ADDRESS = rf"{_ATEXT}+(?:\.{_ATEXT}+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
# A display name of plain words, or quoted; neither may hold "=?" (an encoded word).
_WORDS = r"[A-Za-z0-9'_-]+(?: [A-Za-z0-9'_-]+)*"
_QUOTED = r'"(?:[ !#-<>-\[\]-~]|=(?!\?))*"'
_ANY_MAILBOX = rf"{_GAP}(?:(?:{_WORDS}|{_QUOTED})?{_GAP}<{_ADDRESS}>|{_ADDRESS}){_GAP}"
_MAILBOX_LIST = re.compile(rf"{_ANY_MAILBOX}(?:,{_ANY_MAILBOX})*")
_MAILBOX = re.compile(
    rf"{_GAP}(?:(?P<name>{_WORDS}|{_QUOTED})?{_GAP}<(?P<angled>{_ADDRESS})>|(?P<bare>{_ADDRESS})){_GAP}"
)

_VALUE = rf"(?:{_MIME_WORD}|{_QUOTED})"
# Parameter names of letters, digits and - _ . only ("'" and "*" have RFC 2231 meanings).
_NAME = r"[A-Za-z0-9][A-Za-z0-9_.-]*"
_PARAMETER = re.compile(rf"{_GAP};{_GAP}({_NAME})=({_VALUE})")
_PARAMETERISED = re.compile(
    rf"{_GAP}({_MIME_WORD}(?:/{_MIME_WORD})?)((?:{_GAP};{_GAP}{_NAME}={_VALUE})*){_GAP};?{_GAP}"
)


def mailboxes(value: str) -> list[tuple[str, str]] | None:
    """The (display name, address) pairs of a plain address header, or None."""
    if _MAILBOX_LIST.fullmatch(value) is None:
        return None
    found = []
    for mailbox in _MAILBOX.finditer(value):
        name = mailbox["name"] or ""
        if name.startswith('"'):
            name = name[1:-1]
        found.append((name, mailbox["angled"] or mailbox["bare"]))
    return found


def parameterised(value: str) -> tuple[str, dict[str, str]] | None:
    """A plain Content-Type or Content-Disposition: its value in lower case (a type, say
    ``text/plain``, or a disposition) and its parameters by lower-case name, or None."""
    whole = _PARAMETERISED.fullmatch(value)
    if whole is None:
        return None
    params = {}
    for name, given in _PARAMETER.findall(whole[2]):
        if name.lower() in params:
            return None  # said twice: which counts is the modern parser's call
        params[name.lower()] = given[1:-1] if given.startswith('"') else given
    return whole[1].lower(), params
