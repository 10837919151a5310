"""Matching keys: one value for every spelling of a name part, in any script and standard.

The key is a compact Latin spelling on an ISO-9-like alphabet where each sound the standards
disagree on has one letter:

    г ґ х / g h kh gh          -> h      (absorbs Ganna/Hanna, Olga/Olha, Mikhail/Mykhailo)
    и і ї й ы / i y j          -> i      (absorbs Mykola/Mikola, Yurii/Yuriy/Jurij)
    е є э / e ye ie je         -> e      (absorbs Yevhen/Ievgen/Evgenii)
    ж / zh ž (j in French)     -> ž      ч / ch tch tsch č cz -> č
    ш / sh sch š sz            -> š      щ / shch schtsch shh ŝ -> ŝ
    ц / ts tz c                -> c      ь ъ ' ’ ʼ · ′ and hyphens inside a word -> dropped
    x -> ks, except at the start before a, o, u, i, y (GOST 7.79 B's х: Xabarov)
    ё, ьо / yo io (after a consonant) -> e (Ковальова, Ковалёва, Kovaleva, Kovalyova)
    doubled letters collapse (Hanna/Hana, Filippov/Filipov); w -> v; ph -> f
    French-looking words (tch, iou, ouch, initial ou): ou -> u, ch -> š, j -> ž (Kovaltchouk,
    Kouchnir)

"зг" is kept apart from "ж" (z + h, never ž), as the Ukrainian 2010 rules require (zgh).
The coarse key drops the vowels after the first letter and merges the hushing sounds: it is for
candidate search (blocking), never for a decision.

Both keys are pure functions of their input, cached (lru_cache), and never raise.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from kintrace.names.script import repair_homoglyphs

__all__ = ["coarse_key", "coarse_of_key", "name_key", "token_key"]

_CYR = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "h", "д": "d", "е": "e", "є": "ie", "ё": "io",
    "ж": "ž", "з": "z", "и": "i", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h",
    "ц": "c", "ч": "č", "ш": "š", "щ": "ŝ", "ь": "", "ъ": "", "ы": "i", "э": "e", "ю": "iu",
    "я": "ia",
}  # fmt: skip

# Latin letters with diacritics from the standards (ISO 9, BGN, ALA-LC), before digraph rules.
_LAT_CHARS = {
    "ž": "ž", "č": "č", "š": "š", "ŝ": "ŝ", "û": "iu", "â": "ia", "ê": "ie", "ë": "io", "è": "e",
    "é": "e", "ì": "i", "ï": "i", "ĭ": "i", "ȳ": "i", "ý": "i", "ö": "o", "ü": "u", "ä": "a",
    "ß": "ss", "ǵ": "g", "ç": "s", "ł": "l", "ń": "n", "ś": "s", "ź": "z", "ż": "ž", "ć": "č",
    "ą": "a", "ę": "e", "ó": "o", "ú": "u", "á": "a", "í": "i", "ò": "o", "à": "a", "ù": "u",
    "ø": "o", "å": "a", "ñ": "n", "ő": "o", "ű": "u",
}  # fmt: skip

# Digraphs, longest first; one left-to-right pass so no output is rewritten again.
_DIGRAPHS = [
    ("schtsch", "ŝ"), ("shtsh", "ŝ"), ("chtch", "ŝ"), ("szcz", "ŝ"), ("shch", "ŝ"), ("shh", "ŝ"),
    ("tsch", "č"), ("tch", "č"), ("zgh", "zh"), ("z·h", "zh"), ("sch", "š"), ("ch", "č"),
    ("cz", "č"), ("sh", "š"), ("sz", "š"), ("zh", "ž"), ("kh", "h"), ("gh", "h"), ("ph", "f"),
    ("th", "t"), ("ts", "c"), ("tz", "c"), ("ck", "k"), ("x", "ks"), ("q", "k"),
    ("w", "v"), ("g", "h"), ("y", "i"), ("j", "i"),
]  # fmt: skip
_DIGRAPH_MAP = dict(_DIGRAPHS)
_DIGRAPH_RE = re.compile("|".join(re.escape(k) for k, _ in _DIGRAPHS))
# French spelling (tch, iou, ouch, initial ou) writes у as "ou", ш as "ch" and ж as "j".  Elsewhere
# "ou" is о + у (Bilous, Belousov), so the rule only applies to words that look French.
_FRENCH_DIGRAPH_MAP = {**_DIGRAPH_MAP, "ch": "š", "j": "ž", "ou": "u"}
_FRENCH_DIGRAPH_RE = re.compile(
    "|".join(re.escape(k) for k in sorted(_FRENCH_DIGRAPH_MAP, key=len, reverse=True))
)
# a Latin "c" before a back vowel or a consonant is k (Victor, Nicolai); not "ch", "cz", "ck"
_C_HARD = re.compile(r"c(?=[aoulrtmnbdfpv])")
_DOUBLE = re.compile(r"(.)\1+")
_CONS = "bcčdfhklmnprsštvzžŝ"
_IO_AFTER_CONSONANT = re.compile(f"(?<=[{_CONS}])io")
_APOSTROPHES = re.compile(r"['’ʼ`ʹ′″”\"]")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_SPLIT = re.compile(r"[\s\-‐‑–—_/.,;:()]+")


def _latin_token(tok: str) -> str:
    if not tok.isascii():
        tok = "".join(_LAT_CHARS.get(ch, ch) for ch in tok)
    # anything else with a diacritic: strip the mark
    if not tok.isascii():
        tok = "".join(ch if ch in "žčšŝ·" else unicodedata.normalize("NFKD", ch)[0] for ch in tok)
    if tok.startswith("x") and tok[1:2] in ("a", "o", "u", "i", "y"):
        tok = "h" + tok[1:]  # GOST 7.79 system B writes х as x (Xabarov); Xenia keeps ks
    tok = _C_HARD.sub("k", tok)  # before the digraphs: a "c" made from "ts" stays ц
    if "tch" in tok or "iou" in tok or "ouch" in tok or tok.startswith("ou"):
        tok = _FRENCH_DIGRAPH_RE.sub(lambda m: _FRENCH_DIGRAPH_MAP[m.group(0)], tok)
    else:
        tok = _DIGRAPH_RE.sub(lambda m: _DIGRAPH_MAP[m.group(0)], tok)
    return tok


_CYR_TABLE = str.maketrans(_CYR)
_NOT_KEY_LETTER = re.compile(r"[^a-zčšžŝ]+")


def _cyrillic_token(tok: str) -> str:
    # Ukrainian ьо is the sound of Russian ё (Ковальова/Ковалёва)
    return tok.replace("ьо", "ё").translate(_CYR_TABLE)


@lru_cache(maxsize=500_000)
def token_key(token: str) -> str:
    """Key of one word (no spaces or hyphens), already lower-case and homoglyph-repaired."""
    token = _APOSTROPHES.sub("", token)
    cyrillic = _CYRILLIC.search(token) is not None
    out = _cyrillic_token(token) if cyrillic else _latin_token(token)
    out = _DOUBLE.sub(r"\1", _NOT_KEY_LETTER.sub("", out))
    out = out.replace("ie", "e")
    if "io" in out:
        out = _IO_AFTER_CONSONANT.sub("e", out)
    return _DOUBLE.sub(r"\1", out)


@lru_cache(maxsize=500_000)
def _name_key(part: str) -> str:
    text = repair_homoglyphs(part).lower()
    keys = [token_key(tok) for tok in _SPLIT.split(text) if tok]
    return " ".join(k for k in keys if k)


def name_key(part: str) -> str:
    """One value for every spelling of a name part; "" when it has no letters.

    Олександр, Oleksandr and Aleksandr do not share a key (different letters): the first-name
    tables (`given_name_classes`) join them.  Several words (double names, hyphenated surnames)
    give their keys joined by single spaces.
    """
    if not isinstance(part, str) or not part:
        return ""
    return _name_key(part[:200])


_COARSE_MAP = str.maketrans({"ž": "z", "š": "s", "ŝ": "s", "č": "c", "h": None})


@lru_cache(maxsize=500_000)
def coarse_of_key(key: str) -> str:
    """`coarse_key` for an already computed name key."""
    words = []
    for word in key.split(" "):
        if not word:
            continue
        first = "a" if word[0] in "aeiou" else word[0].translate(_COARSE_MAP) or "h"
        rest = "".join(ch for ch in word[1:] if ch not in "aeiou").translate(_COARSE_MAP)
        words.append(_DOUBLE.sub(r"\1", first + rest))
    return " ".join(words)


def coarse_key(part: str) -> str:
    """A coarser key for candidate search: first letter (vowels as "a") plus the consonants.

    Joins Підгорний/Подгорный, Білоус/Белоус, Olexandr/Aleksandr; too coarse to decide a match.
    """
    return coarse_of_key(name_key(part))
