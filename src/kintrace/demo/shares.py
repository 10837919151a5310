"""Measured shares of a generated dataset: the figures docs/demo-data.md quotes.

python -m kintrace.demo.shares --children 20000 --seed 7
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from dataclasses import dataclass

from kintrace.demo.dataset import DemoDataset, generate


@dataclass(frozen=True)
class Shares:
    children: int
    records: int
    rows: dict[str, int]
    coverage: dict[str, float]  # share of children with a record in the list
    tags: dict[str, dict[str, float]]  # list -> tag -> share of its rows
    with_siblings: float
    twins: float
    lookalikes: float
    lists_per_child: dict[int, float]  # the two camp lists counted as one


def measure(dataset: DemoDataset) -> Shares:
    n = len(dataset.children)
    covered: dict[str, set[str]] = defaultdict(set)
    rows: Counter[str] = Counter()
    tags: dict[str, Counter[str]] = defaultdict(Counter)
    lists: dict[str, set[str]] = defaultdict(set)
    for t in dataset.truth:
        covered[t.source].add(t.child_id)
        rows[t.source] += 1
        tags[t.source].update(t.tags)
        lists[t.child_id].add(t.source.removesuffix("_a").removesuffix("_b"))
    sizes = Counter(c.family_id for c in dataset.children)
    per_child = Counter(len(v) for v in lists.values())
    return Shares(
        children=n,
        records=len(dataset.truth),
        rows=dict(rows),
        coverage={s: len(c) / n for s, c in covered.items()},
        tags={s: {tag: k / rows[s] for tag, k in sorted(c.items())} for s, c in tags.items()},
        with_siblings=sum(1 for c in dataset.children if sizes[c.family_id] > 1) / n,
        twins=sum(c.twin for c in dataset.children) / n,
        lookalikes=sum(bool(c.similar_to) for c in dataset.children) / n,
        lists_per_child={k: v / n for k, v in sorted(per_child.items())},
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--children", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    shares = measure(generate(children=args.children, seed=args.seed))
    print(f"{shares.children:,} children, {shares.records:,} records (synthetic, seed {args.seed})")
    for source, count in shares.rows.items():
        print(f"{source}: {count:,} rows, {shares.coverage[source]:.1%} of children")
        print("   " + ", ".join(f"{tag} {v:.1%}" for tag, v in shares.tags[source].items()))
    print(
        f"with siblings {shares.with_siblings:.1%}, twins {shares.twins:.1%}, "
        f"look-alikes {shares.lookalikes:.1%}"
    )
    per_child = shares.lists_per_child.items()
    print("lists per child: " + ", ".join(f"{k}: {v:.1%}" for k, v in per_child))


if __name__ == "__main__":
    main()
