"""Link runs, explanations and exports, as the command line (and later the web) asks for them.

This is where the link run is wired to the review area: reviewers' verdicts bind the clustering,
so `link` hands `kintrace.review.decisions.constraints` to the linkage service through its port
(`kintrace.linkage.ports`). The linkage area itself never imports the review area.

`explain` (`kintrace explain`) and `export` (`kintrace export links|clusters`) take the Actor:
the command line's operator (no role) sees every agency's records, as with review (decision
0510); a signed-in user only their agency's. Both are written to the audit log here (they show
or write children's names), with the records or the row count, never the names.
"""

from __future__ import annotations

from typing import IO, Literal

from sqlalchemy import select

from kintrace import audit
from kintrace.accounts.actors import Actor
from kintrace.linkage import service as linkage_service
from kintrace.linkage.errors import LinkInputError
from kintrace.linkage.explain import Explanation, explain_pair, waterfall_html
from kintrace.linkage.exports import export_clusters, export_links
from kintrace.linkage.service import LinkOptions, LinkReport, Progress
from kintrace.linkage.spec import ModelSpec
from kintrace.registry.scope import sources_in_scope
from kintrace.review.decisions import constraints
from kintrace.store.engine import Store
from kintrace.store.registry_tables import Source

__all__ = [
    "Explanation",
    "LinkOptions",
    "LinkReport",
    "explain",
    "export",
    "link",
    "waterfall_html",
]

Key = tuple[str, str]


def link(
    store: Store,
    *,
    options: LinkOptions | None = None,
    spec: ModelSpec | None = None,
    progress: Progress | None = None,
) -> LinkReport:
    """Link the registry with the reviewers' decisions as must-links and cannot-links."""
    return linkage_service.link(
        store, verdicts=constraints, options=options, spec=spec, progress=progress
    )


def _sources_of(store: Store, actor: Actor) -> frozenset[str] | None:
    """The sources whose records `actor` may see (None: every source, for the operator)."""
    if actor.role is None:
        return None
    with store.session() as db:
        names = db.execute(
            select(Source.name).where(Source.id.in_(sources_in_scope(actor.agency_id)))
        ).scalars()
        return frozenset(names)


def explain(store: Store, actor: Actor, left: Key, right: Key) -> Explanation:
    """Why two records are (or are not) one child: each comparison's level and weight, and the
    fields' agreement. A record the actor may not see is "no such record" (LinkInputError, as
    for an unknown one). Audited as `pair.explain`."""
    visible = _sources_of(store, actor)
    for key in (left, right):
        if visible is not None and key[0] not in visible:
            raise LinkInputError(
                f"No record {key[0]}:{key[1]} in the registry; check the source name and id "
                "(kintrace records search helps)."
            )
    explanation = explain_pair(store, left, right)
    first, second = sorted((left, right))
    with store.session(write=True) as db:
        audit.append(
            db,
            actor=actor.name,
            action="pair.explain",
            entity_type="pair",
            entity_id=f"{first[0]}:{first[1]}|{second[0]}:{second[1]}",
        )
    return explanation


def export(
    store: Store, actor: Actor, which: Literal["links", "clusters"], out: IO[str], *, raw: bool
) -> int:
    """Write the links or clusters file (docs/formats.md) of the records `actor` may see;
    returns the rows written. Audited as `links.export` / `clusters.export` with the count."""
    writer = export_links if which == "links" else export_clusters
    count = writer(store, out, raw=raw, sources=_sources_of(store, actor))
    with store.session(write=True) as db:
        audit.append(
            db,
            actor=actor.name,
            action=f"{which}.export",
            entity_type="export",
            entity_id=which,
            details={"rows": count},
        )
    return count
