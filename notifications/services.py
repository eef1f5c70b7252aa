"""Telling people things, once. `notify` is the one way in: it writes the ledger row (which is
also the in-app notification) and decides, in the same transaction, whether and when to email.

Email is sent by a Celery task enqueued after commit. A notification is claimed for sending
(committed) before the mail goes out, so a redelivered task never sends it twice.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from notifications.models import (
    CONFIGURABLE_KINDS,
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


def channel_for(user, kind: str) -> str:
    preference = Preference.objects.filter(user=user, kind=kind).values_list("channel", flat=True).first()
    return preference or DEFAULT_CHANNEL


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


def notify(
    *, recipient, kind: str, key: str, title: str, body: str = "", url: str = "", now: datetime.datetime | None = None
) -> Notification | None:
    """Tell `recipient` something, unless they were already told (same key). Returns the new
    notification, or None if it already existed."""
    from notifications.tasks import notification_email_send

    now = now or timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=recipient, kind=kind, key=f"{kind}:{key}"[:200], title=title[:200], body=body,
                    url=url, created_at=now,
                )  # fmt: skip
        except IntegrityError:
            return None  # already told: the ledger row exists
        quiet = QuietHours.objects.filter(user=recipient, enabled=True).first()
        email_plan(notification, channel=channel_for(recipient, kind), quiet=quiet, now=now)
        notification.save(update_fields=["email_status", "email_due_at"])
        if notification.email_status == EmailStatus.QUEUED:
            notification_email_send.delay_on_commit(notification.pk)
    return notification


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
    context = {"notification": notification, "link": _absolute(notification.url), "site_name": settings.SITE_NAME}
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
