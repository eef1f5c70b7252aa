"""Every task is retried, with backoff, when the database is momentarily unavailable: a SQLite
file another process holds the write lock on, a PostgreSQL serialization failure or deadlock, a
dropped connection."""

import sqlite3

import pytest
from celery.signals import task_retry
from django.core import mail
from django.db import OperationalError, connection, connections

from notifications import services
from notifications.models import EmailStatus, Kind, Notification
from notifications.tasks import notification_email_send
from tests.conftest import wait_for


@pytest.fixture
def short_busy_timeout():
    """Writers give up after a fraction of a second instead of 30: the lock test stays quick."""
    options = connections.settings["default"].setdefault("OPTIONS", {})
    before = options.get("timeout")
    options["timeout"] = 0.2
    yield
    options["timeout"] = before


@pytest.mark.celery_worker
def test_a_task_that_finds_the_database_locked_is_retried_and_succeeds(
    hire, celery_worker, short_busy_timeout, django_capture_on_commit_callbacks
):
    if connection.vendor != "sqlite":
        pytest.skip("holds a SQLite file's write lock from another connection")
    with django_capture_on_commit_callbacks():  # queued, but its task not yet sent
        notification = services.notify(recipient=hire, kind=Kind.FEEDBACK, key="grade:1", title="Graded")
    retries = []

    def record(request=None, reason=None, **kwargs):
        retries.append(str(reason))

    task_retry.connect(record, weak=False)
    other_process = sqlite3.connect(connection.settings_dict["NAME"], timeout=0, isolation_level=None)
    other_process.execute("BEGIN IMMEDIATE")  # holds the write lock, as a busy worker would
    try:
        notification_email_send.delay(notification.pk)
        wait_for(lambda: retries, timeout=20)
    finally:
        other_process.execute("ROLLBACK")
        other_process.close()
    wait_for(lambda: Notification.objects.get(pk=notification.pk).email_status == EmailStatus.SENT, timeout=30)
    task_retry.disconnect(record)
    assert "database is locked" in retries[0]
    assert len(mail.outbox) == 1


class _Cause(Exception):
    def __init__(self, sqlstate):
        super().__init__("from the server")
        self.sqlstate = sqlstate


def _wrapped(message: str, sqlstate: str | None = None) -> OperationalError:
    error = OperationalError(message)
    error.__cause__ = _Cause(sqlstate) if sqlstate else None
    return error


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (_wrapped("database is locked"), True),
        (_wrapped("database table is locked"), True),
        (_wrapped("could not serialize access due to concurrent update", "40001"), True),
        (_wrapped("deadlock detected", "40P01"), True),
        (_wrapped("terminating connection due to administrator command", "57P01"), True),
        (_wrapped("connection to server failed", "08006"), True),
        (_wrapped("no such table: notifications_notification"), False),
        (_wrapped("relation does not exist", "42P01"), False),
        (ValueError("not a database error"), False),
    ],
)
def test_which_database_errors_are_worth_a_retry(error, transient):
    from common.database_errors import is_transient_database_error

    assert is_transient_database_error(error) is transient


def test_every_task_gets_the_retry(settings):
    from config.celery import app

    app.loader.import_default_modules()
    ours = [task for name, task in app.tasks.items() if not name.startswith("celery.")]
    assert ours and all(getattr(task, "retries_transient_database_errors", False) for task in ours)
