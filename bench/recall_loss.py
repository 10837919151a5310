"""Where pairwise recall is lost, by category: which true pairs end in two persons, and why.

Scores one generated registry as `bench/linkage_bench.py` does (the same `score()` and
`decide()`), then takes every true pair (two records of one child) whose records end in
different persons and counts it by
  - its outcome: not blocked (no blocking rule pairs it), blocked but below the review floor
    (and not offered), pending (with the rule that set it), or auto but split by clustering;
  - the source kinds of its two records;
  - which fields differ: the given-name class, the surname stem, the birth date (same day,
    shifted by up to 62 days, by up to a year and a half, more, or not a full date on one
    side), the sex, the birthplace; a name order swap (one record's given name is the other's
    surname); a record without `group_id`.
The pairs lost are what F1's recall misses (a child split 2 + 2 loses 4 pairs). It prints
counts only: no name, date or place of any record.

    nice .venv/bin/python bench/recall_loss.py --generator second --children 5000 --seed 7
"""

from __future__ import annotations

import argparse
from collections import Counter
from itertools import combinations

import pandas as pd
from linkage_bench import GENERATORS, decided_figures, score

from kintrace.linkage.spec import kintrace_spec


def _days_bucket(a: object, b: object) -> str:
    if pd.isna(a) or pd.isna(b):
        return "date:not-full"
    d = abs(int(a) - int(b))
    if d == 0:
        return "date:same"
    if d <= 62:
        return "date:<=62d"
    if d <= 550:
        return "date:<=1.5y"
    return "date:>1.5y"


def _same(a: object, b: object, what: str) -> str:
    if a is None or b is None or pd.isna(a) or pd.isna(b):
        return f"{what}:missing"
    return f"{what}:same" if a == b else f"{what}:differs"


def _swapped(fa: pd.Series, fb: pd.Series) -> bool:
    """One record's given-name key is the other's surname key (or its stem)."""
    for x, y in ((fa, fb), (fb, fa)):
        g, f, s = x["given_key"], y["family_key"], y["family_stem"]
        if isinstance(g, str) and g and g in (f, s):
            return True
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--generator", default="second", choices=GENERATORS)
    parser.add_argument("--children", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--top", type=int, default=25, help="rows of each table")
    args = parser.parse_args()
    spec = kintrace_spec()
    scored = score(args.generator, args.children, args.seed, spec=spec)
    figs, decided = decided_figures(scored.truth, scored.pairs, scored.features, spec)
    print(f"F1 {figs['f1']:.4f} recall {figs['recall']:.4f} camp {figs['camp_located']:.4f} "
          f"adoption offered {figs['adoption_offered']:.4f}")  # fmt: skip
    truth, person_of = scored.truth, decided.person_of
    feats = scored.features.set_index("uid")
    has_group = dict(zip(scored.records["uid"], scored.records["group_id"].notna(), strict=True))
    scored_pairs, stored = scored.pairs, decided.pairs
    blocked = {
        (min(a, b), max(a, b)): float(p)
        for a, b, p in zip(
            scored_pairs["uid_l"],
            scored_pairs["uid_r"],
            scored_pairs["match_probability"],
            strict=True,
        )
    }
    status = {
        (min(a, b), max(a, b)): (s, r)
        for a, b, s, r in zip(
            stored["uid_l"], stored["uid_r"], stored["status"], stored["rule"], strict=True
        )
    }
    outcome: Counter[str] = Counter()
    by_kinds: Counter[tuple[str, str]] = Counter()
    by_fields: Counter[tuple[str, str]] = Counter()
    combos: Counter[tuple[str, str]] = Counter()
    lost = 0
    for uids in truth.by_child.values():
        for a, b in combinations(sorted(uids), 2):
            if person_of[a] == person_of[b]:
                continue
            lost += 1
            key = (a, b)
            if key not in blocked:
                out = "not blocked"
            elif key in status:
                s, r = status[key]
                out = f"{s} ({r})" if s == "pending" else "auto, split by clustering"
            else:
                p = blocked[key]
                out = "blocked, below floor " + ("p<0.001" if p < 0.001 else
                                                 "p<0.1" if p < 0.1 else "p<0.5")  # fmt: skip
            short = out.split(" (")[0].split(",")[0]
            outcome[out] += 1
            fa, fb = feats.loc[a], feats.loc[b]
            kinds = "+".join(sorted((str(fa["source_kind"]), str(fb["source_kind"]))))
            by_kinds[(kinds, short)] += 1
            fields = [
                _same(fa["given_class"], fb["given_class"], "given"),
                _same(fa["family_stem"], fb["family_stem"], "surname"),
                _days_bucket(fa["birth_days"], fb["birth_days"]),
                _same(fa["sex"], fb["sex"], "sex"),
                _same(fa["birth_place_key"], fb["birth_place_key"], "place"),
            ]
            if _swapped(fa, fb):
                fields.append("name order swapped")
            if not (has_group[a] and has_group[b]):
                fields.append("group_id missing on a side")
            for f in fields:
                by_fields[(f, short)] += 1
            combos[(kinds, " ".join(fields[:3]) + f" [{short}]")] += 1
    total = truth.true_pairs
    print(f"\ntrue pairs {total:,}; in different persons {lost:,} ({lost / total:.4f})")
    print("\n-- by outcome --")
    for k, n in outcome.most_common():
        print(f"  {n:6,}  {n / total:.4f}  {k}")
    print("\n-- by source kinds and outcome --")
    for (k, o), n in by_kinds.most_common(args.top):
        print(f"  {n:6,}  {k:<22} {o}")
    print("\n-- by field and outcome (a pair counts under each of its fields) --")
    for (f, o), n in sorted(by_fields.items(), key=lambda kv: (kv[0][0], -kv[1])):
        print(f"  {n:6,}  {f:<28} {o}")
    print("\n-- most common combinations (kinds; given, surname, date [outcome]) --")
    for (k, c), n in combos.most_common(args.top):
        print(f"  {n:6,}  {k:<22} {c}")


if __name__ == "__main__":
    main()
