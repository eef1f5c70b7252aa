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
