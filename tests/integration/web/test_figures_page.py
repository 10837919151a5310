"""The Figures page (issue 15): the latest release as server-drawn SVG charts and tables, in
Ukrainian and English, downloads as signed, no names, no inline script or style. The registry
is synthetic (bench/figures_registry.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kintrace.accounts.actors import Actor
from kintrace.config import Settings
from kintrace.services import figures
from kintrace.store.engine import Store
from support.generators import use_bench_generators

use_bench_generators()


@pytest.fixture
def released(sqlite_store: Store, sqlite_settings: Settings, seeded: dict[str, int]) -> int:
    from figures_registry import fill

    fill(sqlite_store, records=3000, seed=5, days=240)
    result = figures.release(sqlite_store, Actor(name="cli:test"), home=sqlite_settings.home)
    return result.release_id


def test_no_release_yet_says_so(signed_in) -> None:  # type: ignore[no-untyped-def]
    r = signed_in("u-analyst").get("/figures")
    assert r.status_code == 200
    assert "kintrace figures release" in r.text and "<svg" not in r.text


def test_the_analyst_sees_charts_tables_and_downloads_without_names(  # type: ignore[no-untyped-def]
    signed_in, released: int
) -> None:
    client = signed_in("u-analyst")
    r = client.get("/figures")
    assert r.status_code == 200
    html = r.text
    assert html.count("<svg") >= 3 and "<table>" in html
    assert "Ковальчук" not in html and "Kovalchuk" not in html
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None  # no inline script
    assert " style=" not in html and "<style" not in html  # strict CSP: no inline style
    assert "unsafe-inline" not in r.headers["Content-Security-Policy"]
    link = f"/figures/{released}/file?name=manifest.json"
    assert link in html
    download = client.get(link)
    assert download.status_code == 200
    assert download.headers["content-disposition"].startswith("attachment")
    assert client.get(f"/figures/{released}/file?name=..%2Fetc").status_code == 404
    assert client.get(f"/figures/{released + 1}/file?name=data.json").status_code == 404


def test_the_page_in_ukrainian_and_english(signed_in, released: int) -> None:  # type: ignore[no-untyped-def]
    client = signed_in("u-analyst")
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/account").text)
    assert token
    for lang, words in (
        ("uk", ("Статистика", "Діти за областю походження", "Херсонська")),
        ("en", ("Figures", "Children by oblast of origin", "Kherson")),
    ):
        client.post(
            "/language",
            data={"language": lang, "csrf_token": token.group(1)},
            follow_redirects=False,
        )
        html = client.get("/figures").text
        for word in words:
            assert word in html, (lang, word)


def test_every_role_reads_the_same_published_counts(  # type: ignore[no-untyped-def]
    signed_in, released: int, tmp_path: Path
) -> None:
    pages = {
        role: signed_in(f"u-{role}").get(f"/figures/{released}/file?name=data.json").content
        for role in ("admin", "caseworker", "analyst")
    }
    assert len(set(pages.values())) == 1
