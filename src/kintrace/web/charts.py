"""Charts drawn on the server as SVG: bars and stacked columns for the dashboard.

No script and no style attribute (the Content-Security-Policy stays strict): shapes carry class
names (`series-0` ... `series-5`) that kintrace.css colours. Each chart is an image to assistive
technology (`role="img"` with an `aria-label` that says what it shows) and the page puts the same
figures in a table beside it. The drawing scales with its box (`viewBox`), so a 360 px phone
shows the whole chart. Every text is escaped; labels come translated from the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 480  # user units of the columns; the SVG scales to its container
BAR_WIDTH = 320  # user units of the bars (drawn three abreast on a wide screen)
SERIES_CLASSES = 6
#: Room left of a bar for its label (17 characters at up to about 7.5 units a letter, then a
#: gap): the Ukrainian "повернення триває" was cut at the left edge in 120.
BAR_LABEL_ROOM = 140
#: Legend entries side by side under a column chart, and the characters each may take: at
#: 13 units a letter is up to about 7.5 units wide, and Ukrainian legends are long
#: ("Списки для усиновлення"): three to a row overlapped.
LEGEND_PER_ROW, LEGEND_CHARS = 2, 26


@dataclass(frozen=True)
class Column:
    """One category on the x axis: its short label and a value per series key."""

    label: str
    values: dict[str, int]


def _nice_top(value: int) -> int:
    """The axis' top: 1, 2 or 5 times a power of ten at or above `value` (at least 1)."""
    top = 1
    while True:
        for step in (1, 2, 5):
            if step * top >= value:
                return step * top
        top *= 10


def _number(value: float) -> str:
    return f"{value:g}"


def bars(*, items: Sequence[tuple[str, int]], label: str) -> Markup:
    """Horizontal bars, one per item (label, count), the count written after each bar."""
    row, gap, left, right = 20, 5, BAR_LABEL_ROOM, 40
    height = max(len(items), 1) * (row + gap) + gap
    top = _nice_top(max((v for _, v in items), default=0))
    span = BAR_WIDTH - left - right
    parts = [_open(label, height, "bars", width=BAR_WIDTH)]
    for i, (name, value) in enumerate(items):
        y = gap + i * (row + gap)
        width = span * value / top if top else 0
        parts.append(
            f'<text class="axis" x="{left - 6}" y="{y + row * 0.7:.1f}" '
            f'text-anchor="end">{escape(_clip(name, 17))}</text>'
        )
        if value:
            parts.append(
                f'<rect class="series-0" x="{left}" y="{y}" width="{width:.1f}" '
                f'height="{row}"></rect>'
            )
        parts.append(
            f'<text class="value" x="{left + width + 4:.1f}" y="{y + row * 0.7:.1f}">{value}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def columns(
    *,
    categories: Sequence[Column],
    series: Sequence[tuple[str, str]],
    label: str,
) -> Markup:
    """Stacked columns: one per category, one colour per series (key, legend text), with a
    y axis of round numbers and a legend under the drawing."""
    plot_top, plot_height, left, right = 10, 160, 40, 8
    legend_row = 18
    legend_rows = -(-len(series) // LEGEND_PER_ROW) if series else 0
    height = plot_top + plot_height + 22 + legend_rows * legend_row + 6
    totals = [sum(c.values.get(k, 0) for k, _ in series) for c in categories]
    top = _nice_top(max(totals, default=0))
    span = WIDTH - left - right
    slot = span / max(len(categories), 1)
    width = max(min(slot * 0.7, 40), 2)
    base = plot_top + plot_height
    parts = [_open(label, height, "columns")]
    for tick in (0, top / 2, top) if top > 1 else (0, top):
        y = base - plot_height * tick / top
        parts.append(
            f'<line class="grid" x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}"></line>'
            f'<text class="axis" x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">'
            f"{_number(tick)}</text>"
        )
    # labels of every column while they fit, else of every second or third one
    every = 1 if len(categories) <= 8 else 2 if len(categories) <= 16 else 3
    for i, column in enumerate(categories):
        x = left + slot * i + (slot - width) / 2
        y = float(base)
        for s, (key, _legend) in enumerate(series):
            value = column.values.get(key, 0)
            if not value:
                continue
            h = plot_height * value / top
            y -= h
            parts.append(
                f'<rect class="series-{s % SERIES_CLASSES}" x="{x:.1f}" y="{y:.1f}" '
                f'width="{width:.1f}" height="{h:.1f}"></rect>'
            )
        if (len(categories) - 1 - i) % every == 0:  # the latest column is always labelled
            parts.append(
                f'<text class="axis" x="{x + width / 2:.1f}" y="{base + 15}" '
                f'text-anchor="middle">{escape(column.label)}</text>'
            )
    for s, (_key, legend) in enumerate(series):
        x = left + (s % LEGEND_PER_ROW) * (span / LEGEND_PER_ROW)
        y = base + 22 + (s // LEGEND_PER_ROW) * legend_row
        parts.append(
            f'<rect class="series-{s % SERIES_CLASSES}" x="{x:.1f}" y="{y + 3}" width="10" '
            f'height="10"></rect><text class="legend" x="{x + 14:.1f}" y="{y + 12}">'
            f"{escape(_clip(legend, LEGEND_CHARS))}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _open(label: str, height: int, kind: str, *, width: int = WIDTH) -> str:
    text = escape(label)
    return (
        f'<svg class="chart {kind}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{text}" xmlns="http://www.w3.org/2000/svg"><title>{text}</title>'
    )


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
