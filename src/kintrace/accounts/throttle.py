"""Sign-in throttling per account and per address.

Failures are counted in a window; past the limit the key is blocked for a while. The account
key is a hash of the submitted name whether or not the account exists, so throttling itself does
not reveal which names are real.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kintrace.accounts.errors import Throttled
from kintrace.store.web_tables import as_utc, sign_in_throttle


@dataclass(frozen=True)
class Limits:
    per_account: int = 5
    per_address: int = 20
    window: timedelta = timedelta(minutes=15)
    block: timedelta = timedelta(minutes=15)


DEFAULT_LIMITS = Limits()


def account_key(username: str) -> str:
    return "user:" + hashlib.sha256(username.strip().lower().encode()).hexdigest()


def address_key(address: str) -> str:
    return "addr:" + address[:100]


def check(db: Session, keys: list[str], *, now: datetime) -> None:
    """Raise Throttled if any key is blocked now."""
    rows = db.execute(
        select(sign_in_throttle.c.blocked_until).where(sign_in_throttle.c.key.in_(keys))
    ).scalars()
    waits = [as_utc(b) - now for b in rows if b is not None and as_utc(b) > now]
    if waits:
        raise Throttled(int(max(waits).total_seconds()) + 1)


def record_failure(
    db: Session, keys: dict[str, int], *, now: datetime, limits: Limits = DEFAULT_LIMITS
) -> None:
    """Count one failure for each key; block a key that reaches its limit (key -> limit)."""
    for key, limit in keys.items():
        row = db.execute(select(sign_in_throttle).where(sign_in_throttle.c.key == key)).first()
        if row is None or now - as_utc(row.window_start) > limits.window:
            failures, start = 1, now
        else:
            failures, start = row.failures + 1, as_utc(row.window_start)
        blocked = now + limits.block if failures >= limit else None
        values = {"failures": failures, "window_start": start, "blocked_until": blocked}
        if row is not None or not _inserted(db, key, values):
            db.execute(update(sign_in_throttle).where(sign_in_throttle.c.key == key).values(values))


def reserve(
    db: Session, keys: dict[str, int], *, now: datetime, limits: Limits = DEFAULT_LIMITS
) -> None:
    """Raise Throttled if a key is blocked, else count this attempt as a failure until `refund`.

    The password is then checked outside the transaction (argon2 takes a good part of a second,
    too long to hold the database's one writer), yet attempts sent all at once are still counted
    one by one: each is a failure from the moment it starts.
    """
    check(db, list(keys), now=now)
    record_failure(db, keys, now=now, limits=limits)


def refund(db: Session, keys: dict[str, int]) -> None:
    """Take back the failure `reserve` counted for an attempt that succeeded."""
    for key, limit in keys.items():
        row = db.execute(select(sign_in_throttle).where(sign_in_throttle.c.key == key)).first()
        if row is None or row.failures <= 0:
            continue
        failures = row.failures - 1
        blocked = row.blocked_until if failures >= limit else None
        db.execute(
            update(sign_in_throttle)
            .where(sign_in_throttle.c.key == key)
            .values(failures=failures, blocked_until=blocked)
        )


def _inserted(db: Session, key: str, values: dict[str, object]) -> bool:
    """Insert the key's first failure; False if a concurrent request inserted it first."""
    try:
        with db.begin_nested():
            db.execute(insert(sign_in_throttle).values(key=key, **values))
    except IntegrityError:
        return False
    return True


def clear(db: Session, key: str) -> None:
    db.execute(delete(sign_in_throttle).where(sign_in_throttle.c.key == key))


def purge(db: Session, *, now: datetime, limits: Limits = DEFAULT_LIMITS) -> None:
    """Forget keys whose window and block are over (keeps the table small)."""
    stale = now - max(limits.window, limits.block)
    db.execute(
        delete(sign_in_throttle).where(
            sign_in_throttle.c.window_start < stale,
            (sign_in_throttle.c.blocked_until.is_(None)) | (sign_in_throttle.c.blocked_until < now),
        )
    )
