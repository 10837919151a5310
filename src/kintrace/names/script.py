"""Which alphabet (and, for Cyrillic, which language) a name part is written in; homoglyph repair.

Scanned and retyped lists mix look-alike letters: a Latin "i" typed for the Ukrainian "і" (very
common), a Latin "o", "a", "c", "p", "x" or "e" inside a Cyrillic word, or Cyrillic letters inside
a Latin word.  Left alone, "Олексiй" (Latin i) never matches "Олексій".  `repair_homoglyphs`
moves each word to the alphabet most of its unambiguous letters are written in.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from functools import lru_cache

__all__ = ["Script", "detect_script", "repair_homoglyphs"]


class Script(enum.Enum):
    """The writing of a name part.

    UKRAINIAN and RUSSIAN mean Cyrillic with letters only that language uses (і ї є ґ or the
    apostrophe; ы э ъ ё); CYRILLIC is Cyrillic with only shared letters; MIXED has both Cyrillic and
    Latin letters (or Ukrainian-only and Russian-only letters together); NONE has no letter at all.
    """

    UKRAINIAN = "ukrainian"
    RUSSIAN = "russian"
    CYRILLIC = "cyrillic"
    LATIN = "latin"
    MIXED = "mixed"
    NONE = "none"


UKRAINIAN_ONLY = frozenset("іїєґІЇЄҐ")
RUSSIAN_ONLY = frozenset("ыэъёЫЭЪЁ")
APOSTROPHES = frozenset("'’ʼ`ʹ′")

# Latin letter -> Cyrillic look-alike, and the reverse.  Only shapes that are identical in common
# fonts; "i" goes to the Ukrainian "і" (the usual slip), "ï" to "ї".
_LATIN_TO_CYRILLIC = {
    "a": "а", "c": "с", "e": "е", "i": "і", "ï": "ї", "o": "о", "p": "р", "x": "х", "y": "у",
    "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "I": "І", "Ï": "Ї", "K": "К", "M": "М",
    "O": "О", "P": "Р", "T": "Т", "X": "Х", "Y": "У",
}  # fmt: skip
_CYRILLIC_TO_LATIN = {v: k for k, v in _LATIN_TO_CYRILLIC.items()}


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff" or "\u0500" <= ch <= "\u052f"


def _is_latin(ch: str) -> bool:
    return (ch.isalpha() and ch.isascii()) or ("\u00c0" <= ch <= "\u024f" and ch.isalpha())


def detect_script(text: str) -> Script:
    """Classify `text` by its letters (see `Script`).  Never raises; non-strings give NONE."""
    if not isinstance(text, str) or not text:
        return Script.NONE
    has_cyr = has_lat = has_uk = has_ru = False
    for ch in text:
        if _is_cyrillic(ch):
            has_cyr = True
            if ch in UKRAINIAN_ONLY:
                has_uk = True
            elif ch in RUSSIAN_ONLY:
                has_ru = True
        elif _is_latin(ch):
            has_lat = True
    if has_cyr and has_lat:
        return Script.MIXED
    if has_cyr:
        if has_uk and has_ru:
            return Script.MIXED
        if has_uk:
            return Script.UKRAINIAN
        if has_ru:
            return Script.RUSSIAN
        # an apostrophe between Cyrillic letters is Ukrainian (Знам'янка); Russian uses ъ.
        for i in range(1, len(text) - 1):
            if text[i] in APOSTROPHES and _is_cyrillic(text[i - 1]) and _is_cyrillic(text[i + 1]):
                return Script.UKRAINIAN
        return Script.CYRILLIC
    if has_lat:
        return Script.LATIN
    return Script.NONE


_WORD = re.compile(r"[^\W\d_]+(?:['’ʼ`ʹ′][^\W\d_]+)*")


@lru_cache(maxsize=100_000)
def _repair_word(word: str) -> str:
    cyr = lat = 0
    for ch in word:
        if _is_cyrillic(ch):
            if ch not in _CYRILLIC_TO_LATIN:
                cyr += 1
        elif _is_latin(ch) and ch not in _LATIN_TO_CYRILLIC:
            lat += 1
    if cyr and not lat:
        return "".join(ch if _is_cyrillic(ch) else _LATIN_TO_CYRILLIC.get(ch, ch) for ch in word)
    if lat and not cyr:
        return "".join(_CYRILLIC_TO_LATIN.get(ch, ch) if _is_cyrillic(ch) else ch for ch in word)
    if cyr or lat:
        # both alphabets have letters with no look-alike: go with the majority, but only move
        # letters that are look-alikes; the others stay as they are (the result stays MIXED).
        if cyr >= lat:
            return "".join(_LATIN_TO_CYRILLIC.get(ch, ch) for ch in word)
        return "".join(_CYRILLIC_TO_LATIN.get(ch, ch) for ch in word)
    # every letter is ambiguous (e.g. "Caxap"): count which alphabet the letters are typed in.
    n_cyr = sum(1 for ch in word if _is_cyrillic(ch))
    n_lat = sum(1 for ch in word if _is_latin(ch))
    if n_cyr and n_lat:
        if n_cyr >= n_lat:
            return "".join(_LATIN_TO_CYRILLIC.get(ch, ch) for ch in word)
        return "".join(_CYRILLIC_TO_LATIN.get(ch, ch) for ch in word)
    return word


_ASCII_LETTER = re.compile("[A-Za-z\u00c0-\u024f]")
_CYRILLIC_LETTER = re.compile("[\u0400-\u052f]")


@lru_cache(maxsize=200_000)
def _repair_cached(text: str) -> str:
    if text.isascii():
        return text
    text = unicodedata.normalize("NFC", text)
    if not _ASCII_LETTER.search(text) or not _CYRILLIC_LETTER.search(text):
        # one alphabet only (the usual case): nothing to move
        return text
    # both alphabets: usually in different words ("Sasha Коваленко"); repair only the words
    # (space-separated) that mix them
    return " ".join(
        _WORD.sub(_repair_match, chunk)
        if _ASCII_LETTER.search(chunk) and _CYRILLIC_LETTER.search(chunk)
        else chunk
        for chunk in text.split(" ")
    )


def _repair_match(m: re.Match[str]) -> str:
    return _repair_word(m.group(0))


def repair_homoglyphs(text: str) -> str:
    """Return `text` (NFC) with look-alike letters moved into the alphabet each word is written in.

    "Олексiй" (Latin i) -> "Олексій"; "Kоvalenko" (Cyrillic о) -> "Kovalenko".  A word whose
    letters are all ambiguous ("Caxap") goes to the alphabet most of its letters were typed in.
    Never raises; non-strings give "".
    """
    if not isinstance(text, str):
        return ""
    if len(text) > 1000:
        text = text[:1000]
    return _repair_cached(text)
