"""Issue 12, finding 9 on the command line: `kintrace status` prints the dashboard's figures
from the same service as the web page (kintrace.services.dashboard), numbers right-aligned
under their headers, sources by name. Synthetic data."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from kintrace.accounts.actors import Actor
from kintrace.cli.app import app
from kintrace.config import Settings
from kintrace.services import dashboard
from kintrace.store.engine import open_store
from support.seed import add_link_run, add_linked_records, write_records_csv

ROWS = [  # synthetic
    ("family-reports", "f1", "Олександр", "Ковальчук", "2012-03-14", "Херсон"),
    ("family-reports", "f2", "Марія", "Шевченко", "2010-07-01", "Маріуполь"),
    ("camp-list", "c1", "Александр", "Ковальчук", "2012-03-14", "Херсон"),
]


def _kt(settings: Settings, *args: str) -> str:
    result = CliRunner().invoke(
        app, ["--home", str(settings.home), *args], env={"COLUMNS": "100", "KINTRACE_USER": ""}
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_status_prints_the_dashboards_figures(sqlite_settings: Settings, tmp_path: Path) -> None:
    _kt(sqlite_settings, "import", str(write_records_csv(tmp_path / "l.csv", ROWS)), "--no-link")
    _kt(sqlite_settings, "sources", "set-kind", "camp-list", "camp")
    _kt(sqlite_settings, "cases", "open", "family-reports:f2", "--as", "boss")
    store = open_store(sqlite_settings)
    try:
        with store.session(write=True) as db:  # as a link run leaves them: one person, 2 records
            run = add_link_run(db, at=datetime.now(UTC))
            members = [("family-reports", "f1", "P1"), ("camp-list", "c1", "P1")]
            add_linked_records(db, run_id=run, members=members)
        with store.session() as db:
            d = dashboard.figures(db, Actor("test"))
    finally:
        store.close()
    assert (d.persons, d.linked_records) == (1, 2)
    shown = _kt(sqlite_settings, "status")
    assert shown.startswith("Registry: 2 sources, 3 records")
    assert (
        "Every agency: 1 persons, 3 records (2 linked), 0 rows in quarantine; cases 1 open, "
        "0 closed; pairs 0 waiting, 0 decided"
    ) in " ".join(shown.split())
    lines = shown.splitlines()
    header = next(line for line in lines if "┃ source" in line)
    camp = next(line for line in lines if "camp-list" in line)
    # right-aligned: the count ends where its header ends
    assert header.index("records") + len("records") == camp.index(" 1 │") + 2
    assert re.search(r"identity\s+│\s+reported\s+│\s+1", shown)
    month = d.arrivals[-1].month
    assert re.search(rf"{month}\s+│\s+1\s+│\s+2", shown)  # camp 1, kind not set 2
    assert "week from" in shown and len(d.review_weeks) == 12
