"""Which agency a source belongs to: the agency that first declared it, in any way.

A source is declared by the first import that names it, whether its rows were accepted or every
one of them went to the quarantine (issue 11, finding 1): the importer creates the source and
gives it to the importing agency in the same transaction. From then on only that agency may
import into it; an import from another agency that names it is refused whole, before anything of
the file is kept. A source without a row in `source_agencies` (made before migration 0013h)
belongs to the home agency.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from kintrace.registry import reasons
from kintrace.registry.errors import ImportRefused
from kintrace.registry.scope import agency_of_source
from kintrace.store.web_tables import source_agencies


class ForeignSource(ImportRefused):
    """An import names a source that belongs to another agency."""


def refuse_foreign(
    session: Session, *, source_id: int, name: str, agency_id: int, label: str
) -> None:
    """Refuse an import by `agency_id` that names source `source_id` of another agency."""
    if agency_of_source(session, source_id) != agency_id:
        raise ForeignSource(reasons.FOREIGN_SOURCE.format(file=label, name=name[:64]))


def give_new(session: Session, *, source_id: int, agency_id: int) -> None:
    """A source this import has just created belongs to the importing agency."""
    session.execute(source_agencies.insert().values(source_id=source_id, agency_id=agency_id))
