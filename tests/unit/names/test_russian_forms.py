"""Ukrainian names as a Russian register writes them (lists for a Russian counterpart).
One row per example, with its reason. Synthetic names."""

from __future__ import annotations

import pytest

from kintrace.names.russian import (
    russian_family,
    russian_given,
    russian_patronymic,
    russian_place,
)


@pytest.mark.parametrize(
    ("function", "ukrainian", "russian"),
    [
        (russian_given, "Олександр", "Александр"),  # the first-name table, not letters
        (russian_given, "Микола", "Николай"),
        (russian_given, "Марія", "Мария"),
        (russian_given, "Alexander", "Alexander"),  # Latin stays as written
        (russian_patronymic, "Сергійович", "Сергеевич"),  # father Сергій -> Сергей
        (russian_patronymic, "Миколаївна", "Николаевна"),
        (russian_patronymic, "Олександрівна", "Александровна"),  # not the female Александра
        (russian_patronymic, "Василівна", "Васильевна"),
        (russian_patronymic, "Ігорович", "Игоревич"),
        (russian_family, "Ковальова", "Ковалёва"),  # ьо is ё
        (russian_family, "Яблонська", "Яблонская"),  # adjectival ending
        (russian_family, "Зав'ялов", "Завьялов"),  # apostrophe
        (russian_family, "Ковалёва", "Ковалёва"),  # already Russian
        (russian_place, "Бахмут", "Артемовск"),  # the former name Russian records use
        (russian_place, "Київ", "Киев"),
        (russian_place, "Харків", "Харьков"),
    ],
)
def test_russian_forms(function, ukrainian: str, russian: str) -> None:  # type: ignore[no-untyped-def]
    assert function(ukrainian) == russian
