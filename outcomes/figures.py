"""The outcomes report's charts and its CSV export, from the figures outcomes.selectors reads."""

from cohorts.charts import Bar, bars_svg
from common.csv_export import csv_text
from courses.moments import iso_moment
from outcomes.models import MILESTONES
from outcomes.selectors import HireOutcome, OutcomesReport, Split


def split_chart(split: Split) -> str:
    """One bar per group and milestone: the share retained, with the n behind it."""
    bars = [
        Bar(f"{group.label} · {rate.days} days", None if rate.rate is None else rate.rate * 100, rate.rate_text)
        for group in split.groups
        for rate in group.rates
    ]
    return bars_svg(bars, title=split.title, maximum=100, width=640, unit="%")


def _level(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def hire_csv_row(hire: HireOutcome, cohort) -> list:
    standing = hire.standing
    row = [
        hire.name, hire.enrollment.hire.email, hire.enrollment.get_status_display(),
        "yes" if hire.readiness_met else "no", _level(hire.roleplay_mean), _level(hire.real_call_mean),
        standing.choice if standing else "", iso_moment(standing.decided_at, cohort.time_zone) if standing else "",
    ]  # fmt: skip
    for days in MILESTONES:
        cell = hire.cell(days)
        row += [cell.state, cell.check.left_on.isoformat() if cell.check and cell.check.left_on else ""]
    return row


def hires_csv(report: OutcomesReport) -> str:
    header = ["name", "email", "enrollment_status", "readiness_met", "roleplay_mean", "real_call_mean", "decision",
              "decided_at"]  # fmt: skip
    for days in MILESTONES:
        header += [f"retention_{days}", f"left_on_{days}"]
    return csv_text(header, (hire_csv_row(hire, report.cohort) for hire in report.hires))
