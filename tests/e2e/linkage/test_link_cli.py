"""`kintrace link`, `explain`, `export links|clusters` through the CLI on synthetic demo data."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kintrace.cli.app import app
from kintrace.linkage.exports import CLUSTERS_COLUMNS, LINKS_COLUMNS

runner = CliRunner()


def _run(home: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--home", str(home), *args])
    return result.exit_code, result.output


@pytest.mark.slow
def test_link_export_explain_on_demo_data(tmp_path: Path) -> None:
    home, lists = tmp_path / "home", tmp_path / "lists"
    code, output = _run(home, "demo-data", "--children", "300", "--seed", "3", "--out", str(lists))
    assert code == 0, output
    files = sorted(str(p) for p in lists.iterdir() if p.suffix in (".csv", ".jsonl", ".xlsx"))
    code, output = _run(home, "import", "--no-link", *files)
    assert code == 0, output

    code, output = _run(home, "link")
    assert code == 0, output
    assert "full" in output

    links_csv, clusters_csv = tmp_path / "links.csv", tmp_path / "clusters.csv"
    assert _run(home, "export", "links", "--out", str(links_csv))[0] == 0
    assert _run(home, "export", "clusters", "--out", str(clusters_csv))[0] == 0
    with links_csv.open(encoding="utf-8") as handle:
        links = list(csv.reader(handle))
    with clusters_csv.open(encoding="utf-8") as handle:
        clusters = list(csv.reader(handle))
    assert tuple(links[0]) == LINKS_COLUMNS
    assert tuple(clusters[0]) == CLUSTERS_COLUMNS
    assert {row[6] for row in links[1:]} <= {"auto", "pending", "confirmed", "rejected"}
    assert all(row[2] for row in clusters[1:])  # every record resolved to a person

    best = links[1]
    html = tmp_path / "why.html"
    code, output = _run(
        home, "explain", f"{best[0]}:{best[1]}", f"{best[2]}:{best[3]}", "--html", str(html)
    )
    assert code == 0, output
    assert "given_name" in output and "match probability" in output
    assert "<svg" in html.read_text(encoding="utf-8")
    # two children of one camp transport, one surname and father: scored near 1, held for a
    # person by the first-name rule, and never one person (rows listed together, decision 0316)
    code, output = _run(home, "explain", "demo_ru_camp_list_a:23", "demo_ru_camp_list_a:24")
    assert code == 0, output
    flat = " ".join(output.split())
    assert "status: pending" in flat
    assert "held for review whatever its probability: two different first names" in flat
    assert "never one person through other links: listed together" in flat
    # issue 12, finding 5: the fields' agreement in the pair page's words
    fields = flat.split("fields (as on the pair and person pages)", 1)[1]
    assert "given_name │ different" in fields

    code, output = _run(home, "link")
    assert code == 0 and "Nothing new" in output

    # A saved model (here: the one the run trained) rescores everything without training.
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{home / 'kintrace.db'}")
    with engine.connect() as conn:
        model_json = conn.execute(
            text("SELECT model_json FROM link_runs WHERE model_json IS NOT NULL ORDER BY id DESC")
        ).scalar_one()
    engine.dispose()
    saved = tmp_path / "model.json"
    saved.write_text(model_json, encoding="utf-8")
    code, output = _run(home, "link", "--model", str(saved))
    assert code == 0, output
    assert "full" in output
    # The renamed-adoption rule (decision 0312) can be switched off for a run.
    code, output = _run(home, "link", "--full", "--no-renamed-adoption-links")
    assert code == 0 and "full" in output, output
    code, output = _run(home, "link", "--model", str(tmp_path / "absent.json"))
    assert code == 1 and "no such file" in output
    code, output = _run(home, "link", "--model", str(links_csv))
    assert code == 1 and "not a saved model" in output


def test_link_on_an_empty_registry_is_a_clear_error(tmp_path: Path) -> None:
    code, output = _run(tmp_path / "home", "link")
    assert code == 1
    assert "no records" in output and "Traceback" not in output


def test_explain_with_a_malformed_reference_is_a_clear_error(tmp_path: Path) -> None:
    code, output = _run(tmp_path / "home", "explain", "nocolon", "x:1")
    assert code == 1
    assert "SOURCE:RECORD_ID" in output
