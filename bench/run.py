"""Serve the site with gunicorn under production settings and measure pages under load.

Every page is reported next to the "floor": /health/, the full middleware stack and one
query. A page's median divided by the floor's is the figure to watch as the product grows.

    make bench                               # SQLite under var/bench/
    BENCH_DATABASE_URL=postgres://... make bench
"""

import argparse
import http.client
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
WORK = PROJECT / "var" / "bench"


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    role: str | None  # whose session is sent; None for anonymous


PAGES = [
    Page("floor (/health/)", "/health/", None),
    Page("hire: dashboard", "/training/", "hire"),
    Page("hire: lesson page", "/training/weeks/1/w1-welcome-to-the-team/", "hire"),
    Page("hire: week page", "/training/weeks/2/", "hire"),
    Page("api: training progress", "/api/v1/training/progress/", "hire"),
    Page("hire: role-play conversation", "{conversation}", "hire"),
    Page("hire: role-play list", "/training/roleplays/", "hire"),
    Page("coach: queue (1,000 waiting)", "/coaching/queue/", "coach"),
    Page("coach: grading screen", "/coaching/attempts/{oldest_attempt}/grade/", "coach"),
    Page("hire: my feedback", "/training/feedback/", "hire"),
    Page("admin: cohorts", "/cohorts/", "admin"),
    Page("api: /api/v1/me/", "/api/v1/me/", "hire"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment() -> dict[str, str]:
    WORK.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=env.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=env.get("BENCH_DATABASE_URL", f"sqlite:///{WORK / 'bench.sqlite3'}"),
        CELERY_BROKER_URL="memory://",
        STATIC_ROOT=str(WORK / "static"),
        LOG_LEVEL="WARNING",
        API_USER_THROTTLE="1000000/hour",
    )
    return env


def _manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT, env=env, check=True, capture_output=True, text=True
    ).stdout


SESSION_SCRIPT = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from accounts.models import User
import json
people = {"hire": "hire.ana@academy.example", "coach": "coach.maya@academy.example", "admin": "admin@academy.example"}
keys = {}
for role, email in people.items():
    user = User.objects.get(email=email)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    keys[role] = session.session_key
# A thousand submitted role-plays waiting for a coach, made in bulk.
import datetime
from django.utils import timezone
from courses.models import Attempt, AttemptTurn, Enrollment, Scenario
scenario = Scenario.objects.filter(mode="graded").order_by("week__number", "position").first()
enrollments = list(Enrollment.objects.filter(cohort__slug="demo-cohort"))
now = timezone.now()
if Attempt.objects.filter(state="awaiting_coach").count() < 1000:
    start = (Attempt.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 100
    attempts = Attempt.objects.bulk_create(
        Attempt(enrollment=enrollments[n % len(enrollments)], scenario=scenario, number=start + n,
                rubric_version=scenario.rubric.current_version, state="awaiting_coach", started_at=now,
                submitted_at=now - datetime.timedelta(minutes=n), grading_due_at=now + datetime.timedelta(hours=20),
                prescore_percent=55, prescore={"scorer": "bench", "levels": {}, "percent": 55})
        for n in range(1000)
    )
    AttemptTurn.objects.bulk_create(
        AttemptTurn(attempt=a, number=t, variant="neutral", customer_text="Hello, I need help with my order.",
                    answer="I'm on it: let me look at your order right now.", shown_at=now, answered_at=now,
                    seconds_spent=40)
        for a in attempts for t in (1, 2, 3)
    )
in_progress = Attempt.objects.filter(state="in_progress", enrollment__hire__email=people["hire"]).select_related(
    "scenario").first()
keys["conversation"] = f"/training/roleplays/{in_progress.scenario.slug}/attempts/{in_progress.number}/"
keys["oldest_attempt"] = Attempt.objects.filter(state="awaiting_coach").order_by("submitted_at").values_list(
    "id", flat=True).first()
print(json.dumps(keys))
"""


def _prepare(env: dict[str, str]) -> dict[str, str]:
    _manage(env, "migrate", "--noinput")
    _manage(env, "collectstatic", "--noinput", "--clear")
    _manage(env, "load_curriculum", "courses/data/default_curriculum.yaml")
    _manage(env, "load_demo")
    output = _manage(env, "shell", "--no-imports", "-c", SESSION_SCRIPT)
    return json.loads(output.strip().splitlines()[-1])


def _request(port: int, path: str, session_key: str | None) -> tuple[float, int]:
    headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}
    if session_key:
        headers["Cookie"] = f"sessionid={session_key}"
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        status = response.status
    finally:
        connection.close()
    return time.perf_counter() - started, status


def _measure(port: int, page: Page, session_key: str | None, requests: int, concurrency: int) -> dict:
    for _ in range(min(50, requests)):
        _request(port, page.path, session_key)  # warm caches and connections
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    per_thread = requests // concurrency

    def worker():
        for _ in range(per_thread):
            elapsed, status = _request(port, page.path, session_key)
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    failures.append(status)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "page": page.name,
        "path": page.path,
        "requests": len(latencies),
        "non_200": len(failures),
        "median_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000,
        "requests_per_s": len(latencies) / wall,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1000, help="measured requests per page")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--pages", nargs="*", help="only pages whose name contains one of these words")
    args = parser.parse_args()

    env = _environment()
    print(f"Preparing {env['DATABASE_URL']} ...", flush=True)
    sessions = _prepare(env)
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if _request(port, "/health/", None)[1] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                print(server.stderr.read().decode() if server.poll() is not None else "gunicorn did not answer")
                return 1
            time.sleep(0.2)

        pages = [p for p in PAGES if not args.pages or any(w in p.name for w in args.pages) or p.role is None]
        print(
            f"gunicorn, {args.workers} workers, production settings; {args.requests} requests per page, "
            f"{args.concurrency} concurrent clients on loopback\n"
        )
        print(f"{'page':<28}{'median ms':>10}{'p99 ms':>10}{'req/s':>9}{'x floor':>9}{'non-200':>9}")
        results = []
        floor = None
        for page in pages:
            page = Page(page.name, page.path.format(**sessions), page.role)
            result = _measure(port, page, sessions.get(page.role or ""), args.requests, args.concurrency)
            floor = floor or result["median_ms"]
            result["ratio_to_floor"] = result["median_ms"] / floor
            results.append(result)
            print(
                f"{result['page']:<28}{result['median_ms']:>10.2f}{result['p99_ms']:>10.2f}"
                f"{result['requests_per_s']:>9.0f}{result['ratio_to_floor']:>9.2f}{result['non_200']:>9}",
                flush=True,
            )
        scorer = json.loads(
            _manage(
                {**env, "DJANGO_SETTINGS_MODULE": "config.settings.production"},
                "shell",
                "--no-imports",
                "-c",
                "import json; from bench.scorer import measure; print(json.dumps(measure(3.0)))",
            ).splitlines()[-1]
        )
        print(
            f"\nScorer (one core, single thread): {scorer['answers_per_second']:.0f} answers/s "
            f"({scorer['answers']} answers in {scorer['seconds']} s)"
        )
        results.append({"page": "scorer", **scorer})
        (WORK / "results.json").write_text(json.dumps(results, indent=2))
        print(f"\nSaved to {WORK / 'results.json'}")
        return 1 if any(r.get("non_200") for r in results) else 0
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
