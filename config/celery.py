"""The Celery application: configured from Django settings (CELERY_* names).

Every task is an `AcademyTask`: one that meets a database momentarily locked, busy or out of
reach (SQLite's "database is locked" while another process writes, a PostgreSQL serialization
failure or deadlock, a dropped connection) is retried with exponential backoff and jitter
instead of failing. Tasks must be idempotent for it, as they must be for acks_late anyway.
"""

import logging
import os

from celery import Celery
from celery.contrib.django.task import DjangoTask
from celery.utils.time import get_exponential_backoff_interval
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerUnreachable

from common.database_errors import is_transient_database_error

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

DATABASE_RETRIES = 8  # 2 s, 4 s, 8 s … with jitter: several minutes in all
logger = logging.getLogger(__name__)


class AcademyTask(DjangoTask):  # DjangoTask: delay_on_commit
    retries_transient_database_errors = True
    # With the broker down, the request that queued the task has already committed its work and must
    # still answer normally. By default the message is dropped with a warning, for tasks whose work is
    # recovered anyway (the notification ledger re-queues unsent emails once the broker is back).
    # A task with nothing to recover it runs here instead, in the process that queued it.
    runs_here_when_broker_down = False

    def apply_async(self, args=None, kwargs=None, **options):
        try:
            return super().apply_async(args, kwargs, **options)
        except BrokerUnreachable as error:
            if not self.runs_here_when_broker_down:
                logger.warning("Broker unreachable, %s left to its recovery: %s", self.name, error)
                return None
            logger.warning("Broker unreachable, %s runs in this process: %s", self.name, error)
            try:
                self(*(args or ()), **(kwargs or {}))
            except Exception:
                logger.exception("%s failed in this process while the broker was unreachable", self.name)
            return None

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
