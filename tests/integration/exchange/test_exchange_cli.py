"""`kintrace exchange ...` end to end through the command line (SQLite). Synthetic data."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyrage
from openpyxl import load_workbook
from sqlalchemy import select
from typer.testing import CliRunner

from kintrace.cli.app import app
from kintrace.config import load_settings
from kintrace.registry.importer import import_file
from kintrace.services import exchange as service
from kintrace.store.engine import open_store
from kintrace.store.exchange_tables import exchange_answer_rows
from kintrace.store.review_tables import cases
from support.exchange_partner import answer_package, open_request
from support.seed import write_records_csv

from .conftest import OPERATOR, ROWS, open_cases

runner = CliRunner()


def _run(home: Path, *args: str) -> str:
    result = runner.invoke(app, ["--home", str(home), *args])
    assert result.exit_code == 0, result.output
    return result.output


def _home_with_a_partner(tmp_path: Path) -> tuple[Path, pyrage.x25519.Identity]:
    """A registry holding ROWS, a case open on each, and the partner "mediator" added by the
    command line; the partner's own age identity."""
    home = tmp_path / "home"
    store = open_store(load_settings(home, env={}))
    import_file(store, write_records_csv(tmp_path / "lists.csv", ROWS), actor="test")
    open_cases(store, [(s, r) for s, r, *_ in ROWS])
    store.close()
    partner = pyrage.x25519.Identity.generate()
    _run(
        home, "exchange", "partner", "add", "mediator", "--age-recipient", str(partner.to_public())
    )
    return home, partner


def _add_agreement(home: Path) -> None:
    _run(
        home,
        "exchange",
        "agreement",
        "add",
        "mediator",
        "--purpose",
        "return",
        "--fields",
        "family_name,given_name,birth_date",
        "--expires",
        "2099-12-31",
    )


def test_partner_agreement_request_answer_status_report(tmp_path: Path) -> None:
    home, partner = _home_with_a_partner(tmp_path)
    refused = runner.invoke(
        app,
        [
            "--home",
            str(home),
            "exchange",
            "request",
            "--to",
            "mediator",
            "--cases",
            "all",
            "--out",
            str(tmp_path / "out"),
        ],
    )
    assert refused.exit_code == 1 and "no data-sharing agreement" in refused.output
    _add_agreement(home)
    printed = _run(
        home,
        "exchange",
        "request",
        "--to",
        "mediator",
        "--cases",
        "all",
        "--out",
        str(tmp_path / "out"),
    )
    package = next((tmp_path / "out").glob("RQ-*.zip.age"))
    assert package.name.removesuffix(".zip.age") in printed
    ref, table = open_request(package.read_bytes(), partner)
    table[1][table[0].index("Статус")] = "возвращен"
    table[2][table[0].index("Статус")] = "см. письмо"  # no rule knows it: held
    ours = _run(home, "exchange", "identity").strip()
    assert ours.startswith("age1") and "SECRET" not in ours
    (tmp_path / "answer.age").write_bytes(answer_package(table, recipient=ours))
    printed = _run(home, "exchange", "answer", "import", str(tmp_path / "answer.age"))
    assert "matched by reference 3" in printed
    held = _run(home, "exchange", "held", ref)
    assert "a status" in held and "см. письмо" in held
    store = open_store(load_settings(home, env={}))
    with store.session() as db:
        row = db.execute(
            select(exchange_answer_rows.c.id).where(exchange_answer_rows.c.status.is_(None))
        ).scalar_one()
    store.close()
    assert f"{row}" in held
    assert "proposals 0" in _run(home, "exchange", "classify", str(row), "no_answer")
    assert "см. письмо" not in _run(home, "exchange", "held", ref)
    _run(home, "exchange", "status", ref, "--report", str(tmp_path / "report.csv"))
    text = (tmp_path / "report.csv").read_text("utf-8-sig")
    statuses = [row[4] for row in csv.reader(io.StringIO(text))][1:]
    assert sorted(statuses) == ["no_answer", "no_answer", "returned"]  # empty: no answer
    _run(home, "exchange", "status", ref, "--report", str(tmp_path / "report.xlsx"))
    assert load_workbook(tmp_path / "report.xlsx").active.max_row == 4
    assert "returned" in _run(home, "exchange", "proposals")


def test_a_proposal_is_rejected_or_accepted_from_the_command_line(tmp_path: Path) -> None:
    home, partner = _home_with_a_partner(tmp_path)
    _add_agreement(home)
    _run(home, "exchange", "request", "--to", "mediator", "--cases", "all", "--out", str(tmp_path))
    ref, table = open_request(next(tmp_path.glob("RQ-*.zip.age")).read_bytes(), partner)
    for row in table[1:3]:  # two children found in a town: whereabouts known, proposed
        row[table[0].index("Статус")] = "найден"
        row[table[0].index("Местонахождение сейчас")] = "г. Ростов-на-Дону"
    ours = _run(home, "exchange", "identity").strip()
    (tmp_path / "answer.age").write_bytes(answer_package(table, recipient=ours))
    _run(home, "exchange", "answer", "import", str(tmp_path / "answer.age"))
    store = open_store(load_settings(home, env={}))
    with store.session() as db:
        pending = service.pending_proposals(db, OPERATOR, ref)
    store.close()
    assert len(pending) == 2
    first, second = pending
    rejected = _run(home, "exchange", "reject", str(first.id))
    assert f"proposal {first.id}: rejected (case {first.case_id})" in rejected
    accepted = _run(home, "exchange", "accept", str(second.id), "--as", "local-operator")
    assert f"proposal {second.id}: accepted (case {second.case_id})" in accepted
    store = open_store(load_settings(home, env={}))
    with store.session() as db:
        assert service.pending_proposals(db, OPERATOR, ref) == []
        states = dict(db.execute(select(cases.c.id, cases.c.whereabouts)).all())
    store.close()
    assert states[first.case_id] == "unknown" and states[second.case_id] == "known"
