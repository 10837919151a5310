"""What each decision rule is worth, on two independent generators: every rule switched off in
turn.

For each generator the registry is generated, its features computed and the Kintrace model
trained and scored once; then `kintrace.linkage.decide.decide()` runs with every rule on, and
once more with each switchable rule off (`decide(off=[rule])`). It prints F1 after clustering,
camp-listed children located, adoption records offered and pending pairs per child found, and
the change each rule makes (the figure with the rule on minus with it off). A rule that lowers
F1 on either generator is marked: it must be fixed or removed (docs/linkage.md).

    nice .venv/bin/python bench/rule_ablation.py                 # 20,000 children, both
    nice .venv/bin/python bench/rule_ablation.py --quick         # 3,000 children, both
    nice .venv/bin/python bench/rule_ablation.py --generators second --children 5000

The second generator is the check, never the place to choose a threshold (docs/linkage.md).
"""

from __future__ import annotations

import argparse
import time

from linkage_bench import GENERATORS, decided_figures, score

from kintrace.linkage.decide import RULES, switchable
from kintrace.linkage.spec import kintrace_spec

FIGURES = (
    ("f1", "F1"),
    ("camp_located", "camp located"),
    ("adoption_offered", "adoption offered"),
    ("pending_per_adoption_found", "pending / child"),
)


def ablate(generator: str, children: int, seed: int) -> dict[str, dict[str, float]]:
    """Figures with every rule on (key "") and with each switchable rule off (key: its id)."""
    spec = kintrace_spec()
    scored = score(generator, children, seed, spec=spec)
    out: dict[str, dict[str, float]] = {}
    for rule_id in ["", *switchable()]:
        started = time.perf_counter()
        figs, _decided = decided_figures(
            scored.truth, scored.pairs, scored.features, spec, off=[rule_id] if rule_id else []
        )
        out[rule_id] = figs
        label = f"{rule_id} off" if rule_id else "every rule on"
        print(f"  {label:<32} F1 {figs['f1']:.4f}  camp {figs['camp_located']:.4f}  "
              f"adoption {figs['adoption_offered']:.4f}  pending/child "
              f"{figs['pending_per_adoption_found']:.2f}  "
              f"[{time.perf_counter() - started:.0f} s]", flush=True)  # fmt: skip
    return out


def table(results: dict[str, dict[str, dict[str, float]]]) -> list[str]:
    """The ablation as a Markdown table: per rule, each figure's change (on minus off) on each
    generator; the first row gives the figures with every rule on."""
    generators = list(results)
    head = "| rule | " + " | ".join(f"{label} ({g})" for key, label in FIGURES for g in generators)
    lines = [head + " | verdict |", "|---" * (1 + len(FIGURES) * len(generators)) + "|---|"]
    on = {g: results[g][""] for g in generators}
    cells = [f"{on[g][key]:.4f}" if key != "pending_per_adoption_found" else f"{on[g][key]:.2f}"
             for key, _ in FIGURES for g in generators]  # fmt: skip
    lines.append("| every rule on | " + " | ".join(cells) + " | |")
    by_id = {r.id: r for r in RULES}
    for rule_id in switchable():
        cells, lowers = [], []
        for key, _label in FIGURES:
            for g in generators:
                delta = on[g][key] - results[g][rule_id][key]
                digits = 2 if key == "pending_per_adoption_found" else 4
                cells.append(f"{delta:+.{digits}f}")
                if key == "f1" and delta < 0:
                    lowers.append(g)
        refines = by_id[rule_id].refines
        verdict = f"LOWERS F1 on {', '.join(lowers)}" if lowers else "keeps or raises F1"
        name = f"`{rule_id}`" + (f" (refines `{refines}`)" if refines else "")
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {verdict} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--generators", default=",".join(GENERATORS))
    parser.add_argument("--quick", action="store_true", help="3,000 children")
    args = parser.parse_args()
    children = 3_000 if args.quick else args.children
    generators = [g for g in args.generators.split(",") if g]
    for g in generators:
        if g not in GENERATORS:
            raise SystemExit(f"--generators: {g!r} is not one of {', '.join(GENERATORS)}")
    results = {}
    for g in generators:
        print(f"\n== generator {g} ==")
        results[g] = ablate(g, children, args.seed)
    print(f"\nEach rule's worth: the figure with every rule on minus with that rule off "
          f"({children:,} children, seed {args.seed}; + means the rule raises it):\n")  # fmt: skip
    print("\n".join(table(results)))


if __name__ == "__main__":
    main()
