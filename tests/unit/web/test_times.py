"""Issue 12, finding 7: times stored in UTC are shown in Kyiv time (or the deployment's zone)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kintrace.config import LimitsError, load_settings
from kintrace.timezones import local_text, zone_named
from kintrace.web.rendering import make_environment


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2026, 1, 15, 12, 0, tzinfo=UTC), "2026-01-15 14:00"),  # winter: UTC+2
        (datetime(2026, 7, 15, 12, 0, tzinfo=UTC), "2026-07-15 15:00"),  # summer: UTC+3
        (datetime(2026, 7, 15, 22, 30), "2026-07-16 01:30"),  # naive means UTC; the day moves
        ("2026-03-05T09:07:00.000000Z", "2026-03-05 11:07"),  # the audit log's text
        ("2026-03-05 09:07:00", "2026-03-05 11:07"),  # a record version's import time
    ],
)
def test_a_time_renders_in_kyiv_time(value: object, expected: str) -> None:
    env = make_environment()
    assert env.from_string("{{ t | localtime }}").render(t=value) == expected


def test_another_zone_and_empty_values() -> None:
    env = make_environment(zone_named("UTC"))
    moment = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
    assert env.from_string("{{ t | localtime }}").render(t=moment) == "2026-01-15 12:00"
    assert env.from_string("{{ t | localtime }}").render(t=None) == ""
    assert local_text("not a time", zone_named("Europe/Kyiv")) == "not a time"


def test_the_zone_is_a_deployment_setting() -> None:
    assert load_settings("x", env={}).time_zone == "Europe/Kyiv"
    assert load_settings("x", env={"KINTRACE_TIME_ZONE": "UTC"}).time_zone == "UTC"
    with pytest.raises(LimitsError, match="KINTRACE_TIME_ZONE"):
        load_settings("x", env={"KINTRACE_TIME_ZONE": "Kyiv/Nowhere"})
    with pytest.raises(LimitsError):
        load_settings("x", env={"KINTRACE_TIME_ZONE": "../../etc/passwd"})


def test_no_template_writes_a_time_in_utc() -> None:
    """Pages write times with the `localtime`/`localdate` filters, never as UTC text."""
    from importlib import resources

    folder = resources.files("kintrace.web") / "templates"
    offenders = [
        t.name
        for t in folder.iterdir()
        if t.name.endswith(".html")
        and ("strftime(" in (text := t.read_text(encoding="utf-8")) or " UTC" in text)
    ]
    assert offenders == []
