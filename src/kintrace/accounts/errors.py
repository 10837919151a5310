"""Errors the account services raise. Messages never carry a password, code or token."""

from __future__ import annotations


class AccountError(Exception):
    """A request about an account that cannot be honoured; the message is safe to show."""


class SignInFailed(AccountError):
    """Wrong user, wrong password or wrong code: one message for all, on purpose."""

    def __init__(self) -> None:
        super().__init__("The user name, password or code is not right.")


class Throttled(AccountError):
    """Too many failed attempts for this account or address."""

    def __init__(self, retry_after_s: int) -> None:
        self.retry_after_s = retry_after_s
        minutes = max(1, (retry_after_s + 59) // 60)
        super().__init__(
            f"Too many failed sign-in attempts. Wait {minutes} minute(s) and try again."
        )
