"""Rebuild the open-data evidence table of first names and check the curated table.

    .venv/bin/python scripts/build_name_tables.py [--check-only] [--limit N]

Build-time only: needs the `tables` extra (rigour, names-translator); the shipped package never
imports them.  Reads the curated table src/kintrace/names/data/given_names.csv (hand-made, see
docs/names.md) and writes src/kintrace/names/data/given_names_evidence.csv:

1. Vocabulary: every Ukrainian first name in names-translator (MIT, about 11k) and its Russian
   translations.
2. Evidence from names-translator: the Russian translations of a curated Ukrainian form belong to
   that form's class.
3. Evidence from the Wikidata person-name groups shipped in rigour (code MIT, data CC0): a class's
   groups are the groups at least two of its full forms fall in, minus the groups any full form of
   a class of the other gender falls in (the groups mix genders: Саша is in Олександра's group),
   minus groups shared by more than three classes.  A vocabulary form in one of those groups is
   evidence for the class.
4. Forms already in the curated table, and forms that would land in classes of both genders, are
   left out.
5. Hand corrections in given_names_corrections.csv (action drop/add) are applied last; every
   correction is a row there, with its reason.

It also prints where names-translator's Russian form for a curated Ukrainian form is missing from
the curated table (to review by hand, never applied automatically), and, on the open data only,
a check of surname and patronymic Russification (recall on names-translator's uk->ru pairs).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "kintrace" / "names" / "data"


def _need(module: str) -> None:
    try:
        __import__(module)
    except ImportError:
        sys.exit(
            f"This script needs the '{module}' package (build-time only).\n"
            "Install the tables extra: .venv/bin/uv pip install --python .venv/bin/python "
            "'rigour>=1.0' 'names-translator>=2.0'"
        )


def read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    lines = [line for line in path.read_text("utf-8").splitlines() if not line.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lines))))


def forms(cell: str | None) -> list[str]:
    return [f.strip() for f in (cell or "").split("|") if f.strip()]


def translator_pool(pool: str) -> list[str]:
    from names_translator.dicts import default_dicts

    loaded = default_dicts()._get(pool)
    if loaded is None:
        return []
    dawg, _rules = loaded
    return sorted(set(dawg.keys()))


def translate(name: str, pool: str) -> list[str]:
    from names_translator.dicts import default_dicts

    return default_dicts().lookup(name, pool)


def groups_of(names: list[str]) -> dict[str, frozenset[str]]:
    """Wikidata name-group ids (rigour symbols of category NAME) of each first name."""
    from rich.progress import track
    from rigour.names import NamePartTag, NameTypeTag, analyze_names

    out: dict[str, frozenset[str]] = {}
    for name in track(names, description="Wikidata name groups (rigour)"):
        found: set[str] = set()
        for parsed in analyze_names(NameTypeTag.PER, [name], {NamePartTag.GIVEN: [name]}):
            for symbol in parsed.symbols:
                if str(symbol.category).endswith("NAME"):
                    found.add(str(symbol.id))
        out[name] = frozenset(found)
    return out


def build(limit: int | None) -> list[dict[str, str]]:
    from kintrace.names.keys import name_key

    curated = read_csv(DATA / "given_names.csv")
    klass: dict[str, str] = {}  # class id -> gender
    formal: dict[str, list[str]] = defaultdict(list)
    known_keys: set[str] = set()
    for row in curated:
        cid = f"{row['class']}:{row['gender']}"
        klass[cid] = row["gender"]
        for col in ("uk", "ru", "latin"):
            formal[cid].extend(forms(row.get(col)))
        for col in ("uk", "ru", "latin", "diminutives"):
            known_keys.update(name_key(f) for f in forms(row.get(col)))

    evidence: dict[tuple[str, str], tuple[str, str]] = {}  # (class, form) -> (source, detail)

    # names-translator: Russian forms of curated Ukrainian forms
    for row in curated:
        cid = f"{row['class']}:{row['gender']}"
        for uk in forms(row.get("uk")):
            for ru in translate(uk, "first"):
                if name_key(ru) not in known_keys:
                    evidence[(cid, ru)] = ("names-translator", f"uk->ru of {uk}")

    # rigour Wikidata groups
    vocabulary_uk = [w.capitalize() for w in translator_pool("first")]
    if limit:
        vocabulary_uk = vocabulary_uk[:limit]
    vocabulary = set(vocabulary_uk)
    for uk in vocabulary_uk:
        vocabulary.update(translate(uk, "first"))
    # compound names (Анна-Марія) carry the groups of both names: leave them out
    vocabulary = {
        v for v in vocabulary
        if name_key(v) and " " not in name_key(v) and name_key(v) not in known_keys
    }  # fmt: skip
    all_formal = sorted({f for fs in formal.values() for f in fs})
    print(f"rigour: looking up {len(all_formal)} curated and {len(vocabulary)} vocabulary forms")
    start = time.perf_counter()
    groups = groups_of(all_formal + sorted(vocabulary))
    print(f"rigour: {time.perf_counter() - start:.0f} s")
    class_groups: dict[str, set[str]] = {}
    for cid, fs in formal.items():
        counts: dict[str, int] = defaultdict(int)
        for f in fs:
            for g in groups.get(f, ()):
                counts[g] += 1
        class_groups[cid] = {g for g, n in counts.items() if n >= 2}
    for cid, gs in class_groups.items():
        gs -= {
            g for c, fs in formal.items() if klass[c] != klass[cid] for f in fs for g in groups[f]
        }
    owners: dict[str, set[str]] = defaultdict(set)
    for cid, gs in class_groups.items():
        for g in gs:
            owners[g].add(cid)
    for cid in class_groups:
        class_groups[cid] = {g for g in class_groups[cid] if len(owners[g]) <= 3}
    for form in sorted(vocabulary):
        hits = {cid for cid, gs in class_groups.items() if gs & groups.get(form, frozenset())}
        if not hits or len({klass[c] for c in hits}) > 1:
            continue
        for cid in hits:
            shared = sorted(class_groups[cid] & groups[form])
            evidence.setdefault((cid, form), ("rigour-wikidata", " ".join(shared[:3])))

    # drop forms that would carry both genders
    genders_of_form: dict[str, set[str]] = defaultdict(set)
    for cid, form in evidence:
        genders_of_form[name_key(form)].add(klass[cid])
    evidence = {k: v for k, v in evidence.items() if len(genders_of_form[name_key(k[1])]) == 1}

    # hand corrections, applied last
    for corr in read_csv(DATA / "given_names_corrections.csv"):
        key = (corr["class"], corr["form"])
        if corr["action"] == "drop":
            evidence.pop(key, None)
        elif corr["action"] == "add":
            evidence[key] = ("hand", corr["reason"])
    rows = [
        {"class": cid, "form": form, "source": src, "detail": detail}
        for (cid, form), (src, detail) in sorted(evidence.items())
    ]
    return rows


def check_curated() -> None:
    """Print curated Ukrainian forms whose names-translator Russian form the table lacks."""
    from kintrace.names.keys import name_key

    missing = 0
    for row in read_csv(DATA / "given_names.csv"):
        ru_keys = {name_key(f) for f in forms(row.get("ru")) + forms(row.get("uk"))}
        for uk in forms(row.get("uk")):
            top = translate(uk, "first")[:1]
            if top and name_key(top[0]) not in ru_keys:
                missing += 1
                print(f"  review: {row['class']}: names-translator gives {uk} -> {top[0]}")
    print(f"curated table: {missing} Ukrainian forms whose top Russian form is not listed")


def check_russification(sample: int, seed: int = 5) -> None:
    """Recall of family/patronymic rules on names-translator's uk->ru pairs (open data only)."""
    from kintrace.names import patronymic_class
    from kintrace.names.keys import name_key
    from kintrace.names.levels import Level, compare_family, compare_patronymic

    rng = random.Random(seed)
    for pool in ("last", "patronymic"):
        keys = translator_pool(pool)
        pairs = []
        for uk in rng.sample(keys, min(sample, len(keys))):
            for ru in translate(uk, pool)[:1]:
                if ru.lower() != uk:
                    pairs.append((uk, ru))
        if pool == "last":
            ok = sum(compare_family(name_key(a), name_key(b)) != Level.DIFFERENT for a, b in pairs)
        else:
            ok = sum(
                compare_patronymic(
                    patronymic_class(a), name_key(a), patronymic_class(b), name_key(b)
                )
                not in (Level.DIFFERENT, Level.MISSING)
                for a, b in pairs
            )
        share = ok / max(1, len(pairs))
        print(f"{pool}: {ok}/{len(pairs)} Russified pairs recognised ({share:.3f})")
    # surnames of the dictionary that share a coarse key: how `compare_family` grades them.  The
    # dictionary lists spelling variants as separate entries, so not all of them are different
    # surnames; read the examples.
    from kintrace.names.keys import coarse_key

    keys = translator_pool("last")
    by_coarse: dict[str, list[str]] = defaultdict(list)
    for k in rng.sample(keys, min(40_000, len(keys))):
        by_coarse[coarse_key(k)].append(k)
    neg = [(v[0], v[1]) for v in by_coarse.values() if len(v) > 1][:sample]
    levels: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for a, b in neg:
        levels[compare_family(name_key(a), name_key(b))].append((a, b))
    print(f"last: {len(neg)} dictionary pairs sharing a coarse key, graded:")
    for level, examples in sorted(levels.items(), key=lambda kv: -len(kv[1])):
        shown = ", ".join(f"{a}/{b}" for a, b in examples[:6])
        print(f"  {level:<12}{len(examples):>6}   e.g. {shown}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check-only", action="store_true", help="Do not write the table.")
    parser.add_argument(
        "--limit", type=int, default=None, help="Vocabulary size, for trials: nothing is written."
    )
    parser.add_argument("--sample", type=int, default=2000, help="Pairs for the open-data check.")
    args = parser.parse_args(argv)
    _need("names_translator")
    check_curated()
    check_russification(args.sample)
    if args.check_only:
        return 0
    _need("rigour")
    rows = build(args.limit)
    if args.limit:
        print(f"trial with {args.limit} vocabulary names: {len(rows)} evidence rows, not written")
        return 0
    out = DATA / "given_names_evidence.csv"
    with out.open("w", encoding="utf-8", newline="") as fh:
        fh.write(
            "# Built by scripts/build_name_tables.py from names-translator (MIT) and the Wikidata\n"
            "# person-name groups in rigour (code MIT, data CC0). Do not edit: add a row to\n"
            "# given_names_corrections.csv and rebuild. Evidence only: never decides a match.\n"
        )
        writer = csv.DictWriter(fh, fieldnames=["class", "form", "source", "detail"])
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} evidence rows to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
