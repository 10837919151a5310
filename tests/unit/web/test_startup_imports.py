"""The web server starts without the data stack: pandas, DuckDB, Splink and SciPy load only when
a page needs them (a pair's model, a decision rule's why, the figures page), so `kintrace serve`
starts quickly."""

from __future__ import annotations

import subprocess
import sys


def test_the_routes_import_no_pandas_duckdb_splink_or_scipy() -> None:
    code = (
        "import sys; from kintrace.web.routes import ROUTERS; "
        "print(','.join(m for m in ('pandas', 'duckdb', 'splink', 'scipy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"the web routes imported: {out.stdout.strip()}"
