"""The second generator's files: formats and encodings as declared, a manifest the importer
reads, the truth beside them, and the same bytes whether written from memory or streamed.
Synthetic data only."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from generators.second import generate, write, write_stream

KIND_WORDS = {"family", "registry", "camp", "adoption", "partner"}


@pytest.fixture(scope="module")
def delivery(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("second")
    write(generate(300, 21), folder)
    return folder


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "sources.json").read_text(encoding="utf-8"))


def test_the_manifest_names_every_list_with_its_kind_and_says_synthetic(delivery: Path) -> None:
    manifest = _manifest(delivery)
    assert manifest["synthetic"] is True
    names = {e["name"] for e in manifest["sources"]}
    assert len(names) == 8
    for entry in manifest["sources"]:
        assert (delivery / entry["file"]).is_file()
        assert entry["kind"] in KIND_WORDS
        assert entry["description"].startswith("SYNTHETIC")
    assert "SYNTHETIC" in (delivery / "README.txt").read_text(encoding="utf-8")


def _csv_rows(path: Path, encoding: str, delimiter: str) -> list[dict[str, str]]:
    text = path.read_bytes().decode(encoding)
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


def test_camp_lists_are_windows_1251_with_semicolons(delivery: Path) -> None:
    for name in ("camp_south.csv", "camp_east.csv"):
        raw = (delivery / name).read_bytes()
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
        rows = _csv_rows(delivery / name, "cp1251", ";")
        assert rows and all(r["synthetic"] == "SYNTHETIC" for r in rows)
        assert any("а" in r["family_name"] for r in rows)  # Cyrillic, decoded right


def test_utf8_lists_family_reports_with_a_bom(delivery: Path) -> None:
    assert (delivery / "family_reports.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert not (delivery / "ua_registry.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    header = (delivery / "partner_mediator.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("Source,Record Id,Given Name")  # as people type headers
    registry = (delivery / "ua_registry.csv").read_text(encoding="utf-8").splitlines()[0]
    assert registry.startswith("SOURCE,RECORD_ID")


def test_partner_json_lines_omit_empty_fields(delivery: Path) -> None:
    lines = (delivery / "partner_ngo.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    assert rows and all(isinstance(r, dict) and r["synthetic"] == "SYNTHETIC" for r in rows)
    assert all("" not in r.values() for r in rows)
    assert any("full_name" in r for r in rows) and any("given_name" in r for r in rows)


def test_the_adoption_workbook_is_a_valid_xlsx(delivery: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.load_workbook(delivery / "adoption_portal.xlsx", read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    workbook.close()
    assert rows[0][:3] == ("Source", "Record Id", "Family Name")
    assert len(rows) > 10 and all(r[1] for r in rows[1:])
    with zipfile.ZipFile(delivery / "adoption_portal.xlsx") as archive:
        assert "xl/worksheets/sheet1.xml" in archive.namelist()


def test_the_truth_has_one_line_per_row(delivery: Path) -> None:
    truth = _csv_rows(delivery / "truth" / "ground_truth.csv", "utf-8", ",")
    manifest = _manifest(delivery)
    written = 0
    for entry in manifest["sources"]:
        path = delivery / entry["file"]
        if path.suffix == ".jsonl":
            written += len(path.read_text(encoding="utf-8").splitlines())
        elif path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as archive:
                written += archive.read("xl/worksheets/sheet1.xml").count(b"<row ") - 1
        else:
            encoding = "cp1251" if "camp" in path.name else "utf-8-sig"
            written += len(_csv_rows(path, encoding, ";" if "camp" in path.name else ","))
    assert len(truth) == written
    assert len({(t["source"], t["record_id"]) for t in truth}) == len(truth)
    children = _csv_rows(delivery / "truth" / "children.csv", "utf-8", ",")
    assert len(children) == 300


def test_streaming_writes_the_same_files(delivery: Path, tmp_path: Path) -> None:
    summary = write_stream(300, 21, tmp_path)
    assert summary["children"] == 300
    for path in sorted(delivery.rglob("*")):
        if path.is_file():
            other = tmp_path / path.relative_to(delivery)
            if path.suffix == ".xlsx":
                with zipfile.ZipFile(path) as a, zipfile.ZipFile(other) as b:
                    assert a.read("xl/worksheets/sheet1.xml") == b.read("xl/worksheets/sheet1.xml")
            else:
                assert path.read_bytes() == other.read_bytes(), path.name


def test_unknown_kinds_leaves_kinds_out_of_the_manifest(tmp_path: Path) -> None:
    write(generate(40, 1, profile="unknown_kinds"), tmp_path)
    assert all("kind" not in e for e in _manifest(tmp_path)["sources"])


def test_an_empty_delivery_names_no_list(tmp_path: Path) -> None:
    write(generate(0, 1), tmp_path)
    assert _manifest(tmp_path)["sources"] == []
    assert not list(tmp_path.glob("*.csv"))
