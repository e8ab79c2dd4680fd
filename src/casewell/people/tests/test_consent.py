"""Who may act for a person, their permission form, and whether permission is held."""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from casewell.offices.models import AuditEntry
from casewell.offices.tenancy import bind_office
from casewell.people import consent
from casewell.people.consent import (
    normalise_national_insurance_number,
    permission_form_pdf,
    permission_status,
)
from casewell.people.models import PermissionForm, ThirdPartyAuthority


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("ab 12 34 56 c", "AB123456C"), ("AB123456C", "AB123456C"), ("ce-12-34-56-d", "CE123456D")],
)
def test_a_national_insurance_number_is_stored_compactly(typed, stored):
    assert normalise_national_insurance_number(typed) == stored


@pytest.mark.parametrize(
    ("typed", "names"),
    [
        ("", "Enter a National Insurance number"),
        ("AB 12 34 56", "is too short"),
        ("AB 12 34 56 C 1", "is too long"),
        ("AB 12 34 5X C", "must have 6 numbers"),
        ("A1 12 34 56 C", "must start with 2 letters"),
        ("AB 12 34 56 E", "must end with A, B, C or D"),
        ("QQ 12 34 56 C", "no National Insurance number starts with QQ"),
        ("GB 12 34 56 A", "no National Insurance number starts with GB"),
        ("AO 12 34 56 A", "no National Insurance number starts with AO"),
        ("AB.12.34.56.C", "has characters"),
    ],
)
def test_a_bad_national_insurance_number_is_refused_with_the_problem_named(typed, names):
    with pytest.raises(ValidationError) as caught:
        normalise_national_insurance_number(typed)
    assert names in caught.value.messages[0]


def test_someone_may_act_for_a_person_until_their_authority_expires(cast, harriet):
    authority = consent.add_authority(
        cast.ada,
        harriet,
        name="Tom Walsh",
        relationship="family",
        scope="named",
        scope_detail="Her housing case",
        phone="07811 222333",
        starts_on=date(2026, 1, 1),
        expires_on=date(2026, 12, 31),
    )
    assert authority.phone == "+447811222333"
    assert authority.is_in_force(date(2026, 6, 1))
    assert not authority.is_in_force(date(2027, 1, 1))
    assert not authority.is_in_force(date(2025, 12, 31))
    consent.end_authority(cast.ada, authority)
    with bind_office(cast.north):
        assert not ThirdPartyAuthority.objects.get(pk=authority.pk).is_in_force(date(2026, 6, 1))


def test_a_bad_authority_is_refused_with_each_problem_named(cast, harriet):
    with pytest.raises(ValidationError) as caught:
        consent.add_authority(
            cast.ada,
            harriet,
            name="",
            relationship="stranger",
            scope="named",
            email="nope",
            phone="12",
            starts_on=date(2026, 5, 1),
            expires_on=date(2026, 4, 1),
            acting_person=harriet,
        )
    assert set(caught.value.message_dict) == {
        "name",
        "relationship",
        "scope_detail",
        "email",
        "phone",
        "expires_on",
        "acting_person",
    }


def test_cleo_cannot_record_authority_for_a_north_person(cast, harriet):
    with pytest.raises(PermissionDenied):
        consent.add_authority(cast.cleo, harriet, name="X", relationship="friend")


def _form(cast, person, **fields):
    fields.setdefault("full_name", "Harriet Walsh")
    fields.setdefault("agencies", "Home Office\nDepartment for Work and Pensions")
    return consent.record_permission_form(cast.ada, person, **fields)


@time_machine.travel(date(2026, 3, 3), tick=False)
def test_a_signed_form_gives_permission_for_twelve_months_unless_it_says_otherwise(cast, harriet):
    with bind_office(cast.north):
        assert permission_status(harriet).state == "missing"
        assert permission_status(harriet).label == "missing"
    form = _form(cast, harriet, signed_on=date(2026, 3, 3), national_insurance_number="ab123456c")
    assert form.valid_until == date(2027, 3, 3)
    assert form.agency_list == ["Home Office", "Department for Work and Pensions"]
    with bind_office(cast.north):
        status = permission_status(harriet)
        assert status.state == "held" and status.form == form
        assert status.label == "held until 3 March 2027"
        expired = permission_status(harriet, on=date(2027, 3, 4))
        assert expired.state == "expired" and expired.label == "expired on 3 March 2027"
        assert permission_status(harriet, on=date(2026, 3, 2)).state == "missing"
    short = _form(cast, harriet, signed_on=date(2026, 3, 1), valid_until=date(2026, 6, 30))
    assert short.valid_until == date(2026, 6, 30)
    with bind_office(cast.north):
        # The form lasting longest is the one shown.
        assert permission_status(harriet).form == form


@time_machine.travel(date(2026, 3, 3), tick=False)
def test_a_form_waiting_for_signature_or_withdrawn_gives_no_permission(cast, harriet):
    waiting = _form(cast, harriet)
    with bind_office(cast.north):
        status = permission_status(harriet)
        assert status.state == "missing" and status.awaiting_signature
        assert status.label == "missing (a form is waiting for signature)"
    consent.mark_permission_form_signed(cast.ada, waiting, signed_on=date(2026, 3, 2))
    with bind_office(cast.north):
        assert permission_status(harriet).label == "held until 2 March 2027"
    consent.withdraw_permission_form(cast.ada, waiting)
    with bind_office(cast.north):
        assert permission_status(harriet).state == "missing"
        # Before it was withdrawn, permission was held.
        assert permission_status(harriet, on=date(2026, 3, 2)).state == "held"


