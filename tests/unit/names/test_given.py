"""First-name knowledge (issue 3, item 4): equivalents, diminutives, gender."""

from __future__ import annotations

import pytest

from kintrace.names import given_gender, given_is_diminutive, given_name_classes, name_key

CLASSES = [
    # name, expected classes, why
    ("Олександр", {"oleksandr:m"}, "Ukrainian full form"),
    ("Александр", {"oleksandr:m"}, "Russian form"),
    ("Oleksandr", {"oleksandr:m"}, "Latin 2010"),
    ("Alexander", {"oleksandr:m"}, "English form"),
    ("Сашко", {"oleksandr:m"}, "Ukrainian boy's diminutive"),
    ("Саша", {"oleksandr:m", "oleksandra:f"}, "diminutive shared by both genders"),
    ("Sasha", {"oleksandr:m", "oleksandra:f"}, "Latin shared diminutive"),
    ("Олександра", {"oleksandra:f"}, "feminine form is its own class"),
    ("Женя", {"yevhen:m", "yevheniia:f"}, "shared diminutive"),
    ("Микола", {"mykola:m"}, "Ukrainian"),
    ("Николай", {"mykola:m"}, "Russian equivalent"),
    ("Ганна", {"hanna:f"}, "Ukrainian"),
    ("Анна", {"hanna:f"}, "Russian (and Ukrainian) Анна"),
    ("Олексій", {"oleksii:m"}, "Ukrainian"),
    ("Алексей", {"oleksii:m"}, "Russian"),
    ("Льоша", {"oleksii:m"}, "Ukrainian diminutive"),
    ("Лёша", {"oleksii:m"}, "Russian diminutive"),
    ("Христина", {"khrystyna:f"}, "Ukrainian"),
    ("Кристина", {"khrystyna:f"}, "Russian"),
    ("Настя", {"anastasiia:f"}, "diminutive"),
    ("Іван", {"ivan:m"}, "male"),
    ("Іванна", {"ivanna:f"}, "female, not Іван"),
    ("Марія", {"mariia:f"}, "not Марина"),
    ("Марина", {"maryna:f"}, "not Марія"),
    ("Галина", {"halyna:f"}, "not Ганна"),
    ("Mychajlo", {"mykhailo:m"}, "German/Polish ch for х, listed in the table"),
    ("Eugénie", {"yevhen:m", "yevheniia:f"}, "French girl's form, Eugène's key: sex decides"),
    ("Cyrille", {"kyrylo:m"}, "French form"),
    ("Grégoire", {"hryhorii:m"}, "French form"),
    ("Stanislas", {"stanislav:m"}, "French form"),
    ("Victoire", {"viktoriia:f"}, "French form"),
    ("Karine", {"karyna:f"}, "French form"),
    ("Семко", {"semen:m"}, "Ukrainian diminutive"),
    ("Яся", {"yaroslava:f"}, "Ukrainian diminutive"),
    ("Петрусь", {"petro:m"}, "Ukrainian diminutive"),
    ("Дениска", {"denys:m"}, "-ка added to a boy's full name"),
    ("Назарка", {"nazar:m"}, "-ка added to a boy's full name"),
    ("Іринка", {"iryna:f"}, "-ка in place of a girl's final -а"),
    ("Діанка", {"diana:f"}, "-ка in place of a girl's final -а"),
    ("Ірина", {"iryna:f"}, "a full name is never read as a diminutive"),
]


@pytest.mark.parametrize(("name", "expected", "why"), CLASSES)
def test_given_name_classes(name: str, expected: set[str], why: str) -> None:
    assert given_name_classes(name) == frozenset(expected), why


def test_unknown_name_gives_its_key() -> None:
    assert given_name_classes("Зоригоор") == frozenset({name_key("Зоригоор")})
    assert given_name_classes("") == frozenset()


GENDER = [
    ("Олександр", "M"), ("Олександра", "F"), ("Саша", ""), ("Женя", ""), ("Іванна", "F"),
    ("Сашко", "M"), ("Зоригоор", ""), ("", ""),
]  # fmt: skip


@pytest.mark.parametrize(("name", "gender"), GENDER)
def test_given_gender(name: str, gender: str) -> None:
    assert given_gender(name) == gender


@pytest.mark.parametrize(
    ("name", "is_dim"),
    [("Сашко", True), ("Саша", True), ("Олександр", False), ("Женя", True), ("Оля", True),
     ("Ольга", False), ("Зоригоор", False)],
)  # fmt: skip
def test_given_is_diminutive(name: str, is_dim: bool) -> None:
    assert given_is_diminutive(name) is is_dim
