"""Linkage at scale: deduplicate ~1,000,000 records, then link 5,000 new ones incrementally.

The demo generator draws from ~100 given names and ~130 surnames, far denser than any real
registry at a million records, so this bench generates its own synthetic records (SYNTHETIC: no
real child) with realistic diversity: ~150 curated first-name classes (Zipf-weighted, both
languages), ~40,000 synthetic Ukrainian-style surnames, ~3,000 places; each child appears 1-4
times in Ukrainian Cyrillic, Russian Cyrillic or Latin, with typos, partial dates and day/month
swaps. It then runs exactly the production path (features via kintrace.names, the Kintrace
model, chunked prediction, clustering with the twin/sibling rule) and prints wall time, peak
memory (max RSS of this process, DuckDB included) and pairwise accuracy against the truth.

    nice .venv/bin/python bench/linkage_scale_bench.py --records 1000000 --new 5000

`--dense` takes the records from the second generator instead (bench/generators/second, profile
`dense`: realistic name frequencies - a few dozen first names cover most children, surnames
repeat thousands of times - sibling groups and all five source kinds declared), so that the
decision pipeline runs with the adoption offers as the service runs it. `--profile one_surname`
(every child one surname) measures the bad input "a block of 200,000 equal surnames". The
records are generated in a child process and cached in --cache-dir, so the peak memory printed
is the link's own. Blocks above --block-cap records are left out of their rule
(kintrace.linkage.blocking) and reported, with the blocking recall beside the comparisons.

    nice .venv/bin/python bench/linkage_scale_bench.py --dense --children 440000 --new 5000
    nice .venv/bin/python bench/linkage_scale_bench.py --dense --profile one_surname \
        --children 90000 --new 0

`--count-only` stops after the blocking plan: the comparisons each rule makes, the distinct
comparisons after overlaps are removed (counted in DuckDB, nothing scored) and the blocking
recall, cheap enough to run at a million dense records (`--children 440000`).

`--save-decide-inputs DIR` writes what `decide()` is given as Parquet (not timed): the full
run's `pairs` and `features`, the incremental run's `fresh_pairs`, `new_features`, `previous`
(uid, person) and `kept_links` (left, right, probability), so that `decide()` can be measured
and changed alone on the scored pairs of one run (`decide(pd.read_parquet(DIR/pairs.parquet),
pd.read_parquet(DIR/features.parquet), kintrace_spec())` is the full run's call).
"""

from __future__ import annotations

import argparse
import csv
import gc
import random
import resource
import subprocess
import sys
import time
from collections import Counter, defaultdict
from importlib import resources
from itertools import combinations
from pathlib import Path
from typing import Any

import pandas as pd

from kintrace.linkage.blocking import DEFAULT_BLOCK_CAP, BlockPlan, pairs_blocked, plan_blocking
from kintrace.linkage.clustering import Link
from kintrace.linkage.decide import decide
from kintrace.linkage.engine import EngineConfig, open_engine
from kintrace.linkage.features import feature_table
from kintrace.linkage.pipeline import candidates, chunks_for
from kintrace.linkage.runner import predict, predict_incremental, train
from kintrace.linkage.spec import ModelSpec, kintrace_spec
from kintrace.names import transliterate
from kintrace.registry.validation import DateProblem, parse_partial_date

_STEMS = [
    "Бондар",
    "Ковал",
    "Шевч",
    "Ткач",
    "Кравч",
    "Олійн",
    "Мельн",
    "Лис",
    "Руд",
    "Марч",
    "Левч",
    "Савч",
    "Петр",
    "Гриц",
    "Кузьм",
    "Мороз",
    "Павл",
    "Сид",
    "Яковл",
    "Дорош",
    "Гуменю",
    "Тимош",
    "Остап",
    "Клим",
    "Поліщ",
    "Білоус",
    "Гонч",
    "Кушн",
    "Пасічн",
    "Стеф",
    "Зінч",
    "Костю",
    "Нестер",
    "Симон",
    "Тарас",
    "Фед",
    "Гаврил",
    "Литв",
    "Мирон",
    "Харч",
    "Юрч",
    "Онищ",
    "Прокоп",
    "Данил",
    "Макс",
    "Рома",
    "Степ",
    "Щерб",
    "Козл",
    "Лук",
    "Мат",
    "Собол",
    "Гордій",
    "Вакул",
    "Кирил",
    "Захар",
    "Кравц",
    "Бойч",
    "Борис",
    "Гнат",
    "Дмитр",
    "Ярем",
    "Назар",
]
_MIDDLE = ("", "ен", "ан", "ин", "ов", "ач", "ар", "ук", "ущ", "ел", "ив", "ор", "аш", "іш")
_ENDINGS = ("енко", "ук", "юк", "чук", "ський", "ович", "ко", "ай", "ець", "ишин", "ів", "ак")
_FEMININE = {"ський": "ська"}


