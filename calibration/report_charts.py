"""The grading-quality charts, drawn on the server as inline SVG, and the tables that go with them.

As in coaching.charts (whose colours, dash patterns, markers and escaping this module uses), every piece of
text is XML-escaped here, so a template may mark the markup safe; each chart has a title and a description
in words, and the page follows it with a table of the same numbers. Series differ by colour, dash and
marker shape, bars by colour and pattern, so the charts read in greyscale too.
"""

from dataclasses import dataclass

from calibration.agreement import GoldAgreement
from calibration.reports import (
    ALPHA_RELIABLE,
    ALPHA_TENTATIVE,
    CoachLeniency,
    CriterionTitle,
    GradingQuality,
    SecondMarking,
    SessionFigures,
)
from coaching.charts import _CHAR_WIDTH, _FONT, Value, _empty, _n, _open, _text, _uid, decimal, line_svg

EXACT_COLOUR, WITHIN_COLOUR = "#0072B2", "#9ecae1"
LENIENT_COLOUR, SEVERE_COLOUR = "#D55E00", "#0072B2"


def signed(value: float | None) -> str:
    return "—" if value is None else f"{value:+.2f}"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def _bar_label_width(labels: list[str]) -> float:
    return max((len(label) for label in labels), default=4) * _CHAR_WIDTH + 14


def paired_bars_svg(rows: list[tuple[str, float | None, float | None]], *, title: str, width: int = 560) -> str:
    """Two bars per label on a 0–100% scale: exact agreement (solid) and within one level (light, behind)."""
    if not any(exact is not None for _, exact, _ in rows):
        return _empty(title, width, "Nothing to show yet.")
    uid = _uid("pairs", title, rows)
    row_height, label_width, value_width = 30, _bar_label_width([label for label, *_ in rows]), 110
    plot = max(80.0, width - label_width - value_width)
    height = len(rows) * row_height + 40
    description = "; ".join(f"{label}: exact {percent(a)}, within one {percent(b)}" for label, a, b in rows)
    parts = _open(uid, width, height, title, description + ".")
    parts.append(f"<g {_FONT}>")
    for index, (label, exact, within) in enumerate(rows):
        y = 6 + index * row_height
        parts.append(
            f'<text x="{_n(label_width - 8)}" y="{y + 16}" text-anchor="end" fill="#1f2933">{_text(label)}</text>'
        )
        parts.append(f'<rect x="{_n(label_width)}" y="{y + 2}" width="{_n(plot)}" height="20" fill="#f1f3f5"/>')
        if within is not None:
            parts.append(
                f'<rect x="{_n(label_width)}" y="{y + 2}" width="{_n(within * plot)}" height="20" '
                f'fill="{WITHIN_COLOUR}"><title>{_text(f"{label}: within one {percent(within)}")}</title>'
                "</rect>"
            )
        if exact is not None:
            parts.append(
                f'<rect x="{_n(label_width)}" y="{y + 7}" width="{_n(exact * plot)}" height="10" '
                f'fill="{EXACT_COLOUR}"><title>{_text(f"{label}: exact {percent(exact)}")}</title></rect>'
            )
        parts.append(
            f'<text x="{_n(label_width + plot + 8)}" y="{y + 16}" fill="#1f2933">'
            f"{_text(f'{percent(exact)} · {percent(within)}')}</text>"
        )
    legend_y = len(rows) * row_height + 22
    parts.append(f'<rect x="{_n(label_width)}" y="{legend_y - 5}" width="24" height="10" fill="{EXACT_COLOUR}"/>')
    parts.append(f'<text x="{_n(label_width + 30)}" y="{legend_y + 4}" fill="#1f2933">exact</text>')
    parts.append(f'<rect x="{_n(label_width + 90)}" y="{legend_y - 8}" width="24" height="16" fill="{WITHIN_COLOUR}"/>')
    parts.append(f'<text x="{_n(label_width + 120)}" y="{legend_y + 4}" fill="#1f2933">within one level</text>')
    parts.append("</g></svg>")
    return "".join(parts)


