"""Answer rows without a usable reference, matched to the children of their request (pure).

The set to match against is closed and small (the request's children, hundreds to thousands),
and an answer arrives alone, weeks after the link run: a Splink model trained per answer would
have too few records to train on, so the rows are scored here with the same name knowledge the
model is built on - `kintrace.names.compare` (transliteration, Ukrainian/Russian first-name
classes, Russified surnames, patronymics) - and the birth date, and a row is matched only when
its best child is clearly ahead of the next (decision 0600).

Candidates come from blocking on the family-name stem, the first-name class and the exact birth
date, so a re-spelled surname with the right date, or a right surname with a shifted date, is
still compared.

Cost (bench/exchange_bench.py, decision 0601): a popular first name's block holds a few percent
of the request, so a row has hundreds of candidates. Each person is prepared once (name parts,
parsed date, day number), the birth-date score is arithmetic on those, a pair of names is looked
at once however many rows and children share it, and a candidate whose name score cannot reach
THRESHOLD - MARGIN (`kintrace.names.compare.score_ceiling`: a different surname, no swapped
reading) is not compared in full. The matches are the ones `score` gives pair by pair (a test
holds them equal).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from kintrace.names import NameParts, compare, family_name_stem, given_name_classes
from kintrace.names.compare import score_ceiling

#: A row is matched to its best child at or above this score, if the next best is at least
#: MARGIN behind. Chosen on the demo generator's answers (decision 0600), checked on the second
#: generator's (decision 0601: `bench/exchange_bench.py --sweep`).
THRESHOLD = 0.72
MARGIN = 0.05
NAME_WEIGHT = 0.7


@dataclass(frozen=True)
class Person:
    key: str  # the child's reference, or the row's number
    given: str = ""
    family: str = ""
    patronymic: str = ""
    birth_date: str = ""  # ISO, possibly partial (YYYY or YYYY-MM)


@dataclass(frozen=True)
class Match:
    key: str
    score: float


_Ymd = tuple[int | None, int | None, int | None]


def _date(text: str) -> _Ymd:
    parts = (text or "").strip()[:10].split("-")
    try:
        year = int(parts[0]) if parts and parts[0] else None
        month = int(parts[1]) if len(parts) > 1 else None
        day = int(parts[2]) if len(parts) > 2 else None
    except ValueError:
        return (None, None, None)
    return (year, month, day)


def _day_number(ymd: _Ymd) -> int | None:
    """The date's ordinal when it is a whole, valid date; None otherwise."""
    year, month, day = ymd
    if year is None or month is None or day is None:
        return None
    try:
        return date(year, month, day).toordinal()
    except ValueError:
        return None


def _date_score_of(a: _Ymd, day_a: int | None, b: _Ymd, day_b: int | None) -> float:
    ya, ma, da = a
    yb, mb, db = b
    if ya is None or yb is None:
        return 0.4
    if ya == yb:
        if ma == mb and da == db:
            return 1.0
        if ma is not None and da is not None and mb is not None and db is not None:
            if ma == db and da == mb:
                return 0.7
            # an invalid date (a 30 February) is never "within a month"
            if day_a is not None and day_b is not None and abs(day_a - day_b) <= 31:
                return 0.7
        return 0.4
    return 0.15 if abs(ya - yb) == 1 else 0.0


def date_score(a: str, b: str) -> float:
    """1 the same day; 0.7 within a month or day and month swapped; 0.4 the same year (or one
    date missing); 0.15 a year apart; 0 otherwise."""
    ymd_a, ymd_b = _date(a), _date(b)
    return _date_score_of(ymd_a, _day_number(ymd_a), ymd_b, _day_number(ymd_b))


def _blocks(person: Person) -> set[str]:
    keys = set()
    if person.family:
        stem = family_name_stem(person.family)
        if stem:
            keys.add("f:" + stem)
    if person.given:
        keys.update("g:" + c for c in given_name_classes(person.given))
    if len(person.birth_date) == 10:
        keys.add("d:" + person.birth_date)
    return keys


def _combine(name_score: float, birth_score: float) -> float:
    return NAME_WEIGHT * name_score + (1 - NAME_WEIGHT) * birth_score


