from celery import shared_task

from config.celery import transient_retry_policy
from notifications import services


@shared_task(bind=True, **transient_retry_policy())
def notification_email_send(self, notification_id: int) -> bool:
    final = self.request.retries >= self.max_retries
    return services.notification_email_send(notification_id=notification_id, final_attempt=final)


@shared_task
def notifications_release_scheduled() -> int:
    return services.notifications_release_scheduled()


@shared_task
def reminders_sweep() -> int:
    from notifications.reminders import reminders_sweep as sweep

    return sweep().created
