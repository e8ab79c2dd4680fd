"""Turning a text part's bytes into text when its label is wrong or missing.

Senders label text with a character set it is not in (UTF-8 sent as "iso-8859-1",
Cyrillic sent with no label at all) or one Python does not know. The order: valid
UTF-8 is UTF-8 whatever the label says (the commonest mislabelling); otherwise the
label, if it decodes cleanly; otherwise charset-normalizer's best guess.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

# What browsers (and so senders' expectations) read these labels as.
# ("us-ascii" is left as it is: 8-bit text labelled ASCII has no real label, and is guessed.)
WEB_ALIASES = {
    "iso-8859-1": "windows-1252",
    "latin-1": "windows-1252",
    "latin1": "windows-1252",
    "iso-8859-9": "windows-1254",
    "tis-620": "cp874",
    "ks_c_5601-1987": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-sjis": "shift_jis",
}


SHORTEST_GUESS = 24
# Mail text is never in these without saying so; guessing them turns bytes into nonsense.
WIDE_ENCODINGS = ["utf_16", "utf_16_be", "utf_16_le", "utf_32", "utf_32_be", "utf_32_le"]


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = WEB_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_unlabelled(data: bytes) -> tuple[str, str]:
    """Text of bytes whose character set is unknown, and the character set chosen."""
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Too little text to guess from: Windows-1252 is the likeliest and never fails.
    if len(data) < SHORTEST_GUESS:
        return data.decode("windows-1252", "replace"), "windows-1252"
    best = from_bytes(data[:65536], cp_exclusion=WIDE_ENCODINGS).best()
    if best is not None:
        try:
            return data.decode(best.encoding), best.encoding
        except (UnicodeDecodeError, LookupError):
            pass
    return data.decode("windows-1252", "replace"), "windows-1252"


def decode_text(data: bytes, label: str | None) -> tuple[str, str]:
    """The text of a part, and a note for a person ("" when the label was right)."""
    if data.isascii():
        if b"\x1b$" in data or b"\x1b(" in data:
            # 7-bit Japanese (ISO-2022-JP) escapes look like ASCII.
            try:
                return data.decode("iso2022_jp_ext"), "" if label else (
                    "Text without a character set label was read as iso-2022-jp."
                )
            except UnicodeDecodeError:
                pass
        return data.decode("ascii"), ""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        codec = _codec(label)
        if codec in (None, "utf-8", "utf_8"):
            return text, ""
        return text, f"Text labelled {label} was in UTF-8 and has been read as UTF-8."
    codec = _codec(label)
    if codec is not None and codec not in ("utf-8", "utf_8"):
        try:
            return data.decode(codec), ""
        except UnicodeDecodeError:
            pass
    text, chosen = decode_unlabelled(data)
    if label:
        return text, f"Text labelled {label} was not in that character set; read as {chosen}."
    return text, f"Text without a character set label was read as {chosen}."
