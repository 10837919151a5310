"""`kintrace names compare` and `kintrace names keys` (issue 3, item 7)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from kintrace.cli.app import app

runner = CliRunner()


def test_compare_prints_score_decision_and_reasons() -> None:
    result = runner.invoke(app, ["names", "compare", "Олександр Ковальчук", "Sasha Kovalchuk"])
    assert result.exit_code == 0, result.output
    assert "decision: match" in result.output
    assert "given: diminutive" in result.output


def test_compare_no_match() -> None:
    result = runner.invoke(app, ["names", "compare", "Іван Коваль", "Іван Ковальчук"])
    assert result.exit_code == 0
    assert "no match" in result.output


def test_compare_json() -> None:
    result = runner.invoke(app, ["names", "compare", "Марія", "Марина", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["decision"] == "no_match"
    assert data["levels"]["given"] == "different"


def test_keys_prints_every_standard_and_key() -> None:
    result = runner.invoke(app, ["names", "keys", "Ковальчук Олександр", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["transliterations"]["uk_national_2010"] == "Kovalchuk Oleksandr"
    assert data["parts"]["given"]["classes"] == ["oleksandr:m"]
    assert data["parts"]["family"]["key"] == "kovalčuk"


def test_keys_table_output() -> None:
    result = runner.invoke(app, ["names", "keys", "Олексiй"])
    assert result.exit_code == 0
    assert "mixed" in result.output
    assert "repaired: Олексій" in result.output


def test_bad_input_is_no_stack_trace() -> None:
    for text in ["", "😀", "1" * 500]:
        for command in (["names", "keys", text], ["names", "compare", text, text]):
            result = runner.invoke(app, command)
            assert result.exit_code == 0, result.output
