"""A seed gives the same lists, byte for byte, whichever path writes them."""

from __future__ import annotations

import hashlib
from pathlib import Path

from kintrace.demo import generate, stream_dataset, write_dataset


def _digests(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_same_seed_same_rows() -> None:
    first, second = generate(children=300, seed=5), generate(children=300, seed=5)
    assert first.records == second.records
    assert first.truth == second.truth


def test_other_seed_other_rows() -> None:
    assert generate(children=300, seed=5).records != generate(children=300, seed=6).records


def test_streaming_and_in_memory_write_identical_files(tmp_path: Path) -> None:
    write_dataset(generate(children=400, seed=11), tmp_path / "memory")
    summary = stream_dataset(children=400, seed=11, out_dir=tmp_path / "stream")
    memory, stream = _digests(tmp_path / "memory"), _digests(tmp_path / "stream")
    assert memory == stream
    assert any(name.endswith(".xlsx") for name in memory)  # the workbook too, byte for byte
    assert summary.children == 400
    assert summary.records == sum(1 for _ in generate(children=400, seed=11).truth)


def test_exact_number_of_children() -> None:
    for children in (1, 2, 3, 17):
        assert len(generate(children=children, seed=3).children) == children
