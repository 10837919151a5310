"""`kintrace demo-data`: writes the lists, refuses bad input with a clear message."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kintrace.cli.app import app
from kintrace.demo import SOURCES


def test_writes_every_list_and_the_truth(tmp_path: Path) -> None:
    out = tmp_path / "lists"
    result = CliRunner().invoke(
        app, ["demo-data", "--children", "120", "--seed", "3", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    for spec in SOURCES:
        assert (out / spec.file_name).exists()
    assert (out / "truth" / "ground_truth.csv").exists()
    assert "SYNTHETIC" in result.output
    assert "120 children" in result.output


def test_refuses_a_non_positive_number_of_children(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo-data", "--children", "0", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "between 1 and" in result.output and "got 0" in result.output
    assert "Traceback" not in result.output


def test_refuses_a_file_as_output_directory(tmp_path: Path) -> None:
    target = tmp_path / "a-file"
    target.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(app, ["demo-data", "--children", "5", "--out", str(target)])
    assert result.exit_code == 2
    assert "is a file, not a directory" in result.output


def test_unwritable_directory_gets_a_message_not_a_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    # A directory cannot be made inside a file, whoever runs the test (root included).
    result = CliRunner().invoke(app, ["demo-data", "-n", "5", "--out", str(blocker / "lists")])
    assert result.exit_code == 1
    assert "Cannot write the demo lists" in result.output
    assert "Choose a directory you can write to" in result.output
    assert "Traceback" not in result.output
