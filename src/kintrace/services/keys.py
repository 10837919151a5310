"""The installation's signing key (Ed25519) as `kintrace signing-key` shows it: the public half
only, made in the data directory on first use (`kintrace.signing`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kintrace.signing import load_or_create_signer


@dataclass(frozen=True)
class PublicKey:
    key_id: str
    pem: bytes


def public_signing_key(home: Path) -> PublicKey:
    """The public key of the data directory's signing key (SigningKeyError, OSError)."""
    signer = load_or_create_signer(home)
    return PublicKey(key_id=signer.key_id, pem=signer.public_key_pem())
