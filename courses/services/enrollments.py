"""The enrollment lifecycle: every change to a hire's status, schedule, cohort or salary is made here.

Each step runs in one transaction holding the enrollment's row lock, refuses a change its current
state does not allow (ValidationError, nothing written), and leaves an EnrollmentEvent: who, what,
why, and the values before and after where they matter.

    created ─► active ◄─► paused          active/paused ─► withdrawn ─► active (reinstated)
               active ─► graduated | left with the offer ─► active (checkpoint reopened)
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from common.numbers import AmountError, parse_salary
from courses.models import (
    RUNNING_STATUSES,
    Cohort,
    Enrollment,
    EnrollmentEvent,
    EnrollmentEventKind,
    EnrollmentStatus,
)

EXTENSION_MAX_DAYS = 60
NOTE_MAX = 500
# Fields a step may change; the caller's own instance is brought up to date with them.
_LIFECYCLE_FIELDS = ("status", "paused_on", "extension_days", "cohort_id", "monthly_salary")


# --- Shared rules ----------------------------------------------------------------------------------


def _locked(enrollment: Enrollment) -> Enrollment:
    return (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("cohort__curriculum", "hire")
        .get(pk=enrollment.pk)
    )


def _synced(original: Enrollment, changed: Enrollment) -> Enrollment:
    """Copy the new state onto the caller's instance, so an object held elsewhere is not left stale."""
    if original is not changed:
        for name in _LIFECYCLE_FIELDS:
            setattr(original, name, getattr(changed, name))
        if original.cohort_id == changed.cohort_id:
            original.cohort = changed.cohort
    return changed


def _status_name(enrollment: Enrollment) -> str:
    return enrollment.get_status_display().lower()


def _clean_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError(f"The note is limited to {NOTE_MAX} characters.")
    return note


def _required_reason(reason: str, *, action: str) -> str:
    reason = _clean_note(reason)
    if not reason:
        raise ValidationError(f"Give a reason to {action}: it is kept in the hire's history.", code="reason_required")
    return reason


def _record(
    enrollment: Enrollment, kind: str, *, actor, note: str = "", days: int = 0, data: dict | None = None,
    now: datetime.datetime | None = None,
) -> EnrollmentEvent:  # fmt: skip
    return EnrollmentEvent.objects.create(
        enrollment=enrollment, kind=kind, actor=actor, note=note[:NOTE_MAX], days=days, data=data or {},
        created_at=now or timezone.now(),
    )  # fmt: skip


def _set_status(enrollment: Enrollment, status: str, *, kind: str, actor, note: str,
                now: datetime.datetime | None = None, **extra) -> EnrollmentEvent:  # fmt: skip
    before = enrollment.status
    enrollment.status = status
    enrollment.save(update_fields=["status", *extra.pop("update_fields", [])])
    return _record(enrollment, kind, actor=actor, note=note, data={"status": [before, status], **extra}, now=now)


def _cohort_today(enrollment: Enrollment, now: datetime.datetime | None) -> datetime.date:
    from courses.pacing import schedule_for

    now = now or timezone.now()
    return schedule_for(enrollment, now).local_date(now)


def _refuse_unless(enrollment: Enrollment, allowed, message: str) -> None:
    if enrollment.status not in allowed:
        raise ValidationError(message, code="invalid_transition")


def _refuse_if_training_elsewhere(enrollment: Enrollment) -> None:
    elsewhere = (
        Enrollment.objects.filter(hire_id=enrollment.hire_id, status__in=RUNNING_STATUSES)
        .exclude(pk=enrollment.pk)
        .select_related("cohort")
        .first()
    )
    if elsewhere is not None:
        raise ValidationError(f"{enrollment.hire} is training in {elsewhere.cohort.name}.", code="invalid_transition")


# --- Joining and the schedule ------------------------------------------------------------------------


@transaction.atomic
def enrollment_create(
    *,
    cohort: Cohort,
    hire,
    actor=None,
    note: str = "",
    status: str = EnrollmentStatus.ACTIVE,
    extension_days: int = 0,
    monthly_salary: Decimal | None = None,
) -> Enrollment:
    """Enrol a hire in a cohort, active (or paused from today)."""
    if status not in RUNNING_STATUSES:
        raise ValidationError("A hire is enrolled active or paused.", code="invalid_transition")
    note = _clean_note(note)
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if cohort.archived_at is not None:
        raise ValidationError(f"{cohort.name} is archived: nobody can be enrolled in it.")
    enrollment = Enrollment(
        cohort=cohort, hire=hire, status=status, extension_days=extension_days, monthly_salary=monthly_salary
    )
    if status == EnrollmentStatus.PAUSED:
        enrollment.paused_on = timezone.localdate()
    enrollment.full_clean()
    enrollment.save()
    salary = None if monthly_salary is None else str(enrollment.monthly_salary)
    _record(enrollment, EnrollmentEventKind.ENROLLED, actor=actor, note=note,
            data={"status": [None, status], "monthly_salary": [None, salary]})  # fmt: skip
    return enrollment


