"""Splitting a full name written in one field into given name, family name and patronymic.

Order heuristics, in this order:
0. words in brackets (a nickname, a former surname) are left out;
1. a comma separates the family name from the rest ("Ковальчук, Олександр Петрович");
2. a word (not the first) with a patronymic suffix (-ович, -івна, -ovna, -ovych ...) that is not
   itself a known first name is the patronymic, and the word just before it is the given name (both
   the official "Прізвище Ім'я По-батькові" and the "Ім'я По-батькові Прізвище" orders).  A suffix
   on a father's name we know beats a bare suffix (surnames in -вич have one); with only two words
   the father's name must be known;
3. a word found in the first-name tables is the given name, the other the family name;
4. otherwise Cyrillic is read family-first (the order of official lists), Latin given-first.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from kintrace.names.family import family_gender
from kintrace.names.given import given_name_classes, given_table, is_known_class
from kintrace.names.keys import name_key
from kintrace.names.patronymic import patronymic_class, split_patronymic_key
from kintrace.names.script import repair_homoglyphs

__all__ = ["NameParts", "split_full_name", "strip_brackets"]


class NameParts(NamedTuple):
    """A name in parts; "" for a part that is missing."""

    given: str = ""
    family: str = ""
    patronymic: str = ""


# endings of Ukrainian surnames (on keys): -енко, -ук/-юк/-чук, -ко, -ак/-як, -ич, -ик/-ник, -ець
_SURNAME_ENDINGS = ("enko", "uk", "ko", "ak", "ič", "ik", "ec", "ar")
# "О.П." -> "О. П."; an initial is one letter, or a Latin digraph (Yu., Zh.), with a dot
_INITIALS = re.compile(r"(?<![^\W\d_])([^\W\d_]|[A-Z][a-z])\.")
_INITIAL = re.compile(r"^(?:[^\W\d_]|(?:Yu|Ya|Ye|Zh|Ch|Sh|Kh|Ts|Ju|Ja|Je|Iu|Ia)\.)\.?$")


def _is_initial(word: str) -> bool:
    return bool(_INITIAL.match(word))


_CYRILLIC = re.compile("[\u0400-\u04ff]")
_BRACKETS = re.compile(r"\([^)]*\)?")
_WORDS = re.compile(r"[^\s,;]+")
_LETTER = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=200_000)
def _is_known_given(word: str) -> bool:
    return any(is_known_class(c) for c in given_name_classes(word))


@lru_cache(maxsize=200_000)
def _patronymic_strength(word: str) -> int:
    """2: a patronymic of a father name we know; 1: only the suffix looks like one; 0: not one.

    Surnames in -вич (Гриневич, Шкуратович) have the suffix too, hence the strength.
    """
    if not split_patronymic_key(name_key(word))[0] or _is_known_given(word):
        return 0
    father = patronymic_class(word).rsplit(":", 1)[0]
    return 2 if f"{father}:m" in given_table().class_gender else 1


@lru_cache(maxsize=100_000)
def _looks_like_surname(word: str) -> bool:
    key = name_key(word)
    return bool(family_gender(word)) or key.endswith(_SURNAME_ENDINGS)


def _two(words: list[str], cyrillic: bool) -> tuple[str, str]:
    """(given, family) of two words."""
    a, b = words
    ka, kb = _is_known_given(a), _is_known_given(b)
    if ka and not kb:
        return a, b
    if kb and not ka:
        return b, a
    sa, sb = _looks_like_surname(a), _looks_like_surname(b)
    if sa and not sb:
        return b, a
    if sb and not sa:
        return a, b
    return (b, a) if cyrillic else (a, b)


@lru_cache(maxsize=200_000)
def _split(full: str) -> NameParts:
    text = repair_homoglyphs(full).strip()
    text = strip_brackets(text)
    cyrillic = _CYRILLIC.search(text) is not None
    if "," in text:
        family, _, rest = text.partition(",")
        rest_words = [w for w in _WORDS.findall(rest) if _LETTER.search(w)]
        family = " ".join(w for w in _WORDS.findall(family) if _LETTER.search(w))
        given = rest_words[0] if rest_words else ""
        patronymic = " ".join(rest_words[1:2])
        return NameParts(given, family, patronymic)
    if "." in text:
        text = _INITIALS.sub(r"\1. ", text)
    words = [w for w in _WORDS.findall(text) if _LETTER.search(w)]
    if not words:
        return NameParts()
    initials = [w for w in words if len(w) <= 3 and _is_initial(w)]
    if initials and len(initials) == len(words):  # "О.П.": given and patronymic initials
        return NameParts(initials[0], "", initials[1] if len(initials) > 1 else "")
    if initials:
        # "Ковальчук О.П.", "О. П. Ковальчук": initials are the given name and the patronymic
        family = " ".join(w for w in words if not _is_initial(w))
        return NameParts(initials[0], family, initials[1] if len(initials) > 1 else "")
    if len(words) == 1:
        if _is_known_given(words[0]):
            return NameParts(given=words[0])
        return NameParts(family=words[0])
    strength = [_patronymic_strength(w) if i > 0 else 0 for i, w in enumerate(words)]
    best = max(strength)
    # with two words, only a patronymic of a known father name counts (else: Ганна Гриневич)
    if best == 2 or (best == 1 and len(words) > 2):
        patro_at = strength.index(best)
        patronymic = words[patro_at]
        others = words[:patro_at] + words[patro_at + 1 :]
        if len(others) == 1 and not _is_known_given(others[0]) and _looks_like_surname(others[0]):
            return NameParts("", others[0], patronymic)  # "Ткачук Ігорівна": no first name
        given_at = patro_at - 1  # the given name usually stands just before the patronymic
        if not _is_known_given(words[given_at]):
            known = [i for i, w in enumerate(others) if _is_known_given(w)]
            given_at = known[0] if known else given_at
        given = others[given_at]
        return NameParts(given, " ".join(others[:given_at] + others[given_at + 1 :]), patronymic)
    if len(words) == 2:
        given, family = _two(words, cyrillic)
        return NameParts(given, family)
    # three or more words and no patronymic: a known first name wins, else by script order
    for i, w in enumerate(words):
        if _is_known_given(w):
            return NameParts(w, " ".join(words[:i] + words[i + 1 :]))
    if cyrillic:
        return NameParts(words[1], " ".join(words[:1] + words[2:]))
    return NameParts(words[0], " ".join(words[1:]))


def strip_brackets(text: str) -> str:
    """Leave out words in brackets: a nickname or a former name ("Ковальчук Олександр (Саша)",
    "Ковальчук (Петренко)"); a text that is all in brackets keeps its words."""
    if "(" not in text:
        return text
    return _BRACKETS.sub(" ", text).strip() or text.strip("() ")


def split_full_name(full: str) -> NameParts:
    """Split a full name into (given, family, patronymic); never raises."""
    if not isinstance(full, str) or not full.strip():
        return NameParts()
    return _split(full[:300])
