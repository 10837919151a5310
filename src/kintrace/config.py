"""Settings, read once at the edge (CLI or web factory) and passed in; never at import time."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kintrace.registry.limits import ImportLimits, limits_from_env

DEFAULT_HOME = Path("kintrace-data")


@dataclass(frozen=True)
class Settings:
    """Where Kintrace keeps its data.

    `home` holds the SQLite database (unless `database_url` points elsewhere), link runs,
    evidence files and exports. `database_url` is a SQLAlchemy URL; PostgreSQL for teams.
    `import_limits` bound what one records file may cost (registry/limits.py).
    """

    home: Path
    database_url: str
    import_limits: ImportLimits = field(default_factory=ImportLimits)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_settings(
    home: Path | str | None = None,
    *,
    database_url: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """Build settings from explicit values, then the environment, then defaults.

    `KINTRACE_HOME` names the data directory (default `./kintrace-data`);
    `KINTRACE_DATABASE_URL` overrides the SQLite file inside it; the `KINTRACE_IMPORT_*` and
    `KINTRACE_XLSX_*` variables set the import limits (a bad value raises LimitsError).
    """
    env = os.environ if env is None else env
    home_path = Path(home) if home is not None else Path(env.get("KINTRACE_HOME") or DEFAULT_HOME)
    url = database_url or env.get("KINTRACE_DATABASE_URL") or ""
    if not url:
        url = f"sqlite:///{(home_path / 'kintrace.db').resolve()}"
    return Settings(home=home_path, database_url=url, import_limits=limits_from_env(env))
