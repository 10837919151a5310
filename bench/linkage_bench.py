"""Linkage accuracy on the project's synthetic data: the Kintrace model against plain Splink.

Generates N children with `kintrace.demo` (every source list, with ground truth), links them with
the Kintrace model and with a plain Splink baseline (names folded to ASCII, Splink's standard
comparisons) in the same run, and prints for each:
  blocking recall and comparisons; pairwise precision / recall / F1 after clustering; the share of
  children with a Ukrainian and a Russian camp record that end in one person; the share of
  adoption records offered for review (pending or better) and pending pairs per child found;
  and the precision-recall curve of pairs by threshold (for choosing the defaults).

    nice .venv/bin/python bench/linkage_bench.py --children 20000 --seed 7
"""

from __future__ import annotations

import argparse
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from itertools import combinations
from typing import Any

import pandas as pd

from kintrace.demo.dataset import generate
from kintrace.linkage.clustering import Link, cluster, sequential_ids
from kintrace.linkage.decide import decide
from kintrace.linkage.engine import EngineConfig, open_engine
from kintrace.linkage.features import feature_table
from kintrace.linkage.persons import resolve
from kintrace.linkage.pipeline import candidates
from kintrace.linkage.runner import predict, train
from kintrace.linkage.spec import ModelSpec, Thresholds, kintrace_spec
from kintrace.registry.validation import DateProblem, parse_partial_date

UA_SOURCES = ("family_report", "state_registry")


def _date_parts(text: object) -> tuple[int | None, int | None, int | None]:
    if not isinstance(text, str) or not text.strip():
        return None, None, None
    try:
        d = parse_partial_date(text, column="birth_date")
    except DateProblem:
        return None, None, None
    return d.year, d.month, d.day


def _iso(text: object) -> str | None:
    year, month, day = _date_parts(text)
    if year is None:
        return None
    return f"{year:04d}-{month or 1:02d}-{day or 1:02d}"


def records_frame(children: int, seed: int) -> tuple[pd.DataFrame, dict[str, str]]:
    data = generate(children=children, seed=seed)
    kinds = {spec.name: spec.kind for spec in data.sources}
    child_of = data.child_of()
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
                    "given_name": row.get("given_name"),
                    "family_name": row.get("family_name"),
                    "patronymic": row.get("patronymic"),
                    "full_name": row.get("full_name"),
                    "sex": row.get("sex"),
                    "birth_year": year,
                    "birth_month": month,
                    "birth_day": day,
                    "age": row.get("age") or None,
                    "observed_on": _iso(row.get("observed_on")),
                    "birth_place": row.get("birth_place"),
                    "last_known_place": row.get("last_known_place"),
                    "group_id": row.get("group_id") or None,
                    "truth": child_of[(source, str(row["record_id"]))],
                    "tags": "",
                }
            )
    frame = pd.DataFrame(rows)
    tags = {(t.source, t.record_id): ",".join(t.tags) for t in data.truth}
    frame["tags"] = [tags[(s, r)] for s, r in zip(frame["source"], frame["record_id"], strict=True)]
    return frame, kinds


# --- plain Splink baseline -----------------------------------------------------------------

_FOLD = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "є": "e", "ё": "e",
    "ж": "zh", "з": "z", "и": "i", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh",
    "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ъ": "", "ы": "y", "э": "e", "ю": "iu",
    "я": "ia", "'": "", "’": "",
})  # fmt: skip


def fold(text: object) -> str | None:
    """A generic ASCII fold: lower case, one Cyrillic letter -> Latin letters, accents dropped."""
    if not isinstance(text, str) or not text.strip():
        return None
    value = unicodedata.normalize("NFKD", text.strip().lower().translate(_FOLD))
    value = "".join(ch for ch in value if ch.isascii() and (ch.isalpha() or ch == " "))
    return value.strip() or None


