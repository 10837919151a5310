"""The roles a user can hold. What each role may do is decided by the web policy table."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """One role per user; a person needing two roles gets two accounts (separation of duties)."""

    ADMIN = "admin"
    CASEWORKER = "caseworker"
    REVIEWER = "reviewer"
    ANALYST = "analyst"  # aggregate figures only, never a name
    INVESTIGATOR = "investigator"

    @classmethod
    def parse(cls, value: str) -> Role:
        try:
            return cls(value.strip().lower())
        except ValueError:
            allowed = ", ".join(r.value for r in cls)
            raise ValueError(f"unknown role {value!r}; expected one of: {allowed}") from None
