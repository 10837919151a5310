"""The dashboard: counts by source and by review status. Aggregates only (analysts see it)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from kintrace.accounts.actors import of_user
from kintrace.services import sources as source_service
from kintrace.web.deps import DbDep, UserDep, guard
from kintrace.web.rendering import render

router = APIRouter(dependencies=[Depends(guard)], include_in_schema=False)


@router.get("/", name="dashboard")
def dashboard(request: Request, db: DbDep, user: UserDep) -> Response:
    figures = source_service.figures(db, of_user(user))
    return render(
        request,
        "dashboard.html",
        {
            "figures": figures,
            "total_records": sum(f.records for f in figures),
            "total_quarantined": sum(f.quarantined_open for f in figures),
            "review": source_service.review_counts(db, of_user(user)),
        },
    )
