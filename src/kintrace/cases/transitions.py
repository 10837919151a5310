"""Which facet changes are allowed, for whom, and with what justification.

The rules are one table (`RULES`): a row per allowed move of a facet. Anything not in the table
is refused with a message that names the transition, the state it starts from and the moves that
are allowed from there. Cross-facet rules (a return can only be requested for a child whose
identity is verified and whereabouts known) sit in the same row as plain predicates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from kintrace.cases import refusals
from kintrace.cases.errors import TransitionRefused
from kintrace.cases.facets import (
    FACET_STATES,
    CaseState,
    Change,
    Facet,
    Identity,
    ReturnStage,
    Whereabouts,
)
from kintrace.cases.roles import Role

IDN, WHR, RET = Facet.IDENTITY, Facet.WHEREABOUTS, Facet.RETURN
CASEWORK = frozenset({Role.ADMIN, Role.CASEWORKER})
LOCATORS = frozenset({Role.ADMIN, Role.CASEWORKER, Role.INVESTIGATOR})
ADMIN_ONLY = frozenset({Role.ADMIN})


@dataclass(frozen=True)
class Precondition:
    """A fact about the whole case that a move needs, with the words to explain a refusal."""

    holds: Callable[[CaseState], bool]
    explanation: str


IDENTITY_VERIFIED = Precondition(
    lambda s: s.identity is Identity.VERIFIED, refusals.IDENTITY_NOT_VERIFIED
)
WHEREABOUTS_KNOWN = Precondition(
    lambda s: s.whereabouts is Whereabouts.KNOWN, refusals.WHEREABOUTS_NOT_KNOWN
)


@dataclass(frozen=True)
class Rule:
    facet: Facet
    source: str
    target: str
    roles: frozenset[Role]
    needs: frozenset[str] = frozenset()  # of "note", "place", "on", "reason"
    requires: tuple[Precondition, ...] = ()


def _rule(
    facet: Facet,
    source: str,
    target: str,
    roles: frozenset[Role],
    needs: str = "",
    requires: tuple[Precondition, ...] = (),
) -> Rule:
    return Rule(facet, source, target, roles, frozenset(needs.split()), requires)


_OPEN_STAGES = ("not_started", "requested", "in_negotiation", "in_progress", "returned")

RULES: tuple[Rule, ...] = (
    # identity: verification needs the evidence in the note (or a confirmed decision, see below)
    _rule(IDN, "reported", "verified", CASEWORK, "note"),
    _rule(IDN, "verified", "reported", CASEWORK, "note"),
    # whereabouts: a place and a date, also to record a move from one known place to another
    _rule(WHR, "unknown", "known", LOCATORS, "place on"),
    _rule(WHR, "known", "known", LOCATORS, "place on"),
    _rule(WHR, "known", "unknown", LOCATORS, "note"),
    # return: forward one step at a time; a step back needs a note; closing needs a reason
    _rule(RET, "not_started", "requested", CASEWORK, "", (IDENTITY_VERIFIED, WHEREABOUTS_KNOWN)),
    _rule(RET, "requested", "in_negotiation", CASEWORK),
    _rule(RET, "requested", "not_started", CASEWORK, "note"),
    _rule(RET, "in_negotiation", "in_progress", CASEWORK, "", (WHEREABOUTS_KNOWN,)),
    _rule(RET, "in_negotiation", "requested", CASEWORK, "note"),
    _rule(RET, "in_progress", "returned", CASEWORK, "", (IDENTITY_VERIFIED,)),
    _rule(RET, "in_progress", "in_negotiation", CASEWORK, "note"),
    *(_rule(RET, stage, "closed", CASEWORK, "reason") for stage in _OPEN_STAGES),
    _rule(RET, "closed", "not_started", ADMIN_ONLY, "note"),
)

_BY_KEY: dict[tuple[Facet, str, str], Rule] = {(r.facet, r.source, r.target): r for r in RULES}


def rules_from(facet: Facet, source: str) -> list[Rule]:
    return [r for r in RULES if r.facet is facet and r.source == source]


def allowed_moves(state: CaseState, role: Role) -> list[Rule]:
    """The moves `role` may make from `state` now (preconditions included), for menus and help."""
    return [
        r
        for facet in Facet
        for r in rules_from(facet, state.state_of(facet))
        if role in r.roles and all(p.holds(state) for p in r.requires) and _not_closed_for(state, r)
    ]


def _not_closed_for(state: CaseState, rule: Rule) -> bool:
    return state.return_stage is not ReturnStage.CLOSED or rule.facet is Facet.RETURN


def _roles_text(roles: frozenset[Role]) -> str:
    return ", ".join(sorted(r.value for r in roles))


def check(state: CaseState, change: Change, *, role: Role, today: date) -> Rule:
    """The rule that allows `change` by `role` from `state`, or TransitionRefused saying why not."""
    facet = change.facet
    source = state.state_of(facet)
    what = {"facet": facet.value, "source": source, "to": change.to}
    if change.to not in FACET_STATES[facet]:
        raise TransitionRefused(
            refusals.move(refusals.NOT_A_STATE, **what, expected=", ".join(FACET_STATES[facet]))
        )
    rule = _BY_KEY.get((facet, source, change.to))
    if rule is None:
        targets = [r.target for r in rules_from(facet, source)]
        allowed = ", ".join(targets) if targets else "nothing (it is final)"
        raise TransitionRefused(refusals.move(refusals.NOT_ALLOWED, **what, allowed=allowed))
    if role not in rule.roles:
        raise TransitionRefused(
            refusals.move(
                refusals.ROLE_MAY_NOT_MOVE, **what, role=role.value, roles=_roles_text(rule.roles)
            )
        )
    if not _not_closed_for(state, rule):
        raise TransitionRefused(refusals.move(refusals.CASE_CLOSED, **what))
    unmet = [p.explanation for p in rule.requires if not p.holds(state)]
    if unmet:
        raise TransitionRefused(refusals.move(refusals.UNMET, **what, unmet="; ".join(unmet)))
    _check_needs(rule, change, what=what, today=today)
    return rule


def _check_needs(rule: Rule, change: Change, *, what: dict[str, str], today: date) -> None:
    given = {
        "note": bool(change.note.strip())
        or (rule.target == Identity.VERIFIED and change.decision_id is not None),
        "place": bool((change.place or "").strip()),
        "on": change.on is not None,
        "reason": bool((change.reason or "").strip()),
    }
    missing = [refusals.NEEDS[n] for n in sorted(rule.needs) if not given[n]]
    if missing:
        raise TransitionRefused(
            refusals.move(refusals.NEEDS_MORE, **what, needs=", and ".join(missing))
        )
    if change.on is not None and change.on > today:
        raise TransitionRefused(refusals.move(refusals.DATE_IN_FUTURE, **what))


def apply(state: CaseState, change: Change, *, role: Role, today: date) -> CaseState:
    """The case after `change`, checked by `check`; the input state is not modified."""
    check(state, change, role=role, today=today)
    if change.facet is Facet.IDENTITY:
        return replace(state, identity=Identity(change.to))
    if change.facet is Facet.WHEREABOUTS:
        if change.to == Whereabouts.KNOWN:
            place = (change.place or "").strip()
            return replace(state, whereabouts=Whereabouts.KNOWN, place=place, place_date=change.on)
        return replace(state, whereabouts=Whereabouts.UNKNOWN, place=None, place_date=None)
    stage = ReturnStage(change.to)
    reason = (change.reason or "").strip() if stage is ReturnStage.CLOSED else None
    return replace(state, return_stage=stage, closed_reason=reason)
