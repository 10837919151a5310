"""Accounts as the web, the API and the command line need them: who acts, and the demo
accounts. Adding, listing, disabling, resetting and moving users: `kintrace.services.users`.

Also the signed-in user's own account: the second factor's enrolment, API tokens, and the
sign-in's audit entry. The command line acts as its operator (the home agency) or, with
`--user NAME`, in a web user's place: that user's agency scope applies, and the audit log names
both the login and the user.
Every change to an account is written to the audit log here, naming the actor.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kintrace import audit
from kintrace.accounts import demo, tokens, users
from kintrace.accounts.actors import Actor, command_line, of_user
from kintrace.accounts.demo import DemoAccount, DemoOnly
from kintrace.accounts.errors import AccountError
from kintrace.accounts.roles import Role
from kintrace.accounts.users import User, get_user_by_name

__all__ = [
    "AccountError",
    "Actor",
    "DemoAccount",
    "DemoOnly",
    "Role",
    "User",
    "agency_actor",
    "command_actor",
    "command_line",
    "confirm_enrolment",
    "create_demo_accounts",
    "create_token",
    "demo_code",
    "list_tokens",
    "note_sign_in",
    "of_user",
    "revoke_token",
    "synthetic_demo",
]


def command_actor(db: Session, login: str, username: str | None = None) -> Actor:
    """The actor of a command run by `login`, in `username`'s place if given (a disabled user is
    refused: AccountError with a message to show)."""
    if username is None:
        return command_line(login)
    user = get_user_by_name(db, username)
    if user.disabled:
        raise AccountError(f"The user {user.username!r} is disabled; nobody can act as them.")
    return command_line(login, user)


def agency_actor(db: Session, login: str, agency: str | None = None) -> Actor:
    """The command line's operator acting for the agency with code `agency` (the home agency
    when None), e.g. `kintrace import --agency CODE`; an unknown code is an AccountError."""
    if agency is None:
        return command_line(login)
    return Actor(name=login, agency_id=users.agency_id_for(db, agency))


def create_demo_accounts(db: Session, actor: Actor, *, now: datetime) -> list[DemoAccount]:
    """The demo accounts (idempotent); marks the registry as synthetic demo data."""
    made = demo.create_demo_accounts(db, now=now)
    _audit(db, actor, "accounts.demo_accounts", 0, {"users": str(len(made))})
    return made


def demo_code(db: Session, *, username: str, now: datetime) -> str:
    """The current TOTP code of a demo account (DemoOnly outside a demo registry)."""
    return demo.current_code(db, username=username, now=now)


def synthetic_demo(db: Session) -> bool:
    """Whether the registry holds the synthetic demo data (every page shows a banner)."""
    return demo.is_synthetic(db)


def _audit(db: Session, actor: Actor, action: str, user_id: int, details: dict[str, Any]) -> None:
    audit.append(
        db, actor=actor.name, action=action, entity_type="user", entity_id=user_id, details=details
    )


# ------------------------------------------------ the signed-in user's own account


def note_sign_in(db: Session, user: User) -> None:
    """A completed sign-in (password and second factor), in the audit log."""
    _audit(db, of_user(user), "web.sign_in", user.id, {})


def confirm_enrolment(db: Session, user: User, *, code: str, now: datetime) -> list[str]:
    """Confirm the second factor with a code from the app; returns the recovery codes (shown
    once). AccountError with a message to show for a wrong code."""
    codes = users.confirm_enrolment(db, user_id=user.id, code=code, now=now)
    _audit(db, of_user(user), "accounts.totp_enrolled", user.id, {})
    return codes


def list_tokens(db: Session, user: User) -> list[dict[str, object]]:
    """The user's API tokens (labels and dates; never the secret)."""
    return tokens.list_tokens(db, user.id)


def create_token(db: Session, user: User, *, label: str, now: datetime) -> str:
    """A new API token for the user; the secret is returned once and stored only hashed."""
    secret = tokens.create_token(db, user_id=user.id, label=label or "script", now=now)
    _audit(db, of_user(user), "accounts.token_created", user.id, {})
    return secret


def revoke_token(db: Session, user: User, *, token_id: int, now: datetime) -> bool:
    """Revoke one of the user's tokens; False when the user has no such token."""
    if not tokens.revoke_token(db, user_id=user.id, token_id=token_id, now=now):
        return False
    _audit(db, of_user(user), "accounts.token_revoked", user.id, {"token_id": token_id})
    return True
