"""``casewell bench ingest`` measures what it says: every message through the pipeline."""

from __future__ import annotations

import argparse
import json

from casewell.inbox import bench


def test_the_ingest_bench_puts_every_message_through_and_compares_it_with_the_bare_parse(
    capsys,
):
    arguments = argparse.Namespace(
        json=True, messages=30, rounds=2, database_url=None, corpus=None, child=False
    )
    assert bench.run(arguments) == 0
    figures = json.loads(capsys.readouterr().out)["sqlite"]
    # Each round into an office of its own: the same letters are not duplicates there.
    assert (figures["messages"], figures["rounds"]) == (60, 2)
    # Automatic replies and bounces among them are stored too: nothing is left unread.
    assert (figures["stored"], figures["duplicates"], figures["quarantined"]) == (60, 0, 0)
    # The round reported is one of those measured, its ratio agreeing with its speed.
    assert figures["pipeline_messages_per_second"] in figures["pipeline_round_messages_per_second"]
    ratio = figures["bare_parse_messages_per_second"] / figures["pipeline_messages_per_second"]
    assert abs(figures["pipeline_to_bare_ratio"] - ratio) < 0.05 * ratio
    assert figures["reading_jobs"] >= 1 and figures["receive_p50_ms"] > 0


def test_the_ingest_bench_refuses_no_rounds(capsys):
    arguments = argparse.Namespace(
        json=True, messages=30, rounds=0, database_url=None, corpus=None, child=False
    )
    assert bench.run(arguments) == 2
    assert "at least 1" in capsys.readouterr().err
