"""A real Celery worker process against the test database, for the fault tests that run on
PostgreSQL and Redis (CI's second pass)."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

PROJECT = Path(__file__).resolve().parents[1]


def real_services() -> bool:
    return settings.CELERY_BROKER_URL.startswith("redis://") and connection.vendor == "postgresql"


def start_worker(mail_dir: Path) -> subprocess.Popen:
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
        f"/{database['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        # Longer than any task here runs, so only the dead worker's message is taken back.
        "CELERY_VISIBILITY_TIMEOUT": "20",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
        "CELERY_UNACKED_MUTEX_EXPIRE": "2",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "--app", "config", "worker", "--pool", "solo", "--loglevel", "WARNING",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def emails_in(mail_dir: Path) -> list[str]:
    recipients = []
    for path in mail_dir.glob("*.log"):
        recipients += [
            line.split(":", 1)[1].strip() for line in path.read_text().splitlines() if line.startswith("To:")
        ]
    return recipients
