"""Exchange packages: a zip of files with a signed manifest, encrypted to one age recipient.

Inside the zip: the list files, `manifest.json` (format, request, partner, agreement terms,
time, SHA-256 of every other file, the signer's key id), `manifest.sig` (the raw 64-byte
Ed25519 signature of manifest.json's bytes), `signing-key.pem` (the signer's public key, to be
compared with the one received out of band), `SHA256SUMS` (for `sha256sum -c`) and README.txt.
The zip is encrypted with age v1 (pyrage) to the partner's X25519 recipient, so the standard
`age -d -i KEY` opens it; `openssl pkeyutl -verify -pubin -inkey signing-key.pem -rawin -in
manifest.json -sigfile manifest.sig` and `sha256sum -c SHA256SUMS` check it (docs/exchange.md).

Opening checks the same, in the other direction: a package not for our identity, a manifest
whose signature does not verify under the partner's key, a file whose hash is not the manifest's.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

import pyrage

from kintrace.exchange.errors import ExchangeRefused
from kintrace.signing import Signer, key_id_of, public_key_from_pem, verify_signature

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
PUBLIC_KEY = "signing-key.pem"
SUMS = "SHA256SUMS"
_META = (MANIFEST, SIGNATURE, PUBLIC_KEY, SUMS)
#: An answer package is read whole into memory: refuse more than this (decrypted) at once.
MAX_PACKAGE_BYTES = 512 * 1024 * 1024


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build(
    files: dict[str, bytes], *, about: dict[str, Any], signer: Signer, recipient: str
) -> tuple[bytes, dict[str, Any]]:
    """The encrypted package and its manifest. `about` goes into the manifest as it is (no
    personal data: request, partner, terms, counts)."""
    manifest = dict(about)
    manifest["files"] = {name: sha256(data) for name, data in sorted(files.items())}
    manifest["signer_key_id"] = signer.key_id
    manifest_bytes = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    sums = "".join(f"{digest}  {name}\n" for name, digest in manifest["files"].items())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files.items()):
            archive.writestr(name, data)
        archive.writestr(MANIFEST, manifest_bytes)
        archive.writestr(SIGNATURE, signer.sign(manifest_bytes))
        archive.writestr(PUBLIC_KEY, signer.public_key_pem())
        archive.writestr(SUMS, sums)
    try:
        recipient_key = pyrage.x25519.Recipient.from_str(recipient)
        encrypted = pyrage.encrypt(buffer.getvalue(), [recipient_key])
    except (pyrage.RecipientError, pyrage.EncryptError, ValueError):
        raise ExchangeRefused("the partner's age recipient cannot be used to encrypt.") from None
    return encrypted, manifest


@dataclass(frozen=True)
class Opened:
    """A decrypted package: its files (manifest and signature apart) and what vouches for them."""

    files: dict[str, bytes]
    manifest: dict[str, Any] | None  # None: the package carried no manifest (unsigned)
    signed_by: str | None  # key id of the key whose signature verified


def is_spreadsheet(plain: bytes) -> bool:
    """Whether decrypted bytes are one XLSX workbook (itself a zip) rather than a package: a
    mediator may fill in the request's spreadsheet and encrypt it with `age` as it is."""
    if not zipfile.is_zipfile(io.BytesIO(plain)):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(plain)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
    return "[Content_Types].xml" in names and "xl/workbook.xml" in names


def decrypt(data: bytes, identity: pyrage.x25519.Identity) -> bytes:
    if not data.startswith(b"age-encryption.org/v1\n"):
        raise ExchangeRefused(
            "the file is not an age-encrypted package (it does not start with the age v1 "
            "header): answers are encrypted to our recipient (`kintrace exchange identity`)."
        )
    try:
        return pyrage.decrypt(data, [identity])
    except pyrage.DecryptError:
        raise ExchangeRefused(
            "the package is not encrypted to our age identity (it is for another recipient, or "
            "damaged): ask the partner to encrypt to the recipient `kintrace exchange identity` "
            "prints."
        ) from None


def open_package(
    data: bytes,
    identity: pyrage.x25519.Identity,
    *,
    verify_key_pem: bytes | None,
) -> Opened:
    """Decrypt and check. When `verify_key_pem` is given a valid signature under it is required;
    without it a signature that is present is still checked against the key it names."""
    plain = decrypt(data, identity)
    if len(plain) > MAX_PACKAGE_BYTES:
        raise ExchangeRefused(f"the package holds more than {MAX_PACKAGE_BYTES:,} bytes.")
    if not zipfile.is_zipfile(io.BytesIO(plain)) or is_spreadsheet(plain):
        if verify_key_pem is not None:
            raise ExchangeRefused(
                "the partner's answers must be signed, and this package has no signed manifest."
            )
        return Opened(files={"answer": plain}, manifest=None, signed_by=None)
    files = _unzip(plain)
    manifest_bytes, signature = files.pop(MANIFEST, None), files.pop(SIGNATURE, None)
    enclosed_key = files.pop(PUBLIC_KEY, None)
    files.pop(SUMS, None)
    if manifest_bytes is None or signature is None:
        if verify_key_pem is not None:
            raise ExchangeRefused(
                "the partner's answers must be signed, and this package has no manifest.json "
                "with manifest.sig."
            )
        return Opened(files=files, manifest=None, signed_by=None)
    key_pem = verify_key_pem or enclosed_key
    if key_pem is None:
        raise ExchangeRefused("the package is signed but carries no key to check it with.")
    try:
        good = verify_signature(key_pem, manifest_bytes, signature)
    except ValueError:
        raise ExchangeRefused("the signing key enclosed in the package is not Ed25519.") from None
    if not good:
        raise ExchangeRefused(
            "the package's signature does not verify under the partner's key: it was changed, "
            "or signed by someone else. Nothing was imported."
        )
    try:
        manifest = json.loads(manifest_bytes)
        listed = dict(manifest["files"])
    except (ValueError, KeyError, TypeError):
        raise ExchangeRefused("the package's manifest.json cannot be read.") from None
    if set(listed) != set(files):
        raise ExchangeRefused("the package's files are not the ones its manifest lists.")
    for name, data_ in files.items():
        if sha256(data_) != listed[name]:
            raise ExchangeRefused(f"the file {name[:80]} does not match its hash in the manifest.")
    from cryptography.hazmat.primitives import serialization

    raw = public_key_from_pem(key_pem).public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return Opened(files=files, manifest=manifest, signed_by=key_id_of(raw))


def _unzip(plain: bytes) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    total = 0
    with zipfile.ZipFile(io.BytesIO(plain)) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            total += info.file_size
            if total > MAX_PACKAGE_BYTES:
                raise ExchangeRefused(
                    f"the package unpacks to more than {MAX_PACKAGE_BYTES:,} bytes."
                )
            name = info.filename.rsplit("/", 1)[-1]
            files[name] = archive.read(info)
    return files
