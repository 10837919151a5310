"""The files of a release and their check (issue 15; formats in docs/formats.md).

A release is a directory:

    manifest.json    what was published and how: rules, audit, snapshot, each file's SHA-256
    manifest.sig     Ed25519 signature (64 raw bytes) of manifest.json, by the installation's key
    public_key.pem   that key's public half (check it against `kintrace signing-key`)
    README.txt       how to check the release
    data.json        every published table: cells, margins, total; withheld counts are null
    csv/<table>.csv  one file per published table; withheld counts are "x"
    figures.xlsx     one sheet per published table, and an "about" sheet with the rules
    svg/<table>.svg  a bar chart per published table

The exact number of children is not in the manifest: it is the grand total, published (rounded
when rounding is on) in the tables like every other count.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kintrace.csv_export import csv_writer
from kintrace.figures.charts import bar_chart
from kintrace.figures.disclosure import TOTAL, Protected, margins_of
from kintrace.figures.tables import TABLE_SET_VERSION

FORMAT = 1
WITHHELD = "x"
#: Which margins each table's chart draws: the row dimension's or the column dimension's.
CHART_AXIS = {
    "oblast_age": "row",
    "sex_return": "col",
    "source_month": "col",
    "return_month": "col",
}
UNSIGNED = ("manifest.json", "manifest.sig")


@dataclass(frozen=True)
class ReleaseInfo:
    release_id: int
    created_at: datetime
    link_run_id: int | None
    counts_hmac: str
    key_id: str
    public_key_pem: bytes


def published_data(p: Protected) -> dict[str, Any]:
    """data.json: every published table with its margins (None = withheld), and the omitted."""
    margins = margins_of(p.tables)
    tables = []
    for t in p.published_tables():
        tables.append(
            {
                "name": t.name,
                "title": t.title,
                "row_dim": t.row_dim,
                "col_dim": t.col_dim,
                "row_labels": list(t.row_labels),
                "col_labels": list(t.col_labels),
                "cells": [
                    [p.cell(t, i, j) for j in range(len(t.col_labels))]
                    for i in range(len(t.row_labels))
                ],
                "row_totals": [
                    p.margin(t.row_dim, lab, margins[(t.row_dim, lab)]) for lab in t.row_labels
                ],
                "col_totals": [
                    p.margin(t.col_dim, lab, margins[(t.col_dim, lab)]) for lab in t.col_labels
                ],
                "total": p.margin(*TOTAL, margins[TOTAL]),
            }
        )
    omitted = [
        {"name": t.name, "title": t.title, "reason": p.omitted[t.name]}
        for t in p.tables
        if t.name in p.omitted
    ]
    return {"table_set_version": TABLE_SET_VERSION, "tables": tables, "omitted": omitted}


def chart_series(table: Mapping[str, Any]) -> tuple[list[str], list[int | None]]:
    """The labels and published margins a table's chart draws."""
    if CHART_AXIS.get(table["name"], "row") == "row":
        return list(table["row_labels"]), list(table["row_totals"])
    return list(table["col_labels"]), list(table["col_totals"])


def build_files(p: Protected, info: ReleaseInfo, *, signer_sign: Any) -> dict[str, bytes]:
    """Every file of the release, signed: name -> bytes."""
    data = published_data(p)
    files: dict[str, bytes] = {
        "data.json": _json(data),
        "public_key.pem": info.public_key_pem,
        "README.txt": _readme(info).encode("utf-8"),
        "figures.xlsx": _xlsx(data, p, info),
    }
    for table in data["tables"]:
        files[f"csv/{table['name']}.csv"] = _csv(table)
        labels, values = chart_series(table)
        files[f"svg/{table['name']}.svg"] = bar_chart(
            title=table["title"], labels=labels, values=values
        ).encode("utf-8")
    manifest = _manifest(p, info, data, files)
    files["manifest.json"] = manifest
    files["manifest.sig"] = signer_sign(manifest)
    return files


def rules(p: Protected) -> dict[str, Any]:
    audit = p.audit
    return {
        "k": p.k,
        "rounding_base": p.rounding,
        "primary": f"every cell, margin and total of 1..{p.k} children is withheld; 0 is shown",
        "complementary": (
            "further counts are withheld until no withheld count can be computed or narrowed "
            f"to an interval narrower than {p.k} from everything published in the whole set"
        ),
        "audit": {
            "method": "two linear programs per withheld count (SciPy HiGHS) over all tables",
            "withheld_counts": len(audit.intervals) if audit else 0,
            "narrowest_interval": audit.min_width if audit else None,
            "passed": bool(audit and audit.ok),
        },
        "rounding": (
            f"published counts rounded half up to a multiple of {p.rounding}, after the audit"
            if p.rounding > 1
            else "none"
        ),
        "withheld_marker": {"csv": WITHHELD, "json": None, "xlsx": WITHHELD},
    }


