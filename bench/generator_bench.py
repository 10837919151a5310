"""How fast the second test generator makes lists, in memory and streamed to disk.

The linkage scale bench runs on ~1,000,000 dense records from bench/generators/second; this
prints what making them costs: rows, wall and CPU seconds, rows per second and peak memory
(max RSS of this process), for `generate` (all rows in memory, as the benches use it) and
`write_stream` (straight to files, flat memory). Each mode runs in its own child process so that
the peak RSS of one does not hide the other's. All data is SYNTHETIC.

    nice .venv/bin/python bench/generator_bench.py --children 430000 --profile dense
    .venv/bin/python bench/generator_bench.py --quick
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from generators.second import generate, write_stream  # noqa: E402
from generators.second.population import Overrides, make_family  # noqa: E402
from generators.second.tables import load  # noqa: E402


def population_stats(children: int, seed: int) -> None:
    """The name frequencies of the children themselves (before any list's noise)."""
    import random
    from collections import Counter

    rng, tables = random.Random(seed), load()
    boys: Counter[str] = Counter()
    girls: Counter[str] = Counter()
    surnames: Counter[str] = Counter()
    made = families = with_siblings = twins = 0
    while made < children:
        family = make_family(families, first_child=made, rng=rng, tables=tables, fixed=Overrides())
        del family.children[children - made :]
        families += 1
        made += len(family.children)
        with_siblings += len(family.children) if len(family.children) > 1 else 0
        for child in family.children:
            (boys if child.sex == "M" else girls)[child.given.uk] += 1
            surnames[child.surname.uk] += 1
            twins += child.twin
    nb, ng = sum(boys.values()), sum(girls.values())
    top_boy, top_girl, top_surname = (
        boys.most_common(1)[0],
        girls.most_common(1)[0],
        surnames.most_common(3),
    )
    print(
        f"  children {made:,} in {families:,} families; with affected siblings "
        f"{with_siblings / made:.1%}; twins {twins / made:.2%}"
    )
    print(
        f"  given names: top boy {top_boy[1] / nb:.1%}, top 10 boys "
        f"{sum(n for _, n in boys.most_common(10)) / nb:.1%}; top girl {top_girl[1] / ng:.1%}, "
        f"top 10 girls {sum(n for _, n in girls.most_common(10)) / ng:.1%}"
    )
    print(
        f"  surnames: top {top_surname[0][1] / made:.2%}, top 100 "
        f"{sum(n for _, n in surnames.most_common(100)) / made:.1%}, distinct {len(surnames):,} "
        f"({sum(1 for n in surnames.values() if n == 1):,} met once), "
        f"largest family-name block {top_surname[0][1]:,} children"
    )


def _measure(mode: str, children: int, seed: int, profile: str) -> dict[str, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    if mode == "memory":
        dataset = generate(children, seed, profile=profile)
        rows = dataset.record_count
        per_kind: dict[str, int] = {}
        for source in dataset.sources:
            per_kind[source.kind] = per_kind.get(source.kind, 0) + len(dataset.records[source.name])
    else:
        with tempfile.TemporaryDirectory(prefix="second-generator-") as folder:
            summary = write_stream(children, seed, folder, profile=profile)
            size = sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())
        rows = sum(summary["rows"].values())  # type: ignore[union-attr]
        per_kind = {"bytes on disk": size}
    return {
        "mode": mode,
        "rows": rows,
        "wall_s": round(time.perf_counter() - wall, 1),
        "cpu_s": round(time.process_time() - cpu, 1),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "detail": per_kind,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--children", type=int, default=430_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", default="dense")
    parser.add_argument("--quick", action="store_true", help="20,000 children")
    parser.add_argument("--stats", action="store_true", help="also print the name frequencies")
    parser.add_argument("--mode", choices=("memory", "stream"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    children = 20_000 if args.quick else args.children
    if args.mode:
        print(json.dumps(_measure(args.mode, children, args.seed, args.profile)))
        return
    print(f"second generator: {children:,} children, profile {args.profile}, seed {args.seed}")
    if args.stats:
        population_stats(children, args.seed)
    for mode in ("memory", "stream"):
        command = [sys.executable, __file__, "--mode", mode, "--children", str(children),
                   "--seed", str(args.seed), "--profile", args.profile]  # fmt: skip
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        rate = r["rows"] / max(r["wall_s"], 0.1)
        print(
            f"  {mode:6s}: {r['rows']:,} rows in {r['wall_s']} s wall ({r['cpu_s']} s CPU, "
            f"{rate:,.0f} rows/s), peak RSS {r['peak_rss_mib']:,} MiB; {r['detail']}"
        )


if __name__ == "__main__":
    main()
