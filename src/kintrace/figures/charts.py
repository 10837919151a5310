"""Bar charts of published counts as SVG text (pure: no I/O, no script, no CSS).

Drawn on the server so the web page needs no client script and keeps its strict Content
Security Policy: the SVG uses presentation attributes only (no `style` element or attribute), and
every label is XML-escaped. A withheld count is drawn as no bar with the word for "withheld".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape

BAR = "#2f5d8a"
TEXT = "#1b1b1b"
MUTED = "#6b6b6b"


def bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    values: Sequence[int | None],
    withheld: str = "withheld",
    translate: Callable[[str], str] = lambda s: s,
    width: int = 640,
) -> str:
    """Horizontal bars, one per label; `None` values are withheld (no bar, the word instead)."""
    row = 22
    left = 170
    right = 70
    top = 34
    height = top + row * len(labels) + 12
    peak = max((v for v in values if v is not None), default=0) or 1
    span = width - left - right
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title, _QUOTE)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="18" font-family="sans-serif" font-size="14" font-weight="bold" '
        f'fill="{TEXT}">{escape(title)}</text>',
    ]
    for n, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + n * row
        parts.append(
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" font-family="sans-serif" '
            f'font-size="12" fill="{TEXT}">{escape(translate(label))}</text>'
        )
        if value is None:
            parts.append(
                f'<text x="{left + 4}" y="{y + 15}" font-family="sans-serif" font-size="12" '
                f'font-style="italic" fill="{MUTED}">{escape(withheld)}</text>'
            )
            continue
        bar = round(span * value / peak)
        parts.append(
            f'<rect x="{left}" y="{y + 3}" width="{bar}" height="{row - 6}" fill="{BAR}"/>'
        )
        parts.append(
            f'<text x="{left + bar + 4}" y="{y + 15}" font-family="sans-serif" font-size="12" '
            f'fill="{TEXT}">{value}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


_QUOTE = {'"': "&quot;"}
