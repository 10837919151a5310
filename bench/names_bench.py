"""Benchmark of kintrace.names: quality on the labelled pairs and speed.

    .venv/bin/python bench/names_bench.py [--pairs tests/data/name_pairs.csv] [--records 50000]

Prints precision, recall and specificity per category of the labelled file, then the speed of
`record_name_features` (cold cache: distinct synthetic names; warm: repeated names), of the keys
of full names, and of `compare`, each on one core, next to a plain peer (lower-casing the same
strings) measured in the same run.  The figures are printed, not asserted: the quality thresholds
are asserted by tests/unit/names/test_labelled_pairs.py.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from kintrace.names import NameParts, compare, name_key, record_name_features, split_full_name

ROOT = Path(__file__).resolve().parents[1]


def read_pairs(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    return list(csv.DictReader(lines))


def quality(rows: list[dict[str, str]]) -> dict[str, dict[str, float]]:
    """Per category (and "ALL"): tp, fp, fn, tn, precision, recall, specificity."""
    counts: dict[str, dict[str, float]] = defaultdict(
        lambda: dict.fromkeys(("tp", "fp", "fn", "tn"), 0)
    )
    for row in rows:
        predicted = compare(row["name_a"], row["name_b"]).is_match
        actual = row["label"] == "1"
        cell = ("tp" if actual else "fp") if predicted else ("fn" if actual else "tn")
        for cat in (row["category"], "ALL"):
            counts[cat][cell] += 1
    for c in counts.values():
        c["precision"] = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else float("nan")
        c["recall"] = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else float("nan")
        c["specificity"] = c["tn"] / (c["tn"] + c["fp"]) if c["tn"] + c["fp"] else float("nan")
    return dict(counts)


_GIVEN = [
    "Олександр",
    "Марія",
    "Іван",
    "Ганна",
    "Дмитро",
    "Софія",
    "Андрій",
    "Юлія",
    "Максим",
    "Анна",
    "Алексей",
    "Наталья",
    "Sasha",
    "Oleksandr",
    "Mariia",
    "Petro",
    "Женя",
    "Kateryna",
]
_FAMILY_ROOTS = [
    "Коваль",
    "Шевч",
    "Бонд",
    "Ткач",
    "Мельн",
    "Крав",
    "Олійн",
    "Лис",
    "Петр",
    "Сидор",
    "Гончар",
    "Kovalch",
    "Shevch",
    "Bondar",
    "Tkach",
    "Melnych",
    "Rud",
    "Mar",
    "Pavl",
]
_ENDS = ["енко", "ук", "ар", "ович", "ченко", "ишин", "ець", "ко", "enko", "uk", "yshyn", "ets"]
_PATRO = ["Петрович", "Іванівна", "Олександрович", "Андріївна", "", "", "Сергеевич", "Николаевна"]


def synthetic_names(n: int, seed: int = 7) -> list[tuple[str, str, str]]:
    """n (given, family, patronymic) triples, mostly distinct surnames (synthetic)."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        family = rng.choice(_FAMILY_ROOTS) + rng.choice(_ENDS)
        family += "".join(rng.choice("абвгдеклмнор") for _ in range(rng.randint(0, 3)))
        out.append((rng.choice(_GIVEN), family, rng.choice(_PATRO)))
    return out


def demo_check(children: int, seed: int = 11) -> None:
    """Quality on the demo generator's lists (issue 2): an independent check, since that
    generator keeps its own name tables and never imports kintrace.names."""
    from kintrace.demo import generate

    dataset = generate(children=children, seed=seed)
    truth = {(t.source, t.record_id): t for t in dataset.truth}
    by_child: dict[str, list[tuple[Any, Any]]] = defaultdict(list)
    by_family: dict[str, list[tuple[Any, Any]]] = defaultdict(list)
    for source, rows in dataset.records.items():
        for row in rows:
            t = truth[(source, str(row["record_id"]))]
            parts = NameParts(*(str(row.get(c) or "") for c in ("given_name", "family_name",
                                                                 "patronymic")))  # fmt: skip
            name = parts if any(parts) else str(row.get("full_name") or "")
            by_child[t.child_id].append((name, t))
            by_family[t.family_id].append((name, t))
    renamed = ("renamed", "name_changed", "given_name_changed")
    kept = changed = kept_hit = changed_hit = 0
    for records in by_child.values():
        for (a, ta), (b, tb) in itertools.combinations(records, 2):
            hit = compare(a, b).is_match
            if any(r in tag for tag in (*ta.tags, *tb.tags) for r in renamed):
                changed, changed_hit = changed + 1, changed_hit + hit
            else:
                kept, kept_hit = kept + 1, kept_hit + hit
    siblings = false = 0
    for records in by_family.values():
        for (a, ta), (b, tb) in itertools.combinations(records, 2):
            if ta.child_id != tb.child_id:
                siblings += 1
                false += compare(a, b).is_match
    changed_n = max(changed, 1)
    print(f"\ndemo lists ({children} children, seed {seed}; independent generator):")
    print(
        f"  recall, same child, names not changed by the source  {kept_hit / max(kept, 1):.3f}"
        f"  ({kept_hit}/{kept})"
    )
    print(
        f"  recall, same child renamed (adoption, new name)       {changed_hit / changed_n:.3f}"
        f"  ({changed_hit}/{changed}; names alone cannot find these)"
    )
    print(
        f"  false matches between siblings and twins              {false / max(siblings, 1):.4f}"
        f"  ({false}/{siblings})"
    )


