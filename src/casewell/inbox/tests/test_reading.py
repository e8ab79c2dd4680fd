"""Reading a message: its page, its HTML in a sandboxed frame, attachments and who may see them."""

from __future__ import annotations

import base64

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casewell.cases.models import Category
from casewell.cases.services import open_case, restrict_case
from casewell.files.testing import PDF_BYTES
from casewell.inbox import services as inbox_services
from casewell.inbox.models import Message
from casewell.offices.models import AccessLogEntry
from casewell.offices.tenancy import bind_office
from casewell.people.models import Person
from casewell.safety.handlers import route_contact_to

# A 1x1 PNG, inline in the HTML by its Content-ID.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)

HOSTILE_HTML = (
    '<p onclick="steal()">Dear office, <b>the damp</b> is back.</p>'
    "<script>steal()</script>"
    '<img src="https://tracker.example/pixel.png" alt="tracker">'
    '<img src="cid:damp-photo@example.org" alt="damp photo">'
    '<a href="javascript:steal()">click</a>'
    '<form action="https://evil.example/"><input name="x"></form>'
)


def _mail(html: str = HOSTILE_HTML, *, subject: str = "Damp again") -> bytes:
    png = base64.encodebytes(PNG)
    pdf = base64.encodebytes(PDF_BYTES)
    return (
        f"From: Harriet Walsh <harriet.walsh@example.org>\r\n"
        f"To: Casework <casework@northridge.example>\r\nCc: Tom <tom@example.org>\r\n"
        f"Subject: {subject}\r\nMessage-ID: <{subject.replace(' ', '.')}@example.org>\r\n"
        "Date: Tue, 1 Dec 2026 09:30:00 +0000\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=OUT\r\n\r\n"
        "--OUT\r\nContent-Type: multipart/related; boundary=REL\r\n\r\n"
        "--REL\r\nContent-Type: multipart/alternative; boundary=ALT\r\n\r\n"
        "--ALT\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDear office, the damp is back.\r\n"
        f"--ALT\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n--ALT--\r\n"
        "--REL\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
        "Content-ID: <damp-photo@example.org>\r\nContent-Disposition: inline; filename=photo.png"
        f"\r\n\r\n{png.decode()}\r\n--REL--\r\n"
        "--OUT\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
        "Content-Disposition: attachment; filename=landlord-letter.pdf\r\n\r\n"
        f"{pdf.decode()}\r\n--OUT--\r\n"
    ).encode()


def _received(cast, raw: bytes) -> Message:
    stored = inbox_services.receive_raw(cast.north, raw, door="smtp")
    inbox_services.read_raw_message(stored.pk)
    with bind_office(cast.north):
        return Message.objects.get(raw=stored)


@pytest.fixture
def harriet(cast):
    with bind_office(cast.north, actor=cast.ada):
        return Person.objects.create(
            first_name="Harriet", last_name="Walsh", email="harriet.walsh@example.org"
        )


@pytest.fixture
def message(cast, harriet):
    received = _received(cast, _mail())
    with bind_office(cast.north):
        Message.objects.filter(pk=received.pk).update(person=harriet)
        return Message.objects.get(pk=received.pk)


def _page(client, message, **query):
    return client.get(reverse("inbox:message", kwargs={"message_id": message.pk}), query)


def _frame(client, message, **query):
    return client.get(reverse("inbox:message_html", kwargs={"message_id": message.pk}), query)


def test_page_shows_headers_person_text_and_attachments(cast, client_for, message):
    response = _page(client_for(cast.ada), message)
    assert response.status_code == 200
    page = response.content.decode()
    for shown in ("Damp again", "Harriet Walsh &lt;harriet.walsh@example.org&gt;",
                  "casework@northridge.example", "tom@example.org", "1 December 2026",
                  "Dear office, the damp is back.", "landlord-letter.pdf", "PDF"):
        assert shown in page
    # The frame, sandboxed with nothing allowed, titled for screen readers.
    assert "<iframe" in page and " sandbox\n" in page
    assert 'title="Message from Harriet Walsh: Damp again"' in page
    assert "Show images from the internet" in page
    assert "frame-src 'self'" in response["Content-Security-Policy"]


