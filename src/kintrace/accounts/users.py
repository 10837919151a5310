"""Agencies and users: create, list, disable, reset, and the two steps of signing in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import insert, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from kintrace.accounts import passwords, totp
from kintrace.accounts.errors import AccountError, SignInFailed
from kintrace.accounts.roles import Role
from kintrace.store.web_tables import agencies, recovery_codes, users

LANGUAGES = ("uk", "en")
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_USERNAME = USERNAME_PATTERN


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    agency_id: int
    agency_code: str
    role: Role
    language: str
    disabled: bool
    totp_enrolled: bool


def _user_query():
    return select(
        users.c.id,
        users.c.username,
        users.c.display_name,
        users.c.agency_id,
        agencies.c.code.label("agency_code"),
        users.c.role,
        users.c.language,
        users.c.disabled,
        users.c.totp_secret,
    ).join(agencies, agencies.c.id == users.c.agency_id)


def _to_user(row) -> User:
    return User(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        agency_id=row.agency_id,
        agency_code=row.agency_code,
        role=Role(row.role),
        language=row.language,
        disabled=bool(row.disabled),
        totp_enrolled=row.totp_secret is not None,
    )


def any_users(db: Session) -> bool:
    """Whether the registry has any account at all (one office on the command line has none)."""
    return db.execute(select(users.c.id).limit(1)).first() is not None


def normalise_username(username: str) -> str:
    return username.strip().lower()


def ensure_agency(db: Session, *, code: str, name: str, now: datetime) -> int:
    """The id of the agency with `code`, created if missing."""
    code = code.strip().lower()
    found = db.execute(select(agencies.c.id).where(agencies.c.code == code)).scalar_one_or_none()
    if found is not None:
        return int(found)
    new_id = db.execute(
        insert(agencies).values(code=code, name=name, created_at=now).returning(agencies.c.id)
    ).scalar_one()
    return int(new_id)


def agency_id_for(db: Session, code: str) -> int:
    found = db.execute(
        select(agencies.c.id).where(agencies.c.code == code.strip().lower())
    ).scalar_one_or_none()
    if found is None:
        known = ", ".join(db.execute(select(agencies.c.code)).scalars()) or "none yet"
        raise AccountError(
            f"No agency with code {code!r}; known agencies: {known}. "
            "Create it with `kintrace users add --agency CODE --agency-name NAME ...`."
        )
    return int(found)


def add_user(
    db: Session,
    *,
    username: str,
    password: str,
    role: Role,
    agency_id: int,
    now: datetime,
    display_name: str = "",
    language: str = "uk",
) -> User:
    name = normalise_username(username)
    if not _USERNAME.match(name):
        raise AccountError(
            f"The user name {username!r} is not allowed: use 2-64 letters a-z, digits, '.', '_' "
            "or '-', starting with a letter or digit."
        )
    if language not in LANGUAGES:
        raise AccountError(f"Unknown language {language!r}; expected one of {LANGUAGES}.")
    exists = db.execute(select(users.c.id).where(users.c.username == name)).first()
    if exists is not None:
        raise AccountError(f"A user named {name!r} already exists; pick another name.")
    db.execute(
        insert(users).values(
            username=name,
            display_name=display_name or name,
            agency_id=agency_id,
            role=role.value,
            password_hash=passwords.hash_password(password),
            language=language,
            disabled=False,
            created_at=now,
            password_changed_at=now,
        )
    )
    return get_user_by_name(db, name)


def get_user(db: Session, user_id: int) -> User | None:
    row = db.execute(_user_query().where(users.c.id == user_id)).first()
    return _to_user(row) if row else None


def get_user_by_name(db: Session, username: str) -> User:
    row = db.execute(_user_query().where(users.c.username == normalise_username(username))).first()
    if row is None:
        raise AccountError(f"No user named {username!r}. `kintrace users list` shows them all.")
    return _to_user(row)


def list_users(db: Session, *, agency_id: int | None = None) -> list[User]:
    query = _user_query().order_by(agencies.c.code, users.c.username)
    if agency_id is not None:
        query = query.where(users.c.agency_id == agency_id)
    return [_to_user(row) for row in db.execute(query)]


def set_disabled(
    db: Session, username: str, *, disabled: bool, now: datetime | None = None
) -> User:
    """Disable (sessions end, API tokens are revoked for good) or enable again (without them)."""
    from kintrace.accounts.sessions import end_all_sessions
    from kintrace.accounts.tokens import revoke_all

    user = get_user_by_name(db, username)
    db.execute(update(users).where(users.c.id == user.id).values(disabled=disabled))
    if disabled:
        end_all_sessions(db, user.id)
        revoke_all(db, user_id=user.id, now=now or datetime.now(UTC))
    return get_user_by_name(db, username)


def reset_user(db: Session, username: str, *, password: str, now: datetime) -> User:
    """New password, second factor removed (the user enrols again at next sign-in), sessions end,
    API tokens are revoked for good (enrolling again does not bring them back)."""
    from kintrace.accounts.sessions import end_all_sessions
    from kintrace.accounts.tokens import revoke_all

    user = get_user_by_name(db, username)
    db.execute(
        update(users)
        .where(users.c.id == user.id)
        .values(
            password_hash=passwords.hash_password(password),
            password_changed_at=now,
            totp_secret=None,
            pending_totp_secret=None,
            totp_last_step=None,
        )
    )
    db.execute(recovery_codes.delete().where(recovery_codes.c.user_id == user.id))
    end_all_sessions(db, user.id)
    revoke_all(db, user_id=user.id, now=now)
    return get_user_by_name(db, username)


def set_language(db: Session, user_id: int, language: str) -> None:
    if language not in LANGUAGES:
        raise AccountError(f"Unknown language {language!r}; expected one of {LANGUAGES}.")
    db.execute(update(users).where(users.c.id == user_id).values(language=language))


def check_password(db: Session, *, username: str, password: str) -> User:
    """First step of signing in. Same message and about the same time for every failure."""
    row = db.execute(
        select(users.c.id, users.c.password_hash, users.c.disabled).where(
            users.c.username == normalise_username(username)
        )
    ).first()
    ok = passwords.verify_password(row.password_hash if row else None, password)
    if not ok or row is None or row.disabled:
        raise SignInFailed()
    user = get_user(db, row.id)
    assert user is not None
    return user


def check_second_factor(db: Session, *, user_id: int, code: str, now: datetime) -> None:
    """Second step: a TOTP code (used once) or an unused recovery code."""
    row = db.execute(
        select(users.c.totp_secret, users.c.totp_last_step).where(users.c.id == user_id)
    ).first()
    if row is None or row.totp_secret is None:
        raise SignInFailed()
    step = totp.matching_step(row.totp_secret, code, now=now, last_step=row.totp_last_step)
    if step is not None:
        db.execute(update(users).where(users.c.id == user_id).values(totp_last_step=step))
        return
    if _use_recovery_code(db, user_id=user_id, code=code, now=now):
        return
    raise SignInFailed()


def _use_recovery_code(db: Session, *, user_id: int, code: str, now: datetime) -> bool:
    digest = totp.recovery_code_hash(code)
    result = db.execute(
        update(recovery_codes)
        .where(
            recovery_codes.c.user_id == user_id,
            recovery_codes.c.code_hash == digest,
            recovery_codes.c.used_at.is_(None),
        )
        .values(used_at=now)
    )
    return bool(cast("CursorResult[Any]", result).rowcount)


def begin_enrolment(db: Session, user_id: int) -> str:
    """A new pending secret; it becomes the user's factor only once a code from it is shown."""
    secret = totp.new_secret()
    db.execute(update(users).where(users.c.id == user_id).values(pending_totp_secret=secret))
    return secret


