from pathlib import Path

from kintrace.config import load_settings


def test_default_home_is_kintrace_data_and_sqlite_inside_it() -> None:
    s = load_settings(env={})
    assert s.home == Path("kintrace-data")
    assert s.database_url.startswith("sqlite:///")
    assert s.database_url.endswith("kintrace-data/kintrace.db")


def test_database_url_from_environment_wins_over_home() -> None:
    s = load_settings("x", env={"KINTRACE_DATABASE_URL": "postgresql+psycopg://u@h/db"})
    assert s.database_url == "postgresql+psycopg://u@h/db"
    assert not s.is_sqlite
