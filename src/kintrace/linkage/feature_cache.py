"""Feature table cache: an incremental run computes features only for new or changed records.

The cache is a Parquet file in `$KINTRACE_HOME/linkage/`, one row per record version that was
featurised (uid + content hash + the kind its source had: a source whose kind changes, e.g. by
`kintrace sources set-kind`, has its rows computed afresh, since `source_kind` is a feature).
Its name carries a stamp of the Kintrace version, the feature columns, the bundled name tables
and the source of `kintrace.names` and of the feature code, so a change to the name knowledge
or rules invalidates it. A full run (`--full`) recomputes everything. The cache holds only
derived keys, never names as written."""

from __future__ import annotations

import contextlib
import hashlib
from importlib import resources
from pathlib import Path

import pandas as pd
from sqlalchemy.orm import Session

from kintrace import __version__
from kintrace.linkage.features import feature_table
from kintrace.linkage.spec import FEATURE_COLUMNS
from kintrace.linkage.store_io import load_record_keys, load_records


def _stamp() -> str:
    """The version, the feature columns, the name tables and the code that computes features:
    a change to any of them (a new name rule between releases too) invalidates the cache."""
    digest = hashlib.sha256(__version__.encode())
    digest.update(",".join(FEATURE_COLUMNS).encode())
    data = resources.files("kintrace.names").joinpath("data")
    for item in sorted(data.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".csv"):
            digest.update(item.name.encode())
            digest.update(item.read_bytes())
    names = resources.files("kintrace.names")
    for item in sorted(names.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".py"):
            digest.update(item.name.encode())
            digest.update(item.read_bytes())
    linkage = resources.files("kintrace.linkage")
    for name in ("features.py", "dates.py"):
        digest.update(linkage.joinpath(name).read_bytes())
    return digest.hexdigest()[:16]


def cache_path(home: Path) -> Path:
    return home / "linkage" / f"features-{_stamp()}.parquet"


def registry_features(
    session: Session, *, cache: Path | None, use_cache: bool
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(keys, features): every current record's uid, source, record_id, content hash, and its
    feature row, in the same order. Reuses cached rows whose content hash and source kind are
    unchanged."""
    keys = load_record_keys(session)
    cached = pd.DataFrame()
    if use_cache and cache is not None and cache.exists():
        with contextlib.suppress(Exception):  # an unreadable cache is only a slower run
            cached = pd.read_parquet(cache)
    match = ["uid", "content_hash", "registry_kind"]
    if not cached.empty and set(match) <= set(cached.columns):
        cached = cached.merge(keys[match], on=match, how="inner")
    else:  # nothing cached, or a cache from before `registry_kind` was kept
        cached = pd.DataFrame()
    missing = sorted(set(keys["uid"]) - set(cached["uid"] if not cached.empty else ()))
    fresh = pd.DataFrame()
    if missing:
        records = load_records(session, uids=missing)
        fresh = feature_table(records).assign(
            content_hash=records["content_hash"].to_numpy(),
            registry_kind=records["source_kind"].to_numpy(),
        )
    parts = [frame for frame in (cached, fresh) if not frame.empty]
    if not parts:
        return keys, pd.DataFrame(columns=list(FEATURE_COLUMNS))
    every = pd.concat(parts, ignore_index=True).set_index("uid").loc[keys["uid"]].reset_index()
    if cache is not None and missing:
        with contextlib.suppress(OSError):
            cache.parent.mkdir(parents=True, exist_ok=True)
            for old in cache.parent.glob("features-*.parquet"):
                if old != cache:
                    old.unlink()
            temporary = cache.with_suffix(".tmp")
            every.to_parquet(temporary, index=False)
            temporary.replace(cache)
    return keys, every[list(FEATURE_COLUMNS)]
