"""Romanisation of Ukrainian and Russian names under the standards a record may have used.

Each standard is applied to the Cyrillic as written.  A letter the standard's language lacks (a
Russian "ы" under a Ukrainian standard, a Ukrainian "і" under a Russian one) is first replaced by
its nearest equivalent in that language, so the result is always Latin.  Latin text is returned as
it is (after homoglyph repair).

Sources: `translitua` (MIT) for the systems whose output we checked against the official rules
(see docs/names.md and tests/unit/names/test_translit.py); our own tables, below, where translitua
has no such system or differs from the rule:

* uk_bgn_pcgn: translitua writes "зг" as "zh", which is the letter "ж"; BGN/PCGN (1965) writes
  "z·h".
* ru_passport_1997: the MVD rules (1997-2010) write "е"/"ё" as "ye" at the start of a word and
  after a vowel, "ъ" or "ь"; translitua writes "e" there.
* ru_bgn_pcgn: not in translitua.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import translitua as _tu

from kintrace.names.script import repair_homoglyphs

__all__ = ["STANDARDS", "transliterate", "transliterations"]

STANDARDS: tuple[str, ...] = (
    "uk_national_2010",  # Cabinet of Ministers resolution No. 55 of 27 Jan 2010 (passports)
    "uk_passport_2007",  # Ukrainian passports 2007-2010 (MVS rules): г=g, no word-initial Ye/Yu/Ya
    "uk_bgn_pcgn",  # BGN/PCGN 1965, used by UK/US agencies and in English-language press
    "uk_iso9",  # ISO 9:1995 = GOST 7.79-2000 system A (diacritics)
    "uk_french",  # French usage (ou, tch, ch=ш, j=ж): Kovaltchouk
    "uk_german",  # German usage (w, sch, tsch, j): Kowaltschuk
    "ru_icao_2013",  # ICAO Doc 9303, Russian passports since 2013 (order 320 of the FMS)
    "ru_passport_1997",  # Russian passports 1997-2010 (MVD order 310)
    "ru_bgn_pcgn",  # BGN/PCGN 1947 for Russian
    "ru_iso9",  # ISO 9:1995 = GOST 7.79-2000 system A
    "ru_gost_7_79_b",  # GOST 7.79-2000 system B (ASCII only: shh, y', x)
)

_WORD = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*")
_VOWELS_RU = "аеёиоуыэюяАЕЁИОУЫЭЮЯ"
_VOWELS_UK = "аеєиіїоуюяАЕЄИІЇОУЮЯ"


def _to_ukrainian_letters(word: str) -> str:
    out = []
    for i, ch in enumerate(word):
        low = ch.lower()
        up = ch != low
        if low == "ы":
            rep = "и"
        elif low == "э":
            rep = "е"
        elif low == "ъ":
            rep = "'"
        elif low == "ё":
            prev = word[i - 1] if i else ""
            rep = "йо" if not prev or prev in _VOWELS_UK or prev in "ьЬ'" else "ьо"
        else:
            out.append(ch)
            continue
        out.append(rep[0].upper() + rep[1:] if up else rep)
    return "".join(out)


def _to_russian_letters(word: str) -> str:
    table = {"і": "и", "ї": "йи", "є": "е", "ґ": "г", "'": "ъ", "’": "ъ", "ʼ": "ъ"}
    out = []
    for ch in word:
        low = ch.lower()
        rep = table.get(low)
        if rep is None:
            out.append(ch)
        else:
            out.append(rep[0].upper() + rep[1:] if ch != low else rep)
    return "".join(out)


def _translitua(table: type) -> Callable[[str], str]:
    def run(word: str) -> str:
        res: str = _tu.translit(word, table)
        return res

    return run


def _uk_bgn(word: str) -> str:
    word = re.sub("([Зз])([Гг])", r"\1·\2", word)
    res: str = _tu.translit(word, _tu.UkrainianBGN)
    return res


_RU_PLAIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ж": "zh", "з": "z", "и": "i", "й": "y",
    "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ы": "y",
    "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip


def _ru_table(*, soft: str, hard: str, yo_plain: str, yo_after: str) -> Callable[[str], str]:
    """A Russian system with the 'ye after a vowel, ъ, ь or at the start' rule (1997, BGN/PCGN)."""

    def run(word: str) -> str:
        out = []
        for i, ch in enumerate(word):
            low = ch.lower()
            prev = word[i - 1].lower() if i else ""
            after = not prev or prev in _VOWELS_RU.lower() or prev in "ъьй"
            if low == "е":
                rep = "ye" if after else "e"
            elif low == "ё":
                rep = yo_after if after else yo_plain
            elif low == "ь":
                rep = soft
            elif low == "ъ":
                rep = hard
            else:
                rep = _RU_PLAIN.get(low, ch)
            if ch != low and rep:
                rep = rep.upper() if word.isupper() else rep[0].upper() + rep[1:]
            out.append(rep)
        return "".join(out)

    return run


_UK = "uk"
_RU = "ru"
_SYSTEMS: dict[str, tuple[str, Callable[[str], str]]] = {
    "uk_national_2010": (_UK, _translitua(_tu.UkrainianKMU)),
    "uk_passport_2007": (_UK, _translitua(_tu.UkrainianPassport2007)),
    "uk_bgn_pcgn": (_UK, _uk_bgn),
    "uk_iso9": (_UK, _translitua(_tu.UkrainianISO9)),
    "uk_french": (_UK, _translitua(_tu.UkrainianFrench)),
    "uk_german": (_UK, _translitua(_tu.UkrainianGerman)),
    "ru_icao_2013": (_RU, _translitua(_tu.RussianICAO)),
    "ru_passport_1997": (_RU, _ru_table(soft="", hard="", yo_plain="e", yo_after="ye")),
    "ru_bgn_pcgn": (_RU, _ru_table(soft="’", hard="”", yo_plain="ë", yo_after="yë")),
    "ru_iso9": (_RU, _translitua(_tu.RussianISO9SystemA)),
    "ru_gost_7_79_b": (_RU, _translitua(_tu.RussianISO9SystemB)),
}
assert tuple(_SYSTEMS) == STANDARDS


@lru_cache(maxsize=100_000)
def _transliterate(text: str, standard: str) -> str:
    lang, run = _SYSTEMS[standard]
    adapt = _to_ukrainian_letters if lang == _UK else _to_russian_letters

    def one(m: re.Match[str]) -> str:
        word = m.group(0)
        if not any("\u0400" <= ch <= "\u04ff" for ch in word):
            return word
        res = run(adapt(word))
        if word.isupper() and len(word) > 1:
            return res.upper()
        return res

    return _WORD.sub(one, text)


def transliterate(text: str, standard: str) -> str:
    """Romanise `text` under `standard` (one of `STANDARDS`).

    Raises ValueError for an unknown standard (a programming error, not a data error); any text,
    including empty, digits or emoji, gives a defined string.
    """
    if standard not in _SYSTEMS:
        expected = ", ".join(STANDARDS)
        raise ValueError(
            f"unknown transliteration standard {standard!r}; expected one of: {expected}"
        )
    if not isinstance(text, str) or not text:
        return ""
    return _transliterate(repair_homoglyphs(text), standard)


def transliterations(text: str) -> dict[str, str]:
    """Every standard in `STANDARDS` -> the Latin spelling of `text` under it."""
    return {std: transliterate(text, std) for std in STANDARDS}
