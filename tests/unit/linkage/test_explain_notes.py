"""The notes `kintrace explain` adds to the waterfall: what besides the probability decided the
pair (a rule that held it, linked it or offered it; the data saying two children)."""

from __future__ import annotations

from kintrace.linkage.explain import _notes
from kintrace.linkage.pipeline import hold_reason
from kintrace.linkage.spec import kintrace_spec

SAME = {"mw_given_name": 6.0, "mw_family_name": 8.0, "mw_birth_date": 12.0}


def test_a_pair_held_for_review_says_by_which_rule() -> None:
    dates = {**SAME, "mw_birth_date": -3.7}
    assert "birth dates" in str(hold_reason(dates))
    notes = _notes(kintrace_spec(), dates, 0.999, "pending", None)
    assert len(notes) == 1 and notes[0].startswith("held for review whatever its probability")
    renamed = {**SAME, "mw_family_name": 0.0, "source_kind_l": "adoption"}
    assert "adoption listing" in str(hold_reason(renamed))
    assert hold_reason(SAME) is None
    assert _notes(kintrace_spec(), SAME, 0.999, "auto", None) == ()


def test_links_and_offers_below_the_thresholds_say_which_rules_made_them() -> None:
    (linked,) = _notes(kintrace_spec(), SAME, 0.93, "auto", None)
    assert linked.startswith("linked without review below the auto-link threshold")
    (offered,) = _notes(kintrace_spec(), SAME, 0.02, "pending", None)
    assert offered.startswith("offered for review below the floor")


def test_the_data_saying_two_children_is_a_note() -> None:
    (note,) = _notes(kintrace_spec(), SAME, 0.7, "pending", "surname and birth date disagree")
    assert "never one person" in note and "surname and birth date disagree" in note
