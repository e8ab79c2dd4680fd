"""`casewell directory import`: the central directory loaded idempotently, with what changed."""

import json

import pytest

from casewell.cli import build_parser, main
from casewell.directory.importing import (
    SAMPLE,
    DirectoryFileProblem,
    import_central_directory,
)
from casewell.directory.models import CentralContact, CentralOrganisation, Organisation
from casewell.directory.services import organisation_for_case, override_central_organisation
from casewell.offices.tenancy import bind_office

HEADER = "record,key,organisation_key,name,kind,role,email,phone,postcode\n"


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return (header + "\n".join(rows) + "\n").encode()


def test_the_sample_loads_every_row(db):
    report = import_central_directory(SAMPLE.read_bytes())
    assert not report.rejected and not report.updated and not report.unchanged
    assert CentralOrganisation.objects.count() == 13
    assert CentralContact.objects.count() == 5
    assert len(report.added) == 18
    hotline = CentralOrganisation.objects.get(key="dwp-mp-hotline")
    assert hotline.kind == "agency_mp_hotline" and hotline.phone == "+448081570192"
    council = CentralOrganisation.objects.get(key="northfield-council")
    assert council.postcode == "LS1 1UR"
    assert {contact.name for contact in council.contacts.all()} == {
        "Sarah Whitfield",
        "Members' enquiries team",
    }


def test_a_second_import_of_the_same_file_reports_everything_unchanged(db):
    import_central_directory(SAMPLE.read_bytes())
    again = import_central_directory(SAMPLE.read_bytes())
    assert again.added == [] and again.updated == {} and again.rejected == []
    assert len(again.unchanged) == 18
    assert CentralOrganisation.objects.count() == 13


def test_a_changed_row_is_reported_as_updated_with_the_fields_that_changed(db):
    import_central_directory(
        csv_bytes(
            "organisation,leeds-council,,Leeds City Council,council,,,0113 496 0000,LS1 1UR",
            "contact,housing-lead,leeds-council,Ann Lee,,Housing lead,ann@leeds.example,,",
        )
    )
    report = import_central_directory(
        csv_bytes(
            "organisation,leeds-council,,Leeds City Council,council,,"
            "help@leeds.example,0113 496 0001,ls11ur",
            "contact,housing-lead,leeds-council,Ann Lee,,Head of housing,ann@leeds.example,,",
        )
    )
    assert report.updated == {
        "organisation leeds-council": ["email", "phone"],
        "contact housing-lead": ["role"],
    }
    assert report.added == [] and report.unchanged == []
    council = CentralOrganisation.objects.get(key="leeds-council")
    assert council.phone == "+441134960001" and council.email == "help@leeds.example"


def test_an_update_reaches_offices_links_but_never_their_overrides(cast):
    import_central_directory(csv_bytes("organisation,hmrc,,HMRC MP hotline,agency_mp_hotline,,,,"))
    hmrc = CentralOrganisation.objects.get(key="hmrc")
    north_link = organisation_for_case(cast.ada, central_id=hmrc.pk)
    south_override = override_central_organisation(cast.cleo, hmrc)
    report = import_central_directory(
        csv_bytes("organisation,hmrc,,HMRC MP hotline,agency_mp_hotline,,,0808 157 0194,")
    )
    assert report.offices_links_updated == 1
    with bind_office(cast.north):
        assert Organisation.objects.get(pk=north_link.pk).phone == "+448081570194"
    with bind_office(cast.south):
        assert Organisation.objects.get(pk=south_override.pk).phone == ""


def test_bad_rows_are_rejected_with_their_line_numbers_and_the_good_rows_applied(db):
    report = import_central_directory(
        csv_bytes(
            "organisation,good-council,,Good Council,council,,,,",
            "organisation,bad-email,,Bad Email Trust,housing_association,,not-an-email,,",
            "organisation,bad-postcode,,Bad Postcode School,school,,,,SW1A 1A",
            "organisation,bad-phone,,Bad Phone Practice,gp_practice,,,12,",
            "organisation,bad-kind,,Somewhere,castle,,,,",
            "organisation,,,No Key Here,council,,,,",
            "organisation,good-council,,Good Council Again,council,,,,",
            "contact,orphan,no-such-org,Orphan Contact,,,,,",
            "contact,good-contact,good-council,Jo Good,,Clerk,,,",
            "person,x,,Someone,,,,,",
            "organisation,no-name,,,council,,,,",
        )
    )
    rejected = {row.line: row for row in report.rejected}
    assert sorted(rejected) == [3, 4, 5, 6, 7, 8, 9, 11, 12]
    assert "not-an-email is not an e-mail address" in rejected[3].reasons[0]
    assert rejected[4].reasons[0].startswith("postcode: SW1A 1A")
    assert rejected[5].reasons[0].startswith("phone: ")
    assert "“castle” is not a kind of organisation" in rejected[6].reasons[0]
    assert rejected[7].reasons == ["key: enter a key, such as dwp-mp-hotline"]
    assert rejected[8].reasons == ["key: “good-council” is already used on line 2"]
    assert "no organisation has the key “no-such-org”" in rejected[9].reasons[0]
    assert "record must be “organisation” or “contact”" in rejected[11].reasons[0]
    assert rejected[12].reasons == ["name: Enter the organisation’s name"]
    assert report.added == ["organisation good-council", "contact good-contact"]
    assert CentralOrganisation.objects.get(key="good-council").name == "Good Council"


