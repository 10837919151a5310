#!/usr/bin/env python3
"""Check a Kintrace evidence bundle: every file's SHA-256 against the manifest, and the Ed25519
signature over the manifest. Standard library only: run it on any machine with Python 3.8+.

    python verify.py                      # the bundle this script was unpacked with
    python verify.py bundle.zip           # a bundle still zipped
    python verify.py DIR --key key.pem    # also require the signer's key obtained separately
                                          # (from `kintrace signing-key` at the registry)

Exit status 0 when everything holds, 1 when anything does not (each problem is printed).
The Ed25519 check is the reference algorithm of RFC 8032 (section 6), written out below.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import sys
import zipfile
from pathlib import Path

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
TIMESTAMP = "timestamp.tsr"
UNLISTED = {MANIFEST, SIGNATURE, TIMESTAMP}
_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")  # Ed25519 SubjectPublicKeyInfo

# --- Ed25519 verification (RFC 8032, section 6) ------------------------------------------------

_P = 2**255 - 19
_Q = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def _recover_x(y: int, sign: int) -> int | None:
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P)
    if x2 % _P == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P != 0:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P != 0:
        return None
    if (x & 1) != sign:
        x = _P - x
    return x


_GY = 4 * pow(5, _P - 2, _P) % _P
_GX = _recover_x(_GY, 0)
assert _GX is not None
_G = (_GX, _GY, 1, _GX * _GY % _P)


def _add(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    p1 = (a[1] - a[0]) * (b[1] - b[0]) % _P
    p2 = (a[1] + a[0]) * (b[1] + b[0]) % _P
    c = 2 * a[3] * b[3] * _D % _P
    d = 2 * a[2] * b[2] % _P
    e, f, g, h = p2 - p1, d - c, d + c, p2 + p1
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _mul(s: int, point: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    result = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            result = _add(result, point)
        point = _add(point, point)
        s >>= 1
    return result


def _equal(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return (a[0] * b[2] - b[0] * a[2]) % _P == 0 and (a[1] * b[2] - b[1] * a[2]) % _P == 0


def _decompress(raw: bytes) -> tuple[int, int, int, int] | None:
    if len(raw) != 32:
        return None
    y = int.from_bytes(raw, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % _P)


def ed25519_verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """True when `signature` is `public_key`'s Ed25519 signature of `message` (RFC 8032)."""
    if len(public_key) != 32 or len(signature) != 64:
        return False
    a = _decompress(public_key)
    r = _decompress(signature[:32])
    if a is None or r is None:
        return False
    s = int.from_bytes(signature[32:], "little")
    if s >= _Q:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public_key + message).digest(), "little")
    return _equal(_mul(s, _G), _add(r, _mul(h % _Q, a)))


# --- the bundle ---------------------------------------------------------------------------------


class Bundle:
    """The files of a bundle, zipped or unpacked, read as bytes."""

    def __init__(self, where: Path) -> None:
        self.where = where
        self.zip = zipfile.ZipFile(where) if where.is_file() else None

    def names(self) -> set[str]:
        if self.zip is not None:
            return {n for n in self.zip.namelist() if not n.endswith("/")}
        return {
            p.relative_to(self.where).as_posix()
            for p in self.where.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        }

    def read(self, name: str) -> bytes:
        if self.zip is not None:
            return self.zip.read(name)
        return (self.where / name).read_bytes()

    def sha256(self, name: str) -> tuple[str, int]:
        digest = hashlib.sha256()
        size = 0
        with (
            self.zip.open(name)
            if self.zip is not None
            else (self.where / name).open("rb") as handle
        ):
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
        return digest.hexdigest(), size


def public_key_from_pem(text: str) -> bytes:
    body = "".join(line for line in text.strip().splitlines() if not line.startswith("-----"))
    der = base64.b64decode(body)
    if len(der) != 44 or not der.startswith(_SPKI_PREFIX):
        raise ValueError("not an Ed25519 public key in PEM (SubjectPublicKeyInfo)")
    return der[len(_SPKI_PREFIX) :]


