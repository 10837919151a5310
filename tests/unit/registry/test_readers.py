"""Readers: formats, delimiters, and file-level refusals with clear messages. Synthetic data."""

from __future__ import annotations

import json
import tracemalloc
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from kintrace.registry.errors import ImportRefused
from kintrace.registry.readers import RawRow, open_reader


def read_all(path: Path, **kwargs: str) -> list[RawRow]:
    reader = open_reader(path, **kwargs)
    try:
        return list(reader.rows())
    finally:
        reader.close()


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


@pytest.mark.parametrize("delimiter", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_csv_delimiter_is_detected(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "list.csv"
    note = "a" + "".join(d for d in (",", ";", "\t") if d != delimiter) + "b"  # the others
    lines = [["record_id", "given_name", "notes"], ["1", "Олена", note]]
    path.write_text("\n".join(delimiter.join(cells) for cells in lines) + "\n", encoding="utf-8")
    rows = read_all(path)
    assert rows[0].cells == {"record_id": "1", "given_name": "Олена", "notes": note}
    assert rows[0].number == 2  # the header is row 1, as in a spreadsheet


def test_csv_in_windows_1251_with_quotes_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "camp.csv"
    text = 'record_id;family_name;notes\r\n1;КОВАЛЕНКО;"перший; рядок"\r\n;;\r\n2;БІЛОУС;\r\n'
    path.write_bytes(text.encode("cp1251"))
    reader = open_reader(path)
    rows = list(reader.rows())
    reader.close()
    assert reader.encoding == "cp1251" and reader.delimiter == ";"
    assert [r.number for r in rows] == [2, 4]  # the blank row 3 is skipped
    assert rows[0].cells["notes"] == "перший; рядок"
    assert rows[1].cells == {"record_id": "2", "family_name": "БІЛОУС"}


def test_a_row_with_more_cells_than_the_header_is_flagged(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("record_id,given_name\n1,Olena,Kyiv\n2,Ivan\n", encoding="utf-8")
    rows = read_all(path)
    assert rows[0].problem is not None and "3 cells" in rows[0].problem
    assert rows[0].cells["column_3"] == "Kyiv"
    assert rows[1].problem is None


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("empty.csv", b"", "empty"),
        ("spaces.csv", b"  \r\n\r\n", "empty"),
        ("book.csv", b"PK\x03\x04rest-of-a-zip", "Excel workbook"),
        ("old.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Excel"),
        ("doc.csv", b"%PDF-1.7\n", "PDF"),
        ("list.xlsx", b"record_id,given_name\n1,Olena\n", "rename it to .csv"),
        ("list.xls", b"\xd0\xcf\x11\xe0", "save it as .xlsx"),
        ("list.jsonl", b"record_id,given_name\n1,Olena\n", "not a JSON object"),
        ("array.json", b'[{"record_id": "1"}]', "JSON array"),
        ("list.pdf", b"%PDF-1.7\n", "unknown file type"),
        ("dup.csv", b"record_id,Given_Name,given_name\n1,a,b\n", "appears twice"),
        ("latin1.csv", "record_id;nom\n1;Hélène Müller\n".encode("cp1252"), "encoding"),
    ],
)
def test_files_that_cannot_be_read_are_refused_with_a_clear_message(
    tmp_path: Path, name: str, content: bytes, words: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportRefused) as caught:
        read_all(path)
    assert words in str(caught.value)
    assert name in str(caught.value)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportRefused, match="no such file"):
        open_reader(tmp_path / "nothing.csv")


def test_xlsx_first_sheet_by_default_and_cells_as_text(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "list.xlsx",
        {
            "Діти": [
                [None],
                ["record_id", "given_name", "birth_date", "age", "observed_on"],
                [17, "Олена", datetime(2014, 3, 5), 10.0, date(2024, 5, 1)],
                [None, None, None, None, None],
                ["18", "Іван", "2014", 9, None],
            ],
            "Other": [["record_id", "given_name"], ["99", "X"]],
        },
    )
    reader = open_reader(path)
    rows = list(reader.rows())
    reader.close()
    assert reader.sheet == "Діти"
    assert rows[0].number == 3
    assert rows[0].cells == {
        "record_id": "17",
        "given_name": "Олена",
        "birth_date": "2014-03-05",
        "age": "10",
        "observed_on": "2024-05-01",
    }
    assert rows[1].number == 5 and rows[1].cells["birth_date"] == "2014"


def test_xlsx_named_sheet_and_missing_sheet(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "list.xlsx",
        {"A": [["record_id"], ["1"]], "B": [["record_id", "given_name"], ["2", "Olena"]]},
    )
    assert read_all(path, sheet="B")[0].cells == {"record_id": "2", "given_name": "Olena"}
    with pytest.raises(ImportRefused, match=r"no sheet 'C'\. Its sheets are: A, B"):
        open_reader(path, sheet="C")


def test_jsonl_rows_values_and_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "list.jsonl"
    lines = [
        json.dumps({"record_id": 1, "given_name": "Олена", "age": 9, "twin": True, "x": None}),
        "",
        "{not json",
        "[1, 2]",
        json.dumps({"record_id": "2", "given_name": "Іван", "tags": ["a", "b"]}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = read_all(path)
    assert [r.number for r in rows] == [1, 3, 4, 5]
    assert rows[0].cells == {"record_id": "1", "given_name": "Олена", "age": "9", "twin": "true"}
    assert rows[1].problem is not None and "not valid JSON" in rows[1].problem
    assert rows[2].problem == "not a JSON object"
    assert rows[3].cells["tags"] == '["a","b"]'


@pytest.mark.slow
def test_a_big_csv_is_streamed_with_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    line = "B{n:08d},Олександр,Коваленко,2014-03-05,SYNTHETIC padding padding padding\n"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("record_id,given_name,family_name,birth_date,notes\n")
        for n in range(150_000):
            handle.write(line.format(n=n))
    size = path.stat().st_size
    assert size > 12 * 2**20
    tracemalloc.start()
    reader = open_reader(path)
    count = sum(1 for _ in reader.rows())
    reader.close()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 150_000
    # The reader holds its 1 MiB detection sample and one row, never the rows read so far.
    assert peak < 6 * 2**20 < size / 2


def test_an_encoding_change_after_the_sample_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    with path.open("wb") as handle:
        handle.write(b"record_id,given_name\n")
        for n in range(100_000):  # well past the 1 MiB sample, in UTF-8
            handle.write(f"{n},Олена\n".encode())
        handle.write("100000,Олена\n".encode("cp1251"))
    with pytest.raises(ImportRefused, match="no longer in the encoding"):
        read_all(path)
