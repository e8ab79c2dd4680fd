"""``casewell import-mail``: files, folders and mbox files, a JSON summary, nothing twice."""

from __future__ import annotations

import json

from casewell.cli import main
from casewell.inbox.models import Message
from casewell.inbox.tests.mail import simple
from casewell.offices.tenancy import bind_office


def mail_folder(tmp_path):  # noqa: ANN001, ANN201
    folder = tmp_path / "export"
    (folder / "2026" / "november").mkdir(parents=True)
    (folder / "one.eml").write_bytes(simple(subject="First letter"))
    (folder / "2026" / "november" / "two.eml").write_bytes(simple(subject="Second letter"))
    (folder / "2026" / "scan.pdf").write_bytes(b"%PDF-1.4 not mail")
    (folder / ".hidden.eml").write_bytes(simple(subject="Hidden"))
    box = b"".join(
        b"From someone@example.net Mon Nov 30 09:15:00 2026\n"
        + simple(subject=f"Boxed {number}").replace(b"\r\n", b"\n") + b"\n"
        for number in range(3)
    )
    (folder / "archive.mbox").write_bytes(box)
    return folder


def test_import_mail_reads_folders_and_mbox_files_and_keeps_nothing_twice(
    cast, tmp_path, capsys
):
    folder = mail_folder(tmp_path)

    assert main(["import-mail", str(folder), "--office", "NR", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert (first["read"], first["stored"], first["duplicates"], first["quarantined"]) == (
        6, 5, 0, 1
    )
    (item,) = first["quarantined_items"]
    assert item["source"].endswith("scan.pdf") and "no headers" in item["reason"]
    with bind_office(cast.north):
        subjects = set(Message.objects.values_list("subject", flat=True))
    assert subjects == {"First letter", "Second letter", "Boxed 0", "Boxed 1", "Boxed 2"}

    assert main(["import-mail", str(folder), "--office", str(cast.north.pk), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["read"], again["stored"], again["duplicates"], again["quarantined"]) == (
        6, 0, 6, 0
    )


def test_import_mail_says_what_it_did_in_words(cast, tmp_path, capsys):
    folder = mail_folder(tmp_path)
    assert main(["import-mail", str(folder / "one.eml"), "--office", cast.north.name]) == 0
    assert "Read 1 message: 1 stored" in capsys.readouterr().out


def test_import_mail_refuses_an_unknown_office_or_a_missing_path(cast, tmp_path, capsys):
    assert main(["import-mail", str(tmp_path), "--office", "Nowhere"]) == 1
    assert "No office is called 'Nowhere'" in capsys.readouterr().err
    assert main(["import-mail", str(tmp_path / "gone"), "--office", "NR"]) == 1
    assert "Nothing to import" in capsys.readouterr().err
