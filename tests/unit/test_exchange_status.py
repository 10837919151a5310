"""Free-text answer statuses -> the exchange vocabulary; unknown texts are held (None).
Synthetic examples, one row per rule with its reason."""

from __future__ import annotations

import pytest

from kintrace.exchange.status import Status, classify


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("находится в семье опекуна", Status.IN_FAMILY),  # a guardian's family, not merely found
        ("Возвращён", Status.RETURNED),  # ё and capitals
        ("возвращен законному представителю", Status.RETURNED),
        ("не найден", Status.NOT_FOUND),  # the negation before "найден"
        ("Сведений нет", Status.NOT_FOUND),
        ("на территории Украины", Status.FOUND),  # located, not a return (decision 0600)
        ("находится в детском доме", Status.IN_CARE),
        ("ГБУ социально-реабилитационный центр", Status.IN_CARE),
        ("передан в приемную семью", Status.IN_FAMILY),
        ("", Status.NO_ANSWER),
        ("  -  ", Status.NO_ANSWER),
        ("проверяется", Status.NO_ANSWER),
        ("returned to mother", Status.RETURNED),
        ("иное", Status.OTHER),
        ("см. письмо от 12.05", None),  # held for a person
        ("уточняется по линии МВД", None),
    ],
)
def test_statuses(text: str, status: Status | None) -> None:
    assert classify(text) is status
