"""Records into persons: the clustering call with the data's own constraints (pure).

A run clusters its links several times (before and after the unambiguous rule, after the
sibling links: `kintrace.linkage.decide`); the constraints the data implies — twin and sibling
cannot-links, the identity-conflict test of decision 0316 — are built once per feature table
(`data_constraints`) and shared. Which of them apply is the decision pipeline's switch
(`Constraints`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from kintrace.linkage.clustering import Clustering, Link, Resumable, cluster, sequential_ids
from kintrace.linkage.constraints import IdentityConflicts, twin_cannot_links
from kintrace.linkage.spec.kinds import KINTRACE_KINDS


@dataclass(frozen=True)
class Constraints:
    """Which of the data's constraints a clustering keeps (each a rule of the pipeline:
    `0301-twins`, `0316-listed-together`, `0316-namesakes`), the source kinds that
    replace identity fields on purpose (`KindPolicy.rewriting`) and those that may give a child
    a new first name, whose records take no twin or sibling cannot-link (`KindPolicy.
    given_name`, decision 0359)."""

    twins: bool = True
    listed_together: bool = True
    namesakes: bool = True
    rewriting: frozenset[str] = frozenset(KINTRACE_KINDS.rewriting)
    new_first_names: frozenset[str] = frozenset(KINTRACE_KINDS.given_name)


@dataclass(frozen=True)
class DataConstraints:
    """What the data itself says about records of one feature table, named by `names`: the
    twin and sibling cannot-links and the identity-conflict test. Computed once per table
    (`data_constraints`) and shared by the clusterings of a run."""

    names: list[Hashable]
    twins: list[tuple[Hashable, Hashable]]
    conflict: IdentityConflicts


def data_constraints(
    features: pd.DataFrame,
    keys: Sequence[Hashable] | None = None,
    *,
    constraints: Constraints | None = None,
) -> DataConstraints:
    which = constraints or Constraints()
    uids = [int(u) for u in features["uid"]]
    names: list[Hashable] = list(keys) if keys is not None else list(uids)
    name_of = dict(zip(uids, names, strict=True))
    twins = (
        [
            (name_of[a], name_of[b])
            for a, b in twin_cannot_links(features, new_first_names=which.new_first_names)
        ]
        if which.twins
        else []
    )
    conflict = IdentityConflicts(
        features,
        names,
        rewriting=which.rewriting,
        listed_together=which.listed_together,
        namesakes=which.namesakes,
    )
    return DataConstraints(names, twins, conflict)


def resolve(
    features: pd.DataFrame,
    links: Iterable[Link[Hashable]],
    *,
    keys: Sequence[Hashable] | None = None,
    must_link: Iterable[tuple[Hashable, Hashable]] = (),
    cannot_link: Iterable[tuple[Hashable, Hashable]] = (),
    previous: Mapping[Hashable, str] | None = None,
    data: DataConstraints | None = None,
    constraints: Constraints | None = None,
) -> Clustering[Hashable]:
    """Cluster records into persons with reviewers' constraints plus the data's own: the twin
    and sibling cannot-links, and `constraints.IdentityConflicts` (rows listed together,
    namesakes), which hold back links but never a reviewer's must-link.

    `keys` names the records (default: their `uid`); links and constraints use the same names.
    A reviewer's must-link lifts the twin rule for that pair. `data` is
    `data_constraints(features, keys)` when the caller clusters one table several times.
    """
    data = data or data_constraints(features, keys, constraints=constraints)
    must = list(must_link)
    confirmed = {frozenset(pair) for pair in must}
    cannot = list(cannot_link) + [t for t in data.twins if frozenset(t) not in confirmed]
    before = dict(previous or {})
    return cluster(
        data.names,
        links,
        must_link=must,
        cannot_link=cannot,
        previous=before,
        new_id=sequential_ids(before.values()),
        conflict=data.conflict,
    )


class Resolver:
    """`resolve` for one table clustered several times with growing links (a full run's
    `decide()`: after the offers, after the unambiguous rule, after the sibling links): each
    call gives what `resolve` gives with the same arguments, and continues the last clustering
    (`clustering.Resumable`) when the new links only add to the end of its order (the
    unambiguous rule's links score below every auto link before them), instead of clustering
    the whole registry again."""

    def __init__(
        self,
        features: pd.DataFrame,
        *,
        keys: Sequence[Hashable] | None = None,
        must_link: Iterable[tuple[Hashable, Hashable]] = (),
        cannot_link: Iterable[tuple[Hashable, Hashable]] = (),
        data: DataConstraints | None = None,
        constraints: Constraints | None = None,
    ) -> None:
        self.data = data or data_constraints(features, keys, constraints=constraints)
        self.must = list(must_link)
        confirmed = {frozenset(pair) for pair in self.must}
        self.cannot = list(cannot_link) + [
            t for t in self.data.twins if frozenset(t) not in confirmed
        ]
        self._run: Resumable[Hashable] | None = None
        #: how many calls continued the last clustering (for tests and benches)
        self.resumed = 0

    def __call__(
        self, links: Iterable[Link[Hashable]], *, previous: Mapping[Hashable, str] | None = None
    ) -> Clustering[Hashable]:
        links = list(links)
        before = dict(previous or {})
        if self._run is not None:
            found = self._run.resume(links, previous=before, new_id=sequential_ids(before.values()))
            if found is not None:
                self.resumed += 1
                return found
        self._run = None  # the old components are dead before the new ones are built
        self._run = Resumable(
            self.data.names,
            must_link=self.must,
            cannot_link=self.cannot,
            conflict=self.data.conflict,
        )
        found = self._run.resume(links, previous=before, new_id=sequential_ids(before.values()))
        assert found is not None  # nothing joined yet
        return found


def resolve_around(
    features: pd.DataFrame,
    links: Iterable[Link[Hashable]],
    *,
    touched: Collection[Hashable],
    previous: Mapping[Hashable, str],
    keys: Sequence[Hashable] | None = None,
    must_link: Iterable[tuple[Hashable, Hashable]] = (),
    cannot_link: Iterable[tuple[Hashable, Hashable]] = (),
    constraints: Constraints | None = None,
) -> dict[Hashable, str]:
    """Incremental clustering: re-cluster only the persons an incremental run touched.

    `touched` are the records of the run (new or changed, and both ends of its links). The
    persons they belonged to are taken apart and clustered again with every link among their
    records; every other person keeps its records and id untouched. Returns the new person id of
    every record (`previous` updated), ids minted after the highest ever used.

    One clustering; a run that clusters around its records several times keeps one `Around`.
    """
    around = Around(
        features,
        previous=previous,
        keys=keys,
        must_link=must_link,
        cannot_link=cannot_link,
        constraints=constraints,
    )
    return around.resolve(links, touched=touched)


class Around:
    """`resolve_around` for one run that clusters around its records several times (an
    incremental run's `decide()`: after the offers, after the unambiguous rule, after the
    sibling links), each call giving what `resolve_around` gives.

    The `kept` links (auto links of earlier runs that stand) and the highest person id ever used
    are held for the run; the scope's feature rows and its `Resolver` (the scope's data
    constraints, the costliest part of a clustering, and its last clustering, which a later
    call continues when its new links sort after it) are kept for the next call with the same
    scope (decision 0348). Each call finds its scope by one pass over the persons, as
    `resolve_around` did: cheaper than indexing the registry for two or three calls.
    """

    def __init__(
        self,
        features: pd.DataFrame,
        *,
        previous: Mapping[Hashable, str],
        keys: Sequence[Hashable] | None = None,
        kept: Iterable[Link[Hashable]] = (),
        must_link: Iterable[tuple[Hashable, Hashable]] = (),
        cannot_link: Iterable[tuple[Hashable, Hashable]] = (),
        constraints: Constraints | None = None,
    ) -> None:
        self.features = features
        self.names: list[Hashable] = (
            list(keys) if keys is not None else [int(u) for u in features["uid"].tolist()]
        )
        self.previous = previous
        self.kept = list(kept)
        self.must = list(must_link)
        self.cannot = list(cannot_link)
        self.constraints = constraints
        self._highest: int | None = None
        self._scope: frozenset[Hashable] | None = None
        self._local: tuple[list[Hashable], Resolver] | None = None

    def resolve(
        self, links: Iterable[Link[Hashable]] = (), *, touched: Collection[Hashable]
    ) -> dict[Hashable, str]:
        """Every record's person after clustering the persons around `touched` again, with the
        `kept` links and `links` (this run's) among their records."""
        previous = self.previous
        touched_set = set(touched)
        affected_persons = {previous[k] for k in touched_set if k in previous}
        scope = touched_set | {k for k, person in previous.items() if person in affected_persons}
        local_links = [
            link for link in (*self.kept, *links) if link.left in scope and link.right in scope
        ]
        resolver = self._resolver(scope)
        local_previous = {k: previous[k] for k in scope if k in previous}
        local = resolver(local_links, previous=local_previous)
        # the resolver mints from the local ids only; re-mint ids that were not in the local
        # history so they cannot collide with a person outside the scope.
        if self._highest is None:
            self._highest = _highest(previous.values())
        minted = _minter(self._highest)
        fresh: dict[str, str] = {}
        kept_ids = set(local_previous.values())
        result = dict(previous)
        for name, person in local.person_of.items():
            if person not in kept_ids:
                person = fresh.setdefault(person, minted())
            result[name] = person
        return result

    def _resolver(self, scope: set[Hashable]) -> Resolver:
        """The scope's `Resolver` (its feature rows in the table's order, its reviewers'
        constraints and data constraints); the last scope's when the scope is the same."""
        frozen = frozenset(scope)
        if self._local is None or self._scope != frozen:
            self._local = None  # the old scope's clustering is dead before the new one is built
            position = [i for i, name in enumerate(self.names) if name in scope]
            local_names = [self.names[i] for i in position]

            def inside(pairs: list[tuple[Hashable, Hashable]]) -> list[tuple[Hashable, Hashable]]:
                return [(a, b) for a, b in pairs if a in scope and b in scope]

            resolver = Resolver(
                self.features.iloc[position],
                keys=local_names,
                must_link=inside(self.must),
                cannot_link=inside(self.cannot),
                constraints=self.constraints,
            )
            self._scope, self._local = frozen, (local_names, resolver)
        return self._local[1]


def _minter(highest: int, prefix: str = "P") -> Callable[[], str]:
    """Ids after `highest`, as `sequential_ids` mints them."""
    counter = [highest]

    def mint() -> str:
        counter[0] += 1
        return f"{prefix}{counter[0]:07d}"

    return mint


def _highest(ids: Iterable[str], prefix: str = "P") -> int:
    """The number of the highest `P0000123`-style id among `ids` (0 for none), as
    `sequential_ids` counts: each distinct id once, read by one regular expression over them
    all (a Python test per id was most of a second at a million records)."""
    distinct = set(ids)
    joined = "\n".join(distinct)
    if joined.count("\n") != max(len(distinct) - 1, 0):  # an id with a line break: one by one
        return _highest_each(distinct, prefix)
    numbers = re.findall(rf"^{re.escape(prefix)}(\d+)$", joined, flags=re.MULTILINE)
    return max(map(int, numbers), default=0)


def _highest_each(ids: Iterable[str], prefix: str) -> int:
    highest = 0
    for person_id in ids:
        digits = person_id[len(prefix) :]
        if person_id.startswith(prefix) and digits.isdigit():
            highest = max(highest, int(digits))
    return highest
