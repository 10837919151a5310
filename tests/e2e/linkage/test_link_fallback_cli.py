"""Acceptance (issue 10): `kintrace link` succeeds on a 300-record registry imported without
kinds, with the model shipped with Kintrace, named in its summary; `kintrace sources set-kind`
names a kind and the next run rescores that source (SYNTHETIC demo data)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from kintrace.cli.app import app

runner = CliRunner()


def _run(home: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--home", str(home), *args])
    return result.exit_code, result.output


def _flat(output: str) -> str:
    return " ".join(output.split())


@pytest.mark.slow
def test_link_succeeds_with_the_shipped_model_on_300_records_of_unknown_kinds(
    tmp_path: Path,
) -> None:
    home, lists = tmp_path / "home", tmp_path / "lists"
    code, output = _run(home, "demo-data", "--children", "123", "--seed", "6", "--out", str(lists))
    assert code == 0, output
    files = sorted(str(p) for p in lists.iterdir() if p.suffix in (".csv", ".jsonl", ".xlsx"))
    # no manifest: every kind is unknown; --no-link: the link run below is the one under test
    code, output = _run(home, "import", *files, "--no-link")
    assert code == 0, output
    sources = [Path(f).stem for f in files]

    code, output = _run(home, "link")
    assert code == 0, output
    assert "Traceback" not in output
    flat = _flat(output)
    assert "│ records │ 300 │" in flat
    assert "model: the model shipped with Kintrace, kintrace-fallback v" in flat
    assert "the registry has 300 records; training needs at least 1,000" in flat
    assert "trained" in flat and "on synthetic lists" in flat  # its provenance
    assert f"{len(sources)} source(s) of kind 'unknown'" in flat
    for source in sources:
        assert f"kintrace sources set-kind {source} KIND" in flat
    engine = create_engine(f"sqlite:///{home / 'kintrace.db'}")
    with engine.connect() as conn:
        origin, about = conn.execute(
            text("SELECT model_origin, model_about FROM link_runs ORDER BY id DESC")
        ).first()  # type: ignore[misc]
    engine.dispose()
    assert origin == "shipped"
    assert json.loads(about)["provenance"]["name"] == "kintrace-fallback"

    code, output = _run(home, "sources", "set-kind", "demo_ru_adoption_listing", "adoption")
    assert code == 0 and "kind unknown -> adoption" in _flat(output), output
    code, output = _run(home, "link")
    assert code == 0, output
    flat = _flat(output)
    assert "incremental" in flat and "kintrace-fallback v" in flat
    assert "rescored the records of 'demo_ru_adoption_listing'" in flat
    assert "set-kind demo_ru_adoption_listing" not in flat


def test_set_kind_refuses_an_unknown_source_or_kind_clearly(tmp_path: Path) -> None:
    code, output = _run(tmp_path / "home", "sources", "set-kind", "nowhere", "camp")
    assert code == 1 and "There is no source 'nowhere'" in output
    code, output = _run(tmp_path / "home", "sources", "set-kind", "nowhere", "orphanage")
    assert code == 1 and "'orphanage' is not a source kind; use one of: family" in _flat(output)
    code, output = _run(tmp_path / "home", "sources")  # still lists
    assert code == 0 and "Registry:" in output
