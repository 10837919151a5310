"""Decision 0365's measure: would a lone adoption-listing record be linked to the person that
fits it best, when the chance that this is its child reaches the auto-link threshold? A rule
measured here, **not part of `decide()`** (decision 0365 says why).

After the decisions, some records of a kind that renames (an adoption listing: a new surname
and father's name, often another birthplace, a birth date moved by weeks or a year) are still in
a person with no record of another kind (`lone`). Each is weighed as decision 0363 measured,
with a chance instead of a margin:

- each field a listing keeps (sex, first-name class, surname stem, father's name, birthplace)
  is the same, unknown or different, and the birth date is the same day, a week, weeks, a year
  to the day, a year give or take weeks apart, or only birth years within one or further
  (`DATE_LEVELS`), each person taken as the best of its records field by field;
- the fields are combined as a log-likelihood ratio (Fellegi-Sunter): m, the chance of each
  level for a record's own child, by expectation-maximisation over every listing record (no
  label read); u, the share of all persons at that level against the record, from the
  registry's value frequencies; a level "unknown on a side" weighs 0 (Splink's null level);
- the candidates weighed one by one are the persons with a record of the same first name and
  birth years within two (`Block`); the chance that the best is the record's child is its
  ratio against theirs, against the expected sum of everyone else's (N times m of the levels
  outside the block, `Model.elsewhere`) and against "none of them" (EM's share).

A record is linked through its best scored pair with that person when the chance is at or above
the bar (the auto-link threshold: no threshold of its own), never on a tie, and only when all
its candidates were scored (`rescored`: an incremental run's new records). It prints nothing
and reads no truth: `bench/recall_loss.py` reports it (`report_posterior_fit`).
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kintrace.linkage.decide.holds import MOVED_BY_A_YEAR, MOVED_BY_WEEKS, known_class
from kintrace.linkage.spec import ModelSpec

#: the fields compared as the same (2), unknown on a side (1) or different (0)
FIELDS = ("sex", "given", "family_stem", "patronymic_class", "birth_place_key")
#: the birth date's levels, worst to best (decision 0363's finer levels)
DATE_LEVELS = ("full:further", "years:further", "missing", "years:within",
               "full:a year +- weeks", "full:a year to the day", "full:weeks", "full:a week",
               "full:same")  # fmt: skip
_SIZES = (3, 3, 3, 3, 3, len(DATE_LEVELS))
_WIDTH = max(_SIZES)
#: each field's level "unknown on a side": no evidence either way (weight 0, as Splink's null
#: level), and no m of its own. EM left free there piles m onto the few persons with nothing
#: known, each a candidate of every record (seen on the demo lists, decision 0365).
UNKNOWN = (1, 1, 1, 1, 1, DATE_LEVELS.index("missing"))
#: EM's passes, the listing records it reads at most (m is one set of shares for the whole
#: registry), and the persons outside a record's block it compares it with (each standing for
#: its share of them)
EM_ITERATIONS = 50
EM_RECORDS = 4_000
EM_PERSONS = 4_000
#: combinations of a record and a candidate's record compared at once (bounds the memory)
_CHUNK = 2_000_000


def best_fit_links(
    pairs: pd.DataFrame,
    features: pd.DataFrame,
    person_of: Mapping[Hashable, str],
    spec: ModelSpec,
    *,
    names: Sequence[Hashable] | None = None,
    rescored: Collection[Hashable] | None = None,
    bars: Sequence[float] | None = None,
) -> dict[float, np.ndarray]:
    """For each bar (default: the spec's auto-link threshold), the positions of the scored
    pairs the rule would link: each lone listing record's best pair with the person that fits
    it best, when the chance that this is its child is at or above the bar. `person_of`: the
    decisions' persons by record name (`names`, in the order of `features`; default the
    uids); `rescored`: the records whose every candidate is among `pairs` (default all)."""
    bars = list(bars) if bars is not None else [spec.thresholds.auto_link]
    found = weigh(pairs, features, person_of, spec, names=names, rescored=rescored)
    empty = np.array([], dtype=np.int64)
    if found is None:
        return dict.fromkeys(bars, empty)
    return {bar: found.positions(pairs, features, bar=bar) for bar in bars}


def _stride() -> np.ndarray:
    return np.cumprod((1, *_SIZES[1:][::-1]))[::-1]


_PATTERNS = int(np.prod(_SIZES))
#: each field's level of every pattern code, shape (fields, patterns)
_LEVELS_OF = np.stack(
    [(np.arange(_PATTERNS) // s) % n for s, n in zip(_stride(), _SIZES, strict=True)]
)


@dataclass
class Model:
    """The fields' log m and log u and the share of records whose child is among the
    persons: a candidate's log-likelihood ratio is `weights`; "unknown" levels weigh 0."""

    log_m: list[np.ndarray]
    log_u: np.ndarray  # lone records x fields x levels
    share: float

    def weights(self, record: np.ndarray, levels: np.ndarray) -> np.ndarray:
        out = np.zeros(len(record))
        for f in range(len(_SIZES)):
            level = levels[:, f]
            weight = self.log_m[f][level] - self.log_u[record, f, level]
            out += np.where(level == UNKNOWN[f], 0.0, weight)
        return out

    def elsewhere(self, record: np.ndarray) -> np.ndarray:
        """Per person of the registry, the expected ratio of the persons not weighed one by
        one, and of "none of them": the persons of another first name (m of a first name
        that differs), with none (u of an unknown one), and of the same first name but
        unknown birth years or years further than a listing moves them (m of the further
        levels, u of an unknown date). Under the model a non-matching person at a level has
        ratio m / u, so the persons at that level sum to N times m."""
        m = [np.exp(x) for x in self.log_m]
        g, d = FIELDS.index("given"), len(_SIZES) - 1
        out = m[g][0] + np.exp(self.log_u[record, g, UNKNOWN[g]])
        further = m[d][DATE_LEVELS.index("full:further")] + m[d][DATE_LEVELS.index("years:further")]
        undated = np.exp(self.log_u[record, d, UNKNOWN[d]])
        out = out + m[g][2] * (further + undated)
        return out + (1 - self.share) / self.share


