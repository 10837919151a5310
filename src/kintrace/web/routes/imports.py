"""Import page (upload, mapping step, validation report, link run) and quarantine (list,
correct, re-import).

The import is the registry's service: an upload is kept for its mapping step
(`kintrace.registry.uploads`), previewed as the import will read it (`registry.preview`), then
imported for the user's agency with the columns as the user confirmed them; the link run that
follows is a background job (`kintrace.services.linkjobs`) whose progress the report shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from kintrace.services import imports as import_service
from kintrace.services import quarantine
from kintrace.services.accounts import User, of_user
from kintrace.services.errors import RegistryError
from kintrace.services.imports import (
    DATE_ORDERS,
    EXTRA,
    FIELDS,
    IGNORE,
    ReadOptions,
    StagedUpload,
    preview_file,
    saved_options,
    stage_limited,
    staged_upload,
)
from kintrace.services.linkjobs import LinkJob
from kintrace.web.deps import DbDep, FormDep, NotFound, UserDep, guard
from kintrace.web.i18n import N_
from kintrace.web.inputs import Id, count_from_text
from kintrace.web.rendering import is_htmx, render

router = APIRouter(dependencies=[Depends(guard)], include_in_schema=False)

#: What each target is called on the mapping step (translated in the template).
TARGET_LABELS = {
    "source": N_("Source"),
    "record_id": N_("Record id"),
    "family_name": N_("Surname"),
    "given_name": N_("Given name"),
    "patronymic": N_("Patronymic"),
    "full_name": N_("Full name"),
    "sex": N_("Sex"),
    "birth_date": N_("Birth date"),
    "age": N_("Age"),
    "observed_on": N_("Date recorded"),
    "birth_place": N_("Birth place"),
    "last_known_place": N_("Last known place"),
    "group_id": N_("Sibling group"),
    "guardian_name": N_("Guardian"),
    "guardian_contact": N_("Guardian's contact"),
    "notes": N_("Notes"),
    EXTRA: N_("Keep as an extra column"),
    IGNORE: N_("Leave out (row number)"),
}
assert set(TARGET_LABELS) == {*FIELDS, EXTRA, IGNORE}


#: The request body of an upload route for the API's schema: the route reads it itself, after
#: the guard (see `upload_of`), so FastAPI cannot describe it from the parameters.
UPLOAD_OPENAPI: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "source": {"type": "string", "maxLength": 64},
                    },
                }
            }
        },
    }
}


@dataclass(frozen=True)
class Upload:
    file: UploadFile
    source: str | None


async def upload_of(request: Request, form: FormDep) -> Upload:
    """The uploaded file and source of a form the guard let through (an upload is read only
    once the uploader is known: `deps.form_after_guard`)."""
    file = form.get("file")
    if not isinstance(file, UploadFile):
        api = request.url.path.startswith("/api/")
        raise HTTPException(
            status_code=422 if api else 400,
            detail="Send the file as the multipart form field 'file'.",
        )
    source = form.get("source")
    source = source.strip()[:64] if isinstance(source, str) else ""
    return Upload(file=file, source=source or None)


UploadDep = Annotated[Upload, Depends(upload_of)]


def request_link(request: Request, *, user: User, report: dict[str, Any]) -> LinkJob | None:
    """The app's link run after an import that changed the registry (`LinkJobs.after_import`)."""
    job: LinkJob | None = request.app.state.link_jobs.after_import(
        actor=user.username, report=report
    )
    return job


@router.get("/import", name="import_form")
def import_form(request: Request, user: UserDep) -> Response:
    return render(request, "import.html", {"report": None})


@router.post("/import", name="import_upload", openapi_extra=UPLOAD_OPENAPI)
def import_upload(request: Request, user: UserDep, upload: UploadDep, db: DbDep) -> Response:
    """Keep the file and show the mapping step: how it will be read, with its first rows. The
    file is read only once the guard let the request through."""
    name = upload.source
    try:
        staged = stage_limited(
            request.app.state.settings.home,
            upload.file.file,
            max_bytes=request.app.state.options.max_upload_bytes,
            name=upload.file.filename,
            user_id=user.id,
            source=name,
        )
    except import_service.UploadRefused as exc:
        return render(request, "import.html", {"report": None, "error": str(exc)}, status_code=400)
    saved = saved_options(db, name) if name else None
    return _mapping_page(request, staged, read=saved or ReadOptions(), source=name, reused=saved)


