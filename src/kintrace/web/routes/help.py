"""The documentation a page points to: the records file format.

`/help/formats` is a page of the workspace, in the reader's language: what a list may look like
(file types, encodings, the header, the columns Kintrace recognises, ids, dates, the rules rows
are checked against). The recognised headers are listed from the registry's own table
(`kintrace.registry.columns.SYNONYMS`), so the page cannot drift from what the import does.
The full technical description, docs/formats.md (English; the command line and output files
too), is shipped with the package as `kintrace/web/help/formats.md` and served as text at
`/help/formats.md`.
"""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse, Response

from kintrace.registry.columns import FIELDS, SYNONYMS
from kintrace.web.deps import guard
from kintrace.web.rendering import render

router = APIRouter(dependencies=[Depends(guard)], include_in_schema=False)

#: How many of a field's recognised headers the page shows (the most common spellings first,
#: as the table lists them); the rest are in docs/formats.md and the code.
SHOWN_HEADERS = 8


@router.get("/help/formats", name="help_formats")
def formats(request: Request) -> Response:
    columns = [
        (field, [h for h in SYNONYMS.get(field, ()) if h != field][:SHOWN_HEADERS])
        for field in FIELDS
    ]
    return render(request, "help_formats.html", {"columns": columns})


@router.get("/help/formats.md", name="help_formats_text")
def formats_text() -> Response:
    text = (resources.files("kintrace.web") / "help" / "formats.md").read_text(encoding="utf-8")
    return PlainTextResponse(text, media_type="text/plain; charset=utf-8")
