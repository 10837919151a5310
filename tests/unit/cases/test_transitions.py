"""The case transition table: one row per move, with the reason the rule exists."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from kintrace.cases import (
    RULES,
    CaseState,
    Change,
    Facet,
    Identity,
    ReturnStage,
    Role,
    TransitionRefused,
    Whereabouts,
    allowed_moves,
    apply,
)

TODAY = date(2026, 11, 29)
FRESH = CaseState()
VERIFIED = replace(FRESH, identity=Identity.VERIFIED)
LOCATED = replace(FRESH, whereabouts=Whereabouts.KNOWN, place="(synthetic place)", place_date=TODAY)
READY = replace(VERIFIED, whereabouts=Whereabouts.KNOWN, place="(p)", place_date=TODAY)


def at(stage: str, base: CaseState = READY) -> CaseState:
    return replace(
        base, return_stage=ReturnStage(stage), closed_reason="r" if stage == "closed" else None
    )


C, A, REV, AN, INV = Role.CASEWORKER, Role.ADMIN, Role.REVIEWER, Role.ANALYST, Role.INVESTIGATOR
IDN, W, R = Facet.IDENTITY, Facet.WHEREABOUTS, Facet.RETURN
PLACE = {"place": "(synthetic place)", "on": date(2026, 10, 1)}

ALLOWED = [
    # (state, role, facet, to, extra change fields, why)
    (FRESH, C, IDN, "verified", {"note": "documents seen"}, "caseworker verifies with evidence"),
    (FRESH, C, IDN, "verified", {"decision_id": 7}, "a confirmed decision is evidence enough"),
    (VERIFIED, A, IDN, "reported", {"note": "match was wrong"}, "a wrong verification is reverted"),
    (FRESH, INV, W, "known", PLACE, "an investigator locates the child"),
    (LOCATED, C, W, "known", PLACE, "the child moved: a new place and date"),
    (LOCATED, C, W, "unknown", {"note": "lost track"}, "whereabouts can be lost again"),
    (READY, C, R, "requested", {}, "identified and located: return can be requested"),
    (at("requested"), C, R, "in_negotiation", {}, "one step forward"),
    (at("requested"), C, R, "not_started", {"note": "withdrawn"}, "a request withdrawn"),
    (at("in_negotiation"), C, R, "in_progress", {}, "agreement reached"),
    (at("in_negotiation"), C, R, "requested", {"note": "talks broke"}, "a step back"),
    (at("in_progress"), C, R, "returned", {}, "the child is home"),
    (at("in_progress"), A, R, "in_negotiation", {"note": "setback"}, "a step back"),
    (at("returned"), C, R, "closed", {"reason": "reunited"}, "a returned case is closed"),
    (FRESH, C, R, "closed", {"reason": "duplicate case"}, "any open case can be closed"),
    (at("closed"), A, R, "not_started", {"note": "new information"}, "an admin reopens"),
]


@pytest.mark.parametrize(("state", "role", "facet", "to", "extra", "why"), ALLOWED)
def test_allowed_transition(
    state: CaseState, role: Role, facet: Facet, to: str, extra: dict[str, object], why: str
) -> None:
    after = apply(state, Change(facet, to, **extra), role=role, today=TODAY)  # type: ignore[arg-type]
    assert after.state_of(facet) == to, why


REFUSED = [
    # (state, role, facet, to, extra, words the message must contain, why)
    (
        FRESH,
        C,
        R,
        "returned",
        {},
        ["return 'not_started' -> 'returned'", "requested, closed"],
        "no jumping to the end",
    ),
    (
        FRESH,
        C,
        R,
        "requested",
        {},
        ["identity must be verified", "whereabouts must be known"],
        "a return needs a known child at a known place",
    ),
    (VERIFIED, C, R, "requested", {}, ["whereabouts must be known"], "located first"),
    (
        FRESH,
        REV,
        IDN,
        "verified",
        {"note": "x"},
        ["role 'reviewer'", "admin, caseworker"],
        "reviewers decide pairs, not cases",
    ),
    (FRESH, AN, W, "known", PLACE, ["role 'analyst'"], "analysts see aggregates only"),
    (FRESH, INV, R, "closed", {"reason": "x"}, ["role 'investigator'"], "investigators locate"),
    (FRESH, C, IDN, "verified", {}, ["needs a note"], "verification needs evidence"),
    (
        FRESH,
        C,
        W,
        "known",
        {"place": "p"},
        ["the date the child was known"],
        "a place needs a date",
    ),
    (FRESH, C, W, "known", {"on": TODAY}, ["the place"], "a date needs a place"),
    (
        FRESH,
        C,
        W,
        "known",
        {"place": "p", "on": date(2027, 1, 1)},
        ["in the future"],
        "no future dates",
    ),
    (FRESH, C, R, "closed", {}, ["reason for closing"], "closing needs a reason"),
    (
        at("closed"),
        C,
        R,
        "not_started",
        {"note": "x"},
        ["role 'caseworker'", "admin"],
        "only an admin reopens",
    ),
    (at("closed"), C, W, "known", PLACE, ["case is closed", "reopen"], "closed cases are frozen"),
    (at("returned"), C, R, "in_progress", {}, ["From 'returned'", "closed"], "returned is done"),
    (at("requested"), C, R, "not_started", {}, ["needs a note"], "a step back needs a note"),
    (FRESH, C, IDN, "reported", {"note": "x"}, ["not an allowed transition"], "already reported"),
    (FRESH, C, R, "finished", {}, ["not a return state", "in_negotiation"], "unknown state"),
    (LOCATED, C, W, "unknown", {}, ["needs a note"], "losing track needs a note"),
]


@pytest.mark.parametrize(("state", "role", "facet", "to", "extra", "words", "why"), REFUSED)
def test_refused_transition_says_what_and_why(
    state: CaseState,
    role: Role,
    facet: Facet,
    to: str,
    extra: dict[str, object],
    words: list[str],
    why: str,
) -> None:
    with pytest.raises(TransitionRefused) as refused:
        apply(state, Change(facet, to, **extra), role=role, today=TODAY)  # type: ignore[arg-type]
    message = str(refused.value)
    assert message.startswith("Refused"), why
    for word in words:
        assert word in message, (why, message)


def test_place_never_quoted_in_refusals() -> None:
    secret = "Synthetic-Place-Name"
    with pytest.raises(TransitionRefused) as refused:
        apply(FRESH, Change(W, "known", place=secret), role=C, today=TODAY)
    assert secret not in str(refused.value)


def test_whereabouts_known_keeps_place_and_date_and_unknown_clears_them() -> None:
    known = apply(FRESH, Change(W, "known", place=" Somewhere ", on=TODAY), role=C, today=TODAY)
    assert (known.place, known.place_date) == ("Somewhere", TODAY)
    lost = apply(known, Change(W, "unknown", note="moved away"), role=C, today=TODAY)
    assert (lost.place, lost.place_date) == (None, None)


def test_closing_keeps_reason_and_reopening_clears_it() -> None:
    closed = apply(FRESH, Change(R, "closed", reason="duplicate"), role=C, today=TODAY)
    assert closed.closed_reason == "duplicate"
    reopened = apply(closed, Change(R, "not_started", note="not a duplicate"), role=A, today=TODAY)
    assert reopened.closed_reason is None


def test_every_rule_is_reachable_by_its_roles_and_no_other() -> None:
    for rule in RULES:
        for role in Role:
            state = replace(READY, return_stage=ReturnStage.NOT_STARTED)
            if rule.facet is R:
                state = at(rule.source)
            elif rule.facet is IDN:
                state = replace(READY, identity=Identity(rule.source))
            else:
                state = replace(READY, whereabouts=Whereabouts(rule.source))
            moves = allowed_moves(state, role)
            assert (rule in moves) == (role in rule.roles), (rule, role)


def test_allowed_moves_hide_what_preconditions_forbid() -> None:
    targets = {(m.facet, m.target) for m in allowed_moves(FRESH, C)}
    assert (R, "requested") not in targets
    assert (R, "closed") in targets
    assert allowed_moves(FRESH, AN) == []
