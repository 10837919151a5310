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

import re
from importlib import resources

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse, Response

from kintrace.services.imports import FIELDS, SYNONYMS
from kintrace.web.deps import guard
from kintrace.web.rendering import render

_CYRILLIC = re.compile("[\u0400-\u04ff]")

router = APIRouter(dependencies=[Depends(guard)], include_in_schema=False)


def _headers(field: str) -> list[str]:
    """Every header the importer recognises for `field`, in Cyrillic first, as the table writes
    them (case does not count; a capital would misspell abbreviations such as ПІБ)."""
    headers = [h for h in SYNONYMS.get(field, ()) if h != field]
    return sorted(headers, key=lambda h: _CYRILLIC.search(h) is None)  # stable


@router.get("/help/formats", name="help_formats")
def formats(request: Request) -> Response:
    columns = [(field, _headers(field)) for field in FIELDS]
    return render(request, "help_formats.html", {"columns": columns})


@router.get("/help/formats.md", name="help_formats_text")
def formats_text() -> Response:
    text = (resources.files("kintrace.web") / "help" / "formats.md").read_text(encoding="utf-8")
    return PlainTextResponse(text, media_type="text/plain; charset=utf-8")
