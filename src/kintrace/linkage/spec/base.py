"""The linkage model, described once as data (pure core: no Splink, no database).

A `ModelSpec` says which comparisons the model makes, with which levels, how candidate pairs are
found (blocking) and where the decision thresholds lie. It is bound to a SQL dialect only when a
run starts (`kintrace.linkage.splink_settings`), so the same model runs on DuckDB and on Spark.

Rules for anything written here:
- Columns are feature columns computed before Splink sees the data (`kintrace.linkage.features`):
  name keys, classes, dates as integers. No dialect-specific date parsing or array functions.
- Custom SQL uses only `=`, `<>`, arithmetic, `abs()`, `CASE`, `IS NULL`, `AND`/`OR`, on
  `col_l`/`col_r`; fuzzy string similarity is the abstract `close` level, which the binder turns
  into each dialect's Jaro-Winkler function.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from kintrace.linkage.spec.kinds import NO_KINDS, KindPolicy, SourceKind, kind_sql

LevelKind = Literal["null", "exact", "close", "custom", "else"]


@dataclass(frozen=True)
class Level:
    """One level of a comparison: a condition on a pair and the label a reviewer reads."""

    label: str
    kind: LevelKind
    columns: tuple[str, ...] = ()
    threshold: float | None = None
    sql: str | None = None
    tf_column: str | None = None
    tf_minimum_u: float | None = None
    fixed_m: float | None = None  # domain knowledge EM must not override (see the model docs)
    neutral: bool = False  # weight fixed at 0: this outcome says nothing either way
    #: lowest m / u this level may take (None: the training plan's `m_floor` / `u_floor`);
    #: applied in every EM iteration and to the trained model (`spec.floors`)
    m_floor: float | None = None
    u_floor: float | None = None

    def condition(self) -> str:
        """Backend-neutral SQL condition (`close` levels: a placeholder the binder fills)."""
        if self.kind == "null":
            return " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in self.columns)
        if self.kind == "exact":
            return " AND ".join(f"{c}_l = {c}_r" for c in self.columns)
        if self.kind == "custom":
            assert self.sql is not None
            return self.sql
        if self.kind == "else":
            return "ELSE"
        return f"close({self.columns[0]}, {self.threshold})"


def null_level(*columns: str, label: str = "missing") -> Level:
    """Either side lacks the value: no evidence either way (weight 0)."""
    return Level(label=label, kind="null", columns=columns)


def exact(column: str, *, label: str, tf: bool = False) -> Level:
    """Same value; with `tf`, the weight depends on how common the value is."""
    return Level(label=label, kind="exact", columns=(column,), tf_column=column if tf else None)


def close(column: str, threshold: float, *, label: str) -> Level:
    """Jaro-Winkler similarity of the two values at or above `threshold`."""
    return Level(label=label, kind="close", columns=(column,), threshold=threshold)


def custom(sql: str, *, label: str, tf_column: str | None = None, neutral: bool = False) -> Level:
    """A condition written in backend-neutral SQL on `col_l`/`col_r`.

    A `neutral` level has its weight fixed at 0 (m = u, not trained).
    """
    return Level(label=label, kind="custom", sql=sql, tf_column=tf_column, neutral=neutral)


def else_level(label: str = "different", *, fixed_m: float | None = None) -> Level:
    return Level(label=label, kind="else", fixed_m=fixed_m)


@dataclass(frozen=True)
class Comparison:
    """One piece of evidence (a name part, the birth date ...) and its levels, best first.

    `identifying`: agreeing on it is evidence of the same child whatever the registry (a name,
    a birth date, the sex); a trained model that says otherwise is not used (`spec.floors.
    doubts`). False for circumstance, whose meaning depends on the lists (a last known place:
    children are moved together, and one child's lists name different places).
    """

    name: str
    description: str
    levels: tuple[Level, ...]
    identifying: bool = True

    def __post_init__(self) -> None:
        if not self.levels or self.levels[-1].kind != "else":
            raise ValueError(f"comparison {self.name!r}: the last level must be an else level")
        if self.levels[0].kind != "null":
            raise ValueError(f"comparison {self.name!r}: the first level must be a null level")

    @property
    def labels(self) -> list[str]:
        return [level.label for level in self.levels]


@dataclass(frozen=True)
class EitherSide:
    """A condition a blocking rule may put on a pair, from the rule's purpose: at least one of
    the two records lacks one of `missing` (a feature column, NULL) or is of one of `kinds`.

    "A changed or missing birth date" is the purpose of a rule that pairs records by name and
    birthplace; between two records that both have a full date, read at face value, the rules
    on the date already pair them, and the rule would only add look-alikes of one name and
    place (decision 0326). `label` names the condition in rule names and reports.
    """

    label: str
    missing: tuple[str, ...] = ()
    kinds: frozenset[SourceKind] = frozenset()

    def __post_init__(self) -> None:
        if not self.missing and not self.kinds:
            raise ValueError(f"condition {self.label!r}: expected a missing column or a kind")

    @property
    def columns(self) -> tuple[str, ...]:
        """The feature columns the condition reads."""
        return (*self.missing, *(("source_kind",) if self.kinds else ()))

    def record_sql(self, side: str) -> str:
        """The condition on one record, `side` its alias (`l`, `r`)."""
        parts = [f"{side}.{c} IS NULL" for c in self.missing]
        if self.kinds:
            parts.append(kind_sql(self.kinds, f"{side}.source_kind"))
        return " OR ".join(parts)

    @property
    def sql(self) -> str:
        """The condition on a pair: either record meets it."""
        return f"({self.record_sql('l')} OR {self.record_sql('r')})"


@dataclass(frozen=True)
class BlockingRule:
    """Pairs sharing these values are scored, and of them, with `only_if`, only those meeting
    every condition (each: either record lacks a value or is of a kind, `EitherSide`).
    `sql` uses `l.col`/`r.col`; the equalities come first, so every engine joins on them."""

    name: str
    columns: tuple[str, ...]
    why: str
    only_if: tuple[EitherSide, ...] = ()

    @property
    def sql(self) -> str:
        equal = [f"l.{c} = r.{c}" for c in self.columns]
        return " AND ".join([*equal, *(condition.sql for condition in self.only_if)])

    def only_where(self, *conditions: EitherSide, why: str | None = None) -> BlockingRule:
        """This rule with `conditions` added (and another `why`), named as `rule` names it."""
        return rule(*self.columns, why=why or self.why, only_if=(*self.only_if, *conditions))

    @property
    def reads(self) -> tuple[str, ...]:
        """Every feature column the rule reads: its equal columns and its conditions'."""
        extra = [c for condition in self.only_if for c in condition.columns]
        return tuple(dict.fromkeys([*self.columns, *extra]))


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds on the calibrated match probability.

    At or above `auto_link` a pair links without review; from `review_floor` up to it the pair is
    `pending` for a person; below `review_floor` it is dropped (not stored, not exported).
    A pending pair at or above `unambiguous_link` also links without review when neither record
    has a candidate in any other person (the only plausible match on both sides); 1.0 turns
    this off.
    """

    auto_link: float = 0.99
    review_floor: float = 0.5
    unambiguous_link: float = 0.8
    #: an adoption-listing pair below the review floor but at or above this is offered
    #: (`pending`) when sibling context supports it (decision 0311); at or above the floor: off
    adoption_offer: float = 0.001
    #: at most this many such offers per adoption record
    adoption_offers_per_record: int = 3
    #: an adoption record with no pair at or above the review floor has this many of its best
    #: candidates offered (decision 0311: a record nobody would otherwise see)
    adoption_unseen_offers: int = 4
    #: a renamed adoption-listing record may be linked by the unambiguous rule when everything
    #: it kept (given name, full birth date, sex) agrees (decision 0312); False: never linked
    #: without review
    link_renamed_adoption: bool = True

    def __post_init__(self) -> None:
        if not 0.0 < self.review_floor <= self.auto_link <= 1.0:
            raise ValueError(
                f"thresholds: got review floor {self.review_floor} and auto-link "
                f"{self.auto_link}; expected 0 < review floor <= auto-link <= 1"
            )
        counts = (self.adoption_offers_per_record, self.adoption_unseen_offers)
        if not 0.0 < self.adoption_offer <= 1.0 or min(counts) < 0:
            raise ValueError(
                f"thresholds: got adoption offer {self.adoption_offer} for at most "
                f"{self.adoption_offers_per_record} (sibling context) and "
                f"{self.adoption_unseen_offers} (unseen record) pairs per record; expected "
                "0 < offer <= 1 (at or above the review floor: off) and counts of 0 or more"
            )
        if not self.review_floor <= self.unambiguous_link <= 1.0:
            raise ValueError(
                f"thresholds: got unambiguous-link {self.unambiguous_link}; expected a value "
                f"from the review floor ({self.review_floor}) to 1"
            )

    @property
    def candidate_floor(self) -> float:
        """The lowest probability a pair must reach to be looked at after scoring."""
        return min(self.review_floor, self.adoption_offer)

    def status(self, probability: float) -> str | None:
        """`auto`, `pending`, or None when the pair falls below the review floor."""
        if probability >= self.auto_link:
            return "auto"
        if probability >= self.review_floor:
            return "pending"
        return None


@dataclass(frozen=True)
class TrainingCriteria:
    """What a registry must hold before a model is trained on it; short of it, linking uses
    the model shipped with the package (`kintrace.linkage.fallback`, decision 0320).

    EM learns how often each level occurs among matches from the pairs of its blocking passes:
    with few records, one list, or passes that pair almost nothing, the estimates are noise
    (levels driven to 0, weights of +-70) or fail outright.
    """

    #: fewer records than this: too few matches for EM to estimate some 30 levels
    min_records: int = 1000
    #: fewer sources: the pairs are one list's duplicates, not the cross-list matches the
    #: model is about
    min_sources: int = 2
    #: fewer pairs than this in an EM pass (or none for the prior rule): nothing to learn from
    min_em_pairs: int = 500

    def __post_init__(self) -> None:
        if self.min_records < 2 or self.min_sources < 1 or self.min_em_pairs < 1:
            raise ValueError(
                f"training criteria: got min_records {self.min_records}, min_sources "
                f"{self.min_sources}, min_em_pairs {self.min_em_pairs}; expected at least 2, "
                "1 and 1"
            )


@dataclass(frozen=True)
class Training:
    """How the model is estimated: u from random sampling, m by EM on a few blocking passes.

    `prior_rules` are near-certain deterministic rules with their assumed `prior_recall`, used to
    estimate the probability that two random records match (Splink's λ).

    Cost is bounded by design, whatever the data: u from at most `u_max_pairs` random pairs;
    each EM pass on at most about `em_max_pairs` pairs (records sampled when its blocks hold
    more); the prior's rule counted on a sample when it would pair more than
    `prior_max_pairs` (`kintrace.linkage.training`).

    `m_floor` / `u_floor`: the lowest m and u any level may take (a level may set its own):
    EM on a small or uniform registry drives an m towards 0 (1e-21, then an underflow Splink
    refuses), which would make one disagreement outweigh every other piece of evidence. A
    million matching pairs are needed to measure an m below 1e-6, and 2e6 random pairs
    resolve a u down to 5e-7, so neither floor moves an estimate the data can support.
    """

    prior_rules: tuple[BlockingRule, ...]
    prior_recall: float
    em_rules: tuple[BlockingRule, ...]
    u_max_pairs: float = 2e6
    em_max_pairs: float = 2e6
    prior_max_pairs: float = 2e6
    seed: int = 42
    m_floor: float = 1e-6
    u_floor: float = 1e-6
    criteria: TrainingCriteria = field(default_factory=TrainingCriteria)

    def __post_init__(self) -> None:
        conditioned = [r.name for r in (*self.prior_rules, *self.em_rules) if r.only_if]
        if conditioned:
            # training counts and samples a rule's pairs by its blocks' sizes
            raise ValueError(f"training: rules {conditioned} carry conditions; expected none")
        for name in ("m_floor", "u_floor"):
            value = getattr(self, name)
            if not 1e-300 <= value < 0.01:
                raise ValueError(
                    f"training: got {name} {value}; expected a value from 1e-300 (Splink's "
                    "smallest) to below 0.01"
                )


@dataclass(frozen=True)
class ModelSpec:
    """A whole linkage model. `unique_id` names the record key column of the feature table."""

    name: str
    comparisons: tuple[Comparison, ...]
    blocking_rules: tuple[BlockingRule, ...]
    training: Training
    thresholds: Thresholds = field(default_factory=Thresholds)
    unique_id: str = "uid"
    retain_columns: tuple[str, ...] = ()
    #: Above `large_registry` records, `large_blocking_rules` replace `blocking_rules`: a rule
    #: such as "given class + birth year + sex" grows with the square of the registry and
    #: would make hundreds of millions of pairs at a million records.
    large_blocking_rules: tuple[BlockingRule, ...] = ()
    large_registry: int = 300_000
    #: Which source kinds replace which identity fields (`kinds.KindPolicy`): read by the
    #: neutral levels, the decision rules and the identity conflicts, never kind names.
    kinds: KindPolicy = NO_KINDS

    def blocking_for(self, n_records: int) -> tuple[BlockingRule, ...]:
        """The blocking rules for a registry of `n_records`."""
        if self.large_blocking_rules and n_records > self.large_registry:
            return self.large_blocking_rules
        return self.blocking_rules

    def __post_init__(self) -> None:
        names = [c.name for c in self.comparisons]
        if len(set(names)) != len(names):
            raise ValueError(f"model {self.name!r}: comparison names repeat: {names}")
        if not self.blocking_rules:
            raise ValueError(f"model {self.name!r}: at least one blocking rule is needed")

    def columns(self) -> list[str]:
        """Every feature column the model reads (comparisons and blocking), sorted."""
        found: set[str] = set()
        for comparison in self.comparisons:
            for level in comparison.levels:
                found.update(level.columns)
                if level.tf_column:
                    found.add(level.tf_column)
                if level.sql:
                    found.update(_columns_in_sql(level.sql))
        every_rule = (
            *self.blocking_rules,
            *self.large_blocking_rules,
            *self.training.prior_rules,
            *self.training.em_rules,
        )
        for rule in every_rule:
            found.update(rule.reads)
        return sorted(found)

    def with_thresholds(self, thresholds: Thresholds) -> ModelSpec:
        return replace(self, thresholds=thresholds)


def _columns_in_sql(sql: str) -> set[str]:
    """Feature columns referred to as `name_l`/`name_r` in a custom condition."""
    words = "".join(ch if (ch.isalnum() or ch == "_") else " " for ch in sql).split()
    return {w[:-2] for w in words if w.endswith(("_l", "_r")) and len(w) > 2}


def rule(
    *columns: str, why: str, name: str | None = None, only_if: Sequence[EitherSide] = ()
) -> BlockingRule:
    """A blocking rule, named by its columns (and its conditions: `given_class+birth_place_key
    if undated`)."""
    if name is None:
        name = "+".join(columns) + "".join(f" if {c.label}" for c in only_if)
    return BlockingRule(name=name, columns=tuple(columns), why=why, only_if=tuple(only_if))


def comparison(
    name: str, description: str, levels: Sequence[Level], *, identifying: bool = True
) -> Comparison:
    return Comparison(
        name=name, description=description, levels=tuple(levels), identifying=identifying
    )
