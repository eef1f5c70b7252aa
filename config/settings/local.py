"""Settings for a developer's machine: `make run`. Safe defaults, nothing to configure."""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECRET_KEY", "local-development-only-not-secret")

from config.settings.base import *  # noqa: F403

# The web process, the worker and beat share one cache: what one writes, the others' cached pages must see.
CACHES = {"default": cache_from_env(SHARED_FILE_CACHE)}  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
