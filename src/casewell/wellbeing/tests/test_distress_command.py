"""``casewell distress`` reads lines or JSON lines and prints what it finds."""

from __future__ import annotations

import json
import subprocess
import sys

from casewell.cli import build_parser
from casewell.commands import distress
from casewell.offices.tenancy import bind_office
from casewell.wellbeing.models import OfficePhrase


def _run(argv, text):
    import io

    out = io.StringIO()
    status = distress.run(build_parser().parse_args(["distress", *argv]), io.StringIO(text), out)
    return status, out.getvalue()


def test_jsonl_gives_exactly_categories_severity_and_phrases_per_line():
    lines = '{"text": "I have a plan to kill myself"}\n\n{"text": "The damp is back."}\n'
    status, out = _run(["--jsonl"], lines)
    first, second = (json.loads(line) for line in out.splitlines())
    assert status == 0
    assert set(first) == {"categories", "severity", "phrases"}
    assert first["categories"] == ["suicide"] and first["severity"] == 3
    assert second == {"categories": [], "severity": 0, "phrases": []}


def test_plain_lines_give_one_answer_per_line():
    status, out = _run([], "My mother passed away\nthe bins were not collected\n")
    assert status == 0
    assert out.splitlines() == ["2\tbereavement\tmother passed away; passed away", "0\t-\t-"]


def test_a_line_that_is_not_json_stops_with_a_message(capsys):
    status, _ = _run(["--jsonl"], '{"text": "ok"}\nnot json\n')
    assert status == 1
    assert "Line 2" in capsys.readouterr().err


def test_an_office_adds_its_own_phrases(cast):
    with bind_office(cast.north):
        OfficePhrase.objects.create(category="abuse", phrase="plugging", severity=3)
    status, out = _run(["--jsonl", "--office", "NR"], '{"text": "made to do plugging"}\n')
    assert status == 0
    assert json.loads(out)["categories"] == ["abuse"]
    _, south = _run(["--jsonl", "--office", "SV"], '{"text": "made to do plugging"}\n')
    assert json.loads(south)["categories"] == []


def test_an_unknown_office_is_refused(cast):
    status, _ = _run(["--office", "Nowhere"], "text\n")
    assert status == 1


def test_the_command_runs_as_a_program():
    done = subprocess.run(
        [sys.executable, "-m", "casewell.cli", "distress", "--jsonl"],
        input='{"text": "I will find you."}\n', capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert json.loads(done.stdout)["categories"] == ["threat-to-staff"]
