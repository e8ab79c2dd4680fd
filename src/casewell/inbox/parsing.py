"""Reading a raw message: headers, text, attachments and what kind of message it is.

The standard library's ``email`` package does the parsing: the message's structure with
the fast ``compat32`` policy, and the headers Casewell reads for their words (From, To,
Cc, Sender, Subject, and each part's Content-Type and Content-Disposition, where RFC
2047 encoded words and RFC 2231 parameters live) with the modern policy's header
parser, once each. (The modern policy used for the whole message parses Content-Type
again every time it is asked, a dozen times a message, which made reading slow.) This
module repairs what senders get wrong (text in a character set other than the one
labelled, or none; 8-bit bytes in headers), unpacks Outlook's winmail.dat (TNEF),
summarises calendar invitations into the text, and recognises bounces and automatic
replies. It keeps no state and writes nothing: it gives a ParsedMessage or raises
Unreadable with a reason a person can act on.

Limits (settings, see the README): the message's size, how deeply parts nest, how many
parts there are and how long one header may be. Exceeding one is Unreadable naming it.
"""

from __future__ import annotations

import email
import hashlib
import html
import mimetypes
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email._policybase import Compat32
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser

from django.conf import settings

from casewell.inbox import decoding, plain_headers, summaries, tnef


class Unreadable(Exception):
    """The message cannot be read into a Message; the text says why, for a person."""


@dataclass
class ParsedAttachment:
    filename: str
    content_type: str
    data: bytes
    is_inline: bool = False
    content_id: str = ""


@dataclass
class ParsedMessage:
    message_id: str = ""
    fingerprint: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    from_address: str = ""
    from_name: str = ""
    to: list[dict[str, str]] = field(default_factory=list)
    cc: list[dict[str, str]] = field(default_factory=list)
    subject: str = ""
    sent_at: datetime | None = None
    text_body: str = ""
    html_body: str = ""
    kind: str = "message"
    bounced_message_id: str = ""
    attachments: list[ParsedAttachment] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_depth: int
    max_parts: int
    max_header_length: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_bytes=settings.MAIL_MAX_MB * 1024 * 1024,
            max_depth=settings.MAIL_MAX_DEPTH,
            max_parts=settings.MAIL_MAX_PARTS,
            max_header_length=settings.MAIL_MAX_HEADER_LENGTH,
        )


def describe(problem: BaseException) -> str:
    text = str(problem).strip()
    return f"{type(problem).__name__}: {text[:500]}" if text else type(problem).__name__


def reason_for_failure(problem: BaseException) -> str:
    """The quarantine reason for an unexpected failure while reading a message."""
    if isinstance(problem, RecursionError):
        return (
            "The message's parts are nested too deeply to read (the reader ran out of "
            "room while following them)."
        )
    return f"The message could not be read: {describe(problem)}. Its bytes are kept; retry it."


# --- Identifiers and addresses ---------------------------------------------------------

_ANGLED = re.compile(r"<([^<>\s]+)>")


def normalise_message_id(value: str | None) -> str:
    """``<ABC@host>`` -> ``abc@host``: brackets and spaces dropped, lower-cased, so copies
    rewritten by gateways (which sometimes change case) still match."""
    if not value:
        return ""
    found = _ANGLED.search(value)
    token = found.group(1) if found else value.strip().split()[0] if value.strip() else ""
    return clean_text(token).strip("<>").lower()[:998]


def message_ids(value: str | None) -> list[str]:
    """Every Message-ID in a References or In-Reply-To header, in order, each once."""
    if not value:
        return []
    found = _ANGLED.findall(value) or value.split()
    seen: list[str] = []
    for token in found:
        normal = normalise_message_id(f"<{token.strip('<>')}>")
        if normal and normal not in seen:
            seen.append(normal)
    return seen


_SURROGATES = re.compile("[\udc80-\udcff]")


def clean_text(text: str) -> str:
    """Text a database can hold: raw 8-bit bytes (kept by the parser as surrogates) decoded
    as UTF-8 or Windows-1252, NUL characters removed."""
    if _SURROGATES.search(text):
        data = text.encode("utf-8", "surrogateescape")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = decoding.decode_unlabelled(data)[0]
    text = text.replace("\x00", "")
    # Lone surrogates of any other kind cannot be stored either.
    return text.encode("utf-8", "replace").decode("utf-8") if _has_surrogates(text) else text


_ANY_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_surrogates(text: str) -> bool:
    return _ANY_SURROGATE.search(text) is not None


