"""Signed audit checkpoints: the audit log's head, vouched for by the installation's key.

The hash chain (kintrace.audit) finds an entry changed in place, but not the last entries deleted
(the shorter chain is still a chain), nor an entry changed with every hash after it recomputed
(the chain needs no key). A checkpoint closes both gaps (issue 11, finding 7; decision 0415):
it holds the number of entries and the hash of the last one at a moment, signed with the
installation's Ed25519 key (kintrace.signing). Later, the log must still have that many entries
and the same hash at that place: fewer entries is truncation, another hash is a rewrite.

Checkpoints are kept in the store (`audit_checkpoints`; one is written by `kintrace audit
checkpoint` and at the end of each import and link run) and, as files, wherever the operator
keeps copies: whoever can rewrite the database may also delete its checkpoints, never a copy
kept elsewhere, and cannot sign a new one without the private key.

The signed bytes are the canonical JSON (kintrace.audit.canonical_json) of
{"kind", "version", "entries", "head_hash", "at", "key_id"}. The custody log of evidence is
covered through the audit log: each custody event has an audit entry carrying its hash.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from sqlalchemy import select
from sqlalchemy.orm import Session

from kintrace import audit
from kintrace.signing import (
    Signer,
    SigningKeyError,
    key_id_of,
    load_or_create_signer,
    public_key_from_pem,
    verify_signature,
)
from kintrace.store.audit_tables import AuditCheckpoint, AuditEntry

KIND = "kintrace-audit-checkpoint"
VERSION = 1
_log = logging.getLogger(__name__)


class CheckpointError(ValueError):
    """A checkpoint file that cannot be read as one; the message says what is wrong."""


@dataclass(frozen=True)
class Checkpoint:
    """The log's head at `at`: `entries` entries, the last with hash `head_hash`, signed."""

    entries: int
    head_hash: str
    at: str
    key_id: str
    signature: bytes
    public_key_pem: bytes
    id: int | None = None  # its row in the store, if it is stored

    def signed_bytes(self) -> bytes:
        return signed_bytes(
            entries=self.entries, head_hash=self.head_hash, at=self.at, key_id=self.key_id
        )

    def to_json(self) -> str:
        """The file form: self-describing, with the public key for whoever holds no copy."""
        return json.dumps(
            {
                "kind": KIND,
                "version": VERSION,
                "entries": self.entries,
                "head_hash": self.head_hash,
                "at": self.at,
                "key_id": self.key_id,
                "signature": base64.b64encode(self.signature).decode("ascii"),
                "public_key": self.public_key_pem.decode("ascii"),
            },
            indent=2,
        )


def signed_bytes(*, entries: int, head_hash: str, at: str, key_id: str) -> bytes:
    body = {
        "kind": KIND,
        "version": VERSION,
        "entries": entries,
        "head_hash": head_hash,
        "at": at,
        "key_id": key_id,
    }
    return audit.canonical_json(body).encode("utf-8")


