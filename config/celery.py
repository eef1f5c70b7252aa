"""The Celery application: configured from Django settings (CELERY_* names).

Every task is an `AcademyTask`: one that meets a database momentarily locked, busy or out of
reach (SQLite's "database is locked" while another process writes, a PostgreSQL serialization
failure or deadlock, a dropped connection) is retried with exponential backoff and jitter
instead of failing. Tasks must be idempotent for it, as they must be for acks_late anyway.
"""

import os

from celery import Celery
from celery.contrib.django.task import DjangoTask
from celery.utils.time import get_exponential_backoff_interval
from django.db import InterfaceError, OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

DATABASE_RETRIES = 8  # 2 s, 4 s, 8 s … with jitter: several minutes in all
# PostgreSQL's error codes for a try that may well succeed again: serialization failure,
# deadlock, lock not available, too many connections, the server shutting down or restarting.
TRANSIENT_SQLSTATES = {"40001", "40P01", "55P03", "53300", "57P01", "57P02", "57P03"}
TRANSIENT_PHRASES = (
    "database is locked", "database table is locked", "server closed the connection", "connection refused",
    "could not connect", "connection failed", "terminating connection",
)  # fmt: skip


def is_transient_database_error(error: BaseException) -> bool:
    """Whether a database error is worth trying again shortly (and not a bug such as a missing table)."""
    if isinstance(error, InterfaceError):  # the connection is gone
        return True
    if not isinstance(error, OperationalError):
        return False
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    if sqlstate:
        return sqlstate in TRANSIENT_SQLSTATES or sqlstate.startswith("08")  # class 08: connection exceptions
    message = str(error).lower()
    return any(phrase in message for phrase in TRANSIENT_PHRASES)


class AcademyTask(DjangoTask):  # DjangoTask: delay_on_commit
    retries_transient_database_errors = True

    def __call__(self, *args, **kwargs):
        try:
            return super().__call__(*args, **kwargs)
        except (OperationalError, InterfaceError) as error:
            if self.request.called_directly or not is_transient_database_error(error):
                raise
            from django.conf import settings
            from django.db import close_old_connections

            close_old_connections()  # a broken connection is not reused by the retry
            countdown = get_exponential_backoff_interval(
                factor=2, retries=self.request.retries, maximum=settings.CELERY_RETRY_BACKOFF_MAX, full_jitter=True
            )
            raise self.retry(exc=error, countdown=max(countdown, 0.1), max_retries=DATABASE_RETRIES) from error


app = Celery("loyalty_academy", task_cls=AcademyTask)
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
