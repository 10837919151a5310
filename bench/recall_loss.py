"""Where pairwise recall is lost, by category: which true pairs end in two persons, and why.

Scores one generated registry as `bench/linkage_bench.py` does (the same `score()` and
`decide()`), then takes every true pair (two records of one child) whose records end in
different persons and counts it by
  - its outcome: not blocked (no blocking rule pairs it), blocked but below the review floor
    (and not offered), pending (with the rule that set it), or auto but split by clustering;
  - the source kinds of its two records;
  - which fields differ: the given-name class, the surname stem, the birth date (same day,
    shifted by up to 62 days, by up to a year and a half, more, or not a full date on one
    side), the sex, the birthplace; a name order swap (one record's given name is the other's
    surname); a record without `group_id`.
The pairs lost are what F1's recall misses (a child split 2 + 2 loses 4 pairs).

Then **identifiability** (decision 0336): could any honest decider link an adoption-listing
record to its child from the fields the records carry? For each adoption record whose child has
records elsewhere, every child with a record of another kind (in the whole registry, blocked or
not) is weighed against it: *consistent* when nothing the listing is known to keep rules it out
(the same first-name class — the same spelling when the tables do not know the name —, sex not
disagreeing, a full birth date the same, weeks apart or a year apart give or take weeks, as the
listing moves dates, else birth years within a year of each other), and ranked by how closely
it fits (date the same > weeks apart > a year apart or only a year; +1 each for the same
birthplace and the same father's name, which a listing often replaces). The record is
  - `unique`: its own child fits best, alone: a decider can link it;
  - `tie`: another child fits exactly as well: nothing in the fields chooses between them;
  - `outranked`: another child fits better: the fields point at the wrong child;
  - `inconsistent`: its own child does not fit at all (another first name, a date moved
    further): only a reviewer with more than these fields can link it.
It prints the lost true pairs by that category, and the F1 a perfect decider could reach on the
same lists: every pair right (precision 1) except the pairs of adoption records it cannot
identify (all but `unique`), and, as an upper bound, also guessing every tie right.

Then the same **by every field a listing keeps** (decision 0350, which withdraws 0336's
conclusion): no field rules a child out; each child (the best of its records field by field) is
ranked by a log-likelihood ratio over sex, first name, surname stem, father's name, birthplace and
birth date (`FieldFits`, `field_weights`), and a record is `unique`, `tie` or `outranked`. It
prints the honest ceiling and the ceiling guessing ties; what a rule that reads no truth does
when it links each listing record to its best fit by a margin; and where the decisions lose F1
against that ceiling (false pairs and wrong auto links by kinds and rule, the true pairs lost
that the ceiling keeps by kinds, outcome and rule). Then **the best-fit rule's frontier**
(decision 0363): that rule by 0350's levels, by finer date levels, by finer ones with m estimated
without the truth (EM), each also with a child listed once per list, and the best F1 of any
margin and of the margins whose links are right 0.98 of the time or better; and, after scoring,
the same rule on the decisions' own persons (the listing records left without a record of
another kind moved to the person that fits them best), and decision 0365's rule, which links
such a record when the chance that the best fit is its child reaches a bar
(`best_fit_rule.py`). `--ceiling-only` prints the ceilings of
both decisions and the frontier without scoring. It prints counts only:
no name, date or place of any record.

    nice .venv/bin/python bench/recall_loss.py --generator second --children 5000 --seed 7
    nice .venv/bin/python bench/recall_loss.py --ceiling-only --generator second --children 20000
    nice .venv/bin/python bench/recall_loss.py --generator second --profile dense --children 45000 \
        --seed 11
"""

from __future__ import annotations

import argparse
import heapq
import time
from collections import Counter, defaultdict
from collections.abc import Hashable
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd
from best_fit_rule import DATE_LEVELS as FINE_DATE_LEVELS
from best_fit_rule import best_fit_links as chance_links
from best_fit_rule import binary, date_level
from best_fit_rule import codes as text_codes
from linkage_bench import GENERATORS, decided_figures, pairwise, score

from kintrace.linkage.decide.holds import MOVED_BY_A_YEAR, MOVED_BY_WEEKS, known_class
from kintrace.linkage.pipeline import candidates
from kintrace.linkage.spec import ModelSpec, kintrace_spec


def _days_bucket(a: object, b: object) -> str:
    if pd.isna(a) or pd.isna(b):
        return "date:not-full"
    d = abs(int(a) - int(b))
    if d == 0:
        return "date:same"
    if d <= 62:
        return "date:<=62d"
    if d <= 550:
        return "date:<=1.5y"
    return "date:>1.5y"


def _same(a: object, b: object, what: str) -> str:
    if a is None or b is None or pd.isna(a) or pd.isna(b):
        return f"{what}:missing"
    return f"{what}:same" if a == b else f"{what}:differs"


def _swapped(fa: pd.Series, fb: pd.Series) -> bool:
    """One record's given-name key is the other's surname key (or its stem)."""
    for x, y in ((fa, fb), (fb, fa)):
        g, f, s = x["given_key"], y["family_key"], y["family_stem"]
        if isinstance(g, str) and g and g in (f, s):
            return True
    return False


def _present(value: object) -> bool:
    return value is not None and not pd.isna(value)


def _name(row: dict[str, Any]) -> object:
    """The first name as the tables know it (its class), else its spelling."""
    return row["given_class"] if known_class(row["given_class"]) else row["given_key"]


