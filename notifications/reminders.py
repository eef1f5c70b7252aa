"""The daily reminder sweep: due tomorrow, overdue, a new week unlocked.

Active enrollments are read in batches by primary key. Each batch costs a fixed number of
queries whatever its size (no query per hire): the hires' progress is read in bulk, each
curriculum's items once per sweep, and the notifications written with one bulk insert that
skips keys already in the ledger. Running the sweep twice, or two beats at once, tells
nobody anything twice: the ledger's unique key decides.
"""

import datetime
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from courses.models import (
    Attempt,
    AttemptState,
    CheckAttempt,
    Enrollment,
    EnrollmentStatus,
    LessonCompletion,
)
from courses.pacing import Schedule
from courses.selectors import DueItem, curriculum_due_items
from notifications.models import (
    DEFAULT_CHANNEL,
    EmailStatus,
    Kind,
    Notification,
    Preference,
    QuietHours,
)
from notifications.services import email_plan

BATCH_SIZE = 500
DAY = datetime.timedelta(days=1)


@dataclass
class SweepResult:
    enrollments: int = 0
    batches: int = 0
    created: int = 0


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
    ids = [e.pk for e in batch]
    return {
        "lesson": set(LessonCompletion.objects.filter(enrollment_id__in=ids).values_list("enrollment_id", "lesson_id")),
        "check": set(
            CheckAttempt.objects.filter(enrollment_id__in=ids, passed=True).values_list(
                "enrollment_id", "knowledge_check_id"
            )
        ),
        "roleplay": set(
            Attempt.objects.filter(enrollment_id__in=ids)
            .exclude(state__in=[AttemptState.IN_PROGRESS, AttemptState.RETURNED])
            .values_list("enrollment_id", "scenario_id")
        ),
    }


@dataclass(frozen=True)
class Reminder:
    """A reminder that is due for everyone on one schedule, at the sweep's moment."""

    kind: str
    subject: str  # the key's subject, after the enrollment: "week:3", "lesson:42"
    item: tuple[str, int] | None  # (kind, id) that, once done, cancels it
    title: str
    body: str
    url: str


def _reminders_for(schedule: Schedule, items: list[DueItem], now: datetime.datetime) -> list[Reminder]:
    """Everything due on this schedule now. Computed once per cohort and offset, not per hire."""
    reminders = []
    for week in range(1, 7):
        if now - DAY < schedule.week_unlocks_at(week) <= now:
            reminders.append(Reminder(Kind.WEEK_UNLOCKED, f"week:{week}", None, f"Week {week} is open",
                                      "Its lessons, check and role-plays are ready.",
                                      reverse("courses:week", args=[week])))  # fmt: skip
    for item in items:
        due_at = schedule.due_at(item.week, item.due_day)
        if due_at <= now and schedule.is_unlocked(item.week, now):
            reminders.append(Reminder(
                Kind.OVERDUE, f"{item.kind}:{item.id}", (item.kind, item.id), f"Overdue: {item.title}",
                f"It was due {due_at:%a %d %b}.", item.url,
            ))  # fmt: skip
        elif now < due_at <= now + DAY:
            reminders.append(Reminder(
                Kind.DUE_TOMORROW, f"{item.kind}:{item.id}", (item.kind, item.id), f"Due soon: {item.title}",
                f"Due {due_at:%a %d %b, %H:%M}.", item.url,
            ))  # fmt: skip
    return reminders


def _sweep_batch(batch: list[Enrollment], items_by_curriculum: dict, now: datetime.datetime, plans: dict) -> int:
    done = _done_sets(batch)
    candidates: list[Notification] = []
    for enrollment in batch:
        cohort = enrollment.cohort
        # Active hires only: a paused hire's schedule is not moving, so nothing is due.
        plan_key = (cohort.pk, enrollment.extension_days)
        if plan_key not in plans:
            schedule = Schedule(cohort.start_date, zoneinfo.ZoneInfo(cohort.time_zone), enrollment.extension_days)
            plans[plan_key] = _reminders_for(schedule, items_by_curriculum[cohort.curriculum_id], now)
        for reminder in plans[plan_key]:
            if reminder.item is not None and (enrollment.pk, reminder.item[1]) in done[reminder.item[0]]:
                continue
            candidates.append(_candidate(enrollment.hire, reminder.kind, f"{enrollment.pk}:{reminder.subject}",
                                         reminder.title, reminder.body, reminder.url, now))  # fmt: skip
    return notifications_record(candidates, now=now)


