"""The unambiguous rule (decisions 0301 and 0312): lone records only, renamed adoption records
only when they kept their identity."""

from __future__ import annotations

import pandas as pd
import pytest

from kintrace.linkage.decide.holds import kept_identity as _kept_identity
from kintrace.linkage.decide.siblings import link_through_siblings
from kintrace.linkage.decide.unambiguous import promote
from kintrace.linkage.spec import ModelSpec, Thresholds, kintrace_spec
from support.linkage import rule_state


def kept_identity(row: dict[str, object]) -> bool:
    return _kept_identity(row, kintrace_spec())


def promote_unambiguous(
    spec: ModelSpec,
    pairs: pd.DataFrame,
    persons: dict[int, str],
    *,
    features: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The unambiguous rule (`0301-unambiguous` and its refinements) on `pairs`, given the
    persons of the provisional clustering; the pairs with their new statuses."""
    off = frozenset() if spec.thresholds.link_renamed_adoption else {"0312-kept-identity"}
    state = rule_state(pairs, persons=persons, features=features, spec=spec, off=frozenset(off))
    promote(state)
    return pairs.assign(status=state.status)


def sibling_links(
    spec: ModelSpec, pairs: pd.DataFrame, features: pd.DataFrame, persons: dict[int, str]
) -> pd.DataFrame:
    """Rule `0314-sibling-links` on `pairs`, given the persons of the last clustering."""
    state = rule_state(pairs, persons=persons, features=features, spec=spec)
    if spec.thresholds.link_renamed_adoption:
        link_through_siblings(state)
    return pairs.assign(status=state.status)


#: a renamed adoption-listing record against a family report: new surname and patronymic
#: (the neutral adoption level, weight 0), the same given-name class, the same full birth date
RENAMED = {
    "uid_l": 1,
    "uid_r": 2,
    "match_probability": 0.9,
    "status": "pending",
    "source_kind_l": "family",
    "source_kind_r": "adoption",
    "given_class_l": "kateryna:f",
    "given_class_r": "kateryna:f",
    "birth_days_l": 15403.0,
    "birth_days_r": 15403.0,
    "mw_given_name": 6.2,
    "mw_family_name": 0.0,
    "mw_patronymic": 0.0,
    "mw_birth_date": 12.3,
    "mw_sex": 1.0,
    "mw_birth_place": 0.0,
}


def _promoted(row: dict[str, object], spec=None, persons=None) -> str:  # type: ignore[no-untyped-def]
    pairs = pd.DataFrame([row])
    out = promote_unambiguous(spec or kintrace_spec(), pairs, persons or {1: "P1", 2: "P2"})
    return str(out["status"].iat[0])


def test_a_renamed_adoption_record_that_kept_its_identity_is_linked_when_unambiguous() -> None:
    assert kept_identity(RENAMED)
    assert _promoted(RENAMED) == "auto"


@pytest.mark.parametrize(
    "change",
    [
        {"birth_days_r": 15403.0 + 200},  # months apart: neither weeks nor a year
        {"birth_days_r": 15403.0 + 365 + 120},  # a year and four months apart
        {"birth_days_r": None},  # only a year in the listing
        {"given_class_r": "kateryna"},  # a spelling the tables do not know
        {"given_class_r": "iryna:f"},  # another name
        {"mw_sex": -4.0},  # the other sex
    ],
    ids=["months-apart", "year-and-months", "year-only", "unknown-name", "other-name", "sex"],
)
def test_a_renamed_adoption_record_without_its_identity_stays_pending(
    change: dict[str, object],
) -> None:
    row = {**RENAMED, **change}
    assert not kept_identity(row)
    assert _promoted(row) == "pending"


@pytest.mark.parametrize(
    ("change", "date_weight"),
    [
        ({"birth_days_r": 15403.0 + 1}, 4.0),  # a day: a typo or a move by days
        ({"birth_days_r": 15403.0 - 40}, 1.0),  # weeks earlier
        ({"birth_days_r": 15403.0 + 62}, 1.0),  # two months, the model's "within 2 months"
        ({"birth_days_r": 15403.0 + 365}, -2.0),  # a year later, the same day
        ({"birth_days_r": 15403.0 - 365 - 50}, -2.0),  # a year and some weeks earlier
        ({"mw_patronymic": 6.1}, 12.3),  # the father's name kept under a new surname
    ],
    ids=["day", "weeks", "two-months", "a-year", "a-year-and-weeks", "patronymic-kept"],
)
def test_a_renamed_adoption_record_whose_date_was_moved_kept_its_identity(
    change: dict[str, object], date_weight: float
) -> None:
    # decision 0321: an adoption listing moves a birth date by weeks or by a year; the model's
    # date weight for such a move (negative for a year) is not evidence against the pair
    row = {**RENAMED, **change, "mw_birth_date": date_weight}
    assert kept_identity(row)
    assert _promoted(row) == "auto"


def _with_look_alike(change: dict[str, object]) -> pd.DataFrame:
    """The renamed record 2 against its child 1 (`RENAMED`, 0.9) and against record 3 of
    another person, changed by `change`, scored far lower (no rival by probability) and not
    shown for review."""
    other = {**RENAMED, "uid_l": 3, "match_probability": 0.02, "status": None, **change}
    return pd.DataFrame([RENAMED, other])


@pytest.mark.parametrize(
    "change",
    [
        {"birth_days_l": 15403.0 + 30},  # another child of that first name, dated weeks apart
        {"birth_days_l": 15403.0, "mw_birth_place": -2.0},  # the same date, another birthplace
    ],
    ids=["weeks-apart", "same-date"],
)
def test_a_renamed_record_whose_kept_identity_fits_two_children_stays_pending(
    change: dict[str, object],
) -> None:
    # decision 0334: first name, sex and a date kept or moved by weeks fit another child among
    # the record's candidates; its far lower probability does not make it a rival, but the
    # record's own fields cannot tell the two children apart: a reviewer decides
    pairs = _with_look_alike(change)
    out = promote_unambiguous(kintrace_spec(), pairs, {1: "P1", 2: "P2", 3: "P3"})
    assert out["status"].tolist() == ["pending", None]


@pytest.mark.parametrize(
    "change",
    [
        {"given_class_l": "iryna:f"},  # another first name
        {"birth_days_l": 15403.0 + 200},  # months apart: not how a listing moves a date
        {"birth_days_l": None},  # only a year
        {"mw_sex": -4.0},  # the other sex
        {"birth_days_l": 15403.0 - 365},  # a year apart: fits too many children to count
    ],
    ids=["other-name", "months-apart", "year-only", "other-sex", "a-year-apart"],
)
def test_a_candidate_the_kept_identity_does_not_fit_leaves_the_record_linked(
    change: dict[str, object],
) -> None:
    pairs = _with_look_alike(change)
    out = promote_unambiguous(kintrace_spec(), pairs, {1: "P1", 2: "P2", 3: "P3"})
    assert out["status"].tolist() == ["auto", None]


def test_two_records_of_the_person_the_record_joins_are_one_child_not_two() -> None:
    # the child's family report and registry record, already one person, both fit
    pairs = _with_look_alike({"birth_days_l": 15403.0 + 30})
    out = promote_unambiguous(kintrace_spec(), pairs, {1: "P1", 2: "P2", 3: "P1"})
    assert out["status"].tolist() == ["auto", None]


def test_a_moved_date_is_excused_only_for_a_kind_that_moves_dates() -> None:
    from kintrace.linkage.decide.holds import date_moved, evidence_against

    spec = kintrace_spec()
    # a year and weeks apart (a year to the day would also be one typed digit, decision 0319)
    year_apart = {**RENAMED, "birth_days_r": 15403.0 + 365 + 40, "mw_birth_date": -2.0}
    assert date_moved(year_apart, spec) and not evidence_against(year_apart, spec)
    camp = {**year_apart, "source_kind_r": "camp", "mw_family_name": 7.0}
    assert not date_moved(camp, spec) and evidence_against(camp, spec)
    assert _promoted(camp) == "pending"
    months = {**RENAMED, "birth_days_r": 15403.0 + 200, "mw_birth_date": -3.7}
    assert not date_moved(months, spec) and evidence_against(months, spec)


def test_the_renamed_adoption_rule_can_be_switched_off() -> None:
    spec = kintrace_spec(Thresholds(link_renamed_adoption=False))
    assert _promoted(RENAMED, spec) == "pending"


def test_a_surname_kept_in_an_adoption_listing_is_not_a_renaming() -> None:
    assert not kept_identity({**RENAMED, "mw_family_name": 8.0})
    assert not kept_identity({**RENAMED, "source_kind_r": "camp"})


def test_the_unambiguous_rule_attaches_lone_records_and_never_merges_two_persons() -> None:
    row = {**RENAMED, "source_kind_r": "family", "mw_family_name": 7.0, "mw_patronymic": 5.0}
    # record 2 alone in its person: attached
    assert _promoted(row, persons={1: "P1", 3: "P1", 2: "P2"}) == "auto"
    # both records already have persons of two or more records: left for a person
    assert _promoted(row, persons={1: "P1", 3: "P1", 2: "P2", 4: "P2"}) == "pending"


def _pair(left: int, right: int, prob: float) -> dict[str, object]:
    return {"uid_l": left, "uid_r": right, "match_probability": prob, "status": "pending",
            "mw_given_name": 5.0, "mw_family_name": 7.0, "mw_birth_date": 4.4}  # fmt: skip


def test_two_lists_records_of_one_child_do_not_block_each_other() -> None:
    # 1 is the child's file (two records: 1 and 9); 2 and 3 are two partner lists' year-only
    # records of the child, each a candidate of the file and of each other
    pairs = pd.DataFrame([_pair(1, 2, 0.95), _pair(1, 3, 0.93), _pair(2, 3, 0.94)])
    persons = {1: "P1", 9: "P1", 2: "P2", 3: "P3"}
    promoted = promote_unambiguous(kintrace_spec(), pairs, persons)
    assert promoted["status"].tolist()[:2] == ["auto", "auto"]


def test_a_rival_that_is_not_a_candidate_of_the_same_person_still_blocks() -> None:
    # 3 is a candidate of 2 but not of the file 1: two children, 2 could be either
    pairs = pd.DataFrame([_pair(1, 2, 0.95), _pair(2, 3, 0.94)])
    persons = {1: "P1", 9: "P1", 2: "P2", 3: "P3", 8: "P3"}
    promoted = promote_unambiguous(kintrace_spec(), pairs, persons)
    assert promoted["status"].tolist() == ["pending", "pending"]


def _sources(**by_source: tuple[int, ...]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"uid": u, "source": source} for source, uids in by_source.items() for u in uids]
    )


def test_a_lone_record_joins_a_file_whose_records_have_other_candidates() -> None:
    # the file: 1 and 9. 2 (adoption listing) is 1's only candidate and 1's only candidate is
    # 2's file; 1 also looks like 3 (a partner list's record) and like the look-alike file
    # 4+8: neither makes 2 ambiguous (2's own candidates would)
    pairs = pd.DataFrame([_pair(1, 2, 0.94), _pair(1, 3, 0.98), _pair(1, 4, 0.96)])
    persons = {1: "P1", 9: "P1", 2: "P2", 3: "P3", 4: "P4", 8: "P4"}
    sources = _sources(family=(1, 9, 4, 8), adoption=(2,), partner=(3,))
    promoted = promote_unambiguous(kintrace_spec(), pairs, persons, features=sources)
    assert promoted["status"].iat[0] == "auto"
    # without the sources (the lone record 3 might be of 2's own list) it stays pending
    assert promote_unambiguous(kintrace_spec(), pairs, persons)["status"].iat[0] == "pending"


def test_two_records_of_one_list_that_look_like_one_child_block_each_other() -> None:
    # 2 and 3 are both in the partner list and both look like the file 1+9: one is someone else
    pairs = pd.DataFrame([_pair(1, 2, 0.94), _pair(1, 3, 0.96)])
    persons = {1: "P1", 9: "P1", 2: "P2", 3: "P3"}
    sources = _sources(family=(1, 9), partner=(2, 3))
    promoted = promote_unambiguous(kintrace_spec(), pairs, persons, features=sources)
    assert promoted["status"].tolist() == ["pending", "pending"]


def _features(groups: dict[int, str | None], given: dict[int, str]) -> pd.DataFrame:
    uids = sorted(given)
    return pd.DataFrame(
        {
            "uid": uids,
            "group_key": [groups.get(u) for u in uids],
            "family_stem": ["kovalenk" if u < 20 else "melnyk" for u in uids],
            "patronymic_class": ["petro:m" if u < 20 else "ivan:m" for u in uids],
            "given_class": [given[u] for u in uids],
        }
    )


def test_a_pair_supported_by_the_siblings_listed_with_it_beats_an_unsupported_rival() -> None:
    # partner list: 1 (Denys) and 2 (Olha) listed together (group g). Family file: 10 (Denys)
    # and 11 (Olha), siblings. A look-alike: 20 (Denys, another family).
    features = _features(
        {1: "g", 2: "g", 10: "f", 11: "f"},
        {1: "denys:m", 2: "olha:f", 10: "denys:m", 11: "olha:f", 20: "denys:m"},
    )
    pairs = pd.DataFrame([_pair(1, 10, 0.95), _pair(1, 20, 0.93), _pair(2, 11, 0.7)])
    persons = {1: "P1", 2: "P2", 10: "P10", 11: "P11", 20: "P20", 21: "P20"}
    assert promote_unambiguous(kintrace_spec(), pairs, persons)["status"].iat[0] == "pending"
    with_context = promote_unambiguous(kintrace_spec(), pairs, persons, features=features)
    assert with_context["status"].iat[0] == "auto"
    # without the sibling's candidate there is no support, and the look-alike blocks
    alone = promote_unambiguous(kintrace_spec(), pairs.iloc[:2], persons, features=features)
    assert alone["status"].iat[0] == "pending"


def _adoption_pairs() -> tuple[pd.DataFrame, pd.DataFrame, dict[int, str]]:
    """An adoption listing's sibling group (uids 1 and 2, renamed alike, group "listing") and a
    family's file: 10 (Olha) and 11 (Denys), siblings (one surname stem, one father). 2 is
    linked to 11; 1 has a weak candidate 10 and a look-alike 20 (another family)."""
    features = pd.DataFrame(
        {
            "uid": [1, 2, 10, 11, 20],
            "source_kind": ["adoption", "adoption", "family", "family", "family"],
            "group_key": ["listing", "listing", None, None, None],
            "family_stem": ["renamed", "renamed", "kovalenk", "kovalenk", "melnyk"],
            "patronymic_class": ["ivan:m", "ivan:m", "petro:m", "petro:m", "oleh:m"],
            "given_class": ["olha:f", "denys:m", "olha:f", "denys:m", "olha:f"],
        }
    )
    weights = {"mw_given_name": 6.0, "mw_sex": 1.0, "mw_patronymic": 0.0}
    pairs = pd.DataFrame(
        [
            {"uid_l": 2, "uid_r": 11, "match_probability": 0.97, "status": "auto", **weights},
            {"uid_l": 1, "uid_r": 10, "match_probability": 0.2, "status": "pending", **weights},
            {"uid_l": 1, "uid_r": 20, "match_probability": 0.3, "status": "pending", **weights},
        ]
    )
    persons = {1: "P1", 2: "P2", 10: "P10", 11: "P2", 20: "P20"}
    return pairs, features, persons


def test_a_renamed_adoption_record_is_linked_through_its_listed_together_sibling() -> None:
    pairs, features, persons = _adoption_pairs()
    linked = sibling_links(kintrace_spec(), pairs, features, persons)
    assert linked["status"].tolist() == ["auto", "auto", "pending"]


def test_no_sibling_link_without_the_group_or_against_the_evidence() -> None:
    pairs, features, persons = _adoption_pairs()
    off = kintrace_spec(Thresholds(link_renamed_adoption=False))
    assert sibling_links(off, pairs, features, persons)["status"].iat[1] == "pending"
    no_group = features.assign(group_key=None)
    assert sibling_links(kintrace_spec(), pairs, no_group, persons)["status"].iat[1] == "pending"
    other_name = pairs.assign(mw_given_name=[6.0, -6.0, 6.0])
    assert sibling_links(kintrace_spec(), other_name, features, persons)["status"].iat[1] == (
        "pending"
    )
    sibling_unlinked = pairs.assign(status=["pending", "pending", "pending"])
    assert (
        sibling_links(kintrace_spec(), sibling_unlinked, features, persons)["status"].tolist()
        == ["pending"] * 3
    )


def _held(row: dict[str, object], spec: ModelSpec | None = None, off: frozenset[str] = frozenset()):  # type: ignore[no-untyped-def]
    """Rule `0301-renamed` (with its refinement `0322-kept-identity-auto`) on one auto pair:
    its status and the rule that set it."""
    from kintrace.linkage.decide.holds import HOLDS

    spec = spec or kintrace_spec()
    state = rule_state(pd.DataFrame([{**row, "status": "auto"}]), spec=spec, off=off)
    (renamed_hold,) = [h for h in HOLDS if h.id == "0301-renamed"]
    renamed_hold.run(state)
    return state.status[0], state.rule[0]


def test_a_renamed_pair_at_auto_link_that_kept_its_identity_is_not_held() -> None:
    # decision 0322: the probability reached auto-link and the first name, sex and birth date
    # (moved by weeks here) agree: linked, the refinement recorded as what set the status
    sure = {**RENAMED, "match_probability": 0.995, "birth_days_r": 15403.0 + 20}
    assert _held(sure) == ("auto", "0322-kept-identity-auto")
    # switched off, or the organisation wants every renamed record reviewed: held as before
    assert _held(sure, off=frozenset({"0322-kept-identity-auto"})) == ("pending", "0301-renamed")
    assert _held(sure, off=frozenset({"0312-kept-identity"})) == ("pending", "0301-renamed")
    no_links = kintrace_spec(Thresholds(link_renamed_adoption=False))
    assert _held(sure, spec=no_links) == ("pending", "0301-renamed")
    # what it did not keep: months between the dates, another first name
    assert _held({**sure, "birth_days_r": 15403.0 + 200}) == ("pending", "0301-renamed")
    assert _held({**sure, "given_class_r": "iryna:f"}) == ("pending", "0301-renamed")


#: a family report against an adoption-listing record that gave the child a new first name
#: (decision 0359): the surname, father's name and full birth date kept, the first names two
#: different names the tables know (the model's "different" level, held by `0301-first-names`)
NEW_FIRST_NAME = {
    **RENAMED,
    "match_probability": 0.95,
    "given_class_r": "iryna:f",
    "mw_given_name": -6.6,
    "mw_family_name": 11.0,
    "mw_patronymic": 5.6,
}


def _promoted_new_name(
    row: dict[str, object],
    persons: dict[int, str] | None = None,
    off: frozenset[str] = frozenset(),
) -> pd.DataFrame:
    pairs = pd.DataFrame([row])
    state = rule_state(pairs, persons=persons or {1: "P1", 2: "P2"}, off=off)
    promote(state)
    return pairs.assign(status=state.status, rule=state.rule)


def test_a_listing_record_under_another_first_name_is_linked_when_nothing_else_is_against() -> None:
    out = _promoted_new_name(NEW_FIRST_NAME)
    assert out[["status", "rule"]].values.tolist() == [["auto", "0359-new-first-name"]]
    # the same with the sides swapped: the listing's record on the left
    swapped = {
        **NEW_FIRST_NAME,
        "source_kind_l": "adoption",
        "source_kind_r": "family",
        "given_class_l": "iryna:f",
        "given_class_r": "kateryna:f",
    }
    assert _promoted_new_name(swapped)["status"].tolist() == ["auto"]


@pytest.mark.parametrize(
    ("change", "persons"),
    [
        ({}, {1: "P1", 2: "P2", 3: "P2"}),  # the listing's record is not alone in its person
        ({"source_kind_l": "adoption"}, None),  # two listings' records: adoptive siblings
        ({"source_kind_r": "family"}, None),  # no listing: two first names are two children
        ({"mw_birth_place": -3.0}, None),  # another birthplace speaks against it too
        ({"birth_days_r": 15403.0 + 200, "mw_birth_date": -4.0}, None),  # dates months apart
        ({"mw_sex": -8.0}, None),  # the other sex
        ({"mw_family_name": 0.0}, None),  # the surname replaced too: `0301-renamed` holds it
        ({"given_class_r": "iryna"}, None),  # a spelling the tables do not know: not two names
        ({"match_probability": 0.7}, None),  # below the unambiguous rule's floor
    ],
    ids=[
        "not-alone",
        "two-listings",
        "no-listing",
        "birthplace",
        "months-apart",
        "sex",
        "surname-replaced",
        "unknown-name",
        "below-floor",
    ],
)
def test_a_listing_record_under_another_first_name_stays_pending(
    change: dict[str, object], persons: dict[int, str] | None
) -> None:
    out = _promoted_new_name({**NEW_FIRST_NAME, **change}, persons=persons)
    assert out["status"].tolist() == ["pending"]


def test_a_listing_record_under_another_first_name_with_its_date_moved_is_linked() -> None:
    # a listing moves a birth date by weeks or a year as well (decision 0321)
    row = {**NEW_FIRST_NAME, "birth_days_r": 15403.0 + 365, "mw_birth_date": -2.0}
    assert _promoted_new_name(row)["status"].tolist() == ["auto"]


def test_the_new_first_name_rule_can_be_switched_off() -> None:
    off = frozenset({"0359-new-first-name"})
    assert _promoted_new_name(NEW_FIRST_NAME, off=off)["status"].tolist() == ["pending"]
