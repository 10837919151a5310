"""The decision pipeline (`kintrace.linkage.decide`): its declared rules, their switches, the
statuses they give, and `decide()` end to end on a small synthetic registry."""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from kintrace.linkage.clustering import Link
from kintrace.linkage.decide import HOLDS, RULES, Stage, check_off, decide, rule, switchable
from kintrace.linkage.decide.table import THRESHOLDS
from kintrace.linkage.decide.unambiguous import promote
from kintrace.linkage.features import feature_table
from kintrace.linkage.spec import Thresholds, kintrace_spec
from support.linkage import record_row, rule_state

ROOT = Path(__file__).resolve().parents[3]


def _status(pair: dict[str, object]) -> str | None:
    """The status the thresholds and the safety holds give one pair."""
    state = rule_state(pd.DataFrame([{"uid_l": 1, "uid_r": 2, **pair}]))
    for step in (THRESHOLDS, *HOLDS):
        step.run(state)
    return state.status[0]


def _promoted(pairs: pd.DataFrame, persons: dict[int, str]) -> list[str | None]:
    state = rule_state(pairs, persons=persons)
    promote(state)
    return state.status


# --- the declaration -------------------------------------------------------------------------


def test_every_rule_has_a_unique_id_of_a_decision_record_and_a_one_line_why() -> None:
    ids = [r.id for r in RULES]
    assert len(set(ids)) == len(ids)
    records = {p.name[:4] for p in (ROOT / "docs" / "decisions").glob("0*.md")}
    for r in RULES:
        assert re.fullmatch(r"\d{4}-[a-z-]+", r.id), r.id
        assert r.decision in records, f"{r.id}: no decision record {r.decision}"
        assert r.why and "\n" not in r.why and len(r.why) <= 100, r.id
        assert r.refines is None or r.refines in ids, r.id


def test_clustering_and_the_probability_are_steps_that_cannot_be_switched_off() -> None:
    fixed = [r.id for r in RULES if not r.switchable]
    assert fixed == ["0301-thresholds", "0301-provisional-persons", "0301-persons"]
    assert all(r.stage in (Stage.SCORE, Stage.CLUSTER) for r in RULES if not r.switchable)
    with pytest.raises(ValueError, match="cannot be switched off"):
        check_off(["0301-persons"])
    with pytest.raises(ValueError, match=r"no decision rule .nonsense.*0301-unambiguous"):
        check_off(["nonsense"])
    assert check_off(switchable()) == frozenset(switchable())
    assert rule("0314-sibling-links").stage is Stage.LINK


def test_the_rules_run_in_the_declared_order() -> None:
    order = [r.id for r in RULES]
    # holds before anything links; persons before the rules that weigh candidates against them
    assert order.index("0315-dates-against") < order.index("0301-provisional-persons")
    assert order.index("0301-provisional-persons") < order.index("0301-unambiguous")
    assert order.index("0301-unambiguous") < order.index("0301-persons")
    assert order.index("0301-persons") < order.index("0314-sibling-links")


#: What only `decide()` may call: the rules' own functions.
_RULE_FUNCTIONS = ("promote", "sibling_links", "with_status", "sibling_offers", "status_of",
                   "best_offers", "offer_unseen", "offer_through_siblings",
                   "link_through_siblings")  # fmt: skip


def test_the_service_and_the_benches_call_decide_and_no_rule_directly() -> None:
    for path in (
        "src/kintrace/linkage/service.py",
        "bench/linkage_bench.py",
        "bench/linkage_scale_bench.py",
    ):
        text = (ROOT / path).read_text(encoding="utf-8")
        assert "decide(" in text, path
        for name in _RULE_FUNCTIONS:
            assert not re.search(rf"\b{name}\(", text), f"{path} calls {name} itself"


