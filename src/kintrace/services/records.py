"""Records: the one search and the record page, for the web, the JSON API and the command line.

The actor's agency scope is applied in the registry's query and every read is written to the
audit log here (the ids found, never the words searched for), whichever door the request came in.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from kintrace import audit
from kintrace.accounts.actors import Actor
from kintrace.registry import name_index, record_view
from kintrace.registry import records as registry_records
from kintrace.registry import search as registry_search
from kintrace.registry.record_view import FIELDS, RecordNotFound, RecordView
from kintrace.registry.search import Hit, SearchError, SearchQuery, SearchResult
from kintrace.services.access import agency_scope
from kintrace.store.engine import Store

#: A record with every version and where each came from (`kintrace records show`).
RecordHistory = registry_records.RecordView

__all__ = [
    "FIELDS",
    "Hit",
    "RecordHistory",
    "RecordNotFound",
    "RecordView",
    "SearchError",
    "SearchQuery",
    "SearchResult",
    "catch_up_index",
    "history",
    "load",
    "read",
    "refresh_index",
    "search",
]


def search(db: Session, actor: Actor, query: SearchQuery) -> SearchResult:
    """Records of the actor's agency (the command line's operator: every agency's, decision
    0424) matching every word of the name and every filter given.

    Raises `SearchError` (a catalogue message id) for a query the user can correct.
    """
    if query.empty:
        return SearchResult()
    result = registry_search.search(db, agency_id=agency_scope(actor), query=query)
    audit.append(
        db,
        actor=actor.name,
        action="records.search",
        entity_type="record",
        entity_id="-",
        details={"record_pks": [h.record_pk for h in result.hits]},
    )
    return result


def read(db: Session, actor: Actor, record_pk: int) -> RecordView:
    """A record for a person to look at (RecordNotFound outside the actor's agency); who looked
    is written to the audit log."""
    view = record_view.load_record(db, agency_id=actor.agency_id, record_pk=record_pk)
    audit.append(
        db, actor=actor.name, action="records.read", entity_type="record", entity_id=record_pk
    )
    return view


def load(db: Session, actor: Actor, record_pk: int) -> RecordView:
    """The record in the actor's agency without an audit entry: for a page that only names it
    (e.g. an evidence upload's target), never for showing its fields."""
    return record_view.load_record(db, agency_id=actor.agency_id, record_pk=record_pk)


def refresh_index(db: Session) -> None:
    """Bring the name-key index up to date with the records in the caller's write transaction
    (lists imported since it was last written become searchable)."""
    name_index.refresh(db)


def catch_up_index(store: Store) -> int:
    """Bring the name-key index up to date in short write transactions of its own (the import's
    callers after its commit, the web app at start and when a search finds it behind, the
    command line's search); returns the records indexed. Search itself never writes it."""
    return name_index.catch_up(store)


def history(db: Session, actor: Actor, ref: str) -> RecordHistory:
    """The record `SOURCE:ID` with every version, for `kintrace records show`: only in the
    actor's agency (another agency's record is "not found", as on the web's record page; the
    command line's operator sees every agency's), and the read is written to the audit log as
    the record page's is. Raises the registry's NotFound (a RegistryError) with a message to
    show."""
    source, record_id = registry_records.parse_record_ref(ref)
    view = registry_records.show_record(db, source, record_id, agency_id=agency_scope(actor))
    audit.append(
        db, actor=actor.name, action="records.read", entity_type="record", entity_id=view.pk or 0
    )
    return view
