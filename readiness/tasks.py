from celery import shared_task

from readiness import services


@shared_task
def readiness_flags_raise() -> int:
    """Hourly: hires not ready when their week 5 (nesting) opens are flagged once and their coaches told."""
    return len(services.readiness_flags_raise())
