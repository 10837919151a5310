"""Issue 12, findings 3 and 8 on the command line: case lists name the child (as written, in
Latin letters, birth date) and keep the SOURCE:ID whole in an 80-column terminal; without a
user the commands say how to name one. Synthetic data."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from kintrace.cli.app import app
from kintrace.config import Settings

LONG_ID = "UAF-0001043-2014-kherson"


def _kt(settings: Settings, *args: str, ok: bool = True) -> str:
    result = CliRunner().invoke(
        app, ["--home", str(settings.home), *args], env={"COLUMNS": "80", "KINTRACE_USER": ""}
    )
    assert (result.exit_code == 0) is ok, result.output
    assert "Traceback" not in result.output
    return result.output


def test_issue12_finding3_cases_list_names_the_child_and_keeps_the_id_whole(
    sqlite_settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "ua.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(
            [
                ["source", "record_id", "given_name", "family_name", "patronymic", "birth_date"],
                [
                    "demo_ua_family_reports",
                    LONG_ID,
                    "Марія",
                    "Коваленко",
                    "Сергіївна",
                    "2014-03-05",
                ],
            ]
        )
    _kt(sqlite_settings, "import", str(path), "--no-link")
    ref = f"demo_ua_family_reports:{LONG_ID}"
    _kt(sqlite_settings, "cases", "open", ref, "--as", "boss")
    shown = _kt(sqlite_settings, "cases", "list", "--as", "boss")
    flat = "".join(shown.split())  # names may fold onto more lines; the id never does
    assert "КоваленкоМаріяСергіївна" in flat and "Kovalenko" in flat and "2014-03-05" in flat
    assert f"    {ref}\n" in shown  # whole, on a line of its own, ready to copy


def test_issue12_finding8_an_unknown_user_is_told_about_kintrace_user(
    sqlite_settings: Settings,
) -> None:
    from datetime import UTC, datetime

    from kintrace.store.engine import open_store
    from support.seed import add_user_row

    store = open_store(sqlite_settings)
    with store.session(write=True) as s:
        add_user_row(s, username="o.petrenko", role="caseworker", at=datetime.now(UTC))
    store.close()
    refused = " ".join(_kt(sqlite_settings, "cases", "list", "--as", "root", ok=False).split())
    assert "There is no user 'root'" in refused and "KINTRACE_USER" in refused
    assert "case(s)" in _kt(sqlite_settings, "cases", "list", "--as", "o.petrenko")
