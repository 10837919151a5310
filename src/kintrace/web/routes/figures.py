"""The "Figures" page: the latest published release as charts and tables, with its files.

Counts only, which passed disclosure control when the release was made (kintrace.figures); no
name appears anywhere, so every signed-in role may see it, the analyst included. The charts are
SVG drawn on the server with the page's language (no script, no inline style: the strict CSP
holds); the downloads are the release's files byte for byte as signed.
"""

from __future__ import annotations

from types import ModuleType
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from kintrace.services.accounts import of_user
from kintrace.web import i18n
from kintrace.web.deps import DbDep, UserDep, guard
from kintrace.web.i18n import N_
from kintrace.web.inputs import Id
from kintrace.web.rendering import render

router = APIRouter(dependencies=[Depends(guard)], include_in_schema=False)


def _service() -> ModuleType:
    """The figures service, loaded when a figures page is first opened: its disclosure control
    brings NumPy and SciPy, which the server need not load to start."""
    from kintrace.services import figures

    return figures


#: Words of the table set the page translates (titles, dimensions, labels, reasons).
TERMS = (
    N_("Children by oblast of origin and age band"),
    N_("Children by sex and return status"),
    N_("Children by kind of the first source and month received"),
    N_("Children by return status and month of the last change"),
    N_("every non-zero cell would be withheld: the table would show nothing"),
    N_("no safe pattern of withheld cells leaves anything to publish"),
    N_("oblast"),
    N_("age_band"),
    N_("sex"),
    N_("return_status"),
    N_("source_kind"),
    N_("received_month"),
    N_("status_month"),
    N_("no_case"),
    N_("none"),
    N_("F"),
    N_("M"),
    N_("family"),
    N_("registry"),
    N_("camp"),
    N_("adoption"),
    N_("partner"),
    N_("Cherkasy"),
    N_("Chernihiv"),
    N_("Chernivtsi"),
    N_("Crimea"),
    N_("Dnipropetrovsk"),
    N_("Donetsk"),
    N_("Ivano-Frankivsk"),
    N_("Kharkiv"),
    N_("Kherson"),
    N_("Khmelnytskyi"),
    N_("Kirovohrad"),
    N_("Kyiv city"),
    N_("Luhansk"),
    N_("Lviv"),
    N_("Mykolaiv"),
    N_("Odesa"),
    N_("Poltava"),
    N_("Rivne"),
    N_("Sevastopol"),
    N_("Sumy"),
    N_("Ternopil"),
    N_("Vinnytsia"),
    N_("Volyn"),
    N_("Zakarpattia"),
    N_("Zaporizhzhia"),
    N_("Zhytomyr"),
)


@router.get("/figures", name="figures")
def figures_page(request: Request, db: DbDep, user: UserDep) -> Response:
    figure_service = _service()
    view = figure_service.latest(db, of_user(user))
    lang = getattr(request.state, "lang", request.app.state.options.default_language)
    gettext = i18n.gettext_for(request.app.state.translations, lang)
    tables: list[dict[str, Any]] = []
    if view is not None:
        for table in view.data["tables"]:
            chart = figure_service.chart_svg(table, translate=gettext, withheld=gettext("withheld"))
            tables.append({**table, "chart": chart})
    return render(request, "figures.html", {"view": view, "tables": tables})


@router.get("/figures/{release_id}/file", name="figures_file")
def figures_file(
    db: DbDep,
    user: UserDep,
    release_id: Id,
    name: Annotated[str, Query(max_length=128)],
) -> Response:
    """One file of a release, as signed (a download)."""
    figure_service = _service()
    body, media_type = figure_service.file_of(db, of_user(user), release_id, name)
    download = f"kintrace-figures-{release_id}-{name.replace('/', '-')}"
    return Response(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{download}"',
            "Cache-Control": "no-store",
        },
    )
