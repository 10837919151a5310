"""The refusals of the case rules and of the review services are written once (issue 17,
decision 0909): `kintrace.cases.refusals` and `kintrace.review.refusals` hold the templates, the
rules and services fill them in and write none of their own, and the text reads as before."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from tests.support.own_words import carried_own_words

from kintrace.cases import (
    CaseState,
    Change,
    Facet,
    Role,
    WorkflowRefused,
    check,
    check_assignment,
    refusals,
)
from kintrace.review import refusals as review_refusals

SRC = Path(refusals.__file__).parents[1]
#: The modules that refuse, and the errors that carry a refusal.
WRITERS = (
    "cases/transitions.py", "cases/assignment.py", "cases/verdicts.py",
    "review/decisions.py", "review/casework.py", "review/queue.py", "services/cases.py",
)  # fmt: skip
CARRIERS = frozenset(
    {"TransitionRefused", "AssignmentRefused", "DecisionRefused", "WorkflowRefused", "Precondition"}
)


def test_the_rules_and_services_write_no_refusal_of_their_own() -> None:
    found: dict[str, int] = {}
    for name in WRITERS:
        if calls := len(list(carried_own_words(SRC / name, CARRIERS))):
            found[name] = calls
    assert found == {}, "write the refusal in cases/refusals.py or review/refusals.py"


TODAY = date(2026, 3, 1)


@pytest.mark.parametrize(
    ("state", "change", "role", "written"),
    [
        (CaseState(), Change(Facet.IDENTITY, "nowhere"), Role.CASEWORKER,
         "Refused identity 'reported' -> 'nowhere': 'nowhere' is not a identity state; expected "
         "one of: reported, verified."),
        (CaseState(), Change(Facet.RETURN, "returned"), Role.CASEWORKER,
         "Refused return 'not_started' -> 'returned': not an allowed transition. From "
         "'not_started' the return may move to: requested, closed."),
        (CaseState(), Change(Facet.WHEREABOUTS, "known"), Role.ANALYST,
         "Refused whereabouts 'unknown' -> 'known': the role 'analyst' may not make this "
         "transition; roles that may: admin, caseworker, investigator."),
        (CaseState(), Change(Facet.WHEREABOUTS, "known"), Role.CASEWORKER,
         "Refused whereabouts 'unknown' -> 'known': it needs the date the child was known to be "
         "there (--on YYYY-MM-DD), and the place (--place)."),
        (CaseState(), Change(Facet.RETURN, "requested"), Role.CASEWORKER,
         "Refused return 'not_started' -> 'requested': the child's identity must be verified "
         "first; the child's whereabouts must be known first."),
    ],
)  # fmt: skip
def test_move_refusals_read_as_before(
    state: CaseState, change: Change, role: Role, written: str
) -> None:
    with pytest.raises(WorkflowRefused) as refused:
        check(state, change, role=role, today=TODAY)
    assert str(refused.value) == written


def test_assignment_refusal_reads_as_before() -> None:
    with pytest.raises(WorkflowRefused) as refused:
        check_assignment(
            actor="me", actor_role=Role.CASEWORKER, assignee="synthetic.user",
            assignee_role=Role.ANALYST, current=None,
        )  # fmt: skip
    assert str(refused.value) == (
        "Refused assignment: the user 'synthetic.user' has the role 'analyst'; a case can be "
        "assigned only to a caseworker or an admin."
    )


def test_every_template_is_listed_and_named_only() -> None:
    for module, listed in (
        (refusals, {*refusals.REFUSALS, *refusals.PHRASES}),
        (review_refusals, set(review_refusals.REFUSALS)),
    ):
        written = {v for k, v in vars(module).items() if k.isupper() and isinstance(v, str)}
        assert written - listed == set(), module.__name__
    assert set(refusals.NEEDS.values()) <= set(refusals.PHRASES)
