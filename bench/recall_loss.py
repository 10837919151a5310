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
The pairs lost are what F1's recall misses (a child split 2 + 2 loses 4 pairs).

Then **identifiability** (decision 0336): could any honest decider link an adoption-listing
record to its child from the fields the records carry? For each adoption record whose child has
records elsewhere, every child with a record of another kind (in the whole registry, blocked or
not) is weighed against it: *consistent* when nothing the listing is known to keep rules it out
(the same first-name class — the same spelling when the tables do not know the name —, sex not
disagreeing, a full birth date the same, weeks apart or a year apart give or take weeks, as the
listing moves dates, else birth years within a year of each other), and ranked by how closely
it fits (date the same > weeks apart > a year apart or only a year; +1 each for the same
birthplace and the same father's name, which a listing often replaces). The record is
  - `unique`: its own child fits best, alone: a decider can link it;
  - `tie`: another child fits exactly as well: nothing in the fields chooses between them;
  - `outranked`: another child fits better: the fields point at the wrong child;
  - `inconsistent`: its own child does not fit at all (another first name, a date moved
    further): only a reviewer with more than these fields can link it.
It prints the lost true pairs by that category, and the F1 a perfect decider could reach on the
same lists: every pair right (precision 1) except the pairs of adoption records it cannot
identify (all but `unique`), and, as an upper bound, also guessing every tie right. It prints
counts only: no name, date or place of any record.

    nice .venv/bin/python bench/recall_loss.py --generator second --children 5000 --seed 7
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from collections.abc import Hashable
from itertools import combinations
from typing import Any

import pandas as pd
from linkage_bench import GENERATORS, decided_figures, score

from kintrace.linkage.decide.holds import MOVED_BY_A_YEAR, MOVED_BY_WEEKS, known_class
from kintrace.linkage.spec import ModelSpec, kintrace_spec


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


def _present(value: object) -> bool:
    return value is not None and not pd.isna(value)


def _name(row: dict[str, Any]) -> object:
    """The first name as the tables know it (its class), else its spelling."""
    return row["given_class"] if known_class(row["given_class"]) else row["given_key"]


def fit(listed: dict[str, Any], other: dict[str, Any]) -> int | None:
    """How closely `other` fits the adoption-listing record `listed` (None: it cannot be that
    child). Only fields the listing is known to keep can rule a child out."""
    if not _present(_name(listed)) or _name(listed) != _name(other):
        return None
    if _present(listed["sex"]) and _present(other["sex"]) and listed["sex"] != other["sex"]:
        return None
    if _present(listed["birth_days"]) and _present(other["birth_days"]):
        apart = abs(int(listed["birth_days"]) - int(other["birth_days"]))
        if apart == 0:
            score = 3
        elif apart <= MOVED_BY_WEEKS:
            score = 2
        elif abs(apart - MOVED_BY_A_YEAR) <= MOVED_BY_WEEKS:
            score = 1
        else:
            return None
    else:
        ends = ("birth_year_min", "birth_year_max")
        if all(_present(listed[e]) and _present(other[e]) for e in ends):
            low, high = int(listed[ends[0]]) - 1, int(listed[ends[1]]) + 1
            if int(other[ends[1]]) < low or int(other[ends[0]]) > high:
                return None
        score = 1
    for column in ("birth_place_key", "patronymic_class"):
        if _present(listed[column]) and listed[column] == other[column]:
            score += 1
    return score


def identifiability(
    features: pd.DataFrame, child: dict[int, str], spec: ModelSpec
) -> tuple[dict[int, str], Counter[str]]:
    """Each adoption-listing record's category (module docstring), by uid, for the records
    whose child has a record of another kind; and what a rule that links each such record to
    the child fitting it strictly best would do (`right` / `wrong` links, `none` when no child
    fits strictly best), read without the truth."""
    renaming = {str(k) for k in spec.kinds.renaming}
    rows = features.to_dict("records")
    listed = [r for r in rows if str(r["source_kind"]) in renaming]
    by_name: dict[object, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        if str(r["source_kind"]) not in renaming and _present(_name(r)):
            by_name[_name(r)].append(r)
    has_other: set[str] = {
        child[int(r["uid"])] for r in rows if str(r["source_kind"]) not in renaming
    }
    out: dict[int, str] = {}
    rule: Counter[str] = Counter()
    for a in listed:
        own = child[int(a["uid"])]
        if own not in has_other:
            continue
        best: dict[Hashable, int] = {}
        for r in by_name.get(_name(a), []) if _present(_name(a)) else []:
            score = fit(a, r)
            if score is not None:
                c = child[int(r["uid"])]
                best[c] = max(best.get(c, 0), score)
        top = max(best.values(), default=None)
        leaders = [c for c, v in best.items() if v == top]
        rule["none" if len(leaders) != 1 else "right" if leaders[0] == own else "wrong"] += 1
        mine = best.pop(own, None)
        rival = max(best.values(), default=None)
        if mine is None:
            out[int(a["uid"])] = "inconsistent"
        elif rival is None or rival < mine:
            out[int(a["uid"])] = "unique"
        elif rival == mine:
            out[int(a["uid"])] = "tie"
        else:
            out[int(a["uid"])] = "outranked"
    return out, rule


def perfect_f1(by_child: dict[str, list[int]], unlinkable: set[int]) -> tuple[float, float]:
    """Recall and F1 of a decider that links every true pair except those of `unlinkable`
    records (each left alone), and links nothing wrong."""
    total = sum(len(u) * (len(u) - 1) // 2 for u in by_child.values())
    kept = 0
    for uids in by_child.values():
        n = sum(1 for u in uids if u not in unlinkable)
        kept += n * (n - 1) // 2
    recall = kept / total if total else 0.0
    return recall, (2 * recall / (1 + recall) if recall else 0.0)


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
    short_of: dict[tuple[int, int], str] = {}
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
            short_of[key] = short
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
    report_identifiability(scored, short_of, spec)


def report_identifiability(
    scored: Any, short_of: dict[tuple[int, int], str], spec: ModelSpec
) -> None:
    """The identifiability tables (module docstring); `short_of`: each lost true pair's
    outcome (not blocked, blocked, pending, auto)."""
    truth = scored.truth
    category, rule = identifiability(scored.features, truth.child, spec)
    records = Counter(category.values())
    print("\n-- identifiability of adoption-listing records whose child has other records --")
    for name in ("unique", "tie", "outranked", "inconsistent"):
        print(f"  {records[name]:6,}  {name}")
    lost_by: Counter[str] = Counter()
    lost_how: Counter[tuple[str, str]] = Counter()
    order = ("inconsistent", "outranked", "tie", "unique")
    for (a, b), short in short_of.items():
        cats = [category[u] for u in (a, b) if u in category]
        name = min(cats, key=order.index) if cats else "no adoption record"
        lost_by[name] += 1
        lost_how[(name, short)] += 1
    print("  lost true pairs by the category of their adoption record (the worse of two):")
    for name, n in lost_by.most_common():
        print(f"  {n:6,}  {name}")
    print("  ... and by outcome:")
    for (name, short), n in sorted(lost_how.items(), key=lambda kv: (kv[0][0], -kv[1])):
        print(f"  {n:6,}  {name:<20} {short}")
    cannot = {u for u, c in category.items() if c != "unique"}
    recall, f1 = perfect_f1(truth.by_child, cannot)
    print(f"  a perfect decider on these lists (every other pair right, precision 1): "
          f"recall {recall:.4f}, F1 {f1:.4f}")  # fmt: skip
    lucky = {u for u, c in category.items() if c in ("outranked", "inconsistent")}
    recall, f1 = perfect_f1(truth.by_child, lucky)
    print(f"  ... and guessing every tie right: recall {recall:.4f}, F1 {f1:.4f}")
    links = rule["right"] + rule["wrong"]
    print(f"  a rule linking each such record to the child that fits it strictly best: "
          f"{links:,} links, {rule['right']:,} right ({rule['right'] / max(links, 1):.3f}), "
          f"{rule['none']:,} records with no single best")  # fmt: skip


if __name__ == "__main__":
    main()
