"""The notes `kintrace explain` adds to the waterfall: what besides the probability decided the
pair (a rule that held it, linked it or offered it; the data saying two children), each named
by its decision rule's id."""

from __future__ import annotations

from kintrace.linkage.decide import HOLDS
from kintrace.linkage.explain import _notes
from kintrace.linkage.spec import kintrace_spec

SAME = {"mw_given_name": 6.0, "mw_family_name": 8.0, "mw_birth_date": 12.0}


def _holding(pair: dict[str, object]) -> list[str]:
    return [hold.id for hold in HOLDS if hold.applies(pair, kintrace_spec())]


def test_a_pair_held_for_review_says_by_which_rule() -> None:
    dates = {**SAME, "mw_birth_date": -3.7}
    assert _holding(dates) == ["0315-dates-against"]
    notes = _notes(kintrace_spec(), dates, 0.999, "pending", None)
    assert len(notes) == 1 and notes[0].startswith("held for review whatever its probability")
    assert "birth dates" in notes[0] and "(rule 0315-dates-against)" in notes[0]
    renamed = {**SAME, "mw_family_name": 0.0, "source_kind_l": "adoption"}
    assert _holding(renamed) == ["0301-renamed"]
    assert "adoption listing" in _notes(kintrace_spec(), renamed, 0.999, "pending", None)[0]
    assert _holding(SAME) == []
    assert _notes(kintrace_spec(), SAME, 0.999, "auto", None) == ()


def test_links_and_offers_below_the_thresholds_say_which_rules_made_them() -> None:
    (linked,) = _notes(kintrace_spec(), SAME, 0.93, "auto", None)
    assert linked.startswith("linked without review below the auto-link threshold")
    (offered,) = _notes(kintrace_spec(), SAME, 0.02, "pending", None)
    assert offered.startswith("offered for review below the floor")


def test_the_rule_the_run_recorded_is_named_with_its_why() -> None:
    (linked,) = _notes(kintrace_spec(), SAME, 0.93, "auto", None, rule_id="0312-kept-identity")
    assert linked.endswith("(rule 0312-kept-identity)") and "renamed adoption record" in linked
    (offered,) = _notes(kintrace_spec(), SAME, 0.02, "pending", None, rule_id="0311-unseen-offers")
    assert "(rule 0311-unseen-offers)" in offered and "nobody would see" in offered


def test_the_data_saying_two_children_is_a_note() -> None:
    (note,) = _notes(kintrace_spec(), SAME, 0.7, "pending", "surname and birth date disagree")
    assert "never one person" in note and "surname and birth date disagree" in note


def _days(text: str) -> int:
    from datetime import date

    return date.fromisoformat(text).toordinal() - date(1970, 1, 1).toordinal()


def test_dates_one_mistyped_digit_apart_do_not_hold_a_pair() -> None:
    # decision 0319: 2015-03-12 against 2015-03-13 / 2015-08-12 / 2016-03-12 is a clerk's typo;
    # against 2015-11-27 it is another child's date (synthetic dates)
    from kintrace.linkage.decide.holds import evidence_against

    def pair(other: str) -> dict[str, object]:
        return {**SAME, "mw_birth_date": -3.7, "birth_days_l": _days("2015-03-12"),
                "birth_days_r": _days(other)}  # fmt: skip

    for typo in ("2015-03-13", "2015-08-12", "2016-03-12"):
        assert _holding(pair(typo)) == [], typo
        assert not evidence_against(pair(typo), kintrace_spec()), typo
    assert _holding(pair("2015-11-27")) == ["0315-dates-against"]
    assert evidence_against(pair("2015-11-27"), kintrace_spec())


def test_a_renamed_pair_excused_from_the_hold_is_not_said_to_be_held() -> None:
    # decision 0322: a renamed adoption pair at auto-link that kept its identity is linked
    renamed = {**SAME, "source_kind_r": "adoption", "mw_family_name": 0.0,
               "given_class_l": "kateryna:f", "given_class_r": "kateryna:f",
               "birth_days_l": 15403.0, "birth_days_r": 15403.0, "mw_sex": 1.0}  # fmt: skip
    assert not any("held for review" in n for n in _notes(kintrace_spec(), renamed, 0.995,
                                                             "auto", None))  # fmt: skip
    other = {**renamed, "given_class_r": "iryna:f"}
    notes = _notes(kintrace_spec(), other, 0.995, "pending", None)
    assert any("held for review" in n for n in notes)
