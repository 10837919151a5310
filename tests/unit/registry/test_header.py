"""Where the header is: title rows, two-row merged headers, or where the user says (issue 12,
finding 1). Real CSV and XLSX files; all names are synthetic."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from kintrace.registry.columns import map_columns
from kintrace.registry.errors import ImportRefused
from kintrace.registry.header import choose_header, combine
from kintrace.registry.readers import open_reader

TITLE = "Список дітей (СИНТЕТИЧНІ ДАНІ), станом на 01.03.2024"


def read(path: Path, **kwargs: object) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    reader = open_reader(path, **kwargs)  # type: ignore[arg-type]
    try:
        rows = [(r.number, r.cells) for r in reader.rows()]
        return list(reader.columns or []), rows
    finally:
        reader.close()


def xlsx_with_title_and_merged_header(path: Path) -> Path:
    """As a bureau's Excel list looks: a title across the top, "Дитина" merged over three
    name columns, birth date and place merged down over the two header rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([TITLE])
    sheet.merge_cells("A1:F1")
    sheet.append([])
    sheet.append(["№", "Дитина", None, None, "Дата народження", "Місце народження"])
    sheet.append([None, "Прізвище", "Ім'я", "По батькові", None, None])
    sheet.merge_cells("B3:D3")
    sheet.merge_cells("A3:A4")
    sheet.merge_cells("E3:E4")
    sheet.merge_cells("F3:F4")
    sheet.append([1, "Коваленко", "Марія", "Петрівна", "05.03.2014", "Херсон"])
    sheet.append([2, "Білоус", "Олег", "Іванович", "17.11.2012", "Маріуполь"])
    book.save(path)
    return path


def test_an_xlsx_with_a_title_and_a_two_row_merged_header(tmp_path: Path) -> None:
    columns, rows = read(xlsx_with_title_and_merged_header(tmp_path / "list.xlsx"))
    assert columns == [
        "№",
        "Дитина / Прізвище",
        "Дитина / Ім'я",
        "Дитина / По батькові",
        "Дата народження",
        "Місце народження",
    ]
    assert map_columns(columns).chosen() == {
        "№": "ignore",
        "Дитина / Прізвище": "family_name",
        "Дитина / Ім'я": "given_name",
        "Дитина / По батькові": "patronymic",
        "Дата народження": "birth_date",
        "Місце народження": "birth_place",
    }
    assert [n for n, _ in rows] == [5, 6]  # row numbers as the spreadsheet shows them
    assert rows[0][1]["Дитина / Прізвище"] == "Коваленко"


def test_the_user_can_say_where_the_header_is(tmp_path: Path) -> None:
    path = xlsx_with_title_and_merged_header(tmp_path / "list.xlsx")
    columns, rows = read(path, header_row=4, header_rows=1)
    assert columns[1:4] == ["Прізвище", "Ім'я", "По батькові"]
    assert [n for n, _ in rows] == [5, 6]
    with pytest.raises(ImportRefused, match="row 2 is empty"):
        read(path, header_row=2)


def test_a_csv_with_a_title_line_and_a_comma_in_it(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    text = f"{TITLE}\r\nПрізвище;Ім'я;Дата народження\r\nКоваленко;Марія;05.03.2014\r\n"
    path.write_bytes(text.encode("cp1251"))
    reader = open_reader(path)
    rows = list(reader.rows())
    reader.close()
    assert reader.delimiter == ";"  # the comma in the title does not decide
    assert reader.columns == ["Прізвище", "Ім'я", "Дата народження"]
    assert reader.header is not None and (reader.header.first, reader.header.rows) == (1, 1)
    assert [r.number for r in rows] == [3]


def test_a_plain_header_is_still_the_first_row(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("record_id,given_name\n1,Олена\n2,Марія\n", encoding="utf-8")
    columns, rows = read(path)
    assert columns == ["record_id", "given_name"] and [n for n, _ in rows] == [2, 3]


@pytest.mark.parametrize(
    ("rows", "first", "count", "reason"),
    [
        ([["Title"], ["Прізвище", "Ім'я"], ["К", "М"]], 1, 1, "a one-cell title row is skipped"),
        ([["", ""], ["a", "b"], ["1", "2"]], 1, 1, "blank rows first; unknown names: first wide"),
        (
            [["Дитина", "", "Дата народження"], ["Прізвище", "Ім'я", ""], ["К", "М", "2014"]],
            0,
            2,
            "names under a merged group cell make a second header row",
        ),
        (
            [["Прізвище", "Ім'я", "Дата народження"], ["Коваленко", "Марія", "05.03.2014"]],
            0,
            1,
            "a data row under a full header is data",
        ),
    ],
)
def test_choose_header(rows: list[list[str]], first: int, count: int, reason: str) -> None:
    choice = choose_header(rows, label="x.csv")
    assert (choice.first, choice.rows) == (first, count), reason


def test_combine_carries_a_group_over_its_merged_cells_only() -> None:
    upper = ["№", "Дитина", "", "", "Дата", "", "Мати"]
    lower = ["", "Прізвище", "Ім'я", "", "", "x", "ПІБ"]
    assert combine(upper, lower) == [
        "№", "Дитина / Прізвище", "Дитина / Ім'я", "", "Дата", "x", "Мати / ПІБ",
    ]  # fmt: skip
