"""CSV exports of a cohort, for payroll and HR: progress, scores per criterion, checkpoint outcomes.

Moments are ISO 8601 with their UTC offset, in the reader's zone (courses/moments.py); statuses
are progress's words (done, due, overdue, locked).
"""

from cohorts.selectors import Dashboard
from common.csv_export import csv_text
from courses.moments import iso_moment


def _when(value) -> str:
    return iso_moment(value)


def progress_csv(dashboard: Dashboard) -> str:
    weeks = [f"week_{number}" for number, _ in dashboard.weeks]
    header = ["email", "name", "status", "monthly_salary", "currency", "current_week", "done", "total", "percent",
              "overdue", "last_active", *weeks, "at_risk"]  # fmt: skip
    rows = (
        [
            h.hire.email,
            h.hire.display_name,
            h.enrollment.status,
            h.enrollment.monthly_salary,
            dashboard.cohort.currency,
            h.current_week,
            h.done,
            h.total,
            h.percent,
            h.overdue,
            _when(h.last_active),
            *(cell.state for cell in h.cells),
            "; ".join(h.reasons),
        ]
        for h in dashboard.hires
    )
    return csv_text(header, rows)


def scores_csv(dashboard: Dashboard) -> str:
    keys = [key for key, _ in dashboard.criteria]
    header = ["email", "name", "status", "scored", "average", "trend"]
    for key in keys:
        header += [f"{key}_average", f"{key}_trend"]
    rows = []
    for h in dashboard.hires:
        row = [h.hire.email, h.hire.display_name, h.enrollment.status, h.scored, h.average, h.direction]
        for key in keys:
            row += [h.averages.get(key), h.directions.get(key, "no data")]
        rows.append(row)
    return csv_text(header, rows)


def checkpoint_csv(cohort, rows) -> str:
    """One row per hire: the enrollment's status and the checkpoint outcome, as the checkpoint pages word it."""
    header = ["email", "name", "status", "checkpoint_outcome", "monthly_salary", "currency"]
    return csv_text(header, (
        [r.enrollment.hire.email, r.enrollment.hire.display_name, r.enrollment.status, r.state_label,
         r.enrollment.monthly_salary, cohort.currency]
        for r in rows
    ))  # fmt: skip
