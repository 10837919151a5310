"""Acceptance in a real browser (issue 12): a caseworker imports a bureau's list — Windows-1251,
';', Ukrainian headers under a title row, dd.mm.yyyy dates, no id column — through the web
mapping step; the upload is linked without any CLI step (the page follows the background run);
a reviewer finds the run's pairs on the review queue without claiming, opens one and sees the
child by name, and finds the child by name in search. All data is synthetic.

Names first (finding 3) and the dashboard (finding 9): the caseworker opens a case for the child
found by name and finds it by name on the case list; the reviewer finds the children by name
(as written and in Latin letters) on the dashboard's "next in the review queue" and on the
queue's rows.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pyotp
import pytest
from tests.e2e.browser.conftest import ARTIFACTS, CHROMIUM, PASSWORD, _free_port

from kintrace.names.display import latin_form
from support.bureau import camp_list_csv, children, family_list_csv

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SECRETS = {  # test-only keys
    "bureau-caseworker": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
    "bureau-reviewer": "MZXW6YTBOI======MZXW6YTBOI======".replace("=", "A"),
}


@pytest.fixture(scope="module")
def bureau_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A fresh, empty registry with a caseworker and a reviewer, served by `kintrace serve`."""
    from kintrace.accounts.demo import mark_synthetic
    from kintrace.accounts.roles import Role
    from kintrace.config import load_settings
    from kintrace.store.engine import open_store
    from support.seed import add_user_with_totp

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does it)")
    home = tmp_path_factory.mktemp("bureau-home")
    store = open_store(load_settings(home, env={}))
    with store.session(write=True) as db:
        mark_synthetic(db)
        for name, role in (
            ("bureau-caseworker", Role.CASEWORKER),
            ("bureau-reviewer", Role.REVIEWER),
        ):
            add_user_with_totp(
                db, username=name, password=PASSWORD, role=role, secret=SECRETS[name],
                at=datetime.now(UTC),
            )  # fmt: skip
    store.close()
    port = _free_port()
    kintrace = Path(sys.executable).with_name("kintrace")
    process = subprocess.Popen(
        [str(kintrace), "--home", str(home), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # a busy shared machine starts it slowly
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            process.kill()
            pytest.fail("the server did not start: " + process.stderr.read().decode()[-2000:])  # type: ignore[union-attr]
        yield url, home
    finally:
        process.terminate()
        process.wait(timeout=20)


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _sign_in(browser, url: str, username: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.goto(f"{url}/sign-in")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.locator("#code").fill(pyotp.TOTP(SECRETS[username]).now())
    page.locator("form.stack button").click()
    page.wait_for_url(f"{url}/")
    return context, page


def _upload(page, url: str, path: Path, source: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{url}/import")
    page.get_by_label("File", exact=True).set_input_files(str(path))
    page.get_by_label("Source (if the file has no source column)").fill(source)
    page.get_by_role("button", name="Next: check the columns").click()
    page.wait_for_url("**/import")
    page.locator("table.preview").wait_for()


def test_a_bureau_list_through_the_browser(browser, bureau_server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    url, _home = bureau_server
    kids = children(70)
    errors: list[str] = []
    context, page = _sign_in(browser, url, "bureau-caseworker")
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # a Russian camp list first (Russian headers, a serial-number column), linking left for later
    _upload(page, url, camp_list_csv(tmp_path / "табір.csv", kids[10:]), "camp-list")
    assert page.get_by_label("Фамилия").input_value() == "family_name"
    assert page.get_by_label("№ п/п").input_value() == "ignore"
    page.get_by_label("Link the new records after the import").uncheck()
    page.get_by_role("button", name="Import", exact=True).click()
    page.locator("section.report").first.wait_for()
    assert "Not linked" in page.content()

    # the bureau's own list: cp1251, ';', Ukrainian headers under a title row, dd.mm.yyyy
    family = family_list_csv(tmp_path / "список.csv", kids[:60], title=True)
    _upload(page, url, family, "family-reports")
    _shot(page, "bureau-01-mapping-step")
    assert page.get_by_label("Row that names the columns").input_value() == "2"
    for header, field in (
        ("Прізвище", "family_name"),
        ("Ім'я", "given_name"),
        ("По батькові", "patronymic"),
        ("Дата народження", "birth_date"),
        ("Стать", "sex"),
        ("Місце народження", "birth_place"),
    ):
        assert page.get_by_label(header, exact=True).input_value() == field, header
    preview = page.locator("table.preview").inner_text()
    first = kids[0].ukrainian()
    assert first[0] in preview and first[3] in preview  # the rows as written: 05.03.2014
    assert "derived from its names" in page.content()
    page.get_by_role("button", name="Import", exact=True).click()
    report = page.locator("section.report").first
    report.wait_for()
    assert "60" in report.inner_text()
    # the link run follows in the background; htmx polls its status until it is done
    page.locator("#link-job .linked").wait_for(timeout=240_000)
    _shot(page, "bureau-02-imported-and-linked")
    linked = page.locator("#link-job").inner_text()
    assert "Pairs waiting for review" in linked
    # the child by name: both lists' records, and the person they were linked into
    child = kids[15]  # on both lists
    page.get_by_role("link", name="Search", exact=True).click()
    page.get_by_label("Name, in any script or spelling").fill(
        f"{child.ukrainian()[1]} {child.ukrainian()[0]}"
    )
    page.locator("form.search button").click()
    results = page.locator("#results table.results")
    results.wait_for()
    found = results.inner_text()
    assert child.ukrainian()[0] in found and child.russian(1)[1] in found
    _shot(page, "bureau-03-search-by-name")
    # a case for the child, from the family list's record; the case list leads with the name
    results.locator("tr", has_text="family-reports").locator("a").first.click()
    page.wait_for_url("**/records/*")
    page.get_by_role("button", name="Open a case for this child").click()
    page.wait_for_url("**/cases/*")
    page.get_by_role("link", name="Cases", exact=True).click()
    case_row = page.locator("table.cases tbody tr", has_text="family-reports").first.inner_text()
    family, given = child.ukrainian()[0], child.ukrainian()[1]
    assert f"{family} {given}" in case_row and latin_form(family) in case_row
    assert child.ukrainian()[3][-4:] in case_row  # the birth year (dates kept as YYYY-MM-DD)
    _shot(page, "bureau-06-case-list-by-name")
    context.close()

    # a reviewer finds the run's pairs on the queue before anyone claimed one (finding 2)
    context, page = _sign_in(browser, url, "bureau-reviewer")
    page.get_by_role("link", name="Review", exact=True).click()
    rows = page.locator("table tbody tr a[href^='/review/pairs/']")
    assert rows.count() > 0
    first_row = page.locator("table.queue tbody tr").first.inner_text()
    named = [k for k in kids if k.ukrainian()[0] in first_row]
    assert named and latin_form(named[0].ukrainian()[0]) in first_row  # by name, not ids only
    _shot(page, "bureau-04-review-queue")
    page.get_by_role("link", name="Dashboard", exact=True).click()
    short = page.locator("section.short-list").first.inner_text()
    assert "Next in the review queue" in short
    assert any(k.ukrainian()[0] in short for k in kids)
    _shot(page, "bureau-07-dashboard")
    page.get_by_role("link", name="Review", exact=True).click()
    rows.first.click()
    page.wait_for_url("**/review/pairs/*")
    pair_text = page.locator("main").inner_text()
    assert any(k.ukrainian()[0] in pair_text for k in kids)  # the child by name
    _shot(page, "bureau-05-pair")
    # the same in Ukrainian, as a bureau in Kyiv reads it: the queue and the dashboard by name
    page.locator("#language").select_option("uk")
    page.locator("header form[action='/language'] button").click()
    page.goto(f"{url}/review")
    assert "Черга перевірки" in page.content()
    first_row = page.locator("table.queue tbody tr").first.inner_text()
    assert any(k.ukrainian()[0] in first_row for k in kids)
    _shot(page, "bureau-08-review-queue-uk")
    page.goto(f"{url}/")
    short = page.locator("section.short-list").first.inner_text()
    assert "Наступні в черзі перевірки" in short and any(k.ukrainian()[0] in short for k in kids)
    _shot(page, "bureau-09-dashboard-uk")
    context.close()
    assert errors == []
