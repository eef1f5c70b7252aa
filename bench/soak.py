"""A soak of the default embedded setup: what `make run` starts (runserver, a Celery worker and
beat from Procfile.dev under honcho, local settings, SQLite, the filesystem broker, mail to
files), used by every role at a steady pace while reminder sweeps keep emails due.

From a fresh database under var/soak/ (migrate, the curriculum, the demo accounts), a few
clients per role drive the site over HTTP: hires open My training and lessons, complete
lessons, take checks and answer role-plays; coaches work the queue, grade and release; admins
open cohorts and enrol hires. Meanwhile a reminder sweep is sent to the worker every half
minute, each as of a later day, so reminders fall due and are emailed.

At the end: "database is locked" in every process's log (must be 0), task failures, server
errors, and emails due against sent (every notification to be emailed must be sent). Prints a
JSON summary, writes benchmarks/soak.json, and exits non-zero if anything is off.

    make soak                       # 20 minutes
    SOAK_MINUTES=3 make soak        # shorter
"""

import datetime
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from bench.run import REPORTS, _machine, free_port, recreate_database
from deploy.smoke import PASSWORD, Browser

PROJECT = Path(__file__).resolve().parents[1]
WORK = PROJECT / "var" / "soak"
HIRES = ["ana", "ben", "chloe", "dev", "emma", "gabe", "ivan", "jade", "kofi", "lena"]
COACHES = ["maya", "jordan"]
PACE_SECONDS = 1.0  # between one client's actions
SWEEP_EVERY_SECONDS = 30.0
LOCKED = "database is locked"


def _say(message: str) -> None:
    print(f"[soak] {message}", flush=True)


