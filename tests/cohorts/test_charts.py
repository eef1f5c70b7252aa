"""The bar chart keeps every label and value inside its own width."""

import re

from cohorts.charts import _CHAR_WIDTH, Bar, bars_svg


def test_a_long_value_text_stays_inside_the_chart():
    bars = [Bar("Readiness met · 30 days", 100.0, "100% (n=12)"), Bar("Readiness not met · 90 days", None, "— (n=0)")]
    svg = bars_svg(bars, title="Retention", maximum=100, width=640, unit="%")
    width = float(re.search(r'width="(\d+)"', svg).group(1))
    value_x = max(float(x) for x in re.findall(r'<text x="([\d.]+)" y="[\d.]+" fill=', svg))
    assert value_x + len("100% (n=12)") * _CHAR_WIDTH <= width