def _raw_header(message: Message, name: str) -> str | None:
    """A header's value as sent, decoded the old way (for when the modern parser fails)."""
    for key, value in message.raw_items() if hasattr(message, "raw_items") else []:
        if key.lower() == name.lower():
            raw = str(value)
            try:
                return str(make_header(decode_header(raw)))
            except Exception:  # noqa: BLE001 - a broken encoded word: keep it as it is
                return raw
    return None


def _source(message: Message, name: str) -> str | None:
    """The first ``name`` header's value as the parser kept it (undecoded), or None."""
    first = getattr(message, "_casewell_headers", None)
    if first is None:
        # Read into a table once: reading a message looks up some twenty headers of each
        # part. (Nothing here changes a part's headers once parsed.)
        first = {}
        for key, value in getattr(message, "_headers", []):
            first.setdefault(key.lower(), value if isinstance(value, str) else str(value))
        message._casewell_headers = first  # type: ignore[attr-defined]
    return first.get(name.lower())


_LINE_BREAKS = re.compile(r"\r\n|\r|\n")


def modern_header(message: Message, name: str) -> object | None:
    """The first ``name`` header parsed by the modern policy (decoded words, parameters,
    addresses), as ``policy.default`` would give it; None if absent. May raise on a
    header that policy cannot parse (the callers fall back to the old way)."""
    value = _source(message, name)
    if value is None:
        return None
    return policy.default.header_factory(name, _LINE_BREAKS.sub("", value))


def plain_header(message: Message, name: str) -> str:
    """A header's value as sent, unfolded, without decoding encoded words: for identifiers,
    dates and flags, which are ASCII (and parsing them the modern way is slow)."""
    value = _source(message, name)
    return "" if value is None else clean_text(" ".join(value.split()))


def header(message: Message, name: str) -> str:
    """A header's decoded value, "" if absent; never raises on a malformed header."""
    value = _source(message, name)
    if value is None:
        return ""
    if _SURROGATES.search(value):
        # Raw 8-bit text (no encoded words): the modern parser would replace it with
        # question marks; its bytes are read as text here instead.
        return clean_text(" ".join(value.split()))
    try:
        text = str(modern_header(message, name))
    except Exception:  # noqa: BLE001 - the modern parser's bugs must not lose the message
        text = _raw_header(message, name) or ""
    return clean_text(" ".join(text.split()))


def _address_pairs(message: Message, name: str) -> list[tuple[str, str]]:
    source = _source(message, name)
    if source is None:
        return []
    plain = plain_headers.mailboxes(_LINE_BREAKS.sub("", source))
    if plain is not None:
        return plain
    try:
        value = modern_header(message, name)
        if value is None:
            return []
        addresses = getattr(value, "addresses", None)
        if addresses is not None:
            return [(address.display_name, address.addr_spec) for address in addresses]
    except Exception:  # noqa: BLE001, S110 - fall back to the lenient old parser below
        pass
    raw = _raw_header(message, name) or ""
    return getaddresses([raw])


def addresses(message: Message, name: str) -> list[dict[str, str]]:
    found = []
    for display_name, address in _address_pairs(message, name):
        address = clean_text(address).strip().strip("<>").lower()[:254]
        if address or display_name:
            found.append({"name": clean_text(display_name).strip()[:300], "address": address})
    return found


def _sent_at(message: Message) -> datetime | None:
    raw = plain_header(message, "date")
    if not raw:
        return None
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    try:
        when.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return when


# --- Limits ------------------------------------------------------------------------------


def _check_limits(root: Message, limits: Limits) -> None:
    """Walk every part (without recursion) and refuse a message past a limit."""
    count = 0
    stack: list[tuple[Message, int]] = [(root, 1)]
    while stack:
        part, depth = stack.pop()
        count += 1
        if count > limits.max_parts:
            raise Unreadable(
                f"The message has more than {limits.max_parts} parts, the most Casewell reads "
                "(CASEWELL_MAIL_MAX_PARTS)."
            )
        if depth > limits.max_depth:
            raise Unreadable(
                f"The message's parts are nested more than {limits.max_depth} deep, the most "
                "Casewell reads (CASEWELL_MAIL_MAX_DEPTH)."
            )
        for name, value in part._headers:  # raw (name, value) pairs: no parsing needed
            if len(name) + len(value) > limits.max_header_length:
                raise Unreadable(
                    f"The message's {name[:60]} header is {len(name) + len(value)} characters "
                    f"long; the longest Casewell reads is {limits.max_header_length} "
                    "(CASEWELL_MAIL_MAX_HEADER_LENGTH)."
                )
        if part.is_multipart():
            payload = part.get_payload()
            if isinstance(payload, list):
                stack.extend((child, depth + 1) for child in payload if isinstance(child, Message))


