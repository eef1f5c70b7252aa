"""Writes for readiness: the cohort's rule, a coach's sign-off, an admin's override and the week-5 flags.
Every change keeps its audit row: sign-offs and overrides are withdrawn or revoked, never deleted."""

import datetime
import zoneinfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from coaching.selectors import visible_to
from courses.models import RUNNING_STATUSES, Enrollment, EnrollmentStatus
from courses.pacing import schedule_for
from notifications.models import Kind
from notifications.services import NotificationDraft, notify_many
from readiness.models import ReadinessFlag, ReadinessOverride, ReadinessRule, ReadinessRuleChange, ReadinessSignOff
from readiness.selectors import readiness_for_many

NESTING_WEEK = 5
NOTE_MAX = 1000
RULE_FIELDS = ("checks_through_week", "recent_roleplays", "min_average_level", "no_zero_in_latest", "requires_signoff")


def coaches_hire(user, enrollment: Enrollment) -> bool:
    """A coach of the hire's cohort, by the one rule of which hires a coach sees."""
    return permissions.is_coach(user) and Enrollment.objects.filter(visible_to(user), pk=enrollment.pk).exists()


def _in_training(enrollment: Enrollment) -> None:
    if enrollment.status not in RUNNING_STATUSES:
        raise ValidationError(
            f"{enrollment.hire} is no longer in training ({enrollment.get_status_display().lower()})."
        )


