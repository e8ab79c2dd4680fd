"""Telling apart what someone wrote from their greeting, signature and quoted mail."""

from __future__ import annotations

from casewell.inbox.message_text import plain_text, signature_lines, split_body, words_of

REPLY = """Hi Ada,

Thanks for calling back. The council has now sent a surveyor.

Kind regards,
Margaret Thompson
14 Mill Lane, Leeds
LS6 2AB

On Mon, 30 Nov 2026 at 09:15, North Ridge office <casework@north.example> wrote:
> Dear Mrs Thompson,
> We have written to the council.
"""

OUTLOOK = """Please see below, my landlord has still not replied.

Priya Shah
07700 900123

________________________________
From: Priya Shah <priya@example.org>
Sent: 01 December 2026 10:02
To: casework@north.example
Subject: Repairs
"""


def test_a_reply_is_split_into_greeting_words_signature_and_quote():
    parts = split_body(REPLY)
    assert parts.greeting == "Hi Ada,"
    assert parts.words == "Thanks for calling back. The council has now sent a surveyor."
    assert parts.signature.splitlines() == ["Margaret Thompson", "14 Mill Lane, Leeds", "LS6 2AB"]
    assert parts.quoted.startswith("On Mon, 30 Nov 2026")
    assert "We have written" in parts.quoted


def test_an_outlook_quote_block_is_quoted_and_a_signature_without_sign_off_stays_in_words():
    parts = split_body(OUTLOOK)
    assert parts.quoted.startswith("________________________________")
    assert "landlord has still not replied" in parts.words
    assert parts.signature == ""
    # Where no sign-off marks it, the last lines written are where a name would be.
    assert signature_lines(parts)[-2:] == ["Priya Shah", "07700 900123"]


def test_the_standard_signature_line_starts_a_signature():
    parts = split_body("The bins were not collected again.\n-- \nJo Bloggs\nBD1 1AA")
    assert parts.words == "The bins were not collected again."
    assert parts.signature == "Jo Bloggs\nBD1 1AA"


def test_a_greeting_is_only_a_short_first_line():
    parts = split_body("Hello, my boiler is broken and the landlord will not fix it.\nThanks")
    assert parts.greeting == ""
    assert parts.words.startswith("Hello, my boiler")


def test_a_single_quoted_line_inside_the_text_is_kept():
    parts = split_body("He said\n> this is final\nbut I do not accept that.")
    assert "but I do not accept that" in parts.words
    assert parts.quoted == ""


def test_html_only_mail_is_read_without_its_tags():
    markup = "<p>Dear MP,</p><p>Please <b>support</b> the bill.</p><script>x()</script>"
    text = plain_text("", markup)
    assert "support" in text and "<b>" not in text and "x()" not in text


def test_words_are_lower_case_without_punctuation():
    assert words_of("Don’t close the LIBRARY! It's 2026.") == [
        "don't",
        "close",
        "the",
        "library",
        "it's",
        "2026",
    ]
