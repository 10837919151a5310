"""One small synthetic dataset per test session, in memory and on disk (generation takes ~0.2 s)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kintrace.demo import DemoDataset, generate, write_dataset

CHILDREN = 4000
# Another seed can be tried with KINTRACE_DEMO_TEST_SEED: the checks must hold for any seed.
SEED = int(os.environ.get("KINTRACE_DEMO_TEST_SEED", "20260101"))


@pytest.fixture(scope="session")
def dataset() -> DemoDataset:
    return generate(children=CHILDREN, seed=SEED)


@pytest.fixture(scope="session")
def written(dataset: DemoDataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo-lists")
    write_dataset(dataset, out)
    return out
