"""The delivery manifest (`sources.json`): each file gets its source id, kind and description."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from kintrace.registry.errors import ImportRefused
from kintrace.registry.manifest import read_manifest


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "sources.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_entries_resolve_files_against_the_manifest_folder(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {
            "sources": [
                {"name": "camp_a", "file": "a.csv", "kind": "camp", "description": "SYNTHETIC"},
                {
                    "name": "listing",
                    "file": "/abs/b.xlsx",
                    "sheet": "S1",
                    "received_on": "2026-11-01",
                },
            ]
        },
    )
    first, second = read_manifest(path)
    assert (first.path, first.source, first.details.kind) == (tmp_path / "a.csv", "camp_a", "camp")
    assert first.details.description == "SYNTHETIC"
    assert (second.path, second.sheet) == (Path("/abs/b.xlsx"), "S1")
    assert second.details.received_on == date(2026, 11, 1)
    assert second.details.kind is None


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("not json", "not a JSON manifest"),
        ("[]", '"sources" list'),
        ('{"sources": []}', '"sources" list'),
        ('{"sources": [{"file": "a.csv"}]}', '"name" (the source id) is missing'),
        ('{"sources": [{"name": "a"}]}', '"file" is missing'),
        ('{"sources": [{"name": "a", "file": "a.csv", "kind": "orphanage"}]}', "is not one of"),
        ('{"sources": [{"name": "a", "file": "a.csv", "received_on": "1.2"}]}', "not a date"),
    ],
)
def test_a_bad_manifest_is_refused_with_the_reason(
    tmp_path: Path, content: str, reason: str
) -> None:
    path = tmp_path / "sources.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportRefused, match=re.escape(reason)):
        read_manifest(path)


def test_a_missing_manifest_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportRefused, match="does not exist"):
        read_manifest(tmp_path / "nope.json")