def fit(listed: dict[str, Any], other: dict[str, Any]) -> int | None:
    """How closely `other` fits the adoption-listing record `listed` (None: it cannot be that
    child). Only fields the listing is known to keep can rule a child out."""
    if not _present(_name(listed)) or _name(listed) != _name(other):
        return None
    if _present(listed["sex"]) and _present(other["sex"]) and listed["sex"] != other["sex"]:
        return None
    if _present(listed["birth_days"]) and _present(other["birth_days"]):
        apart = abs(int(listed["birth_days"]) - int(other["birth_days"]))
        if apart == 0:
            score = 3
        elif apart <= MOVED_BY_WEEKS:
            score = 2
        elif abs(apart - MOVED_BY_A_YEAR) <= MOVED_BY_WEEKS:
            score = 1
        else:
            return None
    else:
        ends = ("birth_year_min", "birth_year_max")
        if all(_present(listed[e]) and _present(other[e]) for e in ends):
            low, high = int(listed[ends[0]]) - 1, int(listed[ends[1]]) + 1
            if int(other[ends[1]]) < low or int(other[ends[0]]) > high:
                return None
        score = 1
    for column in ("birth_place_key", "patronymic_class"):
        if _present(listed[column]) and listed[column] == other[column]:
            score += 1
    return score


