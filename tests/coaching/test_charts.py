"""The trend chart is well-formed, accessible SVG, safe to put straight into a page."""

import xml.etree.ElementTree as ET

import pytest

from coaching.charts import Point, trend_direction, trend_svg

SVG = "{http://www.w3.org/2000/svg}"


def _weeks(*levels):
    return [Point(f"W{week}", level) for week, level in enumerate(levels, start=1)]


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _series_groups(root: ET.Element) -> list[ET.Element]:
    return [group for group in root.iter(f"{SVG}g") if group.get("class") == "series"]


SERIES = {
    "Acknowledge": _weeks(1, 2, 2, 3),
    "Connect": _weeks(2, 2, 1, 1),
    "Explore": _weeks(None, 1, 1, 1),
}


def test_the_chart_is_well_formed_accessible_svg():
    root = _parse(trend_svg(SERIES, title="Hana's call reviews"))

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Hana's call reviews"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert desc.text.startswith("Rubric levels from 0 (missing) to 3 (memorable).")
    assert "Acknowledge: 1 (scripted) at W1, latest 3 (memorable) at W4, rising." in desc.text
    assert "Connect: 2 (genuine) at W1, latest 1 (scripted) at W4, falling." in desc.text
    assert "Explore: 1 (scripted) at W2, latest 1 (scripted) at W4, steady." in desc.text


def test_the_level_axis_names_every_level():
    texts = [text.text for text in _parse(trend_svg(SERIES, title="t")).iter(f"{SVG}text")]

    for label in ("0 missing", "1 scripted", "2 genuine", "3 memorable", "W1", "W4"):
        assert label in texts


def test_each_criterion_has_its_own_group_colour_and_dash_pattern():
    root = _parse(trend_svg(SERIES, title="t"))
    groups = _series_groups(root)

    assert [group.get("data-criterion") for group in groups] == ["Acknowledge", "Connect", "Explore"]
    lines = [group.find(f"{SVG}polyline") for group in groups]
    assert len({line.get("stroke") for line in lines}) == 3
    assert len({line.get("stroke-dasharray") for line in lines}) == 3  # not told apart by colour alone
    legend = next(group for group in root.iter(f"{SVG}g") if group.get("class") == "legend")
    assert [text.text for text in legend.iter(f"{SVG}text")] == ["Acknowledge", "Connect", "Explore"]


def test_a_missing_score_breaks_the_line_in_two():
    root = _parse(trend_svg({"Tone": _weeks(1, 2, None, 2, 3)}, title="t"))
    (group,) = _series_groups(root)

    polylines = group.findall(f"{SVG}polyline")
    assert len(polylines) == 2
    assert [len(line.get("points").split()) for line in polylines] == [2, 2]
    assert len(group.findall(f"{SVG}circle")) == 4  # a marker for every score, none for the gap


def test_a_lone_score_is_drawn_as_a_marker_without_a_line():
    root = _parse(trend_svg({"WOW": _weeks(None, 3, None)}, title="t"))
    (group,) = _series_groups(root)

    assert group.findall(f"{SVG}polyline") == []
    assert len(group.findall(f"{SVG}circle")) == 1
    assert "WOW: 3 (memorable) at W2, the only score so far." in root.find(f"{SVG}desc").text


def test_higher_levels_are_drawn_higher():
    root = _parse(trend_svg({"Tone": _weeks(0, 3)}, title="t"))
    (line,) = _series_groups(root)[0].findall(f"{SVG}polyline")

    (_, y_low), (_, y_high) = (map(float, point.split(",")) for point in line.get("points").split())
    assert y_high < y_low


@pytest.mark.parametrize("series", [{}, {"Tone": []}, {"Tone": _weeks(None, None), "WOW": []}])
def test_no_scores_at_all_gives_a_small_chart_saying_so(series):
    root = _parse(trend_svg(series, title="Call reviews"))

    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Call reviews"
    assert [text.text for text in root.iter(f"{SVG}text")] == ["No scores yet"]
    assert _series_groups(root) == []


def test_hostile_names_and_labels_are_escaped():
    hostile = '<script>alert("x")</script>'
    svg = trend_svg(
        {hostile: [Point(hostile, 2), Point("W2 & W3", 3)], "a\x00b\x1f": _weeks(1, 2)},
        title=f"{hostile} ' \"",
    )

    assert "<script>" not in svg
    root = _parse(svg)
    assert root.find(f"{SVG}title").text == f"{hostile} ' \""
    assert _series_groups(root)[0].get("data-criterion") == hostile
    assert _series_groups(root)[1].get("data-criterion") == "ab"  # characters XML cannot carry are dropped
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert hostile in texts and "W2 & W3" in texts
    assert hostile in root.find(f"{SVG}desc").text


def test_the_same_scores_always_give_the_same_markup():
    assert trend_svg(SERIES, title="t") == trend_svg(dict(SERIES), title="t")
    assert trend_svg(SERIES, title="t") != trend_svg(SERIES, title="u")


def test_crowded_labels_are_thinned_out():
    many = [Point(f"2025-{month:02d}-{day:02d}", day % 4) for month in (1, 2) for day in range(1, 29)]
    root = _parse(trend_svg({"Tone": many}, title="t"))

    x_labels = next(group for group in root.iter(f"{SVG}g") if group.get("class") == "x-labels")
    shown = [text.text for text in x_labels]
    assert 2 <= len(shown) < len(many)
    assert shown[0] == "2025-01-01"
    assert len(_series_groups(root)[0].findall(f"{SVG}circle")) == len(many)


def test_series_with_different_weeks_share_one_axis():
    root = _parse(trend_svg({"Tone": _weeks(1, 2), "WOW": [Point("W2", 1), Point("W3", 2)]}, title="t"))
    x_labels = next(group for group in root.iter(f"{SVG}g") if group.get("class") == "x-labels")

    assert [text.text for text in x_labels] == ["W1", "W2", "W3"]


def test_a_long_legend_makes_room_for_itself():
    criteria = {f"Criterion number {n}": _weeks(1, 2) for n in range(12)}
    root = _parse(trend_svg(criteria, title="t", height=220))

    assert int(root.get("height")) > 220
    assert len(_series_groups(root)) == 12


@pytest.mark.parametrize(
    ("levels", "direction"),
    [
        ([], "no data"),
        ([None, None], "no data"),
        ([2], "one score"),
        ([None, 2, None], "one score"),
        ([1, 3], "rising"),
        ([3, 1], "falling"),
        ([2, 2], "steady"),
        ([1, None, 2, 3], "rising"),
        ([1, 1, 2, 2], "rising"),
        ([3, 3, 2, 2], "falling"),
        ([1, 3, 3, 1], "steady"),
        ([2, 2.1, 2.1, 2.2], "steady"),
        ([0, 1, 1, 1, 1, 3, 3], "rising"),
        ([float("nan"), 1, 2], "rising"),
    ],
)
def test_trend_direction(levels, direction):
    assert trend_direction(levels) == direction