_SYLLABLES = ("ба", "ви", "го", "да", "же", "зо", "ка", "ли", "мо", "на", "по", "ра", "си", "ту",
              "фе", "ха", "ці", "ча", "ше", "ля", "ню", "ря")  # fmt: skip


def _surnames(rng: random.Random, n: int) -> list[str]:
    """Synthetic surnames: stem + optional syllable + middle + ending (~150,000 possible)."""
    found: set[str] = set()
    while len(found) < n:
        syllable = rng.choice(_SYLLABLES) if rng.random() < 0.9 else ""
        found.add(rng.choice(_STEMS) + syllable + rng.choice(_MIDDLE) + rng.choice(_ENDINGS))
    return sorted(found)


def _given_names() -> list[tuple[str, str, str]]:
    text = resources.files("kintrace.names").joinpath("data/given_names.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return [
        (r["uk"].split("|")[0], r["ru"].split("|")[0], r["gender"].upper())
        for r in rows
        if r["uk"] and r["ru"] and r["gender"] in ("m", "f")
    ]


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def generate(records: int, seed: int) -> pd.DataFrame:
    rng = random.Random(seed)
    given = _given_names()
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(given))]
    rng.shuffle(given)
    surnames = _surnames(rng, 40_000)
    places = [rng.choice(_STEMS) + suffix for suffix in ("івка", "ове", "ськ", "ин", "еве", "ці")
              for _ in range(600)]  # fmt: skip
    rows: list[dict[str, object]] = []
    child = 0
    while len(rows) < records:
        child += 1
        uk, ru, sex = rng.choices(given, weights=weights)[0]
        surname = rng.choice(surnames)
        if sex == "F":
            surname = next((surname[: -len(m)] + f for m, f in _FEMININE.items()
                            if surname.endswith(m)), surname)  # fmt: skip
        year, month, day = rng.randint(2004, 2021), rng.randint(1, 12), rng.randint(1, 28)
        place = rng.choice(places)
        for copy in range(rng.choice((1, 2, 2, 3, 3, 4))):
            script = rng.choice(("uk", "ru", "latin")) if copy else "uk"
            g, f, p = (ru if script == "ru" else uk), surname, place
            if script == "latin":
                g, f, p = (transliterate(x, "uk_national_2010") for x in (uk, surname, place))
            if rng.random() < 0.08:
                f = _typo(f, rng)
            precision = rng.random()
            m, d = (
                (month, day)
                if precision < 0.75
                else (
                    (None, None)
                    if precision < 0.95
                    else (day if day <= 12 else month, month if day <= 12 else day)
                )
            )
            rows.append(
                {
                    "uid": len(rows) + 1, "source": f"s{copy}", "record_id": str(len(rows)),
                    "source_kind": "scale", "given_name": g, "family_name": f,
                    "patronymic": None, "full_name": None, "sex": sex, "birth_year": year,
                    "birth_month": m, "birth_day": d, "age": None, "observed_on": None,
                    "birth_place": p if rng.random() < 0.7 else None, "last_known_place": None,
                    "truth": child,
                }
            )  # fmt: skip
    return pd.DataFrame(rows[:records])


# --- the second generator's lists (--dense) -------------------------------------------------

_COLUMNS = ("given_name", "family_name", "patronymic", "full_name", "sex", "age",
            "birth_place", "last_known_place", "group_id")  # fmt: skip


def _date_parts(text: object) -> tuple[int | None, int | None, int | None]:
    if not isinstance(text, str) or not text.strip():
        return None, None, None
    try:
        d = parse_partial_date(text, column="birth_date")
    except DateProblem:
        return None, None, None
    return d.year, d.month, d.day