def test_the_national_insurance_number_is_kept_out_of_the_audit_trail(cast, harriet):
    _form(cast, harriet, national_insurance_number="AB 12 34 56 C")
    with bind_office(cast.north):
        entry = AuditEntry.objects.get(subject_type="people.PermissionForm")
        assert entry.changes["national_insurance_number"] == "(not recorded: sensitive)"
        assert "AB123456C" not in str(entry.changes)


def test_a_bad_permission_form_is_refused_with_each_problem_named(cast, harriet):
    with pytest.raises(ValidationError) as caught:
        consent.record_permission_form(
            cast.ada,
            harriet,
            full_name=" ",
            postcode="XX",
            national_insurance_number="12",
            agencies="  \n ",
            date_of_birth=date(1800, 1, 1),
            valid_until=date(2026, 1, 1),
        )
    assert set(caught.value.message_dict) == {
        "full_name",
        "postcode",
        "national_insurance_number",
        "agencies",
        "date_of_birth",
        "signed_on",
    }
    with pytest.raises(ValidationError) as caught:
        consent.record_permission_form(
            cast.ada,
            harriet,
            full_name="H",
            agencies="HMRC",
            signed_on=date(2026, 5, 1),
            valid_until=date(2026, 4, 1),
        )
    assert "valid_until" in caught.value.message_dict
    with bind_office(cast.north):
        assert not PermissionForm.objects.exists()


def test_the_printed_form_is_a_pdf_with_the_persons_details(cast, harriet):
    form = _form(
        cast,
        harriet,
        national_insurance_number="AB123456C",
        **{k: v for k, v in consent.permission_form_defaults(harriet).items() if k != "full_name"},
    )
    with bind_office(cast.north):
        pdf = permission_form_pdf(form)
    assert pdf.startswith(b"%PDF-")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Harriet Walsh" in text
    assert "AB 12 34 56 C" in text and "Home Office" in text and "LS1 4DY" in text
    assert "North Ridge constituency office" in text


def test_adding_months_keeps_the_day_or_takes_the_months_last(cast):
    assert consent.add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert consent.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert consent.add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)


def test_a_signed_scan_is_kept_encrypted_and_marks_the_form_signed(cast, harriet, data_folder):
    from casewell.files.services import read_bytes
    from casewell.files.testing import PDF_BYTES, pdf_upload

    form = _form(cast, harriet)
    with pytest.raises(ValidationError) as caught:
        consent.attach_signed_scan(cast.ada, form, pdf_upload("signed.pdf"))
    assert caught.value.message_dict == {"signed_on": ["Enter the date it was signed"]}
    consent.attach_signed_scan(cast.ada, form, pdf_upload("signed.pdf"), signed_on=date(2026, 3, 1))
    with bind_office(cast.north):
        form = PermissionForm.objects.get(pk=form.pk)
        assert form.signed_on == date(2026, 3, 1) and form.valid_until == date(2027, 3, 1)
        assert read_bytes(form.scan) == PDF_BYTES
    stored = list(data_folder.rglob("*"))
    assert stored and not any(PDF_BYTES in path.read_bytes() for path in stored if path.is_file())


def test_a_disguised_or_empty_scan_is_refused_with_the_files_reason(cast, harriet, data_folder):
    from casewell.files.testing import PROGRAM_BYTES, upload

    form = _form(cast, harriet, signed_on=date(2026, 3, 1))
    with pytest.raises(ValidationError) as caught:
        consent.attach_signed_scan(cast.ada, form, upload("signed.pdf", PROGRAM_BYTES))
    assert set(caught.value.message_dict) == {"scan"}
    with pytest.raises(ValidationError) as caught:
        consent.attach_signed_scan(cast.ada, form, upload("signed.pdf", b""))
    assert "empty" in caught.value.message_dict["scan"][0]
    with bind_office(cast.north):
        assert PermissionForm.objects.get(pk=form.pk).scan is None


@time_machine.travel(date(2026, 3, 3), tick=False)
def test_several_peoples_permission_in_one_query(cast, harriet):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from casewell.people.tests.conftest import add_person

    others = [add_person(cast.ada, first_name=f"P{n}", last_name="Jones") for n in range(3)]
    _form(cast, harriet, signed_on=date(2026, 3, 3))
    _form(cast, others[0], signed_on=date(2025, 1, 1))
    with bind_office(cast.north), CaptureQueriesContext(connection) as queries:
        statuses = consent.permission_statuses([harriet, *others])
    assert len(queries) == 1
    assert {pk: status.state for pk, status in statuses.items()} == {
        harriet.pk: "held",
        others[0].pk: "expired",
        others[1].pk: "missing",
        others[2].pk: "missing",
    }
    with bind_office(cast.north):
        assert statuses[harriet.pk] == permission_status(harriet)
        assert consent.permission_statuses([]) == {}
