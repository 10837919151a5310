"""Surnames and patronymics (issue 3, item 5)."""

from __future__ import annotations

import pytest

from kintrace.names import family_gender, family_name_stem, patronymic_class, patronymic_gender

SAME_STEM = [
    (["Ковальов", "Ковальова", "Ковалёв", "Ковалева", "Kovalyova", "Kovalev"], "-ьов/-ёв/-ева"),
    (["Білоус", "Белоус", "Bilous", "Belous"], "і -> е"),
    (["Підгорний", "Подгорный", "Підгорна", "Подгорная", "Pidhornyi"], "і -> о, adjectival"),
    (["Лисенко", "Лысенко", "Lysenko"], "и -> ы"),
    (["Ковальський", "Ковальская", "Kovalska", "Kovalskyi", "Ковальский"], "-ський/-ская"),
    (["Ільїн", "Ильина", "Ilyin"], "-ін/-ина"),
    (["Петрів", "Петров", "Петрова"], "-ів -> -ов"),
    (["Кіт", "Кот"], "і -> о"),
    (["Білецький", "Белецкая"], "-цький/-цкая"),
    (["Біла", "Белая", "Bila", "Belaya", "Білий"], "short adjective -а = -ая, і -> е"),
    (["Лісовий", "Лесовой", "Lisovyi"], "-ий = -ой"),
    (["Вербицька", "Вербицкая", "Verbytska"], "-цька: the c from ts stays ц"),
    (["Осадча", "Осадчая", "Osadtcha"], "-ча = -чая, French tch"),
    (["Олійник", "Олейник", "Oliinyk", "Oleinyk"], "-ій- = -ей- (decision 0324)"),
    (["Олійничук", "Олейнычук", "Oliinychuk"], "-ій- = -ей-, и -> ы"),
    (["Андрійченко", "Андрейченко", "Andriichenko"], "-ій- = -ей-"),
    (["Сергійчук", "Сергейчук"], "-ій- = -ей-"),
]


@pytest.mark.parametrize(("forms", "why"), SAME_STEM)
def test_forms_share_a_stem(forms: list[str], why: str) -> None:
    stems = {family_name_stem(f) for f in forms}
    assert len(stems) == 1, (why, stems)


DIFFERENT_STEM = [
    ("Коваль", "Ковальчук"), ("Мельник", "Мельничук"), ("Коваль", "Ковальов"),
    ("Шевченко", "Шевчук"), ("Бондар", "Бондаренко"), ("Мороз", "Морозов"),
]  # fmt: skip


@pytest.mark.parametrize(("a", "b"), DIFFERENT_STEM)
def test_different_surnames_keep_different_stems(a: str, b: str) -> None:
    assert family_name_stem(a) != family_name_stem(b)


@pytest.mark.parametrize(
    ("surname", "gender"),
    [("Ковальська", "F"), ("Ковальський", "M"), ("Петрова", "F"), ("Петров", "M"),
     ("Ильина", "F"), ("Ільїн", "M"), ("Подгорная", "F"), ("Підгорний", "M"),
     ("Ковальчук", ""), ("Шевченко", ""), ("Коваль", ""), ("Kovalska", "F")],
)  # fmt: skip
def test_family_gender(surname: str, gender: str) -> None:
    assert family_gender(surname) == gender


PATRONYMICS = [
    ("Олександрович", "oleksandr:m"), ("Александрович", "oleksandr:m"),
    ("Oleksandrovych", "oleksandr:m"), ("Олександрівна", "oleksandr:f"),
    ("Александровна", "oleksandr:f"), ("Oleksandrivna", "oleksandr:f"),
    ("Миколайович", "mykola:m"), ("Николаевич", "mykola:m"), ("Миколаївна", "mykola:f"),
    ("Николаевна", "mykola:f"), ("Андрійович", "andrii:m"), ("Андреевич", "andrii:m"),
    ("Олексійович", "oleksii:m"), ("Алексеевич", "oleksii:m"), ("Ігорович", "ihor:m"),
    ("Игоревич", "ihor:m"), ("Юрійович", "yurii:m"), ("Юрьевич", "yurii:m"),
    ("Ильич", "illia:m"), ("Ильинична", "illia:f"), ("Сергіївна", "serhii:f"),
    ("Sergeevna", "serhii:f"), ("Васильович", "vasyl:m"), ("Васильевич", "vasyl:m"),
    ("Євгенович", "yevhen:m"), ("Евгеньевна", "yevhen:f"), ("Дмитрович", "dmytro:m"),
    ("Дмитриевич", "dmytro:m"), ("Ковальчук", ""), ("", ""),
]  # fmt: skip


@pytest.mark.parametrize(("patronymic", "expected"), PATRONYMICS)
def test_patronymic_class(patronymic: str, expected: str) -> None:
    assert patronymic_class(patronymic) == expected


def test_patronymic_of_an_unknown_father_keeps_its_stem() -> None:
    assert patronymic_class("Зеноновна") == "zenon:f"
    assert patronymic_gender("Зеноновна") == "F"
    assert patronymic_gender("Петрович") == "M"
    assert patronymic_gender("Петренко") == ""


@pytest.mark.parametrize(
    ("ukrainian", "russian"),
    [
        ("Вовченко", "Волченко"),
        ("Вовчук", "VOLCHUK"),
        ("Ведмеденко", "Медведенко"),
        ("Вовк", "Волк"),
    ],
    ids=["vovch-enko", "vovch-uk-latin", "vedmed", "vovk"],
)
def test_roots_russified_beyond_vowels_share_a_stem(ukrainian: str, russian: str) -> None:
    assert family_name_stem(ukrainian) == family_name_stem(russian)
    assert family_name_stem("Вовченко") != family_name_stem("Вовчук")  # other surnames stay apart
