"""Exactly once under pressure, on PostgreSQL (CI's second pass): fifty simultaneous decisions,
two beats opening at once, and a worker killed in the middle of opening checkpoints."""

import datetime
import os
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from accounts.models import User
from checkpoint import selectors, services
from checkpoint.models import Checkpoint, CheckpointEvent, Decision, EventKind
from checkpoint.tasks import checkpoints_sweep as checkpoints_sweep_task
from courses.models import Enrollment, EnrollmentStatus
from notifications.models import Kind, Notification
from tests.conftest import wait_for
from tests.factories import CohortFactory, EnrollmentFactory, curriculum_with
from tests.real_services import real_services, start_worker

pytestmark = pytest.mark.django_db(transaction=True)


def _needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks and concurrent connections: runs in CI's second pass")


def _finishing_cohort(coach):
    cohort = CohortFactory(
        curriculum=curriculum_with(lessons_per_week=1),
        start_date=timezone.now().date() - datetime.timedelta(days=42),
        time_zone="UTC",
    )
    cohort.coaches.add(coach)
    return cohort


def _in_threads(count: int, work) -> list:
    barrier = threading.Barrier(count)

    def run(index):
        try:
            barrier.wait()
            return work(index)
        finally:
            connections.close_all()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def test_fifty_simultaneous_decisions_leave_exactly_one(coach, hire):
    _needs_postgresql()
    enrollment = EnrollmentFactory(cohort=_finishing_cohort(coach), hire=hire, monthly_salary=Decimal("3000"))
    services.checkpoints_open_due()
    clients = []
    for _ in range(50):
        client = Client()
        client.force_login(hire)
        clients.append(client)

    def decide(index):
        choice = "commit" if index % 2 else "offer"
        response = clients[index].post(
            "/api/v1/checkpoint/decide/", {"choice": choice, "confirm": choice, "offer_text_version": 1},
            content_type="application/json",
        )  # fmt: skip
        return response.status_code, response.json()

    results = _in_threads(50, decide)
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * 49
    assert {body["detail"] for status, body in results if status == 409} == {
        "Your decision has already been recorded; it cannot be changed here."
    }
    decision = Decision.objects.get()
    enrollment.refresh_from_db()
    expected_status = EnrollmentStatus.GRADUATED if decision.choice == "commit" else EnrollmentStatus.LEFT_WITH_OFFER
    assert enrollment.status == expected_status
    told = Notification.objects.filter(key__contains=":decision:")
    assert told.filter(recipient=hire).count() == 1 and told.filter(recipient=coach).count() == 1
    assert len(selectors.payroll_rows()) == (1 if decision.choice == "offer" else 0)
    assert CheckpointEvent.objects.filter(kind=EventKind.DECIDED).count() == 1


def test_two_beats_opening_at_once_open_each_checkpoint_once(coach):
    _needs_postgresql()
    cohort = _finishing_cohort(coach)
    users = User.objects.bulk_create(User(email=f"race{n}@academy.test", display_name=f"Race {n}") for n in range(120))
    Enrollment.objects.bulk_create(Enrollment(cohort=cohort, hire=user) for user in users)

    opened = _in_threads(2, lambda _: services.checkpoints_open_due())
    assert sum(opened) == 120
    assert Checkpoint.objects.count() == 120
    assert CheckpointEvent.objects.filter(kind=EventKind.OPENED).count() == 120
    opening = Notification.objects.filter(kind=Kind.CHECKPOINT, key__endswith=":opened")
    assert opening.count() == 120 and opening.values("recipient").distinct().count() == 120
    assert Notification.objects.filter(recipient=coach, kind=Kind.CHECKPOINT_OUTCOME).count() == 120


def test_a_worker_killed_mid_opening_opens_each_checkpoint_exactly_once(coach, tmp_path):
    if not real_services():
        pytest.skip("needs Redis and PostgreSQL: runs in CI's second pass")
    from config.celery import app

    with app.connection_for_write() as broker:
        broker.default_channel.queue_purge(app.conf.task_default_queue)
    cohort = _finishing_cohort(coach)
    hires = 600
    users = User.objects.bulk_create(
        User(email=f"open{n}@academy.test", display_name=f"Open {n}") for n in range(hires)
    )
    Enrollment.objects.bulk_create(Enrollment(cohort=cohort, hire=user) for user in users)

    worker = start_worker(tmp_path)
    try:
        checkpoints_sweep_task.delay()
        wait_for(lambda: Checkpoint.objects.exists(), timeout=60)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        partial = Checkpoint.objects.count()
        assert partial < hires, "the sweep finished before the worker was killed"

        worker = start_worker(tmp_path)  # the unacknowledged sweep is delivered again
        wait_for(lambda: Checkpoint.objects.count() >= hires, timeout=120)
    finally:
        worker.terminate()
        worker.wait(timeout=20)

    assert Checkpoint.objects.count() == hires
    assert CheckpointEvent.objects.filter(kind=EventKind.OPENED).count() == hires
    opening = Notification.objects.filter(kind=Kind.CHECKPOINT, key__endswith=":opened")
    assert opening.count() == hires and opening.values("recipient").distinct().count() == hires
    assert Notification.objects.filter(recipient=coach, kind=Kind.CHECKPOINT_OUTCOME).count() == hires
    assert services.checkpoints_open_due() == 0  # nothing was left behind
