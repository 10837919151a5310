"""The dashboard: the agency's figures as charts and tables (`kintrace.services.dashboard`, the
same figures as `kintrace status`), and, for those who work on them, the next pairs of the
review queue and the latest cases by the child's name (issue 12, findings 3 and 9)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from kintrace.services import cases as case_service
from kintrace.services import children, review
from kintrace.services import dashboard as dashboard_service
from kintrace.services.accounts import of_user
from kintrace.web import charts, i18n
from kintrace.web.deps import DbDep, UserDep, guard, now_utc
from kintrace.web.i18n import N_
from kintrace.web.rendering import render
from kintrace.web.routes.review import policy_of, reviewer

router = APIRouter(dependencies=[Depends(guard)], include_in_schema=False)

#: pairs and cases listed on the dashboard; the queue and the case list have the rest
SHORT_LIST = 5
_REVIEWING_ROLES = ("admin", "reviewer")
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
    role = user.role.value
    if role in _REVIEWING_ROLES:
        review.bring_up_to_date(db, request.app.state.store, policy=policy_of(request))
    figures = dashboard_service.figures(db, actor)
    pairs = review.waiting(db, reviewer(user))[:SHORT_LIST] if role in _REVIEWING_ROLES else []
    cases = []
    if role != "analyst":
        lines = case_service.list_page(db, reviewer(user), now=now_utc())
        cases = sorted(lines, key=lambda line: line.case.last_progress_at, reverse=True)
        cases = cases[:SHORT_LIST]
    keys = [k for p in pairs for k in (p.left, p.right)] + [line.case.subject for line in cases]
    names = children.names(db, actor, keys, shown_on="dashboard") if keys else {}
    gettext = i18n.gettext_for(request.app.state.translations, request.state.lang)
    return render(
        request,
        "dashboard.html",
        {
            "d": figures,
            "charts": _charts(figures, gettext),
            "pairs": pairs,
            "cases": cases,
            "names": names,
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
