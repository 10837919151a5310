from __future__ import annotations

import pytest

from kintrace.accounts.roles import Role as AccountRole
from kintrace.cases import AssignmentRefused, Role, check_assignment, parse_role


def test_case_roles_are_spelled_as_the_accounts_module_spells_them() -> None:
    assert {r.value for r in Role} == {r.value for r in AccountRole}


def test_parse_role() -> None:
    assert parse_role(" Caseworker ") is Role.CASEWORKER
    with pytest.raises(ValueError, match="expected one of: admin"):
        parse_role("boss")


C, A, REV = Role.CASEWORKER, Role.ADMIN, Role.REVIEWER


@pytest.mark.parametrize(
    ("actor", "actor_role", "assignee", "assignee_role", "current", "refusal", "why"),
    [
        ("adm", A, "cw1", C, "cw2", None, "an admin assigns any case"),
        ("cw1", C, "cw1", C, None, None, "a caseworker takes an unassigned case"),
        ("cw1", C, "cw2", C, "cw1", None, "a caseworker hands over their own case"),
        ("cw1", C, "cw1", C, "cw2", "another caseworker", "not someone else's case"),
        ("rev", REV, "cw1", C, None, "may not assign", "reviewers do not assign"),
        ("adm", A, "rev", REV, None, "only to a caseworker", "cases go to caseworkers"),
        ("adm", A, "ghost", None, None, "no user", "unknown user"),
    ],
)
def test_assignment_rules(
    actor: str,
    actor_role: Role,
    assignee: str,
    assignee_role: Role | None,
    current: str | None,
    refusal: str | None,
    why: str,
) -> None:
    kwargs = {
        "actor": actor,
        "actor_role": actor_role,
        "assignee": assignee,
        "assignee_role": assignee_role,
        "current": current,
    }
    if refusal is None:
        check_assignment(**kwargs)  # type: ignore[arg-type]
    else:
        with pytest.raises(AssignmentRefused, match=refusal):
            check_assignment(**kwargs)  # type: ignore[arg-type]
