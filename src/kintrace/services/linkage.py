"""Link runs, explanations and exports, as the command line (and later the web) asks for them.

This is where the link run is wired to the review area: reviewers' verdicts bind the clustering,
so `link` hands `kintrace.review.decisions.constraints` to the linkage service through its port
(`kintrace.linkage.ports`). The linkage area itself never imports the review area.
"""

from __future__ import annotations

from kintrace.linkage import service as linkage_service
from kintrace.linkage.service import LinkOptions, LinkReport, Progress
from kintrace.linkage.spec import ModelSpec
from kintrace.review.decisions import constraints
from kintrace.store.engine import Store

__all__ = ["LinkOptions", "LinkReport", "link"]


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
