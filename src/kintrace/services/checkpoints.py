"""The audit log's integrity, as `kintrace audit checkpoint|verify` ask for it.

`verify` recomputes the hash chain with what each entry vouches for (an import's record
versions, kintrace.registry.integrity; an evidence custody event, kintrace.evidence.custody),
then holds the log against a signed checkpoint (kintrace.audit_checkpoint): the latest stored
one, or a copy kept elsewhere. Decision 0415.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kintrace import audit, audit_checkpoint
from kintrace.audit_checkpoint import Checkpoint, CheckpointError
from kintrace.evidence.custody import AUDIT_CHECKS as EVIDENCE_CHECKS
from kintrace.evidence.custody import verify_chain
from kintrace.registry.integrity import REGISTRY_CHECKS
from kintrace.signing import SigningKeyError, load_or_create_signer, load_signer
from kintrace.store.engine import Store

__all__ = ["AuditCheck", "CheckpointError", "checkpoint", "verify"]


@dataclass(frozen=True)
class AuditCheck:
    """What `verify` found: `ok`, entries checked, the first problem and where, and the
    checkpoint the log was held against (None when there is none)."""

    ok: bool
    entries: int
    custody_events: int = 0
    broken_id: int | None = None
    problem: str | None = None
    checkpoint: Checkpoint | None = None
    checkpoint_from: str = ""  # "store" or the file's name


def checkpoint(store: Store) -> Checkpoint:
    """Sign the log's head now and store the checkpoint (the caller may also write it out).
    Raises SigningKeyError or OSError when the key cannot be read or created."""
    signer = load_or_create_signer(store.settings.home)
    with store.session(write=True) as session:
        return audit_checkpoint.write(session, signer)


def verify(
    store: Store,
    *,
    checkpoint_file: Path | None = None,
    public_key_file: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> AuditCheck:
    """The chain and what it vouches for, then the log against the checkpoint in
    `checkpoint_file` or, without one, the latest stored. The checkpoint must be signed with the
    key in `public_key_file`, or the installation's. Raises CheckpointError for a file that is
    not a checkpoint or a key that cannot be read."""
    given = audit_checkpoint.read_file(checkpoint_file) if checkpoint_file else None
    trusted = _trusted_key(store, public_key_file)
    checks = {**REGISTRY_CHECKS, **EVIDENCE_CHECKS}
    with store.session() as session:
        chain = audit.verify(session, checks=checks, progress=progress)
        if not chain.ok:
            return AuditCheck(
                ok=False, entries=chain.entries, broken_id=chain.broken_id, problem=chain.problem
            )
        custody = verify_chain(session)
        if not custody.ok:
            return AuditCheck(
                ok=False,
                entries=chain.entries,
                custody_events=custody.events,
                problem=f"custody event {custody.broken_id}: {custody.problem}",
            )
        held = given if given is not None else audit_checkpoint.latest(session)
        where = checkpoint_file.name if checkpoint_file else "store"
        if held is None:
            return AuditCheck(ok=True, entries=chain.entries, custody_events=custody.events)
        if trusted is None:
            problem: str | None = (
                f"the checkpoint of {held.at} is signed with the key {held.key_id[:16]}, and "
                "there is no signing key in the data directory to check it with; give the "
                "public key it was signed with (--public-key FILE)"
            )
        else:
            problem = audit_checkpoint.problem_with(session, held, trusted_key_pem=trusted)
    return AuditCheck(
        ok=problem is None,
        entries=chain.entries,
        custody_events=custody.events,
        problem=problem,
        checkpoint=held,
        checkpoint_from=where,
    )


def _trusted_key(store: Store, public_key_file: Path | None) -> bytes | None:
    if public_key_file is not None:
        try:
            return public_key_file.read_bytes()
        except OSError as exc:
            raise CheckpointError(
                f"cannot read the public key {public_key_file.name}: {exc.strerror}."
            ) from None
    try:
        signer = load_signer(store.settings.home)
    except SigningKeyError as exc:
        raise CheckpointError(str(exc)) from None
    return signer.public_key_pem() if signer is not None else None
