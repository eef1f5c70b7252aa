"""A worker killed with SIGKILL in the middle of a sweep loses nothing and doubles nothing.

Runs against Redis and PostgreSQL (CI's second run): a real `celery worker` process shares
the test database, is killed mid-sweep, and a new one finishes the job from the message
the first never acknowledged.
"""

import os
import signal
import time

import pytest

from accounts.models import User
from courses.models import Enrollment
from notifications import services
from notifications.models import EmailStatus, Notification, ReminderItem
from notifications.reminders import reminders_sweep
from notifications.tasks import reminders_sweep as reminders_sweep_task
from tests.conftest import wait_for
from tests.factories import CohortFactory, curriculum_with
from tests.real_services import emails_in, real_services, start_worker

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_worker_killed_mid_sweep_delivers_every_reminder_exactly_once(tmp_path):
    if not real_services():
        pytest.skip("needs Redis and PostgreSQL: runs in CI's second pass")
    from config.celery import app

    with app.connection_for_write() as broker:
        broker.default_channel.queue_purge(app.conf.task_default_queue)
    import datetime

    from django.utils import timezone

    cohort = CohortFactory(curriculum=curriculum_with(lessons_per_week=3), start_date=timezone.localdate(),
                           time_zone="UTC")  # fmt: skip
    users = User.objects.bulk_create(
        User(email=f"killed{n}@academy.test", display_name=f"Hire {n}", time_zone="UTC") for n in range(600)
    )
    Enrollment.objects.bulk_create(Enrollment(cohort=cohort, hire=user) for user in users)

    worker = start_worker(tmp_path)
    try:
        reminders_sweep_task.delay(batch_size=10)  # sixty small batches: a sweep that takes a while
        wait_for(lambda: Notification.objects.exists(), timeout=60)
        partial = Notification.objects.count()
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        assert partial < 600, "the sweep finished before the worker was killed"

        worker = start_worker(tmp_path)  # the unacknowledged sweep is delivered again
        expected = 600  # each hire: one reminder of week 1 open and its first lesson due within a day

        wait_for(lambda: Notification.objects.count() >= expected, timeout=120)
        # What beat does every minute: emails a dead worker left queued with no task are sent.
        services.notifications_release_scheduled(now=timezone.now() + datetime.timedelta(minutes=16))
        wait_for(lambda: not Notification.objects.exclude(email_status=EmailStatus.SENT).exists(), timeout=120)
        time.sleep(2)  # let any duplicate delivery that was going to happen, happen
    finally:
        worker.terminate()
        worker.wait(timeout=20)

    assert Notification.objects.count() == expected
    assert ReminderItem.objects.count() == expected * 2
    assert reminders_sweep(now=timezone.now() + datetime.timedelta(seconds=1)).created == 0  # nothing was lost
    emails = emails_in(tmp_path)
    assert len(emails) == expected
    per_person = {email: emails.count(email) for email in set(emails)}
    assert set(per_person.values()) == {1}  # nobody was told anything twice
