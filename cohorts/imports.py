"""Reading a CSV of new hires and saying, row by row, what importing it would do.

Nothing here writes. `import_report` decodes and parses the file, checks every value, then
looks up the people it names in a fixed number of queries, whatever the file's length.
Line numbers are the spreadsheet's row numbers: the header is line 1, and a blank row
still counts as a row.
"""

import csv
import hashlib
import io
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from accounts import permissions
from accounts.models import Role, User
from cohorts.models import EnrollmentImport
from common.csv_export import csv_text
from common.numbers import (
    DECIMAL_COMMA,
    DECIMAL_POINT,
    AmountError,
    decimal_mark_of,
    format_amount,
    parse_salary,
)
from courses.models import RUNNING_STATUSES, Cohort, Enrollment

REQUIRED_COLUMNS = ("email", "name", "time_zone", "salary")
OPTIONAL_COLUMNS = ("coach",)
MAX_BYTES = 1024 * 1024
MAX_ROWS = 2000
NAME_MAX = 150


class Action:
    CREATE = "create"  # a new account, invited to choose a password, and enrolled
    ENROL = "enrol"  # an existing hire's account, enrolled
    EXISTS = "exists"  # already in this cohort: left as it is
    ERROR = "error"

    LABELS = {CREATE: "New hire: account and invitation", ENROL: "Existing account: enrol",
              EXISTS: "Already in this cohort: skipped", ERROR: "Problem"}  # fmt: skip


@dataclass
class ImportRow:
    line: int
    email: str = ""
    name: str = ""
    time_zone: str = ""
    salary: Decimal | None = None
    coach_email: str = ""
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    action: str = ""
    user: User | None = None
    coach: User | None = None
    currency: str = ""

    @property
    def action_label(self) -> str:
        return Action.LABELS.get(self.action, "")

    @property
    def salary_display(self) -> str:
        """The salary as it will be stored, with its currency, so a wrong magnitude shows."""
        return "" if self.salary is None else format_amount(self.salary, self.currency)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class ImportReport:
    sha256: str
    text: str = ""
    problems: list[str] = field(default_factory=list)  # about the whole file
    rows: list[ImportRow] = field(default_factory=list)
    delimiter: str = ","
    decimal_mark: str = DECIMAL_POINT  # how this file writes the decimals of its salaries

    @property
    def conventions(self) -> str:
        """How the file was read, in words, for the admin to check against their spreadsheet."""
        delimiter = {",": "comma", ";": "semicolon", "\t": "tab"}[self.delimiter]
        mark = "decimal comma (3100,50)" if self.decimal_mark == DECIMAL_COMMA else "decimal point (3100.50)"
        return f"Read as {delimiter}-separated, salaries with a {mark}."

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows) and all(row.ok for row in self.rows)

    def count(self, action: str) -> int:
        return sum(row.action == action for row in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        return {a: self.count(a) for a in (Action.CREATE, Action.ENROL, Action.EXISTS, Action.ERROR)}

    @property
    def error_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.ok]

    def messages(self) -> list[str]:
        """Every problem as one sentence, with its line."""
        return [*self.problems, *(f"Line {row.line}: {problem}" for row in self.error_rows for problem in row.problems)]


@dataclass
class ImportPreview:
    """A checked file and what the admin may do with it: import every row, or only the valid ones."""

    report: ImportReport
    filename: str = ""
    confirmation: str | None = None  # signed; None when nothing in the file can be imported

    @property
    def importable_count(self) -> int:
        """Rows that would create or enrol someone."""
        return self.report.count(Action.CREATE) + self.report.count(Action.ENROL)

    @property
    def can_import_valid_rows(self) -> bool:
        """Some rows have problems, others could be imported on their own."""
        return self.confirmation is not None and not self.report.ok and self.importable_count > 0


@dataclass
class ImportResult:
    """A committed import, and the rows with problems it left out (only when asked to import the valid rows)."""

    batch: EnrollmentImport
    skipped: list[ImportRow] = field(default_factory=list)

    @property
    def skipped_lines(self) -> list[int]:
        return [row.line for row in self.skipped]

    @property
    def summary(self) -> str:
        batch = self.batch
        text = (
            f"Imported {batch.filename or 'the file'}: {batch.created_count} new hires invited, "
            f"{batch.enrolled_count} existing accounts enrolled, {batch.skipped_count} already in the cohort."
        )
        if self.skipped:
            plural = "s" if len(self.skipped) > 1 else ""
            lines = ", ".join(str(line) for line in self.skipped_lines)
            text += f" {len(self.skipped)} row{plural} with problems skipped (line{plural} {lines})."
        return text


# --- Values ---------------------------------------------------------------------------------


@cache
def _zones_by_lower_name() -> dict[str, str]:
    return {name.lower(): name for name in zoneinfo.available_timezones() - {"localtime", "Factory"}}


