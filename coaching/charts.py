"""A small trend chart of rubric levels, drawn on the server as inline SVG.

No JavaScript and no chart library: the chart is a string of SVG markup that a template
may mark safe, because every piece of text that goes into it is XML-escaped here. Each
criterion differs from the others by colour, by dash pattern and by marker shape, so the
chart still reads in greyscale or to someone who does not tell the colours apart.
"""

import hashlib
import math
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from courses.levels import LEVEL_MAX, LEVEL_MIN, LEVEL_NAMES
from courses.trends import trend_direction  # the one rule; charts only say what it decides

__all__ = ["Point", "trend_direction", "trend_svg"]


# Okabe–Ito hues, darkened where needed to keep 3:1 contrast against white.
COLOURS = ("#0072B2", "#D55E00", "#00795A", "#AA3F85", "#8C6500", "#1F1F1F", "#2E86C1", "#6B4C9A")
DASHES = ("", "7 4", "2 3", "9 3 2 3", "4 4", "12 4", "2 2 6 2", "1 5")
MARKERS = ("circle", "square", "diamond", "triangle", "triangle-down")

_FONT = 'font-family="system-ui, sans-serif" font-size="11"'
_CHAR_WIDTH = 6.5  # rough width of one character at 11px, for layout only
_MARGIN_LEFT, _MARGIN_RIGHT, _MARGIN_TOP = 84, 16, 12
_X_LABELS_HEIGHT, _LEGEND_ROW, _LEGEND_SAMPLE = 24, 18, 30
_MIN_PLOT_HEIGHT = 100
# Characters XML 1.0 forbids even when escaped: they would make the whole chart unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Point:
    label: str
    level: float | None  # on the rubric's scale (courses.levels); None when there was no score that time


def _text(value: object) -> str:
    return escape(_NOT_XML.sub("", str(value)))


def _attr(value: object) -> str:
    return quoteattr(_NOT_XML.sub("", str(value)))


def _num(value: float) -> str:
    return f"{value:.1f}"


def _level(value: float | None) -> float | None:
    """A level clamped to the scale; NaN counts as no score."""
    if value is None or math.isnan(value):
        return None
    return min(max(float(value), float(LEVEL_MIN)), float(LEVEL_MAX))


def _level_text(level: float) -> str:
    if level == int(level):
        return f"{int(level)} ({LEVEL_NAMES[int(level)]})"
    return f"{level:.1f}"


def _describe(series: dict[str, list[Point]]) -> str:
    sentences = [f"Rubric levels from {_level_text(LEVEL_MIN)} to {_level_text(LEVEL_MAX)}."]
    for name, points in series.items():
        scored = [(point.label, level) for point in points if (level := _level(point.level)) is not None]
        if not scored:
            sentences.append(f"{name}: no scores yet.")
        elif len(scored) == 1:
            label, level = scored[0]
            sentences.append(f"{name}: {_level_text(level)} at {label}, the only score so far.")
        else:
            (first_label, first), (last_label, last) = scored[0], scored[-1]
            direction = trend_direction([level for _, level in scored])
            latest = f"latest {_level_text(last)} at {last_label}"
            sentences.append(f"{name}: {_level_text(first)} at {first_label}, {latest}, {direction}.")
    return " ".join(sentences)


def _slots(series: dict[str, list[Point]]) -> tuple[list[str], list[list[int]]]:
    """Shared x positions: labels in first-seen order; a label repeated within one series takes a second slot."""
    slot_of: dict[tuple[str, int], int] = {}
    labels: list[str] = []
    positions: list[list[int]] = []
    for points in series.values():
        seen: dict[str, int] = {}
        row = []
        for point in points:
            key = (point.label, seen.get(point.label, 0))
            seen[point.label] = key[1] + 1
            if key not in slot_of:
                slot_of[key] = len(labels)
                labels.append(point.label)
            row.append(slot_of[key])
        positions.append(row)
    return labels, positions