@dataclass
class BestFits:
    """Each lone listing record (`rows`, feature rows) and its best candidate: the person
    (`person`, -1: none), whether no other candidate fits as well (`alone`) and the chance
    that it is the record's child (`chance`)."""

    rows: np.ndarray
    person: np.ndarray
    alone: np.ndarray
    chance: np.ndarray
    persons_of_rows: np.ndarray  # every feature row's person code
    listed: np.ndarray

    def chosen(self, bar: float) -> np.ndarray:
        """Indices (into `rows`) of the records to link."""
        return np.flatnonzero(self.alone & (self.person >= 0) & (self.chance >= bar))

    def positions(self, pairs: pd.DataFrame, features: pd.DataFrame, *, bar: float) -> np.ndarray:
        """The scored pairs to link: each chosen record's best pair with its person."""
        chosen = self.chosen(bar)
        if not len(chosen):
            return np.array([], dtype=np.int64)
        found = _best_pairs(pairs, features, self.rows[chosen],
                            self.person[chosen], self.persons_of_rows, self.listed)  # fmt: skip
        return np.sort(found[found >= 0])


def weigh(
    pairs: pd.DataFrame,
    features: pd.DataFrame,
    person_of: Mapping[Hashable, str],
    spec: ModelSpec,
    *,
    names: Sequence[Hashable] | None = None,
    rescored: Collection[Hashable] | None = None,
) -> BestFits | None:
    """The lone listing records of a run against their candidate persons, or None when there
    is nothing to weigh."""
    renaming = {str(k) for k in spec.kinds.renaming}
    names = list(names) if names is not None else [int(u) for u in features["uid"]]
    if not renaming or pairs.empty or not len(names):
        return None
    needed = {"uid", "source_kind", "sex", "given_class", "birth_days", "birth_year_min",
              "birth_year_max"}  # fmt: skip
    if not needed <= set(features.columns):
        return None
    n = len(features)
    person_names = pd.Series(names, dtype=object).map(person_of)
    # a record without a person (none yet) is its own
    person_names = person_names.where(person_names.notna(), pd.Series(range(n)).map("?{}".format))
    person = pd.factorize(person_names.astype(str))[0]
    listed = features["source_kind"].astype(str).isin(renaming).to_numpy()
    has_other = np.zeros(person.max() + 1, dtype=bool)
    has_other[person[~listed]] = True
    values = _Values(features)
    given = values.codes[FIELDS.index("given")]
    lone = listed & ~has_other[person] & (given >= 0)
    if rescored is not None:
        lone &= pd.Series(names, dtype=object).isin(rescored).to_numpy()
    others = np.flatnonzero(~listed)
    persons = int(has_other.sum())
    if not lone.any() or not persons:
        return None
    _shadow_years(values, person, others)
    rows = np.flatnonzero(lone)
    # m is learnt from every listing record with a first name, the ones linked already too:
    # the lone ones alone are the hardest, many with no child among the persons
    learn = np.flatnonzero(listed & (given >= 0))
    block = Block(values, others)
    log_m, share = _estimate_m(values, learn, person, others, persons, block)
    model = Model(log_m, _log_u(values, rows, person, others, persons), share)
    best, alone, chance = _best_candidates(values, rows, person, others, model, persons, block)
    return BestFits(rows, best, alone, chance, person, listed)


