from celery import shared_task

from coaching import scorer_training


@shared_task
def scorer_retrain_when_due() -> str:
    """Daily: retrain the pre-scorer once enough new coach grades have been released."""
    if not scorer_training.retrain_due():
        return "not due"
    outcome = scorer_training.scorer_retrain()
    return f"{outcome.version.version}: {'live' if outcome.went_live else 'kept back'}"
