"""The generator tests import `generators.second` from bench/ (see tests/support/generators.py)."""

from support.generators import use_bench_generators

use_bench_generators()
