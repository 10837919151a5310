"""`kintrace import` of bureau lists, end to end through the CLI (issue 12): the lists are read
as written (finding 1), the new records are linked without a `kintrace link` and the review
queue holds every pending pair of the run before anyone claims one (findings 2 and 4), and a
column map round-trips (`--save-map`, `--map`). Synthetic data only."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from kintrace.cli.app import app
from kintrace.config import Settings
from kintrace.registry.mapfile import read_map_file
from kintrace.store.engine import open_store
from kintrace.store.linkage_tables import link_pairs, link_runs
from kintrace.store.review_tables import review_items
from support.bureau import camp_list_csv, children, family_list_csv


def invoke(settings: Settings, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--home", str(settings.home), *args], env={"COLUMNS": "220"})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def _count(settings: Settings, query: object) -> int:
    store = open_store(settings)
    try:
        with store.session() as session:
            return int(session.scalar(query) or 0)  # type: ignore[call-overload]
    finally:
        store.close()


@pytest.mark.slow
def test_import_links_and_fills_the_review_queue(sqlite_settings: Settings, tmp_path: Path) -> None:
    kids = children(70)
    family = family_list_csv(tmp_path / "родини.csv", kids[:60], title=True)
    camp = camp_list_csv(tmp_path / "лагерь.csv", kids[10:])
    code, output = invoke(
        sqlite_settings, "import", str(family), "--source", "family-reports", "--kind", "family",
        "--no-link",
    )  # fmt: skip
    assert code == 0, output
    assert "60 new" in output and "no id column" in output and "header: row 2" in output
    assert "Not linked (--no-link)" in output
    assert "Прізвище -> family_name" in " ".join(output.split())
    code, output = invoke(
        sqlite_settings, "import", str(camp), "--source", "camp-list", "--kind", "camp"
    )
    assert code == 0, output
    flat = " ".join(output.split())
    assert "Linked (run" in flat, flat  # finding 4: no `kintrace link` needed
    pending = _count(sqlite_settings, select(func.count()).where(link_pairs.c.status == "pending"))
    queued = _count(sqlite_settings, select(func.count()).select_from(review_items))
    assert queued == pending  # finding 2: every pending pair is in the queue, none claimed
    claimed = _count(
        sqlite_settings,
        select(func.count())
        .select_from(review_items)
        .where(review_items.c.lease_owner.is_not(None)),
    )
    assert claimed == 0
    code, output = invoke(sqlite_settings, "link")
    assert code == 0 and "Nothing new" in output
    # the same lists again: nothing changes, nothing to link
    code, output = invoke(sqlite_settings, "import", str(family), "--source", "family-reports")
    assert code == 0 and "already imported" in output and "Linked" not in output


def test_no_link_says_how_to_link(sqlite_settings: Settings, tmp_path: Path) -> None:
    path = family_list_csv(tmp_path / "a.csv", children(3))
    code, output = invoke(sqlite_settings, "import", str(path), "--source", "b", "--no-link")
    assert code == 0 and "kintrace link" in output
    assert _count(sqlite_settings, select(func.count()).select_from(link_runs)) == 0


def test_a_registry_that_cannot_be_linked_yet_is_said_not_failed(
    sqlite_settings: Settings, tmp_path: Path
) -> None:
    path = family_list_csv(tmp_path / "a.csv", children(1))
    code, output = invoke(sqlite_settings, "import", str(path), "--source", "b")
    assert code == 0, output
    assert "1 new" in output and "Not linked yet" in output and "one record" in output


def test_a_small_list_is_linked_with_the_shipped_model(
    sqlite_settings: Settings, tmp_path: Path
) -> None:
    """Too few records to train a model (issue 10): linked all the same, and said so."""
    path = family_list_csv(tmp_path / "a.csv", children(3))
    code, output = invoke(sqlite_settings, "import", str(path), "--source", "b")
    assert code == 0, output
    flat = " ".join(output.split())
    assert "3 new" in flat and "Linked (run 1, full)" in flat
    assert "scored with the model shipped with Kintrace, kintrace-fallback v" in flat
    assert "kintrace sources set-kind b KIND" in flat  # imported without a kind


def test_a_column_map_round_trips(sqlite_settings: Settings, tmp_path: Path) -> None:
    kids = children(3)
    path = family_list_csv(tmp_path / "a.csv", kids, title=True)
    saved = tmp_path / "kyiv.toml"
    code, output = invoke(
        sqlite_settings, "import", str(path), "--source", "kyiv", "--no-link",
        "--save-map", str(saved),
    )  # fmt: skip
    assert code == 0 and "3 new" in output, output
    options = read_map_file(saved)
    assert options.source == "kyiv" and options.header_row == 2
    assert options.columns["Прізвище"] == "family_name"
    # the map reads the file exactly as it was read: the same import
    code, output = invoke(sqlite_settings, "import", str(path), "--map", str(saved), "--no-link")
    assert code == 0 and "already imported" in output, output
    # a list whose headers nobody recognises, read with a map written by hand
    odd = tmp_path / "odd.csv"
    rows = [
        "Ф.;І.;Д.нар.",
        *(";".join([k.ukrainian()[0], k.ukrainian()[1], k.ukrainian()[3]]) for k in kids),
    ]
    odd.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1251"))
    code, output = invoke(sqlite_settings, "import", str(odd), "--source", "odd", "--no-link")
    assert code == 1 and "no name column" in output
    hand = tmp_path / "odd.toml"
    hand.write_text(
        '[file]\nsource = "odd"\n\n[columns]\n"Ф." = "family_name"\n"І." = "given_name"\n'
        '"Д.нар." = "birth_date"\n',
        encoding="utf-8",
    )
    code, output = invoke(sqlite_settings, "import", str(odd), "--map", str(hand), "--no-link")
    assert code == 0 and "3 new" in output, output


def test_a_bad_map_is_one_clear_message(sqlite_settings: Settings, tmp_path: Path) -> None:
    path = family_list_csv(tmp_path / "a.csv", children(2))
    bad = tmp_path / "bad.toml"
    bad.write_text('[columns]\n"Прізвище" = "surname"\n', encoding="utf-8")
    code, output = invoke(sqlite_settings, "import", str(path), "--map", str(bad))
    assert code == 1 and "not a field" in output and "Traceback" not in output


def test_a_failing_link_run_does_not_hide_the_import(
    sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kintrace.linkage import service

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("synthetic failure of a link run")

    monkeypatch.setattr(service, "link", broken)
    path = family_list_csv(tmp_path / "a.csv", children(3))
    code, output = invoke(sqlite_settings, "import", str(path), "--source", "b")
    flat = " ".join(output.split())
    assert code == 1 and "3 new" in flat and "the lists are imported" in flat
    assert "Traceback" not in output
    code, output = invoke(sqlite_settings, "import", str(path), "--source", "b", "--no-link")
    assert "already imported" in output
