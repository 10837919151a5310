"""The roles the case workflow knows, spelled exactly as the accounts module spells them.

The core keeps its own copy so that it imports no adapter; a unit test checks both agree.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    CASEWORKER = "caseworker"
    REVIEWER = "reviewer"
    ANALYST = "analyst"
    INVESTIGATOR = "investigator"


def parse_role(value: str) -> Role:
    """The role named by `value` (case-insensitive), or a ValueError naming the allowed ones."""
    try:
        return Role(value.strip().lower())
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise ValueError(f"unknown role {value!r}; expected one of: {allowed}") from None


# Who may give a verdict on a pair of records (same / different / cannot tell).
DECIDING_ROLES: frozenset[Role] = frozenset({Role.ADMIN, Role.REVIEWER})
# Who may open a case and be assigned one.
CASE_ROLES: frozenset[Role] = frozenset({Role.ADMIN, Role.CASEWORKER})
# Who may read a case with names in it (the analyst sees aggregate figures only).
CASE_READERS: frozenset[Role] = frozenset(
    {Role.ADMIN, Role.CASEWORKER, Role.REVIEWER, Role.INVESTIGATOR}
)
