"""Telling people things, once. `notify` (one) and `notify_many` (a sweep's or a digest's many) are
the one way in: they write the ledger row (which is also the in-app notification), keyed by
`notification_key`, and decide in the same transaction, by `email_plan`, whether and when to email.

Email is sent by a Celery task enqueued after commit. A notification is claimed for sending
(committed) before the mail goes out, so a redelivered task never sends it twice.
"""

import datetime
import zoneinfo
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from notifications.models import (
    CONFIGURABLE_KINDS,
    DAILY_CAPPED_KINDS,
    DEFAULT_CHANNEL,
    REMINDER_KINDS,
    Channel,
    EmailStatus,
    Kind,
    Notification,
    Preference,
    QuietHours,
)

MAX_EMAIL_ATTEMPTS = 6  # the first try and at most five retries
DAY = datetime.timedelta(days=1)


def quiet_until_for(user, quiet: QuietHours | None, now: datetime.datetime) -> datetime.datetime | None:
    """If `now` falls in this person's quiet hours, when they end (their morning); else None."""
    if quiet is None or not quiet.enabled or quiet.starts == quiet.ends:
        return None
    zone = zoneinfo.ZoneInfo(user.time_zone)
    local = now.astimezone(zone)
    moment, starts, ends = local.time(), quiet.starts, quiet.ends
    if starts < ends:  # e.g. 13:00–14:00, within one day
        if not starts <= moment < ends:
            return None
        end_day = local.date()
    else:  # e.g. 21:00–08:00, across midnight
        if ends <= moment < starts:
            return None
        end_day = local.date() + datetime.timedelta(days=1) if moment >= starts else local.date()
    return datetime.datetime.combine(end_day, ends, tzinfo=zone)


def email_plan(notification: Notification, *, channel: str, quiet: QuietHours | None, now) -> None:
    """Decide whether and when a notification is emailed: by the person's channel for its kind,
    and for reminders, their quiet hours. Sets the email status and due time; saves nothing."""
    recipient = notification.recipient
    if channel == Channel.EMAIL_DIGEST:
        notification.email_status = EmailStatus.DIGEST
    elif channel == Channel.EMAIL_NOW and recipient.email:
        waits = quiet_until_for(recipient, quiet, now) if notification.kind in REMINDER_KINDS else None
        notification.email_status = EmailStatus.SCHEDULED if waits else EmailStatus.QUEUED
        notification.email_due_at = waits or now


def notification_key(*, kind: str, subject: str, period: str = "") -> str:
    """The ledger key: who or what it is about and for which period, after its kind
    ("feedback:grade:12", "overdue:7:items:3f2a9c", "queue_digest:2026-11-24")."""
    return ":".join(part for part in (kind, subject, period) if part)[:200]


@dataclass(frozen=True)
class NotificationDraft:
    """One notification to write, unless its key is already in the ledger."""

    recipient: object  # a User
    kind: str
    subject: str
    title: str
    period: str = ""
    body: str = ""
    url: str = ""
    email: bool = True  # False: in the app only, whatever the person's channel (e.g. history being loaded)
    created_at: datetime.datetime | None = None  # when it happened, if not at the write

    @property
    def key(self) -> str:
        return notification_key(kind=self.kind, subject=self.subject, period=self.period)


def notify(
    *,
    recipient,
    kind: str,
    key: str,
    title: str,
    body: str = "",
    url: str = "",
    period: str = "",
    now: datetime.datetime | None = None,
) -> Notification | None:
    """Tell `recipient` something, unless they were already told (same kind, key and period).
    Returns the new notification, or None if it already existed."""
    draft = NotificationDraft(
        recipient=recipient, kind=kind, subject=key, period=period, title=title, body=body, url=url
    )
    written = notify_many([draft], now=now)
    return written[0] if written else None


