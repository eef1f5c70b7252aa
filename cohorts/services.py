"""Writes for cohort management. The admin's pages, the API and the Django admin all come through here.

Every change runs in one transaction and leaves an audit row: a CohortEvent for the cohort,
an EnrollmentEvent for a hire. Bad input raises ValidationError with nothing changed.
"""

import datetime
import hashlib
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts import permissions
from accounts import services as account_services
from accounts.models import Role, User
from cohorts.imports import (
    Action,
    ImportPreview,
    ImportReport,
    ImportResult,
    ImportRow,
    check_against_database,
    clean_email,
    clean_name,
    clean_salary,
    clean_time_zone,
    import_report,
)
from cohorts.models import CohortEvent, CohortEventKind, EnrollmentImport
from common.signed_upload import upload_confirmation_sign, upload_confirmation_unsign
from courses import services as course_services
from courses.models import (
    RUNNING_STATUSES,
    Cohort,
    Curriculum,
    Enrollment,
    EnrollmentStatus,
)

DEFAULT_SECOND_MARKING_PERCENT = Cohort._meta.get_field("second_marking_percent").default
COHORT_FIELDS = (
    "name", "curriculum", "start_date", "time_zone", "grading_target_hours", "checkpoint_opens_on",
    "checkpoint_window_days", "offer_salary_months", "currency", "second_marking_percent",
)  # fmt: skip
_CONFIRMATION_SALT = "cohorts.enrollment-import"


# --- Cohorts -------------------------------------------------------------------------------------


