"""The Ukrainian catalogue covers every interface string; language choice follows preferences."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from kintrace.web import i18n

LOCALE = Path(i18n.__file__).with_name("locale")
ROOT = LOCALE.parents[3]


def _ids(path: Path) -> set[str]:
    with path.open("rb") as handle:
        return {m.id for m in read_po(handle) if m.id}


def test_catalogue_template_matches_the_code(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            str(LOCALE / "babel.cfg"),
            "-k",
            "_",
            "-k",
            "N_",
            "--no-location",
            "-o",
            str(fresh),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    assert _ids(fresh) == _ids(LOCALE / "messages.pot"), (
        "interface strings changed: run the extract/update commands in docs/web.md"
    )


def test_every_string_has_a_ukrainian_translation() -> None:
    with (LOCALE / "uk" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        untranslated = [m.id for m in read_po(handle) if m.id and not m.string]
    assert untranslated == []


def test_catalogues_compile_and_translate() -> None:
    catalogues = i18n.load_translations()
    assert catalogues["uk"].gettext("Search") == "Пошук"
    assert catalogues["en"].gettext("Search") == "Search"


@pytest.mark.parametrize(
    ("preference", "cookie", "accept", "expected", "why"),
    [
        ("en", "uk", "uk", "en", "the user's saved preference wins"),
        (None, "en", "uk-UA,uk;q=0.9", "en", "then the language cookie"),
        (None, None, "en-GB,en;q=0.9", "en", "then the browser's Accept-Language"),
        (None, None, "de-DE,ru;q=0.5", "uk", "unsupported languages fall back to the default"),
        (None, "fr", None, "uk", "an unknown cookie value is ignored"),
    ],
)
def test_pick_language(preference, cookie, accept, expected, why) -> None:  # type: ignore[no-untyped-def]
    assert (
        i18n.pick_language(preference=preference, cookie=cookie, accept=accept, default="uk")
        == expected
    ), why