def _canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def check_custody(events: list[dict]) -> list[str]:
    """Recompute each custody event's hash (the excerpt holds the events of the bundle's items
    only, so the links between consecutive events are checked where both are present)."""
    problems = []
    by_id = {e["id"]: e for e in events}
    for e in events:
        payload = [
            e["id"],
            e["item_id"],
            e["at"],
            e["event"],
            e["actor"],
            e["role"],
            e["purpose"],
            e["sha256"],
            _canonical(e["details"]),
            e["prev_hash"],
        ]
        if hashlib.sha256(_canonical(payload).encode("utf-8")).hexdigest() != e["hash"]:
            problems.append(f"custody event {e['id']} does not match its hash")
        previous = by_id.get(e["id"] - 1)
        if previous is not None and previous["hash"] != e["prev_hash"]:
            problems.append(f"custody event {e['id']} does not link to event {e['id'] - 1}")
    return problems


def verify(where: Path, *, key_pem: str | None = None) -> list[str]:
    """Every problem found in the bundle at `where` (none: it verifies)."""
    try:
        bundle = Bundle(where)
        names = bundle.names()
        manifest_bytes = bundle.read(MANIFEST)
        signature_bytes = bundle.read(SIGNATURE)
    except (OSError, KeyError, zipfile.BadZipFile) as exc:
        return [f"the bundle cannot be read: {exc}"]
    problems: list[str] = []
    if not re.fullmatch(rb"[0-9a-f]{128}\n", signature_bytes):
        return ["manifest.sig is not 128 lower-case hex digits and a newline"]
    try:
        manifest = json.loads(manifest_bytes.decode("utf-8"))
        public_key = bytes.fromhex(manifest["public_key"])
        signature = bytes.fromhex(signature_bytes[:128].decode("ascii"))
    except (ValueError, KeyError, TypeError) as exc:
        return [f"the manifest or its signature cannot be read ({exc})"]
    if key_pem is not None:
        try:
            if public_key_from_pem(key_pem) != public_key:
                problems.append("the bundle was signed with another key than the one given")
        except ValueError as exc:
            problems.append(f"--key: {exc}")
    if not ed25519_verify(public_key, manifest_bytes, signature):
        problems.append("the signature over manifest.json does not verify")
    listed = {}
    for entry in manifest.get("files", []):
        listed[entry["path"]] = entry
    for path, entry in sorted(listed.items()):
        if path not in names:
            problems.append(f"{path}: listed in the manifest, missing from the bundle")
            continue
        try:
            digest, size = bundle.sha256(path)
        except (OSError, zipfile.BadZipFile) as exc:
            problems.append(f"{path}: cannot be read ({exc})")
            continue
        if digest != entry["sha256"] or size != entry["size"]:
            problems.append(f"{path}: SHA-256 {digest} does not match the manifest")
    for extra in sorted(names - set(listed) - UNLISTED):
        problems.append(f"{extra}: in the bundle but not in the manifest (not vouched for)")
    if "custody.json" in listed and "custody.json" in names and not problems:
        problems.extend(check_custody(json.loads(bundle.read("custody.json"))["events"]))
    if TIMESTAMP in names:
        token = bundle.read(TIMESTAMP)
        if hashlib.sha256(manifest_bytes).digest() not in token:
            problems.append("timestamp.tsr does not cover this manifest.json")
    return problems


def main(argv: list[str]) -> int:
    args = list(argv)
    key_pem = None
    if "--key" in args:
        at = args.index("--key")
        key_pem = Path(args[at + 1]).read_text(encoding="ascii")
        del args[at : at + 2]
    where = Path(args[0]) if args else Path(__file__).resolve().parent
    problems = verify(where, key_pem=key_pem)
    if problems:
        for problem in problems:
            print(f"FAILED: {problem}")
        print(f"The bundle does NOT verify ({len(problems)} problem(s)).")
        return 1
    manifest = json.loads(Bundle(where).read(MANIFEST).decode("utf-8"))
    print(
        f"OK: {len(manifest['files'])} files match manifest.json, and its Ed25519 signature "
        f"verifies (key id {manifest.get('key_id', '?')})."
    )
    if TIMESTAMP in Bundle(where).names():
        print(
            "A time-stamp token (timestamp.tsr) covers manifest.json; check the time-stamping "
            "authority's signature with: openssl ts -verify -data manifest.json -in "
            "timestamp.tsr -CAfile TSA-CA.pem"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