def _manifest(
    p: Protected, info: ReleaseInfo, data: Mapping[str, Any], files: Mapping[str, bytes]
) -> bytes:
    manifest = {
        "format": FORMAT,
        "kind": "kintrace figures release",
        "release": info.release_id,
        "created_at": info.created_at.isoformat(timespec="seconds"),
        "table_set_version": TABLE_SET_VERSION,
        "rules": rules(p),
        "snapshot": {
            "link_run_id": info.link_run_id,
            "counts_hmac_sha256": info.counts_hmac,
            "read_at": info.created_at.isoformat(timespec="seconds"),
        },
        "tables": [
            {"name": t["name"], "title": t["title"], "published": True} for t in data["tables"]
        ]
        + [
            {"name": o["name"], "title": o["title"], "published": False, "reason": o["reason"]}
            for o in data["omitted"]
        ],
        "files": {name: hashlib.sha256(body).hexdigest() for name, body in sorted(files.items())},
        "signature": {
            "algorithm": "Ed25519",
            "key_id": info.key_id,
            "file": "manifest.sig",
            "public_key": "public_key.pem",
            "signed": "the bytes of manifest.json",
        },
    }
    return _json(manifest)


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def _csv(table: Mapping[str, Any]) -> bytes:
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow([f"{table['row_dim']} \\ {table['col_dim']}", *table["col_labels"], "total"])
    for label, cells, total in zip(
        table["row_labels"], table["cells"], table["row_totals"], strict=True
    ):
        writer.writerow([label, *(_shown(v) for v in cells), _shown(total)])
    writer.writerow(["total", *(_shown(v) for v in table["col_totals"]), _shown(table["total"])])
    return out.getvalue().encode("utf-8")


def _shown(value: int | None) -> str | int:
    return WITHHELD if value is None else value


def _xlsx(data: Mapping[str, Any], p: Protected, info: ReleaseInfo) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    about = book.active
    about.title = "about"
    about.append(["Kintrace figures release", info.release_id])
    about.append(["created (UTC)", info.created_at.isoformat(timespec="seconds")])
    about.append(["table set version", TABLE_SET_VERSION])
    about.append(["k (counts 1..k withheld)", p.k])
    about.append(["rounding base", p.rounding])
    about.append(["withheld counts are shown as", WITHHELD])
    for o in data["omitted"]:
        about.append(["left out: " + o["title"], o["reason"]])
    for table in data["tables"]:
        sheet = book.create_sheet(table["name"][:31])
        sheet.append([table["title"]])
        sheet.append([f"{table['row_dim']} \\ {table['col_dim']}", *table["col_labels"], "total"])
        for label, cells, total in zip(
            table["row_labels"], table["cells"], table["row_totals"], strict=True
        ):
            sheet.append([label, *(_shown(v) for v in cells), _shown(total)])
        sheet.append(["total", *(_shown(v) for v in table["col_totals"]), _shown(table["total"])])
    book.properties.created = info.created_at.replace(tzinfo=None)
    book.properties.modified = info.created_at.replace(tzinfo=None)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _readme(info: ReleaseInfo) -> str:
    return (
        f"Kintrace figures release {info.release_id}, {info.created_at:%Y-%m-%d %H:%M} UTC.\n"
        "Counts of children only; no child can be singled out (rules in manifest.json).\n\n"
        "Check it:\n"
        "    kintrace figures verify DIR [--key KEY.pem]\n"
        "or, without Kintrace, with OpenSSL 3 and sha256sum:\n"
        "    openssl pkeyutl -verify -pubin -inkey KEY.pem -rawin "
        "-in manifest.json -sigfile manifest.sig\n"
        "    and compare each file's SHA-256 with manifest.json's \"files\".\n"
        f"KEY.pem: the registry's public key (key id {info.key_id}), obtained from the registry\n"
        "itself (`kintrace signing-key`), not only the copy in this directory.\n"
    )


# --- checking a release -----------------------------------------------------------------


def write_files(directory: Path, files: Mapping[str, bytes]) -> None:
    """Write a release's files under `directory` (created; it must not hold a release already)."""
    if (directory / "manifest.json").exists():
        raise FileExistsError(directory / "manifest.json")
    for name, body in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)


def verify_directory(directory: Path, *, public_key_pem: bytes | None = None) -> list[str]:
    """Problems found in a release directory (empty: it is whole and signed by the key).

    Without `public_key_pem` the copy in the directory is used: that proves the files are whole
    and were signed together, not who signed them.
    """
    from kintrace.signing import verify_signature

    problems: list[str] = []
    try:
        manifest_bytes = (directory / "manifest.json").read_bytes()
        signature = (directory / "manifest.sig").read_bytes()
        key = public_key_pem or (directory / "public_key.pem").read_bytes()
    except OSError as exc:
        return [f"cannot read the release: {type(exc).__name__} on {Path(exc.filename).name}"]
    try:
        if not verify_signature(key, manifest_bytes, signature):
            problems.append("the signature does not match manifest.json under this key")
    except ValueError:
        return ["the public key is not an Ed25519 key in PEM form"]
    try:
        listed = json.loads(manifest_bytes)["files"]
    except (ValueError, KeyError, TypeError):
        return [*problems, "manifest.json is not a release manifest"]
    for name, digest in sorted(listed.items()):
        if name.startswith(("/", "\\")) or ".." in Path(name).parts:
            problems.append("manifest.json lists a file outside the release")
            continue
        path = directory / name
        if not path.is_file():
            problems.append(f"missing: {name}")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            problems.append(f"changed: {name}")
    for path in sorted(directory.rglob("*")):
        name = path.relative_to(directory).as_posix()
        if path.is_file() and name not in listed and name not in UNSIGNED:
            problems.append(f"not in the manifest: {name}")
    return problems