def second_records(children: int, seed: int, profile: str) -> pd.DataFrame:
    """The second generator's rows (streamed) as the feature table's input columns, with
    `truth` (the child's id) and each source's declared kind."""
    bench = str(Path(__file__).resolve().parent)
    if bench not in sys.path:
        sys.path.insert(0, bench)
    from generators.second import iter_records, sources_for  # type: ignore[import-not-found]

    kinds = {s.name: s.kind for s in sources_for(profile)}
    declared = profile != "unknown_kinds"
    out: dict[str, list[Any]] = defaultdict(list)
    for source, raw, child in iter_records(children, seed, profile=profile):
        row = {str(k).strip().lower().replace(" ", "_").replace("-", "_"): v
               for k, v in raw.items()}  # fmt: skip
        year, month, day = _date_parts(row.get("birth_date"))
        observed = _date_parts(row.get("observed_on"))
        out["uid"].append(len(out["uid"]) + 1)
        out["source"].append(source)
        out["record_id"].append(str(row["record_id"]))
        out["source_kind"].append(kinds[source] if declared else "unknown")
        for column in _COLUMNS:
            value = row.get(column)
            out[column].append(value if value not in ("", None) else None)
        out["birth_year"].append(year)
        out["birth_month"].append(month)
        out["birth_day"].append(day)
        out["observed_on"].append(
            f"{observed[0]:04d}-{observed[1] or 1:02d}-{observed[2] or 1:02d}"
            if observed[0]
            else None
        )
        out["truth"].append(child)
    return pd.DataFrame(out)


def cached_records(args: argparse.Namespace) -> pd.DataFrame:
    """Generate in a child process (its memory is not the link's) and read the cached table."""
    path = Path(args.cache_dir) / f"second-{args.profile}-{args.children}-{args.seed}.pkl"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, __file__, "--generate-only", str(path),
                        "--profile", args.profile, "--children", str(args.children),
                        "--seed", str(args.seed)], check=True)  # fmt: skip
    return pd.read_pickle(path)


def share_report(features: pd.DataFrame, records: pd.DataFrame) -> None:
    """The shares the issue asks of a dense list, measured on the feature table."""
    n = len(features)

    def top(column: str) -> str:
        counts = features[column].dropna().value_counts()
        return f"{counts.iloc[0] / n:.2%}" if len(counts) else "-"

    surnames = features["family_stem"].dropna().nunique()
    grouped = records["group_id"].notna().mean()
    kinds = Counter(features["source_kind"].astype(str))
    print(f"  top surname stem {top('family_stem')} of records (target ~1%), "
          f"top first-name class {top('given_class')} (target ~5%); {surnames:,} surname stems; "
          f"{grouped:.1%} of records in a listed group; kinds: "
          + ", ".join(f"{k} {v:,}" for k, v in sorted(kinds.items())))  # fmt: skip


def blocking_recall(spec: ModelSpec, features: pd.DataFrame, plan: BlockPlan, truth: Any) -> str:
    """The share of true pairs (same child) that some rule pairs, with the cap and without."""
    keyed = plan.apply(features).reset_index(drop=True)
    keyed = keyed.assign(truth=truth)
    sizes = keyed.groupby("truth")["uid"].transform("size")
    multi = keyed[sizes > 1]
    pairs = multi.merge(multi, on="truth", suffixes=("_l", "_r"))
    pairs = pairs[pairs["uid_l"] < pairs["uid_r"]]

    adoption = pairs["source_kind_l"].eq("adoption") | pairs["source_kind_r"].eq("adoption")

    def share(rules: tuple[Any, ...]) -> str:
        # each rule as its SQL pairs (conditions included: kintrace.linkage.blocking)
        reached = pd.Series(False, index=pairs.index)
        for rule in rules:
            reached |= pairs_blocked(rule, pairs)
        if not len(pairs):
            return "1.0000"
        return f"{reached.mean():.4f} (adoption pairs {reached[adoption].mean():.4f})"

    uncapped = spec.blocking_for(len(features))
    return (f"blocking recall {share(plan.rules)} with the cap, "
            f"{share(uncapped)} without ({len(pairs):,} true pairs)")  # fmt: skip


def rule_report(plan: BlockPlan) -> None:
    """The comparisons each rule makes (before overlaps are removed)."""
    for name, count in plan.pairs.items():
        print(f"    {count:>13,}  {name}")


