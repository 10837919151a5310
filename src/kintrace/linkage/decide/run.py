"""`decide()`: scored pairs in, statuses and persons out, through the declared rules.

The service (`kintrace link`, full and incremental runs) and every bench call this one
function, so a rule changes in one place and is measured as it runs in production.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar, cast

import numpy as np
import pandas as pd

from kintrace.linkage.clustering import Link
from kintrace.linkage.decide.holds import KEPT_IDENTITY_AUTO
from kintrace.linkage.decide.rules import State
from kintrace.linkage.decide.siblings import SIBLING_LINKS
from kintrace.linkage.decide.table import BY_ID, RULES
from kintrace.linkage.decide.unambiguous import KEPT_IDENTITY, NEW_FIRST_NAME
from kintrace.linkage.persons import (
    Around,
    Constraints,
    DataConstraints,
    Resolver,
    data_constraints,
)
from kintrace.linkage.spec import ModelSpec

Key = Hashable
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Decided(Generic[K]):
    """What `decide()` made of a run's scored pairs.

    `pairs`: the pairs worth storing (status `auto` or `pending`), with `status`, `rule` (the id
    of the rule that set the status: `0301-thresholds` for the probability's own) and the
    records' names `key_l`/`key_r`. `person_of`: every record's person. `refused`: links the
    constraints held back in the last full clustering. `data`: the data's constraints used.
    """

    pairs: pd.DataFrame
    person_of: dict[K, str]
    refused: int
    data: DataConstraints | None


def check_off(off: Collection[str]) -> frozenset[str]:
    """The rule ids to switch off, checked: each must name a switchable rule."""
    for rule_id in off:
        if rule_id not in BY_ID:
            raise ValueError(
                f"no decision rule {rule_id!r} to switch off; the rules are: {', '.join(BY_ID)}"
            )
        if not BY_ID[rule_id].switchable:
            raise ValueError(f"decision step {rule_id!r} cannot be switched off")
    return frozenset(off)


def decide(
    pairs: pd.DataFrame,
    features: pd.DataFrame,
    spec: ModelSpec,
    *,
    keys: Sequence[K] | None = None,
    must_link: Iterable[tuple[K, K]] = (),
    cannot_link: Iterable[tuple[K, K]] = (),
    previous: Mapping[K, str] | None = None,
    kept_links: Iterable[Link[K]] = (),
    touched: Collection[K] | None = None,
    data: DataConstraints | None = None,
    off: Collection[str] = (),
) -> Decided[K]:
    """Run the decision rules (`table.RULES`, in order) on one run's scored candidate pairs.

    `pairs`: the scored candidates (`uid_l`, `uid_r`, `match_probability`, the comparison
    weights `mw_*` and the retained `source_kind_*`, `given_class_*`, `birth_days_*`), including
    the pairs below the review floor that may be offered (`pipeline.candidates`). `features`:
    the run's feature table (`uid`, `source`, `source_kind`, `group_key`, ...). `keys` name the
    records in the order of `features` (default: their `uid`); reviewers' `must_link` /
    `cannot_link`, `previous` persons and `kept_links` (auto links of earlier runs that stand)
    use those names. With `touched` (an incremental run: new or changed records and those under
    a reviewer's decision), only the persons around them are clustered again.

    `off`: ids of rules to switch off (`table.switchable()`); a spec's thresholds switch some
    too (`link_renamed_adoption=False` turns off `0312-kept-identity`, `0322-kept-identity-auto`,
    `0314-sibling-links` and `0359-new-first-name`).
    """
    with _collector_past_the_inputs():
        return _decide(
            pairs,
            features,
            spec,
            keys=keys,
            must_link=must_link,
            cannot_link=cannot_link,
            previous=previous,
            kept_links=kept_links,
            touched=touched,
            data=data,
            off=off,
        )


@contextlib.contextmanager
def _collector_past_the_inputs() -> Iterator[None]:
    """While deciding, the cyclic garbage collector leaves alone what the process held before
    (`gc.freeze`): the run's inputs (an incremental run's stored auto links, a `Link` each), and
    whatever else lives in the process (a full run's frames in the scale bench, a web server's
    objects), which every full collection would walk again. Nothing is collected differently,
    only later: at the end the frozen objects go back to the collector (decision 0356)."""
    if gc.get_freeze_count():  # frozen by someone else: theirs to undo, not ours
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _decide(
    pairs: pd.DataFrame,
    features: pd.DataFrame,
    spec: ModelSpec,
    *,
    keys: Sequence[K] | None,
    must_link: Iterable[tuple[K, K]],
    cannot_link: Iterable[tuple[K, K]],
    previous: Mapping[K, str] | None,
    kept_links: Iterable[Link[K]],
    touched: Collection[K] | None,
    data: DataConstraints | None,
    off: Collection[str],
) -> Decided[K]:
    off_set = check_off(off)
    if not spec.thresholds.link_renamed_adoption:
        off_set |= {KEPT_IDENTITY, KEPT_IDENTITY_AUTO, SIBLING_LINKS, NEW_FIRST_NAME}
    uids = [int(u) for u in features["uid"].tolist()]
    names: list[Key] = list(keys if keys is not None else uids)
    # a shallow copy: the columns added here are this run's, the scored pairs are not copied
    frame = pairs.reset_index(drop=True) if not _plain_index(pairs) else pairs.copy(deep=False)
    if keys is None:  # records named by uid: the key is the uid column itself
        for side in ("l", "r"):
            frame[f"key_{side}"] = frame[f"uid_{side}"].to_numpy(dtype="int64")
    else:
        name_of = dict(zip(uids, names, strict=True))
        for side in ("l", "r"):
            frame[f"key_{side}"] = [name_of[int(u)] for u in frame[f"uid_{side}"].tolist()]
    constraints = Constraints(
        twins="0301-twins" not in off_set,
        listed_together="0316-listed-together" not in off_set,
        namesakes="0316-namesakes" not in off_set,
        rewriting=frozenset(str(k) for k in spec.kinds.rewriting),
        new_first_names=frozenset(str(k) for k in spec.kinds.given_name),
    )
    must: list[tuple[Key, Key]] = list(must_link)
    cannot: list[tuple[Key, Key]] = list(cannot_link)
    # the links themselves (immutable): an incremental run passes every stored auto link
    kept = cast("list[Link[Key]]", list(kept_links))
    before: dict[Key, str] = {key: person for key, person in (previous or {}).items()}
    if touched is None and data is None:
        data = data_constraints(features, names, constraints=constraints)
    clusterer = _clusterer(
        features,
        names=names,
        must=must,
        cannot=cannot,
        previous=before,
        kept=kept,
        touched=touched,
        data=data,
        constraints=constraints,
    )
    state = State(
        spec=spec,
        pairs=frame,
        features=features,
        off=off_set,
        cluster=clusterer,
        status=[None] * len(frame),
        rule=[None] * len(frame),
        constraints=constraints,
        kept_links=kept,
    )
    for rule in RULES:
        if state.on(rule.id):
            rule.run(state)
    # the stored pairs only are copied (`assign` on the whole frame copied every scored pair:
    # gigabytes at a million records, at the end of the run when the persons are alive too)
    status = np.asarray(state.status, dtype=object)
    stored = np.flatnonzero(status != None)  # noqa: E711 (elementwise)
    decided = frame.take(stored).reset_index(drop=True)
    decided["status"] = pd.Series(status[stored], dtype=object)
    decided["rule"] = pd.Series(np.asarray(state.rule, dtype=object)[stored], dtype=object)
    return Decided(decided, cast("dict[K, str]", state.person_of), state.refused, data)


def _clusterer(
    features: pd.DataFrame,
    *,
    names: list[Key],
    must: list[tuple[Key, Key]],
    cannot: list[tuple[Key, Key]],
    previous: dict[Key, str],
    kept: list[Link[Key]],
    touched: Collection[Key] | None,
    data: DataConstraints | None,
    constraints: Constraints,
) -> Callable[[State], dict[Key, str]]:
    """The clustering `decide()` calls after each rule that changes links: the whole registry
    (full runs, the benches) or only the persons around `touched` (incremental runs)."""

    # each auto pair's `Link` at its position, made once: a run clusters several times and most
    # of its auto links are the same each time (at a million records some 600,000 of them)
    link_at: np.ndarray | None = None

    def auto_links(state: State) -> list[Link[Key]]:
        # the auto pairs' columns only (a Python list of every scored pair's keys was hundreds
        # of megabytes at a million records)
        nonlocal link_at
        if link_at is None:
            link_at = np.full(len(state.pairs), None, dtype=object)
        auto = state.positions("auto")
        fresh = auto[link_at[auto] == None]  # noqa: E711 (elementwise)
        keys_l = state.pairs["key_l"].to_numpy()[fresh].tolist()
        keys_r = state.pairs["key_r"].to_numpy()[fresh].tolist()
        probability = state.pairs["match_probability"].to_numpy(float)[fresh].tolist()
        for at, left, right, p in zip(fresh.tolist(), keys_l, keys_r, probability, strict=True):
            link_at[at] = Link(left, right, p)
        return cast("list[Link[Key]]", link_at[auto].tolist())

    def links(state: State) -> list[Link[Key]]:
        return kept + auto_links(state)

    resolver = (
        Resolver(features, keys=names, must_link=must, cannot_link=cannot, data=data)
        if touched is None
        else None
    )

    def full(state: State) -> dict[Key, str]:
        assert resolver is not None
        clustering = resolver(links(state), previous=previous)
        state.refused = len(clustering.refused)
        return clustering.person_of

    # the run's clusterings around the touched records, with the stored links (decision 0348)
    neighbourhood = (
        Around(
            features,
            previous=previous,
            keys=names,
            kept=kept,
            must_link=must,
            cannot_link=cannot,
            constraints=constraints,
        )
        if touched is not None
        else None
    )

    def around(state: State) -> dict[Key, str]:
        assert touched is not None
        # the records of the stored pairs (auto or pending), read at their positions only (the
        # keys of every scored pair as Python lists were most of a second at a million records)
        status = np.asarray(state.status, dtype=object)
        at = np.flatnonzero(status != None)  # noqa: E711 (elementwise)
        stored = set(state.pairs["key_l"].to_numpy()[at].tolist())
        stored.update(state.pairs["key_r"].to_numpy()[at].tolist())
        assert neighbourhood is not None
        return neighbourhood.resolve(auto_links(state), touched=set(touched) | stored)

    return full if touched is None else around


def _plain_index(frame: pd.DataFrame) -> bool:
    """The frame's index is 0..n-1 already (positions are row numbers)."""
    index = frame.index
    return isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