@transaction.atomic
def enrollment_pause(
    *, enrollment: Enrollment, actor, note: str = "", now: datetime.datetime | None = None
) -> Enrollment:
    """While paused nothing unlocks and nothing falls overdue."""
    note = _clean_note(note)
    locked = _locked(enrollment)
    _refuse_unless(locked, [EnrollmentStatus.ACTIVE],
                   f"Only an active hire can be paused; {locked.hire} is {_status_name(locked)}.")  # fmt: skip
    locked.paused_on = _cohort_today(locked, now)
    _set_status(locked, EnrollmentStatus.PAUSED, kind=EnrollmentEventKind.PAUSED, actor=actor, note=note,
                update_fields=["paused_on"])  # fmt: skip
    return _synced(enrollment, locked)


@transaction.atomic
def enrollment_resume(
    *, enrollment: Enrollment, actor, note: str = "", now: datetime.datetime | None = None
) -> Enrollment:
    """Back to active; the days spent paused become part of the hire's extension."""
    note = _clean_note(note)
    locked = _locked(enrollment)
    _refuse_unless(locked, [EnrollmentStatus.PAUSED], f"{locked.hire} is not paused.")
    paused_days = max(0, (_cohort_today(locked, now) - locked.paused_on).days)
    before = locked.extension_days
    locked.status = EnrollmentStatus.ACTIVE
    locked.extension_days += paused_days
    locked.paused_on = None
    locked.save(update_fields=["status", "extension_days", "paused_on"])
    _record(locked, EnrollmentEventKind.RESUMED, actor=actor, note=note, days=paused_days,
            data={"status": [EnrollmentStatus.PAUSED, EnrollmentStatus.ACTIVE],
                  "extension_days": [before, locked.extension_days]})  # fmt: skip
    return _synced(enrollment, locked)


