"""Script detection and homoglyph repair (issue 3, item 1). Synthetic names only."""

from __future__ import annotations

import pytest

from kintrace.names import Script, detect_script, repair_homoglyphs

DETECT = [
    # text, expected, why
    ("Олексій", Script.UKRAINIAN, "і is Ukrainian only"),
    ("Їжак", Script.UKRAINIAN, "ї is Ukrainian only"),
    ("Євген", Script.UKRAINIAN, "є is Ukrainian only"),
    ("Ґалаґан", Script.UKRAINIAN, "ґ is Ukrainian only"),
    ("Знам'янка", Script.UKRAINIAN, "apostrophe between Cyrillic letters is Ukrainian"),
    ("Крылов", Script.RUSSIAN, "ы is Russian only"),
    ("Эдуард", Script.RUSSIAN, "э is Russian only"),
    ("Подъездов", Script.RUSSIAN, "ъ is Russian only"),
    ("Ёлкин", Script.RUSSIAN, "ё is Russian only"),
    ("Марина", Script.CYRILLIC, "letters shared by both"),
    ("Kovalchuk", Script.LATIN, "Latin"),
    ("Ševčenko", Script.LATIN, "Latin with diacritics"),
    ("Олексiй", Script.MIXED, "Latin i inside Cyrillic"),
    ("Ільин", Script.UKRAINIAN, "і only, no Russian letter"),
    ("Іванъ", Script.MIXED, "Ukrainian і with Russian ъ"),
    ("", Script.NONE, "empty"),
    ("12345", Script.NONE, "digits"),
    ("😀", Script.NONE, "emoji"),
]


@pytest.mark.parametrize(("text", "expected", "why"), DETECT)
def test_detect_script(text: str, expected: Script, why: str) -> None:
    assert detect_script(text) is expected, why


REPAIR = [
    ("Олексiй", "Олексій", "Latin i -> Ukrainian і"),
    ("Кoваленко", "Коваленко", "Latin o -> Cyrillic о"),
    ("Kовальчук", "Ковальчук", "Latin K -> Cyrillic К"),
    ("Марiя Кoваль", "Марія Коваль", "each word on its own"),
    ("Kovalеnko", "Kovalenko", "Cyrillic е -> Latin e"),
    ("Іvan", "Ivan", "Cyrillic І -> Latin I"),
    ("Олександр", "Олександр", "clean Cyrillic stays"),
    ("Oleksandr", "Oleksandr", "clean Latin stays"),
    ("", "", "empty"),
    ("123 😀", "123 😀", "no letters"),
]


@pytest.mark.parametrize(("text", "expected", "why"), REPAIR)
def test_repair_homoglyphs(text: str, expected: str, why: str) -> None:
    assert repair_homoglyphs(text) == expected, why


def test_repaired_mixed_word_is_no_longer_mixed() -> None:
    assert detect_script(repair_homoglyphs("Олексiй")) is Script.UKRAINIAN


def test_non_string_input_gives_defined_result() -> None:
    assert detect_script(None) is Script.NONE  # type: ignore[arg-type]
    assert repair_homoglyphs(None) == ""  # type: ignore[arg-type]
