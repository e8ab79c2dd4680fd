"""Adding, viewing and changing a person on the pages, in the office's own words."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from casewell.offices.models import AccessLogEntry
from casewell.offices.tenancy import bind_office
from casewell.people import consent, merging, services
from casewell.people.models import Person, PersonMerge
from casewell.people.tests.conftest import add_person

NEW_PERSON = {
    "title": "Mr",
    "first_name": "Oluwaseun",
    "last_name": "Adeyemi",
    "date_of_birth": "27 3 1985",
    "address_line_1": "14 Chapel Street",
    "town": "Leeds",
    "postcode": "ls6 3ab",
    "phone": "07811 654 321",
    "phone_kind": "mobile",
    "email": "Seun@Example.org",
    "preferred_contact": "text",
    "language": "Yoruba",
    "needs_interpreter": "yes",
    "vulnerability_note": "Anxious about letters from the Home Office.",
}


def _page(response) -> str:
    return response.content.decode()


def test_adding_a_person_stores_their_details_normalised(cast, client_for):
    response = client_for(cast.ada).post("/people/add/", NEW_PERSON)
    assert response.status_code == 302
    with bind_office(cast.north):
        person = Person.objects.get(last_name="Adeyemi")
        assert (person.postcode, person.phone, person.email) == (
            "LS6 3AB",
            "+447811654321",
            "seun@example.org",
        )
        assert person.needs_interpreter and person.language == "Yoruba"
        assert person.date_of_birth.isoformat() == "1985-03-27"
    assert response["Location"] == f"/people/{person.pk}/"
    page = _page(client_for(cast.ada).get(response["Location"]))
    assert "Mr Oluwaseun Adeyemi" in page and "07811 654321" in page and "LS6 3AB" in page
    assert "Needs an interpreter" in page and "1 note recorded" in page
    assert "Anxious about letters" not in page  # notes only behind their own, logged page


def test_the_add_page_uses_the_offices_word(cast, client_for):
    assert "Add a constituent" in _page(client_for(cast.ada).get("/people/add/"))
    assert "Add a client" in _page(client_for(cast.cleo).get("/people/add/"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_name", "", "Enter a first name"),
        ("last_name", "", "Enter a last name"),
        ("postcode", "LS1 4D", "LS1 4D is missing the last letter"),
        ("postcode", "QA1 1AA", "no UK postcode starts with Q"),
        ("phone", "0770", "too short"),
        ("phone", "call me", "letters or symbols"),
        ("email", "seun.example.org", "is not an e-mail address"),
        ("date_of_birth", "31 2 1985", "Enter the date of birth as day, month and year"),
        ("address_line_1", "", "Enter the first line of the address"),
    ],
)
def test_bad_input_on_the_add_page_is_named_and_nothing_is_saved(
    cast, client_for, field, value, message
):
    response = client_for(cast.ada).post("/people/add/", {**NEW_PERSON, field: value})
    page = _page(response)
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert f'href="#id_{field}"' in page
    with bind_office(cast.north):
        assert not Person.objects.exists()


def test_likely_duplicates_are_shown_before_saving_and_the_caseworker_chooses(
    cast, client_for, harriet
):
    client = client_for(cast.ada)
    twin = {
        **NEW_PERSON,
        "first_name": "Hariet",
        "last_name": "Walsh",
        "postcode": "LS1 4DY",
        "email": "HARRIET.WALSH@example.org",
    }
    page = _page(client.post("/people/add/", twin))
    assert "Is this someone already on record?" in page
    assert "Same e-mail address and similar name and same postcode" in page
    assert f'href="/people/{harriet.pk}/"' in page and "Nothing has been saved yet" in page
    assert "Add as a new constituent" in page and 'name="confirmed_new"' in page
    with bind_office(cast.north):
        assert Person.objects.count() == 1
    response = client.post("/people/add/", {**twin, "confirmed_new": "on"})
    assert response.status_code == 302
    with bind_office(cast.north):
        assert Person.objects.filter(last_name="Walsh").count() == 2


def test_the_person_page_shows_every_section(cast, client_for, harriet):
    consent.add_authority(cast.ada, harriet, name="Tom Walsh", relationship="family")
    services.add_address(cast.ada, harriet, line_1="9 New Road", postcode="LS6 1AA")
    page = _page(client_for(cast.ivy).get(f"/people/{harriet.pk}/"))
    for text in (
        "Personal details",
        "Contact details",
        "Current address",
        "Other address",
        "Main phone (mobile)",
        "07811 123456",
        "Vulnerability notes",
        "Who may act for them",
        "Tom Walsh",
        "Family member",
        "Permission to act",
        "Missing",
        "Show vulnerability notes",
    ):
        assert text in page, text
    with bind_office(cast.north):
        assert not AccessLogEntry.objects.exists()


def test_opening_vulnerability_notes_is_logged_and_a_note_can_be_added(cast, client_for, harriet):
    client = client_for(cast.ivy)
    page = _page(client.get(f"/people/{harriet.pk}/vulnerability-notes/"))
    assert "Recently bereaved" in page and "access log" in page
    with bind_office(cast.north):
        entry = AccessLogEntry.objects.get()
        assert (entry.user, entry.subject_type, entry.channel) == (
            cast.ivy,
            "people.VulnerabilityNote",
            "page",
        )
    empty = client.post(f"/people/{harriet.pk}/vulnerability-notes/", {"text": " "})
    assert "Enter the note" in _page(empty)
    assert (
        client.post(
            f"/people/{harriet.pk}/vulnerability-notes/", {"text": "Uses a hearing loop."}
        ).status_code
        == 302
    )


def test_changing_a_persons_details(cast, client_for, harriet):
    client = client_for(cast.ada)
    page = _page(client.get(f"/people/{harriet.pk}/change/"))
    assert 'value="02 04 1961"' in page
    bad = client.post(
        f"/people/{harriet.pk}/change/",
        {"first_name": "", "last_name": "Walsh", "needs_interpreter": "yes"},
    )
    assert "Enter a first name" in _page(bad) and "Enter the language" in _page(bad)
    good = client.post(
        f"/people/{harriet.pk}/change/",
        {
            "title": "Dr",
            "first_name": "Harriet",
            "last_name": "Walsh-Jones",
            "language": "Welsh",
            "needs_interpreter": "no",
            "preferred_contact": "letter",
        },
    )
    assert good.status_code == 302
    with bind_office(cast.north):
        person = Person.objects.get(pk=harriet.pk)
        assert (person.title, person.last_name, person.preferred_contact) == (
            "Dr",
            "Walsh-Jones",
            "letter",
        )


def test_adding_and_removing_contact_details(cast, client_for, harriet):
    client = client_for(cast.ada)
    bad = client.post(
        f"/people/{harriet.pk}/addresses/add/",
        {"line_1": "2 Quay St", "postcode": "LS1 4DC", "make_current": "yes"},
    )
    assert "cannot end with C" in _page(bad)
    assert (
        client.post(
            f"/people/{harriet.pk}/addresses/add/",
            {"line_1": "2 Quay St", "postcode": "ls15ab", "make_current": "yes"},
        ).status_code
        == 302
    )
    bad = client.post(f"/people/{harriet.pk}/phones/add/", {"number": "12", "kind": "home"})
    assert "There is a problem" in _page(bad)
    assert (
        client.post(
            f"/people/{harriet.pk}/phones/add/",
            {"number": "0113 496 0000", "kind": "home", "make_main": "no"},
        ).status_code
        == 302
    )
    bad = client.post(f"/people/{harriet.pk}/emails/add/", {"address": "nope"})
    assert "nope is not an e-mail address" in _page(bad)
    assert (
        client.post(f"/people/{harriet.pk}/emails/add/", {"address": "h@example.org"}).status_code
        == 302
    )
    with bind_office(cast.north):
        person = Person.objects.get(pk=harriet.pk)
        assert person.postcode == "LS1 5AB"
        home = person.phone_numbers.get(number="+441134960000")
        old = person.addresses.get(postcode="LS1 4DY")
        extra = person.email_addresses.get(address="h@example.org")
    assert client.get(f"/people/phones/{home.pk}/make-main/").status_code == 405
    client.post(f"/people/phones/{home.pk}/make-main/")
    client.post(f"/people/addresses/{old.pk}/make-current/")
    client.post(f"/people/emails/{extra.pk}/remove/")
    with bind_office(cast.north):
        person = Person.objects.get(pk=harriet.pk)
        assert (person.phone, person.postcode) == ("+441134960000", "LS1 4DY")
        assert person.email_addresses.count() == 1


def test_recording_who_may_act_for_them(cast, client_for, harriet):
    client = client_for(cast.ada)
    bad = client.post(
        f"/people/{harriet.pk}/acting-for/add/",
        {
            "name": "",
            "relationship": "",
            "scope": "named",
            "email": "x",
            "starts_on": "1 5 2026",
            "expires_on": "1 4 2026",
        },
    )
    page = _page(bad)
    for message in (
        "Enter the name of the person who may act for them",
        "Choose their relationship",
        "Describe the matters",
    ):
        assert message in page, message
    good = client.post(
        f"/people/{harriet.pk}/acting-for/add/",
        {"name": "Tom Walsh", "relationship": "carer", "scope": "all"},
    )
    assert good.status_code == 302
    with bind_office(cast.north):
        authority = harriet.authorities.get()
    client.post(f"/people/acting-for/{authority.pk}/end/")
    with bind_office(cast.north):
        authority.refresh_from_db()
        assert authority.ended_at is not None


def test_a_permission_form_is_recorded_printed_signed_and_withdrawn(cast, client_for, harriet):
    client = client_for(cast.ada)
    page = _page(client.get(f"/people/{harriet.pk}/permission/add/"))
    assert 'value="Ms Harriet Walsh"' in page and "1 Park Row" in page  # filled in from the record
    bad = client.post(
        f"/people/{harriet.pk}/permission/add/",
        {
            "full_name": "Harriet Walsh",
            "national_insurance_number": "QQ123456C",
            "agencies": "",
            "postcode": "nonsense",
        },
    )
    page = _page(bad)
    assert "no National Insurance number starts with QQ" in page
    assert "Name at least one agency" in page and "There is a problem" in page
    response = client.post(
        f"/people/{harriet.pk}/permission/add/",
        {
            "full_name": "Harriet Walsh",
            "national_insurance_number": "ab123456c",
            "agencies": "Home Office\nHMRC",
        },
    )
    assert response.status_code == 302
    with bind_office(cast.north):
        form = harriet.permission_forms.get()
    page = _page(client.get(response["Location"]))
    assert "AB 12 34 56 C" in page and "missing (a form is waiting for signature)" in page
    with bind_office(cast.north):
        logged = AccessLogEntry.objects.filter(subject_type="people.PermissionForm")
        assert logged.count() == 1  # the full form, National Insurance number and all, is sensitive
    pdf = client.post(f"/people/permission/{form.pk}/print/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert client.get(f"/people/permission/{form.pk}/print/").status_code == 405
    future = (timezone.localdate() + timedelta(days=2)).strftime("%d %m %Y")
    bad = client.post(f"/people/permission/{form.pk}/", {"signed_on": future})
    assert "must be today or in the past" in _page(bad)
    client.post(
        f"/people/permission/{form.pk}/", {"signed_on": timezone.localdate().strftime("%d/%m/%Y")}
    )
    assert "Held" in _page(client.get(f"/people/{harriet.pk}/"))
    client.post(f"/people/permission/{form.pk}/withdraw/")
    with bind_office(cast.north):
        assert consent.permission_status(harriet).state == "missing"


def test_the_possible_duplicates_page_gives_reasons(cast, client_for, harriet):
    twin = add_person(cast.ada, first_name="Harriet", last_name="Walsh", phone="07811 123456")
    page = _page(client_for(cast.ada).get(f"/people/{harriet.pk}/possible-duplicates/"))
    assert f'href="/people/{twin.pk}/"' in page and "Same phone number" in page
    assert "Merge" not in page  # Ada is not a manager
    page = _page(client_for(cast.ben).get(f"/people/{harriet.pk}/possible-duplicates/"))
    assert f"/people/{harriet.pk}/merge/?with={twin.pk}" in page


def test_a_manager_merges_after_comparing_and_can_undo(cast, client_for, harriet):
    twin = add_person(cast.ada, first_name="Hattie", last_name="Walsh", phone="07811 123456")
    client = client_for(cast.ben)
    assert "Hattie Walsh" in _page(client.get(f"/people/{harriet.pk}/merge/"))
    page = _page(client.get(f"/people/{harriet.pk}/merge/", {"with": twin.pk}))
    assert "Check before merging" in page and "Kept: Ms Harriet Walsh" in page
    assert "Merged into it: Hattie Walsh" in page
    same = _page(client.post(f"/people/{harriet.pk}/merge/", {"with": harriet.pk}))
    assert "Choose two different records" in same
    assert client.post(f"/people/{harriet.pk}/merge/", {"with": twin.pk}).status_code == 302
    page = _page(client.get(f"/people/{twin.pk}/"))
    assert "This record was merged into" in page
    with bind_office(cast.north):
        merge = PersonMerge.objects.get()
    assert "Undo this merge" in _page(client.get(f"/people/{harriet.pk}/"))
    assert "Undo the merge" in _page(client.get(f"/people/merges/{merge.pk}/undo/"))
    assert client.post(f"/people/merges/{merge.pk}/undo/").status_code == 302
    with bind_office(cast.north):
        assert Person.objects.get(pk=twin.pk).merged_into_id is None


def test_an_old_merge_cannot_be_undone_and_the_page_says_why(cast, client_for, harriet):
    twin = add_person(cast.ada, first_name="Hattie", last_name="Walsh")
    merge = merging.merge_people(cast.ben, kept=harriet, merged=twin)
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        client = client_for(cast.ben)
        page = _page(client.get(f"/people/merges/{merge.pk}/undo/"))
        assert "This merge cannot be undone" in page and "within 30 days" in page
        assert "Undo the merge</button>" not in page
        refused = _page(client.post(f"/people/merges/{merge.pk}/undo/"))
        assert "within 30 days" in refused
    with bind_office(cast.north):
        assert Person.objects.get(pk=twin.pk).merged_into_id == harriet.pk


def test_only_managers_may_open_the_merge_pages(cast, client_for, harriet):
    twin = add_person(cast.ada, first_name="Hattie", last_name="Walsh")
    merge = merging.merge_people(cast.ben, kept=harriet, merged=add_person(cast.ada))
    for user in (cast.ada, cast.ivy, cast.mo):
        client = client_for(user)
        assert client.get(f"/people/{harriet.pk}/merge/").status_code == 403
        assert client.post(f"/people/{harriet.pk}/merge/", {"with": twin.pk}).status_code == 403
        assert client.get(f"/people/merges/{merge.pk}/undo/").status_code == 403
        assert client.post(f"/people/merges/{merge.pk}/undo/").status_code == 403
    with bind_office(cast.north):
        assert Person.objects.get(pk=twin.pk).merged_into_id is None


def test_cleo_gets_404_on_every_people_page_with_norths_ids(cast, client_for, harriet):
    services.add_address(cast.ada, harriet, line_1="2 Quay St", postcode="LS1 5AB")
    authority = consent.add_authority(cast.ada, harriet, name="Tom Walsh", relationship="carer")
    form = consent.record_permission_form(cast.ada, harriet, full_name="H W", agencies="HMRC")
    merge = merging.merge_people(cast.ben, kept=harriet, merged=add_person(cast.ada))
    with bind_office(cast.north):
        address = harriet.addresses.first()
        phone = harriet.phone_numbers.first()
        email = harriet.email_addresses.first()
    person = harriet.pk
    urls = [
        f"/people/{person}/",
        f"/people/{person}/change/",
        f"/people/{person}/addresses/add/",
        f"/people/{person}/phones/add/",
        f"/people/{person}/emails/add/",
        f"/people/{person}/vulnerability-notes/",
        f"/people/{person}/acting-for/add/",
        f"/people/{person}/permission/add/",
        f"/people/{person}/possible-duplicates/",
        f"/people/{person}/merge/",
        f"/people/addresses/{address.pk}/make-current/",
        f"/people/addresses/{address.pk}/remove/",
        f"/people/phones/{phone.pk}/make-main/",
        f"/people/phones/{phone.pk}/remove/",
        f"/people/emails/{email.pk}/make-main/",
        f"/people/emails/{email.pk}/remove/",
        f"/people/acting-for/{authority.pk}/end/",
        f"/people/permission/{form.pk}/",
        f"/people/permission/{form.pk}/print/",
        f"/people/permission/{form.pk}/withdraw/",
        f"/people/permission/{form.pk}/upload-scan/",
        f"/people/permission/{form.pk}/scan/",
        f"/people/merges/{merge.pk}/undo/",
    ]
    cleo = client_for(cast.cleo)
    for url in urls:
        for method in ("get", "post"):
            status = getattr(cleo, method)(url).status_code
            assert status in (404, 405), f"{method} {url} answered {status}"
            if method == "post":
                assert status == 404, url
    with bind_office(cast.north):
        assert not AccessLogEntry.objects.filter(user=cast.cleo).exists()


def test_uploading_and_downloading_the_signed_scan(cast, client_for, harriet, settings, tmp_path):
    from casewell.files.testing import PDF_BYTES, PROGRAM_BYTES, pdf_upload, upload

    settings.DATA_DIR = tmp_path
    form = consent.record_permission_form(cast.ada, harriet, full_name="H W", agencies="HMRC")
    client = client_for(cast.ada)
    url = f"/people/permission/{form.pk}/upload-scan/"
    assert client.get(url).status_code == 405
    page = _page(
        client.post(url, {"scan": upload("scan.pdf", PROGRAM_BYTES), "signed_on": "1 3 2026"})
    )
    assert "There is a problem" in page and 'href="#id_scan"' in page
    page = _page(client.post(url, {"signed_on": "1 3 2026"}))
    assert "Choose the scan of the signed form" in page
    response = client.post(url, {"scan": pdf_upload("scan.pdf"), "signed_on": "1 3 2026"})
    assert response.status_code == 302
    assert "Download the signed form" in _page(client.get(f"/people/permission/{form.pk}/"))
    download = client.post(f"/people/permission/{form.pk}/scan/")
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert 'filename="signed-permission-form-' in download["Content-Disposition"]
    assert client_for(cast.cleo).post(f"/people/permission/{form.pk}/scan/").status_code == 404


def test_the_person_page_costs_the_same_queries_however_much_is_recorded(cast, client_for, harriet):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        client = client_for(cast.ada)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/people/{harriet.pk}/").status_code == 200
        return len(queries)

    few = count()
    for number in range(4):
        services.add_address(cast.ada, harriet, line_1=f"{number} Lane", postcode="LS2 7AA")
        services.add_phone(cast.ada, harriet, number=f"07811 12345{number}")
        services.add_email(cast.ada, harriet, address=f"h{number}@example.org")
        consent.add_authority(cast.ada, harriet, name=f"Helper {number}", relationship="friend")
        consent.record_permission_form(cast.ada, harriet, full_name="H W", agencies="HMRC")
    assert count() == few
