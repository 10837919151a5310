"""What keeps training bounded and its estimates finite, whatever the registry.

- **Cost.** The pairs each training step would see are counted exactly from the feature table
  (a group-by: no pair is built) before Splink is asked. An EM pass whose blocks hold more than
  `Training.em_max_pairs` pairs is run on a sample of records (Splink's `max_pairs`), with the
  probe that sizes the sample itself bounded; the prior's rule is counted on a sample above
  `Training.prior_max_pairs`; u comes from `Training.u_max_pairs` random pairs. A block of
  200,000 equal surnames costs what 2e6 pairs cost.
- **Floors.** Each EM iteration's m and u pass through the spec's floors
  (`spec.floors.level_floors`) before Splink stores them: on a small or uniform registry EM
  otherwise drives a level's m to 1e-21 and then below what Splink accepts (a stack trace
  that stopped `kintrace link`, issue 10). Splink has no hook for this, so one function of
  its EM module (`compute_proportions_for_new_parameters`, Splink 5) is wrapped once; the
  wrapper does nothing outside `floors_during_em`. If a later Splink lacks it, training still
  runs: the underflow is then caught and the run falls back to the shipped model.
"""

from __future__ import annotations

import contextlib
import logging
import math
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from kintrace.linkage.spec import BlockingRule, ModelSpec
from kintrace.linkage.spec.floors import level_floors

_LOG = logging.getLogger(__name__)

LinkType = Literal["link_only", "link_and_dedupe", "dedupe_only"]

#: The probe that sizes an EM sample should see about this many pairs (Splink's probe is a
#: record sample of each side; its default 1% would pair 2e8 of a 2e12-pair block).
PROBE_PAIRS = 100_000
#: Splink's probe resolution (`em_sampling._PROBE_SAMPLE_MODULUS` = 10,000)
_MIN_PROPORTION = 1e-4

_FLOORS: ContextVar[dict[tuple[str, int], tuple[float, float]] | None] = ContextVar(
    "kintrace_em_floors", default=None
)
_hooked: list[bool] = []


def _install_hook() -> bool:
    """Wrap Splink's per-iteration m/u computation once (see the module docstring)."""
    if _hooked:
        return _hooked[0]
    try:
        import splink.internals.expectation_maximisation as em

        original = em.compute_proportions_for_new_parameters
    except (ImportError, AttributeError):  # another Splink: floors after training only
        _LOG.warning("Splink's EM has no compute_proportions_for_new_parameters; no EM floors")
        _hooked.append(False)
        return False

    def floored(df_params: Any) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = original(df_params)
        floors = _FLOORS.get()
        if floors:
            for record in records:
                _floor_record(record, floors)
        return records

    em.compute_proportions_for_new_parameters = floored
    _hooked.append(True)
    return True


def _floor_record(
    record: dict[str, Any], floors: dict[tuple[str, int], tuple[float, float]]
) -> None:
    key = (record.get("output_column_name"), record.get("comparison_vector_value"))
    floor = floors.get(key)  # type: ignore[arg-type]
    if floor is None:
        return
    for name, lowest in zip(("m_probability", "u_probability"), floor, strict=True):
        value = record.get(name)
        if value is not None and (math.isnan(value) or value < lowest):
            record[name] = lowest


@contextlib.contextmanager
def floors_during_em(spec: ModelSpec) -> Iterator[bool]:
    """Within the block, every EM iteration keeps each level's m and u at or above its floor.
    Yields whether the hook is in place (False on a Splink without it)."""
    hooked = _install_hook()
    floors = {
        key: (floor.m_floor, floor.u_floor)
        for key, floor in level_floors(spec).items()
        if not floor.fixed
    }
    token = _FLOORS.set(floors)
    try:
        yield hooked
    finally:
        _FLOORS.reset(token)


def pair_count(
    features: pd.DataFrame | Sequence[pd.DataFrame],
    columns: Sequence[str],
    *,
    link_type: LinkType = "dedupe_only",
) -> int:
    """How many pairs a blocking rule on `columns` makes (equality; a null never pairs),
    counted from group sizes without building a pair."""
    cols = list(columns)
    frames = [features] if isinstance(features, pd.DataFrame) else list(features)
    sizes = [f[cols].dropna().value_counts() for f in frames]
    if link_type == "link_only" and len(sizes) > 1:
        total = 0
        for i, left in enumerate(sizes):
            for right in sizes[i + 1 :]:
                both = left.to_frame("l").join(right.to_frame("r"), how="inner")
                total += int((both["l"].astype("int64") * both["r"].astype("int64")).sum())
        return total
    every = (
        sizes[0]
        if len(sizes) == 1
        else pd.concat(sizes).groupby(level=list(range(len(cols)))).sum()
    )
    n = every.to_numpy(dtype="int64")
    return int((n * (n - 1) // 2).sum())


def pair_total(
    features: pd.DataFrame | Sequence[pd.DataFrame], *, link_type: LinkType = "dedupe_only"
) -> int:
    """Every pair a run could compare (what random sampling for u draws from)."""
    sizes = [len(features)] if isinstance(features, pd.DataFrame) else [len(f) for f in features]
    if link_type == "link_only" and len(sizes) > 1:
        return sum(a * b for i, a in enumerate(sizes) for b in sizes[i + 1 :])
    n = sum(sizes)
    return n * (n - 1) // 2


@dataclass(frozen=True)
class Sampling:
    """How one training step is bounded: the pairs its rule makes, and the arguments that keep
    what Splink builds near `cap`."""

    rule: str
    pairs: int
    cap: float
    max_pairs: float | None  # EM: None when the rule's pairs fit under the cap
    proportion: float  # EM: the probe's record sample; prior: the counting sample

    @property
    def sampled(self) -> bool:
        return self.pairs > self.cap

    def describe(self) -> str:
        if not self.sampled:
            return f"{self.rule}: {self.pairs:,} pairs"
        return f"{self.rule}: {self.pairs:,} pairs, sampled to about {self.cap:,.0f}"


def _proportion(pairs: int, wanted: float) -> float:
    if pairs <= wanted:
        return 1.0
    return min(1.0, max(_MIN_PROPORTION, math.sqrt(wanted / pairs)))


def em_sampling(
    rule: BlockingRule,
    features: pd.DataFrame | Sequence[pd.DataFrame],
    *,
    cap: float,
    link_type: LinkType = "dedupe_only",
) -> Sampling:
    pairs = pair_count(features, rule.columns, link_type=link_type)
    if pairs <= cap:
        return Sampling(rule.name, pairs, cap, None, 1.0)
    return Sampling(rule.name, pairs, cap, cap, _proportion(pairs, PROBE_PAIRS))


def prior_sampling(
    rule: BlockingRule,
    features: pd.DataFrame | Sequence[pd.DataFrame],
    *,
    cap: float,
    link_type: LinkType = "dedupe_only",
) -> Sampling:
    pairs = pair_count(features, rule.columns, link_type=link_type)
    return Sampling(rule.name, pairs, cap, None, _proportion(pairs, cap))
