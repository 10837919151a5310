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
    """Issue 12, finding 7: no Ukrainian entry is missing, empty or fuzzy (a fuzzy entry is a
    guess `pybabel update` made from a similar string; it is left out when compiled, so the
    page would show English)."""
    with (LOCALE / "uk" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    untranslated = [m.id for m in catalogue if m.id and not m.string]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    missing = _ids(LOCALE / "messages.pot") - {m.id for m in catalogue if m.id}
    assert untranslated == [] and fuzzy == [] and missing == set()


def test_issue12_finding7_every_level_and_agreement_label_is_in_the_catalogue() -> None:
    """The weights table's level names and the fields' agreement words are translated: the
    labels the model (both specs) and the agreement function can give are all listed."""
    from kintrace.linkage.spec import kintrace_spec
    from kintrace.linkage.spec.agreement import LABELS
    from kintrace.linkage.spec.generic import generic_spec
    from kintrace.web.vocabulary import LEVEL_LABELS

    generic = generic_spec(string_columns=["name"], blocking=[["name"]])
    model = {
        lv.label for spec in (kintrace_spec(), generic) for c in spec.comparisons for lv in c.levels
    }
    assert (model | set(LABELS)) - set(LEVEL_LABELS) == set()
    uk = i18n.load_translations()["uk"]
    assert [label for label in LEVEL_LABELS if uk.gettext(label) == label] == []


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
