"""The inbox triage lists and actions: what each view lists, who may act, and the refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from casewell.cases.models import Category
from casewell.cases.services import open_case
from casewell.inbox import triage
from casewell.inbox.models import Message, MessageState
from casewell.inbox.tests.placing_mail import stored_message
from casewell.offices.models import AuditEntry
from casewell.offices.tenancy import bind_office
from casewell.people.services import PersonDetails, create_person
from casewell.safety import handlers, markers

pytestmark = pytest.mark.django_db(transaction=True)


def fresh(message: Message) -> Message:
    with bind_office(message.office_id):
        return Message.objects.select_related("assignee", "case").get(pk=message.pk)


def a_case(cast):
    with bind_office(cast.north):
        category = Category.objects.filter(parent=None).first()
    return open_case(cast.ada, summary="Damp flat", category=category)


def listed(client, url: str) -> tuple[int, int, str]:
    """(rows listed, count in the heading, page text)."""
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    heading = text.split('<h1 class="govuk-heading-l">', 1)[1].split("</h1>", 1)[0]
    count = int(heading.split('class="casewell-count">(', 1)[1].split(")", 1)[0])
    return text.count("data-triage-row"), count, text


def test_each_view_lists_its_messages_newest_first_and_counts_what_it_lists(cast, client_for):
    now = timezone.now()
    older = stored_message(cast.north, subject="Older letter", created_at=now - timedelta(hours=2))
    newer = stored_message(cast.north, subject="Newer letter", created_at=now - timedelta(hours=1))
    mine = stored_message(cast.north, subject="For Ada")
    theirs = stored_message(cast.north, subject="For Mo")
    archived = stored_message(cast.north, subject="Old news")
    stored_message(cast.south, subject="South's letter")
    triage.assign(cast.ben, mine, cast.ada)
    triage.assign(cast.ben, theirs, cast.mo.pk)
    triage.archive(cast.ben, archived)

    client = client_for(cast.ada)
    rows, count, text = listed(client, reverse("inbox:triage"))
    assert (rows, count) == (2, 2)
    assert text.index("Newer letter") < text.index("Older letter")
    assert "South&#x27;s letter" not in text and "Old news" not in text
    rows, count, text = listed(client, reverse("inbox:mine"))
    assert (rows, count) == (1, 1) and "For Ada" in text
    rows, count, text = listed(client, reverse("inbox:assigned"))
    assert (rows, count) == (2, 2) and "For Mo" in text
    assert triage.view_counts(cast.ada) == {"triage": 2, "mine": 1, "assigned": 2}
    assert {older.pk, newer.pk} == {
        row.message.pk for row in triage.page_of_rows(cast.ada, "triage", 1).object_list
    }
    # The navigation's Inbox item counts what there is to triage.
    assert 'Inbox <span class="moj-badge">2<' in text


def test_lists_are_paged(cast):
    for number in range(3):
        stored_message(cast.north, subject=f"Letter {number}")
    first = triage.page_of_rows(cast.ada, "triage", 1, per_page=2)
    second = triage.page_of_rows(cast.ada, "triage", 2, per_page=2)
    assert len(first.object_list) == 2 and len(second.object_list) == 1
    assert first.paginator.count == triage.view_counts(cast.ada)["triage"] == 3


def test_assigning_moves_the_message_out_of_triage_and_is_audited(cast, client_for):
    message = stored_message(cast.north)
    client = client_for(cast.ada)
    response = client.post(
        reverse("inbox:assign", kwargs={"message_id": message.pk}), {"assignee": "me"}
    )
    assert response.status_code == 302
    message = fresh(message)
    assert message.state == MessageState.ASSIGNED and message.assignee == cast.ada
    with bind_office(cast.north):
        entry = AuditEntry.objects.filter(
            subject_type__icontains="message", subject_id=str(message.pk),
            action=AuditEntry.Action.CHANGED,
        ).latest("at")
    assert entry.actor == cast.ada and "assignee_id" in entry.changes


def test_assigning_to_another_offices_staff_or_nobody_is_refused_on_the_page(cast, client_for):
    message = stored_message(cast.north)
    with pytest.raises(ValidationError) as refused:
        triage.assign(cast.ada, message, cast.cleo.pk)
    assert "assignee" in refused.value.message_dict
    with pytest.raises(ValidationError):
        triage.assign(cast.ada, message, "")
    client = client_for(cast.ada)
    response = client.post(
        reverse("inbox:assign", kwargs={"message_id": message.pk}),
        {"assignee": str(cast.cleo.pk)}, follow=True,
    )
    text = response.content.decode()
    assert "govuk-error-summary" in text and "Choose a member of staff of this office" in text
    assert fresh(message).state == MessageState.TRIAGE


def test_archiving_keeps_the_message_but_lists_it_nowhere(cast, client_for):
    message = stored_message(cast.north)
    client = client_for(cast.ada)
    client.post(reverse("inbox:archive", kwargs={"message_id": message.pk}), {"view": "triage"})
    assert fresh(message).state == MessageState.ARCHIVED
    assert triage.view_counts(cast.ada) == {"triage": 0, "mine": 0, "assigned": 0}
    with pytest.raises(ValidationError):
        triage.archive(cast.ada, fresh(message))


def test_a_message_is_put_on_a_case_by_its_reference(cast, client_for):
    case = a_case(cast)
    message = stored_message(cast.north)
    client = client_for(cast.ada)
    client.post(
        reverse("inbox:link_to_case", kwargs={"message_id": message.pk}),
        {"reference": case.reference.lower()},
    )
    message = fresh(message)
    assert message.case == case and message.state == MessageState.ON_CASE


def test_an_unknown_or_other_offices_case_reference_is_refused(cast, client_for):
    with bind_office(cast.south):
        category = Category.objects.filter(parent=None).first()
    south_case = open_case(cast.cleo, summary="South's case", category=category)
    message = stored_message(cast.north)
    for reference in ("", "NR-1999-00001", south_case.reference):
        with pytest.raises(ValidationError) as refused:
            triage.link_to_case(cast.ada, message, reference)
        assert "reference" in refused.value.message_dict
    response = client_for(cast.ada).post(
        reverse("inbox:link_to_case", kwargs={"message_id": message.pk}),
        {"reference": south_case.reference}, follow=True,
    )
    assert f"No case {south_case.reference} was found" in response.content.decode()
    assert fresh(message).case_id is None


def test_another_offices_message_is_never_found_or_acted_on(cast, client_for):
    south = stored_message(cast.south)
    client = client_for(cast.ada)
    for name in ("inbox:assign", "inbox:archive", "inbox:link_to_case"):
        response = client.post(reverse(name, kwargs={"message_id": south.pk}), {"assignee": "me"})
        assert response.status_code == 404
    with pytest.raises(Http404):
        triage.get_message_for(cast.ada, south.pk)
    assert fresh(south).state == MessageState.TRIAGE


def test_interns_see_and_act_only_on_what_is_assigned_to_them(cast, client_for):
    theirs = stored_message(cast.north, subject="For Ivy")
    other = stored_message(cast.north, subject="Not for Ivy")
    triage.assign(cast.ben, theirs, cast.ivy)
    assert triage.view_counts(cast.ivy) == {"triage": 0, "mine": 1, "assigned": 1}
    with pytest.raises(Http404):
        triage.get_message_for(cast.ivy, other.pk)
    response = client_for(cast.ivy).post(
        reverse("inbox:archive", kwargs={"message_id": other.pk})
    )
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        triage.assign(cast.ivy, fresh(theirs), cast.ada)
    triage.archive(cast.ivy, fresh(theirs))
    assert fresh(theirs).state == MessageState.ARCHIVED


def test_markers_show_beside_the_sender_and_routed_contact_is_hidden_from_others(cast, client_for):
    person = create_person(cast.ada, PersonDetails(first_name="Dan", last_name="Rowe"))
    markers.add_safety_marker(
        cast.ben, person, kind="do_not_visit_alone", note="x",
        review_on=timezone.localdate() + timedelta(days=30),
    )
    handlers.route_contact_to(cast.ben, person, handler_id=cast.wes.pk, reason="Agreed plan")
    message = stored_message(cast.north, subject="Private matter")
    with bind_office(cast.north):
        Message.objects.filter(pk=message.pk).update(person=person)
    plain = stored_message(cast.north, subject="Bins not collected", sender="x@example.org")

    ada_page = client_for(cast.ada).get(reverse("inbox:triage")).content.decode()
    assert "Handled by Wes Brown" in ada_page and "Private matter" not in ada_page
    assert "Bins not collected" in ada_page and "Person: Dan Rowe" in ada_page
    assert ada_page.count("casewell-marker") == 1
    # Said in words, so a screen reader hears what the red tag means.
    assert "Safety marker: Do not visit alone" in ada_page
    for reader in (cast.wes, cast.ben):
        page = client_for(reader).get(reverse("inbox:triage")).content.decode()
        assert "Private matter" in page and "Handled by" not in page
    rows = {
        row.message.pk: row for row in triage.page_of_rows(cast.ada, "triage", 1).object_list
    }
    assert rows[message.pk].markers and rows[plain.pk].markers == []


def test_markers_and_handlers_cost_the_same_queries_however_long_the_page(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    person = create_person(cast.ada, PersonDetails(first_name="Dan", last_name="Rowe"))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            triage.page_of_rows(cast.ada, "triage", 1)
        return len(captured)

    def add_messages(count: int) -> None:
        for _ in range(count):
            message = stored_message(cast.north)
            with bind_office(cast.north):
                Message.objects.filter(pk=message.pk).update(person=person)

    add_messages(1)
    queries()  # the user's roles are read once and kept
    few = queries()
    add_messages(5)
    assert queries() == few


def test_only_signed_in_staff_see_the_inbox(client):
    response = client.get(reverse("inbox:triage"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_case_is_opened_from_a_message_with_the_suggestion_preselected(cast, client_for):
    person = create_person(cast.ada, PersonDetails(first_name="Dan", last_name="Rowe"))
    with bind_office(cast.north):
        category = Category.objects.filter(parent=None).first()
    message = stored_message(cast.north, subject="Damp in my flat")
    with bind_office(cast.north):
        Message.objects.filter(pk=message.pk).update(person=person, suggested_category=category)
    client = client_for(cast.ada)
    url = reverse("inbox:open_case", kwargs={"message_id": message.pk})
    form = client.get(url).content.decode()
    assert f'<option value="{category.pk}" selected>' in form
    assert 'id="include_person" name="include_person" type="checkbox" value="yes" checked' in form
    assert fresh(message).case_id is None  # nothing is opened until the user confirms

    response = client.post(
        url, {"summary": "Damp flat", "category": str(category.pk), "include_person": "yes"}
    )
    assert response.status_code == 302
    message = fresh(message)
    assert message.state == MessageState.ON_CASE
    with bind_office(cast.north):
        assert message.case.category_id == category.pk
        assert list(message.case.parties.values_list("person_id", flat=True)) == [person.pk]
    with pytest.raises(ValidationError):
        triage.open_case_from_message(
            cast.ada, message, summary="Again", category=category.pk, include_person=False
        )


def test_opening_a_case_without_summary_or_category_is_refused_naming_each_field(
    cast, client_for
):
    message = stored_message(cast.north, subject="")
    url = reverse("inbox:open_case", kwargs={"message_id": message.pk})
    response = client_for(cast.ada).post(url, {"summary": "", "category": ""})
    assert response.status_code == 400
    text = response.content.decode()
    assert "govuk-error-summary" in text
    assert 'href="#summary"' in text and 'href="#category"' in text
    assert fresh(message).case_id is None
    south = stored_message(cast.south)
    south_url = reverse("inbox:open_case", kwargs={"message_id": south.pk})
    assert client_for(cast.ada).get(south_url).status_code == 404


def test_the_keyboard_help_lists_every_single_key_and_a_way_to_turn_them_off(cast, client_for):
    stored_message(cast.north)
    page = client_for(cast.ada).get(reverse("inbox:triage")).content.decode()
    panel = page.split('id="inbox-shortcuts" data-casewell-shortcuts>', 1)[1]
    panel = panel.split("</details>", 1)[0]
    for key, action in (("j", "Next message"), ("k", "Previous message"),
                        ("o", "Open the message"), ("a", "Assign the message to me"),
                        ("e", "Archive the message"), ("?", "Show this list")):
        assert f"<kbd>{key}</kbd>" in panel and action in panel
    assert 'id="inbox-shortcuts-on"' in panel and "Use single-key shortcuts" in panel
    # Each control the keys use is marked for the script, once per listed message.
    rows = page.count("data-triage-row")
    assert rows == 1
    for marker in ("data-triage-open", "data-triage-assign", "data-triage-archive"):
        assert page.count(marker) == rows


def test_a_message_is_assigned_to_me_or_archived_from_its_own_page(cast, client_for):
    message = stored_message(cast.north)
    url = reverse("inbox:message", kwargs={"message_id": message.pk})
    client = client_for(cast.ada)
    page = client.get(url).content.decode()
    assert "Assign to me" in page and "data-triage-archive" in page
    response = client.post(
        reverse("inbox:assign", kwargs={"message_id": message.pk}),
        {"assignee": "me", "view": "message"},
    )
    assert response.status_code == 302 and response["Location"] == url
    assert fresh(message).assignee == cast.ada
    page = client.get(url).content.decode()
    assert "Message assigned." in page and "Assign to me" not in page
    response = client.post(
        reverse("inbox:archive", kwargs={"message_id": message.pk}), {"view": "triage"}
    )
    assert response["Location"] == reverse("inbox:triage")
    assert "data-triage-archive" not in client.get(url).content.decode()


def test_an_intern_is_not_offered_assigning_on_a_message_page(cast, client_for):
    message = stored_message(cast.north)
    triage.assign(cast.ben, message, cast.ivy)
    page = client_for(cast.ivy).get(
        reverse("inbox:message", kwargs={"message_id": message.pk})
    ).content.decode()
    assert "Assign to me" not in page and "data-triage-archive" in page
