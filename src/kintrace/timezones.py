"""Times as people read them: the log and the tables keep UTC; pages and command output show the
deployment's time zone (Europe/Kyiv unless KINTRACE_TIME_ZONE names another; decision 0413)."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIME_ZONE = "Europe/Kyiv"
TIME_ZONE_ENV = "KINTRACE_TIME_ZONE"


class TimeZoneError(ValueError):
    """A time zone name that is not in the IANA database; the message says what to write."""


def zone_named(name: str) -> ZoneInfo:
    """The IANA time zone `name` (e.g. Europe/Kyiv, UTC)."""
    text = (name or "").strip()
    try:
        if not text or len(text) > 64 or text.startswith(("/", ".")) or ".." in text:
            raise ValueError(text)
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise TimeZoneError(
            f"{TIME_ZONE_ENV}={text[:64]!r} is not a time zone name; write one such as "
            f"{DEFAULT_TIME_ZONE} or UTC, or unset it."
        ) from None


def to_local(value: datetime | str | None, zone: tzinfo) -> datetime | None:
    """`value` (an aware datetime, a naive one taken as UTC, or ISO 8601 text) in `zone`."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone)


def local_text(value: datetime | str | None, zone: tzinfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """`value` written in `zone` (empty for no value; text that is not a time is kept as is)."""
    local = to_local(value, zone)
    if local is None:
        return value if isinstance(value, str) else ""
    return local.strftime(fmt)
