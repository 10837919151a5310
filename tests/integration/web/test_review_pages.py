"""Review and case pages over the services: claim, pair page, verdicts, the two-person rule,
case work lists, transitions, assignment, and agency scope (IDOR). Synthetic data only."""

from __future__ import annotations

import re

from sqlalchemy import select, update
from tests.integration.web.conftest import csrf_of

from kintrace.store.audit_tables import AuditEntry
from kintrace.store.registry_tables import Source
from kintrace.store.review_tables import review_items


def _actions(store, entity_type: str) -> list[str]:  # type: ignore[no-untyped-def]
    with store.session() as db:
        return list(
            db.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.entity_type == entity_type)
                .order_by(AuditEntry.id)
            )
        )


def _status(store, item_id: int) -> str:  # type: ignore[no-untyped-def]
    with store.session() as db:
        return str(db.scalar(select(review_items.c.status).where(review_items.c.id == item_id)))


def _kinds(store, **kinds: str) -> None:  # type: ignore[no-untyped-def]
    with store.session(write=True) as db:
        for name, kind in kinds.items():
            db.execute(
                update(Source).where(Source.name == name.replace("_", "-")).values(kind=kind)
            )


def test_reviewer_claims_sees_both_records_and_weights_and_decides(
    signed_in, review_data, sqlite_store
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in("u-reviewer")
    token = csrf_of(client, "/review")
    r = client.post("/review/next", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/review/pairs/{review_data['item']}"
    page = client.get(r.headers["location"]).text
    assert "Марія" in page and "Дарья" in page  # both records, as written
    assert "Mariia" in page and "Dar" in page  # with a Latin spelling
    assert "+6.49" in page and "-3.31" in page and "exact" in page  # weights, levels
    assert "for</span>" in page and "against</span>" in page  # text, not colour only
    assert "<code>0301-thresholds</code>" in page and "calibrated probability" in page  # rule
    assert 'name="token"' in page  # the claim's fencing token travels with the verdict
    assert _actions(sqlite_store, "pair")[-1] == "pair.view"
    form_token = re.search(r'name="token" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    r = client.post(
        f"/review/pairs/{review_data['item']}/decide",
        data={"csrf_token": token, "verdict": "different", "token": form_token},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[:300]
    assert _status(sqlite_store, review_data["item"]) == "rejected"
    assert "review.decide" in _actions(sqlite_store, "pair")
    # the pair that spans two agencies is never handed out; none is left for this agency
    r = client.post("/review/next", data={"csrf_token": token})
    assert r.status_code == 200 and "No pair is waiting for you" in r.text


def test_stale_token_and_reason_above_auto_link_are_refused(
    signed_in, review_data, sqlite_store
) -> None:  # type: ignore[no-untyped-def]
    with sqlite_store.session(write=True) as db:
        db.execute(
            update(review_items)
            .where(review_items.c.id == review_data["item"])
            .values(match_probability=0.999)
        )
    client = signed_in("u-reviewer")
    token = csrf_of(client, "/review")
    client.post("/review/next", data={"csrf_token": token})
    url = f"/review/pairs/{review_data['item']}/decide"
    r = client.post(url, data={"csrf_token": token, "verdict": "same", "token": "999"})
    assert r.status_code == 422 and "no longer valid" in r.text
    page = client.get(f"/review/pairs/{review_data['item']}").text
    assert "a reason is required to reject" in page
    form_token = re.search(r'name="token" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    r = client.post(url, data={"csrf_token": token, "verdict": "different", "token": form_token})
    assert r.status_code == 422 and "at or above the auto-link threshold" in r.text
    assert _status(sqlite_store, review_data["item"]) == "pending"
    r = client.post(
        url,
        data={
            "csrf_token": token,
            "verdict": "different",
            "token": form_token,
            "note": "synthetic: birth dates differ by two years",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert _status(sqlite_store, review_data["item"]) == "rejected"


def test_two_person_rule_shows_and_needs_a_second_reviewer(
    signed_in, review_data, sqlite_store
) -> None:  # type: ignore[no-untyped-def]
    _kinds(sqlite_store, list_a="family", list_r="camp")
    item = review_data["item"]
    first, second = signed_in("u-reviewer"), signed_in("u-admin")
    token = csrf_of(first, "/review")
    assert "0 of 2 confirmations" in first.get(f"/review/pairs/{item}").text
    r = first.post(
        f"/review/pairs/{item}/decide",
        data={"csrf_token": token, "verdict": "same"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert _status(sqlite_store, item) == "awaiting_second"
    assert "1 of 2 confirmations" in first.get(f"/review/pairs/{item}").text
    # the first reviewer is never handed the pair again
    assert (
        "No pair is waiting for you" in first.post("/review/next", data={"csrf_token": token}).text
    )
    token2 = csrf_of(second, "/review")
    r = second.post("/review/next", data={"csrf_token": token2}, follow_redirects=False)
    assert r.headers["location"] == f"/review/pairs/{item}"
    r = second.post(
        f"/review/pairs/{item}/decide",
        data={"csrf_token": token2, "verdict": "same"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert _status(sqlite_store, item) == "confirmed"
    assert "2 of 2 confirmations" in second.get(f"/review/pairs/{item}").text


def test_other_agencies_pairs_and_cases_answer_404_like_missing_ones(
    signed_in, review_data
) -> None:  # type: ignore[no-untyped-def]
    home, partner = signed_in("u-admin"), signed_in("u-partner")
    token = csrf_of(home, "/review")
    for foreign in (review_data["partner_item"], review_data["cross_item"]):
        for path in (f"/review/pairs/{foreign}", f"/api/v1/review/pairs/{foreign}"):
            assert home.get(path).status_code == 404, path
        r = home.post(
            f"/review/pairs/{foreign}/decide", data={"csrf_token": token, "verdict": "same"}
        )
        assert r.status_code == 404

    def same_as_missing(path: str, missing_path: str) -> bool:
        return home.get(path).text.replace(path, "ID") == home.get(missing_path).text.replace(
            missing_path, "ID"
        )

    assert same_as_missing(f"/review/pairs/{review_data['partner_item']}", "/review/pairs/99999")
    case, other = review_data["case"], review_data["partner_case"]
    assert home.get(f"/cases/{case}").status_code == 200
    assert partner.get(f"/cases/{other}").status_code == 200
    for path in (f"/cases/{other}", f"/api/v1/cases/{other}"):
        assert home.get(path).status_code == 404
    assert partner.get(f"/cases/{case}").status_code == 404
    r = home.post(
        f"/cases/{other}/transition",
        data={"csrf_token": token, "facet": "return", "to": "closed", "reason": "x"},
    )
    assert r.status_code == 404
    r = home.post(f"/cases/{other}/assign", data={"csrf_token": token, "assignee": "u-admin"})
    assert r.status_code == 404
    assert same_as_missing(f"/cases/{other}", "/cases/99999")
    assert f"Case {case}" in home.get("/cases").text
    assert f"Case {other}" not in home.get("/cases").text
    # a partner caseworker may not hand a case to a user of another agency
    ptoken = csrf_of(partner, "/cases")
    r = partner.post(
        f"/cases/{other}/assign", data={"csrf_token": ptoken, "assignee": "u-caseworker"}
    )
    assert r.status_code == 422 and "in your agency" in r.text
    # the same refusal on a Ukrainian page is Ukrainian (issue 17's refusals, decision 0453)
    r = partner.post("/language", data={"language": "uk", "back": "/", "csrf_token": ptoken})
    assert r.status_code == 200
    r = partner.post(
        f"/cases/{other}/assign", data={"csrf_token": ptoken, "assignee": "u-caseworker"}
    )
    assert r.status_code == 422 and "у вашій організації немає користувача" in r.text
    assert "in your agency" not in r.text


def test_case_work_lists_transitions_and_assignment(signed_in, review_data, sqlite_store) -> None:  # type: ignore[no-untyped-def]
    client = signed_in("u-caseworker")
    case = review_data["case"]
    token = csrf_of(client, f"/cases/{case}")
    assert f"Case {case}" not in client.get("/cases?mine=1").text
    r = client.post(
        f"/cases/{case}/assign",
        data={"csrf_token": token, "assignee": "u-caseworker"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert f"Case {case}" in client.get("/cases?mine=1").text
    r = client.post(
        f"/cases/{case}/transition", data={"csrf_token": token, "facet": "return", "to": "returned"}
    )
    assert r.status_code == 422 and "not an allowed transition" in r.text
    page = client.get(f"/cases/{case}").text
    assert 'value="requested"' not in page  # needs identity verified and whereabouts known
    r = client.post(
        f"/cases/{case}/transition",
        data={
            "csrf_token": token,
            "facet": "whereabouts",
            "to": "known",
            "place": "Synthetic Town",
            "on": "2026-10-01",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = client.get(f"/cases/{case}").text
    assert "Synthetic Town" in page and "known" in page
    assert "the record the case follows" in page
    actions = _actions(sqlite_store, "case")
    assert "case.assign" in actions and "case.transition" in actions and "case.view" in actions
    # the reviewer reads the case but is offered no move; the investigator only whereabouts
    reviewer_page = signed_in("u-reviewer").get(f"/cases/{case}").text
    assert "/transition" not in reviewer_page
    investigator_page = signed_in("u-investigator").get(f"/cases/{case}").text
    assert 'name="facet" value="whereabouts"' in investigator_page
    assert 'name="facet" value="return"' not in investigator_page


def test_open_a_case_from_a_record_and_the_dashboard_counts(
    signed_in, review_data, sqlite_store
) -> None:  # type: ignore[no-untyped-def]
    from kintrace.store.registry_tables import Record

    with sqlite_store.session() as db:
        rows = dict(db.execute(select(Record.record_id, Record.id)).all())
    client = signed_in("u-caseworker")
    token = csrf_of(client, f"/records/{rows['r1']}")
    assert "Open a case for this child" in client.get(f"/records/{rows['r1']}").text
    r = client.post(
        "/cases", data={"csrf_token": token, "record_pk": str(rows["r1"])}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/cases/")
    assert (
        client.post("/cases", data={"csrf_token": token, "record_pk": str(rows["p1"])}).status_code
        == 404
    )
    analyst = signed_in("u-analyst")
    dashboard = analyst.get("/").text
    assert "Pairs by review status" in dashboard
    assert analyst.get("/api/v1/dashboard").json()["review"]["pending"] == 1  # home pair only
    assert analyst.get("/api/v1/review/status").json()["pending"] == 1


def test_api_claim_decide_and_case(signed_in, review_data, sqlite_store) -> None:  # type: ignore[no-untyped-def]
    client = signed_in("u-reviewer")
    token = csrf_of(client, "/review")
    headers = {"X-CSRF-Token": token}
    item = client.post("/api/v1/review/next", headers=headers).json()["item"]
    assert item["id"] == review_data["item"] and item["left"] == "list-a:a2"
    pair = client.get(f"/api/v1/review/pairs/{item['id']}").json()
    assert [s["comparison"] for s in pair["steps"]] == ["given_name", "birth_date"]
    assert pair["left"]["fields"]["given_name"] == "Марія"
    r = client.post(
        f"/api/v1/review/pairs/{item['id']}/decide",
        headers=headers,
        json={"verdict": "unsure", "token": item["token"]},
    )
    assert r.status_code == 200 and r.json()["status"] == "unsure"
    r = client.post(
        f"/api/v1/review/pairs/{item['id']}/decide", headers=headers, json={"verdict": "same"}
    )
    assert r.status_code == 409 and "needs a note" in r.json()["detail"]
    case = client.get(f"/api/v1/cases/{review_data['case']}").json()
    assert case["identity"] == "reported" and case["allowed"] == []


def test_issue12_finding5_a_decided_candidate_is_never_shown_as_pending(
    signed_in, review_data, sqlite_store
) -> None:  # type: ignore[no-untyped-def]
    """Another candidate of the pair's record that a reviewer rejected shows as rejected,
    not as the link run's "pending"."""
    import json
    from datetime import UTC, datetime

    from kintrace.store.linkage_tables import link_runs
    from support.seed import add_link_pair, add_review_item

    now = datetime.now(UTC)
    with sqlite_store.session(write=True) as db:
        run = db.scalar(select(link_runs.c.id).order_by(link_runs.c.id.desc()))
        add_link_pair(
            db,
            run_id=run,
            left=("list-a", "a1"),
            right=("list-a", "a2"),
            probability=0.61,
            weight=0.5,
            status="pending",
            weights=json.dumps({"given_name": 1.0}),
            rule="0301-thresholds",
        )
        add_review_item(
            db,
            left=("list-a", "a1"),
            right=("list-a", "a2"),
            probability=0.61,
            status="rejected",
            at=now,
            match_weight=0.5,
            priority=1.0,
            fencing_token=0,
        )
    page = signed_in("u-reviewer").get(f"/review/pairs/{review_data['item']}").text
    others = page.split("Other candidates of either record", 1)[1].split("</table>", 1)[0]
    assert "0.610" in others and "rejected" in others and "pending" not in others


def test_issue12_finding5_weights_table_names_the_level_the_field_table_shows(
    signed_in, review_data, sqlite_store
) -> None:  # type: ignore[no-untyped-def]
    """A surname written the same on both records weighs less when it is common (the model's
    term-frequency adjustment): its stored weight lies nearer "close spelling" than "same
    surname". The weights table still says "same surname", as the field table does; a level
    the agreement words do not cover (birth dates a year apart) is found by its weight."""
    import json
    from datetime import UTC, datetime

    from support.seed import add_link_pair, add_link_run, add_review_item

    def level(label: str, m: float, u: float) -> dict[str, object]:
        return {"label_for_charts": label, "m_probability": m, "u_probability": u}

    model = {
        "probability_two_random_records_match": 0.001,
        "comparisons": [
            {
                "output_column_name": "family_name",
                "comparison_levels": [
                    {"is_null_level": True, "label_for_charts": "missing"},
                    level("same surname", 0.8, 0.001),  # +9.64 before the adjustment
                    level("gender or Russified form", 0.1, 0.002),
                    level("close spelling", 0.05, 0.004),  # +3.64
                    level("different", 0.05, 0.993),
                ],
            },
            {
                "output_column_name": "birth_date",
                "comparison_levels": [
                    {"is_null_level": True, "label_for_charts": "missing"},
                    level("same date", 0.8, 0.0001),
                    level("within 1 year", 0.1, 0.05),  # +1.00
                    level("different", 0.1, 0.9499),  # -3.25
                ],
            },
        ],
    }
    now = datetime.now(UTC)
    with sqlite_store.session(write=True) as db:
        run = add_link_run(db, at=now, model_json=json.dumps(model))
        pair = (("list-a", "a2"), ("list-r", "r1"))  # Шевченко 2010-07-01 / Ковальчук 2012-03-14
        tf = (("list-a", "a1"), ("list-r", "r1"))  # Ковальчук / Ковальчук, the same date
        for (left, right), weights in (
            (tf, {"family_name": 3.69, "birth_date": 13.0}),
            (pair, {"family_name": -4.3, "birth_date": 1.05}),
        ):
            add_link_pair(
                db,
                run_id=run,
                left=left,
                right=right,
                probability=0.7,
                weight=1.0,
                status="pending",
                weights=json.dumps(weights),
                rule="0301-thresholds",
            )
        ids = [
            add_review_item(
                db,
                left=left,
                right=right,
                probability=0.7,
                status="pending",
                at=now,
                match_weight=1.0,
                priority=1.0,
                fencing_token=0,
            )
            for left, right in (tf, pair)
        ]
    client = signed_in("u-reviewer")
    tf_page = client.get(f"/review/pairs/{ids[0]}").text
    weights = tf_page.split("Weights of each comparison", 1)[1].split("</table>", 1)[0]
    family = weights.split("family name", 1)[1].split("</tr>", 1)[0]
    assert "same surname" in family and "close spelling" not in family
    assert "+3.69" in family  # the weight as stored, adjustment and all
    other = client.get(f"/review/pairs/{ids[1]}").text
    weights = other.split("Weights of each comparison", 1)[1].split("</table>", 1)[0]
    assert "within 1 year" in weights.split("birth date", 1)[1].split("</tr>", 1)[0]
    assert "different" in weights.split("family name", 1)[1].split("</tr>", 1)[0]


def test_a_source_of_no_kind_reads_kind_not_set_on_the_pair_page(signed_in, review_data) -> None:  # type: ignore[no-untyped-def]
    """A list uploaded without a kind was tagged "unknown" on the pair page ("невідоме" in
    Ukrainian, the word for an unknown whereabouts); the dashboard says "Kind not set"."""
    page = signed_in("u-reviewer").get(f"/review/pairs/{review_data['item']}").text
    heads = page[page.index("<thead>") : page.index("</thead>")]
    assert '<span class="tag">Kind not set</span>' in heads, heads
    assert '<span class="tag">unknown</span>' not in heads
