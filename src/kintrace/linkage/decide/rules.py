"""The decision rules as objects: an id (its decision record), a one-line why, a switch.

`RULES` (in `table.py`) lists them in the order `decide()` runs them. A rule either tests one
pair on its own (`PairRule`: the safety holds, the kept-identity test) or acts on the whole set
of scored pairs and persons (`SetRule`: offers, the unambiguous rule, sibling links,
clustering). `applies(pair, spec)` is the rule's test on one pair's row — for a set rule, the
condition a pair must meet before the rule weighs it against the others — so `kintrace explain`
and the review page can say which rules a pair meets.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, overload

import numpy as np
import pandas as pd

from kintrace.linkage.context import GroupContext
from kintrace.linkage.persons import Constraints
from kintrace.linkage.spec import ModelSpec

if TYPE_CHECKING:
    from kintrace.linkage.clustering import Link


class Stage(StrEnum):
    """What a rule does to a pair's status or to the persons."""

    SCORE = "score"  # the probability's own status: auto, pending, below the floor
    HOLD = "hold"  # auto -> pending, whatever the probability
    CONSTRAIN = "constrain"  # two records never one person through links
    OFFER = "offer"  # below the floor -> pending (never auto)
    CLUSTER = "cluster"  # auto links -> persons
    LINK = "link"  # pending or below the floor -> auto
    REFINE = "refine"  # changes how another rule (`refines`) decides


class Rows(Sequence[dict[str, Any]]):
    """A scored-pairs table's rows as dicts (`DataFrame.to_dict("records")`), each made when
    read and kept: the rules read the few auto and pending pairs of millions, and a dict per
    pair was a run's largest cost in time and memory at a million records."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._columns = [str(c) for c in frame.columns]
        self._values = [frame[c].to_numpy() for c in frame.columns]
        self._made: dict[int, dict[str, Any]] = {}
        self._len = len(frame)

    def __len__(self) -> int:
        return self._len

    @overload
    def __getitem__(self, position: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, position: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, position: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(self._len))]
        if position < 0:
            position += self._len
        if not 0 <= position < self._len:
            raise IndexError(position)
        row = self._made.get(position)
        if row is None:
            values = zip(self._columns, self._values, strict=True)
            row = {column: _native(v[position]) for column, v in values}
            self._made[position] = row
        return row

    def each(
        self, positions: Sequence[int], *, chunk: int = 65_536
    ) -> Iterator[tuple[int, dict[str, Any]]]:
        """The rows at `positions` (0-based), each with its position: the same dicts as
        reading them one by one, made a chunk at a time, column by column, and not kept (the
        holds read every auto pair's row once per rule: at a million records, 663,617 rows kept
        were a gigabyte). Rows made already are the ones kept."""
        for start in range(0, len(positions), chunk):
            wanted = list(positions[start : start + chunk])
            fresh = np.asarray([p for p in wanted if p not in self._made], dtype=np.int64)
            made = dict(zip(fresh.tolist(), self._take(fresh), strict=True))
            for position in wanted:
                row = self._made.get(position)
                yield position, (row if row is not None else made[position])

    def _take(self, wanted: np.ndarray) -> list[dict[str, Any]]:
        if not len(wanted):
            return []
        columns = []
        for values in self._values:
            taken = values[wanted]
            if taken.dtype == object:  # as they are; numpy scalars among them made native
                columns.append([_native(v) for v in taken])
            else:
                columns.append(taken.tolist())
        return [dict(zip(self._columns, row, strict=True)) for row in zip(*columns, strict=True)]

    def make(self, positions: Sequence[int]) -> None:
        """Make the rows at `positions` (0-based) at once, column by column: the same dicts as
        reading them one by one, without a Python call per value (the holds read every auto
        pair's row: a run's largest cost after scoring at 100,000 records)."""
        wanted = np.asarray([p for p in positions if p not in self._made], dtype=np.int64)
        self._made.update(zip(wanted.tolist(), self._take(wanted), strict=True))


def _native(value: Any) -> Any:
    """A numpy scalar as the Python value `to_dict("records")` gives."""
    return value.item() if isinstance(value, np.generic) else value


#: The feature columns the rules read of a pair's records (`State.paired`): a rule that reads
#: another column of `state.paired()` adds it here (`context.by_uid` reads a missing one as {}).
PAIRED_COLUMNS = ("uid", "source", "source_kind", "group_key", "family_stem",
                  "patronymic_class", "given_class", "birth_place_key",
                  # the offers' birth-date rank (decision 0337)
                  "birth_days", "birth_month", "birth_day", "birth_year_min",
                  "birth_year_max")  # fmt: skip


@dataclass
class State:
    """One `decide()` call's working set: the scored pairs, their statuses so far and the rule
    that set each, the persons from the last clustering, and the rules switched off."""

    spec: ModelSpec
    pairs: pd.DataFrame  # uid_l, uid_r, key_l, key_r, match_probability, mw_*, ...
    features: pd.DataFrame
    off: frozenset[str]
    cluster: Callable[[State], dict[Hashable, str]]
    status: list[str | None] = field(default_factory=list)
    rule: list[str | None] = field(default_factory=list)
    person_of: dict[Hashable, str] = field(default_factory=dict)
    constraints: Constraints = field(default_factory=Constraints)
    #: must-link-free auto links kept from earlier runs (incremental runs)
    kept_links: list[Link[Hashable]] = field(default_factory=list)
    refused: int = 0
    _rows: Rows | None = None
    _context: GroupContext | None = None
    _paired: pd.DataFrame | None = None

    def on(self, rule_id: str) -> bool:
        return rule_id not in self.off

    def rows(self) -> Rows:
        """The pairs as row dicts, each made when first read (the pair tests read rows)."""
        if self._rows is None:
            self._rows = Rows(self.pairs)
        return self._rows

    def context(self) -> GroupContext:
        """The groups and sibling likeness of the pairs' records, built once per run (three
        rules read it; each built it from the whole feature table)."""
        if self._context is None:
            self._context = GroupContext(self.paired())
        return self._context

    def paired(self) -> pd.DataFrame:
        """The feature rows of the records the scored pairs name (the columns the rules read,
        `PAIRED_COLUMNS`), or the whole table when they are most of it. The rules read no
        other record: a group's member without a pair has no candidate to support or be
        offered (decision 0348). An incremental run's pairs name a fraction of the registry."""
        if self._paired is None:
            uids = self.features["uid"]
            named = pd.unique(np.concatenate([self.pairs["uid_l"], self.pairs["uid_r"]]))
            mask = uids.isin(named).to_numpy()
            if mask.sum() * 2 > len(mask):
                self._paired = self.features
            else:
                columns = [c for c in PAIRED_COLUMNS if c in self.features]
                self._paired = self.features.loc[mask, columns]
        return self._paired

    def kind_of(self) -> dict[Hashable, str]:
        """The source kind of each record of the pairs, by `uid`."""
        features = self.paired()
        return dict(zip(features["uid"], features["source_kind"], strict=True))

    def source_of_key(self) -> dict[Hashable, object]:
        """The source list of each record of the pairs, by its key (`key_l`/`key_r`); empty
        when the feature table has no `source`."""
        features = self.paired()
        if "source" not in features:
            return {}
        by_uid = pd.Series(features["source"].to_numpy(), index=features["uid"])
        # each record once (its first pair), not a value per scored pair and side: a key names
        # one uid, so every pair of it gives the same source
        uids = np.concatenate([self.pairs["uid_l"].to_numpy(), self.pairs["uid_r"].to_numpy()])
        keys = np.concatenate([self.pairs["key_l"].to_numpy(), self.pairs["key_r"].to_numpy()])
        _, first = np.unique(uids, return_index=True)
        source = pd.Series(uids[first]).map(by_uid).astype(object)
        source = source.where(source.notna(), None)
        return dict(zip(keys[first].tolist(), source.tolist(), strict=True))

    def positions(self, status: str) -> np.ndarray:
        """The positions (0-based, ascending) of the pairs whose status is `status`, as an
        array: the rules pick their few pairs of millions without a Python loop over all."""
        return np.flatnonzero(np.asarray(self.status, dtype=object) == status)

    def set(self, position: int, status: str, rule_id: str) -> None:
        self.status[position] = status
        self.rule[position] = rule_id


