"""Content warnings wherever flagged text appears (inbox list and reading page, case
timeline and case page, one entry, person page), each person's reading preference,
the office's phrases page, and flagging by hand from the pages."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casewell.offices.models import AuditEntry
from casewell.offices.tenancy import bind_office
from casewell.people.documents import add_document
from casewell.people.models import Person
from casewell.timeline.services import add_note
from casewell.wellbeing import services as wellbeing
from casewell.wellbeing.models import DistressAssessment, OfficePhrase
from casewell.wellbeing.tests.conftest import receive

PLAN = "I have decided to end my life on Friday."
WARNING = "Contains: suicide"


def _warned(html: str, secret: str) -> bool:
    """The secret text is on the page only inside a closed content warning, after the warning."""
    found = re.search(
        r'<details class="govuk-details casewell-content-warning"[^>]*>\s*<summary[^>]*>(.*?)'
        r"</summary>(.*?)</details>",
        html,
        re.S,
    )
    if not found or WARNING not in found.group(1) or secret not in found.group(2):
        return False
    outside = html[: found.start()] + html[found.end() :]
    return secret not in outside


@pytest.fixture
def ada(cast, client_for):
    return client_for(cast.ada)


@pytest.fixture
def flagged_message(cast):
    return receive(cast.north, subject="Please read this", body=PLAN)


def test_the_inbox_list_keeps_a_flagged_subject_behind_a_warning(cast, ada):
    receive(cast.north, subject="I want to die", body="Nothing else.")
    receive(cast.north, subject="Bins not collected", body="Again.")
    html = ada.get(reverse("inbox:triage")).content.decode()
    assert _warned(html, "I want to die")
    assert "Bins not collected" in html


def test_the_inbox_list_costs_the_same_queries_however_many_are_flagged(cast, ada):
    receive(cast.north, subject="I want to die", body=".")
    ada.get(reverse("inbox:triage"))

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            ada.get(reverse("inbox:triage"))
        return len(captured)

    few = count()
    for number in range(4):
        receive(cast.north, subject=f"I want to die {number}", body=".")
    assert count() == few


def test_the_reading_page_warns_before_the_message(cast, ada, flagged_message):
    html = ada.get(reverse("inbox:message", args=[flagged_message.pk])).content.decode()
    assert _warned(html, PLAN)
    assert "Please read this" not in html.split("<details")[0]
    assert "Flag or unflag as distressing" in html


def test_the_case_timeline_warns_before_a_flagged_note(cast, ada, case):
    add_note(cast.ada, case, PLAN)
    add_note(cast.ada, case, "Called the landlord about the boiler.")
    html = ada.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert _warned(html, PLAN)
    assert "Called the landlord about the boiler." in html
    timeline = ada.get(reverse("timeline:case", args=[case.pk])).content.decode()
    assert _warned(timeline, PLAN)


def test_one_entry_page_warns_before_the_note(cast, ada, case):
    entry = add_note(cast.ada, case, PLAN)
    html = ada.get(reverse("timeline:entry", args=[entry.pk])).content.decode()
    assert _warned(html, PLAN)


def test_the_person_page_warns_before_a_flagged_document(cast, ada):
    with bind_office(cast.north, actor=cast.ada):
        person = Person.objects.create(first_name="Harriet", last_name="Walsh")
    upload = SimpleUploadedFile("note.txt", b"Statement", content_type="text/plain")
    add_document(cast.ada, person, upload, description="Her suicide note, brought in by her son")
    html = ada.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert _warned(html, "brought in by her son")


def test_someone_who_chose_to_see_content_gets_no_warning(cast, ada, flagged_message):
    wellbeing.set_reading_preference(cast.ada, "show")
    html = ada.get(reverse("inbox:message", args=[flagged_message.pk])).content.decode()
    assert "casewell-content-warning" not in html
    assert PLAN in html


def test_someone_warned_for_some_categories_is_warned_only_for_those(cast, ada, case):
    wellbeing.set_reading_preference(cast.ada, "some", ["bereavement"])
    add_note(cast.ada, case, PLAN)
    add_note(cast.ada, case, "Her husband passed away last week.")
    html = ada.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Contains: bereavement" in html
    assert "Contains: suicide" not in html


def test_the_reading_preferences_page_saves_a_choice(cast, ada):
    page = ada.get(reverse("wellbeing:reading_preferences"))
    assert "Always warn me" in page.content.decode()
    response = ada.post(
        reverse("wellbeing:reading_preferences"), {"choice": "some", "categories": ["abuse"]}
    )
    assert response.status_code == 302
    preference = wellbeing.preference_for(cast.ada)
    assert (preference.choice, preference.categories) == ("some", ["abuse"])


def test_warn_for_some_without_a_category_is_refused_the_govuk_way(cast, ada):
    response = ada.post(reverse("wellbeing:reading_preferences"), {"choice": "some"})
    html = response.content.decode()
    assert "There is a problem" in html and "Choose at least one kind of content" in html
    assert wellbeing.preference_for(cast.ada).choice == "always"


def test_a_manager_adds_an_office_phrase_and_a_caseworker_may_not(cast, client_for):
    ben = client_for(cast.ben)
    data = {"category": "abuse", "phrase": "Plugging", "severity": "3"}
    assert ben.post(reverse("wellbeing:office_phrases"), data).status_code == 302
    with bind_office(cast.north):
        assert list(OfficePhrase.objects.values_list("phrase", "severity")) == [("plugging", 3)]
    assert client_for(cast.ada).post(reverse("wellbeing:office_phrases"), data).status_code == 403
    page = client_for(cast.ada).get(reverse("wellbeing:office_phrases")).content.decode()
    assert "plugging" in page and "Ask a manager" in page


def test_flagging_from_the_page_needs_a_reason_and_records_it(cast, ada, case):
    entry = add_note(cast.ada, case, "We talked about the quarry.")
    url = reverse("wellbeing:flag", args=["timeline", entry.pk])
    refused = ada.post(url, {"action": "flag", "categories": ["bereavement"], "reason": ""})
    assert refused.status_code == 200 and "Say why" in refused.content.decode()
    done = ada.post(
        url,
        {"action": "flag", "categories": ["bereavement"], "reason": "Her son died there",
         "next": reverse("cases:detail", args=[case.pk])},
    )  # fmt: skip
    assert done.status_code == 302 and done["Location"] == reverse("cases:detail", args=[case.pk])
    assert wellbeing.warning_categories_for(cast.north.pk, "timeline", entry.pk) == ["bereavement"]
    with bind_office(cast.north):
        row = DistressAssessment.objects.get(kind="timeline", item_id=entry.pk)
        assert AuditEntry.objects.filter(subject_id=str(row.pk), actor=cast.ada).exists()


def test_unflagging_from_the_reading_page_form(cast, ada, flagged_message):
    prefix = f"flag-message-{flagged_message.pk}"
    response = ada.post(
        reverse("wellbeing:flag", args=["message", flagged_message.pk]),
        {"action": "unflag", "prefix": prefix, f"{prefix}-reason": "Read and dealt with"},
    )
    assert response.status_code == 302
    html = ada.get(reverse("inbox:message", args=[flagged_message.pk])).content.decode()
    assert "casewell-content-warning" not in html


def test_cleo_gets_404_for_norths_items_and_phrases(cast, client_for, case, flagged_message):
    cleo = client_for(cast.cleo)
    entry = add_note(cast.ada, case, PLAN)
    with bind_office(cast.north):
        phrase = OfficePhrase.objects.create(category="abuse", phrase="plugging", severity=3)
    for kind, item_id in (("timeline", entry.pk), ("message", flagged_message.pk)):
        url = reverse("wellbeing:flag", args=[kind, item_id])
        assert cleo.get(url).status_code == 404
        assert cleo.post(url, {"action": "unflag", "reason": "x"}).status_code == 404
    # Cleo manages South: North's phrase is simply not there for her.
    assert cleo.post(reverse("wellbeing:remove_office_phrase", args=[phrase.pk])).status_code == 404
    assert wellbeing.warning_categories_for(cast.north.pk, "timeline", entry.pk) == ["suicide"]


def test_an_unknown_kind_of_item_is_404(ada):
    assert ada.get(reverse("wellbeing:flag", args=["sandwich", 1])).status_code == 404