def notify_many(drafts: list[NotificationDraft], *, now: datetime.datetime | None = None) -> list[Notification]:
    """Write many notifications at once, skipping any already in the ledger, and queue their
    emails by each person's channel, quiet hours and daily cap for reminders. A fixed number of
    queries whatever the count. Returns the notifications written, with their ids."""
    from notifications.tasks import notification_email_send, notification_emails_send

    now = now or timezone.now()
    by_key = {}
    for draft in drafts:  # one person told one thing twice in the same call is told once
        by_key.setdefault((draft.recipient.pk, draft.key), draft)
    if not by_key:
        return []
    recipients = {recipient_id for recipient_id, _ in by_key}
    with transaction.atomic(savepoint=False):  # inside a caller's transaction, part of it
        existing = set(
            Notification.objects.filter(recipient_id__in=recipients, key__in={key for _, key in by_key})
            .values_list("recipient_id", "key")
        )  # fmt: skip
        fresh = [
            Notification(
                recipient=draft.recipient, kind=draft.kind, key=draft.key, title=draft.title[:200], body=draft.body,
                url=draft.url, created_at=draft.created_at or now,
            )
            for identity, draft in by_key.items()
            if identity not in existing
        ]  # fmt: skip
        if not fresh:
            return []
        emailed = [n for n in fresh if by_key[(n.recipient_id, n.key)].email]
        _plan_emails(emailed, recipients={n.recipient_id for n in emailed}, now=now)
        written = _insert_skipping_existing(fresh)
        queued = [n.pk for n in written if n.email_status == EmailStatus.QUEUED]
        if len(queued) == 1:
            notification_email_send.delay_on_commit(queued[0])
        elif queued:  # one message for many: publishing thousands of messages costs more than writing them
            notification_emails_send.delay_on_commit(queued)
    return written


def _plan_emails(notifications: list[Notification], *, recipients: set[int], now: datetime.datetime) -> None:
    if not notifications:
        return
    preferences = defaultdict(dict)
    for user_id, kind, channel in Preference.objects.filter(user_id__in=recipients).values_list(
        "user_id", "kind", "channel"
    ):
        preferences[user_id][kind] = channel
    quiet = {q.user_id: q for q in QuietHours.objects.filter(user_id__in=recipients, enabled=True)}
    capped = [n for n in notifications if n.kind in DAILY_CAPPED_KINDS]
    emails_by_day = _reminder_emails_by_day({n.recipient_id for n in capped}, now=now) if capped else Counter()
    for notification in notifications:
        channel = preferences[notification.recipient_id].get(notification.kind, DEFAULT_CHANNEL)
        email_plan(notification, channel=channel, quiet=quiet.get(notification.recipient_id), now=now)
        if notification.kind in DAILY_CAPPED_KINDS and notification.email_due_at is not None:
            moment = _email_day(notification.email_status, notification.created_at, notification.email_due_at)
            day = (notification.recipient_id, _local_day(notification.recipient.time_zone, moment))
            if emails_by_day[day] >= settings.NOTIFICATIONS_REMINDER_EMAILS_PER_DAY:
                # Over the day's cap: told in the app, not by yet another email.
                notification.email_status, notification.email_due_at = EmailStatus.NONE, None
            else:
                emails_by_day[day] += 1


def _local_day(time_zone: str, moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(zoneinfo.ZoneInfo(time_zone)).date()


def _email_day(notification_status: str, created_at, email_due_at) -> datetime.datetime:
    """The moment whose day an email counts against: a held email's release, else its writing
    (sending overwrites `email_due_at` with the claim's moment)."""
    return email_due_at if notification_status == EmailStatus.SCHEDULED else created_at


def _reminder_emails_by_day(recipients: set[int], *, now: datetime.datetime) -> Counter:
    """How many reminder emails each person has had, or has waiting, per day of their own."""
    rows = (
        Notification.objects.filter(
            recipient_id__in=recipients, kind__in=DAILY_CAPPED_KINDS, created_at__gte=now - 2 * DAY
        )
        .exclude(email_status__in=[EmailStatus.NONE, EmailStatus.DIGEST])
        .values_list("recipient_id", "recipient__time_zone", "email_status", "created_at", "email_due_at")
    )
    return Counter(
        (recipient_id, _local_day(zone, _email_day(status, created_at, due_at)))
        for recipient_id, zone, status, created_at, due_at in rows
    )


LEDGER_COLUMNS = [
    "recipient_id", "kind", "key", "title", "body", "url", "created_at", "read_at", "email_status", "email_due_at",
    "email_attempts", "email_sent_at", "email_error",
]  # fmt: skip


def _insert_skipping_existing(fresh: list[Notification]) -> list[Notification]:
    """Write the rows and return those this call wrote, with their ids. PostgreSQL: a concurrent
    writer may have written some since they were read, and the unique key keeps its copy. SQLite:
    the transaction took the write lock before reading (IMMEDIATE), so nobody else could."""
    if connection.vendor == "postgresql":
        ids = {(recipient_id, key): pk for pk, recipient_id, key in _copy_insert(fresh)}
        written = []
        for notification in fresh:
            notification.pk = ids.get((notification.recipient_id, notification.key))
            if notification.pk is not None:
                written.append(notification)
        return written
    return Notification.objects.bulk_create(fresh, batch_size=1000)  # the ids come back with the insert


def _copy_insert(fresh: list[Notification]) -> list[tuple[int, int, str]]:
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
            f"ON CONFLICT (recipient_id, key) DO NOTHING RETURNING id, recipient_id, key"
        )
        written = cursor.fetchall()
        cursor.execute("TRUNCATE incoming_notification")
    return written