def _text(value: str, *, what: str, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(f"Give a {what}.", code="required")
    if len(value) > NOTE_MAX:
        raise ValidationError(f"Keep the {what} to {NOTE_MAX} characters.")
    return value


# --- The rule ----------------------------------------------------------------------------------------------


@transaction.atomic
def readiness_rule_ensure(*, cohort) -> ReadinessRule:
    """The cohort's rule, created with the defaults the first time it is asked for."""
    rule, _ = ReadinessRule.objects.get_or_create(cohort=cohort)
    return rule


@transaction.atomic
def readiness_rule_update(*, cohort, actor, now: datetime.datetime | None = None, **fields) -> ReadinessRule:
    """Change what the cohort asks of a hire (admins only). Unchanged values write nothing."""
    if not permissions.is_admin(actor):
        raise PermissionDenied("Only an admin changes what readiness asks.")
    unknown = sorted(set(fields) - set(RULE_FIELDS))
    if unknown:
        raise ValidationError(f"Unknown readiness setting: {', '.join(unknown)}.")
    now = now or timezone.now()
    rule = ReadinessRule.objects.select_for_update().filter(cohort=cohort).first() or ReadinessRule(cohort=cohort)
    before = {name: getattr(rule, name) for name in RULE_FIELDS}
    candidate = ReadinessRule(pk=rule.pk, cohort=cohort, **{**before, **fields})
    candidate.full_clean(exclude=["cohort", "updated_by", "updated_at"], validate_unique=False)
    changes = {
        name: [_plain(before[name]), _plain(getattr(candidate, name))]
        for name in RULE_FIELDS
        if getattr(candidate, name) != before[name]
    }
    if rule.pk is not None and not changes:
        return rule
    for name in RULE_FIELDS:
        setattr(rule, name, getattr(candidate, name))
    rule.updated_at, rule.updated_by = now, actor
    rule.save()
    if changes:
        ReadinessRuleChange.objects.create(rule=rule, actor=actor, changed_at=now, changes=changes)
    return rule


def _plain(value):
    return str(value) if not isinstance(value, bool | int) else value


# --- Sign-off ----------------------------------------------------------------------------------------------


@transaction.atomic
def readiness_sign_off(
    *, enrollment: Enrollment, coach, note: str = "", now: datetime.datetime | None = None
) -> ReadinessSignOff:
    """A coach of the hire's cohort signs the hire off. Signing off again keeps the current sign-off."""
    if not coaches_hire(coach, enrollment):
        raise PermissionDenied("Only a coach of the hire's cohort signs a hire off.")
    _in_training(enrollment)
    note = _text(note, what="note", required=False)
    Enrollment.objects.select_for_update().filter(pk=enrollment.pk).first()  # one sign-off at a time per hire
    current = ReadinessSignOff.objects.filter(enrollment=enrollment, withdrawn_at__isnull=True).first()
    if current is not None:
        return current
    try:
        with transaction.atomic():
            return ReadinessSignOff.objects.create(
                enrollment=enrollment, coach=coach, note=note, at=now or timezone.now()
            )
    except IntegrityError:  # signed off at the same moment by another coach
        return ReadinessSignOff.objects.get(enrollment=enrollment, withdrawn_at__isnull=True)


@transaction.atomic
def readiness_sign_off_withdraw(
    *, enrollment: Enrollment, actor, now: datetime.datetime | None = None
) -> ReadinessSignOff:
    """The hire's coach (or an admin) withdraws the current sign-off; the row is kept with who and when."""
    if not (coaches_hire(actor, enrollment) or permissions.is_admin(actor)):
        raise PermissionDenied("Only a coach of the hire's cohort or an admin withdraws a sign-off.")
    current = (
        ReadinessSignOff.objects.select_for_update().filter(enrollment=enrollment, withdrawn_at__isnull=True).first()
    )
    if current is None:
        raise ValidationError(f"{enrollment.hire} has no sign-off to withdraw.", code="conflict")
    current.withdrawn_at, current.withdrawn_by = now or timezone.now(), actor
    current.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return current


# --- Override ----------------------------------------------------------------------------------------------


@transaction.atomic
def readiness_override(
    *, enrollment: Enrollment, admin, ready: bool, reason: str, now: datetime.datetime | None = None
) -> ReadinessOverride:
    """An admin decides instead of the rule, with a reason. A new decision replaces the one in force
    (which is kept, revoked); the same decision again keeps it."""
    if not permissions.is_admin(admin):
        raise PermissionDenied("Only an admin overrides readiness.")
    reason = _text(reason, what="reason for the override", required=True)
    now = now or timezone.now()
    decision = ReadinessOverride.Decision.READY if ready else ReadinessOverride.Decision.NOT_READY
    current = (
        ReadinessOverride.objects.select_for_update().filter(enrollment=enrollment, revoked_at__isnull=True).first()
    )
    if current is not None:
        if current.decision == decision and current.reason == reason:
            return current
        current.revoked_at, current.revoked_by = now, admin
        current.save(update_fields=["revoked_at", "revoked_by"])
    return ReadinessOverride.objects.create(
        enrollment=enrollment, admin=admin, decision=decision, reason=reason, at=now
    )


@transaction.atomic
def readiness_override_revoke(
    *, enrollment: Enrollment, admin, now: datetime.datetime | None = None
) -> ReadinessOverride:
    """The rule decides again; the override is kept, revoked, with who and when."""
    if not permissions.is_admin(admin):
        raise PermissionDenied("Only an admin revokes an override.")
    current = (
        ReadinessOverride.objects.select_for_update().filter(enrollment=enrollment, revoked_at__isnull=True).first()
    )
    if current is None:
        raise ValidationError(f"{enrollment.hire} has no override in force.", code="conflict")
    current.revoked_at, current.revoked_by = now or timezone.now(), admin
    current.save(update_fields=["revoked_at", "revoked_by"])
    return current


# --- The week-5 flag ---------------------------------------------------------------------------------------


def _nesting_candidates(now: datetime.datetime) -> list[Enrollment]:
    """Active hires without a flag whose week 5 has opened and whose training has not ended."""
    # Week 5 opens 28 days after the start at the earliest (extensions and pauses only delay it);
    # a day's margin covers every time zone.
    latest_start = now.date() + datetime.timedelta(days=1) - datetime.timedelta(days=7 * (NESTING_WEEK - 1))
    enrollments = (
        Enrollment.objects.filter(
            status=EnrollmentStatus.ACTIVE, cohort__archived_at__isnull=True, cohort__start_date__lte=latest_start,
            readiness_flag__isnull=True,
        )
        .select_related("hire", "cohort")
        .prefetch_related("cohort__coaches")
    )  # fmt: skip
    due = []
    for enrollment in enrollments:
        schedule = schedule_for(enrollment, now)
        if schedule.is_unlocked(NESTING_WEEK, now) and now < schedule.training_ends_at():
            due.append(enrollment)
    return due


@transaction.atomic
def readiness_flags_raise(*, now: datetime.datetime | None = None) -> list[ReadinessFlag]:
    """Hires not ready when nesting (week 5) opens are flagged once, and their cohort's coaches are told."""
    now = now or timezone.now()
    candidates = _nesting_candidates(now)
    readiness = readiness_for_many(enrollments=candidates, now=now)
    flags = [
        ReadinessFlag(enrollment=e, flagged_at=now, missing=list(readiness[e.pk].missing))
        for e in candidates
        if not readiness[e.pk].met
    ]
    if not flags:
        return []
    ReadinessFlag.objects.bulk_create(flags, ignore_conflicts=True)  # once per enrollment, even if run twice at once
    drafts = []
    for flag in flags:
        enrollment = flag.enrollment
        missing = "; ".join(flag.missing) or "the admin's decision"
        week_opened = schedule_for(enrollment, now).week_unlocks_at(NESTING_WEEK)
        for coach in enrollment.cohort.coaches.all():
            drafts.append(NotificationDraft(
                recipient=coach, kind=Kind.READINESS, subject=f"not_ready:{enrollment.pk}",
                title=f"{enrollment.hire} is not ready for nesting",
                body=f"Week 5 opened {week_opened.astimezone(zoneinfo.ZoneInfo(enrollment.cohort.time_zone)):%-d %b}. "
                f"Missing: {missing}.",
                url=reverse("coaching:hire_timeline", args=[enrollment.pk]),
            ))  # fmt: skip
    notify_many(drafts, now=now)
    return flags