# --- Bodies --------------------------------------------------------------------------------


class _TextOfHtml(HTMLParser):
    """The readable text of an HTML body, for messages sent without a plain-text part."""

    BREAKS = frozenset({"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in ("script", "style", "head", "title"):
            self.hidden += 1
        elif tag in self.BREAKS:
            self.pieces.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head", "title"):
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BREAKS:
            self.pieces.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.pieces.append(data)


def text_of_html(markup: str) -> str:
    reader = _TextOfHtml()
    try:
        reader.feed(markup)
        reader.close()
    except Exception:  # noqa: BLE001 - badly broken HTML: drop the tags crudely
        return html.unescape(re.sub(r"<[^>]*>", " ", markup)).strip()
    lines = (" ".join(line.split()) for line in "".join(reader.pieces).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


@dataclass
class _PartInfo:
    """A part's Content-Type and Content-Disposition, parsed once (parsing is the slow bit)."""

    content_type: str
    disposition: str
    params: dict[str, str]
    disposition_params: dict[str, str]


def _params(value: object) -> dict[str, str]:
    found = getattr(value, "params", None)
    if not found:
        return {}
    return {str(key).lower(): clean_text(str(item)) for key, item in dict(found).items()}


def _info(part: Message) -> _PartInfo:
    cached = getattr(part, "_casewell_info", None)
    if cached is not None:
        return cached
    content_type, params = _declared_type(part)
    disposition, disposition_params = _declared_disposition(part)
    info = _PartInfo(content_type, disposition, params, disposition_params)
    part._casewell_info = info  # type: ignore[attr-defined]
    return info


def _plainly(part: Message, name: str) -> tuple[str, dict[str, str]] | None:
    source = _source(part, name)
    return None if source is None else plain_headers.parameterised(_LINE_BREAKS.sub("", source))


def _declared_type(part: Message) -> tuple[str, dict[str, str]]:
    plain = _plainly(part, "content-type")
    if plain is not None and "/" in plain[0]:
        return plain
    try:
        declared = modern_header(part, "content-type")
        if declared is None:
            return part.get_default_type(), {}
        content_type = str(declared).split(";", 1)[0].strip().lower()
        if content_type.count("/") != 1:
            content_type = "text/plain"
        return content_type, _params(declared)
    except Exception:  # noqa: BLE001 - a malformed header: read the part as bytes
        return "application/octet-stream", {}


def _declared_disposition(part: Message) -> tuple[str, dict[str, str]]:
    plain = _plainly(part, "content-disposition")
    if plain is not None and "/" not in plain[0]:
        return plain
    try:
        placed = modern_header(part, "content-disposition")
        return str(placed or "").split(";", 1)[0].strip().lower(), _params(placed)
    except Exception:  # noqa: BLE001
        return "", {}


def _filename(part: Message, index: int, content_type: str) -> str:
    info = _info(part)
    name = info.disposition_params.get("filename") or info.params.get("name")
    if name:
        name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name:
        extension = mimetypes.guess_extension(content_type) or ".bin"
        name = f"attachment-{index}{extension}"
    return name[:255]


def _disposition(part: Message) -> str:
    return _info(part).disposition


def _content_type(part: Message) -> str:
    return _info(part).content_type


def _payload_bytes(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001 - broken transfer encoding: keep what is there
        data = None
    if isinstance(data, bytes):
        return data
    payload = part.get_payload()
    if isinstance(payload, str):
        return payload.encode("utf-8", "surrogateescape")
    return b""


def _charset(part: Message) -> str | None:
    return _info(part).params.get("charset") or None


@dataclass
class _Reading:
    """What the walk over the parts has gathered so far."""

    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    fallback_texts: list[str] = field(default_factory=list)
    fallback_htmls: list[str] = field(default_factory=list)
    summaries: list[str] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    delivery_actions: list[str] = field(default_factory=list)
    returned_message_ids: list[str] = field(default_factory=list)
    report_type: str = ""

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


def _read_text_part(part: Message, reading: _Reading) -> str:
    text, note = decoding.decode_text(_payload_bytes(part), _charset(part))
    if note:
        reading.note(note)
    return clean_text(text)


def _attach(reading: _Reading, part: Message, data: bytes, content_type: str) -> None:
    index = len(reading.attachments) + 1
    content_id = normalise_message_id(plain_header(part, "content-id"))
    disposition = _disposition(part)
    reading.attachments.append(
        ParsedAttachment(
            filename=_filename(part, index, content_type),
            content_type=content_type,
            data=data,
            is_inline=disposition == "inline" or (bool(content_id) and disposition != "attachment"),
            content_id=content_id,
        )
    )


DELIVERY_STATUS = ("message/delivery-status", "message/global-delivery-status")


def _walk(root: Message, reading: _Reading) -> None:
    """Gather text, HTML and attachments from every part, depth first, without recursion."""
    stack: list[Message] = [root]
    while stack:
        part = stack.pop()
        content_type = _content_type(part)
        if content_type == "multipart/report" and not reading.report_type:
            reading.report_type = _info(part).params.get("report-type", "").lower()
        if content_type == "message/rfc822" or content_type == "message/global":
            _read_enclosed_message(part, reading)
            continue
        if content_type in DELIVERY_STATUS:
            actions, summary = summaries.summarise_delivery_status(_payload_bytes_of_status(part))
            reading.delivery_actions.extend(actions)
            if summary:
                reading.summaries.append(clean_text(summary))
            continue
        if part.is_multipart():
            payload = part.get_payload()
            if isinstance(payload, list):
                stack.extend(reversed([child for child in payload if isinstance(child, Message)]))
            continue
        _read_leaf(part, content_type, reading)


def _read_leaf(part: Message, content_type: str, reading: _Reading) -> None:
    disposition = _disposition(part)
    info = _info(part)
    has_name = bool(info.params.get("name") or info.disposition_params.get("filename"))
    as_body = disposition != "attachment" and not (has_name and disposition == "inline")
    if content_type == "text/plain" and as_body:
        reading.texts.append(_read_text_part(part, reading))
    elif content_type == "text/html" and as_body:
        reading.htmls.append(_read_text_part(part, reading))
    elif content_type == "text/calendar":
        summary = summaries.summarise_calendar(_payload_bytes(part))
        if summary:
            reading.summaries.append(clean_text(summary))
        _attach(reading, part, _payload_bytes(part), content_type)
    elif content_type in ("text/rfc822-headers", "message/rfc822-headers"):
        enclosed = email.message_from_bytes(_payload_bytes(part), policy=STRUCTURE)
        original = normalise_message_id(plain_header(enclosed, "message-id"))
        if original:
            reading.returned_message_ids.append(original)
    elif content_type == "application/ms-tnef" or _filename(part, 0, content_type).lower() == (
        "winmail.dat"
    ):
        _read_tnef(part, reading)
    else:
        _attach(reading, part, _payload_bytes(part), content_type)


def _payload_bytes_of_status(part: Message) -> bytes:
    """A delivery-status part's text (the parser splits it into header blocks)."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return b"\n".join(
            block.as_bytes(policy=policy.compat32)
            for block in payload
            if isinstance(block, Message)
        )
    return _payload_bytes(part)


def _read_enclosed_message(part: Message, reading: _Reading) -> None:
    """A forwarded or returned message: kept whole as an .eml attachment."""
    payload = part.get_payload()
    enclosed = payload[0] if isinstance(payload, list) and payload else None
    if not isinstance(enclosed, Message):
        _attach(reading, part, _payload_bytes(part), "message/rfc822")
        return
    original = normalise_message_id(plain_header(enclosed, "message-id"))
    if original:
        reading.returned_message_ids.append(original)
    try:
        data = enclosed.as_bytes(policy=policy.compat32)
    except Exception:  # noqa: BLE001 - cannot be written back out: keep its text at least
        data = _payload_bytes(part)
    subject = header(enclosed, "subject")
    name = re.sub(r"[^\w\- ]+", "", subject)[:80].strip() or "message"
    index = len(reading.attachments) + 1
    reading.attachments.append(
        ParsedAttachment(
            filename=_filename(part, index, "message/rfc822")
            if _info(part).disposition_params.get("filename") or _info(part).params.get("name")
            else f"{name}.eml",
            content_type="message/rfc822",
            data=data,
        )
    )


def _read_tnef(part: Message, reading: _Reading) -> None:
    data = _payload_bytes(part)
    try:
        unpacked = tnef.unpack_tnef(data)
    except Exception as problem:  # noqa: BLE001 - keep the winmail.dat as it is
        reading.note(f"winmail.dat could not be unpacked ({describe(problem)}); kept as it is.")
        _attach(reading, part, data, "application/ms-tnef")
        return
    reading.note("Unpacked Outlook's winmail.dat.")
    for filename, content in unpacked.files:
        reading.attachments.append(
            ParsedAttachment(
                filename=filename,
                content_type=mimetypes.guess_type(filename)[0] or "application/octet-stream",
                data=content,
            )
        )
    # Outlook usually also sends the same text as a part of its own: used only without one.
    if unpacked.text:
        reading.fallback_texts.append(clean_text(unpacked.text))
    if unpacked.html:
        reading.fallback_htmls.append(clean_text(unpacked.html))


# --- Kinds -----------------------------------------------------------------------------

BOUNCE_MAILBOXES = frozenset(
    {"mailer-daemon", "mailerdaemon", "mail-daemon", "postmaster", "post_master", "mdaemon"}
)
BOUNCE_SUBJECTS = re.compile(
    r"undeliver|delivery (status )?notification|deliver\w* (has )?fail|failure notice|"
    r"returned mail|mail delivery|not (been )?delivered|mail system error|mail failure|"
    r"could not (be )?(sent|delivered)|non[- ]?delivery|delivery problem|bounce",
    re.IGNORECASE,
)
DELAY_SUBJECTS = re.compile(r"delay|still being retried|will retry", re.IGNORECASE)
AUTO_REPLY_PRECEDENCE = frozenset({"bulk", "auto_reply", "list", "junk"})
AUTO_REPLY_SUBJECTS = re.compile(
    r"^(automatic reply|auto[- ]?reply|autoreply|out of (the )?office( reply)?)\s*:",
    re.IGNORECASE,
)
_ORIGINAL_ID_IN_TEXT = re.compile(r"^\s*message-id:\s*(<[^>\s]+>)", re.IGNORECASE | re.MULTILINE)


def _from_a_mail_system(message: Message, parsed: ParsedMessage) -> bool:
    mailbox = parsed.from_address.partition("@")[0]
    name = parsed.from_name.lower()
    return (
        mailbox in BOUNCE_MAILBOXES
        or "mail delivery" in name
        or "mailer-daemon" in name
        or (bool(plain_header(message, "from")) and not parsed.from_address)
    )


def _kind(message: Message, parsed: ParsedMessage, reading: _Reading) -> str:
    """Bounces and delivery reports first (they are often also marked automatic), then
    automatic replies (RFC 3834 and the older signs), then a message from a person."""
    if reading.report_type in ("delivery-status", "global-delivery-status"):
        failed = any(action.startswith("failed") for action in reading.delivery_actions)
        if failed or not reading.delivery_actions:
            return "bounce"
        return "delivery_report"
    if reading.report_type in ("disposition-notification", "feedback-report"):
        return "delivery_report"
    auto_submitted = plain_header(message, "auto-submitted").lower()
    automatic = bool(auto_submitted) and auto_submitted != "no"
    if _from_a_mail_system(message, parsed) and (
        BOUNCE_SUBJECTS.search(parsed.subject)
        or reading.returned_message_ids
        or reading.delivery_actions
        or automatic
    ):
        if DELAY_SUBJECTS.search(parsed.subject):
            return "delivery_report"
        return "bounce"
    if automatic and BOUNCE_SUBJECTS.search(parsed.subject):
        return "bounce"
    if automatic:
        return "auto_reply"
    if plain_header(message, "x-autoreply") or plain_header(message, "x-autorespond"):
        return "auto_reply"
    if plain_header(message, "precedence").lower() in AUTO_REPLY_PRECEDENCE:
        return "auto_reply"
    if AUTO_REPLY_SUBJECTS.match(parsed.subject):
        return "auto_reply"
    return "message"


def _bounced_message_id(parsed: ParsedMessage, reading: _Reading) -> str:
    for found in reading.returned_message_ids:
        if found != parsed.message_id:
            return found
    # Bounces that quote the original headers in their text rather than a part of their own.
    for match in _ORIGINAL_ID_IN_TEXT.finditer(parsed.text_body):
        found = normalise_message_id(match.group(1))
        if found and found != parsed.message_id:
            return found
    return ""


# --- The whole message -------------------------------------------------------------------

_HEADER_END = re.compile(rb"\r?\n\r?\n")


def fingerprint(message: Message, raw: bytes) -> str:
    """What the sender wrote: From, Date, Subject and the body with line endings made
    alike. Servers on the way add Received headers (and may change CRLF to LF); this
    stays the same."""
    found = _HEADER_END.search(raw)
    body = raw[found.end() :] if found else b""
    body = body.replace(b"\r\n", b"\n").rstrip()
    digest = hashlib.sha256()
    for name in ("from", "date", "subject"):
        digest.update(plain_header(message, name).encode() + b"\x00")
    digest.update(body)
    return digest.hexdigest()


class _StructurePolicy(Compat32):
    """``compat32`` (fast: no header is parsed for its words), except that a header's value
    is unfolded when the parser asks for it, as the modern policy does, so a boundary
    folded in the middle (``boundary="----=_NextPart<CRLF> _000"``) still matches."""

    def header_fetch_parse(self, name: str, value: str) -> str:
        return super().header_fetch_parse(name, _LINE_BREAKS.sub("", value))


STRUCTURE = _StructurePolicy()
_BOM = b"\xef\xbb\xbf"
# Obsolete syntax (RFC 5322 section 4.5.3): spaces between a header's name and its colon.
_OBSOLETE_NAME = re.compile(rb"^([!-9;-~]+)[ \t]+:", re.MULTILINE)


def _message_from_bytes(raw: bytes) -> Message:
    raw = raw.removeprefix(_BOM)  # saved by a Windows editor
    message = email.message_from_bytes(raw, policy=STRUCTURE)
    if not message.keys() and _OBSOLETE_NAME.match(raw):
        found = _HEADER_END.search(raw)
        end = found.start() if found else len(raw)
        raw = _OBSOLETE_NAME.sub(rb"\1:", raw[:end]) + raw[end:]
        message = email.message_from_bytes(raw, policy=STRUCTURE)
    return message


def parse_message(raw: bytes, limits: Limits | None = None) -> ParsedMessage:
    """Read ``raw`` into a ParsedMessage, or raise Unreadable with the reason.

    Other exceptions (a bug in a library on a strange message) are the caller's to
    turn into a quarantine reason: see ``reason_for_failure``.
    """
    limits = limits or Limits.from_settings()
    if len(raw) > limits.max_bytes:
        raise Unreadable(
            f"The message is {len(raw) / 1024 / 1024:.1f} MB; the largest Casewell reads is "
            f"{limits.max_bytes // (1024 * 1024)} MB (CASEWELL_MAIL_MAX_MB)."
        )
    if not raw.strip():
        raise Unreadable("The message is empty.")
    message = _message_from_bytes(raw)
    _check_limits(message, limits)
    if not message.keys():
        raise Unreadable("This is not an e-mail: it has no headers.")

    parsed = ParsedMessage()
    parsed.message_id = normalise_message_id(plain_header(message, "message-id"))
    parsed.in_reply_to = normalise_message_id(plain_header(message, "in-reply-to"))
    parsed.references = message_ids(plain_header(message, "references"))
    senders = addresses(message, "from") or addresses(message, "sender")
    if senders:
        parsed.from_address = senders[0]["address"]
        parsed.from_name = senders[0]["name"]
    parsed.to = addresses(message, "to")
    parsed.cc = addresses(message, "cc")
    parsed.subject = header(message, "subject")
    parsed.sent_at = _sent_at(message)
    parsed.fingerprint = fingerprint(message, raw)

    reading = _Reading()
    _walk(message, reading)
    htmls = [piece for piece in reading.htmls if piece.strip()] or reading.fallback_htmls
    parsed.html_body = "\n".join(htmls)
    texts = [piece for piece in reading.texts if piece.strip()]
    if not texts and not parsed.html_body:
        texts = [piece for piece in reading.fallback_texts if piece.strip()]
    if not texts and parsed.html_body:
        texts = [text_of_html(parsed.html_body)]
    parsed.text_body = "\n\n".join([*texts, *reading.summaries]).strip()
    parsed.attachments = reading.attachments
    parsed.notes = reading.notes
    if message.defects:
        parsed.notes.append(
            "The message is not well formed ("
            + ", ".join(sorted({type(defect).__name__ for defect in message.defects}))
            + "); read as well as it could be."
        )
    parsed.kind = _kind(message, parsed, reading)
    if parsed.kind in ("bounce", "delivery_report"):
        parsed.bounced_message_id = _bounced_message_id(parsed, reading)
    return parsed
