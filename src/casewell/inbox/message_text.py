"""What a person wrote in a message, apart from what their mail program added.

Placing a message needs its parts told apart: the words of the message itself
(campaign grouping compares only these), the signature (where people put their
name, address and postcode) and what is quoted from earlier mail (never theirs).
These are heuristics for plain text; they err on the side of keeping text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

# Lines that start the quoted copy of an earlier message; everything after them is quoted.
_QUOTE_HEADERS = (
    re.compile(r"^\s*On\b.{0,200}\bwrote:\s*$", re.IGNORECASE),
    re.compile(r"^\s*Am\b.{0,200}\bschrieb.{0,80}:\s*$", re.IGNORECASE),
    re.compile(r"^\s*Le\b.{0,200}\ba écrit\s*:\s*$", re.IGNORECASE),
    re.compile(
        r"^\s*-{2,}\s*(Original Message|Forwarded message|Ursprüngliche Nachricht)\s*-{2,}"
        r"\s*$",
        re.IGNORECASE,
    ),
    re.compile(r"^\s*_{10,}\s*$"),  # Outlook's rule above the quoted header block
    re.compile(r"^\s*(From|Von|De):\s.+$", re.IGNORECASE),
    re.compile(r"^\s*Sent from my \w+", re.IGNORECASE),
)
# A quoted header block starts with From: only when Sent:/Date: and To:/Subject: follow.
_HEADER_FOLLOWERS = re.compile(r"^\s*(Sent|Date|To|Subject|Gesendet|Envoyé|Cc):", re.IGNORECASE)

_SIGN_OFF = re.compile(
    r"^\s*(kind(est)?\s+regards|best\s+regards|warm(est)?\s+regards|regards|many\s+thanks"
    r"|thanks(\s+(again|very\s+much|in\s+advance))?|thank\s+you(\s+(again|very\s+much))?"
    r"|yours(\s+(sincerely|faithfully|truly))?|sincerely|best(\s+wishes)?|all\s+the\s+best"
    r"|cheers|with\s+thanks|respectfully|ta)\s*[,.!]?\s*$",
    re.IGNORECASE,
)
_GREETING = re.compile(
    r"^\s*(dear|hi|hello|hey|good\s+(morning|afternoon|evening)|to\s+whom\s+it\s+may\s+concern)"
    r"\b[^.?!\n]{0,60}[,!:]?\s*$",
    re.IGNORECASE,
)
GREETING_MAX_WORDS = 6
MAX_CHARACTERS = 50_000
# How far from the end a sign-off may be and still start the signature.
SIGNATURE_MAX_LINES = 12

_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]+>", re.IGNORECASE | re.DOTALL)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|\d+")


@dataclass(frozen=True)
class BodyParts:
    greeting: str
    words: str  # what they wrote: no greeting, signature or quoted mail
    signature: str
    quoted: str


def plain_text(text_body: str, html_body: str = "") -> str:
    """The message as plain text: the text part, or the HTML part with its tags taken out;
    the start of a very long one (what it is about, who signed it, is not 50,000 characters
    down)."""
    text_body, html_body = text_body[:MAX_CHARACTERS], html_body[: MAX_CHARACTERS * 4]
    if text_body.strip():
        return text_body
    if not html_body:
        return ""
    without_tags = _TAG.sub("\n", re.sub(r"<br\s*/?>|</p\s*>", "\n", html_body, flags=re.I))
    return html.unescape(without_tags)


def _starts_quote(lines: list[str], index: int) -> bool:
    line = lines[index]
    if line.lstrip().startswith(">"):
        # A block of ">" lines is quoted; one stray ">" line inside their words is not.
        following = [text for text in lines[index + 1 : index + 3] if text.strip()]
        return not following or all(text.lstrip().startswith(">") for text in following)
    for pattern in _QUOTE_HEADERS:
        if pattern.match(line):
            if pattern.pattern.startswith(r"^\s*(From|Von|De)"):
                return any(_HEADER_FOLLOWERS.match(text) for text in lines[index + 1 : index + 4])
            return True
    return False


def split_body(text: str) -> BodyParts:
    """Greeting, their words, signature and quoted mail of a plain-text body."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    quoted: list[str] = []
    for index in range(len(lines)):
        if _starts_quote(lines, index):
            quoted = lines[index:]
            lines = lines[:index]
            break
    signature: list[str] = []
    # "-- " is the standard signature line; a sign-off near the end starts one too.
    for index, line in enumerate(lines):
        if line.rstrip() in ("--", "-- "):
            signature = lines[index + 1 :]
            lines = lines[:index]
            break
    else:
        written = [index for index, line in enumerate(lines) if line.strip()]
        for index in reversed(written[-SIGNATURE_MAX_LINES:]):
            if _SIGN_OFF.match(lines[index]):
                signature = lines[index + 1 :]
                lines = lines[:index]
                break
    greeting = ""
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        if _GREETING.match(line) and len(line.split()) <= GREETING_MAX_WORDS:
            greeting = line.strip()
            lines = lines[index + 1 :]
        break
    return BodyParts(
        greeting=greeting,
        words="\n".join(lines).strip(),
        signature="\n".join(signature).strip(),
        quoted="\n".join(quoted).strip(),
    )


def words_of(text: str) -> list[str]:
    """The words of ``text`` in lower case, punctuation gone ("Don't!" -> ["don't"])."""
    return [word.replace("’", "'") for word in _WORD.findall(text.casefold())]


def signature_lines(parts: BodyParts, *, fallback_lines: int = 8) -> list[str]:
    """Lines where a name and address would be: the signature, else the last lines written."""
    source = parts.signature or "\n".join(parts.words.split("\n")[-fallback_lines:])
    return [line.strip() for line in source.split("\n") if line.strip()]
