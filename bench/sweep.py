"""The daily reminder sweep over 100,000 active enrollments, and email deliveries per second
through a Celery worker. Production settings, an in-memory broker and in-memory mail, so
what is timed is the sweep and the delivery path, not a mail server.

    python -m bench.sweep [--enrollments 100000] [--deliveries 2000]

PostgreSQL (a fresh `loyalty_sweep` database, or SWEEP_DATABASE_URL) when it is reachable,
else SQLite. Writes benchmarks/sweep.json.
"""

import argparse
import datetime
import json
import os
import secrets
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
WORK = PROJECT / "var" / "bench"


def _database_url() -> str:
    """Its own database, fresh each run, beside the page benchmark's (which it must not touch)."""
    from bench.run import DEFAULT_DATABASE, _postgres_reachable, recreate_database

    url = os.environ.get("SWEEP_DATABASE_URL", DEFAULT_DATABASE.replace("loyalty_bench", "loyalty_sweep"))
    if url.startswith("postgres") and not _postgres_reachable(url):
        print(f"PostgreSQL at {url} is not reachable: using SQLite instead.")
        url = f"sqlite:///{WORK / 'sweep.sqlite3'}"
    recreate_database(url)
    return url


def _configure() -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=_database_url(),
        CELERY_BROKER_URL="memory://",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()


def _population(count: int):
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import User
    from courses.curriculum_loader import curriculum_load
    from courses.models import Cohort, Enrollment

    call_command("migrate", verbosity=0)
    curriculum = curriculum_load(PROJECT / "courses" / "data" / "default_curriculum.yaml").curriculum
    cohort, _ = Cohort.objects.get_or_create(
        slug="sweep-bench",
        defaults={
            "name": "Sweep bench",
            "curriculum": curriculum,
            "time_zone": "UTC",
            "start_date": timezone.localdate(),  # day one: the week opens and the first lessons fall due
        },
    )
    have = Enrollment.objects.filter(cohort=cohort).count()
    for start in range(have, count, 5000):
        size = min(5000, count - start)
        users = User.objects.bulk_create(
            User(email=f"sweep{n}@bench.test", display_name=f"Hire {n}", password="!", time_zone="America/New_York")
            for n in range(start, start + size)
        )
        Enrollment.objects.bulk_create(Enrollment(cohort=cohort, hire=user) for user in users)
    return cohort


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enrollments", type=int, default=100_000)
    parser.add_argument("--deliveries", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=500)
    args = parser.parse_args()
    _configure()

    from celery.contrib.testing.worker import start_worker
    from django.core import mail
    from django.utils import timezone

    from config.celery import app
    from notifications.models import EmailStatus, Notification
    from notifications.reminders import reminders_sweep
    from notifications.tasks import notification_email_send

    print(f"Preparing {args.enrollments:,} active enrollments ...", flush=True)
    _population(args.enrollments)
    Notification.objects.all().delete()
    now = timezone.now()
    started = time.perf_counter()
    result = reminders_sweep(now=now, batch_size=args.batch_size)
    sweep_seconds = time.perf_counter() - started
    print(
        f"Reminder sweep: {result.enrollments:,} enrollments in {result.batches} batches of {args.batch_size}, "
        f"{result.created:,} reminders written, {sweep_seconds:.1f} s "
        f"({result.enrollments / sweep_seconds:,.0f} enrollments/s)"
    )

    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(app.conf.task_default_queue)  # the sweep's own sends
    ids = list(Notification.objects.values_list("pk", flat=True)[: args.deliveries])
    Notification.objects.filter(pk__in=ids).update(email_status=EmailStatus.QUEUED, email_attempts=0)
    mail.outbox = []
    for notification_id in ids:
        notification_email_send.delay(notification_id)
    started = time.perf_counter()
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        while Notification.objects.filter(pk__in=ids, email_status=EmailStatus.SENT).count() < len(ids):
            time.sleep(0.2)
    delivery_seconds = time.perf_counter() - started
    print(
        f"Email deliveries through one worker: {len(ids):,} in {delivery_seconds:.1f} s "
        f"({len(ids) / delivery_seconds:,.0f} per second)"
    )
    from django.db import connection

    from bench.run import REPORTS, _machine

    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "sweep.json").write_text(json.dumps({
        "date": datetime.date.today().isoformat(), "machine": _machine(), "database": connection.vendor,
        "enrollments": result.enrollments, "batch_size": args.batch_size, "reminders_written": result.created,
        "sweep_seconds": round(sweep_seconds, 1), "enrollments_per_s": round(result.enrollments / sweep_seconds),
        "target_seconds_for_100000": 60, "email_deliveries": len(ids),
        "deliveries_per_s": round(len(ids) / delivery_seconds, 1),
    }, indent=2) + "\n")  # fmt: skip


if __name__ == "__main__":
    main()