def clean_email(value: str, problems: list[str], *, label: str = "email") -> str:
    value = (value or "").strip().lower()
    if not value:
        problems.append(f"the {label} is missing.")
        return ""
    try:
        validate_email(value)
    except ValidationError:
        problems.append(f"“{value}” is not a valid {label} address.")
    return value


def clean_name(value: str, problems: list[str]) -> str:
    value = " ".join((value or "").split())
    if not value:
        problems.append("the name is missing.")
    elif len(value) > NAME_MAX:
        problems.append(f"the name is longer than {NAME_MAX} characters.")
    return value


def clean_time_zone(value: str, problems: list[str]) -> str:
    value = (value or "").strip()
    if not value:
        problems.append("the time zone is missing.")
        return ""
    canonical = _zones_by_lower_name().get(value.lower())
    if canonical is None:
        problems.append(f"“{value}” is not a known time zone (write it like America/Los_Angeles or Europe/Dublin).")
        return value
    return canonical


def clean_salary(value, problems: list[str], *, currency: str = "", decimal_mark: str | None = None) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        problems.append("the monthly salary is missing.")
        return None
    try:
        return parse_salary(value, currency=currency, decimal_mark=decimal_mark)
    except AmountError as error:
        problems.append(f"the salary {error.message}")
        return None


# --- The file ----------------------------------------------------------------------------------


def decode_text(content: bytes, problems: list[str]) -> str | None:
    if content.startswith(b"PK\x03\x04") or content.startswith(b"\xd0\xcf\x11\xe0"):
        problems.append("This is a spreadsheet workbook, not a CSV file. Save it as “CSV UTF-8 (comma delimited)”.")
        return None
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.append("The file is UTF-16 text. Save it as “CSV UTF-8 (comma delimited)” and upload it again.")
        return None
    try:
        text = content.decode("utf-8-sig")  # a byte-order mark (as Excel writes) is fine
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        byte = content[error.start]
        problems.append(
            f"Line {line}: the file is not UTF-8 text (byte 0x{byte:02X} cannot be read). "
            "Save it as “CSV UTF-8 (comma delimited)” and upload it again."
        )
        return None
    if "\x00" in text:
        problems.append("The file contains binary data; it is not a CSV file.")
        return None
    return text


def header_key(cell: str) -> str:
    return "_".join(cell.strip().lower().replace("-", " ").split())


