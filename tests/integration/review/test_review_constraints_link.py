"""Acceptance: decisions drive every later link run.

After a reviewer rejects A-B, no later `kintrace link` (incremental or full) puts A and B in one
person, even through a chain A-C-B; a confirmed pair is one person, and undoing the confirmation
splits it again. Runs the real CLI on a small synthetic registry (SQLite).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from kintrace.cases import RecordKey
from kintrace.cli.app import app
from kintrace.config import load_settings
from kintrace.store.engine import open_store
from kintrace.store.linkage_tables import link_pairs, linked_records

runner = CliRunner()


def kt(home: Path, *args: str) -> str:
    result = runner.invoke(app, ["--home", str(home), *args])
    assert result.exit_code == 0, result.output
    return result.output


def persons(home: Path) -> dict[RecordKey, str]:
    store = open_store(load_settings(home, env={}))
    try:
        with store.session() as s:
            rows = s.execute(
                select(
                    linked_records.c.source, linked_records.c.record_id, linked_records.c.person_id
                )
            )
            return {RecordKey(r.source, r.record_id): r.person_id for r in rows}
    finally:
        store.close()


def pending_pairs(home: Path) -> list[tuple[RecordKey, RecordKey]]:
    store = open_store(load_settings(home, env={}))
    try:
        with store.session() as s:
            lp = link_pairs.c
            rows = s.execute(
                select(lp.source_l, lp.record_id_l, lp.source_r, lp.record_id_r)
                .where(lp.status == "pending")
                .order_by(lp.match_probability)
            )
            return [(RecordKey(r[0], r[1]), RecordKey(r[2], r[3])) for r in rows]
    finally:
        store.close()


def _registry_with_a_chain(tmp_path: Path) -> tuple[Path, RecordKey, RecordKey]:
    """A linked synthetic registry, and two records A, B of one person of three or more."""
    home, lists = tmp_path / "home", tmp_path / "lists"
    kt(home, "demo-data", "--children", "150", "--seed", "11", "--out", str(lists))
    files = sorted(str(p) for p in lists.iterdir() if p.suffix in {".csv", ".jsonl", ".xlsx"})
    kt(home, "import", "--no-link", *files)
    kt(home, "link")
    groups: dict[str, list[RecordKey]] = {}
    for record, person in persons(home).items():
        groups.setdefault(person, []).append(record)
    chain = next(sorted(m) for m in groups.values() if len(m) >= 3)
    return home, chain[0], chain[-1]


def _reject(home: Path, a: RecordKey, b: RecordKey) -> None:
    kt(home, "review", "decide", str(a), str(b), "different", "--note", "test", "--as", "t1")


@pytest.mark.slow
def test_rejected_pairs_stay_apart_and_undone_confirmations_split(tmp_path: Path) -> None:
    home, a, b = _registry_with_a_chain(tmp_path)
    _reject(home, a, b)
    extra = tmp_path / "late.csv"  # one more synthetic record, so the incremental run has work
    extra.write_text(
        "source,record_id,given_name,family_name,sex,birth_date\n"
        "late_list,L-1,Synthetic,Latecomer,F,2013-05-05\n",
        encoding="utf-8",
    )
    kt(home, "import", "--no-link", str(extra))
    kt(home, "link")  # incremental
    assert persons(home)[a] != persons(home)[b]
    kt(home, "link", "--full")
    assert persons(home)[a] != persons(home)[b]

    # a confirmation joins two persons; undoing it splits them again
    after = persons(home)
    left, right = next(
        (x, y) for x, y in pending_pairs(home) if after[x] != after[y] and not {x, y} & {a, b}
    )
    reviewers = ["t1"]
    if "awaiting_second" in kt(
        home, "review", "decide", str(left), str(right), "same", "--as", "t1"
    ):
        kt(home, "review", "decide", str(left), str(right), "same", "--as", "t2")
        reviewers.append("t2")
    kt(home, "link", "--full")
    joined = persons(home)
    assert joined[left] == joined[right] and joined[a] != joined[b]
    for reviewer in reversed(reviewers):
        kt(home, "review", "undo", "--as", reviewer)
    kt(home, "link", "--full")
    split = persons(home)
    assert split[left] != split[right]


@pytest.mark.slow
def test_an_incremental_link_right_after_a_rejection_splits_the_person(tmp_path: Path) -> None:
    home, a, b = _registry_with_a_chain(tmp_path)
    _reject(home, a, b)
    kt(home, "link")
    assert persons(home)[a] != persons(home)[b]
