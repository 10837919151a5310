"""Accounts as the other services need them: who acts.

The command line acts as its operator (the home agency) or, with `--user NAME`, in a web user's
place: that user's agency scope applies, and the audit log names both the login and the user.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from kintrace.accounts.actors import Actor, command_line
from kintrace.accounts.errors import AccountError
from kintrace.accounts.users import get_user_by_name


def command_actor(db: Session, login: str, username: str | None = None) -> Actor:
    """The actor of a command run by `login`, in `username`'s place if given (a disabled user is
    refused: AccountError with a message to show)."""
    if username is None:
        return command_line(login)
    user = get_user_by_name(db, username)
    if user.disabled:
        raise AccountError(f"The user {user.username!r} is disabled; nobody can act as them.")
    return command_line(login, user)
