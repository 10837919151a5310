"""JSON API: the same actions as the pages, for scripts (Authorization: Bearer kt_...) or the
signed-in browser. Search takes a POST body so names never appear in URLs or access logs."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field

from kintrace.services import dashboard, persons, sources
from kintrace.services import records as record_service
from kintrace.services.accounts import of_user
from kintrace.services.imports import UploadRefused, import_upload
from kintrace.services.records import SearchError, SearchQuery
from kintrace.web.deps import DbDep, NotFound, UserDep, guard
from kintrace.web.inputs import Id, IdField
from kintrace.web.routes.imports import UPLOAD_OPENAPI, UploadDep, request_link

router = APIRouter(prefix="/api/v1", dependencies=[Depends(guard)], tags=["api"])


class SearchBody(BaseModel):
    name: str = Field("", max_length=200, description="Any name, any script or romanisation")
    birth: str = Field("", max_length=20, description="YYYY, YYYY-MM, YYYY-MM-DD or DD.MM.YYYY")
    place: str = Field("", max_length=200)
    source_id: IdField | None = None


@router.get("/dashboard", name="api_dashboard")
def api_dashboard(db: DbDep, user: UserDep) -> dict[str, Any]:
    """The dashboard's figures (no names): `kintrace.services.dashboard`, as `kintrace status`."""
    d = dashboard.figures(db, of_user(user))
    return {
        "records": d.records,
        "persons": d.persons,
        "linked_records": d.linked_records,
        "quarantined_open": d.quarantined_open,
        "by_source": {s.name: s.records for s in d.sources},
        "sources": [asdict(s) for s in d.sources],
        "cases": {"open": d.cases_open, "closed": d.cases_closed, **d.cases_by_facet},
        "review": d.review,
        "review_weeks": [{"week": w.week.isoformat(), **w.verdicts} for w in d.review_weeks],
        "arrivals": [{"month": m.month, **m.kinds} for m in d.arrivals],
    }


@router.get("/sources", name="api_sources")
def api_sources(db: DbDep, user: UserDep) -> list[dict[str, Any]]:
    return [asdict(f) for f in sources.figures(db, of_user(user))]


@router.post("/search", name="api_search")
def api_search(request: Request, body: SearchBody, db: DbDep, user: UserDep) -> dict[str, Any]:
    query = SearchQuery(
        name=body.name, birth=body.birth, place=body.place, source_id=body.source_id
    )
    try:
        result = record_service.search(db, of_user(user), query)
    except SearchError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    if result.index_behind:  # search never writes the index: catch up beside it
        request.app.state.index_catch_up.request()
    return {
        "hits": [asdict(h) for h in result.hits],
        "truncated": result.truncated,
        "index_behind": result.index_behind,
    }


@router.get("/records/{record_pk}", name="api_record")
def api_record(record_pk: Id, db: DbDep, user: UserDep) -> dict[str, Any]:
    view = record_service.read(db, of_user(user), record_pk)
    return asdict(view)


@router.get("/persons/{person_id}", name="api_person")
def api_person(person_id: str, db: DbDep, user: UserDep) -> dict[str, Any]:
    view = persons.read(db, of_user(user), person_id)
    found = asdict(view)
    found["agreement"] = {f: a.state for f, a in view.agreement.items()}
    found["agreement_labels"] = {f: a.label for f, a in view.agreement.items()}
    return found


@router.post("/imports", name="api_import", openapi_extra=UPLOAD_OPENAPI)
def api_import(
    request: Request,
    user: UserDep,
    upload: UploadDep,
    db: DbDep,
    source: Annotated[str, Query(max_length=64)] = "",
    link: bool = True,
) -> dict[str, Any]:
    """Import one records file (multipart field `file`, the source in the query or the form);
    rejected rows go to quarantine. Columns are found as `kintrace import` finds them. Unless
    `link=false`, a link run follows in the background: `link_job` is its id for
    `GET /api/v1/link-jobs/{id}`. The file is read only once the caller is known."""
    try:
        report = import_upload(
            db,
            store=request.app.state.store,
            actor=of_user(user),
            user_id=user.id,
            stream=upload.file.file,
            name=upload.file.filename,
            source=source.strip() or upload.source,
            max_bytes=request.app.state.options.max_upload_bytes,
        )
    except UploadRefused as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    job = request_link(request, user=user, report=report) if link else None
    return report | {"link_job": job.id if job is not None else None}


@router.get("/link-jobs/{job_id}", name="api_link_job")
def api_link_job(request: Request, user: UserDep, job_id: Id) -> dict[str, Any]:
    """A background link run: state (queued, running, done, not-linked, failed), its stage and,
    when done, its figures."""
    job = request.app.state.link_jobs.get(job_id)
    if job is None:
        raise NotFound()
    return {
        "id": job.id,
        "state": job.state,
        "stage": job.stage,
        "seconds": job.seconds(),
        "figures": job.figures,
        "message": job.message,
    }


@router.get("/quarantine", name="api_quarantine")
def api_quarantine(db: DbDep, user: UserDep) -> list[dict[str, Any]]:
    from kintrace.services import quarantine

    return [asdict(q) for q in quarantine.open_rows(db, of_user(user), shown_in="api")]
