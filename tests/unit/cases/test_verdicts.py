"""Rules for people's verdicts on pairs: reasons, the two-person rule, undo by replay, ranking."""

from __future__ import annotations

import pytest

from kintrace.cases import (
    DecisionRefused,
    PairState,
    PairStatus,
    RecordKey,
    ReviewPolicy,
    Verdict,
    VerdictFact,
    apply_verdict,
    check_reason,
    ordered_pair,
    parse_record_key,
    replay,
    review_priority,
)

S, D, U = Verdict.SAME, Verdict.DIFFERENT, Verdict.UNSURE
POLICY = ReviewPolicy(auto_link_threshold=0.95, review_floor=0.5)


@pytest.mark.parametrize(
    ("text", "expected", "why"),
    [
        ("fam:FR-1", RecordKey("fam", "FR-1"), "plain key"),
        (" fam : 12 ", RecordKey("fam", "12"), "spaces around parts are dropped"),
        ("partner:urn:x:9", RecordKey("partner", "urn:x:9"), "the id may hold colons"),
    ],
)
def test_parse_record_key(text: str, expected: RecordKey, why: str) -> None:
    assert parse_record_key(text) == expected, why


@pytest.mark.parametrize("text", ["fam", ":12", "fam:", "", "  :  "])
def test_parse_record_key_refuses_malformed(text: str) -> None:
    with pytest.raises(ValueError, match="SOURCE:ID"):
        parse_record_key(text)


def test_ordered_pair_is_one_order_and_refuses_a_record_with_itself() -> None:
    a, b = RecordKey("a", "1"), RecordKey("b", "1")
    assert ordered_pair(a, b) == ordered_pair(b, a) == (a, b)
    with pytest.raises(DecisionRefused, match="two different records"):
        ordered_pair(a, a)


@pytest.mark.parametrize(
    ("verdict", "probability", "note", "refused", "why"),
    [
        (D, 0.97, "", True, "rejecting what the model would auto-link needs a reason"),
        (D, 0.95, "  ", True, "at the threshold counts; blank is no reason"),
        (D, 0.97, "different birth certificates", False, "a reason is given"),
        (D, 0.80, "", False, "inside the review band no reason is needed"),
        (D, None, "", False, "a pair the model never scored"),
        (S, 0.99, "", False, "confirming needs no reason"),
        (U, 0.99, "", False, "cannot tell needs no reason"),
    ],
)
def test_reason_rule(
    verdict: Verdict, probability: float | None, note: str, refused: bool, why: str
) -> None:
    if refused:
        with pytest.raises(DecisionRefused, match="--note"):
            check_reason(verdict, probability=probability, note=note, policy=POLICY)
    else:
        check_reason(verdict, probability=probability, note=note, policy=POLICY)


@pytest.mark.parametrize(
    ("kinds", "rule_on", "expected", "why"),
    [
        (("family_report", "camp_list"), True, True, "a report against the other side"),
        (("adoption_listing", "family_report"), True, True, "order does not matter"),
        (("family_report", "family_report"), True, False, "a family reporting twice"),
        (("camp_list", "adoption_listing"), True, False, "no family report involved"),
        (
            ("family_report", "state_registry"),
            True,
            False,
            "our own registry is not the other side",
        ),
        (("family", "camp"), True, True, "the registry's spelling of the kinds"),
        (("partner_list", "family"), True, True, "partner lists come from the other side"),
        (("family_report", "camp_list"), False, False, "the rule switched off"),
        ((None, "camp_list"), True, False, "unknown kind"),
    ],
)
def test_two_person_rule_applies_to(
    kinds: tuple[str | None, str | None], rule_on: bool, expected: bool, why: str
) -> None:
    policy = ReviewPolicy(two_person_rule=rule_on)
    assert policy.needs_two_people(*kinds) is expected, why


P, AW, CF, RJ, UN = (
    PairStatus.PENDING,
    PairStatus.AWAITING_SECOND,
    PairStatus.CONFIRMED,
    PairStatus.REJECTED,
    PairStatus.UNSURE,
)


