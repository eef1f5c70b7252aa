"""The reminder sweep: due tomorrow, overdue, a new week unlocked.

Each person gets at most one reminder per sweep, listing everything newly due, overdue or open;
each item is written to the reminder ledger (`ReminderItem`, unique per person and item), so a
re-run, or two beats at once, tells nobody anything twice, and an item done meanwhile is not in
the list. Reminder emails are capped per person per day (NOTIFICATIONS_REMINDER_EMAILS_PER_DAY):
past the cap a reminder is in the app only.

Active enrollments are read in batches by primary key. Each batch costs a fixed number of
queries whatever its size (no query per hire): the hires' progress is read in bulk, each
curriculum's items once per sweep, and the reminders written by `notify_many`.
"""

import datetime
import hashlib
import zoneinfo
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from courses import progress
from courses.models import Enrollment, EnrollmentStatus
from courses.moments import due_phrase
from courses.pacing import Schedule
from courses.selectors import DueItem, curriculum_due_items
from notifications.models import Kind, ReminderItem
from notifications.services import NotificationDraft, notification_key, notify_many

BATCH_SIZE = 500
DAY = datetime.timedelta(days=1)


@dataclass
class SweepResult:
    enrollments: int = 0
    batches: int = 0
    created: int = 0  # reminders written: one per person told anything


def reminders_sweep(*, now: datetime.datetime | None = None, batch_size: int = BATCH_SIZE) -> SweepResult:
    now = now or timezone.now()
    result = SweepResult()
    items_by_curriculum: dict[int, list[DueItem]] = {}
    plans: dict[tuple[int, int], list[Reminder]] = {}
    last_pk = 0
    while True:
        batch = list(
            Enrollment.objects.filter(status=EnrollmentStatus.ACTIVE, pk__gt=last_pk)
            .select_related("cohort", "hire")
            .order_by("pk")[:batch_size]
        )
        if not batch:
            return result
        last_pk = batch[-1].pk
        for curriculum_id in {e.cohort.curriculum_id for e in batch} - set(items_by_curriculum):
            items_by_curriculum[curriculum_id] = curriculum_due_items(curriculum_id=curriculum_id)
        result.created += _sweep_batch(batch, items_by_curriculum, now, plans)
        result.enrollments += len(batch)
        result.batches += 1


def _done_sets(batch: list[Enrollment]) -> dict[str, set[tuple[int, int]]]:
    """Per kind, the (enrollment, item) pairs done, as courses.progress decides it: three queries."""
    done: dict[str, set[tuple[int, int]]] = {"lesson": set(), "check": set(), "roleplay": set()}
    for enrollment_id, keys in progress.done_items(enrollment_ids=[e.pk for e in batch]).items():
        for kind, item_id in keys:
            done[kind].add((enrollment_id, item_id))
    return done


@dataclass(frozen=True)
class Reminder:
    """One item that is due for everyone on one schedule, at the sweep's moment."""

    kind: str
    subject: str  # the item's key, after the enrollment: "week:3", "lesson:42"
    item: tuple[str, int] | None  # (kind, id) that, once done, cancels it
    title: str  # "Week 1 lesson 2"
    headline: str  # "Overdue: Week 1 lesson 2", the reminder's title when it is the only item
    detail: str
    url: str


def _due_text(due_at: datetime.datetime, zone: zoneinfo.ZoneInfo, now: datetime.datetime) -> str:
    """ "Due today, end of day", "It was due yesterday, end of day": read in the hire's own zone."""
    phrase = due_phrase(due_at, zone, now)
    return f"It {phrase}." if now >= due_at else f"{phrase[0].upper()}{phrase[1:]}."


def _reminders_for(schedule: Schedule, items: list[DueItem], now: datetime.datetime, zone=None) -> list[Reminder]:
    """Everything due on this schedule now. Computed once per cohort and offset, not per hire."""
    reminders = []
    for week in range(1, 7):
        if now - DAY < schedule.week_unlocks_at(week) <= now:
            reminders.append(Reminder(Kind.WEEK_UNLOCKED, f"week:{week}", None, f"Week {week} is open",
                                      f"Week {week} is open", "Its lessons, check and role-plays are ready.",
                                      reverse("courses:week", args=[week])))  # fmt: skip
    for item in items:
        due_at = schedule.due_at(item.week, item.due_day)
        if due_at <= now and schedule.is_unlocked(item.week, now):
            reminders.append(Reminder(
                Kind.OVERDUE, f"{item.kind}:{item.id}", (item.kind, item.id), item.title, f"Overdue: {item.title}",
                _due_text(due_at, zone or schedule.time_zone, now), item.url,
            ))  # fmt: skip
        elif now < due_at <= now + DAY:
            reminders.append(Reminder(
                Kind.DUE_TOMORROW, f"{item.kind}:{item.id}", (item.kind, item.id), item.title,
                f"Due soon: {item.title}", _due_text(due_at, zone or schedule.time_zone, now), item.url,
            ))  # fmt: skip
    return reminders