def diverging_bars_svg(
    rows: list[tuple[str, float | None, bool]], *, title: str, threshold: float, width: int = 560
) -> str:
    """Bars either side of zero: above zero (right, solid) lenient, below zero (left, hatched) severe; dashed
    lines mark the threshold either side. A value past it is said so in its label."""
    if not any(value is not None for _, value, _ in rows):
        return _empty(title, width, "Nothing to show yet.")
    uid = _uid("diverging", title, rows, threshold)
    bound = max([1.0, threshold * 1.5, *(abs(value) for _, value, _ in rows if value is not None)])
    row_height, label_width, value_width = 24, _bar_label_width([label for label, *_ in rows]), 130
    plot = max(120.0, width - label_width - value_width)
    middle = label_width + plot / 2
    height = len(rows) * row_height + 36

    def x_at(value: float) -> float:
        return middle + value / bound * (plot / 2)

    def said(value: float | None, flagged: bool) -> str:
        return signed(value) + (" past the threshold" if flagged else "")

    description = "; ".join(f"{label}: {said(value, flagged)}" for label, value, flagged in rows)
    parts = _open(uid, width, height, title, f"Mean levels from gold, above 0 lenient, below 0 severe. {description}.")
    parts.append(
        f'<defs><pattern id="{uid}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{SEVERE_COLOUR}"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/></pattern></defs>'
    )
    parts.append(f"<g {_FONT}>")
    bottom = len(rows) * row_height + 6
    for edge in (-threshold, threshold):
        parts.append(
            f'<line x1="{_n(x_at(edge))}" y1="2" x2="{_n(x_at(edge))}" y2="{bottom}" stroke="#8C6500" '
            'stroke-dasharray="4 3"/>'
        )
    for index, (label, value, flagged) in enumerate(rows):
        y = 6 + index * row_height
        parts.append(
            f'<text x="{_n(label_width - 8)}" y="{y + 14}" text-anchor="end" fill="#1f2933">{_text(label)}</text>'
        )
        if value is not None and value != 0:
            start, end = sorted((middle, x_at(value)))
            paint = LENIENT_COLOUR if value > 0 else f"url(#{uid}-hatch)"
            parts.append(
                f'<rect x="{_n(start)}" y="{y + 3}" width="{_n(end - start)}" height="14" fill="{paint}">'
                f"<title>{_text(f'{label}: {said(value, flagged)}')}</title></rect>"
            )
        weight = ' font-weight="700"' if flagged else ""
        parts.append(
            f'<text x="{_n(label_width + plot + 8)}" y="{y + 14}" fill="#1f2933"{weight}>'
            f"{_text(signed(value) + (' ⚑' if flagged else ''))}</text>"
        )
    parts.append(f'<line x1="{_n(middle)}" y1="2" x2="{_n(middle)}" y2="{bottom}" stroke="#1f2933"/>')
    axis_y = bottom + 16
    for value, text in ((-bound, f"{signed(-bound)} severe"), (0.0, "0"), (bound, f"{signed(bound)} lenient")):
        anchor = {-bound: "start", 0.0: "middle", bound: "end"}[value]
        parts.append(
            f'<text x="{_n(x_at(value))}" y="{axis_y}" text-anchor="{anchor}" fill="#444">{_text(text)}</text>'
        )
    parts.append("</g></svg>")
    return "".join(parts)


# --- The figures -------------------------------------------------------------------------------------------


def _session_labels(sessions: list[SessionFigures]) -> list[str]:
    return [row.label for row in sessions]


def alpha_chart(quality: GradingQuality) -> str:
    labels = _session_labels(quality.sessions)
    series = {
        c.title: [Value(label, row.alpha[c.key]) for label, row in zip(labels, quality.sessions, strict=True)]
        for c in quality.criteria
    }
    values = [point.value for points in series.values() for point in points if point.value is not None]
    y_min = -1.0 if any(value < 0 for value in values) else 0.0
    references = ((ALPHA_TENTATIVE, "0.667 tentative"), (ALPHA_RELIABLE, "0.8 reliable"))
    return line_svg(
        series,
        title="Krippendorff's alpha per criterion, session by session",
        y_min=y_min,
        y_max=1.0,
        references=references,
    )


def gold_chart(criteria: list[CriterionTitle], with_gold: dict[str, GoldAgreement], *, title: str) -> str:
    rows = [(c.title, with_gold[c.key].exact, with_gold[c.key].within_one) for c in criteria]
    return paired_bars_svg(rows, title=title)


def second_marking_chart(marking: SecondMarking) -> str:
    rows = [(c.title, c.exact, c.within_one) for c in marking.criteria]
    return paired_bars_svg(rows, title="Blind second marks: the two coaches' agreement per criterion")


def leniency_chart(
    leniency: list[CoachLeniency], criteria: list[CriterionTitle], *, threshold: float, with_coach: bool = True
) -> str:
    rows = [
        (
            f"{row.coach.display_name}: {c.title}" if with_coach else c.title,
            row.by_criterion[c.key].deviation,
            c.key in row.past_threshold,
        )
        for row in leniency
        for c in criteria
        if row.by_criterion[c.key].n
    ]
    return diverging_bars_svg(
        rows, title="Leniency: mean deviation from gold per coach and criterion", threshold=threshold
    )


def leniency_trend_chart(
    row: CoachLeniency, criteria: list[CriterionTitle], sessions: list[SessionFigures], *, threshold: float
) -> str:
    labels = _session_labels(sessions)
    series = {
        c.title: [Value(label, value) for label, value in zip(labels, row.trend[c.key], strict=True)] for c in criteria
    }
    values = [abs(point.value) for points in series.values() for point in points if point.value is not None]
    bound = float(max([1.0, threshold * 1.5, *values]))
    references = ((threshold, f"{signed(threshold)} lenient"), (-threshold, f"{signed(-threshold)} severe"))
    return line_svg(
        series,
        title=f"{row.coach.display_name}: deviation from gold per criterion, session by session",
        y_min=-bound,
        y_max=bound,
        references=references,
        shown=signed,
    )