def pending_secret(db: Session, user_id: int) -> str | None:
    return db.execute(
        select(users.c.pending_totp_secret).where(users.c.id == user_id)
    ).scalar_one_or_none()


def confirm_enrolment(db: Session, *, user_id: int, code: str, now: datetime) -> list[str]:
    """Activate the pending secret if `code` matches it; return new recovery codes (shown once)."""
    secret = pending_secret(db, user_id)
    if secret is None:
        raise AccountError("No enrolment is under way; start again from the account page.")
    step = totp.matching_step(secret, code, now=now, last_step=None)
    if step is None:
        raise AccountError(
            "The code does not match. Check the phone's clock and type the 6 digits shown now."
        )
    db.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(totp_secret=secret, pending_totp_secret=None, totp_last_step=step)
    )
    codes = totp.new_recovery_codes()
    db.execute(recovery_codes.delete().where(recovery_codes.c.user_id == user_id))
    db.execute(
        insert(recovery_codes),
        [{"user_id": user_id, "code_hash": totp.recovery_code_hash(c)} for c in codes],
    )
    return codes


def set_totp_secret_for_demo(db: Session, *, user_id: int, secret: str) -> None:
    """Demo accounts only: a known secret, printed to the terminal with the synthetic data."""
    db.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(totp_secret=secret, pending_totp_secret=None, totp_last_step=None)
    )


@dataclass(frozen=True)
class Agency:
    id: int
    code: str
    name: str


def list_agencies(db: Session) -> list[Agency]:
    rows = db.execute(
        select(agencies.c.id, agencies.c.code, agencies.c.name).order_by(agencies.c.id)
    )
    return [Agency(id=r.id, code=r.code, name=r.name) for r in rows]


def set_role(db: Session, username: str, role: Role) -> User:
    """Give the user another role (it applies from their next request, API tokens included)."""
    user = get_user_by_name(db, username)
    db.execute(update(users).where(users.c.id == user.id).values(role=role.value))
    return get_user_by_name(db, username)


def set_agency(db: Session, username: str, *, agency_id: int, now: datetime) -> User:
    """Move the user to another agency: what they may see changes, so their sessions end and
    their API tokens are revoked for good (as when they are disabled)."""
    from kintrace.accounts.sessions import end_all_sessions
    from kintrace.accounts.tokens import revoke_all

    user = get_user_by_name(db, username)
    db.execute(update(users).where(users.c.id == user.id).values(agency_id=agency_id))
    end_all_sessions(db, user.id)
    revoke_all(db, user_id=user.id, now=now)
    return get_user_by_name(db, username)
