"""An upload kept for its mapping step is read up to its limit: a larger file is refused with a
message saying the limit, and nothing of it is kept (kintrace.services.imports.stage_limited)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kintrace.services.imports import UploadRefused, stage_limited, staged_upload


def test_a_file_at_the_limit_is_kept_for_its_uploader(tmp_path: Path) -> None:
    data = b"record_id,full_name\nr1,Synthetic Name\n"
    staged = stage_limited(
        tmp_path, io.BytesIO(data), max_bytes=len(data), name="list.csv", user_id=7, source="s1"
    )
    assert staged.path.read_bytes() == data and staged.display_name == "list.csv"
    assert staged_upload(tmp_path, staged.token, user_id=7) == staged
    assert staged_upload(tmp_path, staged.token, user_id=8) is None


def test_a_file_over_the_limit_is_refused_and_not_kept(tmp_path: Path) -> None:
    with pytest.raises(UploadRefused, match="larger than 1 MiB"):
        stage_limited(
            tmp_path,
            io.BytesIO(b"x" * ((1 << 20) + 1)),
            max_bytes=1 << 20,
            name="big.csv",
            user_id=7,
            source=None,
        )
    assert not any(tmp_path.rglob("*big*"))
