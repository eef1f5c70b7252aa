"""The Celery application: configured from Django settings (CELERY_* names)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("loyalty_academy")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def transient_retry_policy() -> dict:
    """For tasks whose failures are transient (mail servers, networks): retried with exponential
    backoff and jitter, at most five times. Such tasks must be idempotent: with acks_late, a lost
    worker's message is delivered again. Read when a task is defined, after settings load."""
    from django.conf import settings

    return {
        "autoretry_for": (OSError,),  # smtplib.SMTPException and socket errors are OSErrors
        "retry_backoff": 30,
        "retry_backoff_max": settings.CELERY_RETRY_BACKOFF_MAX,
        "retry_jitter": True,
        "max_retries": 5,
    }
