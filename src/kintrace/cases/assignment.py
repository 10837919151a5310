"""Who may assign a case to whom.

A case is worked by one caseworker at a time. An admin assigns any case; a caseworker may take
an unassigned case or hand over a case assigned to them; nobody else assigns. Only a caseworker
or an admin can hold a case.
"""

from __future__ import annotations

from kintrace.cases.errors import AssignmentRefused
from kintrace.cases.roles import CASE_ROLES, Role


def check_assignment(
    *, actor: str, actor_role: Role, assignee: str, assignee_role: Role | None, current: str | None
) -> None:
    """Raise AssignmentRefused unless `actor` may give the case held by `current` to `assignee`."""
    if assignee_role is None:
        raise AssignmentRefused(
            f"Refused assignment: there is no user '{assignee}'; "
            "give the user name of an existing caseworker."
        )
    if assignee_role not in CASE_ROLES:
        raise AssignmentRefused(
            f"Refused assignment: the user '{assignee}' has the role '{assignee_role.value}'; "
            "a case can be assigned only to a caseworker or an admin."
        )
    if actor_role is Role.ADMIN:
        return
    if actor_role is not Role.CASEWORKER:
        raise AssignmentRefused(
            f"Refused assignment: the role '{actor_role.value}' may not assign cases; "
            "roles that may: admin, caseworker."
        )
    if current is not None and current != actor:
        raise AssignmentRefused(
            "Refused assignment: the case is assigned to another caseworker; "
            "only they or an admin may hand it over."
        )
