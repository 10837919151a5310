"""The record page: verbatim fields of every version, the source, quarantine reasons."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from kintrace.services import evidence, persons, records
from kintrace.services.accounts import of_user
from kintrace.services.evidence import Target
from kintrace.web.deps import DbDep, UserDep, guard
from kintrace.web.inputs import Id
from kintrace.web.rendering import render

router = APIRouter(dependencies=[Depends(guard)], include_in_schema=False)


@router.get("/records/{record_pk}", name="record")
def record(request: Request, db: DbDep, user: UserDep, record_pk: Id) -> Response:
    view = records.read(db, of_user(user), record_pk)
    person_id = persons.person_of_record(db, record_pk=record_pk)
    target = Target.record(f"{view.source}:{view.record_id}")
    return render(
        request,
        "record.html",
        {
            "record": view,
            "fields": records.FIELDS,
            "person_id": person_id,
            "evidence": evidence.items_on(db, of_user(user), target),
            "evidence_action": f"/records/{record_pk}/evidence",
        },
    )
