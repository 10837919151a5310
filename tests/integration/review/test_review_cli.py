"""The review and cases commands end to end on SQLite: a link run's pending pairs reach the
queue, two reviewers confirm a pair, a case moves on it, refusals are clear messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from review_fixtures import T0
from sqlalchemy import insert
from typer.testing import CliRunner

from kintrace.cli.app import app
from kintrace.config import load_settings
from kintrace.store.engine import open_store
from kintrace.store.linkage_tables import link_pairs
from support.seed import add_link_run, add_records, add_user_row, key, link_pair_row

runner = CliRunner()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    store = open_store(load_settings(home, env={}))
    with store.session(write=True) as s:
        add_records(s, [key(k) for k in ("fam:1", "camp:1", "fam:2", "reg:1")], at=T0)
        for name, role in (("ann", "reviewer"), ("bob", "reviewer"), ("casey", "caseworker")):
            add_user_row(s, username=name, role=role, at=T0)
        run = add_link_run(s, at=T0, finished=True)
        s.execute(
            insert(link_pairs),
            [
                link_pair_row(
                    run_id=run,
                    left=("camp", "1"),
                    right=("fam", "1"),
                    probability=0.74,
                    weight=1.5,
                    status="pending",
                    weights=json.dumps({"given_name": 3.2, "birth_date": -1.1}),
                ),
                link_pair_row(
                    run_id=run,
                    left=("fam", "2"),
                    right=("camp", "1"),
                    probability=0.998,
                    weight=9.0,
                    status="auto",
                ),
                link_pair_row(
                    run_id=run,
                    left=("fam", "2"),
                    right=("reg", "1"),
                    probability=0.55,
                    weight=0.3,
                    status="pending",
                ),
            ],
        )
    store.close()
    return home


def kt(home: Path, *args: str, ok: bool = True) -> str:
    result = runner.invoke(app, ["--home", str(home), *args])
    assert (result.exit_code == 0) is ok, result.output
    assert "Traceback" not in result.output
    return result.output


def test_two_reviewers_confirm_and_a_case_moves_on_their_decision(home: Path) -> None:
    shown = kt(home, "review", "next", "--as", "ann")
    assert "camp:1" in shown and "fam:1" in shown and "given_name" in shown and "token 1" in shown
    assert "awaiting_second" in kt(
        home, "review", "decide", "fam:1", "camp:1", "same", "--as", "ann"
    )
    refused = kt(home, "review", "decide", "fam:1", "camp:1", "same", "--as", "ann", ok=False)
    assert "second, different reviewer" in refused
    assert "camp:1" in kt(home, "review", "next", "--as", "bob")
    assert "back in the queue" in kt(home, "review", "skip", "--as", "bob")
    assert "You hold no pair" in kt(home, "review", "skip", "--as", "bob")
    assert "camp:1" in kt(home, "review", "next", "--as", "bob")
    confirmed = kt(home, "review", "decide", "camp:1", "fam:1", "same", "--as", "bob")
    assert "confirmed" in confirmed
    decision_id = confirmed.split(":")[0].split()[-1]

    assert "case 1" in kt(home, "cases", "open", "fam:1", "--as", "casey", "--assign", "casey")
    refused = kt(home, "cases", "set", "1", "return", "returned", "--as", "casey", ok=False)
    assert "not an allowed transition" in refused and "requested, closed" in refused
    kt(
        home,
        "cases",
        "set",
        "1",
        "identity",
        "verified",
        "--decision",
        decision_id,
        "--as",
        "casey",
    )
    shown = kt(home, "cases", "show", "1", "--as", "casey")
    assert "identity: reported -> verified" in shown and "camp:1" in shown
    assert "case(s)" in kt(home, "cases", "list", "--mine", "--as", "casey")
    assert "awaiting_second" in kt(home, "review", "undo", "--as", "bob")  # ann's first stands
    assert "undo of" in kt(home, "review", "decisions", "--as", "ann")
    assert "may not review pairs" in kt(home, "review", "next", "--as", "casey", ok=False)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("review", "decide", "camp:1", "fam:2", "different", "--as", "ann"),
            "auto-link threshold",
        ),
        (("review", "decide", "fam:1", "fam:1", "same", "--as", "ann"), "two different records"),
        (("review", "decide", "fam1", "camp:1", "same", "--as", "ann"), "SOURCE:ID"),
        (("review", "decide", "fam:1", "camp:404", "same", "--as", "ann"), "No record camp:404"),
        (("review", "decide", "fam:1", "camp:1", "maybe", "--as", "ann"), "maybe"),
        (("review", "next", "--as", "nobody"), "There is no user 'nobody'"),
        (("cases", "set", "99", "identity", "verified", "--as", "casey"), "no case 99"),
        (("cases", "open", "fam:1", "--as", "ann"), "may not open cases"),
        (("review", "undo", "--as", "ann"), "no decision left to undo"),
    ],
)
def test_bad_input_gets_a_clear_message(home: Path, args: tuple[str, ...], message: str) -> None:
    assert message in kt(home, *args, ok=False)


def test_a_bad_date_is_refused_without_a_trace(home: Path) -> None:
    kt(home, "cases", "open", "fam:2", "--as", "casey")
    out = kt(
        home,
        "cases",
        "set",
        "1",
        "whereabouts",
        "known",
        "--place",
        "p",
        "--on",
        "2026-13-01",
        "--as",
        "casey",
        ok=False,
    )
    assert "YYYY-MM-DD" in out


def test_review_next_keeps_both_ids_whole_on_80_columns(tmp_path: Path) -> None:
    """Issue 12, finding 8: the pair's SOURCE:IDs, which `review decide` needs next, are printed
    whole on their own lines; as the table's column headers they were folded in two."""
    home = tmp_path / "home"
    long_left, long_right = (
        "demo_partner_mediator_list:MED-0000475",
        "demo_ua_family_reports:UAF-0001636",
    )
    store = open_store(load_settings(home, env={}))
    with store.session(write=True) as s:
        add_records(s, [key(long_left), key(long_right)], at=T0)
        add_user_row(s, username="ann", role="reviewer", at=T0)
        run = add_link_run(s, at=T0, finished=True)
        s.execute(
            insert(link_pairs),
            [
                link_pair_row(
                    run_id=run,
                    left=tuple(long_left.split(":")),  # type: ignore[arg-type]
                    right=tuple(long_right.split(":")),  # type: ignore[arg-type]
                    probability=0.74,
                    weight=1.5,
                    status="pending",
                    weights=json.dumps({"given_name": 3.2}),
                )
            ],
        )
    store.close()
    result = runner.invoke(
        app, ["--home", str(home), "review", "next", "--as", "ann"], env={"COLUMNS": "80"}
    )
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.output.splitlines()]
    assert any(line.startswith(f"record 1: {long_left}") for line in lines), result.output
    assert any(line.startswith(f"record 2: {long_right}") for line in lines), result.output
