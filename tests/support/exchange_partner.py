"""What a partner does, with pyrage, csv and cryptography alone (no Kintrace code): open a
request, write an answer, sign it, encrypt it to the bureau. Synthetic data only."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile

import pyrage
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def open_request(package: bytes, identity: pyrage.x25519.Identity) -> tuple[str, list[list[str]]]:
    plain = pyrage.decrypt(package, [identity])
    with zipfile.ZipFile(io.BytesIO(plain)) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".csv"))
        text = archive.read(name).decode("utf-8-sig")
    return name.removesuffix(".csv"), list(csv.reader(io.StringIO(text)))


def answer_package(
    table: list[list[str]],
    *,
    recipient: str,
    request: str | None = None,
    key: Ed25519PrivateKey | None = None,
    zipped: bool = True,
) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(table)
    answer = out.getvalue().encode("utf-8")
    if not zipped:
        return pyrage.encrypt(answer, [pyrage.x25519.Recipient.from_str(recipient)])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("answer.csv", answer)
        if key is not None:
            manifest = json.dumps(
                {"request": request, "files": {"answer.csv": hashlib.sha256(answer).hexdigest()}}
            ).encode()
            archive.writestr("manifest.json", manifest)
            archive.writestr("manifest.sig", key.sign(manifest))
    return pyrage.encrypt(buffer.getvalue(), [pyrage.x25519.Recipient.from_str(recipient)])
