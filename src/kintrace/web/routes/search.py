"""Search page. The query travels in a POST body, never in the URL (no names in logs/history).

With htmx the results replace only the results block; without JavaScript the whole page reloads.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from kintrace.web.deps import DbDep, UserDep, guard
from kintrace.web.inputs import id_from_text
from kintrace.web.rendering import is_htmx, render
from kintrace.web.workspace import overview
from kintrace.web.workspace.search import SearchError, SearchQuery, SearchResult, search

router = APIRouter(dependencies=[Depends(guard)], include_in_schema=False)


@router.get("/search", name="search_form")
def search_form(request: Request, db: DbDep, user: UserDep) -> Response:
    return render(
        request,
        "search.html",
        {
            "query": SearchQuery(),
            "result": None,
            "sources": overview.source_choices(db, agency_id=user.agency_id),
        },
    )


@router.post("/search", name="search")
def search_post(
    request: Request,
    db: DbDep,
    user: UserDep,
    name: Annotated[str, Form(max_length=200)] = "",
    birth: Annotated[str, Form(max_length=20)] = "",
    place: Annotated[str, Form(max_length=200)] = "",
    source_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    query = SearchQuery(
        name=name,
        birth=birth,
        place=place,
        source_id=id_from_text(source_id),
    )
    error = None
    result: SearchResult | None
    try:
        result = search(db, agency_id=user.agency_id, actor=user.username, query=query)
    except SearchError as exc:
        result, error = None, str(exc)
    context: dict[str, Any] = {"query": query, "result": result, "error": error}
    if is_htmx(request):
        return render(request, "_search_results.html", context)
    context["sources"] = overview.source_choices(db, agency_id=user.agency_id)
    return render(request, "search.html", context)
