"""The dashboard's SVG charts: drawn to scale, accessible, escaped, no style or script."""

from __future__ import annotations

import re
from itertools import pairwise

import pytest

from kintrace.web import charts


@pytest.mark.parametrize(
    ("value", "top", "why"),
    [
        (0, 1, "an empty chart still has an axis"),
        (1, 1, "exactly one"),
        (3, 5, "1, 2, 5 steps"),
        (7, 10, "next power of ten"),
        (120, 200, "two hundred"),
        (4999, 5000, "five thousand"),
    ],
)
def test_axis_top_is_a_round_number(value: int, top: int, why: str) -> None:
    assert charts._nice_top(value) == top, why


def _widths(svg: str) -> list[float]:
    return [float(w) for w in re.findall(r'<rect class="series-0"[^>]*width="([\d.]+)"', svg)]


def test_bars_are_drawn_to_scale_with_the_count_written() -> None:
    svg = str(charts.bars(items=[("reported", 5), ("verified", 2), ("other", 0)], label="L"))
    first, second = _widths(svg)  # a zero draws no bar
    assert first == pytest.approx(2.5 * second)
    assert ">5</text>" in svg and ">0</text>" in svg
    assert 'role="img"' in svg and 'aria-label="L"' in svg and "<title>L</title>" in svg


def test_columns_stack_their_series_and_escape_every_text() -> None:
    svg = str(
        charts.columns(
            categories=[charts.Column("<b>", {"a": 2, "b": 2}), charts.Column("w2", {"a": 1})],
            series=[("a", "A & co"), ("b", '"quoted"')],
            label='figures <script>alert("x")</script>',
        )
    )
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;b&gt;" in svg and "A &amp; co" in svg
    heights = [float(h) for h in re.findall(r'<rect class="series-\d"[^>]*height="([\d.]+)"', svg)]
    # the first column's two parts, the second column's one part (top 5: 160 units = 5)
    assert heights[:3] == pytest.approx([64.0, 64.0, 32.0])
    assert "style" not in svg


def test_ukrainian_legends_do_not_overlap() -> None:
    """Issue 12, finding 9: the dashboard's "records by month and source kind" legend in
    Ukrainian (long words) left one entry's text running into the next one's square. Each
    entry has room for its text at the chart's font (13 units, at most about 7.5 a letter)."""
    legends = [
        ("family", "Повідомлення родин"),
        ("registry", "Реєстри"),
        ("camp", "Списки таборів"),
        ("adoption", "Списки для усиновлення"),
        ("partner", "Списки партнерів"),
    ]
    svg = str(
        charts.columns(
            categories=[charts.Column("12.26", dict.fromkeys((k for k, _ in legends), 1))],
            series=legends,
            label="L",
        )
    )
    found = re.findall(r'<text class="legend" x="([\d.]+)" y="(\d+)">([^<]*)</text>', svg)
    assert [t for _, _, t in found] == [t for _, t in legends]  # whole, none clipped
    rows: dict[str, list[tuple[float, str]]] = {}
    for x, y, text in found:
        rows.setdefault(y, []).append((float(x), text))
    for entries in rows.values():
        entries.sort()
        for (x, text), (next_x, _) in pairwise(entries):
            assert x + 7.5 * len(text) < next_x - 14, text  # before the next entry's square
        last_x, last_text = entries[-1]
        assert last_x + 7.5 * len(last_text) <= charts.WIDTH, last_text


def test_ukrainian_bar_labels_fit_left_of_their_bars() -> None:
    """The case states in Ukrainian (the dashboard's open-cases bars): "повернення триває" ran
    past the drawing's left edge. Each label is whole and ends inside the drawing."""
    from kintrace.web import i18n

    uk = i18n.load_translations()["uk"].gettext
    states = ["reported", "verified", "unknown", "known", "not_started", "requested",
              "in_negotiation", "in_progress", "returned", "closed"]  # fmt: skip
    items = [(uk(s), 1) for s in states]
    svg = str(charts.bars(items=items, label="L"))
    found = re.findall(r'<text class="axis" x="([\d.]+)"[^>]*text-anchor="end">([^<]*)</text>', svg)
    assert [t for _, t in found] == [t for t, _ in items]  # none clipped
    for x, text in found:
        assert float(x) - 7.5 * len(text) >= 0, text
