"""Settings, read once at the edge (CLI or web factory) and passed in; never at import time."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from kintrace.timezones import DEFAULT_TIME_ZONE, TIME_ZONE_ENV, TimeZoneError, zone_named

DEFAULT_HOME = Path("kintrace-data")
DEFAULT_EVIDENCE_MAX_BYTES = 4 << 30
EVIDENCE_MAX_BYTES_ENV = "KINTRACE_EVIDENCE_MAX_BYTES"


@dataclass(frozen=True)
class ImportLimits:
    """The limits one import runs under (defaults are the safe values)."""

    #: Columns in the header or in any row (the last non-empty cell counts; XLSX rows padded
    #: with empty cells are fine).
    max_columns: int = 500
    #: Characters in one cell.
    max_field_chars: int = 65_536
    #: Characters in one row, all cells together (also bounds a CSV record or a JSON line while
    #: it is being read, before it is split into cells).
    max_row_chars: int = 1_048_576
    #: Bytes an XLSX workbook unpacks to: the sum its parts declare, and what each part really
    #: gives while it is streamed (declared sizes can lie).
    xlsx_max_unpacked_bytes: int = 512 << 20
    #: Bytes of any XLSX part other than a worksheet (shared strings, styles, workbook): these
    #: are held in memory whole while the workbook is opened.
    xlsx_max_part_bytes: int = 64 << 20
    #: Distinct texts in the workbook's shared-string table (each is held in memory).
    xlsx_max_shared_strings: int = 1_000_000


#: The environment variable that sets each limit.
ENV_NAMES: Mapping[str, str] = {
    "max_columns": "KINTRACE_IMPORT_MAX_COLUMNS",
    "max_field_chars": "KINTRACE_IMPORT_MAX_FIELD_CHARS",
    "max_row_chars": "KINTRACE_IMPORT_MAX_ROW_CHARS",
    "xlsx_max_unpacked_bytes": "KINTRACE_XLSX_MAX_UNPACKED_BYTES",
    "xlsx_max_part_bytes": "KINTRACE_XLSX_MAX_PART_BYTES",
    "xlsx_max_shared_strings": "KINTRACE_XLSX_MAX_SHARED_STRINGS",
}


class LimitsError(ValueError):
    """A limit setting that is not a positive whole number; the message names it."""


def limits_from_env(env: Mapping[str, str]) -> ImportLimits:
    """ImportLimits from the environment; unset variables keep their defaults."""
    defaults = ImportLimits()
    limits = ImportLimits(
        **{
            item.name: _positive_whole_number(
                env, ENV_NAMES[item.name], default=getattr(defaults, item.name)
            )
            for item in fields(ImportLimits)
        }
    )
    if limits.max_row_chars < limits.max_field_chars:
        raise LimitsError(
            f"{ENV_NAMES['max_row_chars']} ({limits.max_row_chars}) is smaller than "
            f"{ENV_NAMES['max_field_chars']} ({limits.max_field_chars}): a row holds its cells."
        )
    return limits


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
    #: Largest evidence file accepted, in bytes (KINTRACE_EVIDENCE_MAX_BYTES; default 4 GiB).
    evidence_max_bytes: int = DEFAULT_EVIDENCE_MAX_BYTES
    #: The IANA time zone times are shown in (KINTRACE_TIME_ZONE; default Europe/Kyiv).
    time_zone: str = DEFAULT_TIME_ZONE

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
    `KINTRACE_XLSX_*` variables set the import limits, `KINTRACE_EVIDENCE_MAX_BYTES` the largest
    evidence file, `KINTRACE_TIME_ZONE` the time zone of pages and command output (a bad value
    raises LimitsError).
    """
    env = os.environ if env is None else env
    home_path = Path(home) if home is not None else Path(env.get("KINTRACE_HOME") or DEFAULT_HOME)
    url = database_url or env.get("KINTRACE_DATABASE_URL") or ""
    if not url:
        url = f"sqlite:///{(home_path / 'kintrace.db').resolve()}"
    return Settings(
        home=home_path,
        database_url=url,
        import_limits=limits_from_env(env),
        evidence_max_bytes=_evidence_max_bytes(env),
        time_zone=_time_zone(env),
    )


def _time_zone(env: Mapping[str, str]) -> str:
    raw = env.get(TIME_ZONE_ENV, "").strip()
    if not raw:
        return DEFAULT_TIME_ZONE
    try:
        zone_named(raw)
    except TimeZoneError as exc:
        raise LimitsError(str(exc)) from None
    return raw


def _evidence_max_bytes(env: Mapping[str, str]) -> int:
    return _positive_whole_number(
        env, EVIDENCE_MAX_BYTES_ENV, default=DEFAULT_EVIDENCE_MAX_BYTES, unit="bytes"
    )


def _positive_whole_number(
    env: Mapping[str, str], name: str, *, default: int, unit: str = ""
) -> int:
    """The positive whole number the variable `name` sets ("1_000" allowed), or `default` when
    it is unset or blank; LimitsError naming the variable and an example otherwise."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        value = 0
    if value <= 0:
        of_unit = f" of {unit}" if unit else ""
        raise LimitsError(
            f"{name}={raw[:40]!r} is not a positive whole number{of_unit} (e.g. {default}). "
            "Fix or unset it."
        )
    return value
