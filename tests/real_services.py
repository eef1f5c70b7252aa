"""A real Celery worker process against the test database, for the fault tests that run on
PostgreSQL and Redis (CI's second pass)."""

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

PROJECT = Path(__file__).resolve().parents[1]
LOGLEVEL = os.environ.get("TEST_WORKER_LOGLEVEL", "WARNING")  # the worker's log is worker.out beside its mail


def real_services() -> bool:
    return settings.CELERY_BROKER_URL.startswith("redis://") and connection.vendor == "postgresql"


def start_worker(mail_dir: Path, *, broker_url: str | None = None) -> subprocess.Popen:
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
        f"/{database['NAME']}",
        "CELERY_BROKER_URL": broker_url or settings.CELERY_BROKER_URL,
        # Longer than any task here runs, so only the dead worker's message is taken back.
        "CELERY_VISIBILITY_TIMEOUT": "20",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
        "CELERY_UNACKED_MUTEX_EXPIRE": "2",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    with (mail_dir / "worker.out").open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "--app", "config", "worker", "--pool", "solo", "--loglevel", LOGLEVEL,
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=log,
        )  # fmt: skip


def emails_in(mail_dir: Path) -> list[str]:
    recipients = []
    for path in mail_dir.glob("*.log"):
        recipients += [
            line.split(":", 1)[1].strip() for line in path.read_text().splitlines() if line.startswith("To:")
        ]
    return recipients


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_redis(port: int) -> subprocess.Popen:
    """A Redis of the test's own, so that stopping it leaves the machine's broker alone."""
    server = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return server
        time.sleep(0.05)
    server.kill()
    raise AssertionError(f"redis-server did not start on port {port}")


@contextlib.contextmanager
def broker_at(url: str):
    """This process publishes to `url` for the duration (the app's connection pools are rebuilt)."""
    from kombu import pools

    from config.celery import app

    def rebuild():
        app._pool = None
        app.amqp._producer_pool = None
        pools.reset()

    # Publishing uses the write URL; broker_url itself would lose to CELERY_BROKER_URL in the environment.
    previous = app.conf.get("broker_write_url")
    app.conf.broker_write_url = url
    rebuild()
    try:
        assert app.connection_for_write().as_uri().endswith(f":{url.rsplit(':', 1)[1]}")
        yield
    finally:
        app.conf.broker_write_url = previous
        rebuild()