def _unique_slug(name: str) -> str:
    base = slugify(name)[:40] or "cohort"
    taken = set(Cohort.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _event(cohort: Cohort, kind: str, actor, note: str = "") -> CohortEvent:
    return CohortEvent.objects.create(cohort=cohort, kind=kind, actor=actor, note=note[:500])


def cohort_create(
    *, actor, name: str, curriculum: Curriculum, start_date: datetime.date, time_zone: str,
    grading_target_hours: int = 24, checkpoint_opens_on: datetime.date | None = None,
    checkpoint_window_days: int = 7, offer_salary_months: Decimal = Decimal("1.00"), currency: str = "USD",
    coaches=(), slug: str | None = None, second_marking_percent: int = DEFAULT_SECOND_MARKING_PERCENT,
) -> Cohort:  # fmt: skip
    cohort = Cohort(
        name=name.strip(), slug=slug or _unique_slug(name), curriculum=curriculum, start_date=start_date,
        time_zone=time_zone, grading_target_hours=grading_target_hours, checkpoint_opens_on=checkpoint_opens_on,
        checkpoint_window_days=checkpoint_window_days, offer_salary_months=offer_salary_months,
        currency=(currency or "").strip().upper(), second_marking_percent=second_marking_percent,
    )  # fmt: skip
    _check_checkpoint(cohort)
    cohort.full_clean()
    with transaction.atomic():
        cohort.save()
        _event(cohort, CohortEventKind.CREATED, actor)
        for coach in coaches:
            cohort_coach_assign(cohort=cohort, coach=coach, actor=actor)
    return cohort


def _check_checkpoint(cohort: Cohort) -> None:
    if cohort.checkpoint_opens_on and cohort.start_date and cohort.checkpoint_opens_on <= cohort.start_date:
        raise ValidationError({"checkpoint_opens_on": "The checkpoint opens after the cohort starts."})


@transaction.atomic
def cohort_update(*, cohort: Cohort, actor, **changes) -> Cohort:
    """Change a cohort's settings. Its curriculum is fixed once it has hires: their work belongs to it."""
    unknown = set(changes) - set(COHORT_FIELDS)
    if unknown:
        raise ValidationError(f"These cannot be changed here: {', '.join(sorted(unknown))}.")
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    changed = [name for name, value in changes.items() if getattr(cohort, name) != value]
    if "curriculum" in changed and cohort.enrollments.exists():
        raise ValidationError(
            {"curriculum": "This cohort has hires: its curriculum cannot change. Create a new cohort instead."}
        )
    for name in changed:
        setattr(cohort, name, changes[name])
    if "currency" in changed:
        cohort.currency = (cohort.currency or "").strip().upper()
    if not changed:
        return cohort
    _check_checkpoint(cohort)
    cohort.full_clean()
    cohort.save(update_fields=changed)
    _event(cohort, CohortEventKind.EDITED, actor, "Changed: " + ", ".join(n.replace("_", " ") for n in changed))
    return cohort


@transaction.atomic
def cohort_archive(*, cohort: Cohort, actor, now: datetime.datetime | None = None) -> Cohort:
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if cohort.archived_at is not None:
        raise ValidationError(f"{cohort.name} is already archived.")
    running = cohort.enrollments.filter(status__in=RUNNING_STATUSES).count()
    if running:
        raise ValidationError(
            f"{running} hire{'s are' if running > 1 else ' is'} still in training in {cohort.name}: "
            "withdraw or move them before archiving it."
        )
    cohort.archived_at = now or timezone.now()
    cohort.save(update_fields=["archived_at"])
    _event(cohort, CohortEventKind.ARCHIVED, actor)
    return cohort


@transaction.atomic
def cohort_unarchive(*, cohort: Cohort, actor) -> Cohort:
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if cohort.archived_at is None:
        raise ValidationError(f"{cohort.name} is not archived.")
    cohort.archived_at = None
    cohort.save(update_fields=["archived_at"])
    _event(cohort, CohortEventKind.UNARCHIVED, actor)
    return cohort


@transaction.atomic
def cohort_coach_assign(*, cohort: Cohort, coach: User, actor) -> bool:
    """Make `coach` one of the cohort's coaches. Returns False if they already were."""
    if not permissions.is_coach(coach):
        raise ValidationError(f"{coach} is not an active coach.")
    if cohort.coaches.filter(pk=coach.pk).exists():
        return False
    cohort.coaches.add(coach)
    _event(cohort, CohortEventKind.COACH_ASSIGNED, actor, f"{coach} ({coach.email})")
    return True


@transaction.atomic
def cohort_coach_unassign(*, cohort: Cohort, coach: User, actor) -> bool:
    """Returns False if they were not one of its coaches."""
    if not cohort.coaches.filter(pk=coach.pk).exists():
        return False
    cohort.coaches.remove(coach)
    _event(cohort, CohortEventKind.COACH_UNASSIGNED, actor, f"{coach} ({coach.email})")
    return True


# --- Enrolling hires --------------------------------------------------------------------------------


def _enrol(*, cohort: Cohort, hire: User, monthly_salary: Decimal | None, actor, note: str) -> Enrollment:
    return course_services.enrollment_create(
        cohort=cohort, hire=hire, monthly_salary=monthly_salary, actor=actor, note=note
    )


def _apply_row(row: ImportRow, *, cohort: Cohort, actor, note: str, invited: list[User]) -> Enrollment | None:
    if row.action == Action.CREATE:
        hire = account_services.user_create(
            email=row.email, display_name=row.name, role=Role.HIRE, time_zone=row.time_zone
        )
        invited.append(hire)
    elif row.action == Action.ENROL:
        hire = row.user
    else:
        return None
    return _enrol(cohort=cohort, hire=hire, monthly_salary=row.salary, actor=actor, note=note)


def enrollment_import_preview(*, cohort: Cohort, content: bytes) -> ImportReport:
    """What importing this file would do, row by row. Writes nothing."""
    return import_report(cohort=cohort, content=content)


def enrollment_import_confirmation(*, cohort: Cohort, report: ImportReport, filename: str = "") -> str:
    """A signed, tamper-proof note of the previewed file, for the admin to confirm within the hour."""
    return upload_confirmation_sign(salt=_CONFIRMATION_SALT, cohort_id=cohort.pk, text=report.text, filename=filename)


def enrollment_import_unsign(*, cohort: Cohort, confirmation: str) -> tuple[bytes, str]:
    """The file content and name a confirmation stands for."""
    return upload_confirmation_unsign(salt=_CONFIRMATION_SALT, cohort_id=cohort.pk, confirmation=confirmation)


def import_preview(*, cohort: Cohort, content: bytes, filename: str = "") -> ImportPreview:
    """Check a file (the web page's, the Django admin's and the API's dry run). Writes nothing.

    The confirmation comes with every file that has something to import: all of it when every row is
    fine, or, when the admin chooses, only the valid rows."""
    report = import_report(cohort=cohort, content=content)
    importable = not report.problems and any(row.ok for row in report.rows)
    confirmation = (
        enrollment_import_confirmation(cohort=cohort, report=report, filename=filename) if importable else None
    )
    return ImportPreview(report=report, filename=filename, confirmation=confirmation)


def import_confirm(
    *,
    cohort: Cohort,
    actor,
    confirmation: str = "",
    content: bytes | None = None,
    filename: str = "",
    valid_only: bool = False,
) -> ImportResult:
    """Import a previewed file (by its confirmation) or a file sent again (the API), checked again first.

    All or nothing by default: any row with a problem refuses the file. With `valid_only`, the rows with
    problems are left out and reported with their lines. Rows already in the cohort are skipped, so
    importing a file twice creates nobody twice. Invitations go out only once everything is committed.
    """
    if content is None:
        content, filename = enrollment_import_unsign(cohort=cohort, confirmation=confirmation)
    try:
        with transaction.atomic():
            cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)  # one import per cohort at a time
            report = import_report(cohort=cohort, content=content)
            skipped = report.error_rows
            if report.problems or not report.rows or (skipped and not valid_only):
                raise ValidationError(report.messages() or ["The file has no hires to import."])
            if not any(row.ok for row in report.rows):
                raise ValidationError(["No row of the file can be imported.", *report.messages()])
            note = f"Imported from {filename}" if filename else "Imported from a file"
            invited: list[User] = []
            coaches: dict[int, User] = {}
            for row in report.rows:
                if not row.ok:
                    continue
                _apply_row(row, cohort=cohort, actor=actor, note=note, invited=invited)
                if row.coach is not None:
                    coaches[row.coach.pk] = row.coach
            for coach in coaches.values():
                cohort_coach_assign(cohort=cohort, coach=coach, actor=actor)
            batch = EnrollmentImport.objects.create(
                cohort=cohort, imported_by=actor, filename=filename[:255],
                sha256=hashlib.sha256(content).hexdigest(), row_count=len(report.rows),
                created_count=report.count(Action.CREATE), enrolled_count=report.count(Action.ENROL),
                skipped_count=report.count(Action.EXISTS),
            )  # fmt: skip
            lines = ", ".join(str(row.line) for row in skipped)
            left_out = f"; rows with problems left out: lines {lines}" if skipped else ""
            _event(cohort, CohortEventKind.IMPORTED, actor,
                   f"{batch.created_count} new, {batch.enrolled_count} existing accounts enrolled, "
                   f"{batch.skipped_count} already in the cohort ({filename or 'file'}){left_out}")  # fmt: skip
            for hire in invited:
                account_services.invitation_request(user=hire)
    except IntegrityError as error:
        # Someone created one of these people between the check and the write: nothing was kept.
        raise ValidationError(
            "Some of these people were added elsewhere while the file was imported; nothing was imported. "
            "Check the file again."
        ) from error
    return ImportResult(batch=batch, skipped=skipped)


