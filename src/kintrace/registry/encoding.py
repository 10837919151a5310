"""Telling the text encoding of a delimited file: UTF-8 (with or without BOM), UTF-16 with BOM,
Windows-1251 or KOI8-U.

charset-normalizer alone often confuses Windows-1251 and KOI8-U on short Cyrillic text (a list of
names in capitals is a few hundred letters), so both single-byte candidates are decoded and scored
by how Ukrainian/Russian the letters look: letter frequencies and word casing. Text that is
convincing in neither (a Western European file, UTF-16 without BOM, binary) is refused rather than
imported as mojibake.
"""

from __future__ import annotations

import codecs
import math
import re

from charset_normalizer import from_bytes

from kintrace.registry import reasons
from kintrace.registry.errors import ImportRefused

#: Approximate frequencies (per 1000 letters) of lower-case letters in Ukrainian and Russian
#: personal-data text (names, places), merged. Unlisted Cyrillic letters count as rare.
_FREQ = {
    "о": 95, "а": 85, "е": 70, "н": 60, "и": 60, "і": 40, "в": 45, "р": 45, "т": 45, "л": 45,
    "к": 40, "с": 45, "м": 30, "д": 28, "п": 25, "у": 25, "я": 22, "ь": 15, "й": 14, "з": 16,
    "г": 15, "б": 15, "ч": 12, "х": 9, "ж": 8, "ц": 6, "ш": 6, "ю": 6,
    "ї": 6, "є": 4, "ф": 3, "щ": 3, "ы": 10, "э": 2, "ё": 1, "ъ": 1, "ґ": 1,
}  # fmt: skip
_RARE = 0.3
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_WORD = re.compile(r"[^\W\d_]+")
_LATIN = re.compile(r"[A-Za-z]")
#: Characters a list of names rarely holds but a wrong code page produces (¶, ©, box drawing...).
_ODD = re.compile(r"[^\x00-\x7f\u0400-\u04ff«»„“”‘’ʼ–—№\u00a0]")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: Minimum average log-score per Cyrillic letter for a single-byte decoding to be believed.
_MIN_LETTER_SCORE = math.log(12)


def detect_encoding(sample: bytes, *, file_label: str) -> str:
    """The Python codec name for `sample` (the first megabytes of a file), or ImportRefused."""
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    if b"\x00" in sample:
        raise _unknown(sample, file_label, reasons.NUL_BYTES)
    if _is_utf8(sample):
        return "utf-8"
    best: tuple[float, str] | None = None
    for name in ("cp1251", "koi8_u"):
        text = sample.decode(name, errors="replace")
        score = _cyrillic_score(text)
        if score is not None and (best is None or score > best[0]):
            best = (score, name)
    if best is None or best[0] < _MIN_LETTER_SCORE:
        raise _unknown(sample, file_label, reasons.NOT_CYRILLIC)
    return best[1]


def _is_utf8(sample: bytes) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(sample, final=False)  # the sample may end inside a character
    except UnicodeDecodeError:
        return False
    return True


def _cyrillic_score(text: str) -> float | None:
    """Average log-frequency of Cyrillic letters, minus penalties for words mixing scripts or with
    upper-case letters inside lower-case words (the marks of the wrong code page)."""
    letters = _CYRILLIC.findall(text)
    if len(letters) < 3:
        return None
    total = sum(math.log(_FREQ.get(ch.lower(), _RARE)) for ch in letters) / len(letters)
    words = [w for w in _WORD.findall(text) if _CYRILLIC.search(w)]
    if not words:
        return None
    mixed = sum(1 for w in words if _LATIN.search(w))
    bad_case = sum(1 for w in words if not (w.islower() or w.isupper() or w.istitle()))
    odd = len(_ODD.findall(text))
    return total - 3.0 * (mixed + bad_case) / len(words) - 5.0 * odd / len(letters)


def _unknown(sample: bytes, file_label: str, why: str) -> ImportRefused:
    guess = from_bytes(sample[:65536]).best()
    looks = reasons.LOOKS_LIKE.format(what=guess.encoding) if guess is not None else ""
    return ImportRefused(reasons.UNKNOWN_ENCODING.format(file=file_label, looks=looks, why=why))
