"""Court bundles (issue 14 acceptance): a bundle verifies with `python verify.py` in a fresh
interpreter that cannot import Kintrace, and fails after any byte of it changes; the RFC 8032
check in verify.py agrees with `cryptography`; a case with nothing in it is refused; a TSA on
127.0.0.1 time-stamps the manifest. Synthetic data only."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kintrace.evidence import EvidenceNotFound, EvidenceRefused
from kintrace.evidence.bundle import Scope, build_bundle, record_export
from kintrace.evidence.bundle_verify import ed25519_verify, verify
from kintrace.evidence.custody import Custodian
from kintrace.evidence.errors import OriginalDamaged
from kintrace.evidence.items import Description, Target, custody_log, ingest_file, register
from kintrace.evidence.kinds import Kind
from kintrace.evidence.storage import EvidenceStore
from kintrace.evidence.timestamp import TimestampError, check_response, timestamper_for
from kintrace.registry.records import show_record
from kintrace.signing import load_or_create_signer
from kintrace.store.engine import Store
from support.tsa import running_tsa

from .conftest import PERSON, gps_jpeg

OPERATOR = Custodian(name="cli:test", role="operator")


def _add(registry: Store, data: bytes, kind: Kind, target: Target) -> int:
    store = EvidenceStore(registry.settings.home)
    about = Description(kind=kind, file_name=None, description="synthetic")
    stored = ingest_file(store, io.BytesIO(data), about=about)
    with registry.session(write=True) as db:
        return register(db, stored, about=about, targets=[target], custodian=OPERATOR).item.id


def _bundle(registry: Store, out: Path, scope: Scope, **kwargs):  # type: ignore[no-untyped-def]
    signer = load_or_create_signer(registry.settings.home)
    with registry.session() as db:
        report = build_bundle(
            db,
            EvidenceStore(registry.settings.home),
            scope=scope,
            out=out,
            signer=signer,
            custodian=OPERATOR,
            purpose="synthetic court file",
            **kwargs,
        )
    with registry.session(write=True) as db:
        record_export(db, report, custodian=OPERATOR)
    return report


@pytest.fixture
def bundled(registry: Store, tmp_path: Path) -> Path:
    _add(registry, gps_jpeg(1), Kind.PHOTO, Target.case(1))
    _add(registry, b"Synthetic testimony.\n", Kind.TESTIMONY, Target.record("list-r:r1"))
    _add(registry, gps_jpeg(2), Kind.PHOTO, Target.record("list-a:a2"))  # another child
    out = tmp_path / "out" / "bundle.zip"
    report = _bundle(registry, out, Scope(case=1))
    assert (report.items, report.records) == (2, 2)  # a1 (subject) and r1 (same person)
    return out


def _run_verify(where: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """verify.py in a fresh interpreter: isolated (-I), no site-packages (-S), so Kintrace and
    every installed package are out of reach, as on a machine without Kintrace."""
    return subprocess.run(
        [sys.executable, "-I", "-S", str(where / "verify.py"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": os.environ.get("PATH", "")},
    )


def _unpack(bundle: Path, into: Path) -> Path:
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(into)
    return into


def test_a_bundle_verifies_without_kintrace_zipped_and_unpacked(
    bundled: Path, registry: Store, tmp_path: Path
) -> None:
    unpacked = _unpack(bundled, tmp_path / "unpacked")
    names = {p.relative_to(unpacked).as_posix() for p in unpacked.rglob("*") if p.is_file()}
    assert {"manifest.json", "manifest.sig", "verify.py", "summary.html", "custody.json"} <= names
    assert {"records.json", "public-key.pem", "README.txt"} <= names
    assert len([n for n in names if n.startswith("originals/")]) == 2
    result = _run_verify(unpacked, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK:")
    zipped = _run_verify(
        unpacked, str(bundled), "--key", str(unpacked / "public-key.pem"), cwd=tmp_path
    )
    assert zipped.returncode == 0, zipped.stdout
    manifest = json.loads((unpacked / "manifest.json").read_text(encoding="utf-8"))
    records = json.loads((unpacked / "records.json").read_text(encoding="utf-8"))["records"]
    assert {(r["source"], r["record_id"]) for r in records} == {("list-a", "a1"), ("list-r", "r1")}
    provenance = records[0]["versions"][0]["provenance"]
    assert provenance["file_name"] == "lists.csv" and len(provenance["file_sha256"]) == 64
    with registry.session() as db:
        shown = show_record(db, "list-a", "a1").versions[0].fields
    subject = next(r for r in records if r["record_id"] == "a1")
    assert subject["versions"][0]["fields"] == shown  # the fields the record page shows
    assert shown["given_name"] and shown["birth_date"]
    assert manifest["scope"] == {"case": 1} and manifest["purpose"] == "synthetic court file"


def test_any_changed_byte_of_any_file_fails(bundled: Path, tmp_path: Path) -> None:
    pristine = _unpack(bundled, tmp_path / "pristine")
    files = sorted(p for p in pristine.rglob("*") if p.is_file())
    for path in files:
        data = path.read_bytes()
        offsets = sorted({0, len(data) // 2, len(data) - 1})
        for offset in offsets:
            changed = bytearray(data)
            changed[offset] ^= 0x01
            path.write_bytes(bytes(changed))
            problems = verify(pristine)
            assert problems, f"{path.name} byte {offset} changed and still verified"
        path.write_bytes(data)
    assert verify(pristine) == []
    (pristine / "extra.txt").write_text("planted")
    assert any("not in the manifest" in p for p in verify(pristine))


def _data_offset(data: bytes, header: int) -> int:
    """Where a member's data starts: after its local header, name and (local) extra field."""
    name_length = int.from_bytes(data[header + 26 : header + 28], "little")
    extra_length = int.from_bytes(data[header + 28 : header + 30], "little")
    return header + 30 + name_length + extra_length


