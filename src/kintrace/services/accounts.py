"""Accounts as the web, the API and the command line need them: who acts, and the demo
accounts. Adding, listing, disabling, resetting and moving users: `kintrace.services.users`.

Also the signed-in user's own account: the second factor's enrolment, API tokens, and the
sign-in's audit entry. Who a command acts as (`command_actor`, one rule for every command,
decision 0424): the user named by `--user`/`--as` or KINTRACE_USER, in that user's place (their
agency's scope and the web's role checks, the audit log naming both the login and the user), or
nobody named, the installation's operator.
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
from kintrace.services import access

__all__ = [
    "AccountError",
    "Actor",
    "DemoAccount",
    "DemoOnly",
    "NotAllowed",
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
    "operator",
    "revoke_token",
    "synthetic_demo",
]


class NotAllowed(AccountError):
    """The user named on the command line may not do this (their role, as on the web)."""


#: How to name oneself on the command line: every refusal about who acts ends with it.
HOW_TO_NAME = (
    "Name yourself with --user USER (or --as USER) or, for the whole shell session, "
    "export KINTRACE_USER=USER; `kintrace users list` lists the users (README, 'The command line')."
)


def command_actor(
    db: Session, login: str | None, named: str | None = None, *, action: str | None = None
) -> Actor:
    """Who a command acts as: the one rule of the command line (decision 0424).

    - `named` (the command's `--user`/`--as`, or KINTRACE_USER): the command acts in that
      user's place, with their role and their agency's scope, and is allowed `action` only if
      the web allows it to their role (`kintrace.services.access.ACTIONS`); the audit log names
      "cli:LOGIN as USER", review and case work is recorded under USER. An unknown or disabled
      user is refused (AccountError), a role the action is not for too (NotAllowed).
    - nobody named: the installation's operator (no role, every agency: they hold the database),
      audited as "cli:LOGIN"; review and case work is recorded under "cli:LOGIN".
    - a registry with no accounts yet (one office, command line only): whoever runs the command
      is the operator, under the name given or their login, as before accounts existed.

    `login` is the operating-system login of whoever runs the command (None if unknown).
    """
    audit_name = operator(login).name
    name = users.normalise_username(named or "")
    no_accounts = not users.any_users(db)
    if not name:
        return operator(login, worker=(login or "cli") if no_accounts else None)
    try:
        user = get_user_by_name(db, name)
    except AccountError:
        if no_accounts:
            return command_line(f"{audit_name} as {name}", worker=name)
        raise AccountError(f"There is no user '{name}'. {HOW_TO_NAME}") from None
    if user.disabled:
        raise AccountError(f"The user {user.username!r} is disabled; nobody can act as them.")
    actor = command_line(audit_name, user)
    if action is not None and actor.role is not None and not access.allowed(action, actor.role):
        raise NotAllowed(access.refusal(action, actor.role))
    return actor


def operator(login: str | None, *, worker: str | None = None) -> Actor:
    """The installation's operator, audited as "cli:LOGIN" ("cli" without a login): what
    `command_actor` gives when nobody is named, and the actor of the commands that work on the
    installation itself (link, users, exchange, the custodial evidence commands)."""
    name = "cli" if not login else f"cli:{login}"
    return command_line(name, worker=worker or name)


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
