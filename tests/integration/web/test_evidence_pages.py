"""Evidence on the web (issue 14): upload on a record page, the custody page, the working copy
without GPS for caseworkers and reviewers, the original for investigators only (a custody event
each time), agency scope and refusals with their reason. Synthetic data only."""

from __future__ import annotations

import io
import re

from PIL import Image
from tests.integration.evidence.conftest import gps_jpeg
from tests.integration.web.conftest import csrf_of

from kintrace.evidence.items import custody_log
from kintrace.store.engine import Store


def _upload(client, csrf: str, path: str, name: str, body: bytes, kind: str = "photo"):  # type: ignore[no-untyped-def]
    return client.post(
        path,
        data={"csrf_token": csrf, "kind": kind, "description": "synthetic"},
        files={"file": (name, body, "application/octet-stream")},
        follow_redirects=False,
    )


def test_upload_copy_original_and_custody(app, signed_in, sqlite_store: Store) -> None:  # type: ignore[no-untyped-def]
    caseworker = signed_in("u-caseworker")
    csrf = csrf_of(caseworker, "/records/1")
    data = gps_jpeg()
    r = _upload(caseworker, csrf, "/records/1/evidence", "photo.jpg", data)
    assert r.status_code == 303, r.text[:300]
    item_url = r.headers["location"]
    assert re.fullmatch(r"/evidence/\d+", item_url)
    page = caseworker.get(item_url)
    assert (
        page.status_code == 200
        and "ingest" in page.text
        and "Download the original" not in page.text
    )
    assert item_url in caseworker.get("/records/1").text  # listed on the record page

    copy = caseworker.get(item_url + "/copy")
    assert copy.status_code == 200 and copy.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(copy.content)).getexif().get_ifd(0x8825) == {}
    assert b"SyntheticCam" not in copy.content
    token = csrf_of(caseworker, item_url)
    denied = caseworker.post(item_url + "/original", data={"csrf_token": token, "purpose": "x"})
    assert denied.status_code == 404

    investigator = signed_in("u-investigator")
    token = csrf_of(investigator, item_url)
    original = investigator.post(
        item_url + "/original", data={"csrf_token": token, "purpose": "court file 12"}
    )
    assert original.status_code == 200 and original.content == data  # GPS and all
    item_id = int(item_url.rsplit("/", 1)[1])
    with sqlite_store.session() as db:
        events = [(e.event, e.actor, e.role, e.purpose) for e in custody_log(db, item_id)]
    assert ("view", "u-caseworker", "caseworker", "working copy shown on the web") in events
    assert events[-1] == ("download", "u-investigator", "investigator", "court file 12")
    assert ("derive", "u-caseworker", "caseworker", "working copy without metadata") in events


def test_another_agency_sees_nothing_and_bad_files_say_why(
    app, signed_in, sqlite_store: Store
) -> None:  # type: ignore[no-untyped-def]
    caseworker = signed_in("u-caseworker")
    csrf = csrf_of(caseworker, "/records/1")
    item_url = _upload(caseworker, csrf, "/records/1/evidence", "p.jpg", gps_jpeg()).headers[
        "location"
    ]
    disguised = _upload(caseworker, csrf, "/records/1/evidence", "photo.jpg", b"%PDF-1.4 x")
    assert disguised.status_code == 400 and "disguised" in disguised.text
    empty = _upload(caseworker, csrf, "/records/1/evidence", "e.jpg", b"")
    assert empty.status_code == 400 and "empty" in empty.text
    late = caseworker.post(
        "/records/1/evidence",
        data={"csrf_token": csrf, "kind": "photo", "collected_on": "2999-01-01"},
        files={"file": ("p.jpg", gps_jpeg(9), "image/jpeg")},
    )
    assert late.status_code == 400 and "YYYY-MM-DD" in late.text
    home = sqlite_store.settings.home
    assert len(list((home / "evidence" / "originals").rglob("*/*"))) == 1  # refused: not kept
    partner = signed_in("u-partner")
    assert partner.get(item_url).status_code == 404
    assert partner.get(item_url + "/copy").status_code == 404
    token = csrf_of(partner, "/account")
    assert _upload(partner, token, "/records/1/evidence", "p.jpg", gps_jpeg()).status_code == 404