@transaction.atomic
def enrollment_extend(*, enrollment: Enrollment, days: int, actor, note: str = "") -> Enrollment:
    """Move the hire's whole schedule back by `days`."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= EXTENSION_MAX_DAYS:
        raise ValidationError(f"An extension is from 1 to {EXTENSION_MAX_DAYS} days.")
    note = _clean_note(note)
    locked = _locked(enrollment)
    _refuse_unless(locked, RUNNING_STATUSES, f"{locked.hire}'s training has ended; it cannot be extended.")
    before = locked.extension_days
    locked.extension_days += days
    locked.save(update_fields=["extension_days"])
    _record(locked, EnrollmentEventKind.EXTENDED, actor=actor, note=note, days=days,
            data={"extension_days": [before, locked.extension_days]})  # fmt: skip
    return _synced(enrollment, locked)


@transaction.atomic
def enrollment_move(*, enrollment: Enrollment, cohort: Cohort, actor, note: str = "") -> Enrollment:
    """Move a hire to another cohort on the same curriculum version. The enrollment itself moves,
    so every lesson, check, role-play, grade and piece of feedback stays theirs."""
    note = _clean_note(note)
    locked = _locked(enrollment)
    target = Cohort.objects.select_for_update().select_related("curriculum").get(pk=cohort.pk)
    source = locked.cohort
    if target.pk == source.pk:
        raise ValidationError(f"{locked.hire} is already in {target.name}.")
    _refuse_unless(locked, RUNNING_STATUSES,
                   f"{locked.hire}'s training has ended ({_status_name(locked)}): it cannot move.")  # fmt: skip
    if target.archived_at is not None:
        raise ValidationError(f"{target.name} is archived.")
    if target.curriculum_id != source.curriculum_id:
        raise ValidationError(
            f"{target.name} runs {target.curriculum}, not {source.curriculum}: "
            "the hire's work would not carry over. Choose a cohort on the same curriculum version."
        )
    if Enrollment.objects.filter(cohort=target, hire_id=locked.hire_id).exists():
        raise ValidationError(f"{locked.hire} already has an enrollment in {target.name}.")
    locked.cohort = target
    locked.save(update_fields=["cohort"])
    _record(locked, EnrollmentEventKind.MOVED, actor=actor,
            note=f"From {source.name} to {target.name}. {note}".strip(),
            data={"cohort": [source.pk, target.pk]})  # fmt: skip
    return _synced(enrollment, locked)


# --- Leaving and coming back -------------------------------------------------------------------------


@transaction.atomic
def enrollment_withdraw(*, enrollment: Enrollment, actor, reason: str) -> Enrollment:
    """The hire leaves training. Their record stays; nothing more is due and no reminder is sent."""
    reason = _required_reason(reason, action="withdraw a hire")
    locked = _locked(enrollment)
    _refuse_unless(locked, RUNNING_STATUSES,
                   f"Only a hire in training can be withdrawn; {locked.hire} is {_status_name(locked)}.")  # fmt: skip
    locked.paused_on = None
    _set_status(locked, EnrollmentStatus.WITHDRAWN, kind=EnrollmentEventKind.WITHDRAWN, actor=actor, note=reason,
                update_fields=["paused_on"])  # fmt: skip
    return _synced(enrollment, locked)


@transaction.atomic
def enrollment_reinstate(*, enrollment: Enrollment, actor, reason: str) -> Enrollment:
    """A withdrawn hire comes back to training, active, on their schedule as it was."""
    reason = _required_reason(reason, action="reinstate a hire")
    locked = _locked(enrollment)
    _refuse_unless(locked, [EnrollmentStatus.WITHDRAWN],
                   f"Only a withdrawn hire can be reinstated; {locked.hire} is {_status_name(locked)}.")  # fmt: skip
    if locked.cohort.archived_at is not None:
        raise ValidationError(f"{locked.cohort.name} is archived: move nobody back into it.")
    _refuse_if_training_elsewhere(locked)
    _set_status(locked, EnrollmentStatus.ACTIVE, kind=EnrollmentEventKind.REINSTATED, actor=actor, note=reason)
    return _synced(enrollment, locked)


def _finish(enrollment: Enrollment, status: str, kind: str, *, actor, note: str,
            now: datetime.datetime | None) -> Enrollment:  # fmt: skip
    note = _clean_note(note)
    locked = _locked(enrollment)
    _refuse_unless(locked, [EnrollmentStatus.ACTIVE],
                   f"Only an active hire can finish training; {locked.hire} is {_status_name(locked)}.")  # fmt: skip
    _set_status(locked, status, kind=kind, actor=actor, note=note, now=now)
    return _synced(enrollment, locked)


@transaction.atomic
def enrollment_graduate(
    *, enrollment: Enrollment, actor, note: str = "", now: datetime.datetime | None = None
) -> Enrollment:
    """The hire committed at the checkpoint (at `now`, the decision's moment)."""
    return _finish(
        enrollment, EnrollmentStatus.GRADUATED, EnrollmentEventKind.GRADUATED, actor=actor, note=note, now=now
    )


@transaction.atomic
def enrollment_leave_with_offer(
    *, enrollment: Enrollment, actor, note: str = "", now: datetime.datetime | None = None
) -> Enrollment:
    """The hire took the offer at the checkpoint (at `now`, the decision's moment); their record is kept."""
    return _finish(
        enrollment, EnrollmentStatus.LEFT_WITH_OFFER, EnrollmentEventKind.LEFT_WITH_OFFER, actor=actor, note=note,
        now=now,
    )  # fmt: skip


@transaction.atomic
def enrollment_reopen(*, enrollment: Enrollment, actor, reason: str) -> Enrollment:
    """The checkpoint decision was annulled: the hire is back in training, active, to decide again."""
    reason = _required_reason(reason, action="reopen a hire's training")
    locked = _locked(enrollment)
    _refuse_unless(locked, [EnrollmentStatus.GRADUATED, EnrollmentStatus.LEFT_WITH_OFFER],
                   f"Only a hire who finished training can be reopened; {locked.hire} is "
                   f"{_status_name(locked)}.")  # fmt: skip
    _set_status(locked, EnrollmentStatus.ACTIVE, kind=EnrollmentEventKind.REOPENED, actor=actor, note=reason)
    return _synced(enrollment, locked)


# --- Salary --------------------------------------------------------------------------------------------


def salary_parse(amount, *, currency: str = "") -> Decimal:
    """A monthly salary from what a person typed, by the one rule for amounts (common.numbers.parse_salary):
    "3100,50" is 3100.50 and "3,100" (thousands or decimals?) is refused, never guessed."""
    try:
        return parse_salary(amount, currency=currency)
    except AmountError as error:
        message = error.message[:1].upper() + error.message[1:]
        raise ValidationError(f"The salary {error.message}" if error.message[:1] == "“" else message,
                              code="invalid_salary") from None  # fmt: skip


def _money(amount: Decimal | None) -> str:
    return "none" if amount is None else f"{amount:,.2f}"


@transaction.atomic
def enrollment_salary_change(*, enrollment: Enrollment, monthly_salary, actor, reason: str) -> Enrollment:
    """Change the hire's monthly salary (in the cohort's currency). The history keeps old and new amounts."""
    reason = _required_reason(reason, action="change a salary")
    locked = _locked(enrollment)
    value = salary_parse(monthly_salary, currency=locked.cohort.currency)
    before = locked.monthly_salary
    if before is not None and before == value:
        raise ValidationError(f"{locked.hire}'s salary is already {_money(value)} {locked.cohort.currency}.")
    locked.monthly_salary = value
    locked.save(update_fields=["monthly_salary"])
    currency = locked.cohort.currency
    _record(locked, EnrollmentEventKind.SALARY_CHANGED, actor=actor,
            note=f"{_money(before)} → {_money(value)} {currency}: {reason}",
            data={"monthly_salary": [None if before is None else str(before), str(value)], "currency": currency,
                  "reason": reason})  # fmt: skip
    return _synced(enrollment, locked)
