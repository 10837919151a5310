"""API tokens for scripts: shown once, stored as SHA-256, revocable; they act as their user.

A token is revoked for good when its user is reset or disabled (`revoke_all`): a reset answers a
lost phone or a leaked password, so whatever the old credentials gave out must not come back
when the user enrols again or is enabled again; the user creates new tokens.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import insert, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from kintrace.store.web_tables import api_tokens, as_utc, users

PREFIX = "kt_"
#: A token's last use is written at most this often: using a token must not be a write each time
#: (a script calling the API in a loop would hold the database's one writer, or on SQLite turn
#: every read into a write that fails when another writer commits).
LAST_USED_EVERY = timedelta(minutes=10)


@dataclass(frozen=True)
class TokenUse:
    """A live token: whose it is and when its use was last written."""

    token_id: int
    user_id: int
    last_used_at: datetime | None

    def needs_mark(self, now: datetime) -> bool:
        return self.last_used_at is None or now - self.last_used_at >= LAST_USED_EVERY


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(db: Session, *, user_id: int, label: str, now: datetime) -> str:
    token = PREFIX + secrets.token_urlsafe(32)
    db.execute(
        insert(api_tokens).values(
            user_id=user_id, token_hash=_digest(token), label=label[:100], created_at=now
        )
    )
    return token


def user_for_token(db: Session, token: str, *, now: datetime) -> int | None:
    """The user id a live token acts for (not revoked, user not disabled), or None; its last
    use is written when due (`find_token` and `mark_used` for a caller that reads only)."""
    use = find_token(db, token)
    if use is None:
        return None
    if use.needs_mark(now):
        mark_used(db, use, now=now)
    return use.user_id


def mark_used(db: Session, use: TokenUse, *, now: datetime) -> None:
    """Write the token's last use (unless another request did so meanwhile)."""
    recent = now - LAST_USED_EVERY
    db.execute(
        update(api_tokens)
        .where(
            api_tokens.c.id == use.token_id,
            api_tokens.c.last_used_at.is_(None) | (api_tokens.c.last_used_at <= recent),
        )
        .values(last_used_at=now)
    )


def find_token(db: Session, token: str) -> TokenUse | None:
    """The live token (not revoked, user not disabled and enrolled), or None. Reads only."""
    if not token.startswith(PREFIX) or len(token) > 100:
        return None
    row = db.execute(
        select(api_tokens.c.id, api_tokens.c.user_id, api_tokens.c.last_used_at)
        .join(users, users.c.id == api_tokens.c.user_id)
        .where(
            api_tokens.c.token_hash == _digest(token),
            api_tokens.c.revoked_at.is_(None),
            users.c.disabled.is_(False),
            users.c.totp_secret.is_not(None),
        )
    ).first()
    if row is None:
        return None
    last = as_utc(row.last_used_at) if row.last_used_at is not None else None
    return TokenUse(token_id=int(row.id), user_id=int(row.user_id), last_used_at=last)


def list_tokens(db: Session, user_id: int) -> list[dict[str, object]]:
    rows = db.execute(
        select(
            api_tokens.c.id,
            api_tokens.c.label,
            api_tokens.c.created_at,
            api_tokens.c.last_used_at,
            api_tokens.c.revoked_at,
        )
        .where(api_tokens.c.user_id == user_id)
        .order_by(api_tokens.c.id)
    )
    return [dict(row._mapping) for row in rows]


def revoke_token(db: Session, *, user_id: int, token_id: int, now: datetime) -> bool:
    result = db.execute(
        update(api_tokens)
        .where(
            api_tokens.c.id == token_id,
            api_tokens.c.user_id == user_id,
            api_tokens.c.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    return bool(cast("CursorResult[Any]", result).rowcount)


def revoke_all(db: Session, *, user_id: int, now: datetime) -> int:
    """Revoke every live token of the user (reset, disabled); returns how many were live."""
    result = db.execute(
        update(api_tokens)
        .where(api_tokens.c.user_id == user_id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(cast("CursorResult[Any]", result).rowcount or 0)
