"""The product's benchmark: the scale data (`generate_scale_data`) on PostgreSQL, served by
gunicorn under production settings, every key page measured against the floor.

The floor is /health/: the full middleware stack and one query. Each page is measured
interleaved with the floor (every client alternates floor and page), so a noisy moment
slows both and the ratio stays honest. Queries per page are counted once in-process.
Then a fixed arrival rate (default 50 requests/s for 60 s, a mix of every page) reports
errors and latency under load. Writes benchmarks/report.json and benchmarks/report.md.

    make bench                                       # 10,000 hires on the local PostgreSQL
    BENCH_ARGS="--hires 2000 --reuse" make bench     # smaller, or keep the last data
    BENCH_DATABASE_URL=sqlite:///var/bench/bench.sqlite3 make bench
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
WORK = PROJECT / "var" / "bench"
REPORTS = PROJECT / "benchmarks"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/loyalty_bench"
BENCH_CACHE = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/8")
TARGET_RATIO = 3.0
# Requests per role in the arrival-rate mix, per page: a cohort of 40 hires has half a coach,
# and an organisation of 10,000 hires a handful of admins.
ROLE_WEIGHTS = {"hire": 12, "coach": 3, "admin": 1}
TARGET_P99_MS = 250.0


@dataclass(frozen=True)
class Page:
    name: str
    path: str  # formatted with the ids the preparation found
    role: str | None  # whose session is sent; None for anonymous


FLOOR = Page("floor (/health/)", "/health/", None)
PAGES = [
    Page("hire: dashboard", "/training/", "hire"),
    Page("hire: lesson", "{lesson}", "hire"),
    Page("hire: role-play conversation", "{conversation}", "hire"),
    Page("hire: my feedback", "/training/feedback/", "hire"),
    Page("coach: queue", "/coaching/queue/", "coach"),
    Page("coach: grading screen", "/coaching/attempts/{oldest_attempt}/grade/", "coach"),
    Page("coach: hire timeline", "/coaching/hires/{timeline}/", "coach"),
    Page("admin: cohort dashboard", "/cohorts/{cohort}/", "admin"),
    Page("admin: cohort dashboard, 500 hires", "/cohorts/{cohort_500}/", "admin"),
    Page("admin: cohorts", "/cohorts/", "admin"),
    Page("admin: checkpoint overview", "/checkpoint/cohorts/{checkpoint_cohort}/", "admin"),
    Page("api: training progress", "/api/v1/training/progress/", "hire"),
    Page("api: notifications", "/api/v1/notifications/", "hire"),
    Page("api: my feedback", "/api/v1/training/feedback/", "hire"),
    Page("api: coaching queue", "/api/v1/coaching/queue/", "coach"),
    Page("api: cohorts", "/api/v1/cohorts/", "admin"),
    Page("api: cohort dashboard", "/api/v1/cohorts/{cohort}/dashboard/", "admin"),
    Page("api: cohort dashboard, 500 hires", "/api/v1/cohorts/{cohort_500}/dashboard/", "admin"),
]

PREPARE_SCRIPT = r"""
import datetime, json
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from accounts.models import User
from courses import services as course_services
from courses.models import Attempt, Cohort, Enrollment, Lesson, Scenario
from courses.pacing import schedule_for

now = timezone.now()
ids = {}
# A hire four weeks in, with a role-play in progress.
def scale_cohorts(days_in):
    before = (now - datetime.timedelta(days=days_in)).date()
    return Cohort.objects.filter(slug__startswith="scale-", start_date__lte=before).order_by("-start_date")
cohort = scale_cohorts(23).first()
enrollment = Enrollment.objects.filter(cohort=cohort).order_by("pk").first()
hire = enrollment.hire
lesson = Lesson.objects.filter(curriculum=cohort.curriculum, week__number=2).order_by("position").first()
ids["lesson"] = f"/training/weeks/2/{lesson.slug}/"
practice = Scenario.objects.filter(curriculum=cohort.curriculum, week__number__lte=3, mode="practice")
scenario = practice.order_by("week__number").first()
attempt = Attempt.objects.filter(enrollment=enrollment, state="in_progress").first()
if attempt is None:
    attempt, _ = course_services.attempt_start(enrollment=enrollment, scenario=scenario)
