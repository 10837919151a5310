"""The column map file (`kintrace import --map`, `--save-map`): written and read back to the same
options, and refused with the key at fault. Headers only; no personal data."""

from __future__ import annotations

from pathlib import Path

import pytest

from kintrace.registry.errors import ImportRefused
from kintrace.registry.mapfile import ReadOptions, map_file_text, read_map_file, write_map_file


def test_a_map_file_round_trips(tmp_path: Path) -> None:
    options = ReadOptions(
        sheet="Лист 1",
        header_row=3,
        header_rows=2,
        date_order="month-first",
        columns={
            "Прізвище": "family_name",
            "Ім’я": "given_name",
            'Примітка "важлива"': "notes",
            "Шлях\\до\\файлу": "extra",
            "Два\nрядки\tтаб": "extra",
            "№ з/п": "ignore",
        },
        source="kyiv-bureau",
    )
    path = tmp_path / "kyiv.toml"
    write_map_file(path, options, comment="synthetic test map")
    assert read_map_file(path) == options
    assert "# synthetic test map" in path.read_text(encoding="utf-8")


def test_an_empty_map_file_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "empty.toml"
    path.write_text("", encoding="utf-8")
    assert read_map_file(path) == ReadOptions()
    assert read_map_file(_write(tmp_path, map_file_text(ReadOptions()))) == ReadOptions()


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "map.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[columns]\n'Прізвище' = 'surname'\n", "not a field"),
        ("[file]\nheader_raw = 2\n", "unknown key 'header_raw'"),
        ("[file]\nheader_row = '2'\n", "whole number"),
        ("[file]\nheader_row = 0\n", "counted from 1"),
        ("[file]\nheader_rows = 3\n", "one or two rows"),
        ("[file]\ndate_order = 'year-first'\n", "date order"),
        ("[options]\n", "unknown section"),
        ("[columns\n", "not a TOML map file"),
    ],
)
def test_a_bad_map_file_is_refused_naming_the_key(tmp_path: Path, text: str, words: str) -> None:
    with pytest.raises(ImportRefused, match=words):
        read_map_file(_write(tmp_path, text))


def test_a_missing_map_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(ImportRefused, match="does not exist"):
        read_map_file(tmp_path / "none.toml")
