"""Server-side SVG charts for the cohort dashboard: horizontal bars and stacked week bars.

Like coaching.charts, every piece of text is XML-escaped here so the markup can be marked
safe. Each chart has a <title> and a <desc> that says the numbers in words, and the page
puts the same numbers in a table next to it. States differ by pattern as well as colour.
"""

import hashlib
from dataclasses import dataclass
from xml.sax.saxutils import escape

_FONT = 'font-family="system-ui, sans-serif" font-size="12"'
_CHAR_WIDTH = 7.0
BAR_COLOUR = "#0b6e4f"
STATE_STYLES = {
    "done": ("#2f9e44", ""),
    "due": ("#9fd3c0", ""),
    "overdue": ("#b42318", "url(#{uid}-hatch)"),
    "locked": ("#d0d5dd", ""),
}


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    text: str = ""  # the value as shown; the number itself when empty


def _uid(*parts) -> str:
    return "chart-" + hashlib.sha256(repr(parts).encode()).hexdigest()[:10]


def _num(value: float) -> str:
    return f"{value:.1f}"


def bars_svg(bars: list[Bar], *, title: str, maximum: float, width: int = 480, unit: str = "") -> str:
    """Horizontal bars, one per label, on a 0..maximum scale."""
    uid = _uid("bars", title, bars, maximum)
    row = 26
    label_width = max((len(bar.label) for bar in bars), default=4) * _CHAR_WIDTH + 12
    # The value column fits the longest value, so "100% (n=12)" is never cut off at the edge.
    value_width = max((len(bar.text or _plain(bar.value, unit)) for bar in bars), default=4) * _CHAR_WIDTH + 16
    plot = max(60.0, width - label_width - value_width)
    height = max(40, row * len(bars) + 12)
    described = "; ".join(f"{bar.label}: {bar.text or _plain(bar.value, unit)}" for bar in bars) or "No data yet"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{uid}-title {uid}-desc" class="chart">',
        f'<title id="{uid}-title">{escape(title)}</title><desc id="{uid}-desc">{escape(described)}.</desc>',
        f"<g {_FONT}>",
    ]
    for index, bar in enumerate(bars):
        y = 6 + index * row
        parts.append(f'<text x="{_num(label_width - 8)}" y="{y + 15}" text-anchor="end" fill="#1f2933">'
                     f"{escape(bar.label)}</text>")  # fmt: skip
        parts.append(f'<rect x="{_num(label_width)}" y="{y + 3}" width="{_num(plot)}" height="16" fill="#f1f3f5"/>')
        if bar.value is not None and maximum > 0:
            length = max(0.0, min(1.0, bar.value / maximum)) * plot
            parts.append(
                f'<rect x="{_num(label_width)}" y="{y + 3}" width="{_num(length)}" height="16" fill="{BAR_COLOUR}"/>'
            )
        parts.append(f'<text x="{_num(label_width + plot + 8)}" y="{y + 15}" fill="#1f2933">'
                     f"{escape(bar.text or _plain(bar.value, unit))}</text>")  # fmt: skip
    parts.append("</g></svg>")
    return "".join(parts)


def _plain(value: float | None, unit: str) -> str:
    if value is None:
        return "no data"
    shown = f"{value:.1f}" if isinstance(value, float) and value != int(value) else f"{int(value)}"
    return f"{shown}{unit}"


def weeks_svg(week_counts: list[dict[str, int]], *, labels: list[str], title: str, width: int = 560) -> str:
    """One stacked bar per week: how many hires have it done, due, overdue or locked."""
    uid = _uid("weeks", title, week_counts, labels)
    row, label_width, legend_height = 26, 70, 28
    plot = width - label_width - 16
    height = row * len(week_counts) + legend_height + 12
    sentences = []
    for label, counts in zip(labels, week_counts, strict=True):
        sentences.append(f"{label}: " + ", ".join(f"{counts[state]} {state}" for state in STATE_STYLES))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{uid}-title {uid}-desc" class="chart">',
        f'<title id="{uid}-title">{escape(title)}</title><desc id="{uid}-desc">{escape("; ".join(sentences))}.</desc>',
        f'<defs><pattern id="{uid}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#b42318"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/></pattern></defs>',
        f"<g {_FONT}>",
    ]
    for index, (label, counts) in enumerate(zip(labels, week_counts, strict=True)):
        y = 6 + index * row
        total = sum(counts.values())
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end" fill="#1f2933">{escape(label)}</text>'
        )
        x = float(label_width)
        for state, (colour, fill) in STATE_STYLES.items():
            if not total or not counts[state]:
                continue
            length = counts[state] / total * plot
            paint = fill.format(uid=uid) if fill else colour
            parts.append(
                f'<rect x="{_num(x)}" y="{y + 3}" width="{_num(length)}" height="16" fill="{paint}">'
                f"<title>{escape(f'{label}: {counts[state]} {state}')}</title></rect>"
            )
            x += length
    legend_y = 6 + len(week_counts) * row + 14
    x = float(label_width)
    for state, (colour, fill) in STATE_STYLES.items():
        paint = fill.format(uid=uid) if fill else colour
        parts.append(f'<rect x="{_num(x)}" y="{legend_y - 10}" width="14" height="14" fill="{paint}"/>')
        parts.append(f'<text x="{_num(x + 20)}" y="{legend_y + 1}" fill="#1f2933">{escape(state)}</text>')
        x += 20 + len(state) * _CHAR_WIDTH + 18
    parts.append("</g></svg>")
    return "".join(parts)