def _marker(shape: str, x: float, y: float) -> str:
    if shape == "circle":
        return f'<circle cx="{_num(x)}" cy="{_num(y)}" r="4"'
    if shape == "square":
        return f'<rect x="{_num(x - 3.5)}" y="{_num(y - 3.5)}" width="7" height="7"'
    offsets = {
        "diamond": ((0, -5), (5, 0), (0, 5), (-5, 0)),
        "triangle": ((0, -5), (5, 4), (-5, 4)),
        "triangle-down": ((0, 5), (5, -4), (-5, -4)),
    }[shape]
    points = " ".join(f"{_num(x + dx)},{_num(y + dy)}" for dx, dy in offsets)
    return f'<polygon points="{points}"'


def _legend_rows(names: list[str], width: int) -> list[list[tuple[int, str, float]]]:
    """Legend entries wrapped into rows that fit the chart's width, as (series index, name, x)."""
    rows: list[list[tuple[int, str, float]]] = [[]]
    x = float(_MARGIN_LEFT)
    for index, name in enumerate(names):
        entry_width = _LEGEND_SAMPLE + 6 + len(name) * _CHAR_WIDTH + 16
        if rows[-1] and x + entry_width > width - _MARGIN_RIGHT:
            rows.append([])
            x = float(_MARGIN_LEFT)
        rows[-1].append((index, name, x))
        x += entry_width
    return rows


def _empty_svg(title: str, width: int, uid: str) -> str:
    height = 48
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{uid}-title {uid}-desc">'
        f'<title id="{uid}-title">{_text(title)}</title>'
        f'<desc id="{uid}-desc">No scores yet.</desc>'
        f'<text x="{width // 2}" y="{height // 2 + 4}" text-anchor="middle" fill="#555" {_FONT}>No scores yet</text>'
        "</svg>"
    )


def trend_svg(series: dict[str, list[Point]], *, title: str, width: int = 560, height: int = 220) -> str:
    """An accessible inline SVG line chart of rubric levels per criterion over time, keyed by criterion name."""
    # Ids derived from the content keep the output deterministic and distinct between charts on a page.
    fingerprint = repr((title, width, height, [(name, points) for name, points in series.items()]))
    uid = "trend-" + hashlib.sha256(fingerprint.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    if not any(_level(point.level) is not None for points in series.values() for point in points):
        return _empty_svg(title, width, uid)

    names = list(series)
    legend = _legend_rows(names, width)
    chrome = _MARGIN_TOP + _X_LABELS_HEIGHT + len(legend) * _LEGEND_ROW + 8
    height = max(height, chrome + _MIN_PLOT_HEIGHT)  # a long legend grows the chart, never squashes the plot
    labels, positions = _slots(series)
    widest = max(len(_short(label)) for label in labels) * _CHAR_WIDTH + 8
    plot_left, plot_right = _MARGIN_LEFT, width - max(_MARGIN_RIGHT, widest / 2)  # room for the last label
    plot_top, plot_bottom = _MARGIN_TOP, height - chrome + _MARGIN_TOP
    step = (plot_right - plot_left) / (len(labels) - 1) if len(labels) > 1 else 0.0

    def x_at(slot: int) -> float:
        return plot_left + slot * step if len(labels) > 1 else (plot_left + plot_right) / 2

    def y_at(level: float) -> float:
        return plot_bottom - (level - LEVEL_MIN) / (LEVEL_MAX - LEVEL_MIN) * (plot_bottom - plot_top)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{uid}-title {uid}-desc">',
        f'<title id="{uid}-title">{_text(title)}</title>',
        f'<desc id="{uid}-desc">{_text(_describe(series))}</desc>',
        f'<g class="grid" {_FONT} fill="#444">',
    ]
    for level, level_name in LEVEL_NAMES.items():
        y = _num(y_at(level))
        parts.append(f'<line x1="{plot_left}" y1="{y}" x2="{plot_right}" y2="{y}" stroke="#ddd" stroke-width="1"/>')
        parts.append(f'<text x="{plot_left - 8}" y="{y}" dy="4" text-anchor="end">{level} {level_name}</text>')
    parts.append("</g>")

    # Labels are thinned out evenly when they would overlap.
    every = max(1, math.ceil(widest / step)) if step else 1
    parts.append(f'<g class="x-labels" {_FONT} fill="#444" text-anchor="middle">')
    label_y = _num(plot_bottom + 18)
    for slot, label in enumerate(labels):
        if slot % every == 0:
            parts.append(f'<text x="{_num(x_at(slot))}" y="{label_y}">{_text(_short(label))}</text>')
    parts.append("</g>")

    for index, (name, points) in enumerate(series.items()):
        placed = []
        for slot, point in zip(positions[index], points, strict=True):
            level = _level(point.level)
            if level is None:
                placed.append(None)  # no score that time: the line breaks here rather than bridging it
            else:
                placed.append((x_at(slot), y_at(level), f"{name}, {point.label}: {_level_text(level)}"))
        parts += _series_parts(index, placed, f"data-criterion={_attr(name)}")
    parts += _legend_parts(legend, plot_bottom + _X_LABELS_HEIGHT + 8)
    parts.append("</svg>")
    return "".join(parts)


