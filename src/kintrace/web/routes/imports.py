"""Import page (upload, validation report) and quarantine (list, correct, re-import).

The import itself is the registry's service; this module only stores the upload in the data
directory, calls it, and gives the new source to the uploader's agency.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from kintrace.accounts.users import User
from kintrace.store.engine import Store
from kintrace.web.deps import DbDep, NotFound, UserDep, guard
from kintrace.web.rendering import render
from kintrace.web.workspace import imports as import_service
from kintrace.web.workspace import quarantine

router = APIRouter(dependencies=[Depends(guard)], include_in_schema=False)
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def run_upload(
    db: Session,
    *,
    store: Store,
    user: User,
    upload: UploadFile,
    source: str | None,
    max_bytes: int = 50 << 20,
) -> dict[str, Any]:
    """Store the uploaded file under the data directory and import it for the user's agency."""
    name = _SAFE_NAME.sub("_", Path(upload.filename or "upload.csv").name)[-120:] or "upload.csv"
    data = upload.file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise import_service.UploadRefused(
            f"The file is larger than {max_bytes // (1 << 20)} MiB; split it into smaller files."
        )
    target = import_service.upload_dir(store.settings.home) / f"{uuid.uuid4().hex[:12]}-{name}"
    target.write_bytes(data)
    return import_service.import_for_agency(
        db, store=store, path=target, display_name=name, source=source, user=user
    )


@router.get("/import", name="import_form")
def import_form(request: Request, user: UserDep) -> Response:
    return render(request, "import.html", {"report": None})


@router.post("/import", name="import_upload")
def import_upload(
    request: Request,
    db: DbDep,
    user: UserDep,
    file: UploadFile,
    source: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    opts = request.app.state.options
    try:
        report = run_upload(
            db,
            store=request.app.state.store,
            user=user,
            upload=file,
            source=source.strip() or None,
            max_bytes=opts.max_upload_bytes,
        )
    except import_service.UploadRefused as exc:
        return render(request, "import.html", {"report": None, "error": str(exc)}, status_code=400)
    rows = quarantine.open_rows(db, agency_id=user.agency_id)
    batch_rows = [r for r in rows if r.id in set(report.get("quarantined_ids", []))]
    return render(request, "import.html", {"report": report, "rejected": batch_rows})


@router.get("/quarantine", name="quarantine")
def quarantine_page(request: Request, db: DbDep, user: UserDep) -> Response:
    return render(
        request, "quarantine.html", {"rows": quarantine.open_rows(db, agency_id=user.agency_id)}
    )


@router.post("/quarantine/{row_id}", name="quarantine_fix")
async def quarantine_fix(request: Request, db: DbDep, user: UserDep, row_id: int) -> Response:
    """Re-import one corrected row: the registry resolves the quarantined row it replaces."""
    row = quarantine.open_row(db, agency_id=user.agency_id, row_id=row_id)
    if row is None:
        raise NotFound()
    form = await request.form()
    corrected = {key: str(form.get(f"f_{key}", value))[:2000] for key, value in row.raw.items()}
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(corrected))
    writer.writeheader()
    writer.writerow(corrected)
    home = request.app.state.settings.home
    target = import_service.upload_dir(home) / f"{uuid.uuid4().hex[:12]}-fix-{row_id}.csv"
    target.write_text(buffer.getvalue(), encoding="utf-8")
    try:
        report = import_service.import_for_agency(
            db,
            store=request.app.state.store,
            path=target,
            display_name=row.file_name,
            source=None if any(k.lower() == "source" for k in row.raw) else row.source_name,
            user=user,
        )
    except import_service.UploadRefused as exc:
        return render(
            request,
            "quarantine.html",
            {"rows": quarantine.open_rows(db, agency_id=user.agency_id), "error": str(exc)},
            status_code=400,
        )
    return render(
        request,
        "quarantine.html",
        {"rows": quarantine.open_rows(db, agency_id=user.agency_id), "report": report},
    )
