"""One small synthetic dataset per test session, in memory and on disk (generation takes ~0.2 s)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kintrace.demo import DemoDataset, generate, write_dataset

CHILDREN = 4000
SEED = 20260101


@pytest.fixture(scope="session")
def dataset() -> DemoDataset:
    return generate(children=CHILDREN, seed=SEED)


@pytest.fixture(scope="session")
def written(dataset: DemoDataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo-lists")
    write_dataset(dataset, out)
    return out
