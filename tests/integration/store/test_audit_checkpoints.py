"""Issue 11, finding 7: signed audit checkpoints find what the hash chain alone cannot - entries
deleted at the end (truncation) and an entry edited with the chain recomputed (re-chaining) -
against the latest stored checkpoint or a copy kept elsewhere; the evidence custody log is
covered through the entries that mirror it. On SQLite and PostgreSQL. Synthetic data only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import insert, text

from kintrace import audit, audit_checkpoint
from kintrace.audit_checkpoint import CheckpointError
from kintrace.evidence import custody
from kintrace.services import checkpoints
from kintrace.signing import load_or_create_signer
from kintrace.store.engine import Store
from kintrace.store.evidence_tables import evidence_items


def _append(store: Store, count: int) -> None:
    with store.session(write=True) as session:
        for n in range(count):
            audit.append(
                session,
                actor="tester",
                action="test.action",
                entity_type="thing",
                entity_id=n,
                details={"n": n},
            )


def _rechain_from(store: Store, first: int) -> None:
    """What an attacker with the database and no key does: change entry `first`, then recompute
    its hash and every later link and hash, so the chain verifies again."""
    with store.session() as session:
        rows = session.execute(
            text("SELECT * FROM audit_log WHERE id >= :first ORDER BY id"), {"first": first}
        ).all()
        prev = session.execute(
            text("SELECT hash FROM audit_log WHERE id = :id"), {"id": first - 1}
        ).scalar_one_or_none()
        prev = prev or audit.GENESIS_HASH
        for row in rows:
            details = '{"n":99}' if row.id == first else row.details
            digest = audit.entry_hash(
                entry_id=row.id, at=row.at, actor=row.actor, action=row.action,
                entity_type=row.entity_type, entity_id=row.entity_id, details=details,
                prev_hash=prev,
            )  # fmt: skip
            session.execute(
                text("UPDATE audit_log SET details = :d, prev_hash = :p, hash = :h WHERE id = :i"),
                {"d": details, "p": prev, "h": digest, "i": row.id},
            )
            prev = digest


def _chain_alone_ok(store: Store) -> bool:
    with store.session() as session:
        return audit.verify(session).ok


def test_a_checkpoint_signs_the_head_and_an_untouched_log_verifies(store: Store) -> None:
    _append(store, 3)
    made = checkpoints.checkpoint(store)
    signer = load_or_create_signer(store.settings.home)
    assert (made.entries, made.key_id) == (3, signer.key_id)
    with store.session() as session:
        head = session.execute(text("SELECT hash FROM audit_log WHERE id = 3")).scalar_one()
    assert made.head_hash == head
    _append(store, 2)  # entries after the checkpoint are fine
    result = checkpoints.verify(store)
    assert result.ok and result.entries == 5
    assert result.checkpoint is not None and result.checkpoint.id == made.id


def test_truncation_passes_the_chain_but_not_the_checkpoint(store: Store) -> None:
    _append(store, 4)
    checkpoints.checkpoint(store)
    with store.session() as session:
        session.execute(text("DELETE FROM audit_log WHERE id >= 3"))
    assert _chain_alone_ok(store)  # the gap the finding reported
    result = checkpoints.verify(store)
    assert not result.ok
    assert result.problem is not None and "truncation" in result.problem
    assert "2 entries" in result.problem and "vouched for 4" in result.problem


def test_rechaining_passes_the_chain_but_not_the_checkpoint(store: Store) -> None:
    _append(store, 4)
    checkpoints.checkpoint(store)
    _rechain_from(store, 2)
    assert _chain_alone_ok(store)  # the gap the finding reported
    result = checkpoints.verify(store)
    assert not result.ok
    assert result.problem is not None and "rewritten" in result.problem


def test_a_copy_kept_elsewhere_finds_what_deleting_the_stored_checkpoints_hides(
    store: Store, tmp_path: Path
) -> None:
    _append(store, 4)
    copy = tmp_path / "elsewhere" / "checkpoint.json"
    copy.parent.mkdir()
    copy.write_text(checkpoints.checkpoint(store).to_json(), encoding="utf-8")
    with store.session() as session:
        session.execute(text("DELETE FROM audit_log WHERE id = 4"))
        session.execute(text("DELETE FROM audit_checkpoints"))
    assert checkpoints.verify(store).ok  # nothing left in the store to hold it against
    result = checkpoints.verify(store, checkpoint_file=copy)
    assert not result.ok and result.checkpoint_from == "checkpoint.json"
    assert result.problem is not None and "truncation" in result.problem


def test_a_checkpoint_made_without_the_key_is_refused(store: Store, tmp_path: Path) -> None:
    _append(store, 4)
    copy = tmp_path / "checkpoint.json"
    copy.write_text(checkpoints.checkpoint(store).to_json(), encoding="utf-8")
    with store.session() as session:
        session.execute(text("DELETE FROM audit_log WHERE id = 4"))
    forged = json.loads(copy.read_text(encoding="utf-8"))
    forged["entries"] = 3  # made to fit the truncated log; the signature no longer fits
    copy.write_text(json.dumps(forged), encoding="utf-8")
    result = checkpoints.verify(store, checkpoint_file=copy)
    assert not result.ok and result.problem is not None and "signature" in result.problem


def test_a_checkpoint_signed_with_another_key_is_refused(store: Store, tmp_path: Path) -> None:
    _append(store, 2)
    load_or_create_signer(store.settings.home)
    other = load_or_create_signer(tmp_path / "another-installation")
    with store.session() as session:
        foreign = audit_checkpoint.write(session, other)  # carries its own (untrusted) key
    result = checkpoints.verify(store)
    assert not result.ok and result.problem is not None
    assert foreign.key_id in result.problem and "--public-key" in result.problem
    key_file = tmp_path / "other.pem"
    key_file.write_bytes(other.public_key_pem())
    assert checkpoints.verify(store, public_key_file=key_file).ok  # the key handed out


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\xff\xfe", "not UTF-8"),
        (b"{}", "not an audit checkpoint"),
        (b'{"kind": "kintrace-audit-checkpoint", "version": 7}', "version 7"),
        (b'{"kind": "kintrace-audit-checkpoint", "version": 1, "entries": "x"}', "entries"),
        (b'{"kind": "kintrace-audit-checkpoint", "version": 1, "entries": 1}', "missing"),
    ],
    ids=["binary", "other-json", "version", "entries", "fields"],
)
def test_a_file_that_is_not_a_checkpoint_gets_a_clear_message(
    sqlite_store: Store, tmp_path: Path, content: bytes, words: str
) -> None:
    path = tmp_path / "cp.json"
    path.write_bytes(content)
    with pytest.raises(CheckpointError, match=words):
        checkpoints.verify(sqlite_store, checkpoint_file=path)


def _custody_events(store: Store, count: int) -> None:
    who = custody.Custodian(name="cli:test", role="operator")
    with store.session(write=True) as session:
        session.execute(
            insert(evidence_items).values(
                id=1, sha256="ab" * 32, sha512="cd" * 64, size=3, media_type="text/plain",
                kind="document", ingested_at=audit.now_text(), ingested_by="cli:test",
            )
        )  # fmt: skip
        for _ in range(count):
            custody.record(
                session, item_id=1, event=custody.Event.VERIFY, custodian=who,
                purpose="synthetic test", sha256="ab" * 32,
            )  # fmt: skip


def test_a_custody_log_cut_short_is_found_through_its_audit_entries(store: Store) -> None:
    _custody_events(store, 3)
    with store.session() as session:
        session.execute(text("DELETE FROM custody_events WHERE id = 3"))
        assert custody.verify_chain(session).ok  # the custody chain alone misses it
    result = checkpoints.verify(store)
    assert not result.ok and result.broken_id == 3
    assert result.problem is not None and "custody event 3" in result.problem


def test_a_custody_log_rechained_is_found_through_its_audit_entries(store: Store) -> None:
    _custody_events(store, 2)
    with store.session() as session:
        row = session.execute(text("SELECT * FROM custody_events WHERE id = 2")).one()
        digest = custody.event_hash(
            event_id=2, item_id=row.item_id, at=row.at, event=row.event, actor=row.actor,
            role=row.role, purpose="changed", sha256=row.sha256, details=row.details,
            prev_hash=row.prev_hash,
        )  # fmt: skip
        session.execute(
            text("UPDATE custody_events SET purpose = 'changed', hash = :h WHERE id = 2"),
            {"h": digest},
        )
        assert custody.verify_chain(session).ok
    result = checkpoints.verify(store)
    assert not result.ok and result.broken_id == 2
    assert result.problem is not None and "hash differs" in result.problem


def _stored(store: Store) -> list[tuple[int, str]]:
    with store.session() as session:
        rows = session.execute(
            text("SELECT entries, head_hash FROM audit_checkpoints ORDER BY id")
        ).all()
    return [(r.entries, r.head_hash) for r in rows]


def _head(store: Store) -> tuple[int, str]:
    with store.session() as session:
        row = session.execute(text("SELECT id, hash FROM audit_log ORDER BY id DESC")).first()
    assert row is not None
    return (row.id, row.hash)


def test_an_import_ends_with_a_checkpoint_of_its_entries(store: Store, tmp_path: Path) -> None:
    from kintrace.registry.importer import import_file
    from support.seed import write_records_csv

    rows = [("list-a", "a1", "Олександр", "Ковальчук", "2012-03-14", "Херсон")]  # synthetic
    path = write_records_csv(tmp_path / "synthetic.csv", rows)
    import_file(store, path, actor="test")
    assert _stored(store) == [_head(store)]
    import_file(store, path, actor="test")  # already imported: nothing written, no checkpoint
    assert len(_stored(store)) == 1


def test_a_link_run_ends_with_a_checkpoint_of_its_entries(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kintrace.review.policy import default_policy
    from kintrace.services import linkage
    from kintrace.services.linkruns import link_and_queue

    def link(store: Store, **_: object) -> object:  # the run's audit entry, without Splink
        _append(store, 1)
        return object()

    monkeypatch.setattr(linkage, "link", link)
    link_and_queue(store, policy=default_policy())
    assert _stored(store) == [_head(store)]


def test_a_read_only_key_directory_does_not_undo_the_import(
    sqlite_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kintrace import signing
    from kintrace.registry.importer import import_file
    from support.seed import write_records_csv

    def unwritable(_home: object) -> signing.Signer:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(audit_checkpoint, "load_or_create_signer", unwritable)
    rows = [("list-a", "a1", "Марія", "Шевченко", "2010-07-01", "Маріуполь")]  # synthetic
    summary = import_file(sqlite_store, write_records_csv(tmp_path / "s.csv", rows), actor="t")
    assert summary.new == 1 and _stored(sqlite_store) == []
