"""`kintrace model retrain` end to end: decisions simulated from the synthetic ground truth."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from kintrace.cases import RecordKey, ReviewPolicy, Role, Verdict
from kintrace.cli.app import app
from kintrace.config import load_settings
from kintrace.review import decisions
from kintrace.review.actors import Actor
from kintrace.store.engine import open_store
from kintrace.store.linkage_tables import link_pairs

runner = CliRunner()


def kt(home: Path, *args: str, ok: bool = True) -> str:
    result = runner.invoke(app, ["--home", str(home), *args])
    assert (result.exit_code == 0) is ok, result.output
    assert "Traceback" not in result.output
    return result.output


def test_retrain_refuses_without_a_model_or_enough_decisions(tmp_path: Path) -> None:
    assert "run `kintrace link` first" in kt(tmp_path, "model", "retrain", ok=False)


@pytest.mark.slow
def test_retrain_prints_before_and_after_and_is_audited(
    tmp_path: Path,
) -> None:
    home, lists = tmp_path / "home", tmp_path / "lists"
    kt(home, "demo-data", "--children", "200", "--seed", "5", "--out", str(lists))
    files = sorted(str(p) for p in lists.iterdir() if p.suffix in {".csv", ".jsonl", ".xlsx"})
    kt(home, "import", "--no-link", *files)
    kt(home, "link")
    assert "needs at least 20 decided pairs" in kt(home, "model", "retrain", ok=False)

    truth_file = lists / "truth" / "ground_truth.csv"
    with truth_file.open(encoding="utf-8") as handle:
        truth = {(r["source"], r["record_id"]): r["child_id"] for r in csv.DictReader(handle)}
    store = open_store(load_settings(home, env={}))
    try:
        with store.session() as s:
            lp = link_pairs.c
            columns = (lp.source_l, lp.record_id_l, lp.source_r, lp.record_id_r)
            pending = s.execute(select(*columns).where(lp.status == "pending")).all()
            # as spot checks would: some automatic links too, so both verdicts are well present
            pending += s.execute(
                select(*columns).where(lp.status == "auto").order_by(*columns).limit(30)
            ).all()
        with store.session(write=True) as s:
            for a, b, c, d in pending:
                same = truth[(a, b)] == truth[(c, d)]
                decisions.decide(
                    s,
                    actor=Actor("sim", Role.ADMIN),
                    left=RecordKey(a, b),
                    right=RecordKey(c, d),
                    verdict=Verdict.SAME if same else Verdict.DIFFERENT,
                    note="simulated from the synthetic ground truth",
                    policy=ReviewPolicy(two_person_rule=False),
                    now=datetime.now(UTC),
                )
    finally:
        store.close()
    shown = kt(home, "model", "retrain", "--as", "sim")
    assert f"Labelled pairs: {len(pending)}" in shown
    for row in ("before", "after", "cross-validated", "log-loss"):
        assert row in shown
    assert "stays as it is" in shown or "model written to" in shown
    assert "audit log intact" in kt(home, "audit", "verify")
