"""Browser sessions: random cookie values, stored only as SHA-256, with idle and absolute limits.

A session starts at the "password" stage (password checked, second factor awaited) and is
replaced by a new one at the "full" stage when the second factor is checked: the cookie value
changes at sign-in, so a value planted before sign-in is worthless afterwards.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from kintrace.store.web_tables import as_utc, web_sessions

IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=10)
PASSWORD_STAGE_TIMEOUT = timedelta(minutes=5)
_TOUCH_EVERY = timedelta(seconds=60)  # fewer writes: last_seen_at moves at most once a minute


@dataclass(frozen=True)
class WebSession:
    user_id: int
    stage: str
    csrf_token: str
    token_hash: str
    last_seen_at: datetime | None = None

    def needs_touch(self, now: datetime) -> bool:
        """Whether `touch_session` is due: last_seen_at moves at most once a minute."""
        return self.last_seen_at is None or now - self.last_seen_at > _TOUCH_EVERY


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(db: Session, *, user_id: int, stage: str, now: datetime) -> tuple[str, str]:
    """Create a session; return (cookie value, CSRF token)."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    db.execute(
        insert(web_sessions).values(
            token_hash=_digest(token),
            user_id=user_id,
            stage=stage,
            csrf_token=csrf,
            created_at=now,
            last_seen_at=now,
        )
    )
    return token, csrf


def find_session(db: Session, token: str | None, *, now: datetime) -> WebSession | None:
    """The live session for a cookie value, or None (unknown, expired idle or absolute).

    Reads only: a request's identity is found in a read transaction (on SQLite a read cannot
    become a write once another writer has committed); the caller touches the session with
    `touch_session` in a write of its own when `needs_touch` says so. Expired rows are left to
    `purge_expired`.
    """
    if not token or len(token) > 100:
        return None
    digest = _digest(token)
    row = db.execute(select(web_sessions).where(web_sessions.c.token_hash == digest)).first()
    if row is None:
        return None
    created, seen = as_utc(row.created_at), as_utc(row.last_seen_at)
    absolute = PASSWORD_STAGE_TIMEOUT if row.stage == "password" else ABSOLUTE_TIMEOUT
    if now - seen > IDLE_TIMEOUT or now - created > absolute:
        return None
    return WebSession(
        user_id=row.user_id,
        stage=row.stage,
        csrf_token=row.csrf_token,
        token_hash=digest,
        last_seen_at=seen,
    )


def touch_session(db: Session, session: WebSession, *, now: datetime) -> None:
    """Move the session's last_seen_at to `now` (the idle time-out starts again)."""
    db.execute(
        update(web_sessions)
        .where(web_sessions.c.token_hash == session.token_hash)
        .values(last_seen_at=now)
    )


def load_session(db: Session, token: str | None, *, now: datetime) -> WebSession | None:
    """`find_session`, touching the session in the same (write) transaction when it is due."""
    session = find_session(db, token, now=now)
    if session is not None and session.needs_touch(now):
        touch_session(db, session, now=now)
    return session


def end_session(db: Session, token: str | None) -> None:
    if token:
        db.execute(delete(web_sessions).where(web_sessions.c.token_hash == _digest(token)))


def end_all_sessions(db: Session, user_id: int) -> None:
    db.execute(delete(web_sessions).where(web_sessions.c.user_id == user_id))


def purge_expired(db: Session, *, now: datetime) -> int:
    result = db.execute(
        delete(web_sessions).where(
            (web_sessions.c.last_seen_at < now - IDLE_TIMEOUT)
            | (web_sessions.c.created_at < now - ABSOLUTE_TIMEOUT)
        )
    )
    return int(cast("CursorResult[Any]", result).rowcount or 0)