def _sweep_batch(batch: list[Enrollment], items_by_curriculum: dict, now: datetime.datetime, plans: dict) -> int:
    done = _done_sets(batch)
    due: dict[Enrollment, list[tuple[str, Reminder]]] = {}
    for enrollment in batch:
        cohort = enrollment.cohort
        # Active hires only: a paused hire's schedule is not moving, so nothing is due.
        # Per hire zone too: the due texts are read in the hire's own zone.
        plan_key = (cohort.pk, enrollment.extension_days, enrollment.hire.time_zone)
        if plan_key not in plans:
            schedule = Schedule(cohort.start_date, zoneinfo.ZoneInfo(cohort.time_zone), enrollment.extension_days)
            plans[plan_key] = _reminders_for(schedule, items_by_curriculum[cohort.curriculum_id], now,
                                             zoneinfo.ZoneInfo(enrollment.hire.time_zone))  # fmt: skip
        for reminder in plans[plan_key]:
            if reminder.item is not None and (enrollment.pk, reminder.item[1]) in done[reminder.item[0]]:
                continue
            item_key = notification_key(kind=reminder.kind, subject=f"{enrollment.pk}:{reminder.subject}")
            due.setdefault(enrollment, []).append((item_key, reminder))
    if not due:
        return 0
    with transaction.atomic():
        told = set(
            ReminderItem.objects.filter(
                recipient_id__in={e.hire_id for e in due}, key__in={key for items in due.values() for key, _ in items}
            ).values_list("recipient_id", "key")
        )
        fresh = {}
        for enrollment, items in due.items():
            untold = [(key, reminder) for key, reminder in items if (enrollment.hire_id, key) not in told]
            if untold:
                fresh[enrollment] = untold
        drafts = {enrollment: _reminder_draft(enrollment, items) for enrollment, items in fresh.items()}
        written = {(n.recipient_id, n.key): n for n in notify_many(list(drafts.values()), now=now)}
        ReminderItem.objects.bulk_create(
            [
                ReminderItem(notification=notification, recipient_id=enrollment.hire_id, kind=reminder.kind, key=key,
                             title=reminder.title[:200], detail=reminder.detail[:200], url=reminder.url)
                for enrollment, draft in drafts.items()
                if (notification := written.get((enrollment.hire_id, draft.key))) is not None
                for key, reminder in fresh[enrollment]
            ],
            ignore_conflicts=True,
        )  # fmt: skip
    return len(written)


HEADLINE_ORDER = [Kind.OVERDUE, Kind.DUE_TOMORROW, Kind.WEEK_UNLOCKED]


def _reminder_draft(enrollment: Enrollment, items: list[tuple[str, Reminder]]) -> NotificationDraft:
    """One reminder for everything this person is newly told. Its kind, and so the channel the
    person chose, is the most pressing of its items'; its key names the items, so the same list
    is never written twice."""
    reminders = sorted((reminder for _, reminder in items), key=lambda r: HEADLINE_ORDER.index(r.kind))
    fingerprint = hashlib.sha256("\n".join(sorted(key for key, _ in items)).encode()).hexdigest()[:16]
    if len(reminders) == 1:
        only = reminders[0]
        title, body, url = only.headline, only.detail, only.url
    else:
        title = _summary(reminders)
        body = "\n".join(f"{reminder.headline}. {reminder.detail}" for reminder in reminders)
        url = reverse("courses:my_training")
    return NotificationDraft(recipient=enrollment.hire, kind=reminders[0].kind, subject=f"{enrollment.pk}:items",
                             period=fingerprint, title=title, body=body, url=url)  # fmt: skip


def _summary(reminders: list[Reminder]) -> str:
    """ "3 things are overdue, 2 due soon; week 2 is open"."""
    overdue = sum(r.kind == Kind.OVERDUE for r in reminders)
    soon = sum(r.kind == Kind.DUE_TOMORROW for r in reminders)
    parts = []
    if overdue:
        parts.append(f"{_things(overdue)} overdue" + (f", {soon} due soon" if soon else ""))
    elif soon:
        parts.append(f"{_things(soon)} due soon")
    parts += [r.title for r in reminders if r.kind == Kind.WEEK_UNLOCKED]
    summary = "; ".join(parts)
    return summary[0].upper() + summary[1:]


def _things(count: int) -> str:
    return "1 thing is" if count == 1 else f"{count} things are"