# --- The tables that follow the charts ---------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    text: str
    css: str = "num"


@dataclass(frozen=True)
class TableRow:
    header: str
    cells: list[Cell]
    url: str = ""  # where the row's header links to, if anywhere


@dataclass(frozen=True)
class Table:
    caption: str
    columns: list[str]  # the first names the row headers
    rows: list[TableRow]


def _deviation_cell(found: GoldAgreement, flagged: bool) -> Cell:
    if found.deviation is None:
        return Cell("—")
    text = f"{signed(found.deviation)} ({found.n})"
    return Cell(f"{text} ⚑ past threshold" if flagged else text, "num past-threshold" if flagged else "num")


def alpha_table(quality: GradingQuality) -> Table:
    rows = [
        TableRow(row.label, [Cell(decimal(row.alpha[c.key])) for c in quality.criteria]) for row in quality.sessions
    ]
    if quality.sessions:
        rows.append(
            TableRow(
                f"Pooled: the latest {quality.pooled_sessions} session(s)",
                [Cell(decimal(quality.pooled_alpha[c.key])) for c in quality.criteria],
            )
        )
    return Table(
        "Krippendorff's alpha (ordinal) per criterion, by session, and pooled",
        ["Session", *(c.title for c in quality.criteria)],
        rows,
    )


def gold_table(criteria: list[CriterionTitle], with_gold: dict[str, GoldAgreement], *, caption: str) -> Table:
    rows = []
    for c in criteria:
        found = with_gold[c.key]
        rows.append(
            TableRow(c.title, [Cell(str(found.n)), Cell(percent(found.exact)), Cell(percent(found.within_one))])
        )
    return Table(caption, ["Criterion", "Levels compared", "Exact", "Within one"], rows)


def gold_over_time_table(quality: GradingQuality) -> Table:
    rows = [
        TableRow(
            row.label,
            [
                Cell(f"{percent(row.with_gold[c.key].exact)} · {percent(row.with_gold[c.key].within_one)}")
                for c in quality.criteria
            ],
        )
        for row in quality.sessions
    ]
    return Table(
        "Agreement with gold by session: exact · within one level",
        ["Session", *(c.title for c in quality.criteria)],
        rows,
    )


def leniency_table(leniency: list[CoachLeniency], criteria: list[CriterionTitle], *, coach_url=None) -> Table:
    rows = [
        TableRow(
            row.coach.display_name,
            [_deviation_cell(row.by_criterion[c.key], c.key in row.past_threshold) for c in criteria],
            coach_url(row.coach) if coach_url else "",
        )
        for row in leniency
    ]
    return Table(
        "Mean deviation from gold per coach and criterion (levels compared in brackets)",
        ["Coach", *(c.title for c in criteria)],
        rows,
    )


def coach_criteria_table(row: CoachLeniency, criteria: list[CriterionTitle]) -> Table:
    rows = []
    for c in criteria:
        found = row.by_criterion[c.key]
        rows.append(
            TableRow(
                c.title,
                [
                    Cell(str(found.n)),
                    Cell(percent(found.exact)),
                    Cell(percent(found.within_one)),
                    _deviation_cell(found, c.key in row.past_threshold),
                    Cell(found.leaning or "—", ""),
                ],
            )
        )
    return Table(
        f"{row.coach.display_name} against gold, per criterion",
        ["Criterion", "Levels compared", "Exact", "Within one", "Mean deviation", "Leaning"],
        rows,
    )


def leniency_trend_table(row: CoachLeniency, criteria: list[CriterionTitle], sessions: list[SessionFigures]) -> Table:
    rows = [TableRow(c.title, [Cell(signed(value)) for value in row.trend[c.key]]) for c in criteria]
    return Table(
        f"{row.coach.display_name}: mean deviation from gold per criterion, by session",
        ["Criterion", *_session_labels(sessions)],
        rows,
    )


def second_marking_table(marking: SecondMarking) -> Table:
    rows = [
        TableRow(
            c.title,
            [
                Cell(str(c.pairs)),
                Cell(decimal(c.alpha)),
                Cell(percent(c.exact)),
                Cell(percent(c.within_one)),
                Cell(percent(c.wide_gap)),
            ],
        )
        for c in marking.criteria
    ]
    return Table(
        "Blind second marks: agreement between the first and the second coach, per criterion",
        ["Criterion", "Pairs", "Alpha", "Exact", "Within one", "Two or more apart"],
        rows,
    )


def onboarding_table(results, criteria: list[CriterionTitle]) -> Table:
    rows = [
        TableRow(
            result.session.title,
            [
                Cell(str(result.overall.n)),
                Cell(percent(result.overall.exact)),
                Cell(percent(result.overall.within_one)),
                Cell(signed(result.overall.deviation)),
                *(Cell(signed(result.by_criterion[c.key].deviation)) for c in criteria),
            ],
        )
        for result in results
    ]
    return Table(
        "Onboarding sessions against gold: overall, then the mean deviation per criterion",
        ["Session", "Levels compared", "Exact", "Within one", "Leniency", *(c.title for c in criteria)],
        rows,
    )
