"""Evidence items: content-addressed write-once storage, links, refusals of bad input, the
custody chain and fixity (issue 14). Synthetic data only."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from kintrace.evidence import EvidenceError, EvidenceNotFound, EvidenceRefused
from kintrace.evidence.custody import Custodian, verify_chain
from kintrace.evidence.items import (
    Description,
    Target,
    custody_log,
    ingest_file,
    open_original,
    register,
    verify_fixity,
)
from kintrace.evidence.kinds import Kind, sniff
from kintrace.evidence.storage import EvidenceStore
from kintrace.store.engine import Store

from .conftest import PERSON, gps_jpeg

OPERATOR = Custodian(name="cli:test", role="operator")


def _add(
    registry: Store,
    data: bytes,
    *,
    kind: Kind = Kind.PHOTO,
    name: str | None = "photo.jpg",
    targets: tuple[Target, ...] = (Target.case(1),),
    max_bytes: int = 1 << 20,
):
    store = EvidenceStore(registry.settings.home, max_bytes=max_bytes)
    about = Description(kind=kind, file_name=name)
    stored = ingest_file(store, io.BytesIO(data), about=about)
    with registry.session(write=True) as db:
        return register(db, stored, about=about, targets=targets, custodian=OPERATOR)


def test_a_file_is_kept_read_only_under_its_hash_with_both_hashes(registry: Store) -> None:
    import hashlib

    data = gps_jpeg()
    added = _add(registry, data)
    item = added.item
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    assert item.sha512 == hashlib.sha512(data).hexdigest()
    assert (item.size, item.media_type, item.kind) == (len(data), "image/jpeg", "photo")
    path = EvidenceStore(registry.settings.home).original_path(item.sha256)
    assert path.read_bytes() == data
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert path.is_relative_to(registry.settings.home.resolve())
    assert not list((registry.settings.home / "evidence" / "incoming").iterdir())


def test_the_same_bytes_twice_are_one_item_with_two_links(registry: Store) -> None:
    data = gps_jpeg()
    first = _add(registry, data, targets=(Target.record("list-a:a1"),))
    second = _add(registry, data, name="other-name.jpg", targets=(Target.person(PERSON),))
    again = _add(registry, data, targets=(Target.person(PERSON),))
    assert second.item.id == first.item.id
    assert (first.new_item, second.new_item) == (True, False)
    assert second.item.links == (Target.record("list-a:a1"), Target.person(PERSON))
    assert again.new_links == ()
    with registry.session() as db:
        events = [e.event for e in custody_log(db, first.item.id)]
    assert events == ["ingest", "link", "link"]


@pytest.mark.parametrize(
    ("data", "kind", "name", "says"),
    [
        (b"", Kind.PHOTO, "empty.jpg", "empty"),
        (b"%PDF-1.7 synthetic", Kind.PHOTO, "photo.jpg", "disguised"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", Kind.DOCUMENT, "letter", "programs are refused"),
        (b"\x7fELF\x02\x01\x01\x00" + bytes(64), Kind.PHOTO, None, "programs are refused"),
        (b"%PDF-1.7 synthetic", Kind.PHOTO, None, "cannot be application/pdf"),
        (b"plain synthetic text", Kind.VIDEO, "notes.txt", "cannot be text/plain"),
    ],
    ids=["zero-byte", "pdf-named-jpg", "windows-program", "elf-program", "pdf-as-photo", "text"],
)
def test_bad_files_are_refused_and_nothing_is_kept(
    registry: Store, data: bytes, kind: Kind, name: str | None, says: str
) -> None:
    with pytest.raises(EvidenceRefused, match=says):
        _add(registry, data, kind=kind, name=name)
    originals = registry.settings.home / "evidence" / "originals"
    assert not originals.exists() or not any(originals.rglob("*"))
    assert not any((registry.settings.home / "evidence" / "incoming").iterdir())


def test_a_file_over_the_limit_is_refused_while_it_streams(registry: Store) -> None:
    data = gps_jpeg() + bytes(5000)
    with pytest.raises(EvidenceRefused, match="larger than the limit of 1,000 bytes"):
        _add(registry, data, max_bytes=1000)
    assert not any((registry.settings.home / "evidence" / "incoming").iterdir())


def test_links_to_what_does_not_exist_are_refused(registry: Store) -> None:
    for target in (Target.record("list-a:nope"), Target.person("nobody"), Target.case(99)):
        with pytest.raises(EvidenceNotFound, match="There is no"):
            _add(registry, gps_jpeg(), targets=(target,))
    with pytest.raises(EvidenceRefused, match="SOURCE:ID"):
        Target.record("no-colon")


def test_paths_outside_the_data_directory_are_refused(registry: Store, tmp_path: Path) -> None:
    store = EvidenceStore(registry.settings.home)
    with pytest.raises(EvidenceError, match="64 lower-case hex"):
        store.original_path("../../../etc/passwd")
    outside = tmp_path / "outside"
    outside.mkdir()
    (store.root / "originals").mkdir(parents=True, exist_ok=True)
    os.symlink(outside, store.root / "originals" / "ab")
    with pytest.raises(EvidenceError, match="leads outside"):
        store.original_path("ab" + "0" * 62)


def test_type_is_found_from_content_not_name() -> None:
    assert sniff(gps_jpeg()) == "image/jpeg"
    assert sniff(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert sniff(b"\x00\x00\x00\x18ftypmp42") == "video/mp4"
    assert sniff(b"<!DOCTYPE html><p>x") == "text/html"
    assert sniff("Текст свідчення".encode()) == "text/plain"
    assert sniff(b"\x00\x01\x02binary") == "application/octet-stream"


def test_custody_chain_verifies_and_a_changed_event_is_found(registry: Store) -> None:
    added = _add(registry, gps_jpeg(), targets=(Target.case(1), Target.record("list-a:a1")))
    with registry.session() as db:
        assert verify_chain(db).ok
        assert verify_chain(db).events == 3
    with registry.session(write=True) as db:
        db.execute(text("UPDATE custody_events SET purpose = 'changed' WHERE id = 2"))
    with registry.session() as db:
        check = verify_chain(db)
    assert (check.ok, check.broken_id) == (False, 2)
    assert added.item.id == 1


def test_every_custody_event_is_in_the_audit_log(registry: Store) -> None:
    from kintrace import audit

    _add(registry, gps_jpeg())
    with registry.session() as db:
        actions = db.execute(
            text("SELECT action FROM audit_log WHERE entity_type = 'evidence_item' ORDER BY id")
        ).scalars()
        assert list(actions) == ["evidence.ingest", "evidence.link"]
        assert audit.verify(db).ok


def _make_writable_and_flip(path: Path, offset: int) -> None:
    os.chmod(path, 0o644)
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_one_changed_byte_of_an_original_fails_fixity(registry: Store) -> None:
    store = EvidenceStore(registry.settings.home)
    item = _add(registry, gps_jpeg()).item
    with registry.session(write=True) as db:
        assert [r.ok for r in verify_fixity(db, store, item_ids=[1], custodian=OPERATOR)] == [True]
    _make_writable_and_flip(store.original_path(item.sha256), 100)
    with registry.session(write=True) as db:
        (result,) = verify_fixity(db, store, item_ids=[1], custodian=OPERATOR)
    assert not result.ok and result.found != item.sha256
    with registry.session() as db:
        last = custody_log(db, 1)[-1]
    assert (last.event, last.details["ok"], last.sha256) == ("verify", False, result.found)
    with registry.session(write=True) as db, pytest.raises(EvidenceRefused, match="no longer"):
        open_original(db, store, item_id=1, custodian=OPERATOR, purpose="court")


def test_originals_only_for_investigators_and_each_download_is_logged(registry: Store) -> None:
    store = EvidenceStore(registry.settings.home)
    item = _add(registry, gps_jpeg()).item
    caseworker = Custodian(name="cw", role="caseworker")
    with registry.session(write=True) as db, pytest.raises(EvidenceRefused, match="investigator"):
        open_original(db, store, item_id=item.id, custodian=caseworker, purpose="look")
    investigator = Custodian(name="inv", role="investigator")
    with registry.session(write=True) as db:
        _, path = open_original(
            db, store, item_id=item.id, custodian=investigator, purpose="case file"
        )
    assert path.read_bytes() == gps_jpeg()
    with registry.session() as db:
        last = custody_log(db, item.id)[-1]
    assert (last.event, last.actor, last.role, last.purpose, last.sha256) == (
        "download",
        "inv",
        "investigator",
        "case file",
        item.sha256,
    )
