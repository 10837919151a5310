"""Court bundles: everything a court needs to check a case's or a person's evidence without
Kintrace.

A bundle is one ZIP (layout in docs/formats.md, "Evidence bundle"): the originals, the custody
excerpt of their items, the records behind the case or person with every version and where each
came from, an HTML summary, a stand-alone `verify.py` (standard library only), `manifest.json`
(every file with its SHA-256 and size, the scope, the purpose, the signer's public key) and
`manifest.sig` (the installation's Ed25519 signature over `manifest.json`, hex). Optionally
`timestamp.tsr`, an RFC 3161 time-stamp token over `manifest.json` from a configured TSA.

The originals are re-hashed while they are copied in: a changed original stops the bundle. Each
item exported is a custody event `export` naming the manifest's SHA-256.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import os
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from kintrace.audit import canonical_json
from kintrace.cases import RecordKey
from kintrace.evidence.custody import Custodian, Event, events_of, now_text, record
from kintrace.evidence.errors import EvidenceNotFound, EvidenceRefused, OriginalDamaged
from kintrace.evidence.items import ItemView, Target, items_for
from kintrace.evidence.kinds import SUFFIXES
from kintrace.evidence.storage import CHUNK, EvidenceStore
from kintrace.registry.records import VERSION_FIELDS
from kintrace.review.casework import CaseNotFound, case_records, get_case
from kintrace.signing import Signer
from kintrace.store.linkage_tables import linked_records
from kintrace.store.registry_tables import ImportBatch, Record, RecordVersion, Source

FORMAT = "kintrace-evidence-bundle/1"
VERIFY_SCRIPT = Path(__file__).with_name("bundle_verify.py")


@dataclass(frozen=True)
class Scope:
    """What a bundle is about: a case (number) or a person (id)."""

    case: int | None = None
    person: str | None = None

    def label(self) -> str:
        return f"case {self.case}" if self.case is not None else f"person {self.person}"


@dataclass(frozen=True)
class BundleReport:
    path: Path
    items: int
    records: int
    custody_events: int
    manifest_sha256: str
    key_id: str
    timestamped: bool
    scope: Scope
    purpose: str
    exported: tuple[tuple[int, str], ...]  # (item, sha256)


def scope_contents(db: Session, scope: Scope) -> tuple[list[RecordKey], list[Target]]:
    """The records behind the scope, and every target whose items belong in the bundle."""
    if scope.case is not None:
        try:
            case = get_case(db, scope.case)
        except CaseNotFound:
            raise EvidenceNotFound(f"There is no case {scope.case}.") from None
        keys = [r.key for r in case_records(db, case)]
        targets = [Target.case(scope.case)]
    else:
        assert scope.person is not None
        lr = linked_records.c
        keys = [
            RecordKey(r.source, r.record_id)
            for r in db.execute(
                select(lr.source, lr.record_id)
                .where(lr.person_id == scope.person)
                .order_by(lr.source, lr.record_id)
            )
        ]
        if not keys:
            raise EvidenceNotFound(f"There is no person {scope.person}.")
        targets = [Target.person(scope.person)]
    persons = {
        str(p)
        for p in db.scalars(
            select(linked_records.c.person_id).where(
                linked_records.c.source.in_({k.source for k in keys}),
                linked_records.c.record_id.in_({k.record_id for k in keys}),
            )
        )
    }
    targets += [Target.person(p) for p in sorted(persons)]
    targets += [Target.record(f"{k.source}:{k.record_id}") for k in keys]
    return keys, list(dict.fromkeys(targets))


def records_with_provenance(db: Session, keys: list[RecordKey]) -> list[dict[str, Any]]:
    """Each record with every version: the verbatim row, the fields read from it, and the import
    that brought it (file name and SHA-256, when, by whom, which row)."""
    out = []
    for key in keys:
        row = db.execute(
            select(Record.id, Record.current_version, Source.name, Source.kind)
            .join(Source, Source.id == Record.source_id)
            .where(and_(Source.name == key.source, Record.record_id == key.record_id))
        ).first()
        if row is None:
            continue
        versions = []
        for version, batch in db.execute(
            select(RecordVersion, ImportBatch)
            .join(ImportBatch, ImportBatch.id == RecordVersion.batch_id)
            .where(RecordVersion.record_pk == row.id)
            .order_by(RecordVersion.version)
        ):
            versions.append(
                {
                    "version": version.version,
                    "content_hash": version.content_hash,
                    "raw": json.loads(version.raw),
                    "fields": {f: getattr(version, f) for f in VERSION_FIELDS},
                    "provenance": {
                        "import_batch": batch.id,
                        "file_name": batch.file_name,
                        "file_sha256": batch.file_sha256,
                        "file_format": batch.file_format,
                        "imported_at": batch.started_at.isoformat(),
                        "imported_by": batch.actor,
                        "row_number": version.row_number,
                    },
                }
            )
        out.append(
            {
                "source": key.source,
                "source_kind": row.kind,
                "record_id": key.record_id,
                "current_version": row.current_version,
                "versions": versions,
            }
        )
    return out


def build_bundle(
    db: Session,
    store: EvidenceStore,
    *,
    scope: Scope,
    out: Path,
    signer: Signer,
    custodian: Custodian,
    purpose: str,
    timestamper: Callable[[bytes], bytes] | None = None,
    progress: Callable[[int], None] | None = None,
) -> BundleReport:
    """Write the bundle of `scope` to `out` (atomically); `record_export` logs it."""
    keys, targets = scope_contents(db, scope)
    items = [i for i in items_for(db, targets) if i.erased_at is None]
    if not items:
        raise EvidenceRefused(
            f"{scope.label().capitalize()} has no evidence items: there is nothing to bundle. "
            "Add files with `kintrace evidence add`."
        )
    events = events_of(db, [i.id for i in items])
    records = records_with_provenance(db, keys)
    created_at = now_text()
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=out.parent, prefix=".bundle-", suffix=".zip")
    os.close(handle)
    temp = Path(temp_name)
    try:
        # Stored, not deflated: every byte of a member's data is a byte of the file the manifest
        # vouches for (a deflate stream has bits that change nothing when flipped).
        with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_STORED) as archive:
            files: list[dict[str, Any]] = []
            item_entries = []
            for item in items:
                name = f"originals/{item.id:05d}-{item.sha256[:16]}"
                name += SUFFIXES.get(item.media_type, ".bin")
                _copy_original(archive, store, item, name, progress)
                files.append({"path": name, "sha256": item.sha256, "size": item.size})
                item_entries.append(_item_entry(item, name))
            documents = {
                "custody.json": _json(
                    {"events": [_event_dict(e) for e in events], "hash": _HASH_RULE}
                ),
                "records.json": _json({"records": records}),
                "verify.py": VERIFY_SCRIPT.read_bytes(),
                "public-key.pem": signer.public_key_pem(),
                "README.txt": _readme(scope).encode("utf-8"),
            }
            documents["summary.html"] = _summary(
                scope=scope,
                purpose=purpose,
                created_at=created_at,
                items=item_entries,
                records=records,
                events=len(events),
                key_id=signer.key_id,
            ).encode("utf-8")
            for name, data in documents.items():
                archive.writestr(name, data)
                files.append(
                    {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
                )
            manifest = {
                "format": FORMAT,
                "created_at": created_at,
                "created_by": custodian.name,
                "purpose": purpose,
                "scope": {"case": scope.case}
                if scope.case is not None
                else {"person": scope.person},
                "key_id": signer.key_id,
                "public_key": signer.public_key_raw().hex(),
                "items": item_entries,
                "files": sorted(files, key=lambda f: f["path"]),
            }
            manifest_bytes = _json(manifest)
            archive.writestr("manifest.json", manifest_bytes)
            archive.writestr("manifest.sig", signer.sign(manifest_bytes).hex() + "\n")
            token = timestamper(manifest_bytes) if timestamper is not None else None
            if token is not None:
                archive.writestr("timestamp.tsr", token)
        os.replace(temp, out)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise
    return BundleReport(
        path=out,
        items=len(items),
        records=len(records),
        custody_events=len(events),
        manifest_sha256=hashlib.sha256(manifest_bytes).hexdigest(),
        key_id=signer.key_id,
        timestamped=token is not None,
        scope=scope,
        purpose=purpose,
        exported=tuple((i.id, i.sha256) for i in items),
    )


def record_export(db: Session, report: BundleReport, *, custodian: Custodian) -> None:
    """The custody event `export` of every item in the bundle, naming its manifest's hash (in a
    write transaction of its own: the bundle is built in a read, so writers are not held up)."""
    for item_id, sha256 in report.exported:
        record(
            db,
            item_id=item_id,
            event=Event.EXPORT,
            custodian=custodian,
            purpose=report.purpose,
            sha256=sha256,
            details={
                "bundle_manifest_sha256": report.manifest_sha256,
                "scope": report.scope.label(),
            },
        )


_HASH_RULE = (
    "hash = SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8) of "
    "[id, item_id, at, event, actor, role, purpose, sha256, canonical JSON of details, prev_hash]"
)


def _scope_entry(scope: Scope) -> dict[str, Any]:
    return {"case": scope.case} if scope.case is not None else {"person": scope.person}


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def _copy_original(
    archive: zipfile.ZipFile,
    store: EvidenceStore,
    item: ItemView,
    name: str,
    progress: Callable[[int], None] | None,
) -> None:
    digest = hashlib.sha256()
    info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
    try:
        with (
            store.original_path(item.sha256).open("rb") as source,
            archive.open(info, "w", force_zip64=True) as target,
        ):
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                target.write(chunk)
                if progress is not None:
                    progress(len(chunk))
    except FileNotFoundError:
        raise OriginalDamaged(
            f"The original of item {item.id} is missing; no bundle was written. Run "
            "`kintrace evidence verify --all`."
        ) from None
    if digest.hexdigest() != item.sha256:
        raise OriginalDamaged(
            f"The original of item {item.id} no longer matches its SHA-256; no bundle was "
            "written. Run `kintrace evidence verify --all`."
        )


def _item_entry(item: ItemView, path: str) -> dict[str, Any]:
    return {
        "item": item.id,
        "path": path,
        "sha256": item.sha256,
        "sha512": item.sha512,
        "size": item.size,
        "media_type": item.media_type,
        "kind": item.kind,
        "file_name": item.file_name,
        "collected_by": item.collected_by,
        "collected_on": item.collected_on,
        "description": item.description,
        "ingested_at": item.ingested_at,
        "links": [{"type": t.type.value, "id": t.id} for t in item.links],
    }


def _event_dict(event: Any) -> dict[str, Any]:
    return {
        "id": event.id,
        "item_id": event.item_id,
        "at": event.at,
        "event": event.event,
        "actor": event.actor,
        "role": event.role,
        "purpose": event.purpose,
        "sha256": event.sha256,
        "details": json.loads(canonical_json(event.details)),
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def _readme(scope: Scope) -> str:
    return (
        f"Kintrace evidence bundle: {scope.label()}.\n\n"
        "To check it, with Python 3.8 or newer and nothing else:\n\n"
        "    python verify.py            (in this directory, once unpacked)\n"
        "    python verify.py bundle.zip (still zipped)\n\n"
        "It recomputes the SHA-256 of every file listed in manifest.json and checks the Ed25519\n"
        "signature in manifest.sig with the public key in the manifest (also public-key.pem).\n"
        "Add --key FILE.pem with the key the registry published to be sure who signed.\n"
        "summary.html is for reading; records.json and custody.json hold the data.\n"
    )


def _summary(
    *,
    scope: Scope,
    purpose: str,
    created_at: str,
    items: list[dict[str, Any]],
    records: list[dict[str, Any]],
    events: int,
    key_id: str,
) -> str:
    e = html.escape
    item_rows = "".join(
        f"<tr><td>{i['item']}</td><td>{e(i['kind'])}</td><td>{e(i['media_type'])}</td>"
        f"<td>{i['size']:,}</td><td>{e(i['collected_on'] or '')}</td>"
        f"<td>{e(i['description'] or '')}</td><td><code>{i['sha256']}</code></td>"
        f"<td>{e(i['path'])}</td></tr>"
        for i in items
    )
    record_rows = "".join(
        f"<tr><td>{e(r['source'])}</td><td>{e(r['record_id'])}</td>"
        f"<td>{len(r['versions'])}</td>"
        f"<td>{e(', '.join(v['provenance']['file_name'] for v in r['versions']))}</td></tr>"
        for r in records
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Evidence bundle: {e(scope.label())}</title>
<style>body{{font-family:sans-serif;margin:2em}}td,th{{border:1px solid #999;padding:.3em;
text-align:left;vertical-align:top}}table{{border-collapse:collapse}}code{{font-size:.8em}}</style>
</head><body>
<h1>Evidence bundle: {e(scope.label())}</h1>
<p>Made {e(created_at)} for: {e(purpose)}. Signed with the Kintrace key {e(key_id)}.</p>
<p>Check it with <code>python verify.py</code> (standard library only): it recomputes every
file's SHA-256 against <code>manifest.json</code> and checks the Ed25519 signature over it.</p>
<h2>Evidence items ({len(items)})</h2>
<table><tr><th>Item</th><th>Kind</th><th>Type</th><th>Bytes</th><th>Collected on</th>
<th>Description</th><th>SHA-256</th><th>File</th></tr>{item_rows}</table>
<h2>Records ({len(records)})</h2>
<p>Every version of each record, verbatim, with the file and row it was imported from, is in
<code>records.json</code>.</p>
<table><tr><th>Source</th><th>Record</th><th>Versions</th><th>Imported from</th></tr>
{record_rows}</table>
<h2>Chain of custody</h2>
<p>{events} custody events of these items, each with its hash and the hash of the event before
it, are in <code>custody.json</code>.</p>
</body></html>
"""
