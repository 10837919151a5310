"""The figures tests use the synthetic registry of bench/figures_registry.py (no
names at all; places are towns or invented villages)."""

from __future__ import annotations

from support.generators import use_bench_generators

use_bench_generators()
