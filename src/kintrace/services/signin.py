"""Signing in to the web and the API, and who a request is: the accounts area's sessions, API
tokens, sign-in throttle, passwords and TOTP behind one service (issue 17).

The web decides the transactions (decision 0402): the attempt is counted in a short write before
the password is checked (argon2 holds no lock) in the request's read transaction, and the session
is written in a short write again. So each step here takes the session to work in; none commits.
A completed sign-in is written to the audit log (`web.sign_in`, `kintrace.services.accounts`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from kintrace.accounts import sessions, throttle, tokens, totp, users
from kintrace.accounts.errors import SignInFailed
from kintrace.accounts.sessions import WebSession
from kintrace.accounts.throttle import DEFAULT_LIMITS, Limits
from kintrace.accounts.users import User
from kintrace.services import accounts

__all__ = [
    "DEFAULT_LIMITS",
    "Enrolment",
    "Found",
    "Limits",
    "User",
    "WebSession",
    "attempt_keys",
    "check_code",
    "check_password",
    "enrolment",
    "find_by_session",
    "find_by_token",
    "promote",
    "reserve_attempt",
    "set_language",
    "sign_out",
    "start_password_stage",
]

#: A write that identification found due (a session's last_seen_at, a token's last use).
Upkeep = Callable[[Session], None]


@dataclass(frozen=True)
class Found:
    """Who a request is: the user (None: nobody), the web session if by cookie, and a write to
    do later in a short transaction of its own (None: nothing due)."""

    user: User | None
    session: WebSession | None = None
    upkeep: Upkeep | None = None


@dataclass(frozen=True)
class Enrolment:
    """What the enrolment page shows: the QR code (SVG) and the secret as text."""

    qr_svg: str
    secret: str


def find_by_token(db: Session, token: str, *, now: datetime) -> Found:
    """The user of an API token (None for an unknown or revoked token, or a disabled user)."""
    use = tokens.find_token(db, token)
    user = users.get_user(db, use.user_id) if use is not None else None
    if use is None or user is None or user.disabled:
        return Found(user=None)
    mark: Upkeep | None = None
    if use.needs_mark(now):
        mark = lambda w: tokens.mark_used(w, use, now=now)  # noqa: E731
    return Found(user=user, upkeep=mark)


def find_by_session(db: Session, cookie: str | None, *, now: datetime) -> Found:
    """The user of a session cookie (None: no such live session, or a disabled user: disabling
    ends the sessions, and a leftover is simply not honoured)."""
    session = sessions.find_session(db, cookie, now=now)
    if session is None:
        return Found(user=None)
    user = users.get_user(db, session.user_id)
    if user is None or user.disabled:
        return Found(user=None)
    touch: Upkeep | None = None
    if session.needs_touch(now):
        touch = lambda w: sessions.touch_session(w, session, now=now)  # noqa: E731
    return Found(user=user, session=session, upkeep=touch)


def attempt_keys(username: str, address: str, limits: Limits) -> dict[str, int]:
    """The sign-in throttle's keys (the account, the client's address) with their limits."""
    return {
        throttle.account_key(username): limits.per_account,
        throttle.address_key(address): limits.per_address,
    }


def reserve_attempt(db: Session, keys: dict[str, int], *, now: datetime, limits: Limits) -> None:
    """Count a password attempt before checking it (Throttled when over a limit)."""
    throttle.reserve(db, keys, now=now, limits=limits)


def check_password(db: Session, *, username: str, password: str) -> User:
    """The user whose password this is (SignInFailed otherwise; the attempt is counted)."""
    return users.check_password(db, username=username, password=password)


def start_password_stage(
    db: Session,
    user: User,
    *,
    keys: dict[str, int],
    previous: str | None,
    now: datetime,
    limits: Limits,
) -> str:
    """After a right password: give the attempt back, end the browser's previous session,
    purge what expired, and start a password-stage session; returns its token."""
    throttle.refund(db, keys)
    sessions.end_session(db, previous)
    sessions.purge_expired(db, now=now)
    throttle.purge(db, now=now, limits=limits)
    token, _ = sessions.start_session(db, user_id=user.id, stage="password", now=now)
    return token


def check_code(
    db: Session, user: User, *, code: str, keys: dict[str, int], now: datetime, limits: Limits
) -> None:
    """The second factor (a TOTP or recovery code). Throttled when over a limit; SignInFailed
    for a wrong code (counted). A right one clears the account's count and is audited as the
    completed sign-in."""
    throttle.check(db, list(keys), now=now)
    try:
        users.check_second_factor(db, user_id=user.id, code=code, now=now)
    except SignInFailed:
        throttle.record_failure(db, keys, now=now, limits=limits)
        raise
    throttle.clear(db, throttle.account_key(user.username))
    accounts.note_sign_in(db, user)


def promote(db: Session, user_id: int, *, previous: str | None, now: datetime) -> str:
    """Replace the password-stage session by a new full one; returns the new token (the cookie
    value changes)."""
    sessions.end_session(db, previous)
    token, _ = sessions.start_session(db, user_id=user_id, stage="full", now=now)
    return token


def enrolment(db: Session, user: User) -> Enrolment:
    """The enrolment page's QR code and secret: the pending secret, or a new one (stored until
    it is confirmed: `kintrace.services.accounts.confirm_enrolment`)."""
    secret = users.pending_secret(db, user.id) or users.begin_enrolment(db, user.id)
    uri = totp.provisioning_uri(secret, username=user.username)
    return Enrolment(qr_svg=totp.qr_svg(uri), secret=secret)


def sign_out(db: Session, token: str | None) -> None:
    """End the session of this cookie value (nothing for none)."""
    sessions.end_session(db, token)


def set_language(db: Session, user: User, language: str) -> None:
    """The user's interface language."""
    users.set_language(db, user.id, language)
