"""Per-part comparison levels: how two given names, family names or patronymics agree.

These are the levels `compare` combines, for a person reading two names (`kintrace names
compare`, the review pages). The linkage model states its own levels once, over the feature
columns, in `kintrace.linkage.spec.model`.  Each function takes two parts already reduced to
features (keys and classes) so the work per pair is a few set and string operations.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

from rapidfuzz.distance import OSA, JaroWinkler

from kintrace.names.family import family_stem_of_key
from kintrace.names.given import class_keys, classes_for_key, given_table, is_known_class

__all__ = [
    "Level",
    "compare_family",
    "compare_given",
    "compare_patronymic",
    "given_level_of_keys",
    "is_typo",
]


class Level:
    """Agreement levels of one name part: plain strings, used as is in reasons and SQL labels.

    (Strings rather than an Enum: `compare` looks them up millions of times.)
    """

    EXACT: Final = "exact"  # same key: same spelling up to script and standard
    EQUIVALENT: Final = "equivalent"  # forms of one name across languages (Олександр/Alexander)
    DIMINUTIVE: Final = "diminutive"  # a diminutive of the other (Сашко/Олександр, Саша/Олександра)
    GENDER_FORM: Final = "gender_form"  # surname in the other gender's form (Ковальов/Ковальова)
    RUSSIFIED: Final = "russified"  # surname in its Russified spelling (Підгорний/Подгорный)
    TYPO: Final = "typo"  # one or two letters off, no table says they are different names
    INITIAL: Final = "initial"  # one side is an initial (О., Ю.) that the other starts with
    EVIDENCE: Final = "evidence"  # only the open-data groups relate them: a hint, never a match
    DIFFERENT: Final = "different"
    MISSING: Final = "missing"  # absent on at least one side


LEVEL_SCORE: dict[str, float] = {
    Level.EXACT: 1.0,
    Level.EQUIVALENT: 0.95,
    Level.DIMINUTIVE: 0.85,
    Level.GENDER_FORM: 0.9,
    Level.RUSSIFIED: 0.9,
    Level.TYPO: 0.8,
    Level.INITIAL: 0.6,
    Level.EVIDENCE: 0.4,
    Level.DIFFERENT: 0.0,
}


@lru_cache(maxsize=500_000)
def is_typo(a: str, b: str) -> bool:
    """True when keys `a` and `b` are one or two edits apart (two only for long names).

    Length may differ by one letter at most, so an added suffix (Коваль/Ковальчук) is not a typo.
    """
    if not a or not b or a == b:
        return False
    if abs(len(a) - len(b)) > 1:
        return False
    shortest = min(len(a), len(b))
    if shortest < 4:
        return False
    limit = 1 if shortest < 8 else 2
    if OSA.distance(a, b, score_cutoff=limit) > limit:
        return False
    return JaroWinkler.similarity(a, b) >= 0.85


INITIAL_MAX = 2  # a key this short is an initial: О. -> "o", Ю. -> "iu", Я. -> "ia"


def initial_level(key_a: str, key_b: str) -> str:
    """INITIAL when the shorter key (an initial) begins the other, else DIFFERENT."""
    short, long = (key_a, key_b) if len(key_a) <= len(key_b) else (key_b, key_a)
    return Level.INITIAL if long.startswith(short) else Level.DIFFERENT


def compare_given(
    key_a: str, classes_a: frozenset[str], key_b: str, classes_b: frozenset[str]
) -> str:
    """Level of two first names from their keys and classes (`given_name_classes`)."""
    if not key_a or not key_b:
        return Level.MISSING
    if key_a == key_b:
        return Level.EXACT
    if len(key_a) <= INITIAL_MAX or len(key_b) <= INITIAL_MAX:
        return initial_level(key_a, key_b)
    shared = classes_a & classes_b
    known_a = any(is_known_class(c) for c in classes_a)
    known_b = any(is_known_class(c) for c in classes_b)
    if shared and known_a and known_b:
        table = given_table()
        formal_a = key_a in table.formal and bool(table.formal[key_a] & shared)
        formal_b = key_b in table.formal and bool(table.formal[key_b] & shared)
        return Level.EQUIVALENT if formal_a and formal_b else Level.DIMINUTIVE
    if known_a and known_b:
        # both are names we know and they share no class: Марія/Марина, Іван/Іванна
        return Level.DIFFERENT
    if key_a + "a" == key_b or key_b + "a" == key_a:
        return Level.DIFFERENT  # Роман/Романа, Станіслав/Станіслава: the other gender's form
    if is_typo(key_a, key_b):
        return Level.TYPO
    # one name unknown: a typo of any form of the other's classes (Вітлаік ~ Віталік ~ Віталій)
    known_classes = classes_b if known_b else classes_a if known_a else frozenset()
    unknown_key = key_a if known_b else key_b
    forms = class_keys()
    for cls in known_classes:
        if any(is_typo(unknown_key, k) for k in forms.get(cls, ())):
            return Level.TYPO
    evidence = given_table().evidence
    ev_a = evidence.get(key_a, frozenset()) | classes_a
    ev_b = evidence.get(key_b, frozenset()) | classes_b
    if ev_a & ev_b:
        return Level.EVIDENCE
    return Level.DIFFERENT


@lru_cache(maxsize=200_000)
def given_level_of_keys(key_a: str, key_b: str) -> str:
    """`compare_given` from the two keys alone (classes looked up); cached, first names repeat."""
    return compare_given(key_a, classes_for_key(key_a), key_b, classes_for_key(key_b))


def compare_family(key_a: str, key_b: str) -> str:
    """Level of two surnames from their keys."""
    if not key_a or not key_b:
        return Level.MISSING
    if key_a == key_b:
        return Level.EXACT
    stem_a, stem_b = family_stem_of_key(key_a), family_stem_of_key(key_b)
    if stem_a == stem_b:
        # the same stem: either the other gender's form, or a Russified spelling
        a_end, b_end = key_a[-1], key_b[-1]
        if (a_end == "a") != (b_end == "a"):
            return Level.GENDER_FORM
        return Level.RUSSIFIED
    if is_typo(key_a, key_b) or (is_typo(stem_a, stem_b) and OSA.distance(stem_a, stem_b) == 1):
        return Level.TYPO
    return Level.DIFFERENT


_MERGE_IOE = str.maketrans({"i": "e", "o": "e"})


def compare_patronymic(class_a: str, key_a: str, class_b: str, key_b: str) -> str:
    """Level of two patronymics from `patronymic_class` and their keys."""
    if not key_a or not key_b:
        return Level.MISSING
    if key_a == key_b:
        return Level.EXACT
    if len(key_a) <= INITIAL_MAX or len(key_b) <= INITIAL_MAX:
        return initial_level(key_a, key_b)
    if class_a and class_a == class_b:
        return Level.EQUIVALENT
    if class_a and class_b:
        father_a, child_a = class_a.rsplit(":", 1)
        father_b, child_b = class_b.rsplit(":", 1)
        if child_a != child_b:
            return Level.DIFFERENT  # son's and daughter's forms: not the same child
        genders = given_table().class_gender
        if f"{father_a}:m" in genders and f"{father_b}:m" in genders:
            return Level.DIFFERENT  # two different fathers we know (Ігорович/Єгорович)
        if father_a.translate(_MERGE_IOE) == father_b.translate(_MERGE_IOE):
            # a father's name outside the tables in its Russified spelling (Трихимівна/Трохимовна)
            return Level.EQUIVALENT
    if is_typo(key_a, key_b):
        return Level.TYPO
    return Level.DIFFERENT
