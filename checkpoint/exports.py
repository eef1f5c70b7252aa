"""The payroll export: one CSV row per hire whose decision to take the offer stands."""

import csv
import io

from checkpoint.selectors import PayrollRow

PAYROLL_COLUMNS = ["name", "email", "amount", "currency", "decision_time", "cohort"]


def _cell(value: str) -> str:
    # A spreadsheet would run a cell starting with these as a formula.
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def payroll_csv(rows: list[PayrollRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(PAYROLL_COLUMNS)
    for row in rows:
        writer.writerow([
            _cell(row.name), _cell(row.email), "" if row.amount is None else f"{row.amount:.2f}", row.currency,
            row.decided_at.isoformat(timespec="seconds"), _cell(row.cohort),
        ])  # fmt: skip
    return buffer.getvalue()
