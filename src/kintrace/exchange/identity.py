"""Our age identity: the X25519 key partners encrypt their answers to (age v1, via pyrage).

The secret half lives in `<home>/keys/age-identity.txt` (mode 0600 in a 0700 directory), created
on first use by `kintrace.signing.write_key_file_once`, as the signing key is (exclusively, so two
processes end up with one key). Only the public recipient (`age1...`) is ever printed or exported;
the secret is read into memory to decrypt and never written to a log, an exception or a package.
"""

from __future__ import annotations

from pathlib import Path

import pyrage

from kintrace.exchange.errors import ExchangeRefused
from kintrace.signing import KEY_DIRECTORY, write_key_file_once

IDENTITY_FILE = "age-identity.txt"


def identity_path(home: Path | str) -> Path:
    return Path(home) / KEY_DIRECTORY / IDENTITY_FILE


def load_or_create_identity(home: Path | str) -> pyrage.x25519.Identity:
    path = identity_path(home)
    if not path.exists():
        _create(path)
    try:
        text = path.read_text("ascii")
        lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
        return pyrage.x25519.Identity.from_str(lines[0])
    except (OSError, ValueError, IndexError, pyrage.IdentityError):
        raise ExchangeRefused(
            f"the age identity {path} cannot be read as an age X25519 identity"
        ) from None


def our_recipient(home: Path | str) -> str:
    """The public half (age1...), for partners to encrypt answers to."""
    return str(load_or_create_identity(home).to_public())


def parse_recipient(text: str) -> pyrage.x25519.Recipient:
    """A partner's age recipient; ExchangeRefused if it is not an `age1...` X25519 key."""
    try:
        return pyrage.x25519.Recipient.from_str(text.strip())
    except (ValueError, pyrage.RecipientError):
        raise ExchangeRefused(
            f"'{text.strip()[:80]}' is not an age X25519 recipient: expected 'age1' followed by "
            "58 characters (the partner's `age-keygen -y` output)."
        ) from None


def _create(path: Path) -> None:
    identity = pyrage.x25519.Identity.generate()
    body = f"# public key: {identity.to_public()}\n{identity}\n".encode("ascii")
    write_key_file_once(path, body)
