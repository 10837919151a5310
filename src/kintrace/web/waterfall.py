"""The pair page's waterfall: the model's weights drawn as SVG bars (presentation only)."""

from __future__ import annotations

from dataclasses import dataclass

from kintrace.services.review import Step


@dataclass(frozen=True)
class Bar:
    """A row of the waterfall drawn as an SVG bar: where it starts and how wide it is, in
    percent of the drawing, from the running total before and after the step."""

    label: str
    level: str
    weight: float
    total: float  # running match weight after this step
    start: float
    width: float


def waterfall(prior: float | None, steps: list[Step]) -> list[Bar]:
    rows = ([("prior", "", prior)] if prior is not None else []) + [
        (s.comparison, s.level, s.weight) for s in steps
    ]
    totals = [0.0]
    for _label, _level, weight in rows:
        totals.append(totals[-1] + weight)
    low, high = min(totals), max(totals)
    span = (high - low) or 1.0
    bars = []
    for i, (label, level, weight) in enumerate(rows):
        a, b = sorted((totals[i], totals[i + 1]))
        bars.append(
            Bar(
                label=label,
                level=level,
                weight=weight,
                total=totals[i + 1],
                start=round((a - low) / span * 100, 2),
                width=max(round((b - a) / span * 100, 2), 0.5),
            )
        )
    return bars
