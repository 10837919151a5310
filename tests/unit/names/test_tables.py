"""The bundled first-name tables are well-formed and loaded lazily."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from importlib import resources

from kintrace.names.given import given_table
from kintrace.names.keys import name_key


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("kintrace.names").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(io.StringIO("\n".join(
        line for line in text.splitlines() if line and not line.startswith("#")))))  # fmt: skip


def test_curated_table_is_well_formed() -> None:
    rows = _rows("given_names.csv")
    ids = [f"{r['class']}:{r['gender']}" for r in rows]
    assert len(ids) == len(set(ids)), "duplicate class"
    assert {r["gender"] for r in rows} == {"m", "f"}
    for row in rows:
        assert row["uk"] and row["ru"], row["class"]


def test_full_forms_never_cross_genders() -> None:
    table = given_table()
    for key, classes in table.formal.items():
        genders = {c.rsplit(":", 1)[1] for c in classes}
        assert len(genders) == 1, (key, classes)


def test_corrections_file_records_reasons() -> None:
    rows = _rows("given_names_corrections.csv")
    assert rows
    assert all(r["action"] in ("drop", "add", "curate") and r["reason"] for r in rows)


def test_evidence_never_overrides_the_curated_table() -> None:
    table = given_table()
    assert not set(table.evidence) & set(table.classes)
    assert name_key("Олександр") not in table.evidence


def test_nothing_is_loaded_at_import_time() -> None:
    code = (
        "import kintrace.names, kintrace.names.given as g; "
        "assert g.given_table.cache_info().currsize == 0; print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


def test_the_core_imports_no_framework_database_or_build_time_source() -> None:
    """The pure core (and its tables) must not pull in adapters or the build-time sources."""
    code = (
        "import sys, kintrace.names as n; "
        "n.compare('Олександр Ковальчук', 'Sasha Kovalchuk'); "
        "n.record_name_features(given='Саша', family='Коваль', patronymic=None, full_name=None, "
        "sex=None); "
        "bad = ['sqlalchemy', 'fastapi', 'typer', 'duckdb', 'splink', 'pyspark', 'pandas', "
        "'rigour', 'names_translator', 'kintrace.store', 'kintrace.web', 'kintrace.cli']; "
        "print(','.join(m for m in bad if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"kintrace.names imported: {out.stdout.strip()}"


def test_curated_russian_forms_agree_with_names_translator() -> None:
    """Every curated Ukrainian full form lists names-translator's first Russian form (MIT data).

    Skipped where the build-time `tables` extra is not installed.
    """
    import pytest

    dicts = pytest.importorskip("names_translator.dicts").default_dicts()
    missing = []
    for row in _rows("given_names.csv"):
        listed = {name_key(f) for col in ("uk", "ru") for f in row[col].split("|") if f}
        for uk in filter(None, row["uk"].split("|")):
            top = dicts.lookup(uk, "first")[:1]
            if top and name_key(top[0]) not in listed:
                missing.append((row["class"], top[0]))
    assert not missing, missing
