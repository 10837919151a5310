"""Every list follows CONTRACT.md §1 in its declared format and encoding, marked synthetic."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kintrace.demo import (
    CONTRACT_COLUMNS,
    GROUND_TRUTH,
    MANIFEST,
    README,
    SOURCES,
    SYNTHETIC_MARK,
    TRUTH_DIR,
    DemoDataset,
    SourceSpec,
)

NAME_COLUMNS = {"given_name", "family_name", "patronymic", "full_name"}
SEX_VALUES = {"M", "F", "m", "f", "male", "female", "ч", "ж", "м"}
DATE_FORMATS = (
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), "%Y-%m-%d"),
    (re.compile(r"^\d{4}-\d{2}$"), "%Y-%m"),
    (re.compile(r"^\d{4}$"), "%Y"),
    (re.compile(r"^\d{2}\.\d{2}\.\d{4}$"), "%d.%m.%Y"),
)
FAKE_CONTACT = re.compile(
    r"^(\+380 00 000 \d{4}|\+7 000 000-\d{2}-\d{2}|[a-z]+\d+@([a-z]+\.)?example\.org)$"
)


def read_rows(path: Path, spec: SourceSpec) -> tuple[list[str], list[dict[str, str]]]:
    """Read a list the way an importer must, with the declared encoding only (strict)."""
    if spec.format == "csv":
        text = path.read_bytes().decode(spec.encoding)  # strict: raises if not that encoding
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=spec.delimiter)
        header, *body = list(reader)
        return header, [dict(zip(header, row, strict=True)) for row in body]
    if spec.format == "xlsx":
        book = load_workbook(path, read_only=True)
        sheet = book.worksheets[0]
        header, *body = [list(r) for r in sheet.iter_rows(values_only=True)]
        book.close()
        rows = [
            {h: "" if v is None else str(v) for h, v in zip(header, r, strict=True)} for r in body
        ]
        return [str(h) for h in header], rows
    objects = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert all(isinstance(o, dict) for o in objects)
    return list(spec.columns), [{k: str(v) for k, v in o.items()} for o in objects]


@pytest.mark.parametrize("spec", SOURCES, ids=lambda s: s.name)
def test_list_follows_the_contract(written: Path, dataset: DemoDataset, spec: SourceSpec) -> None:
    header, rows = read_rows(written / spec.file_name, spec)
    assert header == list(spec.columns)
    assert {"source", "record_id"} <= set(header)
    assert NAME_COLUMNS & set(header)
    assert len(rows) == len(dataset.records[spec.name]) > 0
    ids = [row["record_id"] for row in rows]
    assert len(set(ids)) == len(ids), "record_id must be unique within its source"
    for row in rows:
        assert row["source"] == spec.name
        assert any(row.get(c) for c in NAME_COLUMNS), "one name field at least"
        assert row["synthetic"] == SYNTHETIC_MARK
        if row.get("sex"):
            assert row["sex"] in SEX_VALUES
        for column in ("birth_date", "observed_on"):
            if row.get(column):
                assert _parses(row[column]), (column, spec.name)
        if row.get("age"):
            assert 0 <= int(row["age"]) <= 25
        if row.get("guardian_contact"):
            assert FAKE_CONTACT.match(row["guardian_contact"])


def _parses(value: str) -> date:
    for pattern, fmt in DATE_FORMATS:
        if pattern.match(value):
            return datetime.strptime(value, fmt).date()
    raise AssertionError("not a contract date format")


def test_birth_dates_are_not_in_the_future(dataset: DemoDataset) -> None:
    for rows in dataset.records.values():
        for row in rows:
            if row.get("birth_date"):
                assert _parses(str(row["birth_date"])) < date(2026, 1, 1)
                if len(str(row["birth_date"])) == 10 and row.get("observed_on"):
                    assert _parses(str(row["birth_date"])) <= _parses(str(row["observed_on"]))


@pytest.mark.parametrize(
    ("spec", "not_codec"),
    [(s, "utf-8") for s in SOURCES if s.encoding in ("cp1251", "koi8_u")],
    ids=lambda v: getattr(v, "name", v),
)
def test_single_byte_lists_really_are_single_byte(
    written: Path, spec: SourceSpec, not_codec: str
) -> None:
    with pytest.raises(UnicodeDecodeError):
        (written / spec.file_name).read_bytes().decode(not_codec)


def test_family_reports_start_with_a_bom_as_excel_writes_them(written: Path) -> None:
    spec = next(s for s in SOURCES if s.encoding == "utf-8-sig")
    assert (written / spec.file_name).read_bytes().startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize("spec", [s for s in SOURCES if s.format == "csv"], ids=lambda s: s.name)
def test_the_importer_detects_the_declared_encoding(written: Path, spec: SourceSpec) -> None:
    encoding = pytest.importorskip("kintrace.registry.encoding")
    sample = (written / spec.file_name).read_bytes()[: 1 << 20]
    detected = encoding.detect_encoding(sample, file_label=spec.file_name)
    assert detected.replace("-", "_") == spec.encoding.replace("-", "_")


def test_extra_columns_do_not_shadow_contract_columns() -> None:
    for spec in SOURCES:
        assert set(spec.extra_columns).isdisjoint(CONTRACT_COLUMNS)
        assert "synthetic" in spec.extra_columns


def test_directory_says_it_is_synthetic(written: Path) -> None:
    readme = (written / README).read_text(encoding="utf-8")
    assert readme.startswith("SYNTHETIC DATA - NOT REAL CHILDREN")
    manifest = json.loads((written / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["synthetic"] is True
    assert {s["name"] for s in manifest["sources"]} == {s.name for s in SOURCES}
    assert all("SYNTHETIC" in s["description"] for s in manifest["sources"])
    assert (written / TRUTH_DIR / GROUND_TRUTH).exists()


def test_ground_truth_is_kept_apart_from_the_lists(written: Path) -> None:
    """`kintrace import DIR/*.csv` (as `make demo` does) must not pick up the answers."""
    top_level = {p.name for p in written.iterdir() if p.is_file()}
    assert GROUND_TRUTH not in top_level
    assert top_level == {s.file_name for s in SOURCES} | {README, MANIFEST}


def test_source_kinds_are_the_registry_kinds() -> None:
    registry_sources = pytest.importorskip("kintrace.registry.sources")
    assert {spec.registry_kind for spec in SOURCES} <= set(registry_sources.SOURCE_KINDS)


@pytest.mark.parametrize("spec", SOURCES, ids=lambda s: s.name)
def test_the_registry_validator_accepts_every_row(written: Path, spec: SourceSpec) -> None:
    """The registry's own reader and validator (no database): not a single row rejected."""
    readers = pytest.importorskip("kintrace.registry.readers")
    validation = pytest.importorskip("kintrace.registry.validation")
    reader = readers.open_reader(written / spec.file_name)
    validator = validation.RowValidator(source_option=None, today=date(2026, 1, 1))
    try:
        results = [validator.parse(raw.cells, raw.problem) for raw in reader.rows()]
    finally:
        reader.close()
    rejected = [r.reason for r in results if isinstance(r, validation.Rejection)]
    assert not rejected, rejected[:3]
    assert len(results) == len(read_rows(written / spec.file_name, spec)[1])
