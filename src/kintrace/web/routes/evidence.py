"""Evidence pages: upload on record, person and case pages; one custody page per item; the
working copy without metadata for every reader of names; the original for investigators.

Routes parse and render; `kintrace.services.evidence` applies the agency scope and names the
custodian, `kintrace.evidence` below it holds the rules, the queries and the custody events.
The upload routes declare no body parameters: the guard answers before the file is read.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from kintrace.services import evidence, records
from kintrace.services.accounts import Actor, of_user
from kintrace.services.errors import (
    EvidenceError,
    EvidenceRefused,
    OriginalDamaged,
)
from kintrace.services.evidence import Description, Kind, Target
from kintrace.web.deps import DbDep, FormDep, NotFound, UserDep, guard
from kintrace.web.inputs import Id
from kintrace.web.rendering import render

router = APIRouter(dependencies=[Depends(guard)], include_in_schema=False)


def _files(request: Request) -> evidence.EvidenceStore:
    return evidence.files_of(request.app.state.settings)


def _text(form: FormDep, name: str, limit: int) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _refused(request: Request, db: DbDep, exc: EvidenceError) -> Response:
    """The refusal's own message on the error page (400); nothing of the request is kept."""
    if isinstance(exc, OriginalDamaged):
        db.commit()  # the custody event that records the damage stays
    else:
        db.rollback()
    return render(request, "error.html", {"status": 400, "message": str(exc)}, status_code=400)


def _add(request: Request, db: DbDep, actor: Actor, form: FormDep, target: Target) -> Response:
    evidence.check_targets(db, actor, [target])
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise HTTPException(status_code=400, detail="Send the file as the form field 'file'.")
    collected_on = _text(form, "collected_on", 10)
    try:
        about = Description(
            kind=Kind.parse(_text(form, "kind", 20)),
            file_name=upload.filename,
            collected_by=_text(form, "collected_by", 200) or None,
            collected_on=collected_on or None,
            description=_text(form, "description", 4000) or None,
        )
        stored = evidence.ingest(_files(request), upload.file, about=about)
        added = evidence.add(db, actor, stored, about=about, targets=[target])
    except EvidenceRefused as exc:
        return _refused(request, db, exc)
    return RedirectResponse(f"/evidence/{added.item.id}", status_code=303)


@router.post("/records/{record_pk}/evidence", name="evidence_add_record")
def add_to_record(
    request: Request, db: DbDep, user: UserDep, form: FormDep, record_pk: Id
) -> Response:
    view = records.load(db, of_user(user), record_pk)
    target = Target.record(f"{view.source}:{view.record_id}")
    return _add(request, db, of_user(user), form, target)


@router.post("/persons/{person_id}/evidence", name="evidence_add_person")
def add_to_person(
    request: Request, db: DbDep, user: UserDep, form: FormDep, person_id: str
) -> Response:
    if not person_id.strip() or len(person_id) > 32:
        raise NotFound()
    return _add(request, db, of_user(user), form, Target.person(person_id))


@router.post("/cases/{case_id}/evidence", name="evidence_add_case")
def add_to_case(request: Request, db: DbDep, user: UserDep, form: FormDep, case_id: Id) -> Response:
    return _add(request, db, of_user(user), form, Target.case(case_id))


@router.get("/evidence/{evidence_id}", name="evidence_item")
def item_page(request: Request, db: DbDep, user: UserDep, evidence_id: Id) -> Response:
    item = evidence.item(db, of_user(user), evidence_id)
    events = evidence.events(db, of_user(user), item.id)
    return render(request, "evidence_item.html", {"item": item, "events": events})


@router.get("/evidence/{evidence_id}/copy", name="evidence_copy")
def copy(request: Request, db: DbDep, user: UserDep, evidence_id: Id) -> Response:
    """The working copy (no EXIF/GPS or other metadata): a custody event `view`."""
    try:
        shown = evidence.working_copy(
            db,
            _files(request),
            of_user(user),
            evidence_id,
            purpose="working copy shown on the web",
        )
    except EvidenceRefused as exc:
        return _refused(request, db, exc)
    return Response(
        shown.data,
        media_type=shown.media_type,
        headers={"Cache-Control": "no-store", "Content-Disposition": "inline"},
    )


@router.post("/evidence/{evidence_id}/original", name="evidence_original")
def original(
    request: Request, db: DbDep, user: UserDep, form: FormDep, evidence_id: Id
) -> Response:
    """The original bytes, for the investigator role only: a custody event `download` with the
    purpose given in the form."""
    purpose = _text(form, "purpose", 500)
    try:
        item, path = evidence.original(
            db, _files(request), of_user(user), evidence_id, purpose=purpose
        )
    except EvidenceRefused as exc:
        return _refused(request, db, exc)
    name = item.sha256 + evidence.SUFFIXES.get(item.media_type, "")
    return FileResponse(
        path,
        media_type=item.media_type,
        filename=name,
        headers={"Cache-Control": "no-store"},
    )
