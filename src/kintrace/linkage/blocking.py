"""Blocking whose cost is bounded by design: no block larger than a cap is paired in full.

A blocking rule pairs every two records that share its values, so one block of n records costs
n(n-1)/2 comparisons: 200,000 records of one surname under "surname stem + birth year" would be
about a billion pairs, and a run that tried them grew to tens of GiB. `plan_blocking` counts the
records of every block of every rule first (one group-by per rule, no pair is made), and a
block above `cap` records is left out of that rule: its records get a NULL in a mask column
the rule also requires equal, so the rule pairs none of them, while every other rule still
does. Each record is thereby compared at most `cap - 1` times per rule, whatever the data.

What was left out is reported (`BlockPlan.capped`: the rule, how many blocks and records, the
largest block's size and the pairs avoided; never a block's values, which are personal data),
and `kintrace link` and the scale bench print it, with the blocking recall beside it in the
bench. A plan without an oversized block leaves the rules as they are.

A rule with conditions (`BlockingRule.only_if`: either record lacks a value or is of a kind)
pairs only the pairs of its blocks that meet them; the pairs it makes are counted so (by
inclusion-exclusion over the records of each block that fail the conditions), while the cap
stays on a block's records: an engine joins on the equal columns and filters the pairs after,
so a block's records bound the work whatever the conditions leave.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import combinations

import numpy as np
import pandas as pd

from kintrace.linkage.spec import BlockingRule, EitherSide, ModelSpec

__all__ = [
    "DEFAULT_BLOCK_CAP",
    "BlockPlan",
    "CappedRule",
    "meets",
    "pairs_blocked",
    "pairs_sql",
    "plan_blocking",
]

#: Records per block above which a rule leaves the block out (at most ~2 million pairs a block).
DEFAULT_BLOCK_CAP = 2_000

_MASK = "blk_ok_"


@dataclass(frozen=True)
class CappedRule:
    """One rule's blocks above the cap: counts only, no values."""

    rule: str
    blocks: int
    records: int
    largest: int
    pairs_avoided: int

    def describe(self, cap: int) -> str:
        return (
            f"blocking rule {self.rule}: {self.blocks:,} block(s) above {cap:,} records "
            f"({self.records:,} records, the largest {self.largest:,}) left out of this rule, "
            f"{self.pairs_avoided:,} pairs not compared; the other rules still pair them"
        )


@dataclass(frozen=True)
class BlockPlan:
    """The rules to score with, the mask columns they need and what the cap left out."""

    cap: int
    rules: tuple[BlockingRule, ...]
    masks: dict[str, pd.Series]  # column -> 1 where the record's block is paired, else NULL
    capped: tuple[CappedRule, ...]
    pairs: dict[str, int]  # per rule, pairs its kept blocks make (before overlaps are removed)

    @property
    def comparisons_upper(self) -> int:
        return sum(self.pairs.values())

    def apply(self, features: pd.DataFrame) -> pd.DataFrame:
        """`features` with the mask columns (aligned on its index); unchanged without any."""
        if not self.masks:
            return features
        return features.assign(**{c: m.reindex(features.index) for c, m in self.masks.items()})

    def spec_for(self, spec: ModelSpec) -> ModelSpec:
        """`spec` scoring with these rules whatever the registry's size."""
        return replace(spec, blocking_rules=self.rules, large_blocking_rules=())

    def warnings(self) -> list[str]:
        return [c.describe(self.cap) for c in self.capped]


def _block_sizes(features: pd.DataFrame, columns: tuple[str, ...]) -> pd.Series:
    """Per record, the number of records sharing its values of `columns` (NaN where one is
    missing: such a record is in no block)."""
    keys = features[list(columns)]
    return keys.groupby(list(columns), dropna=True, sort=False)[columns[0]].transform("size")


def meets(condition: EitherSide, records: pd.DataFrame, suffix: str = "") -> pd.Series:
    """Per record (row of `records`), whether it meets `condition` (lacks one of its columns
    or is of one of its kinds); `suffix` reads `<column><suffix>` (`_l` in a pairs frame)."""
    found = pd.Series(False, index=records.index)
    for column in condition.missing:
        found |= records[f"{column}{suffix}"].isna().to_numpy()
    if condition.kinds:
        kinds = [str(k) for k in condition.kinds]
        found |= records[f"source_kind{suffix}"].astype(object).isin(kinds).to_numpy()
    return found


def pairs_blocked(rule: BlockingRule, pairs: pd.DataFrame) -> pd.Series:
    """Per pair (a frame with `<column>_l` and `<column>_r`), whether `rule` pairs it: the
    same as its SQL (a NULL equals nothing; each condition met by either record)."""
    same = pd.Series(True, index=pairs.index)
    for c in rule.columns:
        left, right = pairs[f"{c}_l"], pairs[f"{c}_r"]
        # pandas holds None == None in an object column true; SQL's NULL equals nothing
        equal = left.eq(right).fillna(False).astype(bool) & left.notna() & right.notna()
        same &= equal.to_numpy()
    for condition in rule.only_if:
        same &= (meets(condition, pairs, "_l") | meets(condition, pairs, "_r")).to_numpy()
    return same


