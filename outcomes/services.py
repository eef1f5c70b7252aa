"""Writes for outcomes: recording a hire's retention at a milestone, by hand or from a CSV file.

The admin's form, the CSV import and the API all come through `retention_record` or the import below, so the
rules (outcomes.selectors.retention_problems) have one home. Recording the same status again changes nothing;
a creation or a change leaves a RetentionEvent. Bad input raises ValidationError with nothing changed.
"""

import datetime
import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import capfirst

from common.signed_upload import upload_confirmation_sign, upload_confirmation_unsign
from courses.models import Cohort, Enrollment
from outcomes import selectors
from outcomes.imports import Action, RetentionReport, retention_report
from outcomes.models import RetentionCheck, RetentionEvent, RetentionImport, Source

_CONFIRMATION_SALT = "outcomes.retention-import"
_RACE = "Someone recorded retention for these hires at the same moment; nothing was saved. Check again."


@dataclass(frozen=True)
class Recorded:
    check: RetentionCheck
    action: str  # imports.Action: new, change or unchanged


def _write(
    *, enrollment: Enrollment, current: RetentionCheck | None, milestone_days: int, status: str,
    left_on: datetime.date | None, note: str, actor, source: str, batch: RetentionImport | None,
    now: datetime.datetime,
) -> Recorded:  # fmt: skip
    """Create or change one check (already checked) and its event; the same status again is left alone."""
    if current is not None and (current.status, current.left_on) == (status, left_on):
        return Recorded(current, Action.UNCHANGED)
    old_status, old_left_on = (current.status, current.left_on) if current else ("", None)
    check = current or RetentionCheck(enrollment=enrollment, milestone_days=milestone_days)
    check.status, check.left_on, check.recorded_by, check.recorded_at, check.source, check.batch = (
        status, left_on, actor, now, source, batch
    )  # fmt: skip
    if note:
        check.note = note
    check.save()
    RetentionEvent.objects.create(
        check_record=check, old_status=old_status, new_status=status, old_left_on=old_left_on, new_left_on=left_on,
        actor=actor, created_at=now, source=source, batch=batch, note=note,
    )  # fmt: skip
    return Recorded(check, Action.NEW if current is None else Action.CHANGE)


def retention_record(
    *,
    enrollment: Enrollment,
    milestone_days: int,
    status: str,
    left_on: datetime.date | None = None,
    note: str = "",
    actor,
    source: str = Source.FORM,
    now: datetime.datetime | None = None,
) -> Recorded:
    """Record whether a hire who committed is still in the role at 30, 60 or 90 days after the decision."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            enrollment = Enrollment.objects.select_for_update().select_related("hire", "cohort").get(pk=enrollment.pk)
            cohort = enrollment.cohort
            standing = selectors.standing_decisions(cohort=cohort, enrollment_ids=[enrollment.pk]).get(enrollment.pk)
            problems = selectors.retention_problems(
                hire_name=enrollment.hire.display_name or enrollment.hire.email, standing=standing,
                milestone_days=milestone_days, status=status, left_on=left_on,
                today=selectors.cohort_today(cohort, now),
            )  # fmt: skip
            if problems:
                raise ValidationError([capfirst(problem) for problem in problems])
            current = RetentionCheck.objects.filter(enrollment=enrollment, milestone_days=milestone_days).first()
            return _write(
                enrollment=enrollment, current=current, milestone_days=milestone_days, status=status,
                left_on=left_on, note=note.strip(), actor=actor, source=source, batch=None, now=now,
            )  # fmt: skip
    except IntegrityError as error:
        raise ValidationError(_RACE) from error


# --- Importing a file -------------------------------------------------------------------------------------


@dataclass
class RetentionImportPreview:
    report: RetentionReport
    filename: str = ""
    confirmation: str | None = None  # signed; only when every row is fine and something would change


@dataclass
class RetentionImportResult:
    report: RetentionReport
    batch: RetentionImport | None  # None when every row was already recorded
    filename: str = ""
    recorded: list[Recorded] = field(default_factory=list)

    @property
    def summary(self) -> str:
        name = self.filename or "the file"
        if self.batch is None:
            return f"Nothing to change in {name}: every row was already recorded."
        batch = self.batch
        return (f"Imported {name}: {batch.created_count} new, {batch.changed_count} changed, "
                f"{batch.unchanged_count} already recorded.")  # fmt: skip


def retention_import_preview(
    *, cohort: Cohort, content: bytes, filename: str = "", now: datetime.datetime | None = None
) -> RetentionImportPreview:
    """The dry run: what importing the file would do, row by row. Writes nothing."""
    report = retention_report(cohort=cohort, content=content, today=selectors.cohort_today(cohort, now))
    confirmation = (
        upload_confirmation_sign(salt=_CONFIRMATION_SALT, cohort_id=cohort.pk, text=report.text, filename=filename)
        if report.ok
        else None
    )
    return RetentionImportPreview(report=report, filename=filename, confirmation=confirmation)


def retention_import_confirm(
    *,
    cohort: Cohort,
    actor,
    confirmation: str = "",
    content: bytes | None = None,
    filename: str = "",
    now: datetime.datetime | None = None,
) -> RetentionImportResult:
    """Import a previewed file (by its signed confirmation) or a file sent directly: all or nothing.

    The file is checked again inside the transaction; if any row has a problem nothing is written. Rows already
    recorded with the same status are left alone, so importing a file twice changes nothing the second time."""
    now = now or timezone.now()
    if content is None:
        content, filename = upload_confirmation_unsign(
            salt=_CONFIRMATION_SALT, cohort_id=cohort.pk, confirmation=confirmation
        )
    try:
        with transaction.atomic():
            cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)  # one import per cohort at a time
            # The hires' rows too, as the form's writes lock them: nobody's retention changes under the file.
            list(Enrollment.objects.select_for_update().filter(cohort=cohort).values_list("pk", flat=True))
            report = retention_report(cohort=cohort, content=content, today=selectors.cohort_today(cohort, now))
            if not report.ok:
                raise ValidationError(report.messages() or ["The file has no rows to import."])
            if not report.changing_count:
                return RetentionImportResult(report=report, batch=None, filename=filename)
            batch = RetentionImport.objects.create(
                cohort=cohort, filename=filename[:255], sha256=hashlib.sha256(content).hexdigest(),
                row_count=len(report.rows), created_count=report.count(Action.NEW),
                changed_count=report.count(Action.CHANGE), unchanged_count=report.count(Action.UNCHANGED),
                imported_by=actor,
            )  # fmt: skip
            recorded = [
                _write(
                    enrollment=row.enrollment, current=row.current, milestone_days=row.days, status=row.status,
                    left_on=row.left_on, note=row.note, actor=actor, source=Source.IMPORT, batch=batch, now=now,
                )
                for row in report.rows
                if row.action in (Action.NEW, Action.CHANGE)
            ]  # fmt: skip
    except IntegrityError as error:
        raise ValidationError(_RACE) from error
    return RetentionImportResult(report=report, batch=batch, filename=filename, recorded=recorded)