def baseline_features(records: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({"uid": records["uid"]})
    given, family = [], []
    for g, f, full in zip(records["given_name"], records["family_name"], records["full_name"],
                          strict=True):  # fmt: skip
        g, f = fold(g), fold(f)
        if not g and not f and fold(full):
            words = fold(full).split()  # type: ignore[union-attr]
            f, g = words[0], (words[1] if len(words) > 1 else None)
        given.append(g)
        family.append(f)
    out["first_name"] = given
    out["surname"] = family
    dob = []
    for y, m, d in zip(records["birth_year"], records["birth_month"], records["birth_day"],
                       strict=True):  # fmt: skip
        full = pd.notna(d) and pd.notna(m) and pd.notna(y)
        dob.append(f"{int(y):04d}-{int(m):02d}-{int(d):02d}" if full else None)
    out["dob"] = dob
    out["birth_year"] = [str(int(y)) if pd.notna(y) else None for y in records["birth_year"]]
    sex = records["sex"].map(fold).map({"m": "M", "male": "M", "f": "F", "female": "F",
                                        "zh": "F"})  # fmt: skip
    out["sex"] = sex.where(sex.notna(), None)
    out["birth_place"] = records["birth_place"].map(fold)
    return out


def run_baseline(records: pd.DataFrame, engine_name: str) -> pd.DataFrame:
    import splink.comparison_library as cl
    from splink import Linker, SettingsCreator, block_on

    feats = baseline_features(records)
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="uid",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("sex"),
            cl.JaroWinklerAtThresholds("birth_place"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "surname"),
            block_on("dob"),
            block_on("surname", "birth_year"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    engine = open_engine(EngineConfig(name=engine_name))  # type: ignore[arg-type]
    try:
        table = engine.db_api.register(feats, dataset_display_name="baseline")
        linker = Linker(table, settings, log_level=None)
        linker.training.estimate_probability_two_random_records_match(
            [block_on("first_name", "surname", "dob")], recall=0.7
        )
        linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("first_name", "surname")
        )
        pairs = linker.inference.predict(warning_mode="never").as_pandas_dataframe()
    finally:
        engine.close()
    return pd.DataFrame({"uid_l": pairs["uid_l"], "uid_r": pairs["uid_r"],
                         "match_probability": pairs["match_probability"]})  # fmt: skip


# --- scoring ------------------------------------------------------------------------------


def evaluate(
    name: str, records: pd.DataFrame, pairs: pd.DataFrame, *, spec: ModelSpec, twins: bool
) -> dict[str, float]:
    t = spec.thresholds
    truth = dict(zip(records["uid"], records["truth"], strict=True))
    kind = dict(zip(records["uid"], records["source_kind"], strict=True))
    pairs = pairs.copy()
    pairs["is_match"] = [truth[a] == truth[b] for a, b in zip(pairs["uid_l"], pairs["uid_r"],
                                                              strict=True)]  # fmt: skip
    by_child: dict[str, list[int]] = defaultdict(list)
    for uid, child in truth.items():
        by_child[child].append(uid)
    true_pairs = sum(len(v) * (len(v) - 1) // 2 for v in by_child.values())
    found = int(pairs["is_match"].sum())
    if twins:  # the decision pipeline, exactly as `kintrace link` runs it
        decided = decide(candidates(spec, pairs), FEATURES[name], spec)
        scored, person, data = decided.pairs, decided.person_of, decided.data
    else:  # the baseline: plain connected components, no constraints
        links = _auto_links(
            pairs.assign(
                status=[
                    "auto" if p >= t.auto_link else "pending" for p in pairs["match_probability"]
                ]
            )
        )
        person = cluster(records["uid"].tolist(), links, new_id=sequential_ids([])).person_of
    tp = fp = 0
    by_person: dict[str, list[int]] = defaultdict(list)
    for uid, p in person.items():
        by_person[p].append(int(uid))  # type: ignore[call-overload]
    for members in by_person.values():
        for a, b in combinations(members, 2):
            if truth[a] == truth[b]:
                tp += 1
            else:
                fp += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / true_pairs
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    # children with a Ukrainian record and a Russian camp record
    both = together = 0
    for _child, uids in by_child.items():
        kinds = {kind[u] for u in uids}
        if kinds & set(UA_SOURCES) and "camp_list" in kinds:
            both += 1
            relevant = [u for u in uids if kind[u] in (*UA_SOURCES, "camp_list")]
            together += len({person[u] for u in relevant}) == 1
    # adoption records offered for review (pending or better): the statuses the run gives
    if twins:
        offered_pairs = pairs.merge(scored[["uid_l", "uid_r", "status"]], on=["uid_l", "uid_r"])
    else:
        offered_pairs = pairs[pairs["match_probability"] >= t.review_floor]
        offered_pairs = offered_pairs.assign(
            status=["auto" if p >= t.auto_link else "pending"
                    for p in offered_pairs["match_probability"]]
        )  # fmt: skip
    adoption = [u for u in truth if kind[u] == "adoption_listing"
                and len(by_child[truth[u]]) > 1]  # fmt: skip
    offered = 0
    pending_per_found: list[int] = []
    for uid in adoption:
        mine = offered_pairs[(offered_pairs["uid_l"] == uid) | (offered_pairs["uid_r"] == uid)]
        same_person = any(person[u] == person[uid] for u in by_child[truth[uid]] if u != uid)
        if mine["is_match"].any() or same_person:
            offered += 1
            # pairs left for a person (a pair the unambiguous rule linked is not pending)
            pending_per_found.append(int((mine["status"] == "pending").sum()))
    figures = {
        "comparisons": float(len(pairs)),
        "blocking_recall": found / true_pairs,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "ua_camp_in_one_person": together / both if both else 0.0,
        "adoption_offered": offered / len(adoption) if adoption else 0.0,
        "pending_per_adoption_found": _mean(pending_per_found),
        "max_pending_per_adoption_found": float(max(pending_per_found, default=0)),
    }
    print(f"\n== {name} ==")
    print(f"  comparisons after blocking      {len(pairs):,}")
    print(f"  blocking recall                 {figures['blocking_recall']:.4f}")
    print(f"  after clustering: precision {precision:.4f}  recall {recall:.4f}  F1 {f1:.4f}")
    print(f"  UA + RU camp records in one person  {figures['ua_camp_in_one_person']:.4f} "
          f"({together}/{both})")  # fmt: skip
    print(f"  adoption records offered        {figures['adoption_offered']:.4f} "
          f"({offered}/{len(adoption)}); pending pairs per child found: "
          f"mean {figures['pending_per_adoption_found']:.2f}, "
          f"max {figures['max_pending_per_adoption_found']:.0f}")  # fmt: skip
    if twins:
        # What the decisions could reach at best: every pair a person would see (stored) or
        # every pair blocking produced, decided right. The gap to these is the rules' (statuses,
        # promotion); the gap from them to 1 is the model's ranking and the blocking.
        for label, pool in (("stored pair", scored), ("blocked pair", pairs)):
            right = (
                pool[pool["is_match"]]
                if "is_match" in pool
                else pool.merge(pairs[["uid_l", "uid_r", "is_match"]], on=["uid_l", "uid_r"]).query(
                    "is_match"
                )
            )
            ideal = resolve(
                FEATURES[name],
                [
                    Link(int(a), int(b), 1.0)
                    for a, b in zip(right["uid_l"], right["uid_r"], strict=True)
                ],
                data=data,
            )
            tp_i = fp_i = 0
            members_of: dict[str, list[int]] = defaultdict(list)
            for uid, p in ideal.person_of.items():
                members_of[p].append(int(uid))  # type: ignore[call-overload]
            for members in members_of.values():
                for a, b in combinations(members, 2):
                    tp_i, fp_i = (tp_i + 1, fp_i) if truth[a] == truth[b] else (tp_i, fp_i + 1)
            r_i = tp_i / true_pairs
            p_i = tp_i / (tp_i + fp_i) if tp_i + fp_i else 0.0
            f_i = 2 * p_i * r_i / (p_i + r_i) if tp_i else 0.0
            figures[f"ceiling_{label.split()[0]}_f1"] = f_i
            print(f"  ceiling: every {label} decided right   F1 {f_i:.4f} (recall {r_i:.4f})")
    print("  pairs by threshold (precision / recall of pairs at or above it):")
    for threshold in (0.3, 0.5, 0.8, 0.9, 0.95, 0.99, 0.995, 0.999):
        chosen = pairs[pairs["match_probability"] >= threshold]
        tp_t = int(chosen["is_match"].sum())
        p_t = tp_t / len(chosen) if len(chosen) else 0.0
        print(f"    {threshold:<6} {p_t:.4f} / {tp_t / true_pairs:.4f}  ({len(chosen):,} pairs)")
    return figures


FEATURES: dict[str, pd.DataFrame] = {}


def _auto_links(scored: pd.DataFrame) -> list[Link[int]]:
    auto = scored[scored["status"] == "auto"]
    return [
        Link(int(a), int(b), float(p))
        for a, b, p in zip(auto["uid_l"], auto["uid_r"], auto["match_probability"], strict=True)
    ]


def _mean(values: list[int]) -> float:
    return sum(values) / len(values) if values else 0.0


def timed(label: str, fn: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    value = fn()
    print(f"[{label}: {time.perf_counter() - start:.1f} s]")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--engine", default="duckdb", choices=["duckdb", "spark"])
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--auto-link", type=float, default=None, help="auto-link threshold")
    parser.add_argument("--review-floor", type=float, default=None, help="review floor")
    args = parser.parse_args()
    records, _kinds = timed("generate", lambda: records_frame(args.children, args.seed))
    print(f"{args.children:,} children, {len(records):,} records (synthetic, seed {args.seed})")
    spec = kintrace_spec()
    if args.auto_link or args.review_floor:
        spec = spec.with_thresholds(
            Thresholds(
                auto_link=args.auto_link or spec.thresholds.auto_link,
                review_floor=args.review_floor or spec.thresholds.review_floor,
            )
        )
    features = timed("features", lambda: feature_table(records))
    FEATURES["kintrace model"] = features
    engine = open_engine(EngineConfig(name=args.engine))
    try:
        model = timed("train", lambda: train(spec, features, engine=engine))
        pairs = timed("predict", lambda: predict(spec, model, features, engine=engine))
    finally:
        engine.close()
    ours = evaluate("kintrace model", records, pairs, spec=spec, twins=True)
    if not args.skip_baseline:
        base_pairs = timed("baseline", lambda: run_baseline(records, args.engine))
        evaluate("plain Splink baseline", records, base_pairs, spec=spec, twins=False)
    checks = {
        "F1 >= 0.97": ours["f1"] >= 0.97,
        "UA + camp in one person >= 0.97": ours["ua_camp_in_one_person"] >= 0.97,
        "adoption offered >= 0.80": ours["adoption_offered"] >= 0.80,
        "pending per child found <= 3": ours["pending_per_adoption_found"] <= 3,
    }
    print("\nacceptance: " + "; ".join(f"{k}: {'yes' if v else 'NO'}" for k, v in checks.items()))


if __name__ == "__main__":
    main()
