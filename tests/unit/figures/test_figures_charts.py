"""SVG bar charts: labels escaped, withheld counts drawn as words, no style or script (CSP)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from kintrace.figures.charts import bar_chart


def test_a_chart_is_well_formed_escaped_and_without_style_or_script() -> None:
    svg = bar_chart(
        title='Діти <b>"x"</b>',
        labels=["Kherson", "<script>alert(1)</script>", "unknown"],
        values=[120, None, 0],
        withheld="приховано",
        translate=lambda s: {"Kherson": "Херсонська"}.get(s, s),
    )
    root = ET.fromstring(svg)  # well-formed: the label cannot break out of its element
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Херсонська" in texts and "<script>alert(1)</script>" in texts
    assert "приховано" in texts and "120" in texts
    assert "<script" not in svg and "<style" not in svg and " style=" not in svg
    bars = list(root.iter("{http://www.w3.org/2000/svg}rect"))
    assert len(bars) == 2  # 120 and 0; the withheld count has no bar