def test_every_bench_that_links_decides_through_decide() -> None:
    # issue 10: the service and every bench call the same decide(); a bench either calls it or
    # goes through linkage_bench.decided_figures, which does (the test above)
    # febrl_bench.py alone measures the generic model's scored pairs at a threshold (FEBRL4 has
    # no source kinds, groups or persons to decide), scoring_bench.py times the scoring alone
    # (decision 0353): they call no rule either
    model_only = {"febrl_bench.py", "scoring_bench.py"}
    linking = []
    for path in sorted((ROOT / "bench").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        if path.name in model_only:
            assert not re.search(rf"\b({'|'.join(_RULE_FUNCTIONS)}|decide)\(", text), path.name
            continue
        if "kintrace.linkage" not in text and "from linkage_bench import" not in text:
            continue
        if not re.search(r"\b(predict|score|score_pairs|decided_figures|decide)\(", text):
            continue
        linking.append(path.name)
        assert "decide(" in text or "decided_figures(" in text, f"{path.name} decides itself"
        for name in _RULE_FUNCTIONS:
            assert not re.search(rf"\b{name}\(", text), f"{path.name} calls {name} itself"
    assert {"linkage_bench.py", "linkage_scale_bench.py", "rule_ablation.py",
            "fallback_bench.py"} <= set(linking), linking  # fmt: skip


# --- statuses and promotion (decisions 0301, 0315) -------------------------------------------


@pytest.mark.parametrize(
    ("pair", "status"),
    [
        ({"match_probability": 0.995, "mw_given_name": 5.0}, "auto"),
        ({"match_probability": 0.995, "mw_given_name": -6.0}, "pending"),  # names disagree
        ({"match_probability": 0.995, "mw_given_name": 5.0, "mw_family_name": 0.0,
          "source_kind_l": "adoption", "source_kind_r": "family"}, "pending"),  # renamed
        ({"match_probability": 0.995, "mw_given_name": 5.0, "mw_birth_date": -3.7},
         "pending"),  # birth dates months apart: a look-alike child of one name
        ({"match_probability": 0.995, "mw_given_name": 5.0, "mw_birth_date": -3.7,
          "mw_family_name": 8.0, "source_kind_l": "adoption", "source_kind_r": "family"},
         "auto"),  # an adoption listing changes dates on purpose
        ({"match_probability": 0.7, "mw_given_name": 5.0}, "pending"),
        ({"match_probability": 0.2, "mw_given_name": 5.0}, None),
    ],
    ids=["auto", "given-disagrees", "adoption-renamed", "dates-disagree",
         "adoption-date-changed", "pending", "dropped"],
)  # fmt: skip
def test_status_rules(pair: dict, status: str | None) -> None:  # type: ignore[type-arg]
    assert _status(pair) == status


def test_only_unambiguous_pending_pairs_are_promoted() -> None:
    pairs = pd.DataFrame(
        [
            {"uid_l": 1, "uid_r": 2, "match_probability": 0.9, "status": "pending"},  # alone
            {"uid_l": 3, "uid_r": 4, "match_probability": 0.9, "status": "pending"},  # 3 has
            {"uid_l": 3, "uid_r": 5, "match_probability": 0.87, "status": "pending"},  # a rival
            {"uid_l": 6, "uid_r": 7, "match_probability": 0.7, "status": "pending"},  # too low
            {"uid_l": 8, "uid_r": 9, "match_probability": 0.95, "status": "pending"},  # a far
            {"uid_l": 8, "uid_r": 10, "match_probability": 0.55, "status": "pending"},  # rival
        ]
    ).assign(mw_given_name=5.0, mw_family_name=5.0)
    persons = {u: f"P{u}" for u in range(1, 11)}
    promoted = _promoted(pairs, persons)
    assert promoted == [
        "auto", "pending", "pending", "pending", "auto", "pending"
    ]  # fmt: skip


def test_a_pair_with_evidence_against_is_not_promoted() -> None:
    pairs = pd.DataFrame(
        [{"uid_l": 1, "uid_r": 2, "match_probability": 0.9, "status": "pending",
          "mw_given_name": 6.0, "mw_family_name": 7.0, "mw_birth_date": -4.0}]
    )  # fmt: skip
    promoted = _promoted(pairs, {1: "P1", 2: "P2"})
    assert promoted == ["pending"]


# --- decide() end to end ---------------------------------------------------------------------


def _registry() -> pd.DataFrame:
    """A family's report of Kateryna Bondar born 2012-03-04, and an adoption listing's record
    of her under another surname and patronymic, the birth date kept (synthetic)."""
    rows = [
        record_row(1, given_name="Катерина", family_name="Бондар", patronymic="Петрівна",
                   sex="F", birth_year=2012, birth_month=3, birth_day=4, source="reports"),
        record_row(2, given_name="Екатерина", family_name="Смирнова", patronymic="Ивановна",
                   sex="F", birth_year=2012, birth_month=3, birth_day=4, source="listing",
                   source_kind="adoption"),
    ]  # fmt: skip
    return feature_table(pd.DataFrame(rows))


def _scored(probability: float) -> pd.DataFrame:
    return pd.DataFrame(
        [{"uid_l": 1, "uid_r": 2, "match_probability": probability, "match_weight": 3.0,
          "mw_given_name": 5.8, "mw_family_name": 0.0, "mw_patronymic": 0.0,
          "mw_birth_date": 12.0, "mw_sex": 1.0, "mw_birth_place": 0.0, "mw_last_place": 0.0,
          "source_kind_l": "family", "source_kind_r": "adoption",
          "given_class_l": "kateryna:f", "given_class_r": "kateryna:f",
          "birth_days_l": 15403.0, "birth_days_r": 15403.0}]
    )  # fmt: skip


def test_decide_freezes_what_the_process_held_while_deciding_and_gives_it_back() -> None:
    """Decision 0356: the collector leaves the objects alive on entry alone while deciding, and
    has them back after; objects someone else froze stay frozen."""
    during: list[int] = []

    def kept() -> Iterator[Link[int]]:  # read inside decide(): the freeze count at that point
        during.append(gc.get_freeze_count())
        yield from ()

    assert gc.get_freeze_count() == 0
    decide(_scored(0.995), _registry(), kintrace_spec(), kept_links=kept())
    assert during[0] > 0 and gc.get_freeze_count() == 0
    gc.freeze()  # someone else's (objects dying while frozen leave it: counts only > 0)
    try:
        decide(_scored(0.995), _registry(), kintrace_spec(), kept_links=kept())
        assert during[1] > 0 and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_decide_links_a_renamed_record_that_kept_its_identity_and_names_the_rule() -> None:
    features = _registry()
    # at auto-link it is not held (decision 0322); below it, the unambiguous rule links it
    decided = decide(_scored(0.995), features, kintrace_spec())
    assert decided.pairs[["status", "rule"]].values.tolist() == [
        ["auto", "0322-kept-identity-auto"]
    ]
    assert decided.person_of[1] == decided.person_of[2]
    decided = decide(_scored(0.95), features, kintrace_spec())
    assert decided.pairs[["status", "rule"]].values.tolist() == [["auto", "0312-kept-identity"]]
    assert decided.person_of[1] == decided.person_of[2]
    decided = decide(_scored(0.995), features, kintrace_spec(), off=["0322-kept-identity-auto"])
    assert decided.pairs[["status", "rule"]].values.tolist() == [["auto", "0312-kept-identity"]]
    held = decide(_scored(0.995), features, kintrace_spec(), off=["0312-kept-identity"])
    assert held.pairs[["status", "rule"]].values.tolist() == [["pending", "0301-renamed"]]
    assert held.person_of[1] != held.person_of[2]
    thresholds = kintrace_spec(Thresholds(link_renamed_adoption=False))
    assert decide(_scored(0.995), features, thresholds).pairs["status"].tolist() == ["pending"]


def test_decide_keys_records_by_the_callers_names() -> None:
    keys = [("reports", "1"), ("listing", "2")]
    decided = decide(_scored(0.995), _registry(), kintrace_spec(), keys=keys)
    assert decided.pairs[["key_l", "key_r"]].values.tolist() == [[keys[0], keys[1]]]
    assert set(decided.person_of) == set(keys)


def test_decide_offers_an_unseen_adoption_record_below_the_floor() -> None:
    decided = decide(_scored(0.02), _registry(), kintrace_spec())
    assert decided.pairs[["status", "rule"]].values.tolist() == [["pending", "0311-unseen-offers"]]
    nothing = decide(_scored(0.02), _registry(), kintrace_spec(), off=["0311-unseen-offers"])
    assert nothing.pairs.empty


def test_decide_with_no_pairs_makes_one_person_per_record() -> None:
    decided = decide(_scored(0.5).iloc[:0], _registry(), kintrace_spec())
    assert decided.pairs.empty and len(set(decided.person_of.values())) == 2


def test_docs_list_every_rule_in_the_pipelines_order() -> None:
    text = (ROOT / "docs" / "linkage.md").read_text(encoding="utf-8")
    section = text.split("## The decision rules", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| \d+[a-z]? \| `([0-9a-z-]+)` \|", section, flags=re.MULTILINE)
    assert listed == [r.id for r in RULES]
    for r in RULES:
        assert r.why in section, f"{r.id}: docs/linkage.md does not give its why"
