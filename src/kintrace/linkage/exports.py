"""`links` and `clusters` files as docs/formats.md specifies: the interchange columns first, then
the child's name as written, its Latin form and the birth date (extra columns at the end, so
programs reading the first columns are unaffected; names first for the people who read them).

A pair's status is the model's (`auto`, `pending`) unless reviewers decided it (`confirmed`,
`rejected` from the review queue). Every imported record is in `clusters`; one imported after the
last link run has an empty person_id until the next run. Cells that would start a spreadsheet
formula are neutralised unless `raw` (kintrace.csv_export).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import IO

from sqlalchemy import select

from kintrace.csv_export import csv_writer
from kintrace.names.display import display_name
from kintrace.store.engine import Store
from kintrace.store.linkage_tables import link_pairs, linked_records
from kintrace.store.registry_tables import Record, RecordVersion, Source

LINKS_COLUMNS: tuple[str, ...] = (
    "source_l", "record_id_l", "source_r", "record_id_r",
    "match_probability", "match_weight", "status",
)  # fmt: skip
CLUSTERS_COLUMNS = ("source", "record_id", "person_id", "name", "name_latin", "birth_date")
#: the names of both records after the interchange columns
LINKS_NAME_COLUMNS = (
    "name_l",
    "name_latin_l",
    "birth_date_l",
    "name_r",
    "name_latin_r",
    "birth_date_r",
)
LINKS_COLUMNS = (*LINKS_COLUMNS, *LINKS_NAME_COLUMNS)


def _names(store: Store) -> dict[tuple[str, str], tuple[str, str, str]]:
    """(name as written, Latin form, birth date) of every record's current version."""
    found: dict[tuple[str, str], tuple[str, str, str]] = {}
    with store.session() as session:
        rows = session.execute(
            select(
                Source.name, Record.record_id, RecordVersion.given_name,
                RecordVersion.family_name, RecordVersion.patronymic, RecordVersion.full_name,
                RecordVersion.birth_date,
            )
            .join(Source, Source.id == Record.source_id)
            .join(
                RecordVersion,
                (RecordVersion.record_pk == Record.id)
                & (RecordVersion.version == Record.current_version),
            )
        )  # fmt: skip
        for source, record_id, given, family, patronymic, full, born in rows:
            name = display_name(
                given_name=given, family_name=family, patronymic=patronymic, full_name=full
            )
            found[(source, record_id)] = (name.written, name.latin, born or "")
    return found


def _decided(store: Store) -> dict[tuple[str, str, str, str], str]:
    from kintrace.store.review_tables import review_items

    with store.session() as session:
        rows = session.execute(
            select(
                review_items.c.source_l, review_items.c.record_id_l,
                review_items.c.source_r, review_items.c.record_id_r, review_items.c.status,
            ).where(review_items.c.status.in_(("confirmed", "rejected")))
        )  # fmt: skip
        decided: dict[tuple[str, str, str, str], str] = {}
        for sl, rl, sr, rr, status in rows:
            decided[(sl, rl, sr, rr)] = status
            decided[(sr, rr, sl, rl)] = status
        return decided


def export_links(
    store: Store, out: IO[str], *, raw: bool = False, sources: Collection[str] | None = None
) -> int:
    """Write the links file; returns the number of pairs written. With `sources`, only the
    pairs whose two records come from those sources (an agency's)."""
    decided = _decided(store)
    names = _names(store)
    blank = ("", "", "")
    writer = csv_writer(out, raw=raw, lineterminator="\n")
    writer.writerow(LINKS_COLUMNS)
    count = 0
    with store.session() as session:
        rows = session.execute(
            select(
                link_pairs.c.source_l, link_pairs.c.record_id_l,
                link_pairs.c.source_r, link_pairs.c.record_id_r,
                link_pairs.c.match_probability, link_pairs.c.match_weight, link_pairs.c.status,
            ).order_by(link_pairs.c.match_probability.desc(), link_pairs.c.id)
        )  # fmt: skip
        for sl, rl, sr, rr, prob, weight, status in rows:
            if sources is not None and (sl not in sources or sr not in sources):
                continue
            status = decided.get((sl, rl, sr, rr), status)
            writer.writerow(
                [sl, rl, sr, rr, f"{prob:.6f}", f"{weight:.4f}", status,
                 *names.get((sl, rl), blank), *names.get((sr, rr), blank)]
            )  # fmt: skip
            count += 1
    return count


def export_clusters(
    store: Store, out: IO[str], *, raw: bool = False, sources: Collection[str] | None = None
) -> int:
    """Write the clusters file (every imported record, or those of `sources`); returns the
    number of rows."""
    names = _names(store)
    writer = csv_writer(out, raw=raw, lineterminator="\n")
    writer.writerow(CLUSTERS_COLUMNS)
    count = 0
    with store.session() as session:
        rows = session.execute(
            select(Source.name, Record.record_id, linked_records.c.person_id)
            .join(Source, Source.id == Record.source_id)
            .outerjoin(
                linked_records,
                (linked_records.c.source == Source.name)
                & (linked_records.c.record_id == Record.record_id),
            )
            .order_by(Source.name, Record.record_id)
        )
        for source, record_id, person_id in rows:
            if sources is not None and source not in sources:
                continue
            writer.writerow(
                [source, record_id, person_id or "", *names.get((source, record_id), ("", "", ""))]
            )
            count += 1
    return count