def notification_claim_for_email(*, notification_id: int) -> Notification | None:
    """Take a queued notification for sending: it becomes "sending" in its own committed
    transaction, so a second delivery of the same task finds nothing to do."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().select_related("recipient").filter(pk=notification_id).first()
        )
        if notification is None or notification.email_status != EmailStatus.QUEUED:
            return None  # sent, failed, or being sent by another delivery of this task
        notification.email_attempts += 1
        notification.email_status = EmailStatus.SENDING
        notification.email_due_at = timezone.now()  # when the claim was taken, for recovery
        notification.save(update_fields=["email_attempts", "email_status", "email_due_at"])
        return notification


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{url}" if url.startswith("/") else url


def _send(notification: Notification) -> None:
    items = [(item, _absolute(item.url)) for item in notification.items.all()]  # a reminder's list
    context = {"notification": notification, "link": _absolute(notification.url), "items": items,
               "site_name": settings.SITE_NAME}  # fmt: skip
    message = EmailMultiAlternatives(
        subject=notification.title,
        body=render_to_string("notifications/email.txt", context),
        to=[notification.recipient.email],
    )
    message.attach_alternative(render_to_string("notifications/email.html", context), "text/html")
    message.send()


def notification_email_send(*, notification_id: int, final_attempt: bool) -> bool:
    """Send one notification's email. A failure is recorded; on the final attempt the
    notification is marked failed (visible to admins) instead of being retried again."""
    notification = notification_claim_for_email(notification_id=notification_id)
    if notification is None:
        return False
    try:
        _send(notification)
    except OSError as error:  # SMTP and network errors
        failed = final_attempt or notification.email_attempts >= MAX_EMAIL_ATTEMPTS
        Notification.objects.filter(pk=notification.pk).update(
            email_error=f"{type(error).__name__}: {error}"[:2000],
            email_status=EmailStatus.FAILED if failed else EmailStatus.QUEUED,
        )
        if failed:
            return False
        raise
    Notification.objects.filter(pk=notification.pk).update(
        email_status=EmailStatus.SENT, email_sent_at=timezone.now(), email_error=""
    )
    return True


STALE_SENDING = datetime.timedelta(minutes=15)


def notifications_release_scheduled(*, now: datetime.datetime | None = None) -> int:
    """Queue the emails whose quiet hours are over, and recover the ones a dead worker left
    behind: claimed long ago and never finished, or queued long ago with no task (a worker
    killed between a commit and its publish). Sending claims the row exclusively, so an extra
    task for a live one sends nothing twice. Run by beat; far-future sends are rows, not ETAs."""
    from notifications.tasks import notification_email_send

    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(
                Q(email_status=EmailStatus.SCHEDULED, email_due_at__lte=now)
                | Q(email_status__in=[EmailStatus.SENDING, EmailStatus.QUEUED], email_due_at__lte=now - STALE_SENDING)
            )
            .order_by("email_due_at")  # the longest waiting first
            .values_list("pk", flat=True)[:1000]
        )
        Notification.objects.filter(pk__in=due).update(email_status=EmailStatus.QUEUED)
        for notification_id in due:
            notification_email_send.delay_on_commit(notification_id)
    return len(due)


def notification_mark_read(*, notification: Notification, now: datetime.datetime | None = None) -> None:
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now or timezone.now())


def notifications_mark_all_read(*, user, now: datetime.datetime | None = None) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=now or timezone.now())


def preferences_save(*, user, channels: dict[str, str], quiet_starts=None, quiet_ends=None, quiet_enabled=None):
    with transaction.atomic():
        for kind, channel in channels.items():
            if kind in CONFIGURABLE_KINDS and channel in Channel.values:
                Preference.objects.update_or_create(user=user, kind=kind, defaults={"channel": channel})
        if quiet_starts is not None or quiet_enabled is not None:
            quiet, _ = QuietHours.objects.get_or_create(user=user)
            if quiet_starts is not None:
                quiet.starts, quiet.ends = quiet_starts, quiet_ends
            if quiet_enabled is not None:
                quiet.enabled = quiet_enabled
            quiet.save()


def preferences_for(*, user) -> dict[str, str]:
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "channel"))
    return {kind: chosen.get(kind, DEFAULT_CHANNEL) for kind in Kind.values if kind in CONFIGURABLE_KINDS}
