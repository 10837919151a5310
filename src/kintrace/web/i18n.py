"""Ukrainian and English message catalogues (Babel .po files, compiled in memory at start-up).

The .po files are the source of truth shipped in the package; compiling them when the app starts
means no build step and no stale .mo files.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from kintrace.messages import N_ as N_  # re-exported: the web marks its strings with it

LANGUAGES = ("uk", "en")
LANGUAGE_NAMES = {"uk": "Українська", "en": "English"}


def load_translations() -> dict[str, gettext.NullTranslations]:
    catalogues: dict[str, gettext.NullTranslations] = {}
    root = resources.files("kintrace.web") / "locale"
    for lang in LANGUAGES:
        po = root / lang / "LC_MESSAGES" / "messages.po"
        if not po.is_file():
            catalogues[lang] = gettext.NullTranslations()
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        catalogues[lang] = gettext.GNUTranslations(buffer)
    return catalogues


def pick_language(
    *, preference: str | None, cookie: str | None, accept: str | None, default: str
) -> str:
    """User preference first, then the language cookie, then Accept-Language, then default."""
    for candidate in (preference, cookie):
        if candidate in LANGUAGES:
            return candidate
    for part in (accept or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return default


def gettext_for(catalogues: dict[str, gettext.NullTranslations], lang: str) -> Callable[[str], str]:
    return catalogues.get(lang, gettext.NullTranslations()).gettext


# Words the templates translate from data (roles, field names, states), listed so that
# `pybabel extract -k N_` puts them in the catalogue.
DYNAMIC_TERMS = (
    N_("admin"), N_("caseworker"), N_("reviewer"), N_("analyst"), N_("investigator"),
    N_("given_name"), N_("family_name"), N_("patronymic"), N_("full_name"), N_("sex"),
    N_("birth_date"), N_("age"), N_("observed_on"), N_("birth_place"), N_("last_known_place"),
    N_("group_id"), N_("guardian_name"), N_("guardian_contact"), N_("notes"),
    N_("agree"), N_("equivalent"), N_("partial"), N_("differ"), N_("missing"),
    N_("auto"), N_("pending"), N_("confirmed"), N_("rejected"), N_("awaiting_second"), N_("unsure"),
    N_("same"), N_("different"), N_("undo"), N_("prior"), N_("last_place"),
    N_("identity"), N_("whereabouts"), N_("return"), N_("reported"), N_("verified"),
    N_("unknown"), N_("known"), N_("not_started"), N_("requested"), N_("in_negotiation"),
    N_("in_progress"), N_("returned"), N_("closed"),
    N_("The code does not match. Check the phone's clock and type the 6 digits shown now."),
)  # fmt: skip