def _rule_pairs(rule: BlockingRule, features: pd.DataFrame, kept: pd.Series) -> int:
    """The pairs `rule` makes among the records of `kept` (True: in a block it pairs): within
    each block, n(n-1)/2 without conditions; with them, by inclusion-exclusion, the sum over
    every subset S of the conditions of (-1)^|S| f(f-1)/2, f the block's records failing all
    of S (a pair fails the conditions when both its records fail one of them)."""
    if not kept.any():
        return 0
    frame = features.loc[kept.to_numpy(), list(rule.columns)]
    conditions = rule.only_if
    failing = {
        i: ~meets(c, features.loc[kept.to_numpy()]).to_numpy() for i, c in enumerate(conditions)
    }
    columns: dict[str, object] = {}
    indices = range(len(conditions))
    subsets = [s for k in range(len(conditions) + 1) for s in combinations(indices, k)]
    for subset in subsets:
        fails = np.ones(len(frame), dtype=bool)
        for i in subset:
            fails = fails & failing[i]
        columns[f"f{len(columns)}"] = fails.astype("int64")
    counts = frame.assign(**columns).groupby(list(rule.columns), dropna=True, sort=False).sum()
    total = 0
    for j, subset in enumerate(subsets):
        f = counts[f"f{j}"].to_numpy(dtype="int64")
        total += (-1) ** len(subset) * int((f * (f - 1) // 2).sum())
    return total


def plan_blocking(
    spec: ModelSpec, features: pd.DataFrame, *, cap: int = DEFAULT_BLOCK_CAP, counts: bool = True
) -> BlockPlan:
    """The blocking rules for `features` (`spec.blocking_for` its size), each block above `cap`
    records left out of its rule.

    Without `counts`, `pairs` (each rule's pairs, what the benches and a full run's report
    print) is left empty: the rules and masks are the same, and an incremental run, which
    uses only those, does not count every block of the registry (decision 0355)."""
    if cap < 2:
        raise ValueError(f"block cap: got {cap}; expected at least 2 records per block")
    rules: list[BlockingRule] = []
    masks: dict[str, pd.Series] = {}
    capped: list[CappedRule] = []
    pairs: dict[str, int] = {}
    for i, rule in enumerate(spec.blocking_for(len(features))):
        sizes = _block_sizes(features, rule.columns)
        over = sizes > cap
        if counts:
            pairs[rule.name] = _rule_pairs(rule, features, ~over & sizes.notna())
        if not over.any():
            rules.append(rule)
            continue
        big = sizes[over]
        column = f"{_MASK}{i}"
        masks[column] = pd.Series(1, index=features.index, dtype="Int8").mask(over)
        rules.append(replace(rule, columns=(*rule.columns, column)))
        capped.append(
            CappedRule(
                rule=rule.name,
                blocks=round(float((1 / big).sum())),
                records=len(big),
                largest=int(big.max()),
                pairs_avoided=_rule_pairs(rule, features, over),  # as the rule pairs them
            )
        )
    return BlockPlan(cap=cap, rules=tuple(rules), masks=masks, capped=tuple(capped),
                     pairs=pairs)  # fmt: skip


def pairs_sql(
    rules: tuple[BlockingRule, ...],
    table: str,
    *,
    uid: str = "uid",
    chunk: tuple[int, int, int] | None = None,
) -> str:
    """The candidate pairs of a dedupe of `table` as one SQL query, each pair once (decision
    0343): `match_key` (the first rule that pairs it, as text), `join_key_l` < `join_key_r`,
    the columns of Splink's blocked-pairs table.

    Splink writes each rule as its join minus the pairs of every rule before it (`AND NOT
    (rule 0 OR rule 1 ...)`, evaluated on every candidate of every later rule: at a million
    dense records two thirds of the blocking's CPU time); here each rule is its join alone and
    the pairs two rules make are merged by one aggregation, the same pairs and the same
    `match_key`. A conditioned rule (`only_if`) joins the records meeting its first condition
    to its blocks, once on each side, instead of every record of a block to every other: a
    pair meets the condition when one of its records does, and the rule's whole SQL still
    filters each pair. `chunk` (i, j, n): only pairs whose left record is in the i-th of n
    parts and right record in the j-th (parts by a hash of the key, as Splink's chunks).
    """
    if not rules:
        raise ValueError("blocking: expected at least one rule")
    key = f'"{uid}"'
    where = f"l.{key} < r.{key}"
    if chunk is not None:
        i, j, n = chunk
        part = "(ABS(hash({side}.{key})) % {n}) + 1 = {index}"
        where += " AND " + part.format(side="l", key=key, n=n, index=i)
        where += " AND " + part.format(side="r", key=key, n=n, index=j)
    selects = []
    for k, rule in enumerate(rules):
        head = (
            f"SELECT {k} AS match_key, l.{key} AS join_key_l, r.{key} AS join_key_r "
            f"FROM {table} AS l JOIN {table} AS r ON {rule.sql} WHERE {where}"
        )
        if not rule.only_if:
            selects.append(head)
            continue
        first = rule.only_if[0]
        selects += [f"{head} AND ({first.record_sql(side)})" for side in ("l", "r")]
    union = "\nUNION ALL\n".join(selects)
    return (
        "SELECT CAST(min(match_key) AS VARCHAR) AS match_key, join_key_l, join_key_r "
        f"FROM (\n{union}\n) AS candidates GROUP BY join_key_l, join_key_r"
    )
