"""Transliteration standards (issue 3, item 2), checked against the official examples."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kintrace.names import STANDARDS, transliterate, transliterations

# Examples printed in Cabinet of Ministers resolution No. 55 (27 Jan 2010): word-initial Є/Ї/Й/Ю/Я,
# зг -> zgh, soft sign and apostrophe dropped.
UK_2010 = [
    ("Алушта", "Alushta"), ("Борщагівка", "Borshchahivka"), ("Вишгород", "Vyshhorod"),
    ("Гадяч", "Hadiach"), ("Згорани", "Zghorany"), ("Розгон", "Rozghon"), ("Ґалаґан", "Galagan"),
    ("Рівне", "Rivne"), ("Єнакієве", "Yenakiieve"), ("Гаєвич", "Haievych"),
    ("Короп'є", "Koropie"), ("Житомир", "Zhytomyr"), ("Закарпаття", "Zakarpattia"),
    ("Іршава", "Irshava"), ("Їжакевич", "Yizhakevych"), ("Кадиївка", "Kadyivka"),
    ("Йосипівка", "Yosypivka"), ("Стрий", "Stryi"), ("Олексій", "Oleksii"), ("Київ", "Kyiv"),
    ("Миколаїв", "Mykolaiv"), ("Харків", "Kharkiv"), ("Біла Церква", "Bila Tserkva"),
    ("Чернівці", "Chernivtsi"), ("Гоща", "Hoshcha"), ("Щербухи", "Shcherbukhy"),
    ("Юрій", "Yurii"), ("Корюківка", "Koriukivka"), ("Яготин", "Yahotyn"), ("Ічня", "Ichnia"),
    ("Знам'янка", "Znamianka"), ("Феодосія", "Feodosiia"), ("Костянтин", "Kostiantyn"),
]  # fmt: skip


@pytest.mark.parametrize(("cyrillic", "latin"), UK_2010)
def test_ukrainian_national_2010(cyrillic: str, latin: str) -> None:
    assert transliterate(cyrillic, "uk_national_2010") == latin


OTHER = [
    # text, standard, expected, rule
    ("ЗГУРОВСЬКИЙ", "uk_national_2010", "ZGHUROVSKYI", "upper case keeps zgh whole"),
    ("Згуровський", "uk_bgn_pcgn", "Z·hurovs'kyy", "BGN/PCGN separates з·г from ж"),
    ("Юрій", "uk_passport_2007", "Iurii", "2007: no word-initial Yu"),
    ("Ганна", "uk_passport_2007", "Ganna", "2007: г = g"),
    ("Олександр Ковальчук", "uk_french", "Oleksandr Kovaltchouk", "French tch/ou"),
    ("Ковальчук", "uk_german", "Kowaltschuk", "German w/tsch"),
    ("Олексій", "uk_iso9", "Oleksìj", "ISO 9 diacritics"),
    ("Александр", "ru_icao_2013", "Aleksandr", "ICAO"),
    ("Юрий", "ru_icao_2013", "Iurii", "ICAO: ю = iu, й = i"),
    ("Подъездов", "ru_icao_2013", "Podieezdov", "ICAO: ъ = ie"),
    ("Наталья", "ru_icao_2013", "Natalia", "ICAO: ь dropped"),
    ("Ёлкин", "ru_icao_2013", "Elkin", "ICAO: ё = e"),
    ("Евгений", "ru_passport_1997", "Yevgeniy", "1997: ye word-initially"),
    ("Андреевич", "ru_passport_1997", "Andreyevich", "1997: ye after a vowel"),
    ("Щукин", "ru_bgn_pcgn", "Shchukin", "BGN/PCGN"),
    ("Ёлкин", "ru_bgn_pcgn", "Yëlkin", "BGN/PCGN: word-initial yë"),
    ("Щукин", "ru_iso9", "Ŝukin", "ISO 9"),
    ("Хабаров", "ru_gost_7_79_b", "Xabarov", "GOST 7.79 B: х = x"),
    ("Крылов", "uk_national_2010", "Krylov", "Russian ы under a Ukrainian standard"),
    ("Олексій", "ru_icao_2013", "Oleksii", "Ukrainian і under a Russian standard"),
    ("Oleksandr", "ru_icao_2013", "Oleksandr", "Latin text is left as it is"),
]


@pytest.mark.parametrize(("text", "standard", "expected", "rule"), OTHER)
def test_other_standards(text: str, standard: str, expected: str, rule: str) -> None:
    assert transliterate(text, standard) == expected, rule


def test_transliterations_cover_every_standard() -> None:
    assert set(transliterations("Олександр")) == set(STANDARDS)


def test_unknown_standard_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="expected one of"):
        transliterate("Олександр", "klingon")


CYRILLIC = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюяыэъё'"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=CYRILLIC + CYRILLIC.upper() + " -", max_size=30))
def test_every_standard_gives_latin_only(text: str) -> None:
    for standard in STANDARDS:
        out = transliterate(text, standard)
        assert not any("\u0400" <= ch <= "\u04ff" for ch in out), (standard, out)
