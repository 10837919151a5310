from pathlib import Path

import pytest

from kintrace.config import (
    DEFAULT_EVIDENCE_MAX_BYTES,
    EVIDENCE_MAX_BYTES_ENV,
    LimitsError,
    load_settings,
)


def test_default_home_is_kintrace_data_and_sqlite_inside_it() -> None:
    s = load_settings(env={})
    assert s.home == Path("kintrace-data")
    assert s.database_url.startswith("sqlite:///")
    assert s.database_url.endswith("kintrace-data/kintrace.db")


def test_database_url_from_environment_wins_over_home() -> None:
    s = load_settings("x", env={"KINTRACE_DATABASE_URL": "postgresql+psycopg://u@h/db"})
    assert s.database_url == "postgresql+psycopg://u@h/db"
    assert not s.is_sqlite


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", DEFAULT_EVIDENCE_MAX_BYTES),  # unset or blank: the default
        ("  ", DEFAULT_EVIDENCE_MAX_BYTES),
        ("1_000_000", 1_000_000),  # digits grouped as in Python
        (" 4096 ", 4096),
    ],
)
def test_the_evidence_limit_is_read_from_the_environment(raw: str, expected: int) -> None:
    assert load_settings("x", env={EVIDENCE_MAX_BYTES_ENV: raw}).evidence_max_bytes == expected


@pytest.mark.parametrize("raw", ["0", "-5", "1.5", "4GiB", "lots"])
def test_an_evidence_limit_that_is_not_a_positive_whole_number_is_refused(raw: str) -> None:
    with pytest.raises(LimitsError) as caught:
        load_settings("x", env={EVIDENCE_MAX_BYTES_ENV: raw})
    message = str(caught.value)
    assert message.startswith(f"{EVIDENCE_MAX_BYTES_ENV}={raw!r} is not a positive whole number")
    assert f"of bytes (e.g. {DEFAULT_EVIDENCE_MAX_BYTES})" in message


def test_an_import_limit_that_is_not_a_positive_whole_number_names_its_default() -> None:
    with pytest.raises(LimitsError) as caught:
        load_settings("x", env={"KINTRACE_IMPORT_MAX_COLUMNS": "0"})
    assert str(caught.value) == (
        "KINTRACE_IMPORT_MAX_COLUMNS='0' is not a positive whole number (e.g. 500). "
        "Fix or unset it."
    )
