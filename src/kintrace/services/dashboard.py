"""The dashboard's figures, for the web page, the JSON API and `kintrace status` alike.

Aggregates only, never a name: the analyst sees them too. Everything is scoped to the actor's
agency: its sources' records, the persons those records were linked into, the cases it follows
and the pairs whose two records it holds (decision 0510). Nothing is audited: no child's data is
read (issue 12, finding 9).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from kintrace.accounts.actors import Actor
from kintrace.cases import Facet, Identity, PairStatus, ReturnStage, Verdict, Whereabouts
from kintrace.registry.scope import sources_in_scope
from kintrace.registry.sources import SOURCE_KINDS, count_sources
from kintrace.review.casework import case_in_scope
from kintrace.review.queue import queue_counts
from kintrace.review.scope import pair_in_scope, source_names_in
from kintrace.services.access import agency_scope
from kintrace.store.linkage_tables import linked_records
from kintrace.store.registry_tables import Record, Source
from kintrace.store.review_tables import cases, review_decisions, review_items

#: weeks of review progress shown (the chart's width); older decisions are in the totals
REVIEW_WEEKS = 12
#: months of arrivals shown; older records are in the totals
ARRIVAL_MONTHS = 12
VERDICTS = (Verdict.SAME.value, Verdict.DIFFERENT.value, Verdict.UNSURE.value)
FACET_STATES: dict[str, tuple[str, ...]] = {
    Facet.IDENTITY.value: tuple(s.value for s in Identity),
    Facet.WHEREABOUTS.value: tuple(s.value for s in Whereabouts),
    Facet.RETURN.value: tuple(s.value for s in ReturnStage),
}


@dataclass(frozen=True)
class SourceLine:
    """One of the agency's sources by its name (never its database id)."""

    name: str
    kind: str
    records: int
    quarantined_open: int


@dataclass(frozen=True)
class ReviewWeek:
    """Verdicts given in the week starting on `week` (a Monday), by verdict."""

    week: date
    verdicts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.verdicts.values())


@dataclass(frozen=True)
class ArrivalMonth:
    """Records that came into the registry in `month` ("YYYY-MM"), by their source's kind."""

    month: str
    kinds: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.kinds.values())


@dataclass(frozen=True)
class Dashboard:
    records: int
    persons: int  # persons (linkage clusters) with at least one of the agency's records
    linked_records: int  # the agency's records the last link run placed in a person
    quarantined_open: int
    sources: list[SourceLine]
    cases_open: int
    cases_closed: int
    #: open cases, facet -> state -> count (every state listed, zeros included)
    cases_by_facet: dict[str, dict[str, int]]
    review: dict[str, int]  # pairs by review status
    review_weeks: list[ReviewWeek]  # the last REVIEW_WEEKS weeks, oldest first
    arrivals: list[ArrivalMonth]  # months with arrivals, oldest first (at most ARRIVAL_MONTHS)
    kinds: list[str] = field(default_factory=list)  # source kinds present, in a stable order

    @property
    def waiting(self) -> int:
        return self.review.get(PairStatus.PENDING.value, 0) + self.review.get(
            PairStatus.AWAITING_SECOND.value, 0
        )

    @property
    def decided(self) -> int:
        return sum(
            self.review.get(s.value, 0)
            for s in (PairStatus.CONFIRMED, PairStatus.REJECTED, PairStatus.UNSURE)
        )


def figures(db: Session, actor: Actor, *, today: date | None = None) -> Dashboard:
    """The agency's figures (the command line's operator: every agency's, decision 0424);
    `today` fixes the end of the review weeks (tests)."""
    agency = agency_scope(actor)
    today = today or datetime.now(UTC).date()
    sources = _sources(db, agency)
    by_facet, open_cases, closed_cases = _cases(db, agency)
    arrivals, kinds = _arrivals(db, agency)
    persons, linked = _persons(db, agency)
    return Dashboard(
        records=sum(s.records for s in sources),
        persons=persons,
        linked_records=linked,
        quarantined_open=sum(s.quarantined_open for s in sources),
        sources=sources,
        cases_open=open_cases,
        cases_closed=closed_cases,
        cases_by_facet=by_facet,
        review=queue_counts(db, agency_ids=None if agency is None else {agency}),
        review_weeks=_review_weeks(db, agency, today),
        arrivals=arrivals,
        kinds=kinds,
    )


