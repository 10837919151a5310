"""Issue 12, finding 7: every string the import, mapping, quarantine and review pages (and the
pages around them) ask the catalogue for is in the Ukrainian catalogue.

`tests/unit/web/test_i18n.py` checks the strings the code marks (`_()`, `N_()`); a page can
also translate a value it is given (`_(kind)`, `_(level)`, a refusal) that nobody marked. Here
the pages are rendered in Ukrainian through a catalogue that notes every message it is asked
for and does not hold; a refusal or reason read by its template (`kintrace.web.problems`) and
values that are data (names, places: no Latin letter) are not interface strings. All data is
synthetic.
"""

from __future__ import annotations

import html
import re

from tests.integration.web.conftest import csrf_of, upload

from kintrace.web import problems

_LATIN = re.compile("[A-Za-z]")
#: The level labels of the fixtures' minimal model (`support.seed.minimal_model`), not of a
#: real one: every label a real model can give is checked in tests/unit/web/test_i18n.py.
TEST_MODEL_LEVELS = frozenset({"null", "exact", "all other"})


def _recording(app) -> set[str]:  # type: ignore[no-untyped-def]
    """The messages the app asks the Ukrainian catalogue for and it does not hold."""
    uk = app.state.translations["uk"]
    held = uk._catalog  # the compiled catalogue: message id -> translation
    real = uk.gettext
    asked: set[str] = set()

    def gettext(message: str) -> str:
        if message and message not in held:
            asked.add(message)
        return real(message)

    uk.gettext = gettext  # the pages take `gettext` from the catalogue when they render
    return asked


def _in_ukrainian(client) -> str:  # type: ignore[no-untyped-def]
    token = csrf_of(client, "/import" if "import" in client.get("/").text else "/account")
    r = client.post("/language", data={"language": "uk", "back": "/", "csrf_token": token})
    assert r.status_code == 200
    return token


def test_every_string_the_pages_ask_for_is_in_the_ukrainian_catalogue(  # type: ignore[no-untyped-def]
    app, signed_in, review_data, linked
) -> None:
    missing = _recording(app)
    reviewer = signed_in("u-reviewer")
    _in_ukrainian(reviewer)
    for path in ("/review", f"/review/pairs/{review_data['item']}", "/persons/P1", "/"):
        response = reviewer.get(path)
        assert response.status_code == 200, path
    admin = signed_in("u-admin")
    _in_ukrainian(admin)
    for path in ("/audit", "/users", f"/review/pairs/{review_data['item']}"):
        assert admin.get(path).status_code == 200, path

    caseworker = signed_in("u-caseworker")
    token = _in_ukrainian(caseworker)
    header = "Прізвище;Ім'я;По батькові;Дата народження;Стать;Примітка\n"
    rows = (
        "Ткаченко;Олена;Іванівна;05.03.2014;ж;\n"
        "Ткаченко;;;31.02.2014;x;\n"  # not a real date, sex: quarantined
        ";;;2999-01-01;ч;\n"  # no name, in the future
    )
    body = ("Список дітей станом на 01.03.2024\n" + header + rows).encode("cp1251")
    _mapping_step, done = upload(caseworker, token, "список.csv", body, source="bureau-list")
    job = re.search(r'hx-get="/import/link/(\d+)"', done.text)  # type: ignore[attr-defined]
    assert job is not None, "the import did not start its link run"
    app.state.link_jobs.wait(int(job.group(1)), timeout=300)
    caseworker.get(f"/import/link/{job.group(1)}")  # its stages, or why it could not link
    for bad in (b"", b"\xd0\xcf\x11\xe0 synthetic", b"%PDF-1.4 synthetic"):
        upload(caseworker, token, "bad.csv", bad)  # refused files
    for path in ("/import", "/quarantine", "/help/formats", "/", "/cases", "/sources",
                 f"/cases/{review_data['case']}", "/search?q=Ковальчук", "/records/1",
                 "/persons/P1"):  # fmt: skip
        response = caseworker.get(path)
        assert response.status_code == 200, path
    queue = reviewer.get("/review").text  # the queue as the link run left it
    for pair in re.findall(r'href="(/review/pairs/\d+)"', queue)[:3]:
        assert reviewer.get(pair).status_code == 200, pair
    interface = sorted(
        m
        for m in missing
        if _LATIN.search(m) and not problems.matches(m) and m not in TEST_MODEL_LEVELS
    )
    assert interface == [], "\n".join(interface)


def test_evidence_kinds_are_all_listed_and_translated() -> None:
    from kintrace.evidence.kinds import Kind
    from kintrace.web import i18n
    from kintrace.web.vocabulary import EVIDENCE_KIND_LABELS

    uk = i18n.load_translations()["uk"]
    assert {k.value for k in Kind} == set(EVIDENCE_KIND_LABELS)
    assert [k for k in EVIDENCE_KIND_LABELS if uk.gettext(k) == k] == []


def test_decision_rules_say_why_in_ukrainian(signed_in, review_data) -> None:  # type: ignore[no-untyped-def]
    """The pair page's "status set by decision rule ...: why" was English in the Ukrainian
    interface; every rule's reason is listed and translated, and the page shows it so."""
    from kintrace.linkage.decide import RULES
    from kintrace.web import i18n
    from kintrace.web.vocabulary import RULE_REASONS

    uk = i18n.load_translations()["uk"]
    assert {r.why for r in RULES} <= set(RULE_REASONS)
    assert [w for w in RULE_REASONS if uk.gettext(w) == w] == []
    reviewer = signed_in("u-reviewer")
    _in_ukrainian(reviewer)
    page = html.unescape(reviewer.get(f"/review/pairs/{review_data['item']}").text)
    why = next(r.why for r in RULES if r.id == "0301-thresholds")
    assert "0301-thresholds" in page and uk.gettext(why) in page and why not in page


def test_a_records_quarantined_rows_read_in_ukrainian(  # type: ignore[no-untyped-def]
    signed_in, sqlite_store, tmp_path
) -> None:
    """The record page lists the record's rows held in quarantine with their reason: it was the
    registry's English text in the Ukrainian interface."""
    from kintrace.registry.importer import import_file

    path = tmp_path / "again.csv"
    path.write_text(
        "source,record_id,given_name,family_name,birth_date\nlist-a,a1,Олександр,Ковальчук,2999-01-01\n",
        encoding="utf-8",
    )
    import_file(sqlite_store, path, actor="test")
    caseworker = signed_in("u-caseworker")
    _in_ukrainian(caseworker)
    page = html.unescape(caseworker.get("/records/1").text)  # list-a:a1
    held = page[page.index("again.csv") : page.index("again.csv") + 200]
    assert "is in the future" not in page and "у майбутньому" in held, held
