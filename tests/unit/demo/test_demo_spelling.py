"""Latin spellings and clerical noise: one row per example, with its reason."""

from __future__ import annotations

import random
from datetime import date

import pytest

from kintrace.demo.latin import russian_bgn, spellers
from kintrace.demo.noise import age_at, can_swap, swap_day_month, typo


@pytest.mark.parametrize(
    ("standard", "cyrillic", "latin", "why"),
    [
        ("kmu", "Олександр", "Oleksandr", "national 2010: х→kh"),
        ("kmu", "Ковальова", "Kovalova", "national 2010: soft sign dropped"),
        ("kmu", "Юрій", "Yurii", "national 2010: initial Ю→Yu, й→i"),
        ("kmu", "Згорани", "Zghorany", "national 2010: зг→zgh"),
        ("french", "Ковальчук", "Kovaltchouk", "French-style: ч→tch, у→ou"),
        ("french", "Шевченко", "Chevtchenko", "French-style: ш→ch"),
        ("ua_bgn", "Юрій", "Yuriy", "Ukrainian BGN/PCGN: й→y"),
        ("ru_passport", "Наталья", "Natalya", "Russian passport 1997: ь dropped"),
        ("ru_icao", "Юрий", "Iurii", "ICAO: ю→iu"),
    ],
)
def test_translitua_standards(standard: str, cyrillic: str, latin: str, why: str) -> None:
    assert spellers()[standard](cyrillic) == latin, why


@pytest.mark.parametrize(
    ("cyrillic", "latin", "why"),
    [
        ("Александр", "Aleksandr", "plain letters"),
        ("Елена", "Yelena", "initial е→ye"),
        ("Андреевна", "Andreyevna", "е after a vowel→ye"),
        ("Наталья", "Natal'ya", "ь→' and я→ya"),
        ("Подольск", "Podol'sk", "soft sign kept as an apostrophe"),
        ("Юрий", "Yuriy", "ю→yu, й→y"),
        ("Щербак", "Shcherbak", "щ→shch"),
        ("Подгорный", "Podgornyy", "ы→y, й→y"),
        ("Ростов-на-Дону", "Rostov-na-Donu", "punctuation kept"),
    ],
)
def test_russian_bgn_pcgn(cyrillic: str, latin: str, why: str) -> None:
    assert russian_bgn(cyrillic) == latin, why


@pytest.mark.parametrize("word", ["Олександр", "Ковальчук", "Oleksandr", "Марія", "Іван"])
def test_typo_changes_one_thing_and_keeps_the_first_letter(word: str) -> None:
    rng = random.Random(1)
    for _ in range(200):
        wrong = typo(word, rng)
        assert wrong != word
        assert wrong[0] == word[0]
        assert abs(len(wrong) - len(word)) <= 1


@pytest.mark.parametrize(
    ("birth", "on", "age", "why"),
    [
        (date(2010, 5, 20), date(2022, 5, 19), 11, "day before the birthday"),
        (date(2010, 5, 20), date(2022, 5, 20), 12, "on the birthday"),
        (date(2012, 2, 29), date(2023, 2, 28), 10, "leap-day birth"),
    ],
)
def test_age_at(birth: date, on: date, age: int, why: str) -> None:
    assert age_at(birth, on) == age, why


@pytest.mark.parametrize(
    ("day", "swappable", "why"),
    [
        (date(2014, 3, 7), True, "7 March reads as 3 July"),
        (date(2014, 3, 13), False, "13 cannot be a month"),
        (date(2014, 5, 5), False, "5 May swaps to itself"),
    ],
)
def test_day_month_swap(day: date, swappable: bool, why: str) -> None:
    assert can_swap(day) is swappable, why
    if swappable:
        assert swap_day_month(day) == date(day.year, day.day, day.month)
