"""Issue 11, finding 1 (high, agency leak): a source belongs to the agency that first declared
it, quarantine included. All names and dates are synthetic test data.

The reproduction from the issue: a command-line import whose every row is quarantined; a partner
agency uploads a file naming that source; the home agency corrects and re-imports its rows. On
the code before the fix the import left no source behind, the partner's upload created the
source as the partner's, and from then on the partner saw the home agency's quarantined rows
(names, birth dates) and, after the correction, its records, while the home agency saw none:
every assertion on the partner's pages below failed there.
"""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select
from tests.integration.web.conftest import csrf_of, upload
from typer.testing import CliRunner

from kintrace.cli.app import app as cli_app
from kintrace.config import Settings
from kintrace.registry import scope
from kintrace.registry.errors import ImportRefused
from kintrace.registry.importer import import_file
from kintrace.store.engine import Store
from kintrace.store.registry_tables import QuarantinedRow, Record, Source

HEADER = ["source", "record_id", "given_name", "family_name", "birth_date"]
BAD = [  # every row breaks a rule (no such dates)
    ["camp-9", "c1", "Злата", "Остапчук", "31.02.2013"],
    ["camp-9", "c2", "Тарас", "Остапчук", "30.02.2015"],
]
GOOD = [
    ["camp-9", "c1", "Злата", "Остапчук", "28.02.2013"],
    ["camp-9", "c2", "Тарас", "Остапчук", "28.02.2015"],
]


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _cli(settings: Settings, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli_app,
        ["--home", str(settings.home), *args],
        env={"KINTRACE_DATABASE_URL": "", "COLUMNS": "220"},
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_finding_1_a_quarantine_only_cli_import_keeps_its_source_from_a_partner(
    signed_in, sqlite_store: Store, sqlite_settings: Settings, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    code, output = _cli(sqlite_settings, "import", "--no-link", str(_csv(tmp_path / "b.csv", BAD)))
    assert code == 0, output
    with sqlite_store.session() as db:
        source = db.execute(select(Source).where(Source.name == "camp-9")).scalar_one_or_none()
        assert source is not None, "the quarantine-only import declared no source"
        assert scope.agency_of_source(db, source.id) == 1
        held = db.execute(select(QuarantinedRow.id)).scalars().all()
    assert len(held) == 2

    partner = signed_in("u-partner")
    token = csrf_of(partner, "/import")
    claim = "source,record_id,given_name,family_name\ncamp-9,x1,Ганна,Мельник\n".encode()
    _, r = upload(partner, token, "synthetic.csv", claim)
    assert r.status_code == 400 and "not your agency" in r.text  # type: ignore[attr-defined]
    _, r = upload(partner, token, "synthetic.csv", claim.replace(b"camp-9,", b","), source="camp-9")
    assert r.status_code == 400  # type: ignore[attr-defined]

    for client in (partner,):
        assert "Остапчук" not in client.get("/quarantine").text
        assert "camp-9" not in client.get("/sources").text
    with sqlite_store.session() as db:
        assert scope.agency_of_source(db, source.id) == 1  # still the home agency's

    code, output = _cli(sqlite_settings, "import", "--no-link", str(_csv(tmp_path / "g.csv", GOOD)))
    assert code == 0, output
    with sqlite_store.session() as db:
        pks = db.execute(select(Record.id).where(Record.source_id == source.id)).scalars().all()
    assert len(pks) == 2
    home = signed_in("u-caseworker")
    for pk in pks:
        assert partner.get(f"/records/{pk}").status_code == 404
        assert partner.get(f"/api/v1/records/{pk}").status_code == 404
        assert home.get(f"/records/{pk}").status_code == 200
    assert "Остапчук" not in partner.get("/quarantine").text


def test_finding_1_the_api_and_another_agencys_cli_import_are_refused(
    signed_in, client_factory, sqlite_store: Store, sqlite_settings: Settings, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    import re

    import_file(sqlite_store, _csv(tmp_path / "b.csv", BAD), actor="cli")
    browser = signed_in("u-partner")
    token = csrf_of(browser, "/account")
    page = browser.post("/account/tokens", data={"label": "loader", "csrf_token": token}).text
    api_token = re.search(r'<code class="token">(kt_[^<]+)</code>', page).group(1)  # type: ignore[union-attr]
    script = client_factory()
    headers = {"Authorization": f"Bearer {api_token}"}
    body = "record_id,given_name,family_name,birth_date\nx1,Ганна,Мельник,2011\n".encode()
    r = script.post(
        "/api/v1/imports?source=camp-9",
        headers=headers,
        files={"file": ("synthetic.csv", body, "text/csv")},
    )
    assert r.status_code == 422 and "not your agency" in r.text, r.text
    assert script.get("/api/v1/quarantine", headers=headers).json() == []

    code, output = _cli(
        sqlite_settings, "import", "--no-link", "--agency", "partner", "--source", "camp-9",
        str(_csv(tmp_path / "p.csv", [["camp-9", "x1", "Ганна", "Мельник", "2011"]])),
    )  # fmt: skip
    assert code == 1 and "belongs to another agency" in output, output
    assert "Traceback" not in output
    with sqlite_store.session() as db:
        assert db.execute(select(Source.name)).scalars().all().count("camp-9") == 1
        records = db.execute(
            select(QuarantinedRow.id).where(QuarantinedRow.record_id == "x1")
        ).all()
    assert records == []  # nothing of the refused file was kept


def test_finding_1_a_partner_first_declares_by_quarantine_too(
    seeded: dict[str, int], sqlite_store: Store, tmp_path: Path
) -> None:
    """The other way round: a partner's quarantine-only import makes the source the partner's,
    and the home agency's import naming it is refused whole."""
    partner = seeded["partner_agency"]
    import_file(sqlite_store, _csv(tmp_path / "b.csv", BAD), actor="u-partner", agency_id=partner)
    with sqlite_store.session() as db:
        source_id = db.execute(select(Source.id).where(Source.name == "camp-9")).scalar_one()
        assert scope.agency_of_source(db, source_id) == partner
    try:
        import_file(sqlite_store, _csv(tmp_path / "g.csv", GOOD), actor="cli")
    except ImportRefused as exc:
        assert "belongs to another agency" in str(exc)
        assert "Остапчук" not in str(exc)
    else:
        raise AssertionError("the home agency's import into the partner's source went through")
