"""The payroll export: one CSV row per hire whose decision to take the offer stands."""

from checkpoint.selectors import PayrollRow
from common.csv_export import csv_text
from courses.moments import iso_moment

PAYROLL_COLUMNS = ["name", "email", "amount", "currency", "decision_time", "cohort"]


def payroll_csv(rows: list[PayrollRow]) -> str:
    return csv_text(PAYROLL_COLUMNS, (
        [row.name, row.email, None if row.amount is None else f"{row.amount:.2f}", row.currency,
         iso_moment(row.decided_at), row.cohort]
        for row in rows
    ))  # fmt: skip
