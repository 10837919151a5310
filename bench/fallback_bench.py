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
import time
from typing import Any

import pandas as pd
from linkage_bench import GENERATORS, Truth, decided_figures, records_frame

from kintrace.linkage.engine import EngineConfig, open_engine
from kintrace.linkage.fallback import for_registry, load_shipped, training_blockers
from kintrace.linkage.features import feature_table
from kintrace.linkage.runner import TrainingError, predict, train_floored
from kintrace.linkage.spec import kintrace_spec
from kintrace.linkage.spec.floors import doubts


def _figures(truth: Truth, features: pd.DataFrame, model: dict[str, Any]) -> dict[str, float]:
    """Pairwise figures after every decision rule, as `kintrace link` would decide."""
    spec = kintrace_spec()
    engine = open_engine(EngineConfig())
    try:
        pairs = predict(spec, model, features, engine=engine)
    finally:
        engine.close()
    return decided_figures(truth, pairs.assign(is_match=truth.is_match(pairs)), features, spec)[0]


def _text(figs: dict[str, float]) -> str:
    return f"{figs['f1']:.4f} ({figs['precision']:.4f} / {figs['recall']:.4f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, nargs="*", default=[125, 250, 500, 1000, 2000])
    parser.add_argument("--seeds", type=int, nargs="*", default=[3, 5])
    parser.add_argument("--generator", default="demo", choices=GENERATORS)
    parser.add_argument("--unknown-kinds", action="store_true", help="every source's kind unknown")
    args = parser.parse_args()
    spec = kintrace_spec()
    shipped = load_shipped(spec)
    print(f"shipped model: {shipped.describe()}")
    print(f"generator {args.generator}; kinds {'unknown' if args.unknown_kinds else 'declared'}")
    header = ("children", "seed", "records", "may train", "trained F1 (P / R)",
              "shipped F1 (P / R)", "seconds")  # fmt: skip
    print(" | ".join(header))
    for children in args.children:
        for seed in args.seeds:
            start = time.perf_counter()
            records = records_frame(children, seed, generator=args.generator)[0]
            if args.unknown_kinds:
                records = records.assign(source_kind="unknown")
            truth, features = Truth.of(records), feature_table(records)
            blockers = training_blockers(spec, features)
            engine = open_engine(EngineConfig())
            try:
                trained = train_floored(spec, features, engine=engine).model
                own_text = _text(_figures(truth, features, trained))
                if doubts(spec, trained):
                    own_text += " unsound"
            except TrainingError as exc:
                own_text = f"failed: {exc.reason[:40]}"
            finally:
                engine.close()
            fallback = _figures(truth, features, for_registry(shipped, len(records)))
            print(
                f"{children} | {seed} | {len(records)} | {'yes' if not blockers else 'no'} | "
                f"{own_text} | {_text(fallback)} | {time.perf_counter() - start:.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
