"""Settings shared by every environment. Everything that differs comes from the environment."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").exists():
    env.read_env(str(BASE_DIR / ".env"))

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_NAME = "Loyalty Academy"
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")  # for links in emails

INSTALLED_APPS = [
    "config.apps.AcademyAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "dbbackup",
    "accounts",
    "courses",
    "coaching",
    "calibration",
    "readiness",
    "notifications",
    "checkpoint",
    "outcomes",
    "cohorts",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "common.middleware.RejectNullCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
                "notifications.context_processors.unread",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web process, the Celery worker's processes and beat share one file: writers wait for
    # each other (WAL, transactions that take the write lock first, a busy timeout) instead of
    # failing at once with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=30, transaction_mode="IMMEDIATE", init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool("DATABASE_PREPARED", default=False):
    # A page's joins cost PostgreSQL more to plan than to run: statements a connection runs again are
    # prepared once (psycopg's automatic preparation; needs server-side binding). The web processes turn it
    # on (config/wsgi.py); the worker's sweeps keep it off, as a generic plan that suits a page's lookups can
    # suit a batch over a growing table badly. DATABASE_PREPARED=false behind a pooler in transaction mode.
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=2)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Local memory unless CACHE_URL says otherwise; the settings of processes that run side by side (local,
# production) default to files that they all share, since a cached page must see every process's writes.
SHARED_FILE_CACHE = f"filecache://{VAR_DIR / 'cache'}?max_entries=100000"


def cache_from_env(default: str) -> dict:
    """CACHE_URL's cache; Redis through common.redis_cache, which keeps its clients, files through
    common.file_cache."""
    found = env.cache("CACHE_URL", default=default)
    if found["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        found["BACKEND"] = "common.redis_cache.RedisCache"
    if found["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache":
        found["BACKEND"] = "common.file_cache.SharedFileCache"  # writes that stay cheap as the cache grows
    return found


CACHES = {"default": cache_from_env("locmemcache://")}

# --- Accounts and authentication -------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out login before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.AccountBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
INVITATION_TIMEOUT = 60 * 60 * 24 * 7  # a new hire's "choose your password" link

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"  # the login form's and the token endpoint's field name
AXES_USERNAME_CALLABLE = "accounts.models.login_name_from_credentials"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)

# Requests that send email, limited per identity ("count/period"; see accounts/throttles.py).
THROTTLE_PASSWORD_RESET_PER_ACCOUNT = env("THROTTLE_PASSWORD_RESET_PER_ACCOUNT", default="5/hour")
THROTTLE_PASSWORD_RESET_PER_ADDRESS = env("THROTTLE_PASSWORD_RESET_PER_ADDRESS", default="20/hour")
THROTTLE_INVITATION_RESEND_PER_INVITEE = env("THROTTLE_INVITATION_RESEND_PER_INVITEE", default="3/hour")

FORMS_URLFIELD_ASSUME_HTTPS = True

# --- Internationalisation ----------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files -------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Call recordings and other private uploads: never under MEDIA_ROOT, never given a URL, served only
# through views that check who may have them (coaching/storage.py). "local" keeps them in
# PRIVATE_MEDIA_ROOT; "s3" in an S3-compatible bucket, written with a private ACL.
PRIVATE_STORAGE = env("PRIVATE_STORAGE", default="local")
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {"BACKEND": "coaching.storage.PrivateFileSystemStorage"},
}
if PRIVATE_STORAGE == "s3":
    STORAGES["private"] = {
        "BACKEND": "coaching.storage_s3.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": env("PRIVATE_S3_BUCKET"),
            "location": env("PRIVATE_S3_PREFIX", default=""),
            "endpoint_url": env("PRIVATE_S3_ENDPOINT_URL", default=None),
            "region_name": env("PRIVATE_S3_REGION", default=None),
            # Unset: boto3's own chain (instance role, AWS_* variables, shared config).
            "access_key": env("PRIVATE_S3_ACCESS_KEY_ID", default=None),
            "secret_key": env("PRIVATE_S3_SECRET_ACCESS_KEY", default=None),
            # Empty for a bucket with ACLs disabled (bucket-owner enforced), which is private anyway.
            "default_acl": env("PRIVATE_S3_ACL", default="private") or None,
        },
    }
elif PRIVATE_STORAGE != "local":
    raise ImproperlyConfigured(f"PRIVATE_STORAGE must be 'local' or 's3', not {PRIVATE_STORAGE!r}.")
# Backups (`make backup`, django-dbbackup): database dumps, and tarballs of MEDIA_ROOT and of the private files.
# Never inside a folder that is served or backed up itself.
BACKUP_DIR = Path(env("BACKUP_DIR", default=str(VAR_DIR / "backups")))
if any(BACKUP_DIR.resolve().is_relative_to(root.resolve()) for root in (MEDIA_ROOT, PRIVATE_MEDIA_ROOT, STATIC_ROOT)):
    raise ImproperlyConfigured("BACKUP_DIR must be outside MEDIA_ROOT, PRIVATE_MEDIA_ROOT and STATIC_ROOT.")
STORAGES["dbbackup"] = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": BACKUP_DIR}}
# Recordings and transcripts of real calls are deleted this many days after the call (coaching/retention.py).
CALL_DATA_RETENTION_DAYS = env.int("CALL_DATA_RETENTION_DAYS", default=180)
if CALL_DATA_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("CALL_DATA_RETENTION_DAYS must be a whole number of days, 1 or more.")
# Uploads larger than this are refused before they reach a form.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

AVATAR_MAX_BYTES = env.int("AVATAR_MAX_BYTES", default=2 * 1024 * 1024)
AVATAR_MAX_PIXELS = env.int("AVATAR_MAX_PIXELS", default=25_000_000)

# Admins are told when a coach's mean deviation from gold on a criterion passes this (in levels,
# either way) in two revealed calibration sessions in a row.
CALIBRATION_LENIENCY_THRESHOLD = env.float("CALIBRATION_LENIENCY_THRESHOLD", default=0.5)
# Practice is picked for a hire when a criterion's mean over her latest scores falls below this level
# (2 is "genuine"; see coaching.practice).
TARGETED_PRACTICE_THRESHOLD = env.float("TARGETED_PRACTICE_THRESHOLD", default=2)
AVATAR_STORED_SIZE = 512
AVATAR_THUMBNAIL_SIZE = 96

# --- Email ---------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = Path(env("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail")))
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# Reminders (due soon, overdue, a week open) emailed to one person per day of theirs, at most;
# past it a reminder is in the app only.
NOTIFICATIONS_REMINDER_EMAILS_PER_DAY = env.int("NOTIFICATIONS_REMINDER_EMAILS_PER_DAY", default=1)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Loyalty Academy <academy@localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# --- Celery --------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # A broker that needs no server: messages are files under var/celery/ (or CELERY_FILESYSTEM_DIR).
    _broker_dir = Path(env("CELERY_FILESYSTEM_DIR", default=str(VAR_DIR / "celery")))
    _queue_dir = _broker_dir / "queue"
    _control_dir = _broker_dir / "control"
    for _folder in (_queue_dir, _control_dir):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT = "config.broker:FilesystemTransport"  # writes each message whole
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "control_folder": str(_control_dir),
        "store_processed": False,
    }
else:
    # Redis re-delivers an unacknowledged message after this long; no task may be
    # scheduled further ahead than this (far-future work is a database row instead).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=60 * 60),
        # How often a worker looks for messages a dead worker took and never acknowledged.
        "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
        "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
        # A worker killed while restoring holds this lock until it expires.
        "unacked_mutex_expire": env.int("CELERY_UNACKED_MUTEX_EXPIRE", default=300),
    }
CELERY_TASK_MAX_COUNTDOWN = 30 * 60
CELERY_RETRY_BACKOFF_MAX = env.int("CELERY_RETRY_BACKOFF_MAX", default=30 * 60)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Hourly, so every time zone gets its reminders soon after its own midnight; the ledger
    # makes the repeats harmless.
    "notifications-reminders-sweep": {
        "task": "notifications.tasks.reminders_sweep",
        "schedule": crontab(minute=5),
    },
    "notifications-grading-overdue": {"task": "notifications.tasks.grading_overdue_notify", "schedule": 15 * 60.0},
    "notifications-coach-queue-digest": {
        "task": "notifications.tasks.coach_queue_digest",
        "schedule": crontab(hour=14, minute=0),  # morning in the Americas
    },
    "notifications-cohort-weekly-digest": {
        "task": "notifications.tasks.cohort_weekly_digest",
        "schedule": crontab(day_of_week="mon", hour=14, minute=30),
    },
    # Hourly: each person's digest goes out once, after 07:00 in their own time zone.
    "notifications-digest-emails": {"task": "notifications.tasks.digest_emails_send", "schedule": crontab(minute=20)},
    "notifications-release-scheduled": {
        "task": "notifications.tasks.notifications_release_scheduled",
        "schedule": 60.0,
    },
    # Opens each hire's checkpoint soon after local midnight, reminds, escalates; repeats are harmless.
    "checkpoint-sweep": {"task": "checkpoint.tasks.checkpoints_sweep", "schedule": crontab(minute="*/15")},
    # Retrains only when enough new coach grades arrived; a candidate goes live only if it is better.
    "coaching-scorer-retrain": {
        "task": "coaching.tasks.scorer_retrain_when_due",
        "schedule": crontab(hour=4, minute=40),
    },
    # Deletes recordings and transcripts of calls older than CALL_DATA_RETENTION_DAYS; a second run does nothing.
    "coaching-call-data-purge": {"task": "coaching.tasks.call_data_purge", "schedule": crontab(hour=2, minute=45)},
    # Coaches who have not graded a calibration session due within a day hear once; repeats are harmless.
    "calibration-due-reminders": {
        "task": "calibration.tasks.calibration_due_reminders_send",
        "schedule": crontab(minute=35),
    },
    # Hourly, so each hire is flagged soon after week 5 opens in their cohort's time zone; flags are raised once.
    "readiness-flags-raise": {"task": "readiness.tasks.readiness_flags_raise", "schedule": crontab(minute=50)},
    "accounts-clear-expired-sessions": {
        "task": "accounts.tasks.sessions_clear_expired",
        "schedule": crontab(hour=3, minute=17),
    },
    "accounts-clear-expired-api-tokens": {
        "task": "accounts.tasks.api_tokens_clear_expired",
        "schedule": crontab(hour=3, minute=23),
    },
}

# --- API -----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.authentication.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env("API_USER_THROTTLE", default="2000/hour")},
}
# API tokens (`Authorization: Token <key>`) are stored hashed (django-rest-knox) and last this many days;
# empty or "none" for tokens that do not expire. A password change or reset, deactivation and
# "sign out everywhere" end them all.
_api_token_ttl = env("API_TOKEN_TTL_DAYS", default="90").strip().lower()
API_TOKEN_TTL_DAYS = None if _api_token_ttl in {"", "none"} else int(_api_token_ttl)
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's own migrations create its default token table even when the model is swapped out; without them
# the swapped model gets no table, and nothing references users from outside the project's models.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=API_TOKEN_TTL_DAYS) if API_TOKEN_TTL_DAYS is not None else None,
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Loyalty Academy API",
    "DESCRIPTION": "Training, coaching and checkpoint data for the Customer Loyalty Team.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name for a choice set used by several fields (e.g. a decision and its confirmation).
    "ENUM_NAME_OVERRIDES": {
        "CheckpointChoiceEnum": "checkpoint.models.Choice",
        "ExcusedKindEnum": "courses.models.ExcusedKind",
    },
}

# --- Security defaults that hold everywhere ------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Read from the cache, written through to the database: a signed-in page spends no query on its session.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Content Security Policy (django-csp). Every script, style, image, font and recording is served
# by the site itself: nothing inline, no other origin. Pages that need more say so on the view
# (the API's Swagger and Redoc pages, see config/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "media-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"client_error_without_traceback": {"()": "config.log_filters.ClientErrorWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # No handler of its own: Django's default one (on under DEBUG) would print every record
        # a second time beside the root's.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.request": {"filters": ["client_error_without_traceback"]},
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