@pytest.mark.parametrize(
    ("state", "verdict", "reviewer", "two", "expected", "why"),
    [
        (PairState(), S, "ann", False, CF, "one reviewer confirms"),
        (PairState(), S, "ann", True, AW, "first of two"),
        (PairState(AW, "ann"), S, "bob", True, CF, "second, different reviewer confirms"),
        (PairState(AW, "ann"), D, "bob", True, RJ, "a disagreement never confirms"),
        (PairState(AW, "ann"), U, "bob", True, UN, "second cannot tell"),
        (PairState(), D, "ann", True, RJ, "one rejection is enough"),
        (PairState(), U, "ann", False, UN, "cannot tell"),
        (PairState(CF), D, "ann", False, RJ, "a later verdict overrides"),
        (PairState(CF, "ann"), S, "carol", True, CF, "a third 'same' keeps the confirmation"),
        (PairState(RJ), S, "ann", True, AW, "overturning a rejection needs two people too"),
    ],
)
def test_apply_verdict(
    state: PairState, verdict: Verdict, reviewer: str, two: bool, expected: PairStatus, why: str
) -> None:
    assert apply_verdict(state, verdict, reviewer=reviewer, two_people=two).status is expected, why


def test_same_reviewer_cannot_be_both_people() -> None:
    with pytest.raises(DecisionRefused, match="second, different reviewer"):
        apply_verdict(PairState(AW, "ann"), S, reviewer="ann", two_people=True)


@pytest.mark.parametrize(
    ("facts", "two", "expected", "why"),
    [
        ([], True, P, "nothing decided"),
        ([VerdictFact(S, "ann")], True, AW, "first confirmation"),
        ([VerdictFact(S, "ann"), VerdictFact(S, "bob")], True, CF, "two people"),
        ([VerdictFact(S, "ann"), VerdictFact(S, "bob", undone=True)], True, AW, "second undone"),
        ([VerdictFact(D, "ann", undone=True)], False, P, "undo returns the pair to the queue"),
        ([VerdictFact(S, "ann"), VerdictFact(S, "ann")], True, AW, "same person twice is skipped"),
        ([VerdictFact(D, "ann"), VerdictFact(S, "bob")], False, CF, "the last verdict counts"),
    ],
)
def test_replay(facts: list[VerdictFact], two: bool, expected: PairStatus, why: str) -> None:
    assert replay(facts, two_people=two).status is expected, why


@pytest.mark.parametrize(
    ("higher", "lower", "why"),
    [
        ((0.725, False), (0.9, False), "the middle of the band before its edge"),
        ((0.725, False), (0.55, False), "the middle before the floor"),
        ((0.9, True), (0.725, False), "touching an open case comes first"),
        ((0.7, False), (None, False), "unscored pairs last"),
    ],
)
def test_review_priority(
    higher: tuple[float | None, bool], lower: tuple[float | None, bool], why: str
) -> None:
    def rank(p: tuple[float | None, bool]) -> float:
        return review_priority(p[0], policy=POLICY, touches_open_case=p[1])

    assert rank(higher) > rank(lower), why


def test_spot_check_sample_is_stable_and_about_the_rate() -> None:
    pairs = [(RecordKey("fam", str(i)), RecordKey("camp", str(i))) for i in range(4000)]
    tenth = ReviewPolicy(spot_check_rate=0.1)
    chosen = [p for p in pairs if tenth.spot_checked(*p)]
    assert 300 < len(chosen) < 500  # a hash, not a coin: the same pairs every time
    assert chosen == [p for p in pairs if tenth.spot_checked(*p)]
    assert not any(ReviewPolicy().spot_checked(*p) for p in pairs[:100])  # off by default
    assert all(ReviewPolicy(spot_check_rate=1.0).spot_checked(*p) for p in pairs[:100])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"spot_check_rate": 1.5}, "spot_check_rate is a share"),
        ({"lease_seconds": 0}, "lease_seconds must be positive"),
        ({"review_floor": 0.9, "auto_link_threshold": 0.8}, "review floor <= auto-link"),
    ],
)
def test_policy_refuses_impossible_settings(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ReviewPolicy(**kwargs)  # type: ignore[arg-type]
