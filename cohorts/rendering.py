"""The dashboard's big tables, built in Python: a cohort of 500 hires has thousands of cells,
and the template language (or format_html per cell) spends most of the page's time on them.
Every text that comes from data is escaped; cell markup, made from the dashboard's own fixed
states and numbers, is built once per distinct cell and reused."""

from functools import cache

from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime


@cache
def _cell(state: str, label: str, count: int) -> str:
    counted = f' <span class="cell-count">{count}</span>' if state != "locked" else ""
    return f'<td class="cell cell-{escape(state)}"><span class="cell-state">{escape(label)}</span>{counted}</td>'


_PK = 2_147_483_647  # stands for the row's id in a URL reversed once per page


@cache
def _url_pattern(url_name: str, *args) -> str:
    return reverse(url_name, args=[*args, _PK])


def _link(url_name: str, *args) -> str:
    """The URL of `url_name` for these args, the last being a row's id: reversed once, not once per row."""
    *fixed, pk = args
    return escape(_url_pattern(url_name, *fixed).replace(str(_PK), str(int(pk))))


def progress_rows(cohort, hires) -> SafeString:
    rows = []
    for h in hires:
        last_active = date_filter(template_localtime(h.last_active), "j M") if h.last_active else "—"
        cells = "".join(_cell(cell.state, cell.label, cell.count) for cell in h.cells)
        ended = ' class="row-ended"' if not h.is_running else ""
        rows.append(
            f"<tr{ended}>"
            f'<th scope="row"><a href="{_link("cohorts:enrollment", cohort.pk, h.enrollment.pk)}">'
            f"{escape(h.hire.display_name)}</a></th><td>{escape(h.enrollment.get_status_display())}</td>{cells}"
            f'<td class="num">{escape(h.percent)}%</td><td>{escape(last_active)}</td></tr>'
        )
    return mark_safe("\n".join(rows))


def _score_cell(c) -> str:
    if not c.arrow:
        return f'<td class="num">{escape(c.text)}</td>'
    return (
        f'<td class="num">{escape(c.text)} <span class="trend {escape(c.css)}" title="{escape(c.direction)}">'
        f'<span aria-hidden="true">{escape(c.arrow)}</span><span class="visually-hidden">{escape(c.direction)}</span>'
        "</span></td>"
    )


def score_rows(hires) -> SafeString:
    return mark_safe("\n".join(
        f'<tr><th scope="row">{escape(h.hire.display_name)}</th><td class="num">{escape(h.scored)}</td>'
        f"{''.join(_score_cell(c) for c in h.score_cells)}</tr>"
        for h in hires if h.scored
    ))  # fmt: skip


def at_risk_rows(at_risk) -> SafeString:
    return mark_safe("\n".join(
        f'<tr><th scope="row"><a href="{_link("coaching:hire_timeline", h.enrollment.pk)}">'
        f"{escape(h.hire.display_name)}</a></th>"
        f'<td><ul class="reasons">{"".join(f"<li>{escape(reason)}</li>" for reason in h.reasons)}</ul></td>'
        f'<td class="num">{escape(h.percent)}%</td></tr>'
        for h in at_risk
    ))  # fmt: skip


def readiness_rows(readiness) -> SafeString:
    """The cohort's readiness table body: each hire in training, ready or not, and what is missing."""
    rows = []
    for enrollment, hire in readiness.rows:
        items = "".join(f"<li>{escape(text)}</li>" for text in hire.missing)
        missing = f'<ul class="reasons">{items}</ul>' if items else "—"
        rows.append(
            f'<tr><th scope="row"><a href="{_link("coaching:hire_timeline", enrollment.pk)}">'
            f"{escape(enrollment.hire.display_name)}</a></th>"
            f'<td><span class="tag {"tag-done" if hire.met else "tag-danger"}">{escape(hire.label)}</span></td>'
            f"<td>{missing}</td></tr>"
        )
    return mark_safe("\n".join(rows))
