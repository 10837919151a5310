"""Surnames: gender forms and Russified spellings reduced to one stem.

Rules, applied to each word of the name key (see `kintrace.names.keys`):

* adjectival forms: -ський/-ська/-ский/-ская/-ской (and -цький...) -> "sk"/"ck";
  -ний/-на/-ный/-ная/-ной -> "n"  (Підгорний, Підгорна, Подгорная)
* possessive forms: -ов/-ова/-ев/-ева/-ьов/-ьова/-ёв/-ёва/-ів -> "ov"  (Ковальова, Ковалёва, Петрів)
* -ін/-іна/-ин/-ина/-ын/-ына -> "in"  (Ільїн, Ильина)
* other adjectival endings after a consonant are dropped: -ий/-ій/-ый/-ой/-а/-ая (Білий, Біла,
  Белая; Лісовий, Лесовой).  A noun surname in -а (Сирота) loses its -а too: harmless, both
  sides are reduced alike
* Russification of vowels: Ukrainian і often stands where Russian writes и, е or о (Білоус/Белоус,
  Підгорний/Подгорный); the stem writes i, e and o as one vowel "e".
* roots that differ between the languages beyond vowels, at the start of a surname: вовк/волк
  (Вовченко/Волченко, Вовчук/Волчук), ведмідь/медведь (Ведмеденко/Медведенко); the stem
  writes the Russian root

The stem is for comparison and blocking; it is deliberately tolerant, so `compare` uses it as a
lower level than an equal key, never as proof.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kintrace.names.keys import name_key

__all__ = ["family_gender", "family_gender_of_key", "family_name_stem", "family_stem_of_key"]

_ADJ_SK = re.compile(r"(sk|ck|cк)(aia|oi|a|i)$")
_ADJ_N = re.compile(r"(?<=[aeiou][a-zčšžŝ])n(aia|oi|i|a)$")
_POSS = re.compile(r"(ova|eva|ov|ev|iv)$")
_IN = re.compile(r"(ina|in)$")
# other adjectival endings: -ий/-ій/-ый/-ой, -а/-ая (Білий, Біла, Белая; Лісовий, Лесовой)
_ADJ = re.compile(r"(?<=[bcčdfhklmnprsštvzžŝ])(aia|oi|i|a)$")
_VOWELS = str.maketrans({"i": "e", "o": "e"})
# the key collapses doubled letters (Oliinyk -> olinik); "ei" made "ee" by the vowel rule is the
# Russian spelling of the same ій (Олейник), so the stem collapses them again
_DOUBLE = re.compile(r"(.)\1+")

_FEMININE = re.compile(r"((sk|ck)(a|aia)|ova|eva|ina|aia|[aeiou][a-zčšžŝ]na)$")
_MASCULINE = re.compile(r"((sk|ck)(i|oi)|ov|ev|in|oi|[aeiou][a-zčšžŝ]ni)$")


#: Ukrainian -> Russian roots at the start of a surname's key (Вовк -> Волк, Ведмідь -> Медведь)
_ROOTS = (("vovk", "volk"), ("vovč", "volč"), ("vedmed", "medved"), ("vedmid", "medved"))


def _stem_word(word: str) -> str:
    for ukrainian, russian in _ROOTS:
        if word.startswith(ukrainian):
            word = russian + word[len(ukrainian) :]
            break
    if len(word) <= 3:
        return _DOUBLE.sub(r"\1", word.translate(_VOWELS))
    stem = _ADJ_SK.sub(r"\1", word)
    if stem == word:
        stem = _ADJ_N.sub("n", word)
    if stem == word:
        stem = _POSS.sub("ov", word)
    if stem == word and len(word) > 4:
        stem = _IN.sub("in", word)
    if stem == word and len(word) > 3:
        stem = _ADJ.sub("", word)
    return _DOUBLE.sub(r"\1", stem.translate(_VOWELS))


@lru_cache(maxsize=300_000)
def family_stem_of_key(key: str) -> str:
    """`family_name_stem` for an already computed name key."""
    return " ".join(_stem_word(w) for w in key.split(" ") if w)


def family_name_stem(part: str) -> str:
    """Gender- and Russification-neutral key of a surname; "" when it has no letters.

    Ковальов, Ковальова, Ковалёв, Ковалева, Kovalyova -> one stem; Коваль and Ковальчук keep
    their own stems.
    """
    return family_stem_of_key(name_key(part))


@lru_cache(maxsize=300_000)
def family_gender_of_key(key: str) -> str:
    """`family_gender` for an already computed name key."""
    word = key.rsplit(" ", 1)[-1] if key else ""
    if len(word) <= 3:
        return ""
    if _FEMININE.search(word):
        return "F"
    if _MASCULINE.search(word):
        return "M"
    return ""


def family_gender(part: str) -> str:
    """ "M"/"F" when the surname's ending has a gender (-ська/-ський, -ова/-ов, -іна/-ін).

    "" when it has none (Коваль, Шевченко, Ковальчук).
    """
    return family_gender_of_key(name_key(part))