def distinct_comparisons(plan: BlockPlan, features: pd.DataFrame) -> list[tuple[str, int]]:
    """Per rule, the pairs it adds to the rules before it (as Splink removes overlaps: each
    rule's SQL, without the pairs an earlier rule makes), counted in DuckDB, nothing scored."""
    import duckdb

    keep = list(dict.fromkeys(["uid", *(c for r in plan.rules for c in r.reads)]))
    connection = duckdb.connect(config={"memory_limit": "4GB", "threads": 2})
    try:
        connection.register("f", plan.apply(features)[keep])
        out, before = [], []
        for rule in plan.rules:
            exclude = "".join(f" AND NOT coalesce(({sql}), false)" for sql in before)
            query = f"SELECT count(*) FROM f l JOIN f r ON {rule.sql} WHERE l.uid < r.uid{exclude}"
            (count,) = connection.execute(query).fetchone()  # type: ignore[misc]
            out.append((rule.name, int(count)))
            before.append(rule.sql)
        return out
    finally:
        connection.close()


def count_only(spec: ModelSpec, features: pd.DataFrame, plan: BlockPlan, truth: Any) -> None:
    """The comparisons a run would make, counted without scoring: per rule (block sizes), and
    the distinct pairs after overlaps are removed (DuckDB)."""
    print(f"  comparisons by the rules (before overlaps are removed) "
          f"{plan.comparisons_upper:,}; block cap {plan.cap:,} records:")  # fmt: skip
    rule_report(plan)
    print("  " + blocking_recall(spec, features, plan, truth))
    c0, t0 = cpu_seconds(), time.perf_counter()
    added = distinct_comparisons(plan, features)
    print(f"  distinct comparisons (overlaps removed, counted in DuckDB) "
          f"{sum(n for _, n in added):,} ({time.perf_counter() - t0:.0f} s wall, "
          f"{cpu_seconds() - c0:.0f} s CPU); each rule adds:")  # fmt: skip
    for name, count in added:
        print(f"    {count:>13,}  {name}")


def peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def cpu_seconds() -> float:
    """CPU time of this process (DuckDB's threads included): on a shared machine the wall time
    depends on the neighbours' load, this does not."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class GcClock:
    """The CPU seconds the cyclic garbage collector takes while installed (`gc.callbacks`), and
    its collections: how much of a step is the collector walking what the process holds."""

    def __init__(self) -> None:
        self.seconds, self.collections, self.full, self._start = 0.0, 0, 0, 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.process_time()
            return
        self.seconds += time.process_time() - self._start
        self.collections += 1
        self.full += info.get("generation") == 2

    def __enter__(self) -> GcClock:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *_exc: object) -> None:
        gc.callbacks.remove(self)


def f1_of(person: dict[int, str], truth: dict[int, int]) -> tuple[float, float, float]:
    by_truth: dict[int, list[int]] = defaultdict(list)
    by_person: dict[str, list[int]] = defaultdict(list)
    for uid, t in truth.items():
        by_truth[t].append(uid)
        by_person[person[uid]].append(uid)
    true_pairs = sum(len(v) * (len(v) - 1) // 2 for v in by_truth.values())
    tp = fp = 0
    for members in by_person.values():
        if len(members) > 200:  # a runaway cluster would be a finding in itself
            print(f"  warning: a person with {len(members)} records")
        for a, b in combinations(members, 2):
            tp += truth[a] == truth[b]
            fp += truth[a] != truth[b]
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / true_pairs if true_pairs else 0.0
    return precision, recall, 2 * precision * recall / (precision + recall) if tp else 0.0


def save_inputs(directory: Path, **frames: pd.DataFrame) -> None:
    """`--save-decide-inputs`: each frame as DIR/NAME.parquet (read back with
    `pd.read_parquet`; `decide(pairs, features, spec)` on them is the full run's call)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        frame.to_parquet(directory / f"{name}.parquet", index=False)
    print(f"  decide() inputs written to {directory}: {', '.join(frames)} (not timed)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000, help="records (sparse mode)")
    parser.add_argument("--new", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--memory-limit", default="6GB", help="DuckDB's memory limit")
    parser.add_argument(
        "--temp-dir",
        default=None,
        help="where DuckDB spills above its limit (default: CACHE_DIR/duckdb)",
    )
    parser.add_argument("--chunks", type=int, default=None)
    parser.add_argument(
        "--splink-blocking",
        action="store_true",
        help="make the candidate pairs with Splink's own blocking instead of "
        "blocking.pairs_sql (decision 0343), to compare the two at full size",
    )
    parser.add_argument("--dense", action="store_true", help="the second generator's lists")
    parser.add_argument("--profile", default="dense", help="the second generator's profile")
    parser.add_argument("--children", type=int, default=440_000, help="children (--dense)")
    parser.add_argument("--cache-dir", default="/tmp/kintrace-scale-bench")
    parser.add_argument("--block-cap", type=int, default=DEFAULT_BLOCK_CAP)
    parser.add_argument(
        "--count-only",
        action="store_true",
        help="count the comparisons (per rule and distinct) and the blocking recall; no scoring",
    )
    parser.add_argument(
        "--save-decide-inputs",
        default=None,
        metavar="DIR",
        help="write decide()'s inputs as Parquet to DIR (full run: pairs, features; incremental "
        "run: fresh_pairs, new_features, previous, kept_links), so decide() can be re-run alone",
    )
    parser.add_argument("--generate-only", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate_only:
        second_records(args.children, args.seed, args.profile).to_pickle(args.generate_only)
        return
    start = time.perf_counter()
    dense = args.dense or args.profile != "dense"
    if dense:
        records = cached_records(args)
        cut = len(records) - args.new
        print(f"generated {len(records):,} records of {args.children:,} children (second "
              f"generator, profile {args.profile}, seed {args.seed}) in "
              f"{time.perf_counter() - start:.0f} s (not counted; a child process)")  # fmt: skip
    else:
        records = generate(args.records + args.new, args.seed)
        cut = args.records
        print(f"generated {len(records):,} records in {time.perf_counter() - start:.0f} s "
              "(not counted)")  # fmt: skip
    old, new = records.iloc[:cut], records.iloc[cut:]
    spec = kintrace_spec()
    spill = Path(args.temp_dir or Path(args.cache_dir) / "duckdb")
    config = EngineConfig(memory_limit=args.memory_limit, temp_dir=spill)
    engine = open_engine(config)
    try:
        t0, c0 = time.perf_counter(), cpu_seconds()
        features = feature_table(old)
        if dense:
            share_report(features, old)
        t1 = time.perf_counter()
        blocks = plan_blocking(spec, features, cap=args.block_cap)
        for warning in blocks.warnings():
            print(f"  {warning}")
        if args.count_only:
            print(f"{len(features):,} records, features {t1 - t0:.0f} s")
            count_only(spec, features, blocks, old["truth"].to_numpy())
            return
        model = train(spec, features, engine=engine)
        t2 = time.perf_counter()
        chunks = chunks_for(len(features), args.chunks)
        pairs = predict(spec, model, features, engine=engine, blocks=blocks,
                        floor=spec.thresholds.candidate_floor, chunks=chunks,
                        candidates_only=True, splink_blocking=args.splink_blocking)  # fmt: skip
        pairs = candidates(spec, pairs)
        # as `kintrace link`: the database is closed before deciding (its buffers freed)
        engine.close()
        t3 = time.perf_counter()
        rss_scored = peak_gib()
        save = Path(args.save_decide_inputs) if args.save_decide_inputs else None
        if save is not None:  # not timed: the clock and CPU time are moved past the writing
            s0, sc0 = time.perf_counter(), cpu_seconds()
            save_inputs(save, pairs=pairs, features=features)
            spent, spent_cpu = time.perf_counter() - s0, cpu_seconds() - sc0
            t0, t1, t2, t3, c0 = t0 + spent, t1 + spent, t2 + spent, t3 + spent, c0 + spent_cpu

        def links(frame: pd.DataFrame) -> list[Link[int]]:
            a = frame[frame["status"] == "auto"]
            return [Link(int(x), int(y), float(p)) for x, y, p in
                    zip(a["uid_l"], a["uid_r"], a["match_probability"], strict=True)]  # fmt: skip

        # the decision pipeline, as the service runs it (adoption offers included where a
        # source's kind is adoption: --dense)
        decided = decide(pairs, features, spec)
        scored, persons = decided.pairs, decided.person_of
        auto = scored[scored["status"] == "auto"]
        offered = scored[scored["rule"].astype(str).str.contains("offers")] if (
            "rule" in scored) else scored.iloc[:0]  # fmt: skip
        t4, c4, rss_decided = time.perf_counter(), cpu_seconds(), peak_gib()
        how = "Splink's blocking" if args.splink_blocking else "blocking.pairs_sql"
        print(
            f"\nfull dedupe of {len(features):,} records ({chunks}x{chunks} predict chunks, "
            f"candidate pairs by {how}):"
        )
        print(
            f"  features {t1 - t0:.0f} s, training {t2 - t1:.0f} s, scoring {t3 - t2:.0f} s "
            f"({len(pairs):,} pairs at or above the floor), decide + clustering {t4 - t3:.0f} s"
        )
        # the link's own time and memory, before the bench's checks against the truth
        print(
            f"  total {t4 - t0:.0f} s wall, {c4 - c0:.0f} s CPU (2 cores); "
            f"peak memory {rss_decided:.2f} GiB (after scoring {rss_scored:.2f}); "
            f"auto pairs {len(auto):,}; adoption offers {len(offered):,}"
        )
        print(f"  comparisons by the rules (before overlaps are removed) "
              f"{blocks.comparisons_upper:,}; block cap {blocks.cap:,} records; "
              + blocking_recall(spec, features, blocks, old["truth"].to_numpy()))  # fmt: skip
        rule_report(blocks)
        truth = dict(zip(old["uid"], old["truth"], strict=True))
        p, r, f1 = f1_of(persons, truth)  # type: ignore[arg-type]
        print(f"  after clustering: precision {p:.4f} recall {r:.4f} F1 {f1:.4f}")
        if not len(new):
            return
        # what an incremental run starts from, as `kintrace link` reads it from the store in a
        # process of its own: the records, the persons and the stored auto links; the full run's
        # scored pairs are let go first, so that the peak printed below is not the full run's
        # frames and the incremental run's together
        stored = auto[["uid_l", "uid_r", "status", "match_probability"]].copy()
        del pairs, decided, scored, auto, offered
        gc.collect()
        collector = GcClock().__enter__()
        t5, c5 = time.perf_counter(), cpu_seconds()
        new_features = feature_table(new)
        t_featurised = time.perf_counter()
        floor = spec.thresholds.candidate_floor
        engine = open_engine(config)
        fresh = predict_incremental(spec, model, existing=features, new=new_features,
                                    engine=engine, floor=floor,
                                    block_cap=args.block_cap)  # fmt: skip
        fresh = candidates(spec, fresh)
        t6, c6 = time.perf_counter(), cpu_seconds()
        everything = pd.concat([features, new_features], ignore_index=True)
        if save is not None:
            kept = links(stored)
            save_inputs(
                save,
                fresh_pairs=fresh,
                new_features=new_features,
                previous=pd.DataFrame({"uid": list(persons), "person": list(persons.values())}),
                kept_links=pd.DataFrame({
                    "left": [k.left for k in kept], "right": [k.right for k in kept],
                    "probability": [k.probability for k in kept]}),
            )  # fmt: skip
            spent, spent_cpu = time.perf_counter() - t6, cpu_seconds() - c6
            t5, t6, c5 = t5 + spent, t6 + spent, c5 + spent_cpu
            t_featurised += spent
        kept_links = links(stored)
        t_links, c_links = time.perf_counter(), cpu_seconds()
        decide(fresh, everything, spec, previous=persons, kept_links=kept_links,
               touched=set(new_features["uid"].astype(int)))  # as an incremental run  # fmt: skip
        t7, c7 = time.perf_counter(), cpu_seconds()
        collector.__exit__()
        print(f"\nincremental: {len(new):,} new records against {len(features):,}: "
              f"scoring {t6 - t5:.1f} s ({len(fresh):,} pairs), re-clustering {t7 - t6:.1f} s, "
              f"total {t7 - t5:.1f} s wall, {c7 - c5:.1f} s CPU; "
              f"peak memory {peak_gib():.2f} GiB")  # fmt: skip
        # where the time goes (issue 10): the parts, and the collector's share of them
        print(f"  features of the new records {t_featurised - t5:.1f} s, predict_incremental "
              f"{t6 - t_featurised:.1f} s ({c6 - c5:.1f} s CPU with the features); stored auto "
              f"links made Links {t_links - t6:.1f} s; decide() {t7 - t_links:.1f} s wall, "
              f"{c7 - c_links:.1f} s CPU; garbage collector {collector.seconds:.1f} s CPU in "
              f"{collector.collections:,} collections ({collector.full} full)")  # fmt: skip
    finally:
        engine.close()


if __name__ == "__main__":
    main()
