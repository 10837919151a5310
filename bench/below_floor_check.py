"""Does `decide()` on the pairs `below_floor.selection_sql` lets out of the database give what it
gives on every candidate? (decision 0341; issue 10 item 1.)

Scores one registry once per path — every candidate at or above the adoption offer floor
(`pipeline.candidates`), and the selection (`runner.predict(candidates_only=True)`) — with the
same model, decides both and compares every stored pair's status and rule id, and the persons.
Prints counts and, for the pairs that differ, their uids, kinds, probabilities and rules only
(no name, date or place).

    nice .venv/bin/python bench/below_floor_check.py --generator second --children 5000 --seed 7
    nice .venv/bin/python bench/below_floor_check.py --dense --children 45000 --seed 11
"""

from __future__ import annotations

import argparse

import pandas as pd
from linkage_bench import GENERATORS, records_frame
from linkage_scale_bench import second_records

from kintrace.linkage.blocking import plan_blocking
from kintrace.linkage.decide import decide
from kintrace.linkage.engine import EngineConfig, open_engine
from kintrace.linkage.features import feature_table
from kintrace.linkage.pipeline import candidates
from kintrace.linkage.runner import predict, train
from kintrace.linkage.spec import kintrace_spec


def _persons(person_of: dict[object, str]) -> set[frozenset[object]]:
    out: dict[str, set[object]] = {}
    for record, person in person_of.items():
        out.setdefault(person, set()).add(record)
    return {frozenset(v) for v in out.values()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--generator", default="second", choices=GENERATORS)
    parser.add_argument("--dense", action="store_true", help="the second generator, dense")
    parser.add_argument("--children", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    spec = kintrace_spec()
    if args.dense:
        records = second_records(args.children, args.seed, "dense")
    else:
        records, _ = records_frame(args.children, args.seed, generator=args.generator)
    features = feature_table(records)
    print(f"{len(features):,} records (synthetic)")
    engine = open_engine(EngineConfig())
    try:
        blocks = plan_blocking(spec, features)
        model = train(spec, features, engine=engine)
        floor = spec.thresholds.candidate_floor
        every = candidates(
            spec, predict(spec, model, features, engine=engine, blocks=blocks, floor=floor)
        )
        only = candidates(
            spec,
            predict(
                spec,
                model,
                features,
                engine=engine,
                blocks=blocks,
                floor=floor,
                candidates_only=True,
            ),
        )
    finally:
        engine.close()
    print(f"pairs: every candidate {len(every):,}, the selection {len(only):,}")
    on = ["uid_l", "uid_r"]
    results = {}
    for label, pairs in (("every", every), ("selection", only)):
        decided = decide(pairs, features, spec)
        table = decided.pairs[[*on, "status", "rule", "match_probability"]]
        results[label] = (table, _persons(decided.person_of))
        auto = int((table["status"] == "auto").sum())
        print(f"  {label:<10} auto {auto:,}, pending {int((table['status'] == 'pending').sum()):,}")
    (a, pa), (b, pb) = results["every"], results["selection"]
    both = a.merge(b, on=on, how="outer", suffixes=("_every", "_selection"), indicator=True)
    differ = both[
        (both["_merge"] != "both")
        | (both["status_every"] != both["status_selection"])
        | (both["rule_every"] != both["rule_selection"])
    ]
    kind = dict(zip(features["uid"], features["source_kind"], strict=True))
    print(
        f"stored pairs that differ: {len(differ):,}; persons the same: {pa == pb} "
        f"({len(pa ^ pb):,} persons in one only)"
    )
    if len(differ):
        shown = differ.assign(
            kinds=[
                f"{kind[x]}+{kind[y]}"
                for x, y in zip(differ["uid_l"], differ["uid_r"], strict=True)
            ]
        )
        with pd.option_context("display.width", 200, "display.max_rows", 60):
            print(
                shown[
                    [
                        *on,
                        "kinds",
                        "match_probability_every",
                        "status_every",
                        "rule_every",
                        "status_selection",
                        "rule_selection",
                    ]
                ].head(60)
            )
    raise SystemExit(1 if len(differ) or pa != pb else 0)


if __name__ == "__main__":
    main()
