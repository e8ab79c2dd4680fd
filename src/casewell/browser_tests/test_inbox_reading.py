"""Reading a message with the keyboard alone: its HTML in a titled, sandboxed frame, pictures
from the internet shown only when asked; the page passes axe."""

from __future__ import annotations

import pytest

from casewell.browser_tests.pages import CasewellPage, Visitor, tab_to
from casewell.inbox.models import Message
from casewell.inbox.services import read_raw_message, receive_raw
from casewell.offices.tenancy import bind_office

pytestmark = pytest.mark.browser


class MessagePage(CasewellPage):
    def verify(self) -> None:
        super().verify()
        assert self.heading == "Boiler broken", self.heading


def test_a_caseworker_reads_a_message_and_asks_for_its_pictures_by_keyboard(cast, signed_in):
    raw = receive_raw(
        cast.north,
        b"From: Harriet Walsh <harriet.walsh@example.org>\r\nSubject: Boiler broken\r\n"
        b"Message-ID: <boiler@example.org>\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n\r\n"
        b'<p>No heat since Monday.</p><img src="https://pictures.example/boiler.png" alt="boiler">'
        b"<script>alert(1)</script>\r\n",
        door="smtp",
    )
    read_raw_message(raw.pk)
    with bind_office(cast.north):
        message = Message.objects.get(raw=raw)

    ada: Visitor = signed_in(cast.ada)
    page = ada.open(f"/inbox/messages/{message.pk}/", MessagePage)
    frame = page.page.locator("iframe")
    assert frame.get_attribute("title") == "Message from Harriet Walsh: Boiler broken"
    assert frame.get_attribute("sandbox") == ""
    text = page.page.frame_locator("iframe").locator("body")
    assert "No heat since Monday." in text.inner_text()
    assert text.locator("img[src]").count() == 0 and text.locator("script").count() == 0

    tab_to(page.page, text="Show images from the internet")
    after = ada.follow(lambda: page.page.keyboard.press("Enter"), MessagePage)
    assert after.page.locator("iframe").get_attribute("src").endswith("?images=1")
    shown = after.page.frame_locator("iframe").locator("img")
    assert shown.get_attribute("src") == "https://pictures.example/boiler.png"
    ada.assert_every_page_was_checked()