def test_any_changed_byte_of_the_zip_member_data_fails(bundled: Path, tmp_path: Path) -> None:
    data = bundled.read_bytes()
    with zipfile.ZipFile(bundled) as archive:
        spans = [(_data_offset(data, i.header_offset), i.compress_size) for i in archive.infolist()]
    for start, size in spans:
        for offset in sorted({start, start + size // 2, start + size - 1}):
            changed = bytearray(data)
            changed[offset] ^= 0x01
            target = tmp_path / "changed.zip"
            target.write_bytes(bytes(changed))
            assert verify(target), f"byte {offset} of the zip changed and still verified"


def test_a_signature_by_another_key_or_a_swapped_key_fails(bundled: Path, tmp_path: Path) -> None:
    unpacked = _unpack(bundled, tmp_path / "u")
    other = Ed25519PrivateKey.generate()
    from cryptography.hazmat.primitives import serialization

    pem = other.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (tmp_path / "other.pem").write_bytes(pem)
    result = _run_verify(unpacked, "--key", str(tmp_path / "other.pem"), cwd=tmp_path)
    assert result.returncode == 1 and "another key" in result.stdout
    manifest = json.loads((unpacked / "manifest.json").read_text(encoding="utf-8"))
    raw = other.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    manifest["public_key"] = raw.hex()
    (unpacked / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert any("signature" in p for p in verify(unpacked))


def test_the_pure_python_ed25519_agrees_with_cryptography() -> None:
    from cryptography.hazmat.primitives import serialization

    for n in range(12):
        key = Ed25519PrivateKey.generate()
        public = key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        message = os.urandom(n * 37)
        signature = key.sign(message)
        assert ed25519_verify(public, message, signature)
        bad = bytearray(signature)
        bad[n % 64] ^= 0x04
        assert not ed25519_verify(public, message, bytes(bad))
        assert not ed25519_verify(public, message + b"x", signature)
    # RFC 8032, 7.1, test 1 (empty message)
    public = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    signature = bytes.fromhex(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
        "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    )
    assert ed25519_verify(public, b"", signature)


def test_a_case_with_nothing_in_it_and_a_tampered_original_are_refused(
    registry: Store, tmp_path: Path
) -> None:
    with pytest.raises(EvidenceRefused, match="nothing to bundle"):
        _bundle(registry, tmp_path / "b.zip", Scope(case=1))
    with pytest.raises(EvidenceNotFound, match="no case 9"):
        _bundle(registry, tmp_path / "b.zip", Scope(case=9))
    _add(registry, gps_jpeg(3), Kind.PHOTO, Target.person(PERSON))
    store = EvidenceStore(registry.settings.home)
    (original,) = (store.root / "originals").rglob("*/*")
    os.chmod(original, 0o644)
    original.write_bytes(original.read_bytes()[:-1] + b"\x00")
    with pytest.raises(OriginalDamaged, match="no longer matches"):
        _bundle(registry, tmp_path / "b.zip", Scope(person=PERSON))
    assert not (tmp_path / "b.zip").exists()
    assert not list(tmp_path.glob(".bundle-*"))


def test_export_is_a_custody_event_per_item(bundled: Path, registry: Store) -> None:
    with registry.session() as db:
        last = custody_log(db, 1)[-1]
    assert (last.event, last.purpose) == ("export", "synthetic court file")
    manifest = zipfile.ZipFile(bundled).read("manifest.json")
    import hashlib

    assert last.details["bundle_manifest_sha256"] == hashlib.sha256(manifest).hexdigest()


def test_a_tsa_time_stamps_the_manifest(registry: Store, tmp_path: Path) -> None:
    _add(registry, gps_jpeg(4), Kind.PHOTO, Target.case(1))
    with running_tsa() as (url, tsa):
        report = _bundle(
            registry, tmp_path / "t.zip", Scope(case=1), timestamper=timestamper_for(url)
        )
        assert report.timestamped and tsa.requests == 1
        tsa.tamper = True
        with pytest.raises(TimestampError, match="does not cover"):
            _bundle(registry, tmp_path / "t2.zip", Scope(case=1), timestamper=timestamper_for(url))
    with zipfile.ZipFile(tmp_path / "t.zip") as archive:
        manifest = archive.read("manifest.json")
        token = archive.read("timestamp.tsr")
    import hashlib

    check_response(token, digest=hashlib.sha256(manifest).digest(), nonce=None)
    unpacked = _unpack(tmp_path / "t.zip", tmp_path / "tu")
    result = _run_verify(unpacked, cwd=tmp_path)
    assert result.returncode == 0 and "timestamp.tsr" in result.stdout
    with pytest.raises(TimestampError, match="could not be reached"):
        timestamper_for("http://127.0.0.1:9/none", timeout=2)(b"x")  # type: ignore[misc]
    with pytest.raises(TimestampError, match="http"):
        timestamper_for("file:///etc/passwd")