@dataclass(frozen=True)
class Rule:
    """One step of the decision pipeline.

    `id` starts with the number of the decision record that justifies the rule
    (docs/decisions/NNNN-*.md); `why` is the one line a reviewer reads; `switchable` rules can
    be turned off (`decide(off=...)`, `bench/rule_ablation.py`); `refines` names the rule whose
    decision this one changes.
    """

    id: str
    why: str
    stage: Stage
    switchable: bool = True
    refines: str | None = None

    @property
    def decision(self) -> str:
        """The decision record's number ("0315")."""
        return self.id[:4]

    def applies(self, pair: Mapping[str, Any], spec: ModelSpec) -> bool:
        """Does this rule's test hold for `pair` (a scored pair's row)? False for steps that
        have no test of their own."""
        return False

    def run(self, state: State) -> None:
        """Apply the rule to the whole working set (a no-op for refinements and pair tests that
        other rules consult)."""


@dataclass(frozen=True)
class PairRule(Rule):
    """A rule that reads one pair's row only (`test`)."""

    test: Callable[[Mapping[str, Any], ModelSpec], bool] = lambda _pair, _spec: False

    def applies(self, pair: Mapping[str, Any], spec: ModelSpec) -> bool:
        return self.test(pair, spec)


@dataclass(frozen=True)
class SetRule(Rule):
    """A rule that weighs pairs against each other or against the persons: `action` does the
    work, `test` is the condition a pair must meet first."""

    action: Callable[[State], None] = lambda _state: None
    test: Callable[[Mapping[str, Any], ModelSpec], bool] = lambda _pair, _spec: False

    def applies(self, pair: Mapping[str, Any], spec: ModelSpec) -> bool:
        return self.test(pair, spec)

    def run(self, state: State) -> None:
        self.action(state)