@router.post("/import/{token}", name="import_map")
def import_map(
    request: Request,
    db: DbDep,
    user: UserDep,
    token: str,
    action: Annotated[str, Form()] = "import",
    source: Annotated[str, Form(max_length=64)] = "",
    header_row: Annotated[str, Form(max_length=6)] = "",
    header_rows: Annotated[str, Form(max_length=2)] = "",
    date_order: Annotated[str, Form(max_length=16)] = "",
    shown_header_row: Annotated[str, Form(max_length=6)] = "",
    shown_header_rows: Annotated[str, Form(max_length=2)] = "",
    head: Annotated[list[str] | None, Form()] = None,
    col: Annotated[list[str] | None, Form()] = None,
    link: Annotated[str, Form(max_length=4)] = "",
) -> Response:
    """The mapping step's form: show the preview again with the user's choices, or import."""
    staged = staged_upload(request.app.state.settings.home, token, user_id=user.id)
    if staged is None:
        raise NotFound()
    name = source.strip() or None
    try:
        row = _whole_number(header_row)
        rows = _whole_number(header_rows)
        same_header = (header_row, header_rows) == (shown_header_row, shown_header_rows)
        chosen = dict(zip(head or [], col or [], strict=False)) if same_header else {}
        read = ReadOptions(
            header_row=row,
            header_rows=rows,
            date_order=date_order if date_order in DATE_ORDERS else None,  # type: ignore[arg-type]
            columns={h: t for h, t in chosen.items() if t in TARGET_LABELS},
        )
    except (RegistryError, ValueError) as exc:
        return _mapping_page(request, staged, read=ReadOptions(), source=name, error=str(exc))
    if action != "import":
        return _mapping_page(request, staged, read=read, source=name)
    try:
        report = import_service.import_for_agency(
            db,
            store=request.app.state.store,
            path=staged.path,
            display_name=staged.display_name,
            source=name,
            actor=of_user(user),
            read=read,
        )
    except import_service.UploadRefused as exc:
        return _mapping_page(request, staged, read=read, source=name, error=str(exc))
    job = request_link(request, user=user, report=report) if link else None
    batch_rows = quarantine.rows_of_import(db, of_user(user), report.get("quarantined_ids", []))
    return render(
        request,
        "import.html",
        {"report": report, "rejected": batch_rows, "job": job, "linking_off": not link},
    )


@router.get("/import/link/{job_id}", name="import_link_status")
def import_link_status(request: Request, user: UserDep, job_id: Id) -> Response:
    """The link run's progress: a fragment for htmx to poll, or a page without JavaScript."""
    job = request.app.state.link_jobs.get(job_id)
    if job is None:
        raise NotFound()
    template = "_link_job.html" if is_htmx(request) else "import_link.html"
    return render(request, template, {"job": job})


def _whole_number(text: str) -> int | None:
    text = text.strip()
    if not text or text == "auto":
        return None
    number = count_from_text(text, high=999_999)
    if number is None:
        raise ValueError(f"'{text[:6]}' is not a row number; give a whole number, e.g. 3.")
    return number


def _mapping_page(
    request: Request,
    staged: StagedUpload,
    *,
    read: ReadOptions,
    source: str | None,
    reused: ReadOptions | None = None,
    error: str | None = None,
) -> Response:
    try:
        preview = preview_file(
            staged.path,
            read=read,
            source=source,
            limits=request.app.state.store.settings.import_limits,
        )
    except RegistryError as exc:
        return render(
            request,
            "import.html",
            {"report": None, "error": str(exc)},
            status_code=400,
        )
    return render(
        request,
        "import_map.html",
        {
            "staged": staged,
            "preview": preview,
            "read": read,
            "source": source or "",
            "targets": TARGET_LABELS,
            "date_orders": DATE_ORDERS,
            "reused": reused is not None,
            "error": error or preview.problem,
        },
        status_code=400 if error else 200,
    )


@router.get("/quarantine", name="quarantine")
def quarantine_page(request: Request, db: DbDep, user: UserDep) -> Response:
    return render(request, "quarantine.html", {"rows": quarantine.open_rows(db, of_user(user))})


@router.post("/quarantine/{row_id}", name="quarantine_fix")
def quarantine_fix(
    request: Request, user: UserDep, form: FormDep, db: DbDep, row_id: Id
) -> Response:
    """Re-import one corrected row (`quarantine.correct`: the registry resolves the row it
    replaces). The form is read before the transaction begins (a slow client holds no lock)."""
    given = {key[2:]: str(value) for key, value in form.items() if key.startswith("f_")}
    try:
        report = quarantine.correct(
            db, store=request.app.state.store, actor=of_user(user), row_id=row_id, given=given
        )
    except import_service.UploadRefused as exc:
        return render(
            request,
            "quarantine.html",
            {"rows": quarantine.open_rows(db, of_user(user)), "error": str(exc)},
            status_code=400,
        )
    if report is None:
        raise NotFound()
    job = request_link(request, user=user, report=report)
    return render(
        request,
        "quarantine.html",
        {"rows": quarantine.open_rows(db, of_user(user)), "report": report, "job": job},
    )
