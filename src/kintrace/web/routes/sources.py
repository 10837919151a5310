"""The sources page: every list the agency holds, with its figures."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from kintrace.web.deps import DbDep, UserDep, guard
from kintrace.web.rendering import render
from kintrace.web.workspace import overview

router = APIRouter(dependencies=[Depends(guard)], include_in_schema=False)


@router.get("/sources", name="sources")
def sources(request: Request, db: DbDep, user: UserDep) -> Response:
    return render(
        request, "sources.html", {"figures": overview.sources(db, agency_id=user.agency_id)}
    )
