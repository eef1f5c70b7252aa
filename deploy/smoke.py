"""The production-like run, end to end: gunicorn with several workers, PostgreSQL, Redis, two
Celery workers and one beat (deploy/Procfile under honcho), static files collected.

Starts everything on a fresh database, signs in over HTTP, loads a page, has a worker send a
password-reset email, checks both workers and beat are alive, then stops everything and
checks it all ended.

    python -m deploy.smoke                       # PostgreSQL and Redis on 127.0.0.1
    SMOKE_DATABASE_URL=... SMOKE_BROKER_URL=... python -m deploy.smoke
"""

import http.client
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from bench.run import free_port, recreate_database

PROJECT = Path(__file__).resolve().parents[1]
HIRE_EMAIL = "hire.ana@academy.example"
PASSWORD = "wow-through-service"


def _say(message: str) -> None:
    print(f"[smoke] {message}", flush=True)


class Browser:
    """Just enough of a browser: cookies, CSRF, forms with repeated fields (a check's several answers)
    and, behind the production proxy, its X-Forwarded-Proto header."""

    def __init__(self, port: int, *, behind_https_proxy: bool = True, timeout: float = 30):
        self.port = port
        self.behind_https_proxy = behind_https_proxy
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | list | None = None) -> tuple[int, dict, str]:
        headers = {"Host": "127.0.0.1"}
        if self.behind_https_proxy:
            headers.update({"X-Forwarded-Proto": "https", "Referer": f"https://127.0.0.1{path}"})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            fields = list(form.items() if isinstance(form, dict) else form)
            body = urlencode([*fields, ("csrfmiddlewaretoken", self.cookies.get("csrftoken", ""))])
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, dict(response.headers), text
        finally:
            connection.close()


def _wait(condition, what: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if result := condition():
                return result
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"timed out waiting for {what}")


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="smoke-"))
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": os.environ.get("SMOKE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/loyalty_smoke"),
        "CELERY_BROKER_URL": os.environ.get("SMOKE_BROKER_URL", "redis://127.0.0.1:6379/13"),
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(work / "mail"),
        "SITE_URL": f"http://127.0.0.1:{port}",
        "BIND": f"127.0.0.1:{port}",
        "BEAT_SCHEDULE_FILE": str(work / "celerybeat-schedule"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }

    def manage(*args: str) -> str:
        return subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT, env=env, check=True,
                              capture_output=True, text=True).stdout  # fmt: skip

    _say(f"fresh database {env['DATABASE_URL']}, broker {env['CELERY_BROKER_URL']}")
    recreate_database(env["DATABASE_URL"])
    import redis

    redis.Redis.from_url(env["CELERY_BROKER_URL"]).flushdb()
    manage("migrate", "--noinput")
    manage("collectstatic", "--noinput")
    manage("check", "--deploy", "--fail-level", "WARNING")
    manage("load_curriculum", "courses/data/default_curriculum.yaml")
    manage("load_demo")

    _say("starting gunicorn (3 workers), two Celery workers and beat")
    processes = subprocess.Popen(
        [sys.executable, "-m", "honcho", "--procfile", "deploy/Procfile", "--app-root", str(PROJECT), "start"],
        cwd=PROJECT, env=env, stdout=(work / "processes.log").open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        browser = Browser(port)
        _wait(lambda: browser.request("GET", "/health/")[0] == 200, "the web server")
        status, _, page = browser.request("GET", "/accounts/login/")
        assert status == 200 and "csrftoken" in browser.cookies, "the sign-in page"
        credentials = {"username": HIRE_EMAIL, "password": PASSWORD}
        status, _, _ = browser.request("POST", "/accounts/login/", credentials)
        assert status == 302, f"sign-in answered {status}"
        status, _, page = browser.request("GET", "/training/")
        assert status == 200 and "My training" in page, f"My training answered {status}"
        _say("signed in as a hire over HTTP and loaded My training")
        status, _, _ = browser.request("GET", "/static/css/app.css")
        assert status == 200, "collected static files are served"

        stranger = Browser(port)
        stranger.request("GET", "/accounts/password/reset/")
        status, _, _ = stranger.request("POST", "/accounts/password/reset/", {"email": HIRE_EMAIL})
        assert status == 302, f"password reset answered {status}"

        def reset_email() -> bool:
            # The file appears before the message is fully written; quoted-printable folds long lines.
            texts = (path.read_text().replace("=\n", "") for path in (work / "mail").glob("*.log"))
            return any(HIRE_EMAIL in text and "/accounts/password/reset/" in text for text in texts)

        _wait(reset_email, "a worker to send the reset email")
        _say("a Celery worker sent the password-reset email")

        replies = manage(
            "shell", "--no-imports", "-c", "from config.celery import app; print(app.control.ping(timeout=3))"
        )
        names = re.findall(r"worker\d@", replies)
        assert sorted(set(names)) == ["worker1@", "worker2@"], f"both workers answer a ping: {replies}"
        _wait(lambda: (work / "celerybeat-schedule").exists() or list(work.glob("celerybeat-schedule*")), "beat")
        _say("both workers answer a ping; beat is running")
    finally:
        os.killpg(processes.pid, signal.SIGTERM)
        try:
            processes.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(processes.pid, signal.SIGKILL)
            print((work / "processes.log").read_text())
            raise SystemExit("processes did not stop within 40 s of SIGTERM") from None
    leftover = subprocess.run(["pgrep", "-g", str(processes.pid)], capture_output=True, text=True).stdout.strip()
    assert not leftover, f"processes still running after stop: {leftover}"
    _say("stopped: every process ended")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
