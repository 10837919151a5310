"""Repairs before matching: a one-letter typo of a known name, name parts in swapped columns,
sex from the patronymic (kintrace.names.features / given)."""

from __future__ import annotations

import pytest

from kintrace.names import record_name_features
from kintrace.names.given import typo_classes
from kintrace.names.keys import name_key


def _features(given: str, family: str = "Гриненко", patronymic: str = "", full: str = ""):  # type: ignore[no-untyped-def]
    return record_name_features(
        given=given, family=family, patronymic=patronymic, full_name=full or None, sex=None
    )


@pytest.mark.parametrize(
    ("typo", "cls"),
    [
        ("Ефгений", "yevhen:m"),  # a letter replaced
        ("Аелксей", "oleksii:m"),  # two neighbours swapped
        ("Олексанр", "oleksandr:m"),  # a letter dropped
        ("Хриситна", "khrystyna:f"),
    ],
    ids=["replaced", "swapped", "dropped", "swapped-2"],
)
def test_a_one_letter_typo_of_a_known_name_takes_its_class(typo: str, cls: str) -> None:
    assert typo_classes(name_key(typo)) == {cls}
    assert _features(typo)["given_classes"] == [cls]


@pytest.mark.parametrize(
    "word",
    [
        "Романа",  # the other gender's form of Роман, not a typo
        "Марна",  # one letter from several names (Марина, Марта ...): ambiguous
        "Іван",  # too short to correct
        "Олександр",  # known: not a typo at all
    ],
    ids=["gender-form", "ambiguous", "short", "known"],
)
def test_no_typo_class_when_unsure(word: str) -> None:
    assert typo_classes(name_key(word)) == frozenset()


def test_given_name_and_surname_in_each_others_columns_are_put_back() -> None:
    swapped = _features("Лещенко", "Михайло")
    straight = _features("Михайло", "Лещенко")
    for column in ("given_key", "given_classes", "family_key", "family_stem"):
        assert swapped[column] == straight[column]
    # two given names: nothing is swapped (a surname such as Марко)
    assert _features("Петро", "Марко")["given_key"] == name_key("Петро")


def test_the_patronymic_tells_the_sex_before_the_first_name() -> None:
    # a typo'd first name the tables read as a boy's; the patronymic is a daughter's
    assert _features("", "", "", "Кухарук Валери Руслановна")["name_gender"] == "F"
    assert _features("Саша", "Коваль", "Петрович")["name_gender"] == "M"


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [("Mousiienko", "Мусієнко"), ("Kouzmenko", "Кузьменко"), ("Chevtchouk", "Шевчук")],
    ids=["ou-1", "ou-2", "french"],
)
def test_a_french_ou_spells_the_same_surname(latin: str, cyrillic: str) -> None:
    assert _features("Іван", latin)["family_stem"] == _features("Іван", cyrillic)["family_stem"]