class Forms(HTMLParser):
    """The forms of a page: their action and the values a browser would send by default."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action"), "id": attrs.get("id"), "fields": [], "choices": {}})
        if not self.forms:
            return
        form = self.forms[-1]
        if tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("radio", "checkbox"):
                form["choices"].setdefault(attrs["name"], []).append(attrs.get("value", "on"))
                if "checked" in attrs:
                    form["fields"].append((attrs["name"], attrs.get("value", "on")))
            elif kind not in ("submit", "button", "file"):
                form["fields"].append((attrs["name"], attrs.get("value", "")))
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            form["choices"][self._select] = []
        elif tag == "option" and self._select:
            form["choices"][self._select].append(attrs.get("value", ""))
            if "selected" in attrs:
                form["fields"].append((self._select, attrs.get("value", "")))
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            form["fields"].append((self._textarea, ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            name, value = self.forms[-1]["fields"][-1]
            self.forms[-1]["fields"][-1] = (name, value + data)


def forms_in(page: str) -> list[dict]:
    parser = Forms()
    parser.feed(page)
    return parser.forms


class Client:
    """One person at the keyboard: signs in, then does one thing of their role at a time."""

    def __init__(self, port: int, email: str, stats: Counter):
        self.browser = Browser(port, behind_https_proxy=False, timeout=60)
        self.email = email
        self.stats = stats
        self.rng = random.Random(email)

    def request(self, method: str, path: str, form: dict | list | None = None) -> tuple[int, str]:
        try:
            status, headers, text = self.browser.request(method, path, form)
        except OSError:
            self.stats["connection errors"] += 1
            return 0, ""
        self.stats["requests"] += 1
        self.stats[f"{status // 100}xx"] += 1
        if status >= 500:
            self.stats[f"5xx {method} {re.sub(r'/[0-9]+/', '/N/', path)}"] += 1
        if status in (301, 302, 303):
            location = headers.get("Location", "").partition("#")[0]  # a fragment is the browser's, not sent
            return self.request("GET", location) if location.startswith("/") else (status, "")
        return status, text

    def sign_in(self) -> bool:
        self.request("GET", "/accounts/login/")
        status, _ = self.request("POST", "/accounts/login/", {"username": self.email, "password": PASSWORD})
        return status == 200

    def links(self, page: str, pattern: str) -> list[str]:
        return sorted(set(re.findall(pattern, page)))

    def submit(self, page_path: str, form: dict, overrides: dict, extra: list | None = None) -> tuple[int, str]:
        values = {name: value for name, value in form["fields"] if name != "csrfmiddlewaretoken"}
        values.update(overrides)
        fields = list(values.items()) + (extra or [])
        return self.request("POST", form["action"] or page_path, fields)


class Hire(Client):
    def act(self) -> None:
        _, dashboard = self.request("GET", "/training/")
        choice = self.rng.random()
        lessons = self.links(dashboard, r'href="(/training/weeks/\d+/[\w-]+/)"')
        if choice < 0.45 and lessons:
            path = self.rng.choice(lessons)
            status, page = self.request("GET", path)
            for form in forms_in(page):
                if (form["action"] or "").endswith("/completion/"):
                    self.submit(path, form, {"action": "complete"})
                    self.stats["lessons completed"] += 1
                    break
        elif choice < 0.7:
            week = self.rng.randint(1, 3)
            path = f"/training/weeks/{week}/check/"
            status, page = self.request("GET", path)
            form = next((f for f in forms_in(page) if f["choices"]), None)
            if status == 200 and form:
                answers = [(name, self.rng.choice(options)) for name, options in form["choices"].items()]
                self.submit(path, form, {}, extra=answers)
                self.stats["checks taken"] += 1
        else:
            _, listing = self.request("GET", "/training/roleplays/")
            scenarios = self.links(listing, r'href="(/training/roleplays/[\w-]+/)"')
            if scenarios:
                self._roleplay(self.rng.choice(scenarios))

    def _roleplay(self, path: str) -> None:
        status, page = self.request("GET", path)
        start = next((f for f in forms_in(page) if not f["action"]), None)
        if status != 200 or start is None:
            return
        status, page = self.request("POST", path, {})
        for _ in range(6):  # answer turn after turn until the attempt is submitted
            form = next((f for f in forms_in(page) if (f["action"] or "").endswith("/answer/")), None)
            if form is None:
                break
            answer = ("I am so sorry that happened, that sounds really stressful. Let me look at your order "
                      "right now and make sure the shoes arrive in time for the wedding.")  # fmt: skip
            status, page = self.submit(path, form, {"answer": answer})
            self.stats["answers sent"] += 1
        else:
            return
        self.stats["role-plays finished"] += 1


class Coach(Client):
    def act(self) -> None:
        _, queue = self.request("GET", "/coaching/queue/")
        attempts = self.links(queue, r'href="(/coaching/attempts/\d+/grade/)')
        if not attempts:
            return
        path = attempts[0]
        status, page = self.request("GET", path)
        form = next((f for f in forms_in(page) if f["id"] == "grade-form"), None)
        if status != 200 or form is None:
            return
        levels = {name: self.rng.choice(["1", "2", "3"]) for name in form["choices"] if name.startswith("level")}
        levels.update({"overall_comment": "Warm opening; keep exploring what the customer needs.", "action": "release"})
        self.submit(path, form, levels)
        self.stats["grades released"] += 1


class Admin(Client):
    enrolled = 0
    lock = threading.Lock()

    def act(self) -> None:
        _, listing = self.request("GET", "/cohorts/")
        cohorts = self.links(listing, r'href="(/cohorts/\d+/)"')
        if not cohorts:
            return
        cohort = self.rng.choice(cohorts)
        self.request("GET", cohort)
        if self.rng.random() < 0.15:
            path = f"{cohort}hires/new/"
            status, page = self.request("GET", path)
            form = next((f for f in forms_in(page) if "email" in dict(f["fields"])), None)
            if status == 200 and form:
                with Admin.lock:
                    Admin.enrolled += 1
                    number = Admin.enrolled
                self.submit(path, form, {"email": f"soak.hire{number}@academy.example", "name": f"Soak Hire {number}",
                                         "monthly_salary": "3200"})  # fmt: skip
                self.stats["hires enrolled"] += 1
        else:
            self.request("GET", f"{cohort}hires/")


def _drive(client: Client, until: float) -> None:
    if not client.sign_in():
        client.stats["sign-in failures"] += 1
        return
    while time.monotonic() < until:
        try:
            client.act()
        except Exception as error:  # a broken page must not stop the soak: it is counted
            client.stats[f"client errors: {type(error).__name__}"] += 1
        time.sleep(PACE_SECONDS * client.rng.uniform(0.5, 1.5))


def _sweeps(env: dict, until: float, stats: Counter) -> None:
    """Send the reminder sweep to the worker, each as of one more day ahead, as beat does daily."""
    day = 0
    while time.monotonic() < until:
        day += 1
        at = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=day)).isoformat()
        script = (
            "from notifications.tasks import reminders_sweep, grading_overdue_notify; "
            f"reminders_sweep.delay(at={at!r}); grading_overdue_notify.delay()"
        )
        subprocess.run([sys.executable, "manage.py", "shell", "--no-imports", "-c", script], cwd=PROJECT, env=env,
                       check=True, capture_output=True)  # fmt: skip
        stats["sweeps sent"] += 1
        time.sleep(SWEEP_EVERY_SECONDS)


def _ledger(database: Path) -> dict:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as db:
        statuses = dict(db.execute("SELECT email_status, COUNT(*) FROM notifications_notification GROUP BY 1"))
        journal = db.execute("PRAGMA journal_mode").fetchone()[0]
    return {"statuses": statuses, "journal_mode": journal}


def _mail_messages(folder: Path) -> int:
    return sum(path.read_text(errors="replace").count("\nMessage-ID: ") for path in folder.glob("*.log"))


def main() -> int:
    minutes = float(os.environ.get("SOAK_MINUTES", "20"))
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    port = free_port()
    database = WORK / "db.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{database}",
        "EMAIL_FILE_PATH": str(WORK / "mail"),
        "CELERY_FILESYSTEM_DIR": str(WORK / "celery"),
        "BEAT_SCHEDULE_FILE": str(WORK / "celerybeat-schedule"),
        "WEB_PORT": str(port),
        "RUNSERVER_OPTIONS": "--noreload",  # steady processes: a source edit elsewhere must not restart the site
        "SITE_URL": f"http://127.0.0.1:{port}",
        "PYTHONUNBUFFERED": "1",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    recreate_database(env["DATABASE_URL"])
    for command in (["migrate", "--noinput"], ["load_curriculum", "courses/data/default_curriculum.yaml"],
                    ["load_demo"]):  # fmt: skip
        subprocess.run([sys.executable, "manage.py", *command], cwd=PROJECT, env=env, check=True, capture_output=True)
    _say(f"fresh database {database}; starting Procfile.dev (runserver on {port}, worker, beat)")
    log = WORK / "processes.log"
    processes = subprocess.Popen(
        [sys.executable, "-m", "honcho", "--no-colour", "--procfile", "Procfile.dev", "start"],
        cwd=PROJECT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    stats: Counter = Counter()
    shutdown_seconds = None
    try:
        _wait_until_up(port)
        _say(f"driving hires, coaches and admins for {minutes:g} minutes")
        until = time.monotonic() + minutes * 60
        clients = [Hire(port, f"hire.{name}@academy.example", stats) for name in HIRES[:4]]
        clients += [Coach(port, f"coach.{name}@academy.example", stats) for name in COACHES]
        clients += [Admin(port, "admin@academy.example", stats)]
        threads = [threading.Thread(target=_drive, args=(c, until), daemon=True) for c in clients]
        threads.append(threading.Thread(target=_sweeps, args=(env, until, stats), daemon=True))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        _say("load over; waiting for the worker to send what is due")
        settle = time.monotonic() + 120
        while time.monotonic() < settle:
            pending = sum(_ledger(database)["statuses"].get(s, 0) for s in ("queued", "sending"))
            if not pending:
                break
            time.sleep(2)
    finally:
        stopping = time.monotonic()
        os.killpg(processes.pid, signal.SIGINT)  # what Ctrl-C in `make run` sends
        try:
            processes.wait(timeout=30)
            shutdown_seconds = round(time.monotonic() - stopping, 1)
        except subprocess.TimeoutExpired:
            os.killpg(processes.pid, signal.SIGKILL)
    text = log.read_text(errors="replace")
    ledger = _ledger(database)
    statuses = ledger["statuses"]
    due = sum(statuses.get(s, 0) for s in ("queued", "sending", "sent", "failed"))
    summary = {
        "date": datetime.date.today().isoformat(),
        "machine": _machine(),
        "minutes": minutes,
        "journal_mode": ledger["journal_mode"],
        "database_is_locked": text.count(LOCKED),
        "task_failures": text.count("raised unexpected") + statuses.get("failed", 0),
        "tracebacks": text.count("Traceback (most recent call last)"),
        "server_errors": sum(v for k, v in stats.items() if k.startswith("5xx")),
        "emails_due": due,
        "emails_sent": statuses.get("sent", 0),
        "notifications_by_status": statuses,
        "mail_messages": _mail_messages(WORK / "mail"),
        "shutdown_seconds": shutdown_seconds,
        "activity": dict(sorted(stats.items())),
    }
    problems = [
        name
        for name, bad in [
            ("database is locked", summary["database_is_locked"] > 0),
            ("task failures", summary["task_failures"] > 0),
            ("server errors", summary["server_errors"] > 0),
            ("emails due but not sent", summary["emails_sent"] != due or due == 0),
            ("emails missing from the mail folder", summary["mail_messages"] < summary["emails_sent"]),
            ("no activity", stats["requests"] == 0),
            ("slow or unclean shutdown", shutdown_seconds is None or shutdown_seconds > 10),
        ]
        if bad
    ]
    summary["problems"] = problems
    report = json.dumps(summary, indent=2)
    print(report)
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "soak.json").write_text(report + "\n")
    _say("OK" if not problems else f"problems: {', '.join(problems)} (logs: {log})")
    return 1 if problems else 0


def _wait_until_up(port: int, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if Browser(port, behind_https_proxy=False).request("GET", "/health/")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the site did not answer within {timeout:g} s")


if __name__ == "__main__":
    sys.exit(main())
