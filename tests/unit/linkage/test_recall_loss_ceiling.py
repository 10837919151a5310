"""Decision 0350's measure (bench/recall_loss.py): an adoption-listing record is identifiable
when its own child fits it best by every field a listing keeps, not only by the first name.
SYNTHETIC records, made up here (no generator)."""

from __future__ import annotations

import pandas as pd
import pytest
from tests.support.generators import use_bench_generators

from kintrace.linkage.spec import kintrace_spec

NAMES = ["olha:f", "iryna:f", "mariia:f", "nadiia:f", "oksana:f"]


def _record(uid: int, kind: str, given: str, stem: str, place: str, days: int) -> dict[str, object]:
    return {
        "uid": uid,
        "source_kind": kind,
        "given_class": given,
        "given_key": given.split(":")[0],
        "sex": "F",
        "family_stem": stem,
        "patronymic_class": None,
        "birth_place_key": place,
        "birth_days": days,
        "birth_year_min": 2011,
        "birth_year_max": 2011,
    }


def _lists() -> tuple[pd.DataFrame, dict[int, str]]:
    """30 girls born within weeks of each other, each in a family report (uid = child number);
    children 28 and 29 are twins (one surname, place and date). Listing records 100 + i for
    children 0-7 and 28: 0-6 keep first name, surname, place and date; 7 has a new first name
    (child 8's) and kept the rest; 28's has a first name neither twin has."""
    rows, child = [], {}
    for i in range(30):
        twin = 28 if i == 29 else i
        rows.append(_record(i, "family", NAMES[i % 5], f"s{twin}", f"p{twin}", 15000 + 3 * twin))
        child[i] = f"c{i}"
    for i in [*range(8), 28]:
        given = NAMES[8 % 5] if i == 7 else "vira:f" if i == 28 else NAMES[i % 5]
        rows.append(_record(100 + i, "adoption", given, f"s{i}", f"p{i}", 15000 + 3 * i))
        child[100 + i] = f"c{i}"
    return pd.DataFrame(rows), child


@pytest.fixture(scope="module")
def recall_loss():  # type: ignore[no-untyped-def]
    use_bench_generators()
    import recall_loss  # type: ignore[import-not-found]

    return recall_loss


def test_a_renamed_first_name_is_identifiable_by_the_other_fields(recall_loss) -> None:  # type: ignore[no-untyped-def]
    features, child = _lists()
    spec = kintrace_spec()
    before, _ = recall_loss.identifiability(features, child, spec)
    fits = recall_loss.FieldFits(features, child, spec)
    weights = recall_loss.field_weights(fits)
    after = recall_loss.full_identifiability(fits, weights)
    # decision 0336 rules the own child out by its first name; every field does not
    assert before[107] == "inconsistent"
    assert after[107] == "unique"
    assert all(after[100 + i] == "unique" for i in range(7))
    # twins: nothing in the listing's fields chooses between them
    assert after[128] == "tie"
    linked = recall_loss.best_fit_links(fits, weights, [0.0])[0]
    assert linked[107] == "c7"
    assert 128 not in linked
