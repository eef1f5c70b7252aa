from celery import shared_task

from calibration import services


@shared_task
def calibration_due_reminders_send() -> int:
    """Hourly: invited coaches who have not submitted hear once that a session is due within a day."""
    return services.calibration_due_reminders_send()