ids["conversation"] = f"/training/roleplays/{attempt.scenario.slug}/attempts/{attempt.number}/"
ids["answer_scenario"] = attempt.scenario.pk  # the hire answers this role-play, turn after turn, through the API
from accounts.services import api_token_create
ids["hire_token"] = api_token_create(user=enrollment.hire, name="benchmark")[1]
# The coach with the longest queue, their oldest waiting attempt, a hire of theirs with feedback.
waiting = Attempt.objects.filter(state="awaiting_coach").order_by("submitted_at")
for cohort_id in dict.fromkeys(waiting.values_list("enrollment__cohort_id", flat=True)[:500]):
    coach = Cohort.objects.get(pk=cohort_id).coaches.first()  # one whose hires have feedback to show
    with_feedback = Enrollment.objects.filter(cohort__coaches=coach, feedback__isnull=False).order_by("pk")
    if coach is not None and with_feedback.exists():
        break
ids["oldest_attempt"] = waiting.filter(enrollment__cohort__coaches=coach).values_list("pk", flat=True).first()
ids["timeline"] = with_feedback.values_list("pk", flat=True).first()
ids["cohort"] = cohort.pk
from bench.big_cohort import big_cohort_ensure
ids["cohort_500"] = big_cohort_ensure(template=cohort).pk  # the same stage, 500 hires
ids["checkpoint_cohort"] = scale_cohorts(44).values_list("pk", flat=True).first()
admin = User.objects.get(email="admin0@scale.academy.test")
people = {"hire": hire, "coach": coach, "admin": admin}
clients = {}
for role, user in people.items():
    clients[role] = Client()
    clients[role].force_login(user)  # a session row gunicorn's workers will find too
sessions = {role: client.cookies[settings.SESSION_COOKIE_NAME].value for role, client in clients.items()}
queries = {}
for name, path, role in PAGES:
    client = clients[role] if role else Client()
    path = path.format(**ids)
    client.get(path, secure=True)  # warm
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, secure=True)
    queries[name] = {"queries": len(captured), "status": response.status_code}
print(json.dumps({"ids": ids, "sessions": sessions, "queries": queries,
                  "hires": Enrollment.objects.filter(cohort__slug__startswith="scale-").count(),
                  "database": connection.vendor, "server_version": getattr(connection, "pg_version", None)}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_reachable(url: str) -> bool:
    match = re.match(r"postgres(?:ql)?://[^@]*@(?P<host>[^:/]+):?(?P<port>\d*)/", url)
    if not match:
        return False
    try:
        socket.create_connection((match["host"], int(match["port"] or 5432)), timeout=2).close()
        return True
    except OSError:
        return False


def _redis_reachable(url: str) -> bool:
    match = re.match(r"redis://(?P<host>[^:/]+):?(?P<port>\d*)/", url)
    try:
        socket.create_connection((match["host"], int(match["port"] or 6379)), timeout=2).close()
        return True
    except (OSError, TypeError):
        return False


def _environment(database_url: str) -> dict[str, str]:
    WORK.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=env.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DATABASE_URL=database_url,
        CELERY_BROKER_URL="memory://",
        STATIC_ROOT=str(WORK / "static"),
        LOG_LEVEL="WARNING",
        API_USER_THROTTLE="100000000/hour",
        # The workers share one cache, as in production; without Redis, the production default (files).
        **({"CACHE_URL": BENCH_CACHE} if _redis_reachable(BENCH_CACHE) else {}),
        PYTHONPATH=str(PROJECT),
    )
    return env


def _manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT, env=env, check=True, capture_output=True, text=True
    ).stdout


def recreate_database(url: str) -> None:
    if url.startswith("sqlite"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return
    import psycopg

    match = re.match(r"postgres(?:ql)?://(?P<auth>[^@]+)@(?P<host>[^:/]+):?(?P<port>\d*)/(?P<name>\w+)$", url)
    if not match:
        raise SystemExit(f"expected postgres://user@host:port/name or sqlite:///path, not {url}")
    admin = f"postgresql://{match['auth']}@{match['host']}:{match['port'] or 5432}/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{match["name"]}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{match["name"]}"')


def _prepare(env: dict[str, str], hires: int, reuse: bool) -> dict:
    if not reuse:
        recreate_database(env["DATABASE_URL"])
    _manage(env, "migrate", "--noinput")
    _manage(env, "collectstatic", "--noinput", "--clear")
    if not reuse:
        started = time.perf_counter()
        print(f"Generating {hires:,} hires ...", flush=True)
        _manage(env, "generate_scale_data", "--hires", str(hires))
        print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)
    _manage(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from django.db import connection; "
        "connection.vendor == 'postgresql' and connection.cursor().execute('VACUUM ANALYZE')",
    )
    pages = [(page.name, page.path, page.role) for page in PAGES]
    script = f"PAGES = {pages!r}\n" + PREPARE_SCRIPT
    return json.loads(_manage(env, "shell", "--no-imports", "-c", script).strip().splitlines()[-1])


