"""Password hashing with argon2id (argon2-cffi's defaults: RFC 9106 low-memory profile)."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from kintrace.accounts.errors import AccountError

MIN_LENGTH = 12
MAX_LENGTH = 1024  # argon2 accepts more, but a megabyte "password" is an attack on the CPU


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id by default


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Verified against when the user does not exist, so both paths cost one argon2 run.
    return _hasher().hash("kintrace-dummy-password-for-timing")


def check_policy(password: str) -> None:
    """Reject passwords that are too short or too long; say what is expected."""
    if len(password) < MIN_LENGTH:
        raise AccountError(
            f"The password has {len(password)} characters; at least {MIN_LENGTH} are needed. "
            "A phrase of several words is easiest to remember."
        )
    if len(password) > MAX_LENGTH:
        raise AccountError(f"The password is longer than {MAX_LENGTH} characters.")


def hash_password(password: str) -> str:
    check_policy(password)
    return _hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when `password` matches; with no stored hash, spend the same time and say False."""
    candidate = stored_hash or _dummy_hash()
    if len(password) > MAX_LENGTH:
        password = password[:MAX_LENGTH]
    try:
        ok = bool(_hasher().verify(candidate, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    return ok and stored_hash is not None


def needs_rehash(stored_hash: str) -> bool:
    return _hasher().check_needs_rehash(stored_hash)
