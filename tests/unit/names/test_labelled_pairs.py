"""Acceptance: quality on the labelled pairs file (tests/data/name_pairs.csv, synthetic).

Overall precision and recall at least 0.95; in every category, recall at least 0.9 where it
has positive pairs and specificity (share of negative pairs kept apart) at least 0.9 where it has
negative pairs.  The file was written together with the rules (a regression set, not an
independent evaluation): see docs/names.md.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from kintrace.names import compare

PAIRS = Path(__file__).resolve().parents[2] / "data" / "name_pairs.csv"
CATEGORIES = {
    "script_standard", "uk_ru_forms", "diminutive", "surname_russification", "gender_forms",
    "patronymics", "typos", "hard_negatives",
}  # fmt: skip


def _rows() -> list[dict[str, str]]:
    with PAIRS.open(encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def test_file_shape() -> None:
    rows = _rows()
    assert len(rows) >= 400
    assert {r["category"] for r in rows} == CATEGORIES
    assert all(r["reason"].strip() for r in rows), "every row needs a reason"
    assert all(r["label"] in ("0", "1") for r in rows)
    assert len({(r["name_a"], r["name_b"]) for r in rows}) == len(rows), "duplicate pairs"


def test_quality_thresholds() -> None:
    cells: dict[str, dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(("tp", "fp", "fn", "tn"), 0)
    )
    for row in _rows():
        predicted = compare(row["name_a"], row["name_b"]).is_match
        actual = row["label"] == "1"
        cell = ("tp" if actual else "fp") if predicted else ("fn" if actual else "tn")
        cells[row["category"]][cell] += 1
        cells["ALL"][cell] += 1
    total = cells["ALL"]
    assert total["tp"] / (total["tp"] + total["fp"]) >= 0.95, total
    assert total["tp"] / (total["tp"] + total["fn"]) >= 0.95, total
    for category, c in cells.items():
        if c["tp"] + c["fn"]:
            assert c["tp"] / (c["tp"] + c["fn"]) >= 0.9, (category, c)
        if c["tn"] + c["fp"]:
            assert c["tn"] / (c["tn"] + c["fp"]) >= 0.9, (category, c)
