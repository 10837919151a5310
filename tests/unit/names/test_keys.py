"""Matching keys (issue 3, item 3): one key for every spelling, different names stay apart."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kintrace.names import coarse_key, name_key

SAME = [
    (["Кушнір", "Kushnir", "Kouchnir"], "French ouch"),
    # spellings that must share one key, and why
    (
        [
            "Ковальчук",
            "Kovalchuk",
            "Koval'chuk",
            "Kovaltchouk",
            "Kowaltschuk",
            "Kowalczuk",
            "Koval′čuk",
        ],
        "ч: ch/tch/tsch/cz/č; soft sign and apostrophe dropped",
    ),
    (["Марія", "Мария", "Mariya", "Mariia", "Marija", "Maria"], "і/и, я/ia/ya/ja, ii collapsed"),
    (["Юрій", "Юрий", "Yuriy", "Iurii", "Jurij", "Yury", "Ûrìj"], "y/i/j and ю/yu/iu/ju/û"),
    (["Євген", "Yevhen", "Ievgen", "Jewhen"], "є/ye/ie/je and г/h/g"),
    (["Ольга", "Olha", "Olga"], "г absorbs g/h"),
    (["Михайло", "Mykhailo", "Mikhailo", "Mihailo"], "х: kh/h"),
    (
        ["Шевченко", "Shevchenko", "Chevtchenko", "Schewtschenko", "Ševčenko"],
        "ш and ч across usages",
    ),
    (["Щербань", "Shcherban", "Ŝerban′", "Szczerban"], "щ: shch/ŝ/szcz"),
    (["Ковальова", "Ковалёва"], "ьо and ё after a consonant"),
    (["Ковалёва", "Kovaleva", "Kovalyova"], "ё: e/yo"),
    (["Згуровський", "Zghurovskyi", "Z·hurovs'kyy"], "зг kept as z+h"),
    (["Наталія", "Наталья", "Natalia", "Nataliya", "Natalya"], "ія/ья"),
    (["Хабаров", "Khabarov", "Xabarov"], "GOST 7.79 B x = х at the start"),
    (["Олексiй", "Олексій"], "homoglyph Latin i"),
    (["Ганна", "Hanna", "Ganna", "Hana"], "doubled letters collapse"),
]


@pytest.mark.parametrize(("spellings", "why"), SAME)
def test_spellings_share_a_key(spellings: list[str], why: str) -> None:
    keys = {name_key(s) for s in spellings}
    assert len(keys) == 1, (why, keys)


DIFFERENT = [
    ("Згуровський", "Журовський", "зг is not ж"),
    ("Марія", "Марина", "different names"),
    ("Олександр", "Олександра", "gender"),
    ("Іван", "Іванна", "gender"),
    ("Коваль", "Ковальчук", "different surnames"),
    ("Мельник", "Мельничук", "different surnames"),
    ("Ганна", "Галина", "different names"),
    ("Шура", "Сура", "ш is not с"),
    ("Xenia", "Hena", "x before e stays ks"),
]


@pytest.mark.parametrize(("a", "b", "why"), DIFFERENT)
def test_different_names_keep_different_keys(a: str, b: str, why: str) -> None:
    assert name_key(a) != name_key(b), why


COARSE_SAME = [
    ("Підгорний", "Подгорный", "vowels dropped"),
    ("Білоус", "Белоус", "vowels dropped"),
    ("Oleksandr", "Aleksandr", "initial vowel as a"),
    ("Alexander", "Олександр", "x = ks, vowels dropped"),
]


@pytest.mark.parametrize(("a", "b", "why"), COARSE_SAME)
def test_coarse_key_joins_more(a: str, b: str, why: str) -> None:
    assert coarse_key(a) == coarse_key(b), why


def test_several_words_keep_their_boundaries() -> None:
    assert name_key("Ковальчук-Бондар") == "kovalčuk bondar"
    assert name_key("  Анна   Марія ") == "ana maria"


@pytest.mark.parametrize(
    "bad", ["", "   ", "12345", "😀😀", "a" * 500, "Олександр" * 60, "\x00\n\t"]
)
def test_bad_input_gives_a_string(bad: str) -> None:
    assert isinstance(name_key(bad), str)
    assert isinstance(coarse_key(bad), str)


@given(st.text(max_size=600))
def test_keys_never_raise(text: str) -> None:
    key = name_key(text)
    assert key == key.strip()
    coarse_key(text)
