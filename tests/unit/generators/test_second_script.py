"""Spellings the second generator writes: one row per example, with its reason. Synthetic."""

from __future__ import annotations

import pytest
from generators.second import noise
from generators.second.script import feminine_ru, feminine_uk, latin, russify

RUSSIFY = [
    pytest.param("Ковальчук", True, "Ковальчук", id="no-ukrainian-letters-unchanged"),
    pytest.param("Гнатюк", True, "Гнатюк", id="ю-kept"),
    pytest.param("Олійник", True, "Олейник", id="ій-before-consonant-is-ей"),
    pytest.param("Шевчишин", True, "Шевчишин", id="и-stays-after-ш-and-ч"),
    pytest.param("Лисенко", True, "Лысенко", id="и-by-ear-is-ы"),
    pytest.param("Лисенко", False, "Лисенко", id="и-kept-when-not-strict"),
    pytest.param("Заїка", True, "Заика", id="ї-is-и"),
    pytest.param("Кузнєцов", True, "Кузнецов", id="є-is-е"),
    pytest.param("Ґалаґан", True, "Галаган", id="ґ-is-г"),
    pytest.param("Лук'яненко", True, "Лукяненко", id="apostrophe-dropped"),
    pytest.param("Ковальов", True, "Ковалёв", id="ьо-is-ё"),
    pytest.param("Швець", True, "Швец", id="final-ць-is-ц"),
    pytest.param("Ковалевський", True, "Ковалевский", id="ськ-is-ск"),
]


@pytest.mark.parametrize(("ukrainian", "strict", "russian"), RUSSIFY)
def test_russify(ukrainian: str, strict: bool, russian: str) -> None:
    assert russify(ukrainian, strict=strict) == russian


LATIN = [
    pytest.param("Олександр", "kmu2010", "Oleksandr", id="kmu-plain"),
    pytest.param("Житомир", "kmu2010", "Zhytomyr", id="kmu-zh-and-y"),
    pytest.param("Харків", "kmu2010", "Kharkiv", id="kmu-kh"),
    pytest.param("Щербак", "kmu2010", "Shcherbak", id="kmu-shch"),
    pytest.param("Їжак", "kmu2010", "Yizhak", id="kmu-initial-yi"),
    pytest.param("Заїка", "kmu2010", "Zaika", id="kmu-inner-i"),
    pytest.param("Єгор", "kmu2010", "Yehor", id="kmu-initial-ye"),
    pytest.param("Юрій", "kmu2010", "Yurii", id="kmu-initial-yu-final-ii"),
    pytest.param("Згурський", "kmu2010", "Zghurskyi", id="kmu-zgh"),
    pytest.param("Кам'янка-Дніпровська", "kmu2010", "Kamianka-Dniprovska", id="kmu-hyphen"),
    pytest.param("Александр", "icao", "Aleksandr", id="icao-russian-form"),
    pytest.param("Ковальчук", "icao", "Kovalchuk", id="icao-soft-sign-dropped"),
    pytest.param("Юрий", "icao", "Iurii", id="icao-iu"),
    pytest.param("Евгений", "bgn_pcgn", "Yevgeniy", id="bgn-initial-ye"),
    pytest.param("Александр", "german_ru", "Alexander", id="german-conventional"),
    pytest.param("Ковальчук", "german_ru", "Kowaltschuk", id="german-w-tsch"),
    pytest.param("Ковальчук", "french", "Kovaltchouk", id="french-tch-ou"),
    pytest.param("Олександр", "polish", "Ołeksandr", id="polish-hard-l"),
    pytest.param("Ковальчук", "polish", "Kowalczuk", id="polish-soft-l-cz"),
    pytest.param("Шевченко", "polish", "Szewczenko", id="polish-sz-cz"),
]


@pytest.mark.parametrize(("cyrillic", "standard", "written"), LATIN)
def test_latin(cyrillic: str, standard: str, written: str) -> None:
    assert latin(cyrillic, standard) == written


def test_latin_keeps_upper_case_words_upper() -> None:
    assert latin("ШЕВЧЕНКО", "kmu2010") == "SHEVCHENKO"


@pytest.mark.parametrize(
    ("masculine", "ukrainian", "russian_masculine", "russian"),
    [
        pytest.param("Ковалевський", "Ковалевська", "Ковалевский", "Ковалевская", id="-ський"),
        pytest.param("Іванов", "Іванова", "Иванов", "Иванова", id="-ов"),
        pytest.param("Осадчий", "Осадча", "Осадчий", "Осадчая", id="-ий"),
        pytest.param("Шевченко", "Шевченко", "Шевченко", "Шевченко", id="-енко-invariant"),
    ],
)
def test_feminine_forms(
    masculine: str, ukrainian: str, russian_masculine: str, russian: str
) -> None:
    assert feminine_uk(masculine) == ukrainian
    assert feminine_ru(russian_masculine) == russian


def test_a_typo_is_one_edit_and_leaves_short_names() -> None:
    import random

    rng = random.Random(1)
    assert noise.typo("Ян", rng, "uk") == "Ян"
    for _ in range(300):
        slipped = noise.typo("Олександр", rng, "uk")
        assert abs(len(slipped) - len("Олександр")) <= 1
        assert slipped != "" and slipped[0].isupper()
