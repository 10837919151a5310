"""The documentation a page points to: the file formats (docs/formats.md, shipped with the
package as `kintrace/web/help/formats.md`), served as text to every signed-in user."""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter, Depends
from fastapi.responses import PlainTextResponse, Response

from kintrace.web.deps import guard

router = APIRouter(dependencies=[Depends(guard)], include_in_schema=False)


@router.get("/help/formats", name="help_formats")
def formats() -> Response:
    text = (resources.files("kintrace.web") / "help" / "formats.md").read_text(encoding="utf-8")
    return PlainTextResponse(text, media_type="text/plain; charset=utf-8")
