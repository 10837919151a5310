"""The dashboard, names first and phone layouts in a real browser (issue 12, findings 3 and 9):
the dashboard's SVG charts render under the strict CSP with no console error, the queue and the
case list lead with the child's name, and at 390 and 360 px no page scrolls sideways (dashboard,
search, case list, queue, pair, person) and, in Ukrainian, no column header breaks mid-word.
Screenshots: 40-... in test-artifacts/browser/. All data is synthetic."""

from __future__ import annotations

from pathlib import Path

import pyotp
import pytest
from sqlalchemy import select
from tests.e2e.browser.conftest import ARTIFACTS, DASHBOARD_REVIEWER, PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# a reviewer: dashboard, search, queue, cases, pair and person pages
USER, SECRET = DASHBOARD_REVIEWER
PHONES = (390, 360)


def _sign_in(browser, server: str, *, width: int, height: int = 900):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
    page = context.new_page()
    page.goto(f"{server}/sign-in")
    page.get_by_label("User name").fill(USER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.locator("#code").fill(pyotp.TOTP(SECRET).now())
    page.locator("form.stack button").click()
    page.wait_for_url(f"{server}/")
    return context, page


def _pair_id(home: Path) -> int:
    """The seeded pending pair (camp-list:c1 ~ family-reports:f1), whatever its status now."""
    from kintrace.config import load_settings
    from kintrace.store.engine import open_store
    from kintrace.store.review_tables import review_items

    store = open_store(load_settings(home, env={}))
    try:
        with store.session() as db:
            found = db.execute(
                select(review_items.c.id).where(
                    review_items.c.source_l.in_(("camp-list", "family-reports")),
                    review_items.c.source_r.in_(("camp-list", "family-reports")),
                )
            ).scalar_one()
    finally:
        store.close()
    return int(found)


def _no_sideways_scroll(page, what: str) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.scrollingElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"{what}: the page is {width} px wide in a {viewport} px window"


#: Words of the visible column and row headers that the browser broke over two lines (a header
#: that breaks mid-word, "Каска-д", "народже-ння", reads as two words; decision 0452).
_BROKEN_HEADER_WORDS = """() => {
  const broken = [];
  for (const th of document.querySelectorAll("main table th")) {
    if (getComputedStyle(th).display === "none" || !th.getClientRects().length) continue;
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].map((b) => Math.round(b.top)));
        if (lines.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""


def test_dashboard_names_and_phone_layouts(server: str, browser, e2e_home: Path) -> None:  # type: ignore[no-untyped-def]
    errors: list[str] = []
    context, page = _sign_in(browser, server, width=1280)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{server}/review")  # brings the queue up to date with the seeded run
    pair = _pair_id(e2e_home)
    page.goto(f"{server}/")
    charts = page.locator("svg.chart[role='img']")
    assert charts.count() == 5
    box = charts.first.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 20  # drawn, not empty
    assert "Open cases by identity: reported 1" in (charts.first.get_attribute("aria-label") or "")
    page.screenshot(path=str(ARTIFACTS / "40-dashboard.png"), full_page=True)
    page.goto(f"{server}/cases")
    row = page.locator("table.cases tbody tr").first.inner_text()
    assert "Ковальчук Олександр" in row and "Kovalchuk Oleksandr" in row and "2012-03-14" in row
    page.screenshot(path=str(ARTIFACTS / "41-cases.png"), full_page=True)
    page.goto(f"{server}/review")
    page.screenshot(path=str(ARTIFACTS / "42-queue.png"), full_page=True)
    page.goto(f"{server}/review/pairs/{pair}")
    page.screenshot(path=str(ARTIFACTS / "43-pair.png"), full_page=True)

    for width in PHONES:  # the same session (a TOTP code is good for one sign-in)
        page.set_viewport_size({"width": width, "height": 800})
        pages = {
            "dashboard": "/",
            "cases": "/cases",
            "queue": "/review",
            "pair": f"/review/pairs/{pair}",
            "person": "/persons/P000001",
            "sources": "/sources",
            "record": "/records/1",
        }
        for name, path in pages.items():
            page.goto(f"{server}{path}")
            _no_sideways_scroll(page, f"{name} at {width} px")
            if width == 390:
                page.screenshot(path=str(ARTIFACTS / f"44-phone-{name}.png"), full_page=True)
        page.goto(f"{server}/search")
        page.get_by_label("Name, in any script or spelling").fill("Kovalchuk")
        page.locator("form.search button").click()
        page.locator("#results table").wait_for()
        _no_sideways_scroll(page, f"search at {width} px")
        if width == 390:
            page.screenshot(path=str(ARTIFACTS / "44-phone-search.png"), full_page=True)
        # the pair's two records one under the other, each value whole inside the window
        page.goto(f"{server}/review/pairs/{pair}")
        for cell in page.locator("table.side-by-side.pair tbody td").all()[:6]:
            cell_box = cell.bounding_box()
            assert cell_box is not None and cell_box["x"] + cell_box["width"] <= width
    # in Ukrainian (longer words): the pair page's weights and other candidates, the dashboard's
    # charts, each cell inside the window (a table that scrolls in its box cut columns off)
    page.locator("#language").select_option("uk")
    page.locator("header form[action='/language'] button").click()
    for width in PHONES:
        page.set_viewport_size({"width": width, "height": 800})
        for name, path in (("pair", f"/review/pairs/{pair}"), ("dashboard", "/")):
            page.goto(f"{server}{path}")
            _no_sideways_scroll(page, f"{name} in Ukrainian at {width} px")
            for cell in page.locator("main table:visible tbody tr > *:visible").all():
                box = cell.bounding_box()
                assert box is not None and box["x"] + box["width"] <= width + 1, (name, width)
            broken = page.evaluate(_BROKEN_HEADER_WORDS)
            assert broken == [], f"{name} in Ukrainian at {width} px: headers broken {broken}"
            if width == 360:
                page.screenshot(path=str(ARTIFACTS / f"45-phone-{name}-uk.png"), full_page=True)
    context.close()
    assert errors == []
