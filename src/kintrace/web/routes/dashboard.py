"""The dashboard: the agency's figures as charts and tables (`kintrace.services.dashboard`, the
same figures as `kintrace status`), and, for those who work on them, the next pairs of the
review queue and the latest cases by the child's name (`kintrace.services.shortlists`; issue
12, findings 3 and 9)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from kintrace.cases import WorkflowRefused
from kintrace.services import dashboard as dashboard_service
from kintrace.services import shortlists
from kintrace.services.accounts import of_user
from kintrace.web import charts, i18n
from kintrace.web.deps import DbDep, UserDep, guard, now_utc
from kintrace.web.i18n import N_
from kintrace.web.rendering import render

router = APIRouter(dependencies=[Depends(guard)], include_in_schema=False)

#: the source kinds (`kintrace.registry.sources.SOURCE_KINDS`) as the legend says them
KIND_LABELS = {
    "family": N_("Family reports"),
    "registry": N_("Registers"),
    "camp": N_("Camp lists"),
    "adoption": N_("Adoption listings"),
    "partner": N_("Partner lists"),
    "unknown": N_("Kind not set"),
}


@router.get("/", name="dashboard")
def dashboard(request: Request, db: DbDep, user: UserDep) -> Response:
    actor = of_user(user)
    try:
        lists = shortlists.for_actor(db, request.app.state.store, actor, now=now_utc())
    except WorkflowRefused as exc:  # the review policy cannot be read (as `policy_of`)
        raise HTTPException(status_code=500, detail=str(exc)) from None
    figures = dashboard_service.figures(db, actor)
    gettext = i18n.gettext_for(request.app.state.translations, request.state.lang)
    return render(
        request,
        "dashboard.html",
        {
            "d": figures,
            "charts": _charts(figures, gettext),
            "pairs": lists.pairs,
            "cases": lists.cases,
            "names": lists.names,
            "kind_labels": KIND_LABELS,
        },
    )


def _charts(d: dashboard_service.Dashboard, _: Callable[[str], str]) -> dict[str, Any]:
    """The SVG drawings, their labels translated and the figures said in the aria-label."""

    def said(title: str, items: list[tuple[str, int]]) -> str:
        return f"{title}: " + ", ".join(f"{name} {n}" for name, n in items)

    drawn: dict[str, Any] = {}
    for facet, states in d.cases_by_facet.items():
        items = [(_(state), n) for state, n in states.items()]
        title = _("Open cases by %(facet)s") % {"facet": _(facet)}
        drawn[facet] = charts.bars(items=items, label=said(title, items))
    verdicts = [(v, _(v)) for v in dashboard_service.VERDICTS]
    weeks = [charts.Column(f"{w.week:%d.%m}", w.verdicts) for w in d.review_weeks]
    title = _("Review decisions per week")
    drawn["review"] = charts.columns(
        categories=weeks,
        series=verdicts,
        label=said(title, [(f"{w.week:%Y-%m-%d}", w.total) for w in d.review_weeks]),
    )
    months = [charts.Column(f"{m.month[5:]}.{m.month[2:4]}", m.kinds) for m in d.arrivals]
    title = _("Records by month of arrival and source kind")
    drawn["arrivals"] = charts.columns(
        categories=months,
        series=[(k, _(KIND_LABELS.get(k, k))) for k in d.kinds],
        label=said(title, [(m.month, m.total) for m in d.arrivals]),
    )
    return drawn
