"""Patronymics in both languages and genders, reduced to the father's first-name class.

Олександрович, Александрович, Oleksandrovych (son) and Олександрівна, Александровна,
Oleksandrivna (daughter) all name a father of class "oleksandr"; the suffix tells the child's
gender.  `patronymic_class` returns "<father class>:<child gender>", e.g. "oleksandr:m" for a son
of Олександр, "oleksandr:f" for a daughter.  For a father's name outside the tables the
father part is the stem of the key ("zenon:m").
"""

from __future__ import annotations

import re
from functools import lru_cache

from kintrace.names.given import given_table
from kintrace.names.keys import name_key

__all__ = [
    "known_fathers",
    "patronymic_class",
    "patronymic_class_of_key",
    "patronymic_gender",
    "split_patronymic_key",
]

# Suffixes on the key alphabet, longest first.  (Keys collapse "ii", turn "ie" into "e" and
# consonant + "io" into "e", so Андрійович -> andrevič, Андреевич -> andrevič.)
_SUFFIXES: list[tuple[str, str]] = [
    ("inična", "f"), ("ična", "f"), ("ovna", "f"), ("evna", "f"), ("ivna", "f"), ("iivna", "f"),
    ("ovič", "m"), ("evič", "m"), ("ivič", "m"), ("ič", "m"),
]  # fmt: skip
_SUFFIX_RE = re.compile("(" + "|".join(s for s, _ in _SUFFIXES) + ")$")
_GENDER = dict(_SUFFIXES)
_TRAILING_VOWELS = re.compile(r"[aeiou]+$")


@lru_cache(maxsize=1)
def _father_index() -> dict[str, str]:
    """Trimmed key of each Cyrillic full first name -> its class (without gender), males only.

    Latin forms are left out: "Alex" would claim the stem of Алексеевич.
    """
    index: dict[str, str] = {}
    table = given_table()
    for key, classes in table.cyrillic_formal.items():
        males = sorted(c for c in classes if c.endswith(":m"))
        if not males:
            continue
        base = males[0].rsplit(":", 1)[0]
        for trimmed in {key, _TRAILING_VOWELS.sub("", key)}:
            if trimmed:
                index.setdefault(trimmed, base)
    return index


@lru_cache(maxsize=1)
def known_fathers() -> frozenset[str]:
    """The father parts (before ":") a `patronymic_class` has when the father's name is one the
    tables know; any other father part is the stem of an unknown or misspelt name."""
    return frozenset(_father_index().values())


@lru_cache(maxsize=200_000)
def split_patronymic_key(key: str) -> tuple[str, str]:
    """(father stem, child gender "m"/"f") of a patronymic key; ("", "") when it is not one."""
    word = key.rsplit(" ", 1)[-1] if key else ""
    m = _SUFFIX_RE.search(word)
    if not m or len(word) - len(m.group(1)) < 2:
        return "", ""
    stem = word[: m.start()]
    return stem, _GENDER[m.group(1)]


@lru_cache(maxsize=200_000)
def patronymic_class_of_key(key: str) -> str:
    """`patronymic_class` for an already computed name key."""
    stem, gender = split_patronymic_key(key)
    if not stem:
        return ""
    index = _father_index()
    trimmed = _TRAILING_VOWELS.sub("", stem)
    for candidate in (stem, trimmed, trimmed[:-1] if trimmed.endswith("i") else ""):
        if candidate and candidate in index:
            return f"{index[candidate]}:{gender}"
    return f"{trimmed or stem}:{gender}"


def patronymic_class(part: str) -> str:
    """Father's first-name class plus the child's gender ("mykola:f").

    "" when `part` is not a patronymic.
    """
    return patronymic_class_of_key(name_key(part))


def patronymic_gender(part: str) -> str:
    """ "M"/"F" from the patronymic's suffix, "" if it is not a patronymic."""
    return split_patronymic_key(name_key(part))[1].upper()
