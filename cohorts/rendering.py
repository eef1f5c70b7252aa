"""The dashboard's two big tables, built in Python: a cohort of 500 hires has thousands of
cells, and the template language spends most of the page's time looping over them. Every
value goes through format_html, so it is escaped exactly as the template would escape it."""

from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime


def _cell(cell) -> SafeString:
    count = format_html(' <span class="cell-count">{}</span>', cell.count) if cell.state != "locked" else ""
    return format_html(
        '<td class="cell cell-{}"><span class="cell-state">{}</span>{}</td>', cell.state, cell.label, count
    )


def progress_rows(cohort, hires) -> SafeString:
    rows = []
    for h in hires:
        url = reverse("cohorts:enrollment", args=[cohort.pk, h.enrollment.pk])
        last_active = date_filter(template_localtime(h.last_active), "j M") if h.last_active else "—"
        rows.append(format_html(
            '<tr{}><th scope="row"><a href="{}">{}</a></th><td>{}</td>{}<td class="num">{}%</td><td>{}</td></tr>',
            mark_safe(' class="row-ended"') if not h.is_running else "", url, h.hire.display_name,
            h.enrollment.get_status_display(), mark_safe("".join(_cell(cell) for cell in h.cells)), h.percent,
            last_active,
        ))  # fmt: skip
    return mark_safe("\n".join(rows))


def _score_cell(c) -> SafeString:
    if not c.arrow:
        return format_html('<td class="num">{}</td>', c.text)
    return format_html(
        '<td class="num">{} <span class="trend {}" title="{}"><span aria-hidden="true">{}</span>'
        '<span class="visually-hidden">{}</span></span></td>',
        c.text, c.css, c.direction, c.arrow, c.direction,
    )  # fmt: skip


def score_rows(hires) -> SafeString:
    return format_html_join(
        "\n",
        '<tr><th scope="row">{}</th><td class="num">{}</td>{}</tr>',
        ((h.hire.display_name, h.scored, mark_safe("".join(_score_cell(c) for c in h.score_cells)))
         for h in hires if h.scored),
    )  # fmt: skip