def write(session: Session, signer: Signer) -> Checkpoint:
    """Sign the log's head as this transaction sees it and store the checkpoint with it."""
    last = session.execute(
        select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    entries, head = (last.id, last.hash) if last else (0, audit.GENESIS_HASH)
    at = audit.now_text()
    key_id = signer.key_id
    signature = signer.sign(signed_bytes(entries=entries, head_hash=head, at=at, key_id=key_id))
    row = AuditCheckpoint(
        at=at,
        entries=entries,
        head_hash=head,
        key_id=key_id,
        signature=signature.hex(),
        public_key=signer.public_key_pem().decode("ascii"),
    )
    session.add(row)
    session.flush()
    return _from_row(row)


def write_after_run(session: Session, home: Path) -> Checkpoint | None:
    """The checkpoint at the end of an import or a link run, in its transaction. A key that
    cannot be read or created (a read-only data directory) must not undo the run: the run keeps
    its work, the checkpoint is left out and a warning names the key file's problem."""
    try:
        signer = load_or_create_signer(home)
    except (SigningKeyError, OSError) as exc:
        _log.warning("audit checkpoint not written: %s", type(exc).__name__)
        return None
    return write(session, signer)


def latest(session: Session) -> Checkpoint | None:
    """The checkpoint stored last, or None."""
    row = session.scalars(
        select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(1)
    ).first()
    return _from_row(row) if row is not None else None


def _from_row(row: AuditCheckpoint) -> Checkpoint:
    return Checkpoint(
        id=row.id,
        entries=row.entries,
        head_hash=row.head_hash,
        at=row.at,
        key_id=row.key_id,
        signature=bytes.fromhex(row.signature),
        public_key_pem=row.public_key.encode("ascii"),
    )


def read_file(path: Path) -> Checkpoint:
    """A checkpoint file as `Checkpoint.to_json` writes it; CheckpointError if it is not one."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        detail = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise CheckpointError(f"cannot read the checkpoint file {path.name}: {detail}.") from None
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict) or data.get("kind") != KIND:
        raise CheckpointError(
            f"{path.name} is not an audit checkpoint (expected the JSON file `kintrace audit "
            "checkpoint --out FILE` writes)."
        )
    if data.get("version") != VERSION:
        raise CheckpointError(
            f"{path.name} is an audit checkpoint of version {str(data.get('version'))[:10]}; "
            f"this Kintrace reads version {VERSION}."
        )
    return _from_file_fields(path.name, data)


def _from_file_fields(name: str, data: dict[str, Any]) -> Checkpoint:
    entries, head, at = data.get("entries"), data.get("head_hash"), data.get("at")
    key_id, signature = data.get("key_id"), data.get("signature")
    public_key = data.get("public_key")
    texts = (head, at, key_id, signature, public_key)
    if not isinstance(entries, int) or isinstance(entries, bool) or entries < 0:
        raise CheckpointError(f"{name}: 'entries' is not a whole number of entries.")
    if not all(isinstance(value, str) for value in texts):
        raise CheckpointError(
            f"{name}: a field is missing (head_hash, at, key_id, signature and public_key are "
            "needed)."
        )
    try:
        raw_signature = base64.b64decode(str(signature), validate=True)
    except (binascii.Error, ValueError):
        raise CheckpointError(f"{name}: the signature is not base64.") from None
    return Checkpoint(
        entries=entries,
        head_hash=str(head),
        at=str(at),
        key_id=str(key_id),
        signature=raw_signature,
        public_key_pem=str(public_key).encode("ascii", "replace"),
    )


def problem_with(session: Session, checkpoint: Checkpoint, *, trusted_key_pem: bytes) -> str | None:
    """What is wrong between the log and `checkpoint`, or None when the log still holds what it
    vouched for. `trusted_key_pem` is the key the checkpoint must be signed with (the
    installation's, or one handed out); the key the checkpoint carries is never trusted alone."""
    try:
        trusted_id = key_id_of(_raw(trusted_key_pem))
    except ValueError:
        return "the public key given is not an Ed25519 public key (PEM)"
    if checkpoint.key_id != trusted_id:
        return (
            f"the checkpoint of {checkpoint.at} names the key {checkpoint.key_id[:16]}, not the "
            f"trusted key {trusted_id}; give the key it was signed with (--public-key FILE)"
        )
    if not verify_signature(trusted_key_pem, checkpoint.signed_bytes(), checkpoint.signature):
        return (
            f"the checkpoint of {checkpoint.at} does not carry a valid signature: it was changed "
            "or made without the key"
        )
    if checkpoint.entries == 0:
        return None
    row = session.execute(
        select(AuditEntry.hash).where(AuditEntry.id == checkpoint.entries)
    ).first()
    count = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) or 0
    if row is None or count < checkpoint.entries:
        return (
            f"the log has {count} entries, and the checkpoint of {checkpoint.at} vouched for "
            f"{checkpoint.entries}: entries at the end were deleted (truncation)"
        )
    if row.hash != checkpoint.head_hash:
        return (
            f"entry {checkpoint.entries} is not the one the checkpoint of {checkpoint.at} signed "
            "(its hash differs): the log was rewritten and its chain recomputed"
        )
    return None


def _raw(public_key_pem: bytes) -> bytes:
    return public_key_from_pem(public_key_pem).public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
