"""Latin spellings as the different sources write them.

The Ukrainian national 2010 system, Ukrainian BGN/PCGN and the French-style spelling come from
`translitua` (MIT); Russian passport (1997) and ICAO spellings too. Russian BGN/PCGN is not in
`translitua`, so it is written out here from the published table. None of this is shared with
`kintrace.names`: the matcher must not be evaluated on its own tables.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import translitua

_RU_BGN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ё": "ë", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": '"', "ы": "y", "ь": "'", "э": "e", "ю": "yu", "я": "ya",
    # Ukrainian letters a Russian clerk sometimes leaves in a name.
    "і": "i", "ї": "yi", "є": "ye", "ґ": "g",
}  # fmt: skip
_VOWELS_AND_SIGNS = set("аеёиоуыэюяйъьіїє")


def russian_bgn(text: str) -> str:
    """Russian BGN/PCGN (1947): е is `ye` at the start of a word and after a vowel or sign."""
    out: list[str] = []
    previous = ""
    for char in text:
        lower = char.lower()
        if lower == "е":
            latin = "ye" if (not previous or previous in _VOWELS_AND_SIGNS) else "e"
        else:
            latin = _RU_BGN.get(lower, char)
        if char != lower and latin:
            latin = latin[0].upper() + latin[1:]
        out.append(latin)
        previous = lower if lower.isalpha() else ""
    return "".join(out)


def _translitua(table: type) -> Callable[[str], str]:
    def convert(text: str) -> str:
        return translitua.translit(text, table)

    return convert


@cache
def spellers() -> dict[str, Callable[[str], str]]:
    """Transliteration functions by standard name (the names used in ground-truth tags)."""
    return {
        "kmu": _translitua(translitua.UkrainianKMU),
        "ua_bgn": _translitua(translitua.UkrainianBGN),
        "french": _translitua(translitua.UkrainianFrench),
        "ru_bgn": russian_bgn,
        "ru_passport": _translitua(translitua.RussianInternationalPassport1997),
        "ru_icao": _translitua(translitua.RussianICAO),
    }
