"""List exchange pages (issue 13): the agency's requests, and one request's reconciliation with
filters. Everything through `kintrace.services.exchange` (Actor in, dataclasses out; the read of
a reconciliation is audited there)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from kintrace.services import exchange as service
from kintrace.services.accounts import of_user
from kintrace.web.deps import DbDep, UserDep, guard
from kintrace.web.i18n import N_
from kintrace.web.rendering import render

router = APIRouter(dependencies=[Depends(guard)], include_in_schema=False)

#: The status vocabulary and match kinds, as the page shows them.
TERMS = (
    N_("found"),
    N_("in_care"),
    N_("in_family"),
    N_("returned"),
    N_("not_found"),
    N_("no_answer"),
    N_("other"),
    N_("held"),
    N_("unanswered"),
    N_("reference"),
    N_("model"),
    N_("duplicate"),
    N_("person"),
    N_("a child"),
    N_("a status"),
    N_("a child and a status"),
    N_("accepted"),
    N_("birth_date"),
    N_("name"),
    N_("birth_place"),
)
FILTERS = ("found", "in_care", "in_family", "returned", "not_found", "no_answer", "other",
           "held", "unanswered")  # fmt: skip


@router.get("/exchange", name="exchange_requests")
def requests_page(request: Request, db: DbDep, user: UserDep) -> Response:
    rows = service.list_requests(db, of_user(user))
    return render(request, "exchange.html", {"requests": rows})


@router.get("/exchange/{request_ref}", name="exchange_request")
def request_page(
    request: Request,
    db: DbDep,
    user: UserDep,
    request_ref: Annotated[str, Path(max_length=32, pattern=r"^RQ-[A-Z0-9]{1,29}$")],
    status: Annotated[str, Query(max_length=16)] = "",
    discrepancies: Annotated[bool, Query()] = False,
) -> Response:
    result = service.reconciliation(db, of_user(user), request_ref)
    held = service.held_rows(db, of_user(user), request_ref)
    children = result.children_where(state=status, discrepancy=discrepancies)
    return render(
        request,
        "exchange_request.html",
        {
            "r": result,
            "children": children,
            "filters": FILTERS,
            "status": status if status in FILTERS else "",
            "only_discrepancies": discrepancies,
            "held": held,
        },
    )
