"""User administration: the users page of the web workspace and `kintrace users ...`, through
one set of functions with one set of rules (decision 0412).

Who may do what:
- the command line's operator: every user of every agency; creates agencies;
- an agency's admin (signed in, or the command line acting in their place): the users of their
  own agency only (others read as "no such user"); never themselves (another admin or the
  operator disables, demotes or moves an admin, so an agency never loses its last admin from the
  web); moving a user to another agency is for the home agency's admins and the operator.

Every change is audited (`accounts.user_added`, `.user_disabled`, `.user_enabled`,
`.user_reset`, `.role_changed`, `.agency_changed`) with the actor's name. A reset or a disable
ends the user's sessions and revokes their API tokens for good; so does a move to another
agency. Passwords are generated here and returned once; they are never logged.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kintrace import audit
from kintrace.accounts import users as accounts
from kintrace.accounts.actors import Actor
from kintrace.accounts.errors import AccountError
from kintrace.accounts.roles import Role
from kintrace.accounts.users import LANGUAGES, Agency, User
from kintrace.messages import N_
from kintrace.store.web_tables import HOME_AGENCY_ID

__all__ = [
    "Agency",
    "NewPassword",
    "User",
    "UserAdminError",
    "add",
    "agencies",
    "change_agency",
    "change_role",
    "list_users",
    "may_manage",
    "may_move",
    "reset",
    "set_disabled",
]


class UserAdminError(AccountError):
    """A change the rules refuse. `message` is a catalogue message id with {placeholders},
    `params` their values (user names, roles, agency codes: never a password)."""

    def __init__(self, message: str, **params: Any) -> None:
        self.message = message
        self.params = params
        super().__init__(message.format(**params))


@dataclass(frozen=True)
class NewPassword:
    """A user with a password just generated: shown once, stored only as its hash."""

    user: User
    password: str


def new_password() -> str:
    return "-".join(secrets.token_urlsafe(6) for _ in range(3))


def may_manage(actor: Actor) -> bool:
    """Admins and the command line's operator manage users."""
    return actor.role is None or actor.role is Role.ADMIN


def may_move(actor: Actor) -> bool:
    """Who moves users between agencies: the operator and the home agency's admins."""
    return actor.role is None or (actor.role is Role.ADMIN and actor.agency_id == HOME_AGENCY_ID)


def list_users(db: Session, actor: Actor) -> list[User]:
    """The users the actor manages: every user for the operator, else their agency's."""
    _check(actor)
    return accounts.list_users(db, agency_id=None if actor.role is None else actor.agency_id)


def agencies(db: Session, actor: Actor) -> list[Agency]:
    """The agencies a user may be moved to by this actor (none when they may not move users)."""
    return accounts.list_agencies(db) if may_move(actor) else []


def add(
    db: Session,
    actor: Actor,
    *,
    username: str,
    role: str,
    now: datetime,
    agency: str | None = None,
    agency_name: str | None = None,
    display_name: str = "",
    language: str = "uk",
) -> NewPassword:
    """A new user with a generated password; the second factor is set up at the first sign-in.
    An admin adds to their own agency; the operator names any agency (`agency`, a code) and
    creates it when `agency_name` is given."""
    _check(actor)
    parsed = _role(role)
    if language not in LANGUAGES:
        raise UserAdminError(N_("Unknown language {language}; choose uk or en."), language=language)
    if actor.role is None:
        code = (agency or "home").strip()
        if agency_name:
            agency_id = accounts.ensure_agency(db, code=code, name=agency_name, now=now)
        else:
            agency_id = _agency_id(db, code)
    else:
        if agency_name or (agency and _agency_id(db, agency) != actor.agency_id):
            raise UserAdminError(N_("An administrator adds users to their own agency only."))
        agency_id = actor.agency_id
    name = accounts.normalise_username(username)
    if not accounts.USERNAME_PATTERN.match(name):
        raise UserAdminError(
            N_(
                "The user name {name} is not allowed: use 2-64 letters a-z, digits, '.', '_' or "
                "'-', starting with a letter or digit."
            ),
            name=username.strip()[:64],
        )
    if _find(db, name) is not None:
        raise UserAdminError(
            N_("A user named {name} already exists; pick another name."), name=name
        )
    password = new_password()
    user = accounts.add_user(
        db,
        username=name,
        password=password,
        role=parsed,
        agency_id=agency_id,
        now=now,
        display_name=display_name.strip()[:200],
        language=language,
    )
    _audit(db, actor, "accounts.user_added", user, {"role": parsed.value})
    return NewPassword(user=user, password=password)


