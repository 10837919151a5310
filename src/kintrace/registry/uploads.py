"""Uploaded lists waiting for their mapping step: kept in the data directory under a random
token, for the user who uploaded them only, until they are imported.

The file stays where it is after the import (like every imported file, it is the provenance of
its records); the small note beside it says who uploaded it and under which name. Importing it a
second time changes nothing (the importer knows the file).
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

UPLOADS = "uploads"
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_SHOWN_NAME = re.compile(r"[^\w.() -]+")
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class StagedUpload:
    token: str
    path: Path  # the file as uploaded
    display_name: str  # the name the user's computer gave it
    user_id: int
    source: str | None


def upload_dir(home: Path) -> Path:
    """Where uploads are kept: inside the data directory, like every imported file."""
    path = home / UPLOADS
    path.mkdir(parents=True, exist_ok=True)
    return path


def safe_name(name: str | None, default: str = "upload.csv") -> str:
    """A file name that is safe on disk (the extension is kept: it says the format)."""
    return _SAFE_NAME.sub("_", Path(name or default).name)[-120:] or default


def shown_name(name: str | None, default: str = "upload.csv") -> str:
    """The name the user's computer gave the file, as pages and reports show it (letters of any
    script kept; path parts and control characters gone)."""
    return _SHOWN_NAME.sub("_", Path(name or default).name)[-120:].strip() or default


def stage_upload(
    home: Path, *, data: bytes, name: str | None, user_id: int, source: str | None
) -> StagedUpload:
    """Keep an uploaded file for its mapping step; returns its token. On disk the name is
    ASCII (`safe_name`), behind the token; the name shown is the user's."""
    token = secrets.token_hex(16)
    display = shown_name(name)
    path = upload_dir(home) / f"{token}-{safe_name(name)}"
    path.write_bytes(data)
    staged = StagedUpload(token, path, display, user_id, source)
    _write_note(home, staged)
    return staged


def staged_upload(home: Path, token: str, *, user_id: int) -> StagedUpload | None:
    """The upload `token` of `user_id`, or None (unknown token, or another user's upload)."""
    if not _TOKEN.match(token):
        return None
    note = upload_dir(home) / f"{token}.json"
    try:
        data = json.loads(note.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("user_id") != user_id:
        return None
    path = upload_dir(home) / Path(str(data.get("file", ""))).name
    if not path.name.startswith(token) or not path.is_file():
        return None
    return StagedUpload(token, path, data["display_name"], user_id, data.get("source"))


def _write_note(home: Path, staged: StagedUpload) -> None:
    note = upload_dir(home) / f"{staged.token}.json"
    note.write_text(
        json.dumps(
            {
                "user_id": staged.user_id,
                "file": staged.path.name,
                "display_name": staged.display_name,
                "source": staged.source,
                "uploaded_at": datetime.now(UTC).isoformat(timespec="seconds"),
            }
        ),
        encoding="utf-8",
    )