#: how far apart in birth years (the records' earliest) a candidate may be and be weighed one
#: by one: further, a listing's move (a year give or take weeks) cannot reach it
YEARS_APART = 2


class Block:
    """The records of other lists a listing record is weighed against one by one: those of
    its first name with birth years within `YEARS_APART` (any year when it has none), as
    ranges of `records` (sorted by first name, then earliest birth year)."""

    def __init__(self, values: _Values, others: np.ndarray) -> None:
        given, year = values.codes[FIELDS.index("given")], values.low
        known = ~np.isnan(year[others])
        dated = others[known]
        self.records = dated[np.lexsort((year[dated], given[dated]))]
        if known.any():
            self.span = float(np.nanmax(year) - np.nanmin(year) + 2 * YEARS_APART + 2)
            self.base = float(np.nanmin(year) - YEARS_APART - 1)
        else:
            self.span, self.base = 1.0, 0.0
        self.key = given[self.records] * self.span + (year[self.records] - self.base)

    def ranges(self, values: _Values, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each record's (start, count) in `records`."""
        given = values.codes[FIELDS.index("given")][rows]
        has_year = ~np.isnan(values.low[rows])
        low = np.where(has_year, values.low[rows] - YEARS_APART - self.base, 0.0)
        high = np.where(has_year, values.high[rows] + YEARS_APART - self.base, self.span - 1)
        start = np.searchsorted(self.key, given * self.span + low, side="left")
        count = np.searchsorted(self.key, given * self.span + high, side="right") - start
        return start, count


def _best_candidates(
    values: _Values,
    rows: np.ndarray,
    person: np.ndarray,
    others: np.ndarray,
    model: Model,
    persons: int,
    block: Block,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each lone record's best candidate person, whether it is alone at the top, and the
    chance that it is the record's child: its ratio against every candidate's and against
    `Model.elsewhere`. The candidates are the persons with a record of the record's first name
    and birth years within `YEARS_APART` (any year when the record has none)."""
    start, count = block.ranges(values, rows)
    has_year = ~np.isnan(values.low[rows])
    best = np.full(len(rows), -1, dtype=np.int64)
    alone = np.zeros(len(rows), dtype=bool)
    total = np.full(len(rows), np.inf)
    top = np.zeros(len(rows))
    for record, who, levels in _expand(values, rows, person, block.records, start, count):
        weights = model.weights(record, levels)
        order = np.lexsort((-weights, record))
        record, who, weights = record[order], who[order], weights[order]
        firsts = np.flatnonzero(np.r_[True, record[1:] != record[:-1]])
        sizes = np.diff(np.r_[firsts, len(record)])
        at = record[firsts]
        top[at] = weights[firsts]
        best[at] = who[firsts]
        two = sizes > 1
        alone[at] = True
        alone[at[two]] = weights[firsts[two] + 1] < weights[firsts[two]] - 1e-9
        total[at] = np.add.reduceat(np.exp(weights - np.repeat(weights[firsts], sizes)), firsts)
    # a record without a birth year is not weighed: its first name, sex and birthplace alone
    # point at many children (and the persons without a year are not counted apart for it)
    weighed = (best >= 0) & has_year
    index = np.arange(len(rows))
    total[weighed] += persons * model.elsewhere(index[weighed]) * np.exp(-top[weighed])
    return best, alone, np.where(weighed, 1.0 / total, 0.0)


def _expand(
    values: _Values,
    rows: np.ndarray,
    person: np.ndarray,
    candidates: np.ndarray,
    start: np.ndarray,
    count: np.ndarray,
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Each record (`rows[i]`) against the other-list records `candidates[start[i]:start[i] +
    count[i]]`, by person, a chunk of records at a time (`_CHUNK` comparisons): (record index,
    person, levels), the levels the best of the person's records among them field by field;
    ordered by record, then person."""
    ends = np.cumsum(count)
    begin = 0
    while begin < len(rows):
        stop = max(begin + 1, int(np.searchsorted(ends, ends[begin] - count[begin] + _CHUNK)))
        c = count[begin:stop]
        total = int(c.sum())
        if total:
            offsets = np.repeat(start[begin:stop] - (np.cumsum(c) - c), c) + np.arange(total)
            theirs = candidates[offsets]
            index = np.repeat(np.arange(begin, stop), c)
            mine = rows[index]
            who = person[theirs]
            order = np.lexsort((who, index))
            index, who, mine, theirs = index[order], who[order], mine[order], theirs[order]
            firsts = np.flatnonzero(np.r_[True, (index[1:] != index[:-1]) | (who[1:] != who[:-1])])
            levels = np.empty((len(firsts), len(_SIZES)), dtype=np.int8)
            for f, level in enumerate(_levels(values, mine, theirs)):
                levels[:, f] = np.maximum.reduceat(level, firsts)
            yield index[firsts], who[firsts], levels
        begin = stop


def _levels(values: _Values, mine: np.ndarray, theirs: np.ndarray) -> list[np.ndarray]:
    """Each field's level of each pair of records (a listing record's first)."""
    columns = [binary(code[mine], code[theirs]) for code in values.codes]
    date = date_level(values.days[mine], values.low[mine], values.high[mine],
                      values.days[theirs], values.low[theirs], values.high[theirs])  # fmt: skip
    date[values.shadowed[theirs]] = 0
    columns.append(date)
    return columns


def _best_pairs(
    pairs: pd.DataFrame,
    features: pd.DataFrame,
    record_row: np.ndarray,
    cand: np.ndarray,
    person: np.ndarray,
    listed: np.ndarray,
) -> np.ndarray:
    """The position of the best scored pair (the highest probability, then the first) between
    each (record row, candidate person), -1 when they were not scored together."""
    row_of = pd.Index(features["uid"].to_numpy())
    wanted = dict(zip(record_row.tolist(), cand.tolist(), strict=True))
    uid_l, uid_r = pairs["uid_l"].to_numpy(), pairs["uid_r"].to_numpy()
    mine_uids = features["uid"].to_numpy()[record_row]
    out = {}
    probability = pairs["match_probability"].to_numpy(float)
    for left, right in ((uid_l, uid_r), (uid_r, uid_l)):
        at = np.flatnonzero(np.isin(left, mine_uids))
        a, b = row_of.get_indexer(left[at]), row_of.get_indexer(right[at])
        ok = (b >= 0) & ~listed[np.maximum(b, 0)]
        for position, row, other in zip(at[ok].tolist(), a[ok].tolist(), b[ok].tolist(),
                                        strict=True):  # fmt: skip
            if person[other] != wanted.get(row, -2):
                continue
            now = out.get(row)
            if now is None or (-probability[position], position) < (-probability[now], now):
                out[row] = position
    return np.array([out.get(r, -1) for r in record_row.tolist()], dtype=np.int64)


def _estimate_m(
    values: _Values,
    rows: np.ndarray,
    person: np.ndarray,
    others: np.ndarray,
    persons: int,
    block: Block,
) -> tuple[list[np.ndarray], float]:
    """m of each field's levels and the share of records whose child is among the persons, by
    expectation-maximisation (decision 0363's `field_m_em`) over a sample of the listing
    records `rows` (`EM_RECORDS` at most), each against every person of other lists: the
    persons of its block (`Block`) one by one, the others through a fixed random sample of
    `EM_PERSONS` persons, each standing for its share of them. From neutral start values (each
    field's best level at 0.5): the chance that each person is its record's child given m,
    then m as the expected share of the records' children at each level. "Unknown" levels
    weigh 0 and have no m. Reads no label."""
    rng = np.random.default_rng(365)
    take = np.arange(len(rows))
    if len(rows) > EM_RECORDS:
        take = np.sort(rng.choice(len(rows), EM_RECORDS, replace=False))
    sample = rows[take]
    stride = _stride()
    counts = np.zeros((len(sample), _PATTERNS))
    # the block's persons, one by one
    start, count = block.ranges(values, sample)
    seen: list[np.ndarray] = []
    key = int(person.max()) + 1  # (record, person) as one number
    for record, who, levels in _expand(values, sample, person, block.records, start, count):
        cell = record * _PATTERNS + levels.astype(np.int64) @ stride
        counts += np.bincount(cell, minlength=counts.size).reshape(counts.shape)
        seen.append(record * key + who)
    in_block = np.concatenate(seen) if seen else np.array([], dtype=np.int64)
    n_block = np.bincount(in_block // key, minlength=len(sample))
    # the rest through a sample of persons (their every record of another list)
    candidates = np.unique(person[others])
    drawn = rng.choice(candidates, min(EM_PERSONS, len(candidates)), replace=False)
    theirs = others[np.isin(person[others], drawn)]
    start = np.zeros(len(sample), dtype=np.int64)
    count = np.full(len(sample), len(theirs), dtype=np.int64)
    rest = np.zeros((len(sample), _PATTERNS))
    for record, who, levels in _expand(values, sample, person, theirs, start, count):
        outside = ~np.isin(record * key + who, in_block)
        cell = record[outside] * _PATTERNS + levels[outside].astype(np.int64) @ stride
        rest += np.bincount(cell, minlength=rest.size).reshape(rest.shape)
    drawn_outside = rest.sum(axis=1)
    scale = np.where(drawn_outside > 0, (persons - n_block) / np.maximum(drawn_outside, 1), 0.0)
    counts += rest * scale[:, None]
    u = _log_u(values, sample, person, others, persons)
    present = counts > 0
    m = []
    for size in _SIZES:
        first = np.full(size, 0.5 / (size - 2))
        first[-1] = 0.5
        first[UNKNOWN[len(m)]] = 0.0
        m.append(first)
    share = 0.5
    n = counts.sum(axis=1)
    for _ in range(EM_ITERATIONS):
        w = np.zeros(counts.shape)
        for f in range(len(_SIZES)):
            level = _LEVELS_OF[f]
            weight = np.log(np.maximum(m[f], 1e-300))[level][None, :] - u[:, f, level]
            w += np.where(level == UNKNOWN[f], 0.0, weight)
        w = np.where(present, w, -np.inf)
        top = w.max(axis=1, keepdims=True)
        ratio = counts * np.exp(w - top)
        none = ((1 - share) / share * n)[:, None] * np.exp(-top)
        posterior = ratio / (ratio.sum(axis=1, keepdims=True) + none)
        share = float(np.clip(posterior.sum(axis=1).mean(), 0.01, 0.99))
        mass = posterior.sum(axis=0)
        m = []
        for f, size in enumerate(_SIZES):
            at = np.bincount(_LEVELS_OF[f], weights=mass, minlength=size) + 0.5
            at[UNKNOWN[f]] = 0.0
            m.append(at / at.sum())
    # the unknown level's m is never read (its weight is 0)
    return [np.log(np.maximum(x, 1e-300)) for x in m], share


class _Values:
    """The compared fields of every record as integer codes (-1: unknown) and numbers."""

    def __init__(self, features: pd.DataFrame) -> None:
        given = features["given_class"]
        if "given_key" in features:
            given = given.where(given.map(known_class), features["given_key"])
        columns = {"given": given}
        for name in FIELDS:
            if name != "given":
                columns[name] = (
                    features[name]
                    if name in features
                    else pd.Series([None] * len(features), index=features.index)
                )
        self.codes = [codes(columns[name]) for name in FIELDS]
        number = {c: pd.to_numeric(features[c], errors="coerce").to_numpy(float)
                  for c in ("birth_days", "birth_year_min", "birth_year_max")}  # fmt: skip
        self.days, self.low, self.high = (number["birth_days"], number["birth_year_min"],
                                          number["birth_year_max"])  # fmt: skip
        #: records whose birth years do not count: their person has a full date elsewhere
        self.shadowed = np.zeros(len(features), dtype=bool)


def _shadow_years(values: _Values, person: np.ndarray, others: np.ndarray) -> None:
    """A person is compared by its full birth dates when it has one, else by its birth years,
    as `_date_counts` counts the persons at each level: the records with birth years only of a
    person with a full date elsewhere are `shadowed` (they give the lowest level)."""
    dated = np.zeros(int(person.max()) + 1, dtype=bool)
    dated[person[others[~np.isnan(values.days[others])]]] = True
    values.shadowed = np.isnan(values.days) & dated[person]


def codes(values: pd.Series) -> np.ndarray:
    """Integer codes of a text column, -1 for missing (shared by every record)."""
    coded, _ = pd.factorize(values.astype(object).where(values.notna(), None))
    return coded.astype(np.int64)


def binary(mine: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    """The level of each pair of codes: the same (2), unknown on a side (1), different (0)."""
    return np.where((mine < 0) | (theirs < 0), 1, np.where(mine == theirs, 2, 0)).astype(np.int8)


def date_level(
    days: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    o_days: np.ndarray,
    o_low: np.ndarray,
    o_high: np.ndarray,
) -> np.ndarray:
    """The `DATE_LEVELS` index of each pair of birth dates (a listing record's first)."""
    out = np.full(len(days), 2, dtype=np.int8)
    years = ~np.isnan(low) & ~np.isnan(high) & ~np.isnan(o_low) & ~np.isnan(o_high)
    within = years & (o_high >= low - 1) & (o_low <= high + 1)
    out[years] = 1
    out[within] = 3
    full = ~np.isnan(days) & ~np.isnan(o_days)
    apart = np.abs(np.where(full, o_days - days, 0.0))
    to_the_day = (apart >= MOVED_BY_A_YEAR) & (apart <= MOVED_BY_A_YEAR + 1)
    a_year = np.abs(apart - MOVED_BY_A_YEAR) <= MOVED_BY_WEEKS
    level = np.select(
        [apart == 0, apart <= 7, apart <= MOVED_BY_WEEKS, to_the_day, a_year], [8, 7, 6, 5, 4], 0
    ).astype(np.int8)
    out[full] = level[full]
    return out


def _log_u(
    values: _Values,
    rows: np.ndarray,
    person: np.ndarray,
    others: np.ndarray,
    persons: int,
) -> np.ndarray:
    """log u of every level of every field against each lone record (`rows`): the share of the
    persons of other lists at that level, from the registry's value frequencies (each
    smoothed by half a person). A same-or-different field counts the persons with the
    record's value in any record (the same), with some record unknown (unknown) and the
    rest; the birth date takes each person's first full date, else its birth years."""
    counts = np.zeros((len(rows), len(_SIZES), _WIDTH))
    for f, code in enumerate(values.codes):
        pairs = np.unique(np.stack([person[others], code[others]], axis=1), axis=0)
        known = pairs[pairs[:, 1] >= 0]
        having = np.bincount(known[:, 1], minlength=int(code.max()) + 1) if len(known) else None
        unknown = len(np.unique(pairs[pairs[:, 1] < 0, 0]))
        mine = code[rows]
        same = np.zeros(len(rows))
        if having is not None:
            same[mine >= 0] = having[mine[mine >= 0]]
        counts[:, f, 2] = same
        counts[:, f, 1] = np.minimum(unknown, persons - same)
        counts[:, f, 0] = persons - counts[:, f, 1] - same
        counts[mine < 0, f, :3] = [0, persons, 0]
    counts[:, -1, :] = _date_counts(values, rows, person, others, persons)
    sizes = np.array(_SIZES)[None, :, None]
    present = np.arange(_WIDTH)[None, None, :] < sizes
    smoothed = np.where(present, counts + 0.5, 1.0)
    totals = (smoothed * present).sum(axis=2, keepdims=True)
    return np.log(smoothed / totals)


def _date_counts(
    values: _Values, rows: np.ndarray, person: np.ndarray, others: np.ndarray, persons: int
) -> np.ndarray:
    """The persons at each `DATE_LEVELS` level against each lone record's birth date, each
    person by its first full date (`dated`), else by the range of its birth years."""
    frame = pd.DataFrame(
        {
            "person": person[others],
            "days": values.days[others],
            "low": values.low[others],
            "high": values.high[others],
        }
    )
    dated = frame.dropna(subset=["days"]).drop_duplicates(["person", "days"])
    undated = frame[~frame["person"].isin(dated["person"])].dropna(subset=["low", "high"])
    undated = undated.groupby("person").agg(low=("low", "min"), high=("high", "max"))
    # every full date of a person once (a person at two dates counts at each: never fewer
    # than its best level, so no level's weight is overstated)
    days = np.sort(dated["days"].to_numpy(float))
    n_dated = int(dated["person"].nunique())
    dated = dated.drop_duplicates("person")
    ranges = {
        "undated": (np.sort(undated["low"].to_numpy(float)),
                    np.sort(undated["high"].to_numpy(float))),
        "all": (np.sort(np.r_[dated["low"].to_numpy(float), undated["low"].to_numpy(float)]),
                np.sort(np.r_[dated["high"].to_numpy(float), undated["high"].to_numpy(float)])),
    }  # fmt: skip
    d, lo, hi = values.days[rows], values.low[rows], values.high[rows]
    full = ~np.isnan(d)
    has_year = ~np.isnan(lo) & ~np.isnan(hi)
    out = np.zeros((len(rows), _WIDTH))
    out[:, 2] = persons  # no date on the record's side: every person unknown
    out[full & ~has_year, 2] = persons - n_dated
    for which, mask in (("all", has_year & ~full), ("undated", has_year & full)):
        low, high = ranges[which]
        # birth years within one: the ranges that meet [low - 1, high + 1]
        within = np.searchsorted(low, hi[mask] + 1, side="right") - np.searchsorted(
            high, lo[mask] - 1, side="left"
        )
        out[mask, 3] = within
        out[mask, 1] = len(low) - within
        out[mask, 2] = persons - len(low) - (n_dated if which == "undated" else 0)
    if full.any():
        at = d[full]

        def between(a: float, b: float) -> np.ndarray:
            return (np.searchsorted(days, at + b, side="right")
                    - np.searchsorted(days, at + a, side="left"))  # fmt: skip

        year, weeks = MOVED_BY_A_YEAR, MOVED_BY_WEEKS
        same = between(0, 0)
        week = between(-7, 7) - same
        within_weeks = between(-weeks, weeks) - same - week
        to_the_day = between(year, year + 1) + between(-year - 1, -year)
        a_year = (between(year - weeks, year + weeks) + between(-year - weeks, -year + weeks)
                  - to_the_day)  # fmt: skip
        near = same + week + within_weeks + to_the_day + a_year
        levels = ((8, same), (7, week), (6, within_weeks), (5, to_the_day), (4, a_year),
                  (0, np.maximum(n_dated - near, 0)))  # fmt: skip
        for level, count in levels:
            out[full, level] = count
    return out
