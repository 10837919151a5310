"""Settlement names across scripts, spellings and renamings.

Russian records write a Ukrainian settlement in Russian (Рубежное for Рубіжне) and often under
its former, Soviet name (Артемовск for Бахмут, renamed in 2016); partner lists write either in
Latin letters. `place_key` gives one key to all of them: the settlement-type word is dropped
("м. Херсон", "г. Подольск", "smt Kalanchak"), the rest goes through `name_key` (which joins
scripts and romanisations), and a bundled table (`data/places.csv`, written by hand, not
exhaustive) maps other names and far-drifting spellings to the Ukrainian name's key. A place
the table does not know keeps its own key, so the model's "close spelling" level still applies.
The region an address adds after the settlement ("Донецьк, Донецька обл.", "Kherson,
Khersonska oblast", "Сімферополь, АР Крим", "..., Бахмутський р-н") is not part of the
settlement's name and is left out (decision 0325). Pure: the table is read once from the
package.
"""

from __future__ import annotations

from functools import cache, lru_cache
from importlib import resources

from kintrace.names.keys import name_key

__all__ = ["place_key"]

# Settlement-type words before a place name ("м. Херсон", "г. Подольск", "smt Kalanchak").
_PLACE_PREFIXES = frozenset((
    "м", "м.", "місто", "г", "г.", "город", "с", "с.", "село", "смт", "смт.", "пгт", "пгт.",
    "пос", "пос.", "селище", "посёлок", "поселок", "m", "m.", "misto", "g", "g.", "gorod", "s",
    "s.", "selo", "smt", "smt.", "pgt", "pgt.", "city", "town", "village",
))  # fmt: skip


# Words that make a part of an address a region, not the settlement ("Донецька обл.", "АР Крим",
# "Бахмутський р-н", "Khersonska oblast"): compared without a final dot.
_REGION_WORDS = frozenset((
    "обл", "область", "р-н", "район", "ар", "арк", "респ", "республика", "республіка",
    "obl", "oblast", "oblast'", "region", "raion", "rayon", "r-n", "ar", "ark",
))  # fmt: skip


def _is_region(word: str) -> bool:
    return word.lower().rstrip(".") in _REGION_WORDS


def _settlement_part(place: str) -> str:
    """The settlement of an address: the comma-separated parts that name a region are left out
    (all of them region-like: the text as it is), then, within what is left, a region word and
    the word before it ("Донецьк Донецька обл.")."""
    parts = [part for part in place.split(",") if part.strip()]
    kept = [part for part in parts if not any(_is_region(w) for w in part.split())]
    words = " ".join(kept or parts).split()
    for i, word in enumerate(words):
        if i >= 2 and _is_region(word):
            return " ".join(words[: i - 1])
    return " ".join(words)


@cache
def _aliases() -> dict[str, str]:
    """name_key of every listed name or spelling -> name_key of the Ukrainian name."""
    text = resources.files("kintrace.names").joinpath("data", "places.csv").read_text("utf-8")
    aliases: dict[str, str] = {}
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    for line in lines[1:]:  # the header
        names = [name.strip() for name in line.split("|") if name.strip()]
        if not names:
            continue
        canonical = name_key(names[0])
        for name in names:
            aliases[name_key(name)] = canonical
    return aliases


@lru_cache(maxsize=200_000)
def place_key(place: str | None) -> str | None:
    """One key for a settlement however it is written or named; None when there is none."""
    if not place:
        return None
    words = [w for w in _settlement_part(place).split() if w.lower() not in _PLACE_PREFIXES]
    key = name_key(" ".join(words))
    if not key:
        return None
    return _aliases().get(key, key)
