"""How two (or more) records' values of one field agree, in the words of the model's levels.

One function per field, shared by the person page, the pair page and `kintrace explain`, so a
reviewer never reads "different" in one table and "close spelling +2.84" in the next. Names are
compared by their keys and classes (`kintrace.names`), so scripts and transliteration standards
do not matter and a patronymic formed from the same father's name agrees (Сергіївна / Serhiivna).
Pure: no I/O.

Each answer is an `Agreement`: a `state` for colour and sorting (same, equivalent, close,
partial, different, missing) and a `label` that is the model's own level label where the model
has one ("close spelling", "same father's name", "gender or Russified form").
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from rapidfuzz.distance import JaroWinkler

from kintrace.names import (
    family_name_stem,
    given_name_classes,
    name_key,
    normalise_sex,
    patronymic_class,
)
from kintrace.names.given import given_is_diminutive
from kintrace.names.levels import Level, given_level_of_keys

SAME, EQUIVALENT, CLOSE, PARTIAL, DIFFERENT, MISSING = (
    "same",
    "equivalent",
    "close",
    "partial",
    "different",
    "missing",
)
#: best first; a group of records takes the worst state of any two of them
STATE_ORDER = (SAME, EQUIVALENT, CLOSE, PARTIAL, DIFFERENT)

#: Jaro-Winkler thresholds of the model's "close spelling" levels (`spec.model`)
CLOSE_GIVEN = 0.90
CLOSE_OTHER = 0.88

NAME_FIELDS = ("given_name", "family_name", "patronymic", "full_name")
PLACE_FIELDS = ("birth_place", "last_known_place")


#: every label `field_agreement` can give (the interface's catalogue lists them all)
LABELS = (
    "same",
    "missing",
    "different",
    "same name",
    "Ukrainian/Russian equivalent",
    "diminutive or another form of the same name",
    "close spelling",
    "same surname",
    "gender or Russified form",
    "same patronymic",
    "same father's name",
    "same place across scripts",
    "close place spelling",
    "same sex",
    "same date",
    "day and month swapped",
    "within 2 months",
    "same year, months apart",
    "same year",
    "same month",
)


class Agreement(NamedTuple):
    state: str
    label: str


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _close(a: str, b: str, threshold: float) -> bool:
    return bool(a) and bool(b) and JaroWinkler.similarity(a, b) >= threshold


def _given(a: str, b: str) -> Agreement:
    ka, kb = name_key(a), name_key(b)
    if ka and ka == kb:
        return Agreement(EQUIVALENT, "same name")
    shared = given_name_classes(a) & given_name_classes(b)
    if shared and not given_is_diminutive(a) and not given_is_diminutive(b):
        return Agreement(EQUIVALENT, "Ukrainian/Russian equivalent")
    if shared:
        return Agreement(EQUIVALENT, "diminutive or another form of the same name")
    if given_level_of_keys(ka, kb) == Level.DIFFERENT:
        # the name tables know both and they are two names (Іван / Іванна), as the decision
        # rules hold (`linkage.decide.holds`), however close the letters
        return Agreement(DIFFERENT, "different")
    if _close(ka, kb, CLOSE_GIVEN):
        return Agreement(CLOSE, "close spelling")
    return Agreement(DIFFERENT, "different")


def _family(a: str, b: str) -> Agreement:
    ka, kb = name_key(a), name_key(b)
    if ka and ka == kb:
        return Agreement(EQUIVALENT, "same surname")
    stem = family_name_stem(a)
    if stem and stem == family_name_stem(b):
        return Agreement(EQUIVALENT, "gender or Russified form")
    if _close(ka, kb, CLOSE_OTHER):
        return Agreement(CLOSE, "close spelling")
    return Agreement(DIFFERENT, "different")


def _patronymic(a: str, b: str) -> Agreement:
    ka, kb = name_key(a), name_key(b)
    if ka and ka == kb:
        return Agreement(EQUIVALENT, "same patronymic")
    cls = patronymic_class(a)
    if cls and cls == patronymic_class(b):
        return Agreement(EQUIVALENT, "same father's name")
    if _close(ka, kb, CLOSE_OTHER):
        return Agreement(CLOSE, "close spelling")
    return Agreement(DIFFERENT, "different")


def _keyed(a: str, b: str, *, same: str, close: str) -> Agreement:
    ka, kb = name_key(a), name_key(b)
    if ka and ka == kb:
        return Agreement(EQUIVALENT, same)
    if _close(ka, kb, CLOSE_OTHER):
        return Agreement(CLOSE, close)
    return Agreement(DIFFERENT, "different")


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _birth_date(a: str, b: str) -> Agreement:
    da, db = _parse_date(a), _parse_date(b)
    if da is None or db is None:
        # partial dates ("2014", "2014-03"): agree as far as both go
        shorter = min(len(a), len(b))
        if shorter >= 4 and a[:shorter] == b[:shorter]:
            return Agreement(PARTIAL, "same year" if shorter == 4 else "same month")
        return Agreement(DIFFERENT, "different")
    if da == db:
        return Agreement(SAME, "same date")
    if da.year == db.year and da.day == db.month and da.month == db.day:
        return Agreement(CLOSE, "day and month swapped")
    if abs((da - db).days) <= 62:
        return Agreement(CLOSE, "within 2 months")
    if da.year == db.year:
        return Agreement(PARTIAL, "same year, months apart")
    return Agreement(DIFFERENT, "different")


def field_agreement(field: str, a: object, b: object) -> Agreement:
    """How two records' values of `field` agree; MISSING when either lacks it."""
    ta, tb = _text(a), _text(b)
    if not ta or not tb:
        return Agreement(MISSING, "missing")
    if ta.casefold() == tb.casefold():
        return Agreement(SAME, "same")
    if field == "given_name":
        return _given(ta, tb)
    if field == "family_name":
        return _family(ta, tb)
    if field == "patronymic":
        return _patronymic(ta, tb)
    if field == "full_name":
        return _keyed(ta, tb, same="same name", close="close spelling")
    if field in PLACE_FIELDS:
        return _keyed(ta, tb, same="same place across scripts", close="close place spelling")
    if field == "sex":
        sa, sb = normalise_sex(ta), normalise_sex(tb)
        if sa and sa == sb:
            return Agreement(EQUIVALENT, "same sex")
        return Agreement(DIFFERENT, "different")
    if field == "birth_date":
        return _birth_date(ta, tb)
    return Agreement(DIFFERENT, "different")


def group_agreement(field: str, values: Iterable[object]) -> Agreement:
    """How the values of several records agree: the worst of any two that both have it;
    MISSING when fewer than two records have it."""
    present = [v for v in values if _text(v)]
    if len(present) < 2:
        return Agreement(MISSING, "missing")
    worst = Agreement(SAME, "same")
    for i, a in enumerate(present):
        for b in present[i + 1 :]:
            found = field_agreement(field, a, b)
            if STATE_ORDER.index(found.state) > STATE_ORDER.index(worst.state):
                worst = found
    return worst


def agreements(left: dict[str, str], right: dict[str, str], fields: Iterable[str]) -> dict:
    """`field_agreement` of every field either side has (MISSING when only one has it)."""
    return {
        f: field_agreement(f, left.get(f), right.get(f)) for f in fields if f in left or f in right
    }
