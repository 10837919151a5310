"""What the request's page and `kintrace exchange held` show of an answer's rows, said once in
the exchange area: what a held row waits for, its name as written, a child's state and the
page's filter (all data synthetic)."""

from __future__ import annotations

import pytest

from kintrace.exchange.held import HeldRow
from kintrace.exchange.reconcile import ChildLine, Discrepancy, Reconciliation


def _row(matched_by: str, status: str | None, **fields: str) -> HeldRow:
    return HeldRow(1, "RQ-1", 1, 2, matched_by, None, "K-9", "знайдено?", status, fields)


@pytest.mark.parametrize(
    ("matched_by", "status", "waits"),
    [
        ("none", None, "a child and a status"),
        ("duplicate", "found", "a child"),
        ("reference", None, "a status"),
        ("model", None, "a status"),
    ],
)
def test_a_held_row_says_what_it_waits_for(matched_by: str, status: str | None, waits: str) -> None:
    assert _row(matched_by, status).waits_for == waits


def test_a_held_rows_name_is_as_the_partner_wrote_it() -> None:
    row = _row("none", None, family_name="Testenko", given_name_original="Тест", patronymic="")
    assert row.name_as_written == "Testenko Тест"


def _child(ref: str, status: str | None, answers: int) -> ChildLine:
    return ChildLine(ref, "s", ref, None, status, None, answers)


def test_a_childs_state_and_the_pages_filter() -> None:
    children = [_child("C-1", "found", 1), _child("C-2", None, 1), _child("C-3", None, 0)]
    assert [c.state for c in children] == ["found", "held", "unanswered"]
    result = Reconciliation(
        "RQ-1", "p", "2026-01-01", 3, 2, 1, 0, 0, 0, 1, 1, 0, 30, 0, 0,
        children=children,
        discrepancies=[Discrepancy("C-2", "birth_date", "2015-01-01", "2015-02-01", 5)],
    )  # fmt: skip
    assert [c.child_ref for c in result.children_where()] == ["C-1", "C-2", "C-3"]
    assert [c.child_ref for c in result.children_where(state="held")] == ["C-2"]
    assert [c.child_ref for c in result.children_where(discrepancy=True)] == ["C-2"]
    assert result.children_where(state="found", discrepancy=True) == []