def enrollment_import_confirm(*, cohort: Cohort, content: bytes, actor, filename: str = "") -> EnrollmentImport:
    """Import the file, every row or none (see import_confirm)."""
    return import_confirm(cohort=cohort, content=content, actor=actor, filename=filename).batch


def enrollment_add_check(*, cohort: Cohort, email: str, name: str, time_zone: str, monthly_salary) -> ImportRow:
    """Check one hire to enrol by hand, by the same rules as a file. Writes nothing; raises ValidationError."""
    row = ImportRow(line=0)
    row.email = clean_email(email, row.problems)
    row.name = clean_name(name, row.problems)
    row.time_zone = clean_time_zone(time_zone, row.problems)
    row.salary = clean_salary(monthly_salary, row.problems, currency=cohort.currency)
    report = ImportReport(sha256="", rows=[row])
    if row.ok:
        check_against_database(report, cohort=cohort)
    if report.problems or not row.ok:
        raise ValidationError([p[:1].upper() + p[1:] for p in [*report.problems, *row.problems]])
    if row.action == Action.EXISTS:
        raise ValidationError(f"{row.email} is already in {cohort.name}.")
    return row


def enrollment_add(*, cohort: Cohort, email: str, name: str, time_zone: str, monthly_salary, actor) -> Enrollment:
    """Enrol one hire by hand: a new account is created and invited; an existing hire's account is enrolled."""
    row = enrollment_add_check(cohort=cohort, email=email, name=name, time_zone=time_zone,
                               monthly_salary=monthly_salary)  # fmt: skip
    invited: list[User] = []
    try:
        with transaction.atomic():
            enrollment = _apply_row(row, cohort=cohort, actor=actor, note="Added by hand", invited=invited)
            for hire in invited:
                account_services.invitation_request(user=hire)
    except IntegrityError as error:
        raise ValidationError(f"{row.email} was just added by someone else.") from error
    return enrollment


def hire_invite(*, enrollment: Enrollment) -> None:
    """Send the invitation again (a new link; the old one keeps working until it expires or is used)."""
    hire = enrollment.hire
    status = Enrollment.objects.values_list("status", flat=True).get(pk=enrollment.pk)
    if status not in RUNNING_STATUSES:
        raise ValidationError(
            f"{hire} is {EnrollmentStatus(status).label.lower()}: invitations are only for hires in training."
        )
    if hire.has_usable_password():
        raise ValidationError(f"{hire} has already chosen a password; they can reset it from the sign-in page.")
    if not hire.is_active:
        raise ValidationError(f"{hire}'s account is disabled.")
    account_services.invitation_request(user=hire)


# --- A hire's enrollment --------------------------------------------------------------------------------

# The lifecycle is courses' own (courses/services/enrollments.py): every page, API view and admin
# action that changes a hire's status, schedule, cohort or salary goes through these.
enrollment_pause = course_services.enrollment_pause
enrollment_resume = course_services.enrollment_resume
enrollment_extend = course_services.enrollment_extend
enrollment_move = course_services.enrollment_move
enrollment_withdraw = course_services.enrollment_withdraw
enrollment_reinstate = course_services.enrollment_reinstate
enrollment_salary_change = course_services.enrollment_salary_change
