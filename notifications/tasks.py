from celery import shared_task

from config.celery import transient_retry_policy
from notifications import services


@shared_task(bind=True, **transient_retry_policy())
def notification_email_send(self, notification_id: int) -> bool:
    final = self.request.retries >= self.max_retries
    return services.notification_email_send(notification_id=notification_id, final_attempt=final)


@shared_task
def notification_emails_send(notification_ids: list[int]) -> int:
    """Send a batch's emails one by one; one that fails goes to the retrying single task."""
    sent = 0
    for notification_id in notification_ids:
        try:
            sent += services.notification_email_send(notification_id=notification_id, final_attempt=False)
        except OSError:
            notification_email_send.apply_async((notification_id,), countdown=30)
    return sent


@shared_task
def notifications_release_scheduled() -> int:
    return services.notifications_release_scheduled()


@shared_task
def reminders_sweep(batch_size: int | None = None, at: str | None = None) -> int:
    """`at`: an ISO moment to sweep as of (a rehearsal of a later day); now by default."""
    import datetime

    from notifications.reminders import BATCH_SIZE
    from notifications.reminders import reminders_sweep as sweep

    now = datetime.datetime.fromisoformat(at) if at else None
    return sweep(batch_size=batch_size or BATCH_SIZE, now=now).created


@shared_task
def grading_overdue_notify() -> int:
    from notifications import digests

    return digests.grading_overdue_notify()


@shared_task
def coach_queue_digest() -> int:
    from notifications import digests

    return digests.coach_queue_digest()


@shared_task
def cohort_weekly_digest() -> int:
    from notifications import digests

    return digests.cohort_weekly_digest()


@shared_task(**transient_retry_policy())
def digest_emails_send() -> int:
    from notifications import digests

    return digests.digest_emails_send()