def identifiability(
    features: pd.DataFrame, child: dict[int, str], spec: ModelSpec
) -> tuple[dict[int, str], Counter[str]]:
    """Each adoption-listing record's category (module docstring), by uid, for the records
    whose child has a record of another kind; and what a rule that links each such record to
    the child fitting it strictly best would do (`right` / `wrong` links, `none` when no child
    fits strictly best), read without the truth."""
    renaming = {str(k) for k in spec.kinds.renaming}
    rows = features.to_dict("records")
    listed = [r for r in rows if str(r["source_kind"]) in renaming]
    by_name: dict[object, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        if str(r["source_kind"]) not in renaming and _present(_name(r)):
            by_name[_name(r)].append(r)
    has_other: set[str] = {
        child[int(r["uid"])] for r in rows if str(r["source_kind"]) not in renaming
    }
    out: dict[int, str] = {}
    rule: Counter[str] = Counter()
    for a in listed:
        own = child[int(a["uid"])]
        if own not in has_other:
            continue
        best: dict[Hashable, int] = {}
        for r in by_name.get(_name(a), []) if _present(_name(a)) else []:
            score = fit(a, r)
            if score is not None:
                c = child[int(r["uid"])]
                best[c] = max(best.get(c, 0), score)
        top = max(best.values(), default=None)
        leaders = [c for c, v in best.items() if v == top]
        rule["none" if len(leaders) != 1 else "right" if leaders[0] == own else "wrong"] += 1
        mine = best.pop(own, None)
        rival = max(best.values(), default=None)
        if mine is None:
            out[int(a["uid"])] = "inconsistent"
        elif rival is None or rival < mine:
            out[int(a["uid"])] = "unique"
        elif rival == mine:
            out[int(a["uid"])] = "tie"
        else:
            out[int(a["uid"])] = "outranked"
    return out, rule


# --- identifiability by every field a listing keeps (decision 0350) ------------------------

#: The fields weighed, in the order of a pattern's digits, and how many levels each has.
FIELDS = ("sex", "first name", "surname", "father's name", "birthplace", "birth date")
_BINARY = 3  # 0 disagree, 1 missing on either side, 2 the same
#: birth date levels, worst to best: full dates further apart than a listing moves them, birth
#: years (a side without a full date) more than a year apart, missing, birth years within a
#: year, a year apart (365 +- 62 days), weeks apart (<= 62 days), the same day
DATE_LEVELS = ("full:further", "years:further", "missing", "years:within", "full:a year",
               "full:weeks", "full:same")  # fmt: skip
#: decision 0363's finer levels are `FINE_DATE_LEVELS` (`best_fit_rule.DATE_LEVELS`): a year
#: apart to the day (365-366 days: the listing changed the year only) apart from a year give or
#: take weeks, and a week apart from weeks apart; each finer level's coarse one (a year to the
#: day is a year apart, a week is weeks apart)
_COARSE_OF_FINE = np.array([0, 1, 2, 3, 4, 4, 5, 5, 6])


@dataclass(frozen=True)
class Levels:
    """How a listing record's fit to a child is coded: each field's levels (`FIELDS`' order,
    the first the highest digit of a pattern), the birth date's by `dates`."""

    dates: tuple[str, ...]

    @property
    def sizes(self) -> tuple[int, ...]:
        return (_BINARY, _BINARY, _BINARY, _BINARY, _BINARY, len(self.dates))

    @property
    def patterns(self) -> int:
        return int(np.prod(self.sizes))

    @property
    def stride(self) -> np.ndarray:
        sizes = self.sizes
        return np.cumprod((1, *sizes[1:][::-1]))[::-1]

    @property
    def fine(self) -> bool:
        return self.dates == FINE_DATE_LEVELS


#: decision 0350's levels, and decision 0363's with finer dates
COARSE = Levels(DATE_LEVELS)
FINE = Levels(FINE_DATE_LEVELS)


def _binary(mine: int, theirs: np.ndarray) -> np.ndarray:
    return binary(np.full(len(theirs), mine), theirs).astype(np.int64)


def _date_levels(
    days: float,
    low: float,
    high: float,
    o_days: np.ndarray,
    o_low: np.ndarray,
    o_high: np.ndarray,
    *,
    fine: bool = False,
) -> np.ndarray:
    """`DATE_LEVELS` index of each other record against one listing record's date (the moves
    of `fit`: the same day, weeks, a year give or take weeks; else birth years within one);
    with `fine`, the index in `FINE_DATE_LEVELS` (`best_fit_rule.date_level`)."""
    n = len(o_days)
    mine = (np.full(n, days), np.full(n, low), np.full(n, high))
    level = date_level(*mine, o_days, o_low, o_high).astype(np.int64)
    return level if fine else _COARSE_OF_FINE[level]


def _levels_of(pattern: np.ndarray, levels: Levels = COARSE) -> np.ndarray:
    """Each field's level of pattern codes: shape (len(FIELDS), len(pattern))."""
    return np.stack([(pattern // s) % n for s, n in zip(levels.stride, levels.sizes, strict=True)])


class FieldFits:
    """Every adoption-listing record (a kind that renames) against every child with a record of
    another kind, each child as the best of its records field by field (a person of the other
    lists): per record the count of children at each pattern of field levels (`counts`) and
    its own child's pattern (`own`, -1 when the child has no record of another kind), and the
    list each listing record is in (`listing`, its source). `levels`: how the fields are coded
    (decision 0350's, or 0363's finer dates)."""

    def __init__(
        self,
        features: pd.DataFrame,
        child: dict[int, str],
        spec: ModelSpec,
        levels: Levels = COARSE,
    ) -> None:
        self.levels = levels
        renaming = {str(k) for k in spec.kinds.renaming}
        listed_mask = features["source_kind"].astype(str).isin(renaming).to_numpy()
        names = features["given_class"].where(
            features["given_class"].map(known_class), features["given_key"]
        )
        self._cols = [
            text_codes(features[c])
            for c in ("sex", "family_stem", "patronymic_class", "birth_place_key")
        ]
        self._cols.insert(1, text_codes(names))
        self._days = pd.to_numeric(features["birth_days"], errors="coerce").to_numpy(float)
        self._low = pd.to_numeric(features["birth_year_min"], errors="coerce").to_numpy(float)
        self._high = pd.to_numeric(features["birth_year_max"], errors="coerce").to_numpy(float)
        uids = features["uid"].astype(int).to_numpy()
        children = np.array([child[int(u)] for u in uids], dtype=object)
        # the other lists' records sorted by child: a child's levels are reduceat's maxima
        other = np.flatnonzero(~listed_mask)
        codes, _ = pd.factorize(children[other])
        self._order = other[np.argsort(codes, kind="stable")]
        ordered = np.sort(codes, kind="stable")
        self._starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        #: the candidate children, in the order of `patterns`
        self.children = children[self._order][self._starts]
        at = {c: i for i, c in enumerate(self.children)}
        self._listed = np.flatnonzero(listed_mask)
        self.uids = [int(u) for u in uids[self._listed]]
        self.child_of = [str(children[i]) for i in self._listed]
        self.listing = [str(s) for s in features["source"].to_numpy()[self._listed]]
        self.own = np.full(len(self._listed), -1, dtype=np.int64)
        self.own_at = np.full(len(self._listed), -1, dtype=np.int64)
        self.counts = np.zeros((len(self._listed), levels.patterns), dtype=np.int32)
        for row in range(len(self._listed)):
            pattern = self.patterns(row)
            self.counts[row] = np.bincount(pattern, minlength=levels.patterns)
            mine = at.get(children[self._listed[row]])
            if mine is not None:
                self.own[row], self.own_at[row] = pattern[mine], mine

    def patterns(self, row: int) -> np.ndarray:
        """The pattern of every candidate child against listing record `row`."""
        i, order = self._listed[row], self._order
        levels = [_binary(int(col[i]), col[order]) for col in self._cols]
        levels.append(
            _date_levels(
                self._days[i],
                self._low[i],
                self._high[i],
                self._days[order],
                self._low[order],
                self._high[order],
                fine=self.levels.fine,
            )
        )
        pattern = np.zeros(len(self._starts), dtype=np.int64)
        for level, stride in zip(levels, self.levels.stride, strict=True):
            pattern += np.maximum.reduceat(level, self._starts) * stride
        return pattern


def field_weights(fits: FieldFits, m: list[np.ndarray] | None = None) -> np.ndarray:
    """Each record's log-likelihood ratio of every pattern, shape (records, patterns): per
    field, log(m / u) of its level, m the share of listing records whose own child is at that
    level (what a model trained without labels estimates at best; or `m` as given, one array
    per field), u the share of all candidate children at that level against this record (the
    own child among them: a decider does not know which it is); both smoothed by half a count.
    The fields are taken as independent given match or not (Fellegi-Sunter)."""
    levels = fits.levels
    if m is None:
        has = np.flatnonzero(fits.own >= 0)
        own_levels = _levels_of(fits.own[has], levels)
        m = []
        for f, size in enumerate(levels.sizes):
            share = np.bincount(own_levels[f], minlength=size) + 0.5
            m.append(share / share.sum())
    weights = np.zeros(fits.counts.shape, dtype=float)
    all_levels = _levels_of(np.arange(levels.patterns), levels)
    for f, size in enumerate(levels.sizes):
        at_level = np.stack(
            [fits.counts[:, all_levels[f] == v].sum(axis=1) for v in range(size)], axis=1
        ).astype(float)
        u = (at_level + 0.5) / (at_level + 0.5).sum(axis=1, keepdims=True)
        weights += np.log(m[f][all_levels[f]])[None, :] - np.log(u[:, all_levels[f]])
    return weights


def field_weights_em(fits: FieldFits, iterations: int = 50) -> np.ndarray:
    """`field_weights` with m estimated from the lists alone (`field_m_em`)."""
    return field_weights(fits, field_m_em(fits, iterations))


def field_m_em(fits: FieldFits, iterations: int = 50) -> list[np.ndarray]:
    """Each field's m estimated from the lists alone, by expectation-maximisation (decision
    0363): each listing record's child is one of its candidates or none of them; given m, the
    chance that a candidate is the record's child is its likelihood ratio against the others'
    (and against none, at the estimated share of records that have one), and m is then the
    expected share of the records' children at each level. Reads no truth (`own`): what a
    model trained without labels could estimate, from neutral starting values (each field's
    best level at 0.5, the others sharing the rest)."""
    levels = fits.levels
    all_levels = _levels_of(np.arange(levels.patterns), levels)
    m = [np.full(size, 1.0 / size) for size in levels.sizes]
    for f, size in enumerate(levels.sizes):  # start: the best level likelier than the rest
        m[f][-1] = 0.5
        m[f][:-1] = 0.5 / (size - 1)
    share = 0.5  # of the records whose child is among the candidates
    counts = fits.counts.astype(float)
    candidates = counts.sum(axis=1, keepdims=True)
    for _ in range(iterations):
        weights = field_weights(fits, m)
        top = weights.max(axis=1, keepdims=True)
        ratio = counts * np.exp(weights - top)  # per pattern, scaled by the row's best
        none = (1 - share) * candidates / share * np.exp(-top)
        posterior = ratio / (ratio.sum(axis=1, keepdims=True) + none)
        share = float(np.clip(posterior.sum(axis=1).mean(), 0.01, 0.99))
        mass = posterior.sum(axis=0)
        m = []
        for f, size in enumerate(levels.sizes):
            at = np.bincount(all_levels[f], weights=mass, minlength=size) + 0.5
            m.append(at / at.sum())
    return m


def full_identifiability(fits: FieldFits, weights: np.ndarray) -> dict[int, str]:
    """Each adoption-listing record's category by every field a listing keeps (decision
    0350), for the records whose child has a record of another kind: `unique` (its own child
    has the highest log-likelihood ratio, alone), `tie` (another child as high: the same
    levels), `outranked` (another child higher). No field rules a child out on its own."""
    out: dict[int, str] = {}
    for row in np.flatnonzero(fits.own >= 0).tolist():
        counts = fits.counts[row].astype(np.int64)
        own = int(fits.own[row])
        counts[own] -= 1
        mine = weights[row, own]
        rivals = weights[row][counts > 0]
        rival = rivals.max() if len(rivals) else -np.inf
        out[fits.uids[row]] = (
            "unique" if rival < mine - 1e-9 else "tie" if rival <= mine + 1e-9 else "outranked"
        )
    return out


def best_fit_links(
    fits: FieldFits, weights: np.ndarray, margins: list[float]
) -> list[dict[int, str]]:
    """What a rule does that links each adoption-listing record (every one, whether its child
    has a record of another kind or not) to the child that fits it best, by more than
    `margin` (log-likelihood ratio over the runner-up), and leaves the others: for each
    margin, {uid: the child it links the record to}. Reads no truth."""
    out: list[dict[int, str]] = [{} for _ in margins]
    for row in range(len(fits.uids)):
        counts = fits.counts[row]
        present = np.flatnonzero(counts > 0)
        if not len(present):
            continue
        w = weights[row, present]
        top = int(np.argmax(w))
        if counts[present[top]] > 1:
            continue  # two children at the best pattern: a tie
        rest = np.delete(w, top)
        gap = w[top] - (rest.max() if len(rest) else -np.inf)
        wanted = [k for k, margin in enumerate(margins) if gap > max(margin, 1e-9)]
        if not wanted:
            continue
        where = np.flatnonzero(fits.patterns(row) == present[top])
        target = str(fits.children[int(where[0])])
        for k in wanted:
            out[k][fits.uids[row]] = target
    return out


def best_fit_once_per_listing(
    fits: FieldFits, weights: np.ndarray, margins: list[float], *, top: int = 64
) -> list[dict[int, str]]:
    """`best_fit_links` where a child is listed at most once in each list (decision 0363):
    the records with the largest margin link first, and a child one of them takes is no
    candidate for the other records of its list (their best fit and runner-up are read
    again). For each margin, {uid: the child it links the record to}. Reads no truth."""
    candidates: list[tuple[np.ndarray, np.ndarray]] = []
    for row in range(len(fits.uids)):
        fit = weights[row][fits.patterns(row)]
        k = min(top, len(fit))
        best = np.argpartition(-fit, k - 1)[:k] if k else np.array([], dtype=np.int64)
        best = best[np.argsort(-fit[best], kind="stable")]
        candidates.append((fit[best], best))
    return [_once_per_listing(fits, candidates, margin) for margin in margins]


def _once_per_listing(
    fits: FieldFits, candidates: list[tuple[np.ndarray, np.ndarray]], margin: float
) -> dict[int, str]:
    taken: set[tuple[str, int]] = set()
    floor = max(margin, 1e-9)

    def choice(row: int) -> tuple[int, float]:
        """The free child that fits `row` best by more than every other free one, and by how
        much (-1: none, or a tie)."""
        fit, at = candidates[row]
        free = [j for j in range(len(at)) if (fits.listing[row], int(at[j])) not in taken][:2]
        if not free:
            return -1, 0.0
        runner_up = fit[free[1]] if len(free) > 1 else -np.inf
        if runner_up >= fit[free[0]] - 1e-9:
            return -1, 0.0
        return int(at[free[0]]), float(fit[free[0]] - runner_up)

    queue: list[tuple[float, int, int]] = []
    for row in range(len(fits.uids)):
        child, gap = choice(row)
        if child >= 0 and gap > floor:
            heapq.heappush(queue, (-gap, row, child))
    out: dict[int, str] = {}
    while queue:
        gap, row, child = heapq.heappop(queue)
        now, now_gap = choice(row)
        if now < 0 or now_gap <= floor:
            continue
        if now != child or now_gap != -gap:  # a child taken since: its place in the queue anew
            heapq.heappush(queue, (-now_gap, row, now))
            continue
        out[fits.uids[row]] = str(fits.children[child])
        taken.add((fits.listing[row], child))
    return out


def best_fit_persons(truth: Any, fits: FieldFits, linked: dict[int, str]) -> dict[int, str]:
    """The persons of a decider that gets every pair without a listing record right and links
    the listing records as `linked` says: a record linked goes with that child; one left alone
    stays alone when its child has records in other lists, else it is with its child's other
    listing records (the convention of `perfect_f1`)."""
    listed = dict(zip(fits.uids, fits.own_at >= 0, strict=True))
    person: dict[int, str] = {}
    for uid, c in truth.child.items():
        if uid not in listed:
            person[uid] = c
        elif uid in linked:
            person[uid] = linked[uid]
        else:
            person[uid] = f"alone:{uid}" if listed[uid] else f"listed:{c}"
    return person


def perfect_f1(by_child: dict[str, list[int]], unlinkable: set[int]) -> tuple[float, float]:
    """Recall and F1 of a decider that links every true pair except those of `unlinkable`
    records (each left alone), and links nothing wrong."""
    total = sum(len(u) * (len(u) - 1) // 2 for u in by_child.values())
    kept = 0
    for uids in by_child.values():
        n = sum(1 for u in uids if u not in unlinkable)
        kept += n * (n - 1) // 2
    recall = kept / total if total else 0.0
    return recall, (2 * recall / (1 + recall) if recall else 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--generator", default="second", choices=GENERATORS)
    parser.add_argument("--children", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--profile", default="default", help="the second generator's profile (e.g. dense)"
    )
    parser.add_argument("--top", type=int, default=25, help="rows of each table")
    parser.add_argument(
        "--ceiling-only",
        action="store_true",
        help="only the ceilings (decisions 0336, 0350): no scoring, no decisions",
    )
    args = parser.parse_args()
    if args.ceiling_only:
        ceilings_only(args.generator, args.children, args.seed, args.profile)
        return
    spec = kintrace_spec()
    scored = score(args.generator, args.children, args.seed, spec=spec, profile=args.profile)
    figs, decided = decided_figures(scored.truth, scored.pairs, scored.features, spec)
    print(f"F1 {figs['f1']:.4f} recall {figs['recall']:.4f} camp {figs['camp_located']:.4f} "
          f"adoption offered {figs['adoption_offered']:.4f}")  # fmt: skip
    truth, person_of = scored.truth, decided.person_of
    feats = scored.features.set_index("uid")
    has_group = dict(zip(scored.records["uid"], scored.records["group_id"].notna(), strict=True))
    scored_pairs, stored = scored.pairs, decided.pairs
    blocked = {
        (min(a, b), max(a, b)): float(p)
        for a, b, p in zip(
            scored_pairs["uid_l"],
            scored_pairs["uid_r"],
            scored_pairs["match_probability"],
            strict=True,
        )
    }
    status = {
        (min(a, b), max(a, b)): (s, r)
        for a, b, s, r in zip(
            stored["uid_l"], stored["uid_r"], stored["status"], stored["rule"], strict=True
        )
    }
    outcome: Counter[str] = Counter()
    by_kinds: Counter[tuple[str, str]] = Counter()
    by_fields: Counter[tuple[str, str]] = Counter()
    combos: Counter[tuple[str, str]] = Counter()
    lost = 0
    short_of: dict[tuple[int, int], str] = {}
    for uids in truth.by_child.values():
        for a, b in combinations(sorted(uids), 2):
            if person_of[a] == person_of[b]:
                continue
            lost += 1
            key = (a, b)
            if key not in blocked:
                out = "not blocked"
            elif key in status:
                s, r = status[key]
                out = f"{s} ({r})" if s == "pending" else "auto, split by clustering"
            else:
                p = blocked[key]
                out = "blocked, below floor " + ("p<0.001" if p < 0.001 else
                                                 "p<0.1" if p < 0.1 else "p<0.5")  # fmt: skip
            short = out.split(" (")[0].split(",")[0]
            short_of[key] = short
            outcome[out] += 1
            fa, fb = feats.loc[a], feats.loc[b]
            kinds = "+".join(sorted((str(fa["source_kind"]), str(fb["source_kind"]))))
            by_kinds[(kinds, short)] += 1
            fields = [
                _same(fa["given_class"], fb["given_class"], "given"),
                _same(fa["family_stem"], fb["family_stem"], "surname"),
                _days_bucket(fa["birth_days"], fb["birth_days"]),
                _same(fa["sex"], fb["sex"], "sex"),
                _same(fa["birth_place_key"], fb["birth_place_key"], "place"),
            ]
            if _swapped(fa, fb):
                fields.append("name order swapped")
            if not (has_group[a] and has_group[b]):
                fields.append("group_id missing on a side")
            for f in fields:
                by_fields[(f, short)] += 1
            combos[(kinds, " ".join(fields[:3]) + f" [{short}]")] += 1
    figs["lost"] = lost
    total = truth.true_pairs
    print(f"\ntrue pairs {total:,}; in different persons {lost:,} ({lost / total:.4f})")
    print("\n-- by outcome --")
    for k, n in outcome.most_common():
        print(f"  {n:6,}  {n / total:.4f}  {k}")
    print("\n-- by source kinds and outcome --")
    for (k, o), n in by_kinds.most_common(args.top):
        print(f"  {n:6,}  {k:<22} {o}")
    print("\n-- by field and outcome (a pair counts under each of its fields) --")
    for (f, o), n in sorted(by_fields.items(), key=lambda kv: (kv[0][0], -kv[1])):
        print(f"  {n:6,}  {f:<28} {o}")
    print("\n-- most common combinations (kinds; given, surname, date [outcome]) --")
    for (k, c), n in combos.most_common(args.top):
        print(f"  {n:6,}  {k:<22} {c}")
    report_identifiability(scored, short_of, spec)
    fits = FieldFits(scored.features, truth.child, spec)
    weights = field_weights(fits)
    category = full_identifiability(fits, weights)
    report_full_identifiability(truth, fits, weights, category)
    report_frontier(truth, fits, weights, scored.features, spec)
    report_person_fit(scored, decided, spec)
    report_posterior_fit(scored, decided, spec)
    report_against_ceiling(scored, decided, category, short_of, figs, args.top)


def report_identifiability(
    scored: Any, short_of: dict[tuple[int, int], str], spec: ModelSpec
) -> None:
    """The identifiability tables (module docstring); `short_of`: each lost true pair's
    outcome (not blocked, blocked, pending, auto)."""
    truth = scored.truth
    category, rule = identifiability(scored.features, truth.child, spec)
    records = Counter(category.values())
    print("\n-- identifiability of adoption-listing records whose child has other records --")
    for name in ("unique", "tie", "outranked", "inconsistent"):
        print(f"  {records[name]:6,}  {name}")
    lost_by: Counter[str] = Counter()
    lost_how: Counter[tuple[str, str]] = Counter()
    order = ("inconsistent", "outranked", "tie", "unique")
    for (a, b), short in short_of.items():
        cats = [category[u] for u in (a, b) if u in category]
        name = min(cats, key=order.index) if cats else "no adoption record"
        lost_by[name] += 1
        lost_how[(name, short)] += 1
    print("  lost true pairs by the category of their adoption record (the worse of two):")
    for name, n in lost_by.most_common():
        print(f"  {n:6,}  {name}")
    print("  ... and by outcome:")
    for (name, short), n in sorted(lost_how.items(), key=lambda kv: (kv[0][0], -kv[1])):
        print(f"  {n:6,}  {name:<20} {short}")
    cannot = {u for u, c in category.items() if c != "unique"}
    recall, f1 = perfect_f1(truth.by_child, cannot)
    print(f"  a perfect decider on these lists (every other pair right, precision 1): "
          f"recall {recall:.4f}, F1 {f1:.4f}")  # fmt: skip
    lucky = {u for u, c in category.items() if c in ("outranked", "inconsistent")}
    recall, f1 = perfect_f1(truth.by_child, lucky)
    print(f"  ... and guessing every tie right: recall {recall:.4f}, F1 {f1:.4f}")
    links = rule["right"] + rule["wrong"]
    print(f"  a rule linking each such record to the child that fits it strictly best: "
          f"{links:,} links, {rule['right']:,} right ({rule['right'] / max(links, 1):.3f}), "
          f"{rule['none']:,} records with no single best")  # fmt: skip


def ceilings_only(generator: str, children: int, seed: int, profile: str = "default") -> None:
    """Decisions 0336 and 0350's ceilings from the generated lists alone (no scoring)."""
    from linkage_bench import Truth, records_frame

    from kintrace.linkage.features import feature_table

    spec = kintrace_spec()
    records, _ = records_frame(children, seed, generator=generator, profile=profile)
    print(f"{children:,} children, {len(records):,} records "
          f"(synthetic, generator {generator}, seed {seed})")  # fmt: skip
    features = feature_table(records)
    truth = Truth.of(records)
    category, _rule = identifiability(features, truth.child, spec)
    cannot = {u for u, c in category.items() if c != "unique"}
    lucky = {u for u, c in category.items() if c in ("outranked", "inconsistent")}
    print("\n-- decision 0336 (the first name must agree) --")
    counted = Counter(category.values())
    names = ("unique", "tie", "outranked", "inconsistent")
    print("  " + " / ".join(f"{name} {counted[name]:,}" for name in names))
    print(f"  honest ceiling F1 {perfect_f1(truth.by_child, cannot)[1]:.4f}, "
          f"ties guessed right {perfect_f1(truth.by_child, lucky)[1]:.4f}")  # fmt: skip
    fits = FieldFits(features, truth.child, spec)
    weights = field_weights(fits)
    full = full_identifiability(fits, weights)
    report_full_identifiability(truth, fits, weights, full, before=category)
    report_frontier(truth, fits, weights, features, spec)


def report_full_identifiability(
    truth: Any,
    fits: FieldFits,
    weights: np.ndarray,
    category: dict[int, str],
    before: dict[int, str] | None = None,
) -> None:
    """Decision 0350's tables: categories by every field, the ceilings, and what linking each
    listing record to its best fit does (no truth read but to score it)."""
    records = Counter(category.values())
    print("\n-- decision 0350: identifiable by every field a listing keeps --")
    print("  " + " / ".join(f"{name} {records[name]:,}" for name in ("unique", "tie", "outranked")))
    if before is not None:
        moved = Counter((before[u], category[u]) for u in category if u in before)
        print("  0336 category -> 0350 category (records):")
        for (a, b), n in sorted(moved.items(), key=lambda kv: -kv[1]):
            print(f"  {n:6,}  {a} -> {b}")
    has = np.flatnonzero(fits.own >= 0)
    own = _levels_of(fits.own[has])
    print("  the own child's level, field by field (share of these records):")
    for f, name in enumerate(FIELDS):
        labels = DATE_LEVELS if name == "birth date" else ("differs", "missing", "same")
        shares = np.bincount(own[f], minlength=len(labels)) / max(1, len(has))
        print(f"    {name:<14} " + ", ".join(f"{lab} {v:.3f}" for lab, v in
                                             zip(labels, shares, strict=True)))  # fmt: skip
    cannot = {u for u, c in category.items() if c != "unique"}
    recall, f1 = perfect_f1(truth.by_child, cannot)
    print(f"  HONEST CEILING (precision 1, every unique record linked, ties and outranked left): "
          f"recall {recall:.4f}, F1 {f1:.4f}")  # fmt: skip
    lucky = {u for u, c in category.items() if c == "outranked"}
    recall_t, f1_t = perfect_f1(truth.by_child, lucky)
    print(f"  ... guessing every tie right: recall {recall_t:.4f}, F1 {f1_t:.4f}")
    if f1 >= 0.96:
        print("  !!! THE HONEST CEILING REACHES F1 0.96: the target is reachable, the gap is ours")
    margins = [0.0, 1.0, 2.0, 3.0, 4.0, 8.0]
    print(
        "  a rule linking every listing record to its best fit by more than a margin "
        "(log-likelihood ratio over the runner-up), every other pair right:"
    )
    for margin, linked in zip(margins, best_fit_links(fits, weights, margins), strict=True):
        right = sum(1 for u, c in linked.items() if truth.child[u] == c)
        person = best_fit_persons(truth, fits, linked)
        precision, recall_r, f1_r, false_pairs = pairwise(truth, person)
        print(f"    margin {margin:>4}: {len(linked):,} links, {right:,} right "
              f"({right / max(1, len(linked)):.3f}); precision {precision:.4f} recall "
              f"{recall_r:.4f} F1 {f1_r:.4f} ({false_pairs:,} false pairs)")  # fmt: skip


#: decision 0363: what the project holds an automatic link to (`0301-unambiguous`: 0.956 right
#: on dense names, the rules kept at 0.98 and above on both generators)
LINK_BAR = 0.98


def report_frontier(
    truth: Any, fits: FieldFits, weights: np.ndarray, features: pd.DataFrame, spec: ModelSpec
) -> None:
    """Decision 0363's table: what a rule that reads no truth reaches by linking each listing
    record to its best fit by a margin, with every other pair right, by 0350's levels (`fits`
    and `weights`, as decision 0350's tables made them), by finer dates, by finer dates with m
    estimated without the truth (EM), and each with a child listed once per list; the best F1
    of any margin, and of the margins whose links are right at least `LINK_BAR` of the time."""
    margins = [0.0, 1.0, 2.0, 3.0, 4.0, 8.0]
    print("\n-- decision 0363: the best-fit rule's frontier (every other pair right) --")
    best: dict[str, tuple[float, float]] = {}
    fine = FieldFits(features, truth.child, spec, FINE)  # one coding, two estimates of m
    variants = (
        (fits, weights, "0350 levels"),
        (fine, field_weights(fine), "finer dates"),
        (fine, field_weights_em(fine), "finer dates, m by EM"),
    )
    for coded, weighed, name in variants:
        plain = best_fit_links(coded, weighed, margins)
        once = best_fit_once_per_listing(coded, weighed, margins)
        for how, runs in (("", plain), (", once per list", once)):
            label = name + how
            for margin, linked in zip(margins, runs, strict=True):
                right = sum(1 for u, c in linked.items() if truth.child[u] == c)
                share = right / max(1, len(linked))
                precision, recall, f1, false_pairs = pairwise(
                    truth, best_fit_persons(truth, coded, linked)
                )
                print(f"  {label:<38} margin {margin:>4}: {len(linked):,} links, "
                      f"{share:.3f} right; precision {precision:.4f} recall {recall:.4f} "
                      f"F1 {f1:.4f} ({false_pairs:,} false pairs)")  # fmt: skip
                top, barred = best.get(label, (0.0, 0.0))
                best[label] = (max(top, f1), max(barred, f1) if share >= LINK_BAR else barred)
    for label, (top, barred) in best.items():
        print(f"  best F1 {label}: {top:.4f} at any margin, {barred:.4f} with links "
              f"{LINK_BAR:.2f} right or better")  # fmt: skip
    reach = max(top for top, _ in best.values())
    verdict = "reaches" if reach >= 0.96 else "does NOT reach"
    print(f"  the best-fit rule {verdict} F1 0.96 on these lists (best {reach:.4f})")


def report_person_fit(scored: Any, decided: Any, spec: ModelSpec) -> None:
    """Decision 0363's rule on the decisions' own persons, reading no truth: each
    adoption-listing record whose person has no record of another kind is moved, with its
    person, to the person of other lists that fits it best by more than a margin (finer dates,
    m by EM, u over every such person); printed with the share of moves that are right and
    the F1 after them."""
    person = {int(k): str(v) for k, v in decided.person_of.items()}
    renaming = {str(k) for k in spec.kinds.renaming}
    kinds = scored.features["source_kind"].astype(str).to_numpy()
    kind = dict(zip(scored.features["uid"].astype(int).tolist(), kinds, strict=True))
    fits = FieldFits(scored.features, person, spec, FINE)
    fits.own[:] = -1  # the persons are the decisions', not the truth's
    weights = field_weights_em(fits)
    others: dict[str, set[str]] = defaultdict(set)  # person -> children of its other-list records
    for uid, p in person.items():
        if kind[uid] not in renaming:
            others[p].add(scored.truth.child[uid])
    margins = [2.0, 3.0, 4.0, 5.0, 6.0, 8.0]
    print("\n-- decision 0363: the best-fit rule on the decisions' persons (no truth read) --")
    for margin, linked in zip(margins, best_fit_links(fits, weights, margins), strict=True):
        alone = {u: p for u, p in linked.items() if person[u] not in others}
        moved = {person[u]: p for u, p in alone.items()}
        after = {u: moved.get(p, p) for u, p in person.items()}
        right = sum(1 for u, p in alone.items() if scored.truth.child[u] in others[p])
        precision, recall, f1, false_pairs = pairwise(scored.truth, after)
        print(f"  margin {margin:>4}: {len(alone):,} records moved, "
              f"{right / max(1, len(alone)):.3f} right; precision {precision:.4f} recall "
              f"{recall:.4f} F1 {f1:.4f} ({false_pairs:,} false pairs)")  # fmt: skip


def report_posterior_fit(scored: Any, decided: Any, spec: ModelSpec) -> None:
    """Decision 0365's rule on the decisions' own persons (`best_fit_rule`, reading no
    truth): each lone adoption-listing record linked to the person that fits it best when the
    chance that this is its child is at or above a bar (the auto-link threshold among them);
    printed with the share of links that are right and the F1 after them."""
    pairs = candidates(spec, scored.pairs)
    person = {int(k): str(v) for k, v in decided.person_of.items()}
    bars = [0.9, 0.95, spec.thresholds.auto_link, 0.995]
    started = time.perf_counter()
    linked = chance_links(pairs, scored.features, person, spec, bars=bars)
    took = time.perf_counter() - started
    kind = dict(zip(scored.features["uid"].astype(int), scored.features["source_kind"].astype(str),
                    strict=True))  # fmt: skip
    renaming = {str(k) for k in spec.kinds.renaming}
    uid_l, uid_r = pairs["uid_l"].to_numpy(), pairs["uid_r"].to_numpy()
    print(f"\n-- decision 0365: the best-fit rule by its chance, on the decisions' persons "
          f"(no truth read; {took:.1f} s) --")  # fmt: skip
    for bar in bars:
        moved: dict[str, str] = {}
        right = 0
        for at in linked[bar].tolist():
            a, b = int(uid_l[at]), int(uid_r[at])
            listing, other = (a, b) if kind[a] in renaming else (b, a)
            moved[person[listing]] = person[other]
            right += scored.truth.child[listing] == scored.truth.child[other]
        after = {u: moved.get(p, p) for u, p in person.items()}
        precision, recall, f1, false_pairs = pairwise(scored.truth, after)
        n = len(linked[bar])
        print(f"  chance >= {bar}: {n:,} records linked, {right / max(1, n):.3f} right; "
              f"precision {precision:.4f} recall {recall:.4f} F1 {f1:.4f} "
              f"({false_pairs:,} false pairs)")  # fmt: skip


def _marginal(counts: Counter[tuple[str, str]], side: int) -> Counter[str]:
    out: Counter[str] = Counter()
    for key, n in counts.items():
        out[key[side]] += n
    return out


def report_against_ceiling(
    scored: Any,
    decided: Any,
    category: dict[int, str],
    short_of: dict[tuple[int, int], str],
    figs: dict[str, float],
    top: int,
) -> None:
    """Where the decisions lose F1 against decision 0350's honest ceiling: the false pairs
    (by the kinds of their records, and the wrong links by the rule that made them) and the
    true pairs lost that the ceiling keeps (both records identifiable: not a listing record,
    or a `unique` one), by kinds and outcome."""
    truth = scored.truth
    kind = {u: str(k) for u, k in truth.kind.items()}
    person_of = decided.person_of
    members: dict[str, list[int]] = defaultdict(list)
    for uid, person in person_of.items():
        members[person].append(int(uid))
    false_by: Counter[str] = Counter()
    for uids in members.values():
        if len(uids) < 2:
            continue
        for a, b in combinations(uids, 2):
            if truth.child[a] != truth.child[b]:
                false_by["+".join(sorted((kind[a], kind[b])))] += 1
    stored = decided.pairs
    wrong = stored[(stored["status"] == "auto") & ~truth.is_match(stored)]
    wrong_by: Counter[tuple[str, str]] = Counter(
        ("+".join(sorted((kind[int(a)], kind[int(b)]))), str(r))
        for a, b, r in zip(wrong["uid_l"], wrong["uid_r"], wrong["rule"], strict=True)
    )
    status = {
        (min(int(a), int(b)), max(int(a), int(b))): str(r)
        for a, b, r in zip(stored["uid_l"], stored["uid_r"], stored["rule"], strict=True)
    }
    missed: Counter[tuple[str, str]] = Counter()
    missed_rule: Counter[str] = Counter()
    adoption_rule: Counter[tuple[str, str]] = Counter()
    for (a, b), short in short_of.items():
        if any(category.get(u, "unique") != "unique" for u in (a, b)):
            continue  # the ceiling does not keep it either
        kinds = "+".join(sorted((kind[a], kind[b])))
        missed[(kinds, short)] += 1
        missed_rule[status.get((a, b), "not stored")] += 1
    # each identifiable listing record not with its child: why (its own best stored pair)
    best_rule: dict[int, tuple[float, str]] = {}
    probability = stored["match_probability"].to_numpy(float)
    for i, (a, b, r) in enumerate(zip(stored["uid_l"], stored["uid_r"], stored["rule"],
                                      strict=True)):  # fmt: skip
        a, b = int(a), int(b)
        if truth.child[a] != truth.child[b]:
            continue
        for u in (a, b):
            if category.get(u) == "unique" and probability[i] > best_rule.get(u, (-1.0, ""))[0]:
                best_rule[u] = (float(probability[i]), str(r))
    for u, c in category.items():
        if c != "unique":
            continue
        others = [v for v in truth.by_child[truth.child[u]] if v != u and v not in category]
        if others and all(person_of[v] != person_of[u] for v in others):
            rule = best_rule.get(u, (0.0, "no true pair stored"))[1]
            adoption_rule[(rule, "with a true pair stored" if u in best_rule else "")] += 1
    tp_now = round(figs["recall"] * truth.true_pairs)
    print("\n-- against decision 0350's honest ceiling --")
    print(f"  F1 now {figs['f1']:.4f} (precision {figs['precision']:.4f}, recall "
          f"{figs['recall']:.4f}, {int(figs['false_pairs']):,} false pairs, "
          f"{truth.true_pairs - tp_now:,} true pairs lost)")  # fmt: skip
    lost_kept = sum(missed.values())
    print(
        f"  true pairs lost that the ceiling keeps: {lost_kept:,}; F1 with them found and "
        f"no false pair: "
        f"{2 * (tp_now + lost_kept) / (truth.true_pairs + tp_now + lost_kept):.4f}; "
        f"F1 with no false pair only: {2 * tp_now / (truth.true_pairs + tp_now):.4f}"
    )
    print("  false pairs after clustering, by the kinds of their records:")
    for k, n in false_by.most_common(top):
        print(f"  {n:6,}  {k}")
    print(f"  wrong auto links ({sum(wrong_by.values()):,}), by the rule that set them:")
    for r, n in _marginal(wrong_by, 1).most_common():
        print(f"  {n:6,}  {r}")
    print("  ... by kinds and rule:")
    for (k, r), n in wrong_by.most_common(top):
        print(f"  {n:6,}  {k:<22} {r}")
    print("  true pairs lost that the ceiling keeps, by kinds:")
    for k, n in _marginal(missed, 0).most_common():
        print(f"  {n:6,}  {k}")
    print("  ... by kinds and outcome:")
    for (k, o), n in missed.most_common(top):
        print(f"  {n:6,}  {k:<22} {o}")
    print("  ... by the rule of the pair's stored status:")
    for r, n in missed_rule.most_common(top):
        print(f"  {n:6,}  {r}")
    print("  identifiable listing records not with their child, by the rule of their best "
          "stored true pair:")  # fmt: skip
    for (r, how), n in adoption_rule.most_common(top):
        print(f"  {n:6,}  {r} {how}")


if __name__ == "__main__":
    main()