def test_frame_is_sanitised_and_blocks_remote_images(cast, client_for, message):
    response = _frame(client_for(cast.ada), message)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<b>the damp</b>" in html
    for gone in ("<script", "steal()", "onclick", "tracker.example", "javascript:", "<form",
                 "evil.example"):
        assert gone not in html
    # The inline picture comes from the message's own attachment.
    assert 'src="data:image/png;base64,' in html
    assert response["Content-Security-Policy"] == (
        "default-src 'none'; img-src data:; form-action 'none'; base-uri 'none'; "
        "frame-ancestors 'self'; sandbox"
    )
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_asking_for_images_allows_https_pictures_for_that_view_only(cast, client_for, message):
    client = client_for(cast.ada)
    response = _frame(client, message, images="1")
    assert 'src="https://tracker.example/pixel.png"' in response.content.decode()
    assert response["Content-Security-Policy"] == (
        "default-src 'none'; img-src data: https:; form-action 'none'; base-uri 'none'; "
        "frame-ancestors 'self'; sandbox"
    )
    assert "?images=1" in _page(client, message, images="1").content.decode()
    # Not remembered: the next view blocks them again.
    assert "tracker.example" not in _frame(client, message).content.decode()


def test_no_pictures_at_all_means_img_src_none(cast, client_for):
    plain = _received(cast, _mail("<p>Just words</p>", subject="Words only"))
    response = _frame(client_for(cast.ada), plain)
    assert "img-src data:" in response["Content-Security-Policy"]  # the inline photo part
    with bind_office(cast.north):
        plain.attachments.filter(is_inline=True).update(content_id="")
    response = _frame(client_for(cast.ada), plain)
    assert "img-src 'none';" in response["Content-Security-Policy"]
    page = _page(client_for(cast.ada), plain).content.decode()
    assert "Show images from the internet" not in page


def test_attachment_downloads_after_the_check(cast, client_for, message):
    with bind_office(cast.north):
        attachment = message.attachments.get(filename="landlord-letter.pdf")
    url = reverse("inbox:message_attachment",
                  kwargs={"message_id": message.pk, "messageattachment_id": attachment.pk})
    response = client_for(cast.ada).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert "attachment" in response["Content-Disposition"]
    # Another office, and another message's id with this attachment: 404.
    assert client_for(cast.cleo).get(url).status_code == 404
    other = _received(cast, _mail(subject="Other letter"))
    wrong = reverse("inbox:message_attachment",
                    kwargs={"message_id": other.pk, "messageattachment_id": attachment.pk})
    assert client_for(cast.ada).get(wrong).status_code == 404


def test_another_office_gets_404_everywhere(cast, client_for, message):
    client = client_for(cast.cleo)
    assert _page(client, message).status_code == 404
    assert _frame(client, message).status_code == 404
    assert client.get("/inbox/messages/not-a-number/").status_code == 404


def test_message_on_a_restricted_case_is_404_to_others_and_its_reading_is_logged(
    cast, client_for, message, harriet
):
    with bind_office(cast.north):
        category = Category.objects.filter(parent=None).order_by("position", "id").first()
    case = open_case(cast.ada, summary="Private matter", category=category, people=[harriet])
    with bind_office(cast.north):
        Message.objects.filter(pk=message.pk).update(case=case)
    assert _page(client_for(cast.mo), message).status_code == 200
    with bind_office(cast.north):
        assert not AccessLogEntry.objects.filter(subject_type="inbox.Message").exists()
    restrict_case(cast.ben, case, [cast.ada])
    assert _page(client_for(cast.mo), message).status_code == 404
    assert _frame(client_for(cast.mo), message).status_code == 404
    assert _page(client_for(cast.ada), message).status_code == 200
    with bind_office(cast.north):
        logged = AccessLogEntry.objects.get(subject_type="inbox.Message")
    assert (logged.user, logged.subject_id) == (cast.ada, str(message.pk))