def test_line_numbers_count_blank_lines_and_the_header(db):
    report = import_central_directory(
        csv_bytes("", "organisation,ok,,Okay Council,council,,,,", "", "organisation,,,X,council")
    )
    assert [row.line for row in report.rejected] == [5]


def test_a_row_with_several_problems_lists_them_all(db):
    report = import_central_directory(
        csv_bytes("organisation,two-problems,,Twice Wrong,council,,nope,,XX")
    )
    assert len(report.rejected[0].reasons) == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"record,key,name,colour\n", "Casewell does not know: colour"),
        (b"key,name\n", "missing the column(s) record"),
        (b"record,key,name,name\n", "names the column(s) name twice"),
        ("record,key,name\norganisation,caf\xe9,Caf\xe9\n".encode("latin-1"), "not UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not UTF-8"),
        (b"record,key,name\n\x00\x00\x00", "binary data"),
        (b'record,key,name\norganisation,"unclosed,x\n', "cannot be read as CSV"),
        (b'record,key,name\norganisation,"a"b,x\n', "Line 2 cannot be read as CSV"),
    ],
)
def test_an_unreadable_file_is_explained_and_nothing_is_imported(db, data, message):
    with pytest.raises(DirectoryFileProblem) as problem:
        import_central_directory(data)
    assert message in str(problem.value)
    assert not CentralOrganisation.objects.exists()


def test_a_spreadsheets_byte_order_mark_and_label_kinds_are_accepted(db):
    data = "\ufeffRecord,Key,Name,Kind\norganisation,ho,Home Office,Government department\n"
    report = import_central_directory(data.encode())
    assert report.added == ["organisation ho"]
    assert CentralOrganisation.objects.get(key="ho").kind == "government_department"


def test_the_command_reports_and_exits_1_when_a_row_is_rejected(db, tmp_path, capsys):
    path = tmp_path / "directory.csv"
    path.write_bytes(
        csv_bytes(
            "organisation,ok,,Okay Council,council,,,,",
            "organisation,bad,,Bad Council,council,,bad@,,",
        )
    )
    assert main(["directory", "import", str(path)]) == 1
    out, err = capsys.readouterr()
    assert "1 added, 0 updated, 0 unchanged, 1 rejected." in out
    assert "added      organisation ok" in out
    assert "rejected and NOT imported; every other row was imported" in err
    assert "line 3 (bad): email: bad@ is not an e-mail address" in err
    assert main(["directory", "import", str(path)]) == 1
    assert "0 added, 0 updated, 1 unchanged, 1 rejected." in capsys.readouterr().out


def test_the_command_prints_json_and_exits_0_when_every_row_is_good(db, capsys):
    assert main(["directory", "import", str(SAMPLE), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["counts"] == {"added": 18, "updated": 0, "unchanged": 0, "rejected": 0}
    assert main(["directory", "import", str(SAMPLE), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["counts"] == {"added": 0, "updated": 0, "unchanged": 18, "rejected": 0}


def test_the_command_explains_an_unreadable_file_without_a_traceback(db, tmp_path, capsys):
    missing = tmp_path / "nowhere.csv"
    assert main(["directory", "import", str(missing)]) == 2
    err = capsys.readouterr().err
    assert f"Nothing was imported from {missing}" in err and "Traceback" not in err
    wrong = tmp_path / "wrong.csv"
    wrong.write_bytes(b"name,address\nDWP,London\n")
    assert main(["directory", "import", str(wrong), "--json"]) == 2
    out, err = capsys.readouterr()
    assert json.loads(out)["imported"] is False
    assert "missing the column(s) record, key" in err


def test_the_help_documents_every_column():
    parser = build_parser()
    directory = parser._subparsers._group_actions[0].choices["directory"]
    importing = directory._subparsers._group_actions[0].choices["import"]
    text = importing.format_help()
    for column in ("record", "key", "organisation_key", "kind", "role", "postcode", "website"):
        assert column in text
    assert "agency_mp_hotline" in text and "exits with status 1" in text


def test_progress_is_reported_row_by_row_up_to_the_files_row_count(db):
    seen: list[tuple[int, int]] = []
    import_central_directory(
        SAMPLE.read_bytes(), progress=lambda done, total: seen.append((done, total))
    )
    assert seen[0] == (0, 18) and seen[-1] == (18, 18)
    assert [done for done, _total in seen] == sorted(done for done, _total in seen)


def test_a_folder_instead_of_a_file_is_explained(db, tmp_path, capsys):
    assert main(["directory", "import", str(tmp_path)]) == 2
    assert "cannot be read" in capsys.readouterr().err


def test_a_big_import_lists_the_first_entries_and_counts_the_rest(db, tmp_path, capsys):
    path = tmp_path / "schools.csv"
    path.write_bytes(
        csv_bytes(*(f"organisation,school-{n},,School {n},school,,,," for n in range(60)))
    )
    assert main(["directory", "import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "60 added" in out and "… and 10 more added (--json lists them all)" in out
    assert out.count("  added      organisation school-") == 50
