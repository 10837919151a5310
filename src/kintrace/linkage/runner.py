"""Drive Splink for one model spec: train, score every pair, score new records, score one pair.

Inputs are pandas feature tables (one row per record, the columns of the spec); outputs are
pandas tables of scored pairs with `uid_l`, `uid_r`, `match_weight`, `match_probability` and one
`mw_<comparison>` column per comparison (its match weight, term-frequency adjustment included).
The level each weight stands for is read back from the trained model (`model_weights`).
"""

from __future__ import annotations

import contextlib
import copy
import logging
import uuid
from collections.abc import Callable, Sequence
from itertools import product
from typing import Any, Literal

import pandas as pd
from splink import Linker, block_on
from splink.internals.exceptions import EMTrainingException
from splink.internals.pipeline import CTEPipeline

from kintrace.linkage import below_floor
from kintrace.linkage.blocking import DEFAULT_BLOCK_CAP, BlockPlan, pairs_sql, plan_blocking
from kintrace.linkage.engine import Engine
from kintrace.linkage.spec import BlockingRule, ModelSpec
from kintrace.linkage.spec.floors import FlooredModel, floor_model
from kintrace.linkage.splink_settings import settings_creator
from kintrace.linkage.training import em_sampling, floors_during_em, pair_total, prior_sampling

Progress = Callable[[str], None]

_LOG = logging.getLogger(__name__)