def test_routed_person_shows_only_handled_by_to_others(cast, client_for, message, harriet):
    route_contact_to(cast.ben, harriet, handler_id=cast.wes.pk, reason="Threatened Ada")
    response = _page(client_for(cast.ada), message)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Handled by Wes Brown" in page
    for hidden in ("Dear office", "landlord-letter.pdf", "<iframe"):
        assert hidden not in page
    assert _frame(client_for(cast.ada), message).status_code == 403
    with bind_office(cast.north):
        attachment = message.attachments.get(filename="landlord-letter.pdf")
    url = reverse("inbox:message_attachment",
                  kwargs={"message_id": message.pk, "messageattachment_id": attachment.pk})
    assert client_for(cast.ada).get(url).status_code == 403
    # The handler and managers read it all.
    for reader in (cast.wes, cast.ben):
        assert "Dear office" in _page(client_for(reader), message).content.decode()
        assert _frame(client_for(reader), message).status_code == 200


def test_the_senders_safety_marker_is_shown_and_said_on_the_reading_page(
    cast, client_for, message, harriet
):
    from datetime import timedelta

    from django.utils import timezone

    from casewell.safety.markers import add_safety_marker

    assert "casewell-safety-marker" not in _page(client_for(cast.ada), message).content.decode()
    add_safety_marker(cast.ben, harriet, kind="do_not_visit_alone", note="",
                      review_on=timezone.localdate() + timedelta(days=30))  # fmt: skip
    page = _page(client_for(cast.ada), message).content.decode()
    assert "casewell-safety-marker" in page and "Safety marker: </span>Do not visit alone" in page


# Mid-morning: near the end of the working day every page also offers to put the day down.
@time_machine.travel("2026-11-24 10:00 +0000")
def test_queries_do_not_grow_with_attachments(cast, client_for, message):
    client = client_for(cast.ada)
    _page(client, message)
    with CaptureQueriesContext(connection) as one:
        _page(client, message)
    many = _received(cast, _mail(subject="Many files").replace(
        b"--OUT--", b"--OUT\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64"
        b"\r\nContent-Disposition: attachment; filename=second.pdf\r\n\r\n"
        + base64.encodebytes(PDF_BYTES) + b"\r\n--OUT--"))
    with bind_office(cast.north):
        assert many.attachments.count() == 3
    with CaptureQueriesContext(connection) as more:
        _page(client, many)
    assert len(more) == len(one)
    # Leaving out PostgreSQL's binding of the office to each transaction (row-level security).
    reads = [q for q in one.captured_queries if "casewell.office_id" not in q["sql"]
             and not q["sql"].startswith(("SAVEPOINT", "RELEASE", "ROLLBACK"))]
    # 16: wellbeing adds three: whether the message is flagged (its content warning), its
    # distress level (the reader's exposure) and the reader's break nudge (every page);
    # safety one, the sender's markers; notifications one, the unread count (every page).
    assert len(reads) <= 16, "\n".join(q["sql"][:150] for q in reads)


def test_an_intern_reads_only_what_is_assigned_to_them_or_on_a_case_they_may_see(
    cast, client_for, message
):
    from casewell.inbox import triage

    ivy = client_for(cast.ivy)
    assert _page(ivy, message).status_code == 404
    assert _frame(ivy, message).status_code == 404
    triage.assign(cast.ben, message, cast.ivy)
    page = _page(ivy, message)
    assert page.status_code == 200 and _frame(ivy, message).status_code == 200
    # Answering and campaigns are not offered to an intern (their pages would refuse).
    assert "Mark as campaign" not in page.content.decode()
    assert "Mark as campaign" in _page(client_for(cast.ada), message).content.decode()
