"""The Celery application: configured from Django settings (CELERY_* names)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("loyalty_academy")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# For tasks whose failures are transient (mail servers, networks): retried with
# exponential backoff and jitter, a bounded number of times. Such tasks must be
# idempotent, since acks_late means a lost worker's message is delivered again.
RETRY_TRANSIENT = {
    "autoretry_for": (OSError,),  # smtplib.SMTPException and socket errors are OSErrors
    "retry_backoff": 30,
    "retry_backoff_max": 30 * 60,
    "retry_jitter": True,
    "max_retries": 5,
}
