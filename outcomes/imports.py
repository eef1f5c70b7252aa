"""Reading a CSV of retention statuses and saying, row by row, what importing it would do. Nothing here writes.

The file is read the way the hire import reads its own (cohorts.imports): UTF-8 with or without a byte-order
mark, comma, semicolon or tab separated, header names in any case and spacing. The people it names are looked up
in a fixed number of queries, whatever the file's length. Line numbers are the spreadsheet's: the header is line 1.
"""

import csv
import datetime
import hashlib
import io
from dataclasses import dataclass, field

from cohorts.imports import MAX_BYTES, MAX_ROWS, ImportReport, clean_email, decode_text, delimiter_of, header_key
from common.csv_export import csv_text
from courses.models import Cohort, Enrollment
from outcomes import selectors
from outcomes.models import MILESTONES, RetentionCheck, RetentionStatus

REQUIRED_COLUMNS = ("email", "days", "status")
OPTIONAL_COLUMNS = ("left_on", "note")
NOTE_MAX = 1000
_STATUS_WORDS = {
    **{value: value for value in RetentionStatus.values},
    **{label.lower(): value for value, label in RetentionStatus.choices},
}


class Action:
    NEW = "new"
    CHANGE = "change"
    UNCHANGED = "unchanged"
    PROBLEM = "problem"

    LABELS = {NEW: "New: recorded", CHANGE: "Change", UNCHANGED: "Already recorded: unchanged", PROBLEM: "Problem"}


@dataclass
class RetentionRow:
    line: int
    email: str = ""
    days: int | None = None
    status: str = ""
    left_on: datetime.date | None = None
    note: str = ""
    problems: list[str] = field(default_factory=list)
    action: str = ""
    enrollment: Enrollment | None = None
    current: RetentionCheck | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def action_label(self) -> str:
        return Action.LABELS.get(self.action, "")

    @property
    def status_label(self) -> str:
        return RetentionStatus(self.status).label if self.status in RetentionStatus.values else self.status

    @property
    def was(self) -> str:
        """What a change replaces, in words."""
        if self.current is None:
            return ""
        left = f" on {selectors.day_words(self.current.left_on)}" if self.current.left_on else ""
        return f"was {self.current.get_status_display().lower()}{left}"


@dataclass
class RetentionReport(ImportReport):
    """The hire import's report (cohorts.imports.ImportReport: ok, count, error_rows, messages) with these rows."""

    rows: list[RetentionRow] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {action: self.count(action) for action in Action.LABELS}

    @property
    def changing_count(self) -> int:
        return self.count(Action.NEW) + self.count(Action.CHANGE)


# --- Values -----------------------------------------------------------------------------------------------


def clean_days(value: str, problems: list[str]) -> int | None:
    text = (value or "").strip().lower().removesuffix("days").removesuffix("d").strip()
    if not text:
        problems.append("the days (30, 60 or 90) are missing.")
        return None
    if not text.isdigit() or int(text) not in MILESTONES:
        problems.append(f"“{value.strip()}” is not a milestone: the days are 30, 60 or 90.")
        return None
    return int(text)


def clean_status(value: str, problems: list[str]) -> str:
    text = " ".join((value or "").lower().split())
    if not text:
        problems.append("the status is missing.")
        return ""
    status = _STATUS_WORDS.get(text)
    if status is None:
        problems.append(f"“{value.strip()}” is not a status: write “retained” (still in the role) or “left”.")
        return ""
    return status


def clean_left_on(value: str, problems: list[str]) -> datetime.date | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        problems.append(f"“{text}” is not a date: write the leaving date as year-month-day, like 2025-03-31.")
        return None


# --- The file ---------------------------------------------------------------------------------------------


def _columns(header: list[str], problems: list[str]) -> list[str] | None:
    keys = [header_key(cell) for cell in header]
    while keys and not keys[-1]:
        keys.pop()  # trailing empty cells, as spreadsheets write them
    known = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    expected = "The columns are email, days, status and, if you like, left_on and note."
    found = {
        "unknown": [key or "(empty)" for key in keys if key not in known],
        "missing": [name for name in REQUIRED_COLUMNS if name not in keys],
        "repeated": sorted({key for key in keys if key and keys.count(key) > 1}),
    }
    if found["unknown"]:
        problems.append(f"Line 1: unknown column(s) {', '.join(found['unknown'])}. {expected}")
    if found["missing"]:
        problems.append(f"Line 1: missing column(s) {', '.join(found['missing'])}. {expected}")
    if found["repeated"]:
        problems.append(f"Line 1: the column(s) {', '.join(found['repeated'])} appear more than once.")
    return None if problems else keys


