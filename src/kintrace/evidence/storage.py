"""Content-addressed, write-once storage of evidence files in the data directory.

`<home>/evidence/originals/ab/abcdef...` holds the bytes whose SHA-256 is `abcdef...`, read-only
(mode 0444). A file is streamed into `<home>/evidence/incoming/` while SHA-256 and SHA-512 are
computed and the size is counted against the limit; only when every byte was written, flushed
to disk and hashed is it moved (atomically) to its name. The same bytes twice are one file.
Working copies live in `<home>/evidence/copies/`.

Nothing here reads or writes outside `<home>/evidence`: a hash that is not 64 hex digits, or a
path that resolves elsewhere (a symbolic link planted in the store), is refused.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from kintrace.config import Settings
from kintrace.evidence.errors import EvidenceError, EvidenceRefused
from kintrace.evidence.kinds import SNIFF_BYTES, sniff

CHUNK = 1 << 20
_SHA256 = re.compile(r"[0-9a-f]{64}")
#: Default largest file accepted (KINTRACE_EVIDENCE_MAX_BYTES overrides it).
DEFAULT_MAX_BYTES = 4 << 30


@dataclass(frozen=True)
class StoredFile:
    """A file in the store, as its bytes were hashed on the way in."""

    sha256: str
    sha512: str
    size: int
    media_type: str
    path: Path


@dataclass(frozen=True)
class Fixity:
    """The hashes of an original as read now (None when the file is missing or unreadable)."""

    sha256: str | None
    sha512: str | None
    size: int | None
    problem: str | None = None


class EvidenceStore:
    """The evidence directory of one data directory."""

    def __init__(self, home: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.root = (Path(home) / "evidence").resolve()
        self.max_bytes = max_bytes

    @classmethod
    def of(cls, settings: Settings) -> EvidenceStore:
        """The evidence store of the settings' data directory, with its size limit."""
        return cls(settings.home, max_bytes=settings.evidence_max_bytes)

    # paths -----------------------------------------------------------------------------------

    def original_path(self, sha256: str) -> Path:
        return self._inside(self.root / "originals" / _checked(sha256)[:2] / sha256)

    def copy_path(self, sha256: str, suffix: str) -> Path:
        return self._inside(self.root / "copies" / f"{_checked(sha256)}{suffix}")

    def _inside(self, path: Path) -> Path:
        resolved = path.resolve()
        if not resolved.is_relative_to(self.root):
            raise EvidenceError(
                f"A path in the evidence store leads outside it ({self.root}); it was refused. "
                "Check the evidence directory for symbolic links."
            )
        return resolved

    # writing ---------------------------------------------------------------------------------

    def ingest(
        self,
        stream: BinaryIO,
        *,
        progress: Callable[[int], None] | None = None,
        check: Callable[[str], None] | None = None,
    ) -> StoredFile:
        """Stream `stream` into the store; refuse an empty or over-limit file before keeping it.
        `check` gets the media type found from the content and may refuse it (raise) before the
        file is kept."""
        incoming = self._inside(self.root / "incoming")
        incoming.mkdir(parents=True, exist_ok=True)
        sha256, sha512 = hashlib.sha256(), hashlib.sha512()
        size = 0
        head = b""
        handle, temp_name = tempfile.mkstemp(dir=incoming, prefix="in-")
        temp = Path(temp_name)
        try:
            with os.fdopen(handle, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise EvidenceRefused(
                            f"The file is larger than the limit of {self.max_bytes:,} bytes "
                            "(KINTRACE_EVIDENCE_MAX_BYTES); nothing was kept. Split it, or ask "
                            "the administrator to raise the limit."
                        )
                    if len(head) < SNIFF_BYTES:
                        head += chunk[: SNIFF_BYTES - len(head)]
                    sha256.update(chunk)
                    sha512.update(chunk)
                    out.write(chunk)
                    if progress is not None:
                        progress(len(chunk))
                out.flush()
                os.fsync(out.fileno())
            if size == 0:
                raise EvidenceRefused("The file is empty (0 bytes); nothing was kept.")
            media_type = sniff(head)
            if check is not None:
                check(media_type)
            digest = sha256.hexdigest()
            target = self.original_path(digest)
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                temp.unlink()
            else:
                os.chmod(temp, 0o444)
                os.replace(temp, target)
                _fsync_directory(target.parent)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
            raise
        return StoredFile(
            sha256=digest,
            sha512=sha512.hexdigest(),
            size=size,
            media_type=media_type,
            path=target,
        )

    def write_copy(self, sha256: str, suffix: str, data: bytes) -> Path:
        """Keep a derived copy (read-only, replaced atomically)."""
        target = self.copy_path(sha256, suffix)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(dir=target.parent, prefix="copy-")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temp_name, 0o444)
        os.replace(temp_name, target)
        return target

    def remove(self, sha256: str) -> None:
        """Erase an original and its working copies (retention, erasure)."""
        for path in [self.original_path(sha256), *self._copies_of(sha256)]:
            with contextlib.suppress(FileNotFoundError):
                os.chmod(path, 0o644)
                path.unlink()

    def _copies_of(self, sha256: str) -> list[Path]:
        directory = self.root / "copies"
        if not directory.is_dir():
            return []
        return [self._inside(p) for p in directory.glob(f"{_checked(sha256)}.*")]

    # reading ---------------------------------------------------------------------------------

    def fixity(self, sha256: str) -> Fixity:
        """Re-hash the original of `sha256` as it is on disk now."""
        path = self.original_path(sha256)
        h256, h512 = hashlib.sha256(), hashlib.sha512()
        size = 0
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(CHUNK):
                    size += len(chunk)
                    h256.update(chunk)
                    h512.update(chunk)
        except FileNotFoundError:
            return Fixity(None, None, None, "the original file is missing")
        except OSError as exc:
            return Fixity(None, None, None, f"the original cannot be read ({exc.strerror})")
        return Fixity(h256.hexdigest(), h512.hexdigest(), size)


def _checked(sha256: str) -> str:
    if not _SHA256.fullmatch(sha256):
        raise EvidenceError(
            "An evidence hash is not 64 lower-case hex digits; the path it would name was refused."
        )
    return sha256


def _fsync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
