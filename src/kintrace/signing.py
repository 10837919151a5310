"""The installation's signing key: Ed25519, kept in the data directory.

One key signs everything Kintrace vouches for outside its database: audit checkpoints, evidence
bundle manifests, list-exchange packages and published figures. A reader checks a signature with
the public key alone (`kintrace signing-key` prints it), so the key's owner can hand that key to a
court, a mediator or a journalist and keep the private half on the registry's machine.

The private key lives in `<home>/keys/signing-ed25519.pem` (PKCS#8 PEM, unencrypted, mode 0600 in
a 0700 directory): the data directory already holds the registry itself, so it is protected the same
way. It is created on first use; two processes starting at once end up with the same key (the file
is created exclusively, and the loser reads the winner's). Losing the key does not invalidate what
was signed with it: signatures keep verifying against the published public key; a new key simply
gets a new key id.

Library: `cryptography` (Apache-2.0 / BSD), the Python Cryptographic Authority's package; see
docs/decisions/0000-dependencies.md.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

KEY_DIRECTORY = "keys"
KEY_FILE = "signing-ed25519.pem"


class SigningKeyError(Exception):
    """The key file exists but cannot be used (unreadable, not an Ed25519 key). No key material."""


@dataclass(frozen=True)
class Signer:
    """The private key, with what a caller needs to sign and to name the key."""

    _key: Ed25519PrivateKey

    @property
    def key_id(self) -> str:
        """First 16 hex digits of SHA-256 over the raw 32-byte public key: stable, short, public."""
        return key_id_of(self.public_key_raw())

    def sign(self, data: bytes) -> bytes:
        """The 64-byte Ed25519 signature of `data`."""
        return self._key.sign(data)

    def public_key_raw(self) -> bytes:
        return self._key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    def public_key_pem(self) -> bytes:
        return self._key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


def key_id_of(public_key_raw: bytes) -> str:
    return hashlib.sha256(public_key_raw).hexdigest()[:16]


def key_path(home: Path | str) -> Path:
    return Path(home) / KEY_DIRECTORY / KEY_FILE


def load_or_create_signer(home: Path | str) -> Signer:
    """The installation's key from `<home>/keys/`, created there (0600) if there is none yet."""
    path = key_path(home)
    if not path.exists():
        _create(path)
    return _load(path)


def load_signer(home: Path | str) -> Signer | None:
    """The installation's key, or None if none has been created yet (never creates one)."""
    path = key_path(home)
    return _load(path) if path.exists() else None


def public_key_from_pem(pem: bytes) -> Ed25519PublicKey:
    """Parse a public key as `Signer.public_key_pem` writes it; ValueError if it is not Ed25519."""
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def verify_signature(public_key_pem: bytes, data: bytes, signature: bytes) -> bool:
    """True if `signature` is the Ed25519 signature of `data` under this public key.

    A malformed key raises ValueError (the caller gave the wrong file); a wrong or malformed
    signature is simply False.
    """
    key = public_key_from_pem(public_key_pem)
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return False
    return True


def write_key_file_once(path: Path, body: bytes) -> None:
    """Write a secret key file (mode 0600, in a 0700 directory), unless one is already there.

    Written to a private temporary name, then linked into place: the key file appears whole or
    not at all, and if another process got there first its key is kept (the caller then reads
    the winner's). Used for every key in `<home>/keys/`: the signing key and the exchange's age
    identity.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mode 0600
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _create(path: Path) -> None:
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    write_key_file_once(path, pem)


def _load(path: Path) -> Signer:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as error:
        raise SigningKeyError(
            f"the signing key {path} cannot be read as an unencrypted PEM private key "
            f"({type(error).__name__})"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"the signing key {path} is not an Ed25519 key")
    return Signer(key)
