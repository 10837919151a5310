"""The sources page: every list the agency holds, with its figures."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from kintrace.services import sources as source_service
from kintrace.services.accounts import of_user
from kintrace.web.deps import DbDep, UserDep, guard
from kintrace.web.rendering import render

router = APIRouter(dependencies=[Depends(guard)], include_in_schema=False)


@router.get("/sources", name="sources")
def sources(request: Request, db: DbDep, user: UserDep) -> Response:
    return render(request, "sources.html", {"figures": source_service.figures(db, of_user(user))})