def _quiet() -> None:
    for name in ("splink", "py4j"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _register(engine: Engine, frame: pd.DataFrame, name: str) -> Any:
    table_name = f"{name}_{uuid.uuid4().hex[:8]}"
    return engine.db_api.register(frame, dataset_display_name=name, table_name=table_name)


def _materialised(engine: Engine, frame: pd.DataFrame, name: str) -> Any:
    """`frame` as an input table: on DuckDB copied once into a table of the database (decision
    0360), elsewhere registered as it is; the caller drops it
    (`drop_table_from_database_and_remove_from_cache`).

    A pandas frame registered with DuckDB is a view: every query that reads it scans the frame
    again, its text columns converted from Python strings each time and with no statistics for
    the join order. A full dedupe reads its records many times (each blocking rule twice per
    part, the offer selection's joins), and at a million dense records those scans were most
    of the scoring time."""
    if engine.name != "duckdb":
        return _register(engine, frame, name)
    con = engine.db_api.duckdb_con
    table_name = f"{name}_{uuid.uuid4().hex[:8]}"
    view = f"{table_name}_frame"
    con.register(view, frame)
    try:
        con.execute(f"CREATE TABLE {table_name} AS SELECT * FROM {view}")
    finally:
        con.unregister(view)
    table = engine.db_api.register(table_name, dataset_display_name=name, table_name=table_name)
    table.created_by_splink = True  # made here: dropped as the tables Splink makes are
    return table


def _block(rule: BlockingRule) -> Any:
    return block_on(*rule.columns)


def _linker(engine: Engine, tables: Any, settings: Any) -> Linker:
    _quiet()
    return Linker(tables, settings, log_level=None)


def bind_model(
    spec: ModelSpec, model: dict[str, Any], dialect: str, *, n_records: int = 0
) -> dict[str, Any]:
    """The trained model with its SQL rendered for `dialect` (the parameters unchanged), and
    the blocking rules for a registry of `n_records` (`ModelSpec.blocking_for`).

    A saved model holds SQL in the dialect it was trained on (DuckDB's `jaro_winkler_similarity`
    with double-quoted columns is a string literal on Spark); the spec renders it afresh.
    """
    fresh = settings_creator(spec, n_records=n_records).get_settings(dialect).as_dict()
    if model.get("sql_dialect") == dialect:
        bound = copy.deepcopy(model)
        bound["blocking_rules_to_generate_predictions"] = fresh[
            "blocking_rules_to_generate_predictions"
        ]
        return bound
    bound = copy.deepcopy(model)
    bound["sql_dialect"] = dialect
    by_name = {c["output_column_name"]: c for c in fresh["comparisons"]}
    for comparison in bound["comparisons"]:
        name = comparison["output_column_name"]
        # by label, not position: a spec may reorder levels (decision 0364), and a model saved
        # before keeps its own order, each level's parameters with its own condition
        rendered = {
            level.get("label_for_charts"): level["sql_condition"]
            for level in by_name[name]["comparison_levels"]
        }
        for level in comparison["comparison_levels"]:
            label = level.get("label_for_charts")
            if label not in rendered:
                raise ValueError(
                    f"the saved model's comparison {name} has a level ({label}) this version "
                    f"of Kintrace does not know, so it cannot be used on {dialect}; run "
                    "kintrace link --full once to train a model of this version"
                )
            level["sql_condition"] = rendered[label]
    bound["blocking_rules_to_generate_predictions"] = fresh[
        "blocking_rules_to_generate_predictions"
    ]
    return bound


class TrainingError(ValueError):
    """Training could not estimate the model on this data; `reason` says why, the message
    also what to do."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(
            f"training stopped: {reason}. Import more records, or link with a model trained "
            "elsewhere: kintrace link --model FILE."
        )


def train(
    spec: ModelSpec,
    features: pd.DataFrame | Sequence[pd.DataFrame],
    *,
    engine: Engine,
    link_type: Literal["link_only", "link_and_dedupe", "dedupe_only"] = "dedupe_only",
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Estimate λ, u (random sampling) and m (EM); return the trained model as a JSON dict
    (`train_floored`)."""
    return train_floored(
        spec, features, engine=engine, link_type=link_type, progress=progress
    ).model


def train_floored(
    spec: ModelSpec,
    features: pd.DataFrame | Sequence[pd.DataFrame],
    *,
    engine: Engine,
    link_type: Literal["link_only", "link_and_dedupe", "dedupe_only"] = "dedupe_only",
    progress: Progress | None = None,
) -> FlooredModel:
    """Estimate λ, u (random sampling) and m (EM): the trained model as a JSON dict, with the
    estimates the floors changed.

    Every step is bounded (`kintrace.linkage.training`: pairs counted first, samples above
    the caps) and every m and u kept at or above the spec's floors, during EM and after
    (`spec.floors.floor_model`). Splink failing anyway (an EM pass with no pair, an underflow
    on a Splink without the floor hook) is a `TrainingError`.
    """
    say = progress or (lambda _msg: None)
    t = spec.training
    prior = [prior_sampling(r, features, cap=t.prior_max_pairs, link_type=link_type)
             for r in t.prior_rules]  # fmt: skip
    passes = [em_sampling(r, features, cap=t.em_max_pairs, link_type=link_type)
              for r in t.em_rules]  # fmt: skip
    if prior and not any(p.pairs for p in prior):
        raise TrainingError(
            "no two records share "
            + " or ".join(r.name for r in t.prior_rules)
            + ", so the share of matching pairs cannot be estimated"
        )
    tables = _register_inputs(engine, features)
    linker = _linker(engine, tables, settings_creator(spec, link_type=link_type))
    step = "the prior"
    try:
        say("estimating the prior")
        linker.training.estimate_probability_two_random_records_match(
            [_block(r) for r in t.prior_rules],
            recall=t.prior_recall,
            record_sample_proportion=min((p.proportion for p in prior), default=1.0),
        )
        step = "u by random sampling"
        say("estimating u by random sampling")
        linker.training.estimate_u_using_random_sampling(max_pairs=t.u_max_pairs, seed=t.seed)
        with floors_during_em(spec):
            for em_rule, plan in zip(t.em_rules, passes, strict=True):
                step = f"EM on {em_rule.name}"
                say(f"EM on {plan.describe()}")
                linker.training.estimate_parameters_using_expectation_maximisation(
                    _block(em_rule),
                    max_pairs=plan.max_pairs,
                    record_sample_proportion=plan.proportion,
                    estimate_without_term_frequencies=True,
                )
        model = linker.misc.save_model_to_json()
    except (ValueError, EMTrainingException) as exc:
        # Splink refuses an m below 1e-300 ("m_probability value 2.9e-321 is below the
        # minimum"), and an EM pass whose rule pairs nothing; both mean this registry
        # cannot train the model
        if isinstance(exc, EMTrainingException):
            raise TrainingError(f"EM found no pair to learn from ({step})") from None
        if "probability value" not in str(exc):
            raise
        raise TrainingError(
            f"{step} estimated that one level of a comparison never occurs among matches "
            "(an underflow on a small or very uniform registry)"
        ) from None
    finally:
        _drop_all(engine)
    sampled = min(t.u_max_pairs, pair_total(features, link_type=link_type))
    return floor_model(spec, model, u_unseen=1.0 / max(sampled, 1.0))


def _register_inputs(engine: Engine, features: pd.DataFrame | Sequence[pd.DataFrame]) -> Any:
    if isinstance(features, pd.DataFrame):
        return _register(engine, features, "records")
    return [_register(engine, f, f"records_{i}") for i, f in enumerate(features)]


def _drop_all(engine: Engine) -> None:
    with contextlib.suppress(Exception):  # cleanup is best effort
        engine.db_api.delete_tables_created_by_splink_from_db()
    cache = getattr(engine.db_api, "_intermediate_table_cache", None)
    if cache is not None:
        cache.invalidate_cache()


def predict(
    spec: ModelSpec,
    model: dict[str, Any],
    features: pd.DataFrame | Sequence[pd.DataFrame],
    *,
    engine: Engine,
    floor: float | None = None,
    chunks: int = 1,
    blocks: BlockPlan | None = None,
    candidates_only: bool = False,
    splink_blocking: bool = False,
) -> pd.DataFrame:
    """Score every candidate pair the blocking rules find; keep those at or above `floor`.

    On DuckDB, a dedupe's candidate pairs are made by `blocking.pairs_sql` (decision 0343: the
    same pairs as Splink's blocking, without its per-rule exclusions) and scored by Splink,
    chunk by chunk; `splink_blocking` lets Splink make them (other engines always do).

    On one table (a dedupe) the rules are capped (`kintrace.linkage.blocking`): `blocks` is the
    plan, made here with the default cap when not given. With `candidates_only`, only the pairs
    `pipeline.candidates` would keep leave the database (`candidate_condition`), and of every
    pair only the columns the scored-pairs table has: at a million dense records most pairs
    above the adoption offer floor are neither, and pandas holding them all was the peak."""
    n_records = len(features) if isinstance(features, pd.DataFrame) else sum(map(len, features))
    if isinstance(features, pd.DataFrame):
        blocks = blocks or plan_blocking(spec, features)
        spec, features = blocks.spec_for(spec), blocks.apply(features)
        tables = _materialised(engine, features, "records")
    else:
        tables = _register_inputs(engine, features)
    linker = _linker(engine, tables, bind_model(spec, model, engine.name, n_records=n_records))
    # one table: the retained columns are the records' own, so they are looked up in the
    # feature table by uid instead of leaving the database as one Python string per pair and
    # side (millions of pairs at a million dense records)
    lookup = features if isinstance(features, pd.DataFrame) and candidates_only else None
    parts: list[Any] = []
    if engine.name == "duckdb" and isinstance(features, pd.DataFrame) and not splink_blocking:
        result, parts = _predict_blocked(
            spec,
            linker,
            tables,
            floor=floor,
            chunks=chunks,
            retained=lookup is None,
            candidates_only=candidates_only,
        )
    else:
        result = linker.inference.predict(
            threshold_match_probability=floor,
            num_chunks_left=chunks if chunks > 1 else None,
            num_chunks_right=chunks if chunks > 1 else None,
            warning_mode="never",
        )
    raw = _fetch(
        spec,
        linker,
        result,
        candidates_only=candidates_only,
        retained=lookup is None,
        features=(tables, list(lookup.columns)) if lookup is not None else None,
    )
    frame = _pairs_frame(spec, raw)
    del raw  # Splink's columns, copied into `frame`: at a million dense records, gigabytes
    if lookup is not None:
        frame = _with_retained(spec, frame, lookup)
    result.drop_table_from_database_and_remove_from_cache()
    for part in parts:
        part.drop_table_from_database_and_remove_from_cache()
    if isinstance(features, pd.DataFrame) and engine.name == "duckdb":
        tables.drop_table_from_database_and_remove_from_cache()  # `_materialised`'s copy
    _drop_all(engine)
    return frame


def _predict_blocked(
    spec: ModelSpec,
    linker: Linker,
    table: Any,
    *,
    floor: float | None,
    chunks: int,
    retained: bool = True,
    candidates_only: bool = False,
) -> tuple[Any, list[Any]]:
    """Splink's predict on the candidate pairs of `blocking.pairs_sql`, in chunks x chunks
    parts (each part's pairs made, scored and dropped before the next), as one table, and the
    tables it reads (to drop once it has been read).

    Of each part's scored pairs only what `_fetch` reads is kept (`_kept_sql`: the columns,
    and with `candidates_only` the rows `candidate_condition` keeps, a condition on each pair
    alone), and the parts are united by a view: Splink's table of a part holds every compared
    value, gamma and Bayes factor of millions of pairs, and uniting those tables copied them
    all once more (decision 0353)."""
    parts = []
    for i, j in product(range(1, chunks + 1), repeat=2):
        sql = pairs_sql(
            spec.blocking_rules,
            table.physical_name,
            uid=spec.unique_id,
            chunk=(i, j, chunks) if chunks > 1 else None,
        )
        pipeline = CTEPipeline()
        pipeline.enqueue_sql(sql, "__kintrace_blocked_pairs")
        pairs = linker._db_api.sql_pipeline_to_splink_dataframe(pipeline)
        linker.table_management.register_blocked_pairs_for_predict(pairs)
        scored = linker.inference.predict(threshold_match_probability=floor, warning_mode="never")
        pairs.drop_table_from_database_and_remove_from_cache()
        pipeline = CTEPipeline()
        pipeline.enqueue_sql(
            _kept_sql(spec, scored, retained=retained, candidates_only=candidates_only),
            "__kintrace_scored_part",
        )
        parts.append(linker._db_api.sql_pipeline_to_splink_dataframe(pipeline))
        scored.drop_table_from_database_and_remove_from_cache()
    if len(parts) == 1:
        return parts[0], []
    name = f"__kintrace_scored_{uuid.uuid4().hex[:8]}"
    union = "\nUNION ALL\n".join(f"SELECT * FROM {part.physical_name}" for part in parts)
    linker._db_api._execute_sql_against_backend(f"CREATE VIEW {name} AS {union}")
    view = linker._db_api.table_to_splink_dataframe(name, name)
    view.created_by_splink = True  # made here, dropped by `predict` (Splink drops views too)
    return view, parts


def _wanted(spec: ModelSpec, *, retained: bool) -> list[str]:
    """The columns of Splink's scored pairs that `_fetch` reads (those the table has)."""
    uid = spec.unique_id
    wanted = [f"{uid}_l", f"{uid}_r", "match_weight", "match_probability"]
    wanted += [f"{p}{c.name}" for c in spec.comparisons for p in ("mw_", "mw_tf_adj_")]
    wanted += ["source_dataset_l", "source_dataset_r"]
    if retained:
        wanted += [f"{c}_{side}" for c in spec.retain_columns for side in ("l", "r")]
    return wanted


def _kept_sql(spec: ModelSpec, scored: Any, *, retained: bool, candidates_only: bool) -> str:
    """The query keeping, of Splink's scored pairs in `scored`, the columns `_fetch` reads
    (and the kinds its condition and `below_floor.selection_sql` read), and with
    `candidates_only` the rows `candidate_condition` keeps, as `_fetch` would filter them."""
    present = {column.unquote().name for column in scored.columns}
    kinds = ["source_kind_l", "source_kind_r"]
    kept = [c for c in dict.fromkeys([*_wanted(spec, retained=retained), *kinds]) if c in present]
    sql = f"SELECT {', '.join(kept)} FROM {scored.physical_name}"
    condition = candidate_condition(spec) if candidates_only else None
    if condition and set(kinds) <= present:
        sql += f" WHERE {condition}"
    return sql


def _with_retained(spec: ModelSpec, frame: pd.DataFrame, features: pd.DataFrame) -> pd.DataFrame:
    """`frame` with each retained column of each pair's records (`<column>_l`, `<column>_r`),
    read from `features` by uid: the same values Splink retains, each record's value one
    object shared by all its pairs."""
    by_uid = features.set_index(spec.unique_id)
    for column in spec.retain_columns:
        if column not in by_uid:
            continue
        values = by_uid[column]
        # as DuckDB hands them over: numbers as float64 with NaN, text with None
        if pd.api.types.is_numeric_dtype(values.dtype):
            values = values.astype("float64")
        else:
            values = values.astype(object).where(values.notna(), None)
        for side in ("l", "r"):
            frame[f"{column}_{side}"] = values.reindex(frame[f"uid_{side}"]).to_numpy()
    return frame


def predict_incremental(
    spec: ModelSpec,
    model: dict[str, Any],
    *,
    existing: pd.DataFrame,
    new: pd.DataFrame,
    engine: Engine,
    floor: float | None = None,
    block_cap: int = DEFAULT_BLOCK_CAP,
) -> pd.DataFrame:
    """Score new records against existing ones and among themselves, without retraining.

    Term frequencies are computed over existing and new records together, the same as a full
    run would see them; blocks are capped over them together too (`plan_blocking`).
    """
    every = pd.concat([existing, new], ignore_index=True)
    blocks = plan_blocking(spec, every, cap=block_cap, counts=False)
    spec, every = blocks.spec_for(spec), blocks.apply(every)
    existing, new = every.iloc[: len(existing)], every.iloc[len(existing) :]
    all_table = _register(engine, every, "records_all")
    linker = _linker(engine, all_table, bind_model(spec, model, engine.name, n_records=len(every)))
    for tf_column in _tf_columns(spec):
        linker.table_management.compute_tf_table(tf_column)
    old_table = _register(engine, existing, "records_existing")
    new_table = _register(engine, new, "records_new")
    frames = []
    between = linker.inference.predict_between(
        old_table, new_table, threshold_match_probability=floor, warning_mode="never"
    )
    frames.append(_pairs_frame(spec, _fetch(spec, linker, between)))
    if len(new) > 1:
        within = linker.inference.predict_within(
            new_table, threshold_match_probability=floor, warning_mode="never"
        )
        frames.append(_pairs_frame(spec, _fetch(spec, linker, within)))
    _drop_all(engine)
    return pd.concat(frames, ignore_index=True)


def empty_pairs(spec: ModelSpec) -> pd.DataFrame:
    """A scored-pairs table with no rows (an incremental run with nothing new to score)."""
    columns = ["uid_l", "uid_r", "match_weight", "match_probability"]
    columns += [f"mw_{c.name}" for c in spec.comparisons]
    columns += [f"{c}_{side}" for c in spec.retain_columns for side in ("l", "r")]
    return pd.DataFrame({c: pd.Series(dtype="float64" if c.startswith("m") else "object")
                         for c in columns})  # fmt: skip


def candidate_condition(spec: ModelSpec) -> str | None:
    """`pipeline.candidates` as a SQL condition on Splink's scored pairs: at or above the review
    floor, or with a record of an offered kind at or above the adoption offer floor (a NULL
    kind is not offered, as in pandas). None when every pair at the candidate floor is kept."""
    t = spec.thresholds
    if t.candidate_floor >= t.review_floor:
        return None
    offered = sorted(str(k) for k in spec.kinds.offered)
    if not offered:
        return f"match_probability >= {float(t.review_floor)!r}"
    kinds = ", ".join("'" + k.replace("'", "''") + "'" for k in offered)
    return (
        f"(match_probability >= {float(t.review_floor)!r} OR "
        f"((source_kind_l IN ({kinds}) OR source_kind_r IN ({kinds})) "
        f"AND match_probability >= {float(t.adoption_offer)!r}))"
    )


def _fetch(
    spec: ModelSpec,
    linker: Linker,
    result: Any,
    *,
    candidates_only: bool = False,
    retained: bool = True,
    features: tuple[Any, list[str]] | None = None,
) -> pd.DataFrame:
    """Splink's scored pairs as pandas, only the columns `_pairs_frame` reads (Splink's table
    also holds every compared value, gamma and Bayes factor), and with `candidates_only` only
    the pairs `candidate_condition` keeps; the filter and projection run in the database.
    Without `retained`, the retained columns stay in the database (the caller looks them up).
    With `features` (the run's registered feature table and its columns) and
    `candidates_only`, of the pairs below the review floor only those the offer rules can use
    leave the database (`below_floor.selection_sql`, decision 0341), ordered by uid."""
    uid = spec.unique_id
    present = {column.unquote().name for column in result.columns}
    columns = [c for c in _wanted(spec, retained=retained) if c in present]
    condition = candidate_condition(spec) if candidates_only else None
    if condition and not {"source_kind_l", "source_kind_r"} <= present:
        condition = None  # no kinds retained: pandas filters (pipeline.candidates)
    sql = f"SELECT {', '.join(columns)} FROM {result.physical_name}"
    selection = None
    if condition and features is not None:
        table, feature_columns = features
        selection = below_floor.selection_sql(
            spec,
            result=result.physical_name,
            features=table.physical_name,
            feature_columns=feature_columns,
            columns=columns,
            uid=uid,
        )
    if selection:
        sql = selection
    elif condition:
        sql += f" WHERE {condition}"
    frame = linker.misc.query_sql(sql, output_type="pandas")
    assert isinstance(frame, pd.DataFrame)
    return frame


def _tf_columns(spec: ModelSpec) -> list[str]:
    return sorted({lvl.tf_column for c in spec.comparisons for lvl in c.levels if lvl.tf_column})


def _pairs_frame(spec: ModelSpec, raw: pd.DataFrame) -> pd.DataFrame:
    uid = spec.unique_id
    extra = [c for c in ("source_dataset_l", "source_dataset_r") if c in raw.columns]
    frame = pd.DataFrame(
        {
            "uid_l": raw[f"{uid}_l"].to_numpy(),
            "uid_r": raw[f"{uid}_r"].to_numpy(),
            "match_weight": raw["match_weight"].to_numpy(),
            "match_probability": raw["match_probability"].to_numpy(),
        }
    )
    for comparison in spec.comparisons:
        weight = raw[f"mw_{comparison.name}"].fillna(0.0).to_numpy()
        tf_column = f"mw_tf_adj_{comparison.name}"
        if tf_column in raw.columns:
            weight = weight + raw[tf_column].fillna(0.0).to_numpy()
        frame[f"mw_{comparison.name}"] = weight
    for column in extra:
        frame[column] = raw[column].to_numpy()
    for column in spec.retain_columns:
        for side in ("l", "r"):
            if f"{column}_{side}" in raw.columns:
                frame[f"{column}_{side}"] = raw[f"{column}_{side}"].to_numpy()
    if not extra:
        # Splink orders each pair by id already; make it explicit for joins and exports.
        swap = frame["uid_l"] > frame["uid_r"]
        if swap.any():
            frame.loc[swap, ["uid_l", "uid_r"]] = frame.loc[swap, ["uid_r", "uid_l"]].to_numpy()
    return frame


def score_pair(
    spec: ModelSpec,
    model: dict[str, Any],
    left: dict[str, Any],
    right: dict[str, Any],
    *,
    engine: Engine,
    features: pd.DataFrame,
) -> dict[str, Any]:
    """Score one pair of records with the trained model, whatever the blocking would say.

    `features` is the table the term frequencies come from (the whole registry).
    """
    table = _register(engine, features, "records_all")
    linker = _linker(engine, table, bind_model(spec, model, engine.name))
    for tf_column in _tf_columns(spec):
        linker.table_management.compute_tf_table(tf_column)
    result = linker.inference.score_pairs([left], [right]).as_pandas_dataframe()
    _drop_all(engine)
    return dict(result.iloc[0])