def _candidate(hire, kind, key, title, body, url, now) -> Notification:
    return Notification(recipient=hire, kind=kind, key=f"{kind}:{key}"[:200], title=title[:200], body=body, url=url,
                        created_at=now)  # fmt: skip


LEDGER_COLUMNS = [
    "recipient_id", "kind", "key", "title", "body", "url", "created_at", "read_at", "email_status", "email_due_at",
    "email_attempts", "email_sent_at", "email_error",
]  # fmt: skip


def _insert_skipping_existing(fresh: list[Notification], *, recipients: set[int], now) -> tuple[int, list[int]]:
    """Write the rows; a concurrent sweep may have written some of them since they were read,
    and the unique key keeps its copy. Returns how many were written and the ids of those
    with an email queued."""
    if connection.vendor == "postgresql":
        return _copy_insert(fresh)
    Notification.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=1000)
    return len(fresh), list(
        Notification.objects.filter(
            Q(recipient_id__in=recipients, key__in=[n.key for n in fresh]), email_status=EmailStatus.QUEUED,
            email_attempts=0, created_at=now,
        ).values_list("pk", flat=True)
    )  # fmt: skip


def _copy_insert(fresh: list[Notification]) -> tuple[int, list[int]]:
    """PostgreSQL: COPY into a temporary table, then one INSERT … ON CONFLICT DO NOTHING. Many
    times faster than a multi-row INSERT built by the ORM for tens of thousands of rows."""
    table = Notification._meta.db_table
    columns = ", ".join(LEDGER_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS incoming_notification ON COMMIT DROP AS "
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY incoming_notification ({columns}) FROM STDIN") as copy:
            for notification in fresh:
                copy.write_row([getattr(notification, column) for column in LEDGER_COLUMNS])
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM incoming_notification "
            f"ON CONFLICT (recipient_id, key) DO NOTHING RETURNING id, email_status"
        )
        written = cursor.fetchall()
        cursor.execute("TRUNCATE incoming_notification")
    return len(written), [pk for pk, status in written if status == EmailStatus.QUEUED]


def notifications_record(candidates: list[Notification], *, now: datetime.datetime) -> int:
    """Write many notifications at once, skipping any already in the ledger, then queue their
    emails by each person's preference and quiet hours. A fixed number of queries."""
    from notifications.tasks import notification_emails_send

    if not candidates:
        return 0
    recipients = {c.recipient_id for c in candidates}
    with transaction.atomic():
        if connection.vendor == "postgresql":
            fresh = candidates  # ON CONFLICT DO NOTHING skips what the ledger has, in the insert itself
        else:
            existing = set(
                Notification.objects.filter(recipient_id__in=recipients, key__in={c.key for c in candidates})
                .values_list("recipient_id", "key")
            )  # fmt: skip
            fresh = [c for c in candidates if (c.recipient_id, c.key) not in existing]
        if not fresh:
            return 0
        preferences = defaultdict(dict)
        for user_id, kind, channel in Preference.objects.filter(user_id__in=recipients).values_list(
            "user_id", "kind", "channel"
        ):
            preferences[user_id][kind] = channel
        quiet = {q.user_id: q for q in QuietHours.objects.filter(user_id__in=recipients, enabled=True)}
        for notification in fresh:
            channel = preferences[notification.recipient_id].get(notification.kind, DEFAULT_CHANNEL)
            email_plan(notification, channel=channel, quiet=quiet.get(notification.recipient_id), now=now)
        written, queued = _insert_skipping_existing(fresh, recipients=recipients, now=now)
        if queued:  # one message per batch: publishing thousands of messages costs more than the sweep
            notification_emails_send.delay_on_commit(queued)
    return written
