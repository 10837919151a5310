"""The feature cache's stamp follows the name rules' code, not only the version and the tables."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest

from kintrace.linkage import feature_cache


def test_a_change_to_the_name_code_invalidates_the_feature_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "names"
    shutil.copytree(Path(str(resources.files("kintrace.names"))), copy)
    real = resources.files

    def files(package: str):  # type: ignore[no-untyped-def]
        return copy if package == "kintrace.names" else real(package)

    monkeypatch.setattr(feature_cache.resources, "files", files)
    before = feature_cache._stamp()
    assert feature_cache._stamp() == before  # stable
    rules = copy / "family.py"
    rules.write_text(rules.read_text(encoding="utf-8") + "\n# a new rule\n", encoding="utf-8")
    assert feature_cache._stamp() != before
