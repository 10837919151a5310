"""Settlement names across scripts, spellings and renamings (kintrace.names.places)."""

from __future__ import annotations

import pytest

from kintrace.names.places import place_key


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Бахмут", "Артемовск"),  # the Soviet name Russian records use
        ("Bakhmut", "г. Артёмовск"),  # Latin, a settlement-type word, ё
        ("Рубіжне", "Рубежное"),  # a Russian spelling far from the Ukrainian one
        ("Rubizhne", "Рубежное"),
        ("Олешки", "Цюрупинск"),
        ("м. Херсон", "Kherson"),  # not in the table: the key alone
    ],
)
def test_one_settlement_one_key(one: str, other: str) -> None:
    assert place_key(one) == place_key(other) is not None


def test_other_settlements_keep_their_own_keys() -> None:
    assert place_key("Бахмут") != place_key("Покровськ")
    assert place_key("Подольск") == place_key("Podolsk")  # unknown to the table, same key
    assert place_key("") is None and place_key(None) is None and place_key("м.") is None


@pytest.mark.parametrize(
    ("address", "settlement"),
    [
        ("Донецьк, Донецька обл.", "Донецьк"),  # the oblast an address adds (decision 0325)
        ("м. Маріуполь, Донецька область", "Маріуполь"),
        ("Сімферополь, АР Крим", "Сімферополь"),
        ("Kherson, Khersonska oblast", "Kherson"),
        ("Донецьк Донецька обл.", "Донецьк"),  # no comma
        ("с. Велика Олександрівка, Бериславський р-н, Херсонська обл.", "Велика Олександрівка"),
    ],
)
def test_the_region_of_an_address_is_not_the_settlement(address: str, settlement: str) -> None:
    assert place_key(address) == place_key(settlement) is not None


def test_a_region_alone_keeps_its_key() -> None:
    assert place_key("АР Крим") is not None
    assert place_key("Нова Каховка") != place_key("Каховка")