def _records(content: bytes, report: RetentionReport) -> list[list[str]] | None:
    """The file's rows of cells, or None with the reason in the report: empty, too large, not text, not CSV."""
    if not content.strip() or len(content) > MAX_BYTES:
        too_large = f"The file is larger than {MAX_BYTES // 1024} KB; split it into smaller files."
        report.problems.append(too_large if content.strip() else "The file is empty.")
        return None
    report.text = decode_text(content, report.problems) or ""
    if report.problems:
        return None
    delimiter = delimiter_of(report.text.split("\n", 1)[0])
    try:
        records = list(csv.reader(io.StringIO(report.text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as error:
        report.problems.append(f"The file cannot be read as CSV: {error}.")
        return None
    if len(records) - 1 > MAX_ROWS:
        report.problems.append(f"The file has {len(records) - 1} rows; at most {MAX_ROWS} can be imported at once.")
        return None
    return records


def parse_rows(content: bytes) -> RetentionReport:
    """Decode, read and check each row on its own (no database)."""
    report = RetentionReport(sha256=hashlib.sha256(content).hexdigest())
    records = _records(content, report)
    columns = None if records is None else _columns(records[0], report.problems)
    if columns is None:
        return report
    needed = max(columns.index(name) for name in REQUIRED_COLUMNS) + 1
    first_line_of: dict[tuple[str, int], int] = {}
    for line, cells in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # a blank row
        row = RetentionRow(line=line)
        report.rows.append(row)
        if len(cells) < needed or any(cell.strip() for cell in cells[len(columns) :]):
            row.problems.append(f"expected {len(columns)} values, found {len(cells)}.")
            continue
        values = dict(zip(columns, cells, strict=False))
        row.email = clean_email(values["email"], row.problems)
        row.days = clean_days(values["days"], row.problems)
        row.status = clean_status(values["status"], row.problems)
        row.left_on = clean_left_on(values.get("left_on", ""), row.problems)
        row.note = values.get("note", "").strip()
        if len(row.note) > NOTE_MAX:
            row.problems.append(f"the note is longer than {NOTE_MAX} characters.")
        key = (row.email, row.days)
        if row.email and row.days and key in first_line_of:
            row.problems.append(f"the same hire and milestone as line {first_line_of[key]}: each once.")
        elif row.email and row.days:
            first_line_of[key] = line
    if not report.rows:
        report.problems.append("The file has a header but no rows to import.")
    return report


def check_against_database(report: RetentionReport, *, cohort: Cohort, today: datetime.date) -> RetentionReport:
    """Decide each row's action from the cohort's hires, decisions and checks: three queries for the whole file."""
    emails = {row.email for row in report.rows if row.email}
    enrollments = {
        enrollment.hire.email.lower(): enrollment
        for enrollment in Enrollment.objects.filter(cohort=cohort, hire__email__in=emails).select_related("hire")
    }
    ids = [enrollment.pk for enrollment in enrollments.values()]
    standings = selectors.standing_decisions(cohort=cohort, enrollment_ids=ids)
    current = {(c.enrollment_id, c.milestone_days): c for c in RetentionCheck.objects.filter(enrollment_id__in=ids)}
    for row in report.rows:
        if row.ok:
            enrollment = enrollments.get(row.email)
            if enrollment is None:
                row.problems.append(f"nobody with the email {row.email} is enrolled in {cohort.name}.")
            else:
                row.enrollment = enrollment
                row.problems += selectors.retention_problems(
                    hire_name=enrollment.hire.display_name or row.email, standing=standings.get(enrollment.pk),
                    milestone_days=row.days, status=row.status, left_on=row.left_on, today=today,
                )  # fmt: skip
                row.current = current.get((enrollment.pk, row.days))
        if not row.ok:
            row.action = Action.PROBLEM
        elif row.current is None:
            row.action = Action.NEW
        elif (row.current.status, row.current.left_on) == (row.status, row.left_on):
            row.action = Action.UNCHANGED
        else:
            row.action = Action.CHANGE
    return report


def retention_report(*, cohort: Cohort, content: bytes, today: datetime.date) -> RetentionReport:
    report = parse_rows(content)
    if report.problems:
        return report
    return check_against_database(report, cohort=cohort, today=today)


def retention_template() -> str:
    """A file to fill in: the header row and two example rows."""
    examples = [
        ["ana.example@example.com", "30", "retained", "", ""],
        ["ben.example@example.com", "60", "left", "2025-03-31", "Moved to another city"],
    ]
    return csv_text([*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS], examples)
