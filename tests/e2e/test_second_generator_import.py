"""A delivery from the second test generator imports with its manifest, nothing held back.

The generator (bench/generators/second) is independent of Kintrace; this is the check that
its files are what the import format (docs/formats.md) accepts: eight lists in CSV UTF-8 (with
and without BOM), CSV Windows-1251 with semicolons, XLSX and JSON Lines, 0 quarantined rows.
Synthetic data only.
"""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from kintrace.cli.app import app
from kintrace.config import Settings
from support.generators import use_bench_generators

use_bench_generators()
from generators.second import generate, write  # noqa: E402


def test_a_200_child_delivery_imports_with_no_row_held_back(
    settings: Settings, tmp_path: Path
) -> None:
    dataset = generate(200, 7)
    manifest = write(dataset, tmp_path / "delivery")
    env = {"KINTRACE_DATABASE_URL": "" if settings.is_sqlite else settings.database_url}
    env["COLUMNS"] = "220"
    runner = CliRunner()
    result = runner.invoke(
        app, ["--home", str(settings.home), "import", "--manifest", str(manifest)], env=env
    )
    assert result.exit_code == 0, result.output
    rejected = [int(n) for n in re.findall(r"(\d+) rejected", result.output)]
    assert len(rejected) == len(dataset.sources) and sum(rejected) == 0, result.output
    status = runner.invoke(app, ["--home", str(settings.home), "sources"], env=env)
    assert status.exit_code == 0, status.output
    assert f"{dataset.record_count} records" in status.output
    assert "0 quarantined open" in status.output
    for source in dataset.sources:
        assert source.name in status.output and source.kind in status.output