def _series_parts(index: int, placed: list[tuple[float, float, str] | None], data: str) -> list[str]:
    """One series: its line, broken where a point is None, and a marker with a tooltip at every point."""
    colour, dash, shape = _style(index)
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    parts = [f'<g class="series" {data}>']
    runs: list[list[tuple[float, float]]] = [[]]
    markers = []
    for point in placed:
        if point is None:
            runs.append([])
            continue
        x, y, tooltip = point
        runs[-1].append((x, y))
        markers.append(
            f'{_marker(shape, x, y)} fill="{colour}" stroke="#fff" stroke-width="1">'
            f"<title>{_text(tooltip)}</title></{_tag(shape)}>"
        )
    for run in runs:
        if len(run) > 1:
            coordinates = " ".join(f"{_num(x)},{_num(y)}" for x, y in run)
            parts.append(
                f'<polyline points="{coordinates}" fill="none" stroke="{colour}" stroke-width="2"'
                f' stroke-linejoin="round" stroke-linecap="round"{dash_attr}/>'
            )
    return [*parts, *markers, "</g>"]


def _legend_parts(legend: list[list[tuple[int, str, float]]], top: float) -> list[str]:
    parts = [f'<g class="legend" {_FONT} fill="#222">']
    for row_number, row in enumerate(legend):
        y = top + row_number * _LEGEND_ROW
        for index, name, x in row:
            colour, dash, shape = _style(index)
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<line x1="{_num(x)}" y1="{y}" x2="{_num(x + _LEGEND_SAMPLE)}" y2="{y}" stroke="{colour}"'
                f' stroke-width="2"{dash_attr}/>'
            )
            parts.append(f'{_marker(shape, x + _LEGEND_SAMPLE / 2, y)} fill="{colour}"/>')
            parts.append(f'<text x="{_num(x + _LEGEND_SAMPLE + 6)}" y="{y}" dy="4">{_text(name)}</text>')
    parts.append("</g>")
    return parts


def _style(index: int) -> tuple[str, str, str]:
    return COLOURS[index % len(COLOURS)], DASHES[index % len(DASHES)], MARKERS[index % len(MARKERS)]


def _tag(shape: str) -> str:
    return {"circle": "circle", "square": "rect"}.get(shape, "polygon")


def _short(label: str, limit: int = 14) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


# --- Charts of any figure on a fixed scale (agreement, deviation), shared by the grading-quality pages.

_MARGIN_RIGHT_FIGURE = 24
_PLOT_HEIGHT = 160


@dataclass(frozen=True)
class Value:
    label: str
    value: float | None  # None where there was nothing to compute that time


def _uid(*parts) -> str:
    return "quality-" + hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()[:10]


def _n(value: float) -> str:
    return f"{value:.1f}"


