"""Disclosure control over a whole set of published count tables (pure: no I/O).

Every table in a release counts the same children, so the tables are tied together: each table's
row and column totals ("margins") are counts of one dimension (oblast, sex, return status ...),
a dimension shared by two tables has the same margins in both, and every table sums to the same
grand total. A suppressed cell can therefore be recovered not only inside its own table ("total
minus the published rest", the attack that undid CDC WONDER's suppression) but through another
table's margins. So the rules run on the set at once:

1. Primary suppression: every cell and every margin whose count is 1..k (k = 10 by default) is
   withheld. Zeros are published (an empty cell identifies nobody).
2. Complementary suppression: further cells are withheld until, for every withheld count, the
   interval an attacker can narrow it to - from every published cell, margin and total of the
   whole set and non-negativity - is at least k wide.
3. The audit proves (2): for each withheld count, two linear programs (minimise and maximise it
   subject to all published values and all additive relations between the tables) solved with
   SciPy's HiGHS (`scipy.optimize.linprog(method="highs")`). A two-way table with published
   margins has an integral polytope, so the LP bounds are the integer bounds there.
4. Optional rounding of every published count to base 5 or 10 (after the audit: the audit treats
   published counts as exact, which is the stronger attacker).

A table whose non-zero cells would all be withheld is left out of the release with a reason; if
nothing at all can be published, `RegistryTooSmall` says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

DEFAULT_K = 10
ROUNDING_BASES = (1, 5, 10)
TOTAL = ("total", "")


class DisclosureError(ValueError):
    """The rules cannot be applied as asked (a bad setting or table shape). No data in the text."""


class RegistryTooSmall(DisclosureError):
    """Nothing can be published without exposing a child: the registry is too small."""


@dataclass(frozen=True)
class CountTable:
    """One two-way table of counts: rows are `row_dim`'s labels, columns `col_dim`'s."""

    name: str
    title: str
    row_dim: str
    col_dim: str
    row_labels: tuple[str, ...]
    col_labels: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]

    def __post_init__(self) -> None:
        if self.row_dim == self.col_dim:
            raise DisclosureError(f"table {self.name}: its two dimensions must differ")
        if len(self.counts) != len(self.row_labels) or any(
            len(row) != len(self.col_labels) for row in self.counts
        ):
            raise DisclosureError(f"table {self.name}: counts do not fit its labels")
        if any(v < 0 for row in self.counts for v in row):
            raise DisclosureError(f"table {self.name}: a count is negative")

    @property
    def total(self) -> int:
        return sum(sum(row) for row in self.counts)

    def row_sums(self) -> list[int]:
        return [sum(row) for row in self.counts]

    def col_sums(self) -> list[int]:
        return [sum(row[j] for row in self.counts) for j in range(len(self.col_labels))]


Cell = tuple[str, int, int]  # (table name, row index, column index)
Margin = tuple[str, str]  # (dimension, label); TOTAL for the grand total


@dataclass
class Protected:
    """The outcome of the rules: what is withheld, what is left out and why, the audit."""

    k: int
    rounding: int
    tables: list[CountTable]
    suppressed_cells: set[Cell] = field(default_factory=set)
    suppressed_margins: set[Margin] = field(default_factory=set)
    omitted: dict[str, str] = field(default_factory=dict)  # table name -> reason
    primary_cells: int = 0
    primary_margins: int = 0
    audit: AuditResult | None = None

    def published_tables(self) -> list[CountTable]:
        return [t for t in self.tables if t.name not in self.omitted]

    def cell(self, table: CountTable, i: int, j: int) -> int | None:
        """The published count of a cell (rounded), or None when withheld."""
        if (table.name, i, j) in self.suppressed_cells:
            return None
        return round_to(table.counts[i][j], self.rounding)

    def margin(self, dim: str, label: str, value: int) -> int | None:
        if (dim, label) in self.suppressed_margins:
            return None
        return round_to(value, self.rounding)


def round_to(value: int, base: int) -> int:
    """`value` rounded half up to a multiple of `base` (base 1: unchanged)."""
    if base <= 1:
        return value
    return ((value + base // 2) // base) * base


@dataclass(frozen=True)
class Interval:
    what: str  # "cell" | "margin"
    key: tuple[object, ...]
    low: float
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low


@dataclass(frozen=True)
class AuditResult:
    """Each withheld count's feasible interval; `ok` when all are at least k wide and no
    published count is 1..k."""

    k: int
    intervals: tuple[Interval, ...]
    published_small: tuple[tuple[object, ...], ...]

    @property
    def narrow(self) -> list[Interval]:
        return [iv for iv in self.intervals if iv.width < self.k - 1e-6]

    @property
    def ok(self) -> bool:
        return not self.narrow and not self.published_small

    @property
    def min_width(self) -> float | None:
        return min((iv.width for iv in self.intervals), default=None)


def _check_set(tables: Sequence[CountTable]) -> int:
    if not tables:
        raise DisclosureError("no tables to publish")
    names = [t.name for t in tables]
    if len(set(names)) != len(names):
        raise DisclosureError("two tables have the same name")
    totals = {t.total for t in tables}
    if len(totals) != 1:
        raise DisclosureError("the tables do not count the same children (their totals differ)")
    labels: dict[str, tuple[str, ...]] = {}
    sums: dict[Margin, int] = {}
    for t in tables:
        for dim, labs, vals in (
            (t.row_dim, t.row_labels, t.row_sums()),
            (t.col_dim, t.col_labels, t.col_sums()),
        ):
            if labels.setdefault(dim, labs) != labs:
                raise DisclosureError(f"dimension {dim} has different labels in two tables")
            for lab, v in zip(labs, vals, strict=True):
                if sums.setdefault((dim, lab), v) != v:
                    raise DisclosureError(f"dimension {dim}: two tables disagree on a margin")
    return totals.pop()


def margins_of(tables: Sequence[CountTable]) -> dict[Margin, int]:
    """Every margin of the set (each shared dimension once) and the grand total."""
    out: dict[Margin, int] = {TOTAL: tables[0].total if tables else 0}
    for t in tables:
        for lab, v in zip(t.row_labels, t.row_sums(), strict=True):
            out[(t.row_dim, lab)] = v
        for lab, v in zip(t.col_labels, t.col_sums(), strict=True):
            out[(t.col_dim, lab)] = v
    return out


# --- the audit -----------------------------------------------------------------------------


class _System:
    """The additive relations of the set as a sparse equality system A x = 0 over one variable
    per cell of every table (left-out tables too: their structure is public) and one per margin."""

    def __init__(self, tables: Sequence[CountTable]) -> None:
        self.index: dict[tuple[object, ...], int] = {}
        self.values: list[int] = []
        margins = margins_of(tables)
        for key, value in margins.items():
            self.index[("m", *key)] = len(self.values)
            self.values.append(value)
        for t in tables:
            for i, row in enumerate(t.counts):
                for j, v in enumerate(row):
                    self.index[("c", t.name, i, j)] = len(self.values)
                    self.values.append(v)
        rows: list[int] = []
        cols: list[int] = []
        data: list[float] = []
        eq = 0

        def equation(parts: Iterable[int], whole: int) -> None:
            nonlocal eq
            for p in parts:
                rows.append(eq)
                cols.append(p)
                data.append(1.0)
            rows.append(eq)
            cols.append(whole)
            data.append(-1.0)
            eq += 1

        dims_done: set[str] = set()
        total = self.index[("m", *TOTAL)]
        for t in tables:
            for i, lab in enumerate(t.row_labels):
                equation(
                    (self.index[("c", t.name, i, j)] for j in range(len(t.col_labels))),
                    self.index[("m", t.row_dim, lab)],
                )
            for j, lab in enumerate(t.col_labels):
                equation(
                    (self.index[("c", t.name, i, j)] for i in range(len(t.row_labels))),
                    self.index[("m", t.col_dim, lab)],
                )
            for dim, labs in ((t.row_dim, t.row_labels), (t.col_dim, t.col_labels)):
                if dim not in dims_done:
                    dims_done.add(dim)
                    equation((self.index[("m", dim, lab)] for lab in labs), total)
        self.a_eq = coo_matrix((data, (rows, cols)), shape=(eq, len(self.values))).tocsr()
        self.b_eq = np.zeros(eq)


def audit(
    tables: Sequence[CountTable],
    *,
    k: int,
    suppressed_cells: set[Cell],
    suppressed_margins: set[Margin],
    omitted: Iterable[str] = (),
    skip: set[tuple[object, ...]] | frozenset[tuple[object, ...]] = frozenset(),
    exact: bool = False,
) -> AuditResult:
    """What an attacker can narrow each withheld count to, given everything published.

    Published: every cell of a table not in `omitted` and not in `suppressed_cells`, every margin
    not in `suppressed_margins`. Cells of omitted tables are unknowns (the table's shape is
    public). Each withheld cell and margin of a published table gets [min, max] from HiGHS;
    `exact=False` stops at a proof that the interval is at least k wide (two feasible values k
    apart, found by earlier LPs); `exact=True` solves both LPs for every count. Keys in `skip`
    are not solved (used while suppression only grows: withholding more only
    removes constraints, so an interval once wide enough stays so).
    """
    omitted = set(omitted)
    shown_dims = {"total"} | {
        d for t in tables if t.name not in omitted for d in (t.row_dim, t.col_dim)
    }
    system = _System(tables)
    n = len(system.values)
    upper = float(system.values[system.index[("m", *TOTAL)]])
    lb = np.zeros(n)
    ub = np.full(n, upper)
    targets: list[tuple[str, tuple[object, ...], int]] = []
    published_small: list[tuple[object, ...]] = []
    for key, idx in system.index.items():
        value = system.values[idx]
        if key[0] == "m":
            margin = (str(key[1]), str(key[2]))
            if margin[0] not in shown_dims:
                continue  # a dimension only an omitted table had: never published
            hidden = margin in suppressed_margins
            what = "margin"
            short = key[1:]
        else:
            cell = (str(key[1]), int(key[2]), int(key[3]))  # type: ignore[call-overload]
            hidden = cell in suppressed_cells or cell[0] in omitted
            what = "cell"
            short = key[1:]
            if cell[0] in omitted:
                continue  # free unknown, never published, nothing to certify
        if hidden:
            if short not in skip:
                targets.append((what, short, idx))
        else:
            lb[idx] = ub[idx] = value
            if 1 <= value <= k:
                published_small.append(short)
    intervals: list[Interval] = []
    for (what, short, _idx), (low, high) in zip(
        targets,
        _bounds(system, lb, ub, [t[2] for t in targets], need=k - 1e-6, exact=exact),
        strict=True,
    ):
        intervals.append(Interval(what, short, low, high))
    return AuditResult(k=k, intervals=tuple(intervals), published_small=tuple(published_small))


def _bounds(
    system: _System,
    lb: np.ndarray,
    ub: np.ndarray,
    targets: Sequence[int],
    *,
    need: float,
    exact: bool,
) -> list[tuple[float, float]]:
    """For each target variable, an interval of values it can take subject to A x = 0 and
    lb <= x <= ub: its exact [min, max] when `exact` or when narrower than `need`; otherwise two
    feasible values at least `need` apart (which proves the exact interval is at least as wide).

    The published (fixed) variables are substituted out, and the remaining unknowns split into
    the groups the equations connect; each target's two LPs run over its own group only. This
    is exact (the groups share no equation) and keeps each LP small.
    """
    if not targets:
        return []
    a = system.a_eq
    fixed = lb == ub
    free = np.flatnonzero(~fixed)
    rhs = -(a[:, np.flatnonzero(fixed)] @ lb[fixed])
    a_free = a[:, free].tocsr()
    used = np.flatnonzero(a_free.getnnz(axis=1) > 0)
    a_free = a_free[used]
    rhs = rhs[used]
    position = {int(v): n for n, v in enumerate(free)}
    n_free = len(free)
    # connect unknowns that share an equation: graph over (unknowns + equations)
    incidence = a_free.tocoo()
    graph = coo_matrix(
        (np.ones(incidence.nnz), (incidence.col, n_free + incidence.row)),
        shape=(n_free + len(used), n_free + len(used)),
    )
    _, labels = connected_components(graph, directed=False)
    out: list[tuple[float, float]] = []
    cache: dict[int, tuple[np.ndarray, np.ndarray, Any, np.ndarray]] = {}
    # Every LP solution is a feasible point of the whole group; the lowest and highest value
    # each unknown took in any of them (starting from the true counts) is a proven sub-interval.
    truth = np.asarray(system.values, dtype=float)[free]
    seen_low = truth.copy()
    seen_high = truth.copy()
    for target in targets:
        col = position[target]
        group = int(labels[col])
        if group not in cache:
            cols = np.flatnonzero(labels[:n_free] == group)
            rows = np.flatnonzero(labels[n_free:] == group)
            cache[group] = (cols, rows, a_free[rows][:, cols], rhs[rows])
            if not exact and len(rows) > 0 and len(cols) > 8:
                _sweep(
                    cols,
                    cache[group][2],
                    rhs[rows],
                    lb[free[cols]],
                    ub[free[cols]],
                    seen_low,
                    seen_high,
                    seed=group,
                )
        cols, rows, sub, sub_rhs = cache[group]
        if len(rows) == 0:  # an unknown in no equation: only its bounds hold it
            out.append((float(lb[target]), float(ub[target])))
            continue
        if not exact and seen_high[col] - seen_low[col] >= need:
            out.append((float(seen_low[col]), float(seen_high[col])))
            continue
        c = np.zeros(len(cols))
        c[int(np.searchsorted(cols, col))] = 1.0
        bounds = np.column_stack([lb[free[cols]], ub[free[cols]]])
        for sign in (1.0, -1.0):
            x = _solve(sign * c, sub, sub_rhs, bounds)
            seen_low[cols] = np.minimum(seen_low[cols], x)
            seen_high[cols] = np.maximum(seen_high[cols], x)
        out.append((float(seen_low[col]), float(seen_high[col])))
    return out


def _sweep(
    cols: np.ndarray,
    sub: Any,
    sub_rhs: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    seen_low: np.ndarray,
    seen_high: np.ndarray,
    *,
    seed: int,
    rounds: int = 8,
) -> None:
    """Push a large group to a few far-apart vertices (random +-1 objectives): each solution
    moves many unknowns at once, so most are proven wide without LPs of their own."""
    rng = np.random.default_rng(seed)
    bounds = np.column_stack([low, high])
    for _ in range(rounds):
        c = rng.choice((-1.0, 1.0), size=len(cols))
        for sign in (1.0, -1.0):
            x = _solve(sign * c, sub, sub_rhs, bounds)
            seen_low[cols] = np.minimum(seen_low[cols], x)
            seen_high[cols] = np.maximum(seen_high[cols], x)


def _solve(c: np.ndarray, a_eq: Any, b_eq: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """A solution (a vertex) minimising c x."""
    result = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    if result.status != 0:  # the true counts are always feasible; anything else is a bug
        raise DisclosureError(f"the audit's linear program did not solve ({result.message})")
    return np.asarray(result.x, dtype=float)


# --- the rules -----------------------------------------------------------------------------


def protect(tables: Sequence[CountTable], *, k: int = DEFAULT_K, rounding: int = 1) -> Protected:
    """Apply primary and complementary suppression to the whole set and audit it.

    Raises `RegistryTooSmall` if no table keeps a published non-zero cell.
    """
    if k < 1:
        raise DisclosureError("k must be at least 1")
    if rounding not in ROUNDING_BASES:
        raise DisclosureError("rounding must be to base 1 (none), 5 or 10")
    total = _check_set(tables)
    result = Protected(k=k, rounding=rounding, tables=list(tables))
    if total <= k:
        raise RegistryTooSmall(
            f"the registry counts {_size_words(total, k)}: too few to publish any figure safely"
        )
    margins = margins_of(tables)
    for t in tables:
        for i, row in enumerate(t.counts):
            for j, v in enumerate(row):
                if 1 <= v <= k:
                    result.suppressed_cells.add((t.name, i, j))
    result.suppressed_margins = {m for m, v in margins.items() if 1 <= v <= k}
    result.primary_cells = len(result.suppressed_cells)
    result.primary_margins = len(result.suppressed_margins)

    by_name = {t.name: t for t in tables}
    wide: set[tuple[object, ...]] = set()
    for _round in range(10_000):
        changed = _close_lines(result, by_name, margins)
        _omit_hidden(result, by_name)
        if changed:
            continue
        report = audit(
            tables,
            k=k,
            suppressed_cells=result.suppressed_cells,
            suppressed_margins=result.suppressed_margins,
            omitted=result.omitted,
            skip=wide,
        )
        if report.ok:
            # the proof: one full audit of the final pattern, nothing skipped
            result.audit = audit(
                tables,
                k=k,
                suppressed_cells=result.suppressed_cells,
                suppressed_margins=result.suppressed_margins,
                omitted=result.omitted,
            )
            if not result.audit.ok:  # pragma: no cover - monotonicity makes this impossible
                raise DisclosureError("the final audit disagrees with the incremental one")
            break
        wide.update(iv.key for iv in report.intervals if iv.width >= k - 1e-6)
        grew = False
        for iv in report.narrow:
            grew |= _widen(result, by_name, margins, iv)
        _omit_hidden(result, by_name)
        if not grew:  # nothing left to withhold beside it: leave the whole set out
            for t in tables:
                result.omitted.setdefault(
                    t.name, "no safe pattern of withheld cells leaves anything to publish"
                )
            break
    if not result.published_tables():
        raise RegistryTooSmall(
            f"the registry counts {_size_words(total, k)}: every table would have to be "
            "withheld entirely, so nothing is published"
        )
    if result.audit is None:
        raise DisclosureError("the rules did not settle")  # pragma: no cover - bounded loop
    return result


def _size_words(total: int, k: int) -> str:
    return f"{total} children (k = {k})"


def _lines(t: CountTable) -> Iterable[tuple[list[tuple[int, int]], Margin]]:
    for i, lab in enumerate(t.row_labels):
        yield [(i, j) for j in range(len(t.col_labels))], (t.row_dim, lab)
    for j, lab in enumerate(t.col_labels):
        yield [(i, j) for i in range(len(t.row_labels))], (t.col_dim, lab)


def _close_lines(
    result: Protected, by_name: Mapping[str, CountTable], margins: Mapping[Margin, int]
) -> bool:
    """The cheap part of complementary suppression: no line (a row or column with its margin, or
    a dimension's margins with the total) may have exactly one withheld count, since it would be
    the margin minus the rest. Returns whether anything was added."""
    changed = False
    for t in by_name.values():
        if t.name in result.omitted:
            continue
        for cells, margin in _lines(t):
            hidden = [c for c in cells if (t.name, *c) in result.suppressed_cells]
            margin_hidden = margin in result.suppressed_margins
            if len(hidden) + margin_hidden != 1:
                continue
            pick = _smallest(t, [c for c in cells if c not in hidden], result)
            if pick is not None:
                result.suppressed_cells.add((t.name, *pick))
            else:
                result.suppressed_margins.add(margin)
            changed = True
    dims: dict[str, list[str]] = {}
    for t in by_name.values():
        if t.name in result.omitted:
            continue
        dims.setdefault(t.row_dim, list(t.row_labels))
        dims.setdefault(t.col_dim, list(t.col_labels))
    for dim, labs in dims.items():
        hidden_m = [lab for lab in labs if (dim, lab) in result.suppressed_margins]
        if len(hidden_m) == 1:
            rest = [
                (margins[(dim, lab)], lab)
                for lab in labs
                if (dim, lab) not in result.suppressed_margins and margins[(dim, lab)] > 0
            ]
            if rest:
                result.suppressed_margins.add((dim, min(rest)[1]))
                changed = True
    return changed


def _smallest(
    t: CountTable, candidates: Iterable[tuple[int, int]], result: Protected
) -> tuple[int, int] | None:
    """The published non-zero cell with the smallest count (the least information lost)."""
    best = [
        (t.counts[i][j], i, j)
        for i, j in candidates
        if (t.name, i, j) not in result.suppressed_cells and t.counts[i][j] > 0
    ]
    if not best:
        return None
    _, i, j = min(best)
    return i, j


def _widen(
    result: Protected,
    by_name: Mapping[str, CountTable],
    margins: Mapping[Margin, int],
    iv: Interval,
) -> bool:
    """Withhold one more count next to a count the audit found too narrow."""
    if iv.what == "cell":
        name, i, j = iv.key
        t = by_name[str(name)]
        row = [(int(i), jj) for jj in range(len(t.col_labels)) if jj != j]  # type: ignore[call-overload]
        col = [(ii, int(j)) for ii in range(len(t.row_labels)) if ii != i]  # type: ignore[call-overload]
        for candidates in (row, col):
            pick = _smallest(t, candidates, result)
            if pick is not None:
                result.suppressed_cells.add((t.name, *pick))
                return True
        for margin in ((t.row_dim, t.row_labels[int(i)]), (t.col_dim, t.col_labels[int(j)])):  # type: ignore[call-overload]
            if margin not in result.suppressed_margins and margins[margin] > 0:
                result.suppressed_margins.add(margin)
                return True
        return False
    dim, label = str(iv.key[0]), str(iv.key[1])
    if (dim, label) == TOTAL:
        return False
    # A margin: withhold the smallest other published non-zero margin of the same dimension.
    rest = [
        (v, lab)
        for (d, lab), v in margins.items()
        if d == dim and lab != label and (d, lab) not in result.suppressed_margins and v > 0
    ]
    if rest:
        result.suppressed_margins.add((dim, min(rest)[1]))
        return True
    # or a cell in a line the margin sums
    for t in by_name.values():
        if t.name in result.omitted:
            continue
        for cells, margin in _lines(t):
            if margin == (dim, label):
                pick = _smallest(t, cells, result)
                if pick is not None:
                    result.suppressed_cells.add((t.name, *pick))
                    return True
    return False


def _omit_hidden(result: Protected, by_name: Mapping[str, CountTable]) -> None:
    """Leave out a table none of whose non-zero cells is published any more."""
    for t in by_name.values():
        if t.name in result.omitted:
            continue
        nonzero = [(i, j) for i, row in enumerate(t.counts) for j, v in enumerate(row) if v > 0]
        if nonzero and all((t.name, i, j) in result.suppressed_cells for i, j in nonzero):
            result.omitted[t.name] = (
                "every non-zero cell would be withheld: the table would show nothing"
            )
            result.suppressed_cells -= {c for c in result.suppressed_cells if c[0] == t.name}
