"""Search page. The query travels in a POST body, never in the URL (no names in logs/history).

With htmx the results replace only the results block; without JavaScript the whole page reloads.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from kintrace.services import records as record_service
from kintrace.services import sources as source_service
from kintrace.services.accounts import of_user
from kintrace.services.records import SearchError, SearchQuery, SearchResult
from kintrace.web.deps import DbDep, UserDep, guard
from kintrace.web.inputs import id_from_text
from kintrace.web.rendering import is_htmx, render

router = APIRouter(dependencies=[Depends(guard)], include_in_schema=False)


@router.get("/search", name="search_form")
def search_form(request: Request, db: DbDep, user: UserDep) -> Response:
    return render(
        request,
        "search.html",
        {
            "query": SearchQuery(),
            "result": None,
            "sources": source_service.choices(db, of_user(user)),
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
    source = id_from_text(source_id)
    query = SearchQuery(name=name, birth=birth, place=place, source_id=source)
    error = None
    result: SearchResult | None = None
    bad_source = bool(source_id.strip()) and source is None
    if bad_source:  # the form offers a list; anything else was not sent by it
        error = f"Choose a source from the list: '{source_id[:12]}' is not a source number."
    else:
        try:
            result = record_service.search(db, of_user(user), query)
            if result.index_behind:  # search never writes the index: catch up beside it
                request.app.state.index_catch_up.request()
        except SearchError as exc:
            error = str(exc)
    status = 400 if bad_source else 200
    context: dict[str, Any] = {"query": query, "result": result, "error": error}
    if is_htmx(request):
        return render(request, "_search_results.html", context, status_code=status)
    context["sources"] = source_service.choices(db, of_user(user))
    return render(request, "search.html", context, status_code=status)