def set_disabled(
    db: Session, actor: Actor, username: str, *, disabled: bool, now: datetime
) -> User:
    """Disable a user (sessions end, API tokens revoked for good) or enable them again."""
    target = _target(db, actor, username, changing_self_refused=disabled)
    user = accounts.set_disabled(db, target.username, disabled=disabled, now=now)
    action = "accounts.user_disabled" if disabled else "accounts.user_enabled"
    _audit(db, actor, action, user, {})
    return user


def reset(db: Session, actor: Actor, username: str, *, now: datetime) -> NewPassword:
    """A new password (returned once), the second factor removed (set up again at the next
    sign-in), sessions ended, API tokens revoked for good. Not on oneself from the web: the
    account page is for one's own tokens, a lost phone needs another admin."""
    target = _target(db, actor, username, changing_self_refused=True)
    password = new_password()
    user = accounts.reset_user(db, target.username, password=password, now=now)
    _audit(db, actor, "accounts.user_reset", user, {})
    return NewPassword(user=user, password=password)


def change_role(db: Session, actor: Actor, username: str, role: str, *, now: datetime) -> User:
    """Give the user another role (from their next request on)."""
    parsed = _role(role)
    target = _target(db, actor, username, changing_self_refused=True)
    if target.role is parsed:
        return target
    user = accounts.set_role(db, target.username, parsed)
    _audit(
        db, actor, "accounts.role_changed", user, {"from": target.role.value, "to": parsed.value}
    )
    return user


def change_agency(db: Session, actor: Actor, username: str, agency: str, *, now: datetime) -> User:
    """Move the user to the agency with code `agency`: they see its records from then on; their
    sessions end and their API tokens are revoked."""
    if not may_move(actor):
        _check(actor)
        raise UserAdminError(
            N_("Only an administrator of the home agency moves users between agencies.")
        )
    target = _target(db, actor, username, changing_self_refused=True)
    agency_id = _agency_id(db, agency)
    if agency_id == target.agency_id:
        return target
    user = accounts.set_agency(db, target.username, agency_id=agency_id, now=now)
    _audit(
        db,
        actor,
        "accounts.agency_changed",
        user,
        {"from": target.agency_code, "to": user.agency_code},
    )
    return user


def _check(actor: Actor) -> None:
    if not may_manage(actor):
        raise UserAdminError(N_("Only an administrator manages users."))


def _role(text: str) -> Role:
    try:
        return Role.parse(text)
    except ValueError:
        raise UserAdminError(
            N_(
                "Unknown role {role}; expected one of: admin, caseworker, reviewer, analyst, "
                "investigator."
            ),
            role=text.strip()[:32],
        ) from None


def _agency_id(db: Session, code: str) -> int:
    try:
        return accounts.agency_id_for(db, code)
    except AccountError:
        raise UserAdminError(
            N_(
                "No agency with code {code}; `kintrace users add --agency CODE --agency-name "
                "NAME` creates one."
            ),
            code=code.strip()[:64],
        ) from None


def _find(db: Session, username: str) -> User | None:
    try:
        return accounts.get_user_by_name(db, username)
    except AccountError:
        return None


def _target(db: Session, actor: Actor, username: str, *, changing_self_refused: bool) -> User:
    """The user to change, if the actor manages them (else "no such user", as for a user that
    does not exist: an admin learns nothing about other agencies' accounts)."""
    _check(actor)
    user = _find(db, username)
    if user is None or (actor.role is not None and user.agency_id != actor.agency_id):
        raise UserAdminError(
            N_("No user named {name}; the users page and `kintrace users list` show them all."),
            name=username.strip()[:64],
        )
    if changing_self_refused and actor.role is not None and user.username == _own_name(actor):
        raise UserAdminError(
            N_("You cannot do this to your own account; ask another administrator.")
        )
    return user


def _own_name(actor: Actor) -> str:
    """The user name behind an actor ("cli:login as NAME" acts as NAME)."""
    return actor.name.rpartition(" as ")[2]


def _audit(db: Session, actor: Actor, action: str, user: User, details: dict[str, str]) -> None:
    audit.append(
        db,
        actor=actor.name,
        action=action,
        entity_type="user",
        entity_id=user.id,
        details={"username": user.username, **details},
    )
