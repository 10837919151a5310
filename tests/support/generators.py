"""Access to the benchmark data generators under bench/ (not part of the installed package).

`bench/generators` is importable once bench/ is on sys.path, as the benchmarks do for
themselves; `use_bench_generators()` does it for the tests.
"""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def use_bench_generators() -> Path:
    """Put bench/ on sys.path (once) so that `import generators.second` works; returns bench/."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    return BENCH
