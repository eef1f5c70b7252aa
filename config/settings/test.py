"""Settings for the test suite: fast hashing, mail in memory, uploads in a temp dir."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("CELERY_BROKER_URL", "memory://")
os.environ.setdefault("DATABASE_PREPARED", "true")  # on PostgreSQL, as the web processes run

from config.settings.base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="loyalty-media-")
PRIVATE_MEDIA_ROOT = tempfile.mkdtemp(prefix="loyalty-private-")
STATIC_ROOT = tempfile.mkdtemp(prefix="loyalty-static-")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
ALLOWED_HOSTS = ["*"]
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}  # noqa: F405
CELERY_RETRY_BACKOFF_MAX = 1  # retries within a second, so retry tests run quickly

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not Django's shared in-memory database: the in-process Celery worker writes from
    # another thread, and shared-cache table locks fail at once where a file's writers wait.
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(tempfile.mkdtemp(prefix="loyalty-db-"), "test.sqlite3")}  # noqa: F405
    # Writers wait for each other as in base settings; a test database need not survive a crash.
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"  # noqa: F405
