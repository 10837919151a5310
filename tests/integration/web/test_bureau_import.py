"""A bureau's day on the web (issue 12): its own list goes through the mapping step (finding 1),
the upload is linked without a CLI step (finding 4) and the review queue lists the run's pairs
before anyone claims one (finding 2). All names and dates are synthetic."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from tests.integration.web.conftest import csrf_of, upload

from kintrace.store.engine import Store
from kintrace.store.linkage_tables import link_pairs
from kintrace.store.review_tables import review_items
from support.bureau import camp_list_csv, children, family_list_csv
from support.seed import add_link_pair, add_link_run


def test_a_bureau_list_goes_through_the_mapping_step(signed_in, tmp_path) -> None:  # type: ignore[no-untyped-def]
    client = signed_in("u-caseworker")
    kids = children(3)
    body = family_list_csv(tmp_path / "список.csv", kids, title=True).read_bytes()
    csrf = csrf_of(client, "/import")
    mapping, report = upload(client, csrf, "список.csv", body, source="kyiv-bureau", link="")
    page = mapping.text  # type: ignore[attr-defined]
    assert mapping.status_code == 200, page[-800:]  # type: ignore[attr-defined]
    # the header found under the title row, each column with its field selected
    assert 'name="header_row"' in page and 'value="2"' in page
    surname = re.search(r'<label for="(col-\d+)">Прізвище</label>', page)
    assert surname is not None
    select_html = page[page.index(f'id="{surname.group(1)}"') :].split("</select>")[0]
    assert 'value="family_name" selected' in select_html
    assert kids[0].ukrainian()[0] in page  # the first rows are shown as written
    assert "derived from its names" in page
    text = report.text  # type: ignore[attr-defined]
    assert report.status_code == 200, text[-800:]  # type: ignore[attr-defined]
    assert "Validation report" in text and "derived from each row" in text
    assert "Not linked" in text


def test_the_user_maps_columns_nobody_recognises(signed_in, tmp_path) -> None:  # type: ignore[no-untyped-def]
    client = signed_in("u-caseworker")
    kids = children(2)
    lines = ["Ф.;І.;Д.нар.", *(";".join([*k.ukrainian()[:2], k.ukrainian()[3]]) for k in kids)]
    body = ("\r\n".join(lines) + "\r\n").encode("cp1251")
    csrf = csrf_of(client, "/import")
    mapping, refused = upload(client, csrf, "odd.csv", body, source="odd", link="")
    assert "no name column" in mapping.text  # type: ignore[attr-defined]
    assert refused.status_code == 400  # type: ignore[attr-defined]
    token = re.search(r'action="(/import/[0-9a-f]{32})"', mapping.text).group(1)  # type: ignore[attr-defined,union-attr]
    form = {
        "csrf_token": csrf,
        "source": "odd",
        "action": "import",
        "head": ["Ф.", "І.", "Д.нар."],
        "col": ["family_name", "given_name", "birth_date"],
    }
    r = client.post(token, data=form)
    assert r.status_code == 200, r.text[-800:]
    assert "Validation report" in r.text
    # the next list of the source is read the same way without asking
    again = client.post(
        "/import",
        data={"csrf_token": csrf, "source": "odd"},
        files={"file": ("odd2.csv", body, "text/csv")},
    )
    assert "read as in the last list of this source" in again.text
    assert "no name column" not in again.text


def test_the_queue_lists_the_last_runs_pairs_before_anyone_claims(  # type: ignore[no-untyped-def]
    signed_in, sqlite_store: Store
) -> None:
    """Finding 2: after a link run the web queue said "nothing to review" until someone pressed
    "claim next"."""
    with sqlite_store.session(write=True) as db:
        run = add_link_run(db, at=datetime.now(UTC))
        add_link_pair(
            db, run_id=run, left=("list-a", "a1"), right=("list-r", "r1"), probability=0.8,
            weight=2.0, status="pending",
        )  # fmt: skip
    page = signed_in("u-reviewer").get("/review").text
    assert 'href="/review/pairs/' in page
    assert "list-a" in page and "list-r" in page
    with sqlite_store.session() as db:
        assert db.scalar(select(func.count()).select_from(review_items)) == 1
        assert db.scalar(select(review_items.c.lease_owner)) is None  # nobody claimed it


@pytest.mark.slow
def test_a_web_upload_is_linked_without_a_cli_step(  # type: ignore[no-untyped-def]
    app, signed_in, sqlite_store: Store, tmp_path
) -> None:
    """Finding 4: a web upload did not link the new records, and nothing said so."""
    client = signed_in("u-caseworker")
    kids = children(70)
    csrf = csrf_of(client, "/import")
    family = family_list_csv(tmp_path / "f.csv", kids[:60]).read_bytes()
    _, first = upload(client, csrf, "f.csv", family, source="family-reports", link="")
    assert "Not linked" in first.text  # type: ignore[attr-defined]
    camp = camp_list_csv(tmp_path / "c.csv", kids[10:]).read_bytes()
    _, second = upload(client, csrf, "c.csv", camp, source="camp-list")
    text = second.text  # type: ignore[attr-defined]
    match = re.search(r'hx-get="/import/link/(\d+)"', text)
    assert match is not None, text[-1500:]
    job = app.state.link_jobs.wait(int(match.group(1)), timeout=300)
    assert job is not None and job.state == "done", job
    status = client.get(f"/import/link/{job.id}").text
    assert "Linked" in status and "Pairs waiting for review" in status
    with sqlite_store.session() as db:
        pending = db.scalar(select(func.count()).where(link_pairs.c.status == "pending"))
        queued = db.scalar(select(func.count()).select_from(review_items))
    assert pending and queued == pending
    queue = signed_in("u-reviewer").get("/review").text
    assert queue.count('href="/review/pairs/') == min(pending, 50)