def _sources(db: Session, agency: int | None) -> list[SourceLine]:
    return [
        SourceLine(
            name=counted.source.name,
            kind=counted.source.kind or "unknown",
            records=counted.records,
            quarantined_open=counted.quarantined_open,
        )
        for counted in count_sources(db, agency)
    ]


def _persons(db: Session, agency: int | None) -> tuple[int, int]:
    lr = linked_records.c
    mine = true() if agency is None else lr.source.in_(source_names_in({agency}))
    persons = db.scalar(select(func.count(func.distinct(lr.person_id))).where(mine)) or 0
    linked = db.scalar(select(func.count()).select_from(linked_records).where(mine)) or 0
    return int(persons), int(linked)


def _cases(db: Session, agency: int | None) -> tuple[dict[str, dict[str, int]], int, int]:
    c = cases.c
    scope = true() if agency is None else case_in_scope({agency})
    closed = ReturnStage.CLOSED.value
    by_facet = {facet: dict.fromkeys(states, 0) for facet, states in FACET_STATES.items()}
    for facet, column in (
        (Facet.IDENTITY.value, c.identity),
        (Facet.WHEREABOUTS.value, c.whereabouts),
        (Facet.RETURN.value, c.return_stage),
    ):
        rows = db.execute(
            select(column, func.count()).where(scope, c.return_stage != closed).group_by(column)
        )
        for state, n in rows:
            by_facet[facet][str(state)] = int(n)
    closed_cases = db.scalar(select(func.count()).where(scope, c.return_stage == closed)) or 0
    open_cases = sum(by_facet[Facet.IDENTITY.value].values())
    return by_facet, open_cases, int(closed_cases)


def _week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _review_weeks(db: Session, agency: int | None, today: date) -> list[ReviewWeek]:
    """Verdicts per week over the last REVIEW_WEEKS weeks (undos are not verdicts)."""
    d = review_decisions.c
    last = _week_of(today)
    first = last - timedelta(weeks=REVIEW_WEEKS - 1)
    since = datetime.combine(first, datetime.min.time(), tzinfo=UTC)
    rows = db.execute(
        select(d.decided_at, d.verdict)
        .join(review_items, review_items.c.id == d.item_id)
        .where(
            true() if agency is None else pair_in_scope({agency}),
            d.decided_at >= since,
            d.verdict.in_(VERDICTS),
        )
    )
    counted: Counter[tuple[date, str]] = Counter()
    for decided_at, verdict in rows:
        at = decided_at if decided_at.tzinfo else decided_at.replace(tzinfo=UTC)
        counted[(_week_of(at.astimezone(UTC).date()), str(verdict))] += 1
    weeks = [first + timedelta(weeks=i) for i in range(REVIEW_WEEKS)]
    return [ReviewWeek(w, {v: counted[(w, v)] for v in VERDICTS}) for w in weeks]


def _arrivals(db: Session, agency: int | None) -> tuple[list[ArrivalMonth], list[str]]:
    """Records by the month they came into the registry and their source's kind. Grouped on the
    import's time stamp (one per import), so the database returns a row per import, not per
    record."""
    rows = db.execute(
        select(Source.kind, Record.created_at, func.count(Record.id))
        .join(Source, Source.id == Record.source_id)
        .where(Record.source_id.in_(sources_in_scope(agency)))
        .group_by(Source.kind, Record.created_at)
    )
    months: dict[str, Counter[str]] = {}
    for kind, created_at, n in rows:
        month = f"{created_at:%Y-%m}"
        months.setdefault(month, Counter())[kind or "unknown"] += int(n)
    kept = _month_range(months)
    present = {k for m in kept for k in months.get(m, ())}
    kinds = [k for k in SOURCE_KINDS if k in present] + sorted(present - set(SOURCE_KINDS))
    empty: Counter[str] = Counter()
    return [ArrivalMonth(m, {k: months.get(m, empty)[k] for k in kinds}) for m in kept], kinds


def _month_range(months: dict[str, Counter[str]]) -> list[str]:
    """Every month from the first with arrivals to the last (a quiet month shows as empty),
    the last ARRIVAL_MONTHS of them."""
    if not months:
        return []
    year, month = map(int, min(months).split("-"))
    last = max(months)
    found = []
    while f"{year:04d}-{month:02d}" <= last:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found[-ARRIVAL_MONTHS:]
