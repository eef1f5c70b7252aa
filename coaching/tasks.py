from celery import shared_task

from coaching import practice, retention, scorer_training


@shared_task
def scorer_retrain_when_due() -> str:
    """Daily: retrain the pre-scorer once enough new coach grades have been released."""
    if not scorer_training.retrain_due():
        return "not due"
    outcome = scorer_training.scorer_retrain()
    return f"{outcome.version.version}: {'live' if outcome.went_live else 'kept back'}"


@shared_task(runs_here_when_broker_down=True)
def practice_assign(enrollment_id: int) -> int:
    """After a grade is released or a call reviewed: assign the practice the hire's latest scores call for."""
    return len(practice.practice_assign_for(enrollment_id=enrollment_id))


@shared_task
def call_data_purge() -> str:
    """Daily: delete recordings and transcripts of calls older than the retention period (coaching.retention)."""
    return str(retention.call_data_purge())