def rate(label: str, work: Callable[[int], int], peer: Callable[[int], int]) -> float:
    """Best of three runs of `work(run)` (each run on its own fresh data), next to `peer(run)`.

    Timed in CPU seconds of this process (`time.process_time`), so other work on a shared
    machine slows the figures less than wall-clock time would; the peer shows the rest.
    """
    best = best_peer = 0.0
    for run in range(3):
        start = time.process_time()
        n = work(run)
        best = max(best, n / max(time.process_time() - start, 1e-9))
        start = time.process_time()
        m = peer(run)
        best_peer = max(best_peer, m / max(time.process_time() - start, 1e-9))
    print(f"{label:<50} {best:>10,.0f} /s   peer (str.lower, same strings) {best_peer:>12,.0f} /s")
    return best


def _run(items: Iterable[Any], fn: Callable[[Any], object]) -> int:
    n = 0
    for item in items:
        fn(item)
        n += 1
    return n


def _lower_all(items: Iterable[Sequence[str]]) -> int:
    n = 0
    for item in items:
        for text in item:
            text.lower()
        n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, default=ROOT / "tests" / "data" / "name_pairs.csv")
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--demo-children", type=int, default=1000, help="0 to skip")
    args = parser.parse_args(argv)

    rows = read_pairs(args.pairs)
    print(f"labelled pairs: {len(rows)} from {args.pairs}")
    print(
        f"{'category':<24}{'n':>5}{'tp':>5}{'fp':>5}{'fn':>5}{'tn':>5}"
        f"{'precision':>11}{'recall':>8}{'specif.':>9}"
    )
    for cat, c in sorted(quality(rows).items(), key=lambda kv: (kv[0] == "ALL", kv[0])):
        n = int(c["tp"] + c["fp"] + c["fn"] + c["tn"])
        print(
            f"{cat:<24}{n:>5}{int(c['tp']):>5}{int(c['fp']):>5}{int(c['fn']):>5}{int(c['tn']):>5}"
            f"{c['precision']:>11.3f}{c['recall']:>8.3f}{c['specificity']:>9.3f}"
        )
    for row in rows:
        result = compare(row["name_a"], row["name_b"])
        if result.is_match != (row["label"] == "1"):
            print(
                f"  wrong [{row['category']}] label={row['label']} score={result.score:.2f} "
                f"levels={result.levels}: {row['name_a']} / {row['name_b']} ({row['reason']})"
            )

    if args.demo_children:
        demo_check(args.demo_children)

    n = args.records
    # three disjoint sets of synthetic names: each timed run starts with a cold cache for its
    # surnames; first names repeat, as they do in real lists.
    sets = [synthetic_names(n, seed=11 + run) for run in range(3)]
    fulls = [[" ".join(x for x in t if x) for t in names] for names in sets]
    full_tuples = [[(s,) for s in f] for f in fulls]
    rng = random.Random(3)
    pair_sets = [[(rng.choice(f), rng.choice(f)) for _ in range(n)] for f in fulls]
    print(f"\nspeed, one core (CPU time), {n:,} synthetic records per run, best of 3 runs:")
    rate(
        "record_name_features (cold cache for new surnames)",
        lambda run: _run(
            sets[run],
            lambda t: record_name_features(
                given=t[0], family=t[1], patronymic=t[2], full_name=None, sex=None
            ),
        ),
        lambda run: _lower_all(sets[run]),
    )
    rate(
        "keys of full names (split_full_name + name_key)",
        lambda run: _run(fulls[run], lambda s: [name_key(p) for p in split_full_name(s)]),
        lambda run: _lower_all(full_tuples[run]),
    )
    rate(
        "compare on random pairs of those full names",
        lambda run: _run(pair_sets[run], lambda ab: compare(ab[0], ab[1])),
        lambda run: _lower_all(pair_sets[run]),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
