"""Production settings: `check --deploy` is clean, and nothing secret has a default."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # A clean environment, as a production host has: nothing from the test run leaks in.
    environment = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR", "DATABASE_URL"}}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings.production", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT, env=environment, capture_output=True, text=True, timeout=120
    )


PRODUCTION_ENV = {
    "SECRET_KEY": "x7!kq2@pw9#mz4$rt8^vb1&nc6*yh3(ld5)fg0_sj-eu+oa=wi~tk",
    "ALLOWED_HOSTS": "academy.example.com",
}


def test_check_deploy_passes_at_warning_level():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_required_settings(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _manage("check", **env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_debug_is_off_in_production():
    result = _manage(
        "shell", "--no-imports", "-c", "from django.conf import settings; print(settings.DEBUG)", **PRODUCTION_ENV
    )
    assert result.stdout.strip() == "False", result.stderr


def test_the_default_sqlite_database_lets_writers_wait_for_each_other():
    """`make run` runs the site, two worker processes and beat on one SQLite file."""
    script = (
        "from django.conf import settings; o = settings.DATABASES['default']['OPTIONS']; "
        "print(o['timeout'], o['transaction_mode'], 'WAL' in o['init_command'])"
    )
    environment = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}
    environment["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    command = [sys.executable, "manage.py", "shell", "--no-imports", "-c", script]
    result = subprocess.run(command, cwd=PROJECT, env=environment, capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == ["30", "IMMEDIATE", "True"], result.stdout + result.stderr


def test_a_redis_cache_url_keeps_one_client_and_caches_through_a_real_redis(monkeypatch):
    import shutil

    from django.utils.module_loading import import_string

    from config.settings.base import cache_from_env
    from tests.real_services import free_port, start_redis

    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server")
    port = free_port()
    server = start_redis(port)
    try:
        monkeypatch.setenv("CACHE_URL", f"redis://127.0.0.1:{port}/0")
        config = cache_from_env("locmemcache://")
        assert config["BACKEND"] == "common.redis_cache.RedisCache"
        cache = import_string(config["BACKEND"])(config["LOCATION"], {})
        cache.set("a", {"done": {1, 2}})
        assert cache.add("b", 1) and not cache.add("b", 2)
        assert cache.get_many(["a", "b", "c"]) == {"a": {"done": {1, 2}}, "b": 1}
        client = cache._cache.get_client()
        assert cache._cache.get_client(write=True) is client  # one client, not one per operation
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.parametrize(("module", "prepared"), [("config.wsgi", True), ("config.celery", False)])
def test_web_processes_prepare_statements_on_postgresql_and_the_worker_does_not(module, prepared):
    code = f"import {module}, django; django.setup(); from django.db import connection; print(connection.settings_dict)"
    environment = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.production", SCORER_WARM_UP="0",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/never_connected", **PRODUCTION_ENV,
    )  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert ("'server_side_binding': True" in result.stdout) is prepared
    assert ("'prepare_threshold': 2" in result.stdout) is prepared
