"""Accounts as the web, the API and the command line need them: who acts, and the demo
accounts. Adding, listing, disabling, resetting and moving users: `kintrace.services.users`.

The command line acts as its operator (the home agency) or, with `--user NAME`, in a web user's
place: that user's agency scope applies, and the audit log names both the login and the user.
Every change to an account is written to the audit log here, naming the actor.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from kintrace import audit
from kintrace.accounts import demo
from kintrace.accounts.actors import Actor, command_line
from kintrace.accounts.demo import DemoAccount, DemoOnly
from kintrace.accounts.errors import AccountError
from kintrace.accounts.users import get_user_by_name

__all__ = [
    "AccountError",
    "DemoAccount",
    "DemoOnly",
    "command_actor",
    "create_demo_accounts",
    "demo_code",
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


def _audit(db: Session, actor: Actor, action: str, user_id: int, details: dict[str, str]) -> None:
    audit.append(
        db, actor=actor.name, action=action, entity_type="user", entity_id=user_id, details=details
    )
