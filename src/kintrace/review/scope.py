"""Which pairs and records an agency may see, for the web workspace.

A source belongs to one agency (`source_agencies`; a source without a row belongs to the home
agency). A reviewer sees a pair only when both of its records are in their agency: a pair that
spans two agencies would show one agency's child to the other (see decision 0510). The command
line (the local operator) sees every pair.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import Session

from kintrace.cases import RecordKey
from kintrace.store.registry_tables import Source
from kintrace.store.review_tables import review_items
from kintrace.store.web_tables import HOME_AGENCY_ID, source_agencies


def source_names_in(agency_ids: Iterable[int]) -> Select[str]:
    """Select of the names of the sources the agencies may see."""
    return (
        select(Source.name)
        .outerjoin(source_agencies, source_agencies.c.source_id == Source.id)
        .where(
            func.coalesce(source_agencies.c.agency_id, HOME_AGENCY_ID).in_(sorted(set(agency_ids)))
        )
    )


def pair_in_scope(agency_ids: Iterable[int]) -> ColumnElement[bool]:
    """SQL condition on `review_items`: both records of the pair belong to the agencies."""
    ids = sorted(set(agency_ids))
    return and_(
        review_items.c.source_l.in_(source_names_in(ids)),
        review_items.c.source_r.in_(source_names_in(ids)),
    )


def keys_in_scope(
    session: Session, keys: Iterable[RecordKey], agency_ids: Iterable[int]
) -> set[RecordKey]:
    """The keys among `keys` whose source the agencies may see."""
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        return set()
    names = set(
        session.scalars(
            source_names_in(agency_ids).where(Source.name.in_({k.source for k in wanted}))
        )
    )
    return {k for k in wanted if k.source in names}
