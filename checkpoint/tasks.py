from celery import shared_task

from checkpoint import services


@shared_task
def checkpoints_sweep() -> dict[str, int]:
    """Open due checkpoints, send their reminders, escalate missed deadlines. Safe to run twice."""
    return services.checkpoints_sweep()