def decimal(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _open(uid: str, width: int, height: int, title: str, description: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{uid}-title {uid}-desc" class="chart">',
        f'<title id="{uid}-title">{_text(title)}</title>',
        f'<desc id="{uid}-desc">{_text(description)}</desc>',
    ]


def _empty(title: str, width: int, message: str) -> str:
    uid = _uid("empty", title, width)
    parts = _open(uid, width, 48, title, message)
    parts.append(f'<text x="{width // 2}" y="28" text-anchor="middle" fill="#555" {_FONT}>{_text(message)}</text>')
    return "".join(parts) + "</svg>"


def line_svg(
    series: dict[str, list[Value]],
    *,
    title: str,
    y_min: float,
    y_max: float,
    references: tuple[tuple[float, str], ...] = (),
    shown=decimal,
    width: int = 640,
) -> str:
    """Lines over shared x labels (every series has a value per label, None for a gap), on a fixed y scale,
    with labelled horizontal reference lines."""
    if not any(point.value is not None for points in series.values() for point in points):
        return _empty(title, width, "Nothing to show yet.")
    uid = _uid("line", title, series, y_min, y_max, references)
    labels = [point.label for point in next(iter(series.values()))]
    legend = _legend_rows(list(series), width)
    height = _MARGIN_TOP + _PLOT_HEIGHT + _X_LABELS_HEIGHT + len(legend) * _LEGEND_ROW + 12
    plot_left, plot_right, plot_top, plot_bottom = (
        _MARGIN_LEFT,
        width - _MARGIN_RIGHT_FIGURE - max((len(label) * _CHAR_WIDTH + 8 for _, label in references), default=0),
        _MARGIN_TOP,
        _MARGIN_TOP + _PLOT_HEIGHT,
    )
    step = (plot_right - plot_left) / (len(labels) - 1) if len(labels) > 1 else 0.0

    def x_at(slot: int) -> float:
        return plot_left + slot * step if len(labels) > 1 else (plot_left + plot_right) / 2

    def y_at(value: float) -> float:
        clamped = min(max(value, y_min), y_max)
        return plot_bottom - (clamped - y_min) / (y_max - y_min) * (plot_bottom - plot_top)

    sentences = [f"Scale {shown(y_min)} to {shown(y_max)}."]
    for name, points in series.items():
        given = [(point.label, point.value) for point in points if point.value is not None]
        if given:
            sentences.append(f"{name}: " + ", ".join(f"{label} {shown(value)}" for label, value in given) + ".")
        else:
            sentences.append(f"{name}: nothing yet.")
    parts = _open(uid, width, height, title, " ".join(sentences))
    parts.append(f'<g class="grid" {_FONT} fill="#444">')
    ticks = sorted({y_min, y_max, 0.0} if y_min < 0 < y_max else {y_min, y_max})
    for tick in ticks:
        y = _n(y_at(tick))
        parts.append(f'<line x1="{plot_left}" y1="{y}" x2="{plot_right}" y2="{y}" stroke="#bbb" stroke-width="1"/>')
        parts.append(f'<text x="{plot_left - 8}" y="{y}" dy="4" text-anchor="end">{_text(shown(tick))}</text>')
    for value, label in references:
        y = _n(y_at(value))
        parts.append(
            f'<line x1="{plot_left}" y1="{y}" x2="{plot_right}" y2="{y}" stroke="#8C6500" '
            'stroke-width="1" stroke-dasharray="5 3"/>'
        )
        parts.append(f'<text x="{plot_right + 4}" y="{y}" dy="4" fill="#6b4d00">{_text(label)}</text>')
    parts.append("</g>")
    widest = max(len(_short(label)) for label in labels) * _CHAR_WIDTH + 8
    every = max(1, int(widest // step) + 1) if step else 1
    parts.append(f'<g class="x-labels" {_FONT} fill="#444" text-anchor="middle">')
    for slot, label in enumerate(labels):
        if slot % every == 0:
            parts.append(f'<text x="{_n(x_at(slot))}" y="{_n(plot_bottom + 18)}">{_text(_short(label))}</text>')
    parts.append("</g>")
    for index, (name, points) in enumerate(series.items()):
        placed = [  # None: nothing that time, and the line breaks rather than bridging the gap
            None if p.value is None else (x_at(n), y_at(p.value), f"{name}, {p.label}: {shown(p.value)}")
            for n, p in enumerate(points)
        ]
        parts += _series_parts(index, placed, f"data-series={_attr(name)}")
    parts += _legend_parts(legend, plot_bottom + _X_LABELS_HEIGHT + 8)
    parts.append("</svg>")
    return "".join(parts)
