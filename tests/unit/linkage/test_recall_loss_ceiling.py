"""Decision 0350's measure (bench/recall_loss.py): an adoption-listing record is identifiable
when its own child fits it best by every field a listing keeps, not only by the first name; and
decision 0363's variants of the best-fit rule (finer date levels, a child listed once per list).
SYNTHETIC records, made up here (no generator)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tests.support.generators import use_bench_generators

from kintrace.linkage.spec import kintrace_spec

NAMES = ["olha:f", "iryna:f", "mariia:f", "nadiia:f", "oksana:f"]


def _record(uid: int, kind: str, given: str, stem: str, place: str, days: int) -> dict[str, object]:
    return {
        "uid": uid,
        "source": "listing" if kind == "adoption" else "reports",
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


def test_a_child_is_taken_once_per_list_by_its_best_fitting_record(recall_loss) -> None:  # type: ignore[no-untyped-def]
    """Record 200 fits child 5 by first name, place and date; child 5's own listing record 105
    fits it better (its surname too). Once per list, 105 takes child 5 and 200 is left; in
    another list, 200 still links to child 5."""
    features, child = _lists()
    extra = _record(200, "adoption", NAMES[0], "s0", "p5", 15000 + 3 * 5)
    spec = kintrace_spec()
    for listing, expected in (("listing", None), ("another listing", "c5")):
        rows = pd.concat([features, pd.DataFrame([{**extra, "source": listing}])])
        fits = recall_loss.FieldFits(rows.reset_index(drop=True), {**child, 200: "c5"}, spec)
        weights = recall_loss.field_weights(fits)
        assert recall_loss.best_fit_links(fits, weights, [0.0])[0][200] == "c5"
        once = recall_loss.best_fit_once_per_listing(fits, weights, [0.0])[0]
        assert once[105] == "c5"
        assert once.get(200) == expected
        assert all(once[100 + i] == f"c{i}" for i in range(8))


def test_finer_date_levels_tell_a_year_to_the_day_from_weeks(recall_loss) -> None:  # type: ignore[no-untyped-def]
    others = np.array([15000.0, 15005.0, 15030.0, 15365.0, 15366.0, 15380.0, 15500.0])
    nan = np.full(len(others), np.nan)
    coarse = recall_loss._date_levels(15000.0, 2011.0, 2011.0, others, nan, nan)
    fine = recall_loss._date_levels(15000.0, 2011.0, 2011.0, others, nan, nan, fine=True)
    names = recall_loss.DATE_LEVELS
    assert [names[i] for i in coarse] == [
        "full:same", "full:weeks", "full:weeks", "full:a year", "full:a year", "full:a year",
        "full:further",
    ]  # fmt: skip
    names = recall_loss.FINE_DATE_LEVELS
    assert [names[i] for i in fine] == [
        "full:same", "full:a week", "full:weeks", "full:a year to the day",
        "full:a year to the day", "full:a year +- weeks", "full:further",
    ]  # fmt: skip


def test_m_estimated_without_the_truth_links_the_same_records(recall_loss) -> None:  # type: ignore[no-untyped-def]
    """EM's m (no truth read) learns what the listing keeps: 8 of its 9 records kept their
    child's surname, which no other child has (m of the same surname from 0.5 to above 0.8),
    and 1 in 9 a first name no candidate has. With it every listing record with one best fit
    links to its own child, the twins' record to neither."""
    features, child = _lists()
    fits = recall_loss.FieldFits(features, child, kintrace_spec(), recall_loss.FINE)
    fits.own[:] = -1  # what the truth says of each record's own child: hidden from EM
    surname, same = recall_loss.FIELDS.index("surname"), 2
    m = recall_loss.field_m_em(fits)
    assert m[surname][same] > 0.8
    weights = recall_loss.field_weights_em(fits)
    linked = recall_loss.best_fit_links(fits, weights, [0.0])[0]
    assert {u: linked[u] for u in range(100, 108)} == {100 + i: f"c{i}" for i in range(8)}
    assert 128 not in linked