def score(a: Person, b: Person) -> float:
    names = compare(
        NameParts(a.given, a.family, a.patronymic), NameParts(b.given, b.family, b.patronymic)
    )
    return _combine(names.score, date_score(a.birth_date, b.birth_date))


@dataclass(frozen=True)
class _Prepared:
    key: str
    name: NameParts
    ymd: _Ymd
    day: int | None


def _prepare(person: Person) -> _Prepared:
    ymd = _date(person.birth_date)
    return _Prepared(
        person.key,
        NameParts(person.given, person.family, person.patronymic),
        ymd,
        _day_number(ymd),
    )


@dataclass(frozen=True)
class Ranked:
    """A row's best candidate and the score of the next best (0 when it has one candidate)."""

    key: str
    score: float
    runner_up: float


#: No decision of `decide` with the shipped constants looks at a candidate below this score:
#: either the best is under THRESHOLD (no match), or such a candidate is MARGIN behind it.
FLOOR = THRESHOLD - MARGIN


def rank_rows(
    rows: Iterable[Person], children: Iterable[Person], *, floor: float = 0.0
) -> dict[str, Ranked]:
    """Row key -> its best candidate child, for every row with a candidate. Candidates that
    cannot reach `floor` (their name score's ceiling with their birth-date score) are not
    compared in full: the result is exact for any `decide` whose threshold - margin >= floor
    (a runner-up below `floor` is reported as 0 or as the best such candidate scored)."""
    kids: list[_Prepared] = []
    name_ids: dict[NameParts, int] = {}
    kid_names: list[int] = []
    index: dict[str, list[int]] = defaultdict(list)
    for child in children:
        for block in _blocks(child):
            index[block].append(len(kids))
        prepared = _prepare(child)
        kids.append(prepared)
        kid_names.append(name_ids.setdefault(prepared.name, len(name_ids)))
    names = list(name_ids)
    # per name of a row: the child's name id -> its name score, or -1 - its ceiling while the
    # full comparison has not been needed
    by_row_name: dict[NameParts, dict[int, float]] = {}
    ranked: dict[str, Ranked] = {}
    for row in rows:
        candidates: set[int] = set()
        for block in _blocks(row):
            candidates.update(index.get(block, ()))
        if candidates:
            prepared = _prepare(row)
            known = by_row_name.setdefault(prepared.name, {})
            ranked[row.key] = _rank(prepared, candidates, kids, kid_names, names, known, floor)
    return ranked


def decide(
    ranked: dict[str, Ranked], *, threshold: float = THRESHOLD, margin: float = MARGIN
) -> dict[str, Match]:
    """The rows whose best child is at or above `threshold` and `margin` ahead of the next."""
    return {
        key: Match(r.key, round(r.score, 4))
        for key, r in ranked.items()
        if r.score >= threshold and r.score - r.runner_up >= margin
    }


def match_rows(rows: Iterable[Person], children: Iterable[Person]) -> dict[str, Match]:
    """Row key -> its child, for the rows matched; a row left out has no clear match."""
    return decide(rank_rows(rows, children, floor=FLOOR))


def _rank(
    row: _Prepared,
    candidates: set[int],
    kids: list[_Prepared],
    kid_names: list[int],
    names: list[NameParts],
    known: dict[int, float],
    floor: float,
) -> Ranked:
    """The best candidate (highest score, then highest key) and the next best score."""
    best, best_key, runner_up = -1.0, "", 0.0
    for i in candidates:
        child = kids[i]
        birth = _date_score_of(row.ymd, row.day, child.ymd, child.day)
        name_id = kid_names[i]
        name_score = known.get(name_id)
        if name_score is None:
            name_score = known[name_id] = -1.0 - score_ceiling(row.name, names[name_id])
        if name_score < 0:
            if _combine(-1.0 - name_score, birth) < floor:
                continue
            name_score = known[name_id] = compare(row.name, names[name_id]).score
        total = _combine(name_score, birth)
        if total > best or (total == best and child.key > best_key):
            if best >= 0:
                runner_up = best
            best, best_key = total, child.key
        elif total > runner_up:
            runner_up = total
    if best < 0:
        return Ranked("", 0.0, 0.0)
    return Ranked(best_key, best, runner_up)