def _columns(header: list[str], problems: list[str]) -> list[str] | None:
    keys = [header_key(cell) for cell in header]
    while keys and not keys[-1]:
        keys.pop()  # trailing empty cells, as spreadsheets write them
    expected = "email, name, time_zone, salary and, if you like, coach"
    unknown = [k for k in keys if k not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    missing = [c for c in REQUIRED_COLUMNS if c not in keys]
    repeated = sorted({k for k in keys if keys.count(k) > 1 and k})
    if unknown:
        names = ", ".join(f"“{k or '(empty)'}”" for k in unknown)
        problems.append(f"Line 1: unknown column{'s' if len(unknown) > 1 else ''} {names}. The columns are {expected}.")
    if missing:
        problems.append(f"Line 1: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}. "
                        f"The columns are {expected}.")  # fmt: skip
    if repeated:
        problems.append(f"Line 1: the column{'s' if len(repeated) > 1 else ''} {', '.join(repeated)} appear twice.")
    return None if problems else keys


def delimiter_of(first_line: str) -> str:
    counts = {delimiter: first_line.count(delimiter) for delimiter in (",", ";", "\t")}
    return max(counts, key=counts.__getitem__)  # a tie goes to the comma, listed first


def _split_salary(cells: list[str], columns: list[str], decimal_mark: str) -> str:
    """A salary like 3100,50 left unquoted in a comma-separated file falls into two cells: say so."""
    at = columns.index("salary")
    if decimal_mark != DECIMAL_POINT or len(cells) <= len(columns):
        return ""
    whole, cents = cells[at].strip(), cells[at + 1].strip()  # more cells than columns: both exist
    if not (whole.isdigit() and cents.isdigit() and len(cents) <= 2):
        return ""
    return (f" The salary {whole},{cents} was split in two by its comma: write it as {whole}.{cents}, "
            "or put it in quotes.")  # fmt: skip


def parse_rows(content: bytes, *, currency: str = "") -> ImportReport:
    """Decode, read and check each row on its own (no database).

    The delimiter is the first line's; the decimal mark is the one the file's salaries agree on, or else
    the delimiter's custom (a comma with semicolons, a point with commas). An amount that disagrees or
    could be read two ways is a row problem, never a guess."""
    report = ImportReport(sha256=hashlib.sha256(content).hexdigest())
    if not content.strip():
        report.problems.append("The file is empty.")
        return report
    if len(content) > MAX_BYTES:
        report.problems.append(f"The file is larger than {MAX_BYTES // 1024} KB; split it into smaller files.")
        return report
    text = decode_text(content, report.problems)
    if text is None:
        return report
    report.text = text
    delimiter = report.delimiter = delimiter_of(text.split("\n", 1)[0])
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as error:
        report.problems.append(f"The file cannot be read as CSV: {error}.")
        return report
    columns = _columns(records[0], report.problems)
    if columns is None:
        return report
    if len(records) - 1 > MAX_ROWS:
        report.problems.append(f"The file has {len(records) - 1} rows; at most {MAX_ROWS} can be imported at once.")
        return report

    needed = max(columns.index(name) for name in REQUIRED_COLUMNS) + 1  # an optional last column may be left off
    salary_at = columns.index("salary")
    custom = DECIMAL_COMMA if delimiter == ";" else DECIMAL_POINT
    salaries = [cells[salary_at] for cells in records[1:] if len(cells) > salary_at]
    report.decimal_mark = decimal_mark_of(salaries, default=custom)
    first_line_of: dict[str, int] = {}
    for line, cells in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # a blank row
        row = ImportRow(line=line, currency=currency)
        extra = cells[len(columns) :]
        split_salary = _split_salary(cells, columns, report.decimal_mark)
        if len(cells) < needed or any(cell.strip() for cell in extra) or split_salary:
            row.problems.append(f"expected {len(columns)} values, found {len(cells)}.{split_salary}")
            row.action = Action.ERROR
            report.rows.append(row)
            continue
        values = dict(zip(columns, cells + [""] * (len(columns) - len(cells)), strict=False))
        row.email = clean_email(values["email"], row.problems)
        row.name = clean_name(values["name"], row.problems)
        row.time_zone = clean_time_zone(values["time_zone"], row.problems)
        row.salary = clean_salary(values["salary"], row.problems, currency=currency, decimal_mark=report.decimal_mark)
        if values.get("coach", "").strip():
            row.coach_email = clean_email(values["coach"], row.problems, label="coach's email")
        if row.email and row.email in first_line_of:
            row.problems.append(f"the same email as line {first_line_of[row.email]}: each hire once.")
        elif row.email:
            first_line_of[row.email] = line
        report.rows.append(row)
    if not report.rows:
        report.problems.append("The file has a header but no hires.")
    return report


def check_against_database(report: ImportReport, *, cohort: Cohort) -> ImportReport:
    """Decide each row's action from who already exists: three queries for the whole file."""
    if cohort.archived_at is not None:
        report.problems.append(f"{cohort.name} is archived: nobody can be enrolled in it.")
    emails = {row.email for row in report.rows if row.email}
    coach_emails = {row.coach_email for row in report.rows if row.coach_email}
    people = {u.email: u for u in User.objects.filter(email__in=emails | coach_emails)}
    enrollments: dict[int, list[Enrollment]] = {}
    for enrollment in Enrollment.objects.filter(hire__email__in=emails).select_related("cohort"):
        enrollments.setdefault(enrollment.hire_id, []).append(enrollment)
    assigned = set(cohort.coaches.values_list("email", flat=True)) if coach_emails else set()

    for row in report.rows:
        if row.coach_email and row.ok:
            coach = people.get(row.coach_email)
            if coach is None:
                row.problems.append(f"there is no coach with the email {row.coach_email}.")
            elif not permissions.is_coach(coach):
                row.problems.append(f"{row.coach_email} is not an active coach's account.")
            else:
                row.coach = coach
                if row.coach_email not in assigned:
                    row.notes.append(f"{coach.display_name} will be assigned to coach this cohort.")
        user = people.get(row.email)
        if user is not None and row.ok:
            mine = enrollments.get(user.pk, [])
            elsewhere = [e for e in mine if e.cohort_id != cohort.pk and e.status in RUNNING_STATUSES]
            if user.role != Role.HIRE:
                row.problems.append(f"{row.email} belongs to a {user.get_role_display().lower()}'s account.")
            elif any(e.cohort_id == cohort.pk for e in mine):
                row.action = Action.EXISTS
                row.user = user
            elif elsewhere:
                row.problems.append(f"{row.email} is training in {elsewhere[0].cohort.name}: move them instead.")
            else:
                row.action = Action.ENROL
                row.user = user
                if user.display_name != row.name:
                    row.notes.append(f"The account keeps its name, {user.display_name}.")
        elif row.ok:
            row.action = Action.CREATE
        if not row.ok:
            row.action = Action.ERROR
    return report


def import_template(*, cohort: Cohort) -> str:
    """A file to fill in: the header row and one example hire, in the cohort's time zone."""
    example = ["ana.example@example.com", "Ana Example", cohort.time_zone or "UTC", "3100.50", ""]
    return csv_text([*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS], [example])


def import_report(*, cohort: Cohort, content: bytes) -> ImportReport:
    report = parse_rows(content, currency=cohort.currency)
    if report.problems:
        return report
    return check_against_database(report, cohort=cohort)
