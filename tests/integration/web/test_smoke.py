"""Sign-in, search across scripts, record page: the main path through the workspace."""

from __future__ import annotations

import re

from tests.integration.web.conftest import csrf_of, upload


def test_latin_search_finds_ukrainian_and_russian_cyrillic_records(signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in("u-caseworker")
    token = csrf_of(client, "/search")
    r = client.post("/search", data={"name": "Sasha Kovalchuk", "csrf_token": token})
    assert r.status_code == 200
    assert "Олександр" in r.text and "Александр" in r.text
    assert "Oleksandr" not in r.text  # the partner agency's record stays out of scope
    assert "Марія" not in r.text


def test_record_page_shows_verbatim_fields_and_is_audited(signed_in, sqlite_store) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from kintrace.store.audit_tables import AuditEntry

    client = signed_in("u-reviewer")
    token = csrf_of(client, "/search")
    r = client.post("/search", data={"name": "Ковальчук", "birth": "2012", "csrf_token": token})
    pks = sorted(set(re.findall(r'href="/records/(\d+)"', r.text)))
    assert len(pks) == 2
    page = client.get(f"/records/{pks[0]}")
    assert page.status_code == 200 and "Ковальчук" in page.text
    assert page.headers["cache-control"] == "no-store"
    with sqlite_store.session() as db:
        query = select(AuditEntry.actor, AuditEntry.entity_id)
        reads = db.execute(query.where(AuditEntry.action == "records.read")).all()
    assert ("u-reviewer", pks[0]) in [(a, e) for a, e in reads]


def test_person_page_shows_linked_records_side_by_side(signed_in, linked: str) -> None:  # type: ignore[no-untyped-def]
    home = signed_in("u-caseworker")
    page = home.get(f"/persons/{linked}")
    assert page.status_code == 200
    assert "Олександр" in page.text and "Александр" in page.text
    # the partner agency's record is left out (its source is never named; the heading may show
    # the home records' own Latin form, decision 0451)
    assert "list-p" not in page.text
    assert "0.987" in page.text
    assert ">confirmed<" in page.text  # the reviewers' verdict, not the model's "auto"
    assert 'class="equivalent"' in page.text  # Олександр / Александр: one name in two languages
    api = home.get(f"/api/v1/persons/{linked}").json()
    assert len(api["records"]) == 2 and api["agreement"]["family_name"] == "same"
    partner = signed_in("u-partner")
    assert "list-p" in partner.get(f"/persons/{linked}").text
    assert home.get("/persons/P404").status_code == 404


def test_upload_with_a_bad_row_puts_it_in_quarantine_and_it_can_be_corrected(signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in("u-caseworker")
    token = csrf_of(client, "/import")
    body = (
        "source,record_id,given_name,family_name,birth_date\n"
        "upload-1,u1,Іван,Петренко,2013-05-02\n"
        "upload-1,u2,Петро,Іваненко,31.02.2013\n"
    ).encode()
    _, r = upload(client, token, "synthetic.csv", body)
    assert r.status_code == 200, r.text[-500:]  # type: ignore[attr-defined]
    assert "Validation report" in r.text and "birth date" in r.text  # type: ignore[attr-defined]
    page = client.get("/quarantine").text
    row_id = re.search(r'action="/quarantine/(\d+)"', page).group(1)
    fix = {
        "csrf_token": token,
        "f_source": "upload-1",
        "f_record_id": "u2",
        "f_given_name": "Петро",
        "f_family_name": "Іваненко",
        "f_birth_date": "2013-02-28",
    }
    r = client.post(f"/quarantine/{row_id}", data=fix)
    assert r.status_code == 200, r.text[-500:]
    assert f'action="/quarantine/{row_id}"' not in r.text
    partner = signed_in("u-partner")
    assert "upload-1" not in partner.get("/sources").text
    assert partner.get("/quarantine").text.count('action="/quarantine/') == 0


def test_language_is_a_saved_preference(signed_in, client_factory) -> None:  # type: ignore[no-untyped-def]
    client = signed_in("u-caseworker")  # created with language "en"
    assert "Search" in client.get("/").text
    token = csrf_of(client, "/")
    r = client.post(
        "/language",
        data={"language": "uk", "back": "/sources", "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/sources"
    client.cookies.delete("kt_lang")  # the preference is stored with the account, not only here
    page = client.get("/sources").text
    assert '<html lang="uk">' in page and "Джерела" in page
    anonymous = client_factory()
    assert "Увійти" in anonymous.get("/sign-in").text  # Ukrainian by default
    english = anonymous.get("/sign-in", headers={"Accept-Language": "en"}).text
    assert "Sign in" in english and "SYNTHETIC" not in english  # not a demo registry


def test_api_import_and_quarantine_with_a_token(signed_in, client_factory) -> None:  # type: ignore[no-untyped-def]
    browser = signed_in("u-caseworker")
    token = csrf_of(browser, "/account")
    page = browser.post("/account/tokens", data={"label": "loader", "csrf_token": token}).text
    api_token = re.search(r'<code class="token">(kt_[^<]+)</code>', page).group(1)
    script = client_factory()
    headers = {"Authorization": f"Bearer {api_token}"}
    body = b"record_id,given_name,family_name,birth_date\nq1,Anna,Melnyk,2011\nq2,,,2011\n"
    r = script.post(
        "/api/v1/imports?source=api-list",
        headers=headers,
        files={"file": ("synthetic.csv", body, "text/csv")},
    )
    assert r.status_code == 200, r.text
    report = r.json()
    assert (report["rows_new"], report["rows_rejected"]) == (1, 1)
    rows = script.get("/api/v1/quarantine", headers=headers).json()
    assert [row["record_id"] for row in rows] == ["q2"]
    again = script.post(
        "/api/v1/imports?source=api-list",
        headers=headers,
        files={"file": ("synthetic.csv", body, "text/csv")},
    ).json()
    assert again["already_imported"] is True  # the registry's idempotence, passed through


def test_an_upload_naming_another_agencys_source_is_refused(signed_in) -> None:  # type: ignore[no-untyped-def]
    partner = signed_in("u-partner")
    token = csrf_of(partner, "/import")
    body = b"source,record_id,given_name,family_name\nlist-a,a1,X,Y\n"
    _, r = upload(partner, token, "synthetic.csv", body)
    assert r.status_code == 400 and "not your agency" in r.text  # type: ignore[attr-defined]
    home = signed_in("u-caseworker")
    token = csrf_of(home, "/search")
    hits = home.post("/search", data={"name": "Ковальчук", "csrf_token": token}).text
    assert hits.count('href="/records/') == 2  # list-a/a1 unchanged, nothing added


def test_a_source_given_to_another_agency_takes_its_search_keys_along(  # type: ignore[no-untyped-def]
    signed_in, sqlite_store, seeded
) -> None:
    from kintrace.registry import scope
    from kintrace.store.registry_tables import Source

    home = signed_in("u-caseworker")
    token = csrf_of(home, "/search")
    assert "Марія" in home.post("/search", data={"name": "Maria", "csrf_token": token}).text
    with sqlite_store.session(write=True) as db:
        source = db.query(Source).filter(Source.name == "list-a").one()
        scope.assign_source(db, source_id=source.id, agency_id=seeded["partner_agency"])
    assert "Марія" not in home.post("/search", data={"name": "Maria", "csrf_token": token}).text
    partner = signed_in("u-partner")
    token = csrf_of(partner, "/search")
    assert "Марія" in partner.post("/search", data={"name": "Maria", "csrf_token": token}).text
