"""`compare(a, b)`: do two whole names name the same child?

Each part is compared on its own level (`kintrace.names.levels`); the score is the weighted mean
of the levels of the parts present on both sides (given 0.4, family 0.45, patronymic 0.15).
The decision is "match" only when no part disagrees and no gender signal conflicts:

* a first name both tables know but of different classes (Марія/Марина, Іван/Іванна,
  Олександр/Олександра) is a different child — twins and siblings differ only there;
* a different surname, or a patronymic of another father or the other gender, is a different child;
* a first name must be present in full on both sides: siblings share surname and patronymic, so
  a name without its first name, or with only an initial, cannot be told from a sibling's;
* the two names must not point to different genders.  Each name's gender comes from its first
  name if that tells it, else from the patronymic, else from the surname's ending, so
  Саша Ковальов / Саша Ковальова (brother and sister) differ, while a girl's surname written in
  the masculine form by a foreign registry (Anna Kovalskyi / Ганна Ковальська) does not.

Parts may come in any order: a string is split with `split_full_name`, and the other order of
the second name's given and family parts is tried too; the better reading is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from kintrace.names.family import family_gender
from kintrace.names.given import gender_of_classes, given_name_classes
from kintrace.names.keys import name_key
from kintrace.names.levels import (
    LEVEL_SCORE,
    Level,
    compare_family,
    compare_patronymic,
    given_level_of_keys,
)
from kintrace.names.parts import NameParts, split_full_name
from kintrace.names.patronymic import patronymic_class, patronymic_gender

__all__ = ["MATCH", "NO_MATCH", "NameComparison", "compare", "score_ceiling"]

MATCH = "match"
NO_MATCH = "no_match"
MATCH_THRESHOLD = 0.75
_WEIGHTS = {"given": 0.4, "family": 0.45, "patronymic": 0.15}
_REASON = {
    (part, level): f"{part}: missing on one side" if level == Level.MISSING else f"{part}: {level}"
    for part in _WEIGHTS
    for level in (*LEVEL_SCORE, Level.MISSING)
}


class NameComparison(NamedTuple):
    """The result of `compare`: score 0..1, decision ("match"/"no_match"), reasons, and the level
    of each part ({"given": ..., "family": ..., "patronymic": ...}; results are cached and shared,
    so treat `levels` as read-only)."""

    score: float
    decision: str
    reasons: tuple[str, ...] = ()
    levels: dict[str, str] = {}  # noqa: RUF012 - NamedTuple default, never mutated

    @property
    def is_match(self) -> bool:
        return self.decision == MATCH


@dataclass(frozen=True)
class _Features:
    given_key: str
    given_classes: frozenset[str]
    family_key: str
    patronymic_key: str
    patronymic_class: str
    gender: str  # "M"/"F" from the most telling part (see module doc), "" when none tells


@lru_cache(maxsize=100_000)
def _features(parts: NameParts) -> _Features:
    classes = given_name_classes(parts.given)
    gender = (
        gender_of_classes(classes)
        or patronymic_gender(parts.patronymic)
        or (family_gender(parts.family) if " " not in parts.family.strip() else "")
    )
    return _Features(
        given_key=name_key(parts.given),
        given_classes=classes,
        family_key=name_key(parts.family),
        patronymic_key=name_key(parts.patronymic),
        patronymic_class=patronymic_class(parts.patronymic),
        gender=gender,
    )


def _score(fa: _Features, fb: _Features) -> NameComparison:
    levels = {
        "given": given_level_of_keys(fa.given_key, fb.given_key),
        "family": compare_family(fa.family_key, fb.family_key),
        "patronymic": compare_patronymic(
            fa.patronymic_class, fa.patronymic_key, fb.patronymic_class, fb.patronymic_key
        ),
    }
    total = weight = 0.0
    reasons: list[str] = []
    blocking = False
    for part, level in levels.items():
        reasons.append(_REASON[part, level])
        if level == Level.MISSING:
            continue
        total += _WEIGHTS[part] * LEVEL_SCORE[level]
        weight += _WEIGHTS[part]
        if level == Level.DIFFERENT:
            blocking = True
    score = round(total / weight, 4) if weight else 0.0
    gender_conflict = bool(fa.gender and fb.gender and fa.gender != fb.gender)
    if gender_conflict:
        reasons.append("gender: the names point to different genders")
        score = min(score, 0.3)
    if weight == 0:
        reasons.append("no part present on both sides")
    no_given = levels["given"] in (Level.MISSING, Level.INITIAL)
    if no_given and weight:
        reasons.append("no full first name on both sides: siblings share the rest, so no match")
    decision = (
        MATCH
        if weight
        and not no_given
        and not blocking
        and not gender_conflict
        and score >= MATCH_THRESHOLD
        else NO_MATCH
    )
    return NameComparison(
        score=score,
        decision=decision,
        reasons=tuple(reasons),
        levels=levels,
    )


def _as_parts(name: str | NameParts | None) -> NameParts:
    if isinstance(name, NameParts):
        if type(name.given) is str and type(name.family) is str and type(name.patronymic) is str:
            return name  # already clean: no copy (matching calls this hundreds of times a row)
        return NameParts(*(p if isinstance(p, str) else "" for p in name))
    if isinstance(name, str):
        return split_full_name(name)
    return NameParts()


_NOT_AGREEING = (Level.MISSING, Level.DIFFERENT, Level.EVIDENCE, Level.INITIAL)


def _may_be_swapped(fa: _Features, fb: _Features) -> bool:
    """Whether a's given and family names agree with b's family and given names, crosswise.

    The surname check comes first (cheap, and it fails for almost every random pair); the first
    name is then compared with the first-name rules.
    """
    if compare_family(fa.family_key, fb.given_key) in _NOT_AGREEING:
        return False
    return given_level_of_keys(fa.given_key, fb.family_key) not in _NOT_AGREEING


def _swapped(parts: NameParts) -> NameParts:
    return NameParts(parts.family, parts.given, parts.patronymic)


@lru_cache(maxsize=50_000)
def _compare_parts(a: NameParts, b: NameParts) -> NameComparison:
    fa, fb = _features(a), _features(b)
    best = _score(fa, fb)
    if best.is_match or not (a.given and a.family and b.given and b.family):
        return best
    # one of the two may have its given and family names the wrong way round (a clerical slip
    # or a misread order): read b swapped, then a swapped, and keep the best reading
    candidates = []
    if _may_be_swapped(fa, fb):
        candidates.append(_score(fa, _features(_swapped(b))))
    if _may_be_swapped(fb, fa):
        candidates.append(_score(_features(_swapped(a)), fb))
    for swapped in candidates:
        if (swapped.is_match, swapped.score) > (best.is_match, best.score):
            best = NameComparison(
                score=swapped.score,
                decision=swapped.decision,
                reasons=(*swapped.reasons, "order: given and family names read swapped"),
                levels=swapped.levels,
            )
    return best


def compare(a: str | NameParts, b: str | NameParts) -> NameComparison:
    """Compare two names (strings in any order of parts, or `NameParts`); never raises."""
    return _compare_parts(_as_parts(a), _as_parts(b))


#: `score_ceiling` for two names whose surnames differ and that cannot be read swapped: the
#: given name and patronymic at their best, the surname at 0 (weights 0.4 + 0.15 of 1.0).
_DIFFERENT_SURNAME_CEILING = (_WEIGHTS["given"] + _WEIGHTS["patronymic"]) / sum(_WEIGHTS.values())


def score_ceiling(a: NameParts, b: NameParts) -> float:
    """A cheap upper bound of `compare(a, b).score`, for callers that need only the names that
    can score high (the list exchange's matching, which compares a row with hundreds of
    children sharing its first name). Two surnames both present and DIFFERENT, with neither
    name readable the other way round, cap the score at (0.4 + 0.15) / 1.0 = 0.55: every
    other part at its best, the surname at 0 (fewer parts present only lower it, a gender
    conflict caps it at 0.3). Otherwise 1.0: no bound. `a` and `b` as `compare` takes them."""
    a, b = _as_parts(a), _as_parts(b)
    fa, fb = _features(a), _features(b)
    if compare_family(fa.family_key, fb.family_key) != Level.DIFFERENT:
        return 1.0
    if _may_be_swapped(fa, fb) or _may_be_swapped(fb, fa):
        return 1.0
    return _DIFFERENT_SURNAME_CEILING
