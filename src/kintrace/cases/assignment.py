"""Who may assign a case to whom.

A case is worked by one caseworker at a time. An admin assigns any case; a caseworker may take
an unassigned case or hand over a case assigned to them; nobody else assigns. Only a caseworker
or an admin can hold a case.
"""

from __future__ import annotations

from kintrace.cases import refusals
from kintrace.cases.errors import AssignmentRefused
from kintrace.cases.roles import CASE_ROLES, Role


def check_assignment(
    *, actor: str, actor_role: Role, assignee: str, assignee_role: Role | None, current: str | None
) -> None:
    """Raise AssignmentRefused unless `actor` may give the case held by `current` to `assignee`."""
    if assignee_role is None:
        raise AssignmentRefused(refusals.NO_SUCH_USER.format(name=assignee))
    if assignee_role not in CASE_ROLES:
        raise AssignmentRefused(
            refusals.NOT_A_CASE_ROLE.format(name=assignee, role=assignee_role.value)
        )
    if actor_role is Role.ADMIN:
        return
    if actor_role is not Role.CASEWORKER:
        raise AssignmentRefused(refusals.ROLE_MAY_NOT_ASSIGN.format(role=actor_role.value))
    if current is not None and current != actor:
        raise AssignmentRefused(refusals.ASSIGNED_TO_ANOTHER)
