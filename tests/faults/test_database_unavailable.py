"""A database out of reach answers 503 "back in a moment" with Retry-After, never a traceback or
a bare 500, and service comes back by itself once the database does."""

import os
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError, ProgrammingError, connection, connections
from django.db.backends.utils import CursorWrapper
from django.test import Client
from django.urls import reverse

from tests.conftest import wait_for


def _database_gone(monkeypatch, error):
    def execute(self, *args, **kwargs):
        raise error

    monkeypatch.setattr(CursorWrapper, "execute", execute)
    monkeypatch.setattr(CursorWrapper, "executemany", execute)


def _signed_in(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_pages_answer_503_with_retry_after_while_the_database_is_out_of_reach(hire_enrollment, hire, monkeypatch):
    client = _signed_in(hire)
    with monkeypatch.context() as patch:
        _database_gone(patch, OperationalError("connection failed: Connection refused"))
        page = client.get(reverse("courses:my_training"))
        api = client.get(reverse("api-me"))
    assert page.status_code == 503
    assert page["Retry-After"] == "30"
    assert "Back in a moment" in page.content.decode()
    assert "Traceback" not in page.content.decode()
    assert api.status_code == 503
    assert api["Retry-After"] == "30"
    assert "briefly unavailable" in api.json()["detail"]
    assert client.get(reverse("courses:my_training")).status_code == 200  # and back when it is


def test_a_database_restarting_is_passing_too(hire, monkeypatch):
    client = _signed_in(hire)
    with monkeypatch.context() as patch:
        _database_gone(patch, OperationalError("FATAL: the database system is starting up"))
        assert client.get(reverse("courses:my_training")).status_code == 503


def test_a_bug_is_still_a_500(hire, monkeypatch):
    client = _signed_in(hire)
    with monkeypatch.context() as patch:
        _database_gone(patch, ProgrammingError('relation "courses_lesson" does not exist'))
        response = client.get(reverse("courses:my_training"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def _cluster() -> list[str] | None:
    """The local PostgreSQL cluster's control command, when this test may stop and start it."""
    if connection.vendor != "postgresql" or not shutil.which("pg_ctlcluster") or os.geteuid() != 0:
        return None
    if (connection.settings_dict["HOST"] or "127.0.0.1") not in {"127.0.0.1", "localhost"}:
        return None
    clusters = Path("/etc/postgresql")
    versions = sorted(path.name for path in clusters.glob("*")) if clusters.exists() else []
    return ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main"] if versions else None


def _get(url: str, session_cookie: str) -> tuple[int, dict, str]:
    request = urllib.request.Request(url, headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session_cookie}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.mark.django_db(transaction=True)
def test_a_postgresql_restart_gives_503s_then_recovers_by_itself(live_server, hire_enrollment, hire):
    cluster = _cluster()
    if cluster is None:
        pytest.skip("stops and starts the local PostgreSQL cluster: runs in CI's PostgreSQL pass, as root")
    client = Client()
    client.force_login(hire)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page = live_server.url + reverse("courses:my_training")
    assert _get(page, cookie)[0] == 200

    subprocess.run([*cluster, "stop"], check=True, timeout=120)
    try:
        while_down = [_get(page, cookie) for _ in range(3)]
        # A route that reads the database: who is signed in comes from the cache, so /me/ still answers.
        api_while_down = _get(live_server.url + reverse("api-notifications"), cookie)
    finally:
        subprocess.run([*cluster, "start"], check=True, timeout=120)
        connections.close_all()  # this process's connections died with the server

    for status, headers, body in while_down:
        assert status == 503
        assert headers["Retry-After"] == "30"
        assert "Back in a moment" in body
    assert api_while_down[0] == 503
    # Nobody restarts anything: the next requests open new connections.
    wait_for(lambda: _get(page, cookie)[0] == 200, timeout=60, interval=0.5)
    assert "Back in a moment" not in _get(page, cookie)[2]