def _send(port: int, method: str, path: str, headers: dict[str, str], body: str | None = None):
    """One request on a fresh connection: (seconds, status, body); status 0 when the connection failed."""
    headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https", **headers}
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data, status = response.read(), response.status
    except OSError:
        data, status = b"", 0
    finally:
        connection.close()
    return time.perf_counter() - started, status, data


def _request(port: int, path: str, session_key: str | None) -> tuple[float, int]:
    elapsed, status, _ = _send(port, "GET", path, {"Cookie": f"sessionid={session_key}"} if session_key else {})
    return elapsed, status


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def _interleaved(port: int, path: str, session: str | None, requests: int, concurrency: int) -> dict:
    """`requests` page requests and as many floor requests, alternating, from `concurrency` clients."""
    for _ in range(40):  # warm every worker: its connections, prepared statements and caches
        _request(port, path, session)
        _request(port, FLOOR.path, None)
    page_times: list[float] = []
    floor_times: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()

    def client():
        for _ in range(requests // concurrency):
            floor_elapsed, floor_status = _request(port, FLOOR.path, None)
            elapsed, status = _request(port, path, session)
            with lock:
                floor_times.append(floor_elapsed)
                page_times.append(elapsed)
                errors.extend(s for s in (status, floor_status) if s != 200)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    page_median = statistics.median(page_times) * 1000
    floor_median = statistics.median(floor_times) * 1000
    return {
        "requests": len(page_times),
        "median_ms": round(page_median, 2),
        "p99_ms": round(_percentile(page_times, 0.99) * 1000, 2),
        "floor_median_ms": round(floor_median, 2),
        "floor_p99_ms": round(_percentile(floor_times, 0.99) * 1000, 2),
        "ratio_to_floor": round(page_median / floor_median, 2),
        "errors": len(errors),
    }


def _api(port: int, method: str, path: str, token: str, body: dict | None = None) -> tuple[float, int, dict]:
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    elapsed, status, data = _send(port, method, path, headers, json.dumps(body or {}))
    try:
        parsed = json.loads(data or b"{}")
    except ValueError:
        parsed = {}
    return elapsed, status, parsed


def _answering(port: int, token: str, scenario: int, requests: int) -> dict:
    """A hire answering a role-play turn by turn (each answer pre-scored on the spot), interleaved with the
    floor. A submitted attempt starts the next one; the answers are the labelled set's, all different."""
    from courses.scoring.evaluation import DEVSET_DIR, load_devset

    answers = [row.answer for path in sorted(DEVSET_DIR.glob("*.jsonl")) for row in load_devset(path)]
    attempt = None
    answer_times, floor_times, errors = [], [], []
    for n in range(requests + 20):
        if attempt is None:
            _, status, body = _api(port, "POST", f"/api/v1/training/roleplays/{scenario}/attempts/", token, {})
            if status not in (200, 201):
                errors.append(status)
                break
            attempt = body["id"]
        floor_elapsed, floor_status = _request(port, FLOOR.path, None)
        elapsed, status, body = _api(
            port, "POST", f"/api/v1/training/attempts/{attempt}/answers/", token, {"answer": answers[n % len(answers)]}
        )
        if body.get("state") != "in_progress":
            attempt = None
        if n < 20:
            continue  # warming the workers' encoders and caches
        floor_times.append(floor_elapsed)
        answer_times.append(elapsed)
        errors.extend(s for s, ok in ((status, status in (200, 201)), (floor_status, floor_status == 200)) if not ok)
    answer_median = statistics.median(answer_times) * 1000 if answer_times else 0.0
    floor_median = statistics.median(floor_times) * 1000 if floor_times else 0.0
    return {
        "page": "hire: role-play answer (API, pre-scored)",
        "path": "/api/v1/training/attempts/<id>/answers/",
        "requests": len(answer_times),
        "median_ms": round(answer_median, 2),
        "p99_ms": round(_percentile(answer_times, 0.99) * 1000, 2) if answer_times else 0.0,
        "floor_median_ms": round(floor_median, 2),
        "floor_p99_ms": round(_percentile(floor_times, 0.99) * 1000, 2) if floor_times else 0.0,
        "ratio_to_floor": round(answer_median / floor_median, 2) if floor_median else 0.0,
        "errors": len(errors),
    }


def open_loop(rate: float, count: int, send) -> tuple[float, float]:
    """`send(n)` for n below `count`, each in a pool thread, the n-th due n/rate seconds after the start whatever
    the answers (open loop). Returns the seconds taken to send them all, and until all were answered."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=128) as pool:
        for n in range(count):
            delay = started + n / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(send, n)
        sent = time.perf_counter() - started
    return sent, time.perf_counter() - started


def _arrival_rate(port: int, targets: list[tuple[str, str | None]], rate: float, duration: float) -> dict:
    """Open loop: a request every 1/rate seconds whatever the answers, cycling through the mix."""
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()

    def one(path, session):
        elapsed, status = _request(port, path, session)
        with lock:
            latencies.append(elapsed)
            if status != 200:
                errors.append(status)

    total = int(rate * duration)
    _, wall = open_loop(rate, total, lambda n: one(*targets[n % len(targets)]))
    return {
        "rate_per_s": rate,
        "duration_s": duration,
        "requests": len(latencies),
        "achieved_per_s": round(total / wall, 1),
        "errors": len(errors),
        "median_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(_percentile(latencies, 0.99) * 1000, 2),
        "max_ms": round(max(latencies) * 1000, 2),
    }


def _proc_field(path: str, name: str) -> str:
    try:
        text = Path(path).read_text()
    except OSError:
        return ""
    return next((line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith(name)), "")


def _machine() -> dict:
    cpu = _proc_field("/proc/cpuinfo", "model name") or "unknown"
    kib = _proc_field("/proc/meminfo", "MemTotal").split()
    memory_gib = round(int(kib[0]) / 1024 / 1024, 1) if kib else 0.0
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": memory_gib,
        "python": platform.python_version(),
        "os": platform.platform(),
    }


def machine_line(report: dict) -> str:
    """Where and on what a report was measured: the same words in every report."""
    machine = report["machine"]
    return (
        f"Measured {report['date']} on {machine['cores']} cores ({machine['cpu']}), {machine['memory_gib']} GiB, "
        f"Python {machine['python']}; {report['database']} with {report['hires']:,} hires of scale data; gunicorn "
        f"{report['gunicorn_workers']} workers, production settings"
    )


def _markdown(report: dict) -> str:
    lines = [
        f"{machine_line(report)}, the cache on {report.get('cache', 'files')}; {report['concurrency']} loopback "
        "clients, each page interleaved with the floor.",
        "",
        "| page | median ms | p99 ms | × floor | queries | within 3× | p99 < 250 ms |",
        "|---|---:|---:|---:|---:|:-:|:-:|",
    ]
    for row in report["pages"]:
        queries = "-" if row["queries"] is None else row["queries"]
        within = "yes" if row["ratio_to_floor"] <= TARGET_RATIO else "**no**"
        fast = "yes" if row["p99_ms"] < TARGET_P99_MS else "**no**"
        lines.append(
            f"| {row['page']} | {row['median_ms']:.1f} | {row['p99_ms']:.1f} | {row['ratio_to_floor']:.1f} | "
            f"{queries} | {within} | {fast} |"
        )
    floors = [row["floor_median_ms"] for row in report["pages"]]
    lines += ["", f"Floor (/health/) median across the run: {statistics.median(floors):.1f} ms."]
    load = report["arrival_rate"]
    lines += [
        "",
        f"Fixed arrival rate: {load['rate_per_s']:.0f} requests/s for {load['duration_s']:.0f} s, every page, "
        f"weighted hire {ROLE_WEIGHTS['hire']} : coach {ROLE_WEIGHTS['coach']} : admin {ROLE_WEIGHTS['admin']} "
        f"({load['requests']:,} requests, {load['achieved_per_s']} /s achieved): {load['errors']} errors, median "
        f"{load['median_ms']:.1f} ms, p99 {load['p99_ms']:.1f} ms, max {load['max_ms']:.1f} ms.",
    ]
    scorer = report["scorer"]
    install = scorer.get("install", {})
    lines += [
        "",
        f"Pre-scorer (model {scorer.get('model_version')}) on one core, each labelled answer in its whole situation: "
        f"p50 {scorer.get('p50_ms')} ms, p95 {scorer.get('p95_ms')} ms per answer (target < 50), "
        f"{scorer['answers_per_second']:.0f} answers/s (target ≥ 100); model loads in {scorer.get('load_seconds')} s "
        f"and takes {scorer.get('memory_mib')} MiB ({scorer.get('memory_after_scoring_mib')} MiB after scoring, "
        f"cached scenario texts included); its dependencies add {install.get('mib')} MiB installed plus "
        f"{install.get('model_files_mib')} MiB of model files (target ≤ 300 MiB).",
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hires", type=int, default=10_000, help="scale data size")
    parser.add_argument("--reuse", action="store_true", help="keep the database from the last run")
    parser.add_argument("--requests", type=int, default=400, help="measured requests per page")
    parser.add_argument("--concurrency", type=int, default=2, help="client threads for the interleaved runs")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--rate", type=float, default=50.0, help="arrival rate, requests per second")
    parser.add_argument("--duration", type=float, default=60.0, help="arrival-rate run, seconds")
    parser.add_argument("--pages", nargs="*", help="only pages whose name contains one of these words")
    args = parser.parse_args()

    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE)
    if database_url.startswith("postgres") and not _postgres_reachable(database_url):
        print(f"PostgreSQL at {database_url} is not reachable: using SQLite instead.")
        database_url = f"sqlite:///{WORK / 'bench.sqlite3'}"
    env = _environment(database_url)
    if "CACHE_URL" in env:  # ids of a recreated database start again: nothing cached may outlive it
        import redis

        redis.Redis.from_url(env["CACHE_URL"]).flushdb()
    print(f"Preparing {database_url} ...", flush=True)
    prepared = _prepare(env, args.hires, args.reuse)
    ids, sessions, queries = prepared["ids"], prepared["sessions"], prepared["queries"]
    port = free_port()
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
        while _request(port, FLOOR.path, None)[1] != 200:
            if time.monotonic() > deadline or server.poll() is not None:
                print(server.stderr.read().decode() if server.poll() is not None else "gunicorn did not answer")
                return 1
            time.sleep(0.2)
        pages = [p for p in PAGES if not args.pages or any(word in p.name for word in args.pages)]
        print(f"\n{'page':<32}{'median':>9}{'p99':>9}{'floor':>8}{'× floor':>9}{'queries':>9}{'errors':>8}")
        rows = []
        for page in pages:
            path = page.path.format(**ids)
            row = {
                "page": page.name,
                "path": path,
                "queries": queries[page.name]["queries"],
                **_interleaved(port, path, sessions.get(page.role or ""), args.requests, args.concurrency),
            }
            rows.append(row)
            print(
                f"{row['page']:<32}{row['median_ms']:>9.1f}{row['p99_ms']:>9.1f}{row['floor_median_ms']:>8.1f}"
                f"{row['ratio_to_floor']:>9.1f}{row['queries']:>9}{row['errors']:>8}",
                flush=True,
            )
        # Traffic as the people make it: hires far outnumber coaches, and admins are few.
        targets = [
            (page.path.format(**ids), sessions.get(page.role or ""))
            for page in pages
            for _ in range(ROLE_WEIGHTS[page.role])
        ]
        targets = [targets[(n * 7919) % len(targets)] for n in range(len(targets))]  # spread, not in runs
        print(f"\nArrival rate {args.rate:.0f}/s for {args.duration:.0f} s ...", flush=True)
        load = _arrival_rate(port, targets, args.rate, args.duration)
        print(json.dumps(load))
        # Last: answering submits the attempt whose conversation page the runs above read.
        if not args.pages or any(word in "hire: role-play answer" for word in args.pages):
            row = {"queries": None, **_answering(port, ids["hire_token"], ids["answer_scenario"], args.requests // 2)}
            rows.append(row)
            print(
                f"{row['page']:<32}{row['median_ms']:>9.1f}{row['p99_ms']:>9.1f}{row['floor_median_ms']:>8.1f}"
                f"{row['ratio_to_floor']:>9.1f}{'-':>9}{row['errors']:>8}",
                flush=True,
            )

    finally:
        server.terminate()
        server.wait(timeout=20)
    scorer = json.loads(
        _manage(env, "shell", "--no-imports", "-c",
                "import json; from bench.scorer import measure; print(json.dumps(measure(3.0)))").splitlines()[-1]
    )  # fmt: skip
    print(f"Pre-scorer, one core: {scorer['answers_per_second']:.0f} answers/s")
    report = {
        "date": datetime.date.today().isoformat(),
        "machine": _machine(),
        "database": prepared["database"],
        "hires": prepared["hires"],
        "gunicorn_workers": args.workers,
        "cache": "Redis" if env.get("CACHE_URL", "").startswith("redis") else "files",
        "concurrency": args.concurrency,
        "targets": {"ratio_to_floor": TARGET_RATIO, "p99_ms": TARGET_P99_MS},
        "pages": rows,
        "arrival_rate": load,
        "scorer": scorer,
    }
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    (REPORTS / "report.md").write_text(_markdown(report))
    print(f"\nWrote {REPORTS / 'report.json'} and {REPORTS / 'report.md'}")
    errors = load["errors"] + sum(row["errors"] for row in rows)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
