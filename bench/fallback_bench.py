"""When should a registry train its own model? The shipped model against one trained on the
registry, by registry size (SYNTHETIC data; decision 0320).

For each size and seed, links the same lists twice, with every decision rule of a run: with a
model trained on them (when training does not fail) and with the shipped model
(`kintrace.linkage.fallback`, λ rescaled to the registry), and prints pairwise precision,
recall and F1 after clustering, and whether the training criteria (`TrainingCriteria`) would
have let the registry train. Use seeds the shipped model was not trained on (its provenance
lists them), and both generators.

    nice .venv/bin/python bench/fallback_bench.py --children 125 250 500 1000 2000 --seeds 3 5
    nice .venv/bin/python bench/fallback_bench.py --unknown-kinds   # sources imported without kinds
"""

from __future__ import annotations

import argparse
import contextlib
import io
import time
from collections.abc import Callable
from typing import Any

import pandas as pd
from linkage_bench import FEATURES, _date_parts, _iso, evaluate, records_frame

from kintrace.linkage.engine import EngineConfig, open_engine
from kintrace.linkage.fallback import for_registry, load_shipped, training_blockers
from kintrace.linkage.features import feature_table
from kintrace.linkage.pipeline import candidates
from kintrace.linkage.runner import TrainingError, predict, train_floored
from kintrace.linkage.spec import kintrace_spec
from kintrace.linkage.spec.floors import doubts


def _figures(name: str, records: pd.DataFrame, model: dict[str, Any]) -> dict[str, float]:
    spec = kintrace_spec()
    engine = open_engine(EngineConfig())
    try:
        pairs = predict(spec, model, FEATURES[name], engine=engine,
                        floor=spec.thresholds.candidate_floor)  # fmt: skip
    finally:
        engine.close()
    with contextlib.redirect_stdout(io.StringIO()):
        return evaluate(name, records, candidates(spec, pairs), spec=spec, twins=True)


def second_records(children: int, seed: int) -> pd.DataFrame:
    """The second generator's lists as records (kinds declared), like the demo's."""
    from generators.second import generate  # type: ignore[import-not-found]

    data = generate(children, seed)
    kinds = {s.name: s.kind for s in data.sources}

    def text(value: object) -> str | None:
        return value.strip() or None if isinstance(value, str) else None

    rows: list[dict[str, Any]] = []
    for source, source_rows in data.records.items():
        for row in source_rows:
            year, month, day = _date_parts(row.get("birth_date"))
            rows.append(
                {
                    "uid": len(rows) + 1,
                    "source": source,
                    "record_id": str(row["record_id"]),
                    "source_kind": kinds[source],
                    **{c: text(row.get(c)) for c in ("given_name", "family_name", "patronymic",
                                                      "full_name", "sex", "age", "birth_place",
                                                      "last_known_place", "group_id")},
                    "birth_year": year,
                    "birth_month": month,
                    "birth_day": day,
                    "observed_on": _iso(row.get("observed_on")),
                    "truth": data.truth[(source, str(row["record_id"]))],
                }
            )  # fmt: skip
    return pd.DataFrame(rows)


def _generator(name: str) -> Callable[[int, int], pd.DataFrame]:
    if name == "demo":
        return lambda children, seed: records_frame(children, seed)[0]
    return second_records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, nargs="*", default=[125, 250, 500, 1000, 2000])
    parser.add_argument("--seeds", type=int, nargs="*", default=[3, 5])
    parser.add_argument("--generator", default="demo", choices=["demo", "second"])
    parser.add_argument("--unknown-kinds", action="store_true", help="every source's kind unknown")
    args = parser.parse_args()
    spec = kintrace_spec()
    shipped = load_shipped(spec)
    make = _generator(args.generator)
    print(f"shipped model: {shipped.describe()}")
    print(f"generator {args.generator}; kinds {'unknown' if args.unknown_kinds else 'declared'}")
    header = ("children", "seed", "records", "may train", "trained F1 (P / R)",
              "shipped F1 (P / R)", "seconds")  # fmt: skip
    print(" | ".join(header))
    for children in args.children:
        for seed in args.seeds:
            start = time.perf_counter()
            records = make(children, seed)
            if args.unknown_kinds:
                records = records.assign(source_kind="unknown")
            name = f"{children}-{seed}"
            FEATURES[name] = feature_table(records)
            blockers = training_blockers(spec, FEATURES[name])
            engine = open_engine(EngineConfig())
            try:
                trained = train_floored(spec, FEATURES[name], engine=engine).model
                concerns = doubts(spec, trained)
                own = _figures(name, records, trained)
                own_text = f"{own['f1']:.4f} ({own['precision']:.4f} / {own['recall']:.4f})"
                if concerns:
                    own_text += " unsound"
            except TrainingError as exc:
                own_text = f"failed: {exc.reason[:40]}"
            finally:
                engine.close()
            fallback = _figures(name, records, for_registry(shipped, len(records)))
            print(
                f"{children} | {seed} | {len(records)} | {'yes' if not blockers else 'no'} | "
                f"{own_text} | {fallback['f1']:.4f} ({fallback['precision']:.4f} / "
                f"{fallback['recall']:.4f}) | {time.perf_counter() - start:.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
