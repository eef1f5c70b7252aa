"""Capacity: the highest fixed arrival rate the site holds (p99 < 250 ms, no errors) with the
morning's traffic, writes included, and where the time goes there.

The scale data on PostgreSQL (as `bench.run` prepares it), gunicorn under production settings,
a real Celery worker on Redis for the tasks the writes enqueue, and a cache in Redis shared by
the gunicorn workers. Many signed-in people act at once: hires of cohorts at every week, the
coaches of cohorts with attempts waiting, the admins. Each write goes through the page's real
form: the page is loaded, its csrfmiddlewaretoken read, and the form posted with the csrftoken
cookie and the Referer, behind the HTTPS proxy header (production's SECURE_PROXY_SSL_HEADER).

Arrivals are open loop, stepped up (25, 50, 75 … requests/s, 30 s each) until a step's p99
passes 250 ms or a request fails; the reminder and checkpoint sweeps are sent to the worker
during every step. Two mixes: "morning" (reads and writes) and "reads" (reads only).

The morning mix, by action (each write first loads its form's page, as a browser does; the
request shares follow from it and are printed in the report):

    reads (70 of 100 actions)                 writes (30 of 100 actions)
    hire: dashboard              14           hire: role-play answer (web form, scored)  8
    hire: lesson                 10           hire: autosave (the answer draft)         10
    hire: role-play conversation  9           hire: knowledge check                      2
    hire: my feedback             8           hire: lesson complete                      5
    coach: queue                  6           coach: grade release                       3
    coach: grading screen         5           hire: feedback acknowledge                 2
    coach: hire timeline          5
    admin: cohort dashboard       7
    admin: cohorts                6

The "reads" mix is the reads column alone. Writes benchmarks/capacity.json and
benchmarks/capacity.md.

    make capacity                                          # 10,000 hires on loyalty_bench
    CAPACITY_ARGS="--hires 1000 --reuse --step-seconds 10 --rates 10 20 40" make capacity
"""

import argparse
import datetime
import json
import os
import random
import re
import secrets
import statistics
import string
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

from bench.run import (
    PROJECT,
    REPORTS,
    WORK,
    _environment,
    _machine,
    _percentile,
    _prepare,
    _send,
    free_port,
    machine_line,
    open_loop,
)

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/loyalty_bench"
DEFAULT_BROKER = "redis://127.0.0.1:6379/9"
TARGET_P99_MS = 250.0
DEFAULT_RATES = [10, 15, 20, 25, 30, 40, 50, 60, 75, 100, 125, 150, 200, 250, 300]
SAMPLE_SECONDS = 0.1
WORKER_NICENESS = 10
ANSWER = (
    "I'm so sorry, that sounds really stressful. Let me look at your order right now and make sure "
    "the shoes arrive in time for the wedding."
)

READS = {
    "hire: dashboard": 14,
    "hire: lesson": 10,
    "hire: role-play conversation": 9,
    "hire: my feedback": 8,
    "coach: queue": 6,
    "coach: grading screen": 5,
    "coach: hire timeline": 5,
    "admin: cohort dashboard": 7,
    "admin: cohorts": 6,
}
WRITES = {
    "hire: role-play answer": 8,
    "hire: autosave": 10,
    "hire: knowledge check": 2,
    "hire: lesson complete": 5,
    "coach: grade release": 3,
    "hire: feedback acknowledge": 2,
}
MIXES = {"morning": {**READS, **WRITES}, "reads": dict(READS)}
# The requests each action makes, nominally: a write loads its form's page first (autosave posts
# from the conversation page already open). Starting the next role-play adds two now and then.
REQUESTS_PER_ACTION = {
    "hire: role-play answer": ["hire: role-play conversation", "hire: role-play answer"],
    "hire: autosave": ["hire: autosave"],
    "hire: knowledge check": ["hire: knowledge check page", "hire: knowledge check"],
    "hire: lesson complete": ["hire: lesson", "hire: lesson complete"],
    "coach: grade release": ["coach: grading screen", "coach: grade release"],
    "hire: feedback acknowledge": ["hire: my feedback", "hire: feedback acknowledge"],
}
WRITE_KINDS = set(WRITES) | {"hire: role-play start"}


def expand(mix: dict[str, int]) -> list[str]:
    """The mix as a cycle of actions, each as often as its weight, spread rather than in runs."""
    actions = [name for name, weight in mix.items() for _ in range(weight)]
    step = next(p for p in (7919, 104729, 1299709) if len(actions) % p)
    return [actions[(n * step) % len(actions)] for n in range(len(actions))]


def request_shares(mix: dict[str, int]) -> dict[str, float]:
    """Each request kind's nominal share of the requests the mix makes."""
    counts: Counter = Counter()
    for name, weight in mix.items():
        for kind in REQUESTS_PER_ACTION.get(name, [name]):
            counts[kind] += weight
    total = sum(counts.values())
    return {kind: round(n / total, 4) for kind, n in counts.most_common()}


def requests_per_action(mix: dict[str, int]) -> float:
    return sum(len(REQUESTS_PER_ACTION.get(n, [n])) * w for n, w in mix.items()) / sum(mix.values())


def step_held(step: dict) -> bool:
    return step["errors"] == 0 and step["p99_ms"] < TARGET_P99_MS


def highest_held(steps: list[dict]) -> float | None:
    """The rate of the last step held before the first one that was not; None when none was."""
    held = None
    for step in steps:
        if not step_held(step):
            break
        held = step["rate_per_s"]
    return held


def capacity_step(steps: list[dict]) -> dict | None:
    """The step to profile: the highest held, or the first failing one when none held."""
    held = highest_held(steps)
    return next((s for s in steps if s["rate_per_s"] == held), steps[0] if steps else None)


# --- Forms ------------------------------------------------------------------------------------


class FormFields(HTMLParser):
    """What a browser submits with a form by default: its inputs, selected options, textareas and
    checked boxes, including controls outside it that name it with form="…"; radio and checkbox
    values are listed as the choices."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._open: dict | None = None
        self._textarea: tuple[dict, int] | None = None
        self._select: tuple[dict, str] | None = None
        self._orphans: list[tuple[str, str, tuple]] = []  # (form id, kind, payload) seen before their form

    def _owner(self, attrs: dict) -> dict | None:
        if attrs.get("form"):
            found = next((f for f in self.forms if f["id"] == attrs["form"]), None)
            if found is None:
                found = {"id": attrs["form"], "action": None, "fields": [], "choices": {}, "placeholder": True}
                self.forms.append(found)
            return found
        return self._open

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            existing = next((f for f in self.forms if f.get("placeholder") and f["id"] == attrs.get("id")), None)
            if existing:
                existing.pop("placeholder")
                existing["action"] = attrs.get("action")
                self._open = existing
            else:
                self._open = {"id": attrs.get("id"), "action": attrs.get("action"), "fields": [], "choices": {}}
                self.forms.append(self._open)
            return
        form = self._owner(attrs)
        name = attrs.get("name")
        if form is None or not name:
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("radio", "checkbox"):
                form["choices"].setdefault(name, []).append(attrs.get("value", "on"))
                if "checked" in attrs:
                    form["fields"].append((name, attrs.get("value", "on")))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                form["fields"].append((name, attrs.get("value") or ""))
        elif tag == "textarea":
            form["fields"].append((name, ""))
            self._textarea = (form, len(form["fields"]) - 1)
        elif tag == "select":
            self._select = (form, name)
            form["choices"][name] = []

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            form, index = self._textarea
            name, value = form["fields"][index]
            form["fields"][index] = (name, value + data)


def forms_in(page: str) -> list[dict]:
    parser = FormFields()
    parser.feed(page)
    return parser.forms


def form_named(page: str, *, form_id: str | None = None, action_endswith: str | None = None) -> dict | None:
    for form in forms_in(page):
        if form_id is not None and form["id"] == form_id:
            return form
        if action_endswith is not None and (form["action"] or "").endswith(action_endswith):
            return form
    return None


def grading_submission(form: dict, *, level: int = 2, comment: str = "") -> list[tuple[str, str]]:
    """What the grading form posts on "Release": every default field, a level for each criterion."""
    fields = [(n, v) for n, v in form["fields"] if not n.startswith("level_")]
    fields = [(n, comment if n == "overall_comment" and comment else v) for n, v in fields]
    for name, values in form["choices"].items():
        if name.startswith("level_"):
            fields.append((name, str(level) if str(level) in values else values[-1]))
    return [*fields, ("action", "release")]


# --- People ----------------------------------------------------------------------------------


@dataclass
class Actor:
    role: str
    email: str
    session: str
    data: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    csrf: str = field(default_factory=lambda: "".join(secrets.choice(string.ascii_letters + string.digits)
                                                      for _ in range(32)))  # fmt: skip
    token: str | None = None  # the csrfmiddlewaretoken of the last form page loaded
    busy_out: set = field(default_factory=set)  # kinds of work this person has run out of

    def cookies(self) -> str:
        return f"sessionid={self.session}; csrftoken={self.csrf}"


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.rows: list[tuple[str, float, int, bool]] = []
        self.notes: Counter = Counter()

    def add(self, kind: str, elapsed: float, status: int, ok: bool) -> None:
        with self.lock:
            self.rows.append((kind, elapsed, status, ok))

    def note(self, what: str) -> None:
        with self.lock:
            self.notes[what] += 1


TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TURN = re.compile(r"Turn (\d+) of (\d+)")


class Site:
    """The people and what each does, over HTTP against one gunicorn."""

    def __init__(self, port: int, actors: dict[str, list[Actor]], ids: dict, recorder: Recorder, seed: int = 1):
        self.port, self.actors, self.ids, self.recorder = port, actors, ids, recorder
        self.rng = random.Random(seed)
        self.rng_lock = threading.Lock()

    # One request, recorded under its kind; `ok` says whether the answer is the expected one.
    def call(self, actor: Actor, kind: str, method: str, path: str, form=None, expect=(200,), headers=None):
        sent = {"Cookie": actor.cookies(), **(headers or {})}
        body = None
        if method == "POST":
            sent["Referer"] = f"https://127.0.0.1{path}"
            if form is not None:
                fields = [(n, v) for n, v in (form.items() if isinstance(form, dict) else form)
                          if n != "csrfmiddlewaretoken"]  # fmt: skip
                body = urlencode([*fields, ("csrfmiddlewaretoken", actor.token or "")])
                sent["Content-Type"] = "application/x-www-form-urlencoded"
        elapsed, status, data = _send(self.port, method, path, sent, body)
        text = data.decode("utf-8", "replace")
        if method == "GET" and status == 200 and (match := TOKEN.search(text)):
            actor.token = match[1]
        ok = status in expect
        self.recorder.add(kind, elapsed, status, ok)
        return status, text

    def pick(self, role: str, need: str | None = None) -> Actor | None:
        """Someone of the role who is free (and still has work of `need`), or None."""
        with self.rng_lock:
            candidates = [a for a in self.actors[role] if need is None or need not in a.busy_out]
            self.rng.shuffle(candidates)
        for actor in candidates:
            if actor.lock.acquire(blocking=False):
                return actor
        return None

    def act(self, action: str) -> None:
        role = action.split(":")[0]
        need = action if action in WRITES else None
        actor = self.pick(role, need)
        if actor is None:
            self.recorder.note(f"no free {role} for {action}")
            return
        try:
            getattr(self, "_" + re.sub(r"\W+", "_", action.split(": ", 1)[1]).strip("_"))(actor)
        except Exception as error:  # counted, never stops the run
            self.recorder.note(f"client error in {action}: {type(error).__name__}: {error}")
        finally:
            actor.lock.release()

    # --- hires
    def _dashboard(self, a):
        self.call(a, "hire: dashboard", "GET", "/training/")

    def _lesson(self, a):
        self.call(a, "hire: lesson", "GET", self.rng.choice(a.data["lessons"]))

    def _my_feedback(self, a):
        self.call(a, "hire: my feedback", "GET", "/training/feedback/")

    def _ensure_attempt(self, a) -> bool:
        if a.data.get("attempt"):
            return True
        scenario = f"/training/roleplays/{a.data['scenario']}/"
        status, _ = self.call(a, "hire: scenario page", "GET", scenario)
        status, _ = self.call(a, "hire: role-play start", "POST", scenario, {}, expect=(302,))
        if status != 302:
            return False
        a.data["number"] += 1
        a.data["attempt"] = f"{scenario}attempts/{a.data['number']}/"
        return True

    def _role_play_conversation(self, a):
        if not self._ensure_attempt(a):
            return
        status, page = self.call(a, "hire: role-play conversation", "GET", a.data["attempt"], expect=(200, 302))
        if status == 302:  # submitted meanwhile: the next action starts another
            a.data["attempt"] = None
        elif match := TURN.search(page):
            a.data["turn"] = int(match[1])
        return status

    def _role_play_answer(self, a):
        if self._role_play_conversation(a) != 200:
            return
        before, turns = a.data.get("turn"), a.data["turns"]
        status, _ = self.call(a, "hire: role-play answer", "POST", a.data["attempt"] + "answer/",
                              {"answer": ANSWER}, expect=(302,))  # fmt: skip
        if status == 302 and before == turns:
            a.data["attempt"] = None  # the last turn submitted it
            self.recorder.note("role-plays submitted")
        elif status == 302 and self.rng.random() < 0.2:  # a sample: did the turn move on?
            status, page = self.call(a, "hire: role-play conversation", "GET", a.data["attempt"], expect=(200,))
            match = TURN.search(page)
            self.recorder.note("answers verified" if match and int(match[1]) == before + 1 else "answers NOT taken")

    def _autosave(self, a):
        if (not a.data.get("attempt") or a.token is None) and self._role_play_conversation(a) != 200:
            return
        path = a.data["attempt"] + "draft/"
        headers = {"X-CSRFToken": a.token or "", "Referer": f"https://127.0.0.1{a.data['attempt']}",
                   "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
        elapsed, status, data = _send(self.port, "POST", path, {"Cookie": a.cookies(), **headers},
                                      urlencode({"answer": ANSWER[: self.rng.randint(20, len(ANSWER))]}))  # fmt: skip
        saved = status == 200 and b'"saved": true' in data
        if status == 409:  # the attempt was submitted: a conflict the page shows, not a failure
            a.data["attempt"], saved = None, True
        self.recorder.add("hire: autosave", elapsed, status, saved)

    def _knowledge_check(self, a):
        weeks = a.data["check_weeks"]
        if not weeks:
            a.busy_out.add("hire: knowledge check")
            return
        path = f"/training/weeks/{weeks[0]}/check/"
        status, page = self.call(a, "hire: knowledge check page", "GET", path)
        form = next((f for f in forms_in(page) if any(n.startswith("q") for n in f["choices"])), None)
        if status != 200 or form is None:
            weeks.pop(0)  # every attempt used
            return
        answers = [(name, self.rng.choice(options)) for name, options in form["choices"].items()]
        status, _ = self.call(a, "hire: knowledge check", "POST", path, answers, expect=(302,))
        a.data["check_left"][weeks[0]] = a.data["check_left"].get(weeks[0], 1) - 1
        if a.data["check_left"][weeks[0]] <= 0:
            weeks.pop(0)

    def _lesson_complete(self, a):
        todo = a.data["todo"]
        if not todo:
            a.busy_out.add("hire: lesson complete")
            return
        path = todo.pop()
        _status, page = self.call(a, "hire: lesson", "GET", path)
        form = form_named(page, action_endswith="/completion/")
        if form is None or 'value="complete"' not in page:
            return
        self.call(a, "hire: lesson complete", "POST", form["action"], {"action": "complete"}, expect=(302,))

    def _feedback_acknowledge(self, a):
        _status, page = self.call(a, "hire: my feedback", "GET", "/training/feedback/")
        actions = re.findall(r'action="(/training/feedback/\d+/acknowledge/)"', page)
        if not actions:
            a.busy_out.add("hire: feedback acknowledge")
            return
        self.call(a, "hire: feedback acknowledge", "POST", actions[0], {}, expect=(302,))

    # --- coaches
    def _queue(self, a):
        _status, page = self.call(a, "coach: queue", "GET", "/coaching/queue/")
        a.data["waiting"] = sorted(set(re.findall(r'href="/coaching/attempts/(\d+)/grade/', page)), key=int)
        return a.data["waiting"]

    def _next_waiting(self, a) -> str | None:
        if not a.data.get("waiting") and not self._queue(a):
            return None
        return a.data["waiting"][0]

    def _grading_screen(self, a):
        attempt = self._next_waiting(a) or a.data.get("graded_last")
        if attempt:
            self.call(a, "coach: grading screen", "GET", f"/coaching/attempts/{attempt}/grade/")

    def _hire_timeline(self, a):
        self.call(a, "coach: hire timeline", "GET", f"/coaching/hires/{self.rng.choice(a.data['timelines'])}/")

    def _grade_release(self, a):
        attempt = self._next_waiting(a)
        if attempt is None:
            a.busy_out.add("coach: grade release")
            return
        path = f"/coaching/attempts/{attempt}/grade/"
        status, page = self.call(a, "coach: grading screen", "GET", path)
        form = form_named(page, form_id="grade-form")
        a.data["waiting"].pop(0)
        if status != 200 or form is None or not any(n.startswith("level_") for n in form["choices"]):
            return  # held for a second mark, or no longer this coach's
        fields = grading_submission(form, level=self.rng.choice([1, 2, 3]),
                                    comment="Warm opening; keep exploring what the customer needs.")  # fmt: skip
        status, _ = self.call(a, "coach: grade release", "POST", path, fields, expect=(302,))
        a.data["graded_last"] = attempt

    # --- admins
    def _cohort_dashboard(self, a):
        self.call(a, "admin: cohort dashboard", "GET", f"/cohorts/{self.rng.choice(self.ids['cohorts'])}/")

    def _cohorts(self, a):
        self.call(a, "admin: cohorts", "GET", "/cohorts/")


# --- Preparation -----------------------------------------------------------------------------

PREPARE_SCRIPT = r"""
import datetime, json
from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from accounts.models import User
from coaching.models import Feedback
from courses import services as course_services
from courses.models import Attempt, CheckAttempt, Cohort, Enrollment, KnowledgeCheck, Lesson, LessonCompletion, Scenario
from courses.pacing import schedule_for

now = timezone.now()
cohorts = list(Cohort.objects.filter(slug__startswith="scale-").order_by("start_date"))
training = [c for c in cohorts if 2 <= (now.date() - c.start_date).days <= 41]  # weeks 1 to 6
per_cohort = -(-HIRES // max(1, len(training)))
lessons = list(Lesson.objects.select_related("week").order_by("week__number", "position"))
checks = {k.week.number: k for k in KnowledgeCheck.objects.select_related("week")}
unlimited = list(Scenario.objects.filter(max_attempts__isnull=True).select_related("week").order_by("-week__number"))
clients, people = {}, []

def session_of(user):
    client = Client()
    client.force_login(user)  # a session row gunicorn's workers find too
    clients[user.email] = client
    return client.cookies[settings.SESSION_COOKIE_NAME].value

for cohort in training:
    for enrollment in Enrollment.objects.filter(cohort=cohort, status="active").select_related("hire")[:per_cohort]:
        schedule = schedule_for(enrollment, now)
        weeks = [w for w in range(1, 7) if schedule.is_unlocked(w, now)]
        if not weeks:
            continue
        done = set(LessonCompletion.objects.filter(enrollment=enrollment).values_list("lesson_id", flat=True))
        open_lessons = [l for l in lessons if l.week.number in weeks]
        used = dict(CheckAttempt.objects.filter(enrollment=enrollment).values_list("knowledge_check__week__number")
                    .annotate(n=Count("id")))
        check_left = {w: checks[w].max_attempts - used.get(w, 0) for w in weeks if w in checks}
        scenario = next(s for s in unlimited if s.week.number in weeks)
        attempt, _ = course_services.attempt_start(enrollment=enrollment, scenario=scenario)
        people.append({"role": "hire", "email": enrollment.hire.email, "session": session_of(enrollment.hire), "data": {
            "lessons": [f"/training/weeks/{l.week.number}/{l.slug}/" for l in open_lessons],
            "todo": [f"/training/weeks/{l.week.number}/{l.slug}/" for l in open_lessons if l.pk not in done],
            "check_weeks": [w for w, left in check_left.items() if left > 0], "check_left": check_left,
            "scenario": scenario.slug, "turns": scenario.turns.count(), "number": attempt.number,
            "attempt": f"/training/roleplays/{scenario.slug}/attempts/{attempt.number}/",
            "unacknowledged": Feedback.objects.filter(enrollment=enrollment, acknowledged_at__isnull=True).count(),
        }})
        if len([p for p in people if p["role"] == "hire"]) >= HIRES:
            break
waiting = (User.objects.filter(coached_cohorts__enrollments__roleplay_attempts__state="awaiting_coach")
           .annotate(n=Count("coached_cohorts__enrollments__roleplay_attempts", distinct=True)).order_by("-n"))
for coach in waiting[:COACHES]:
    timelines = list(Enrollment.objects.filter(cohort__coaches=coach, feedback__isnull=False)
                     .values_list("pk", flat=True).distinct()[:40])
    timelines = timelines or list(Enrollment.objects.filter(cohort__coaches=coach).values_list("pk", flat=True)[:40])
    people.append({"role": "coach", "email": coach.email, "session": session_of(coach),
                   "data": {"waiting_at_start": coach.n, "timelines": timelines}})
for admin in User.objects.filter(email__startswith="admin", email__endswith="@scale.academy.test"):
    people.append({"role": "admin", "email": admin.email, "session": session_of(admin), "data": {}})
ids = {"cohorts": [c.pk for c in cohorts if (now.date() - c.start_date).days <= 52]}

# Queries per request kind, counted once in-process on one person of each role.
hire = next(p for p in people if p["role"] == "hire")
coach = next(p for p in people if p["role"] == "coach")
admin = next(p for p in people if p["role"] == "admin")
queries = {}
def count(kind, person, method, path, data=None):
    client = clients[person["email"]]
    if method == "GET":
        client.get(path, secure=True)  # warm
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method.lower())(path, data, secure=True) if data is not None else \
            getattr(client, method.lower())(path, secure=True)
    queries[kind] = {"queries": len(captured), "status": response.status_code}
    return response
count("hire: dashboard", hire, "GET", "/training/")
count("hire: lesson", hire, "GET", hire["data"]["lessons"][0])
count("hire: role-play conversation", hire, "GET", hire["data"]["attempt"])
count("hire: my feedback", hire, "GET", "/training/feedback/")
count("hire: knowledge check page", hire, "GET", "/training/weeks/1/check/")
count("hire: autosave", hire, "POST", hire["data"]["attempt"] + "draft/", {"answer": "I'm so sorry"})
waiting_attempt = Attempt.objects.filter(enrollment__cohort__coaches__email=coach["email"],
                                         state="awaiting_coach").order_by("submitted_at").first()
count("coach: queue", coach, "GET", "/coaching/queue/")
if waiting_attempt:
    count("coach: grading screen", coach, "GET", f"/coaching/attempts/{waiting_attempt.pk}/grade/")
if coach["data"]["timelines"]:
    count("coach: hire timeline", coach, "GET", f"/coaching/hires/{coach['data']['timelines'][0]}/")
count("admin: cohort dashboard", admin, "GET", f"/cohorts/{ids['cohorts'][0]}/")
count("admin: cohorts", admin, "GET", "/cohorts/")
# Writes change what the run would find: counted on a hire who is not one of the people acting.
spare = Enrollment.objects.filter(cohort=training[-1], status="active").order_by("-pk").first()
spare_person = {"email": spare.hire.email}
session_of(spare.hire)
spare_scenario = next(s for s in unlimited if schedule_for(spare, now).is_unlocked(s.week.number, now))
spare_attempt, _ = course_services.attempt_start(enrollment=spare, scenario=spare_scenario)
base = f"/training/roleplays/{spare_scenario.slug}/attempts/{spare_attempt.number}/"
count("hire: role-play answer", spare_person, "POST", base + "answer/", {"answer": "I'm so sorry, let me look."})
lesson = next(l for l in lessons if l.week.number == 1)
count("hire: lesson complete", spare_person, "POST", f"/training/weeks/1/{lesson.slug}/completion/",
      {"action": "complete"})
clients.pop(spare_person["email"])
print(json.dumps({"people": people, "ids": ids, "queries": queries}))
"""

VERIFY_SCRIPT = r"""
import json
from django.utils import timezone
import datetime
from coaching.models import Feedback, Grade
from courses.models import Attempt, AttemptTurn, CheckAttempt, LessonCompletion
since = datetime.datetime.fromisoformat(SINCE)
print(json.dumps({
    "lessons completed": LessonCompletion.objects.filter(completed_at__gte=since).count(),
    "checks submitted": CheckAttempt.objects.filter(submitted_at__gte=since).count(),
    "answers scored": AttemptTurn.objects.filter(answered_at__gte=since).count(),
    "drafts saved": AttemptTurn.objects.filter(draft_saved_at__gte=since).count(),
    "role-plays started": Attempt.objects.filter(started_at__gte=since).count(),
    "grades released": Grade.objects.filter(released_at__gte=since).count(),
    "feedback acknowledged": Feedback.objects.filter(acknowledged_at__gte=since).count(),
}))
"""


def _shell(env: dict, script: str) -> str:
    return subprocess.run([sys.executable, "manage.py", "shell", "--no-imports", "-c", script], cwd=PROJECT,
                          env=env, check=True, capture_output=True, text=True).stdout  # fmt: skip


def _last_json(text: str) -> dict:
    return json.loads(text.strip().splitlines()[-1])


# --- Measuring -------------------------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    """utime + stime of one process, from /proc/<pid>/stat (fields 14 and 15)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


class Sampler(threading.Thread):
    """Every 100 ms: the state of this database's connections by application name, and the CPU of
    its backends (kept per pid, first and last reading)."""

    def __init__(self, database_url: str):
        super().__init__(daemon=True)
        self.url = database_url.replace("postgres://", "postgresql://", 1)
        self.stop = threading.Event()
        self.states: dict[str, Counter] = {}
        self.samples = 0
        self.cpu_first: dict[tuple[int, str], float] = {}
        self.cpu_last: dict[tuple[int, str], float] = {}

    def run(self):
        import psycopg

        with psycopg.connect(self.url, autocommit=True, application_name="capacity-sampler") as connection:
            while not self.stop.wait(SAMPLE_SECONDS):
                rows = connection.execute(
                    "SELECT pid, application_name, coalesce(state, '') FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                ).fetchall()
                self.samples += 1
                for pid, name, state in rows:
                    self.states.setdefault(name or "-", Counter())[state] += 1
                    seconds = cpu_seconds(pid)
                    if seconds is not None:
                        self.cpu_first.setdefault((pid, name), seconds)
                        self.cpu_last[(pid, name)] = seconds

    def summary(self) -> dict:
        out = {}
        for name, states in sorted(self.states.items()):
            cpu = sum(self.cpu_last[k] - self.cpu_first[k] for k in self.cpu_last if k[1] == name)
            out[name] = {
                "mean_active": round(states["active"] / max(1, self.samples), 2),
                "mean_idle": round(states["idle"] / max(1, self.samples), 2),
                "mean_idle_in_transaction": round(states["idle in transaction"] / max(1, self.samples), 2),
                "backend_cpu_s": round(cpu, 2),
            }
        return {"samples": self.samples, "by_application": out}


def _database_times(url: str) -> dict:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as connection:
        row = connection.execute(
            "SELECT active_time, xact_commit, tup_returned, tup_fetched, blks_read, blks_hit "
            "FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()
    return dict(zip(["active_ms", "commits", "tup_returned", "tup_fetched", "blks_read", "blks_hit"], row, strict=True))


def _broker_backlog(broker_url: str) -> int | None:
    try:
        import redis

        return int(redis.Redis.from_url(broker_url).llen("celery"))
    except Exception:
        return None


def _summarise(rows: list[tuple[str, float, int, bool]]) -> dict:
    latencies = [r[1] for r in rows]
    errors = Counter(str(r[2]) for r in rows if not r[3])
    kinds = {}
    for kind in sorted({r[0] for r in rows}):
        times = [r[1] for r in rows if r[0] == kind]
        kinds[kind] = {
            "count": len(times),
            "median_ms": round(statistics.median(times) * 1000, 2),
            "p99_ms": round(_percentile(times, 0.99) * 1000, 2),
            "errors": sum(1 for r in rows if r[0] == kind and not r[3]),
            "write": kind in WRITE_KINDS,
        }
    return {
        "requests": len(rows),
        "errors": sum(errors.values()),
        "errors_by_status": dict(errors),
        "median_ms": round(statistics.median(latencies) * 1000, 2) if rows else 0.0,
        "p95_ms": round(_percentile(latencies, 0.95) * 1000, 2) if rows else 0.0,
        "p99_ms": round(_percentile(latencies, 0.99) * 1000, 2) if rows else 0.0,
        "max_ms": round(max(latencies) * 1000, 2) if rows else 0.0,
        "kinds": kinds,
    }


def _sweeps(env: dict, recorder: Recorder) -> None:
    for task in ("notifications.tasks.reminders_sweep", "checkpoint.tasks.checkpoints_sweep"):
        done = subprocess.run([sys.executable, "-m", "celery", "-A", "config", "call", task], cwd=PROJECT, env=env,
                              capture_output=True, text=True)  # fmt: skip
        recorder.note(f"sweep sent: {task}" if done.returncode == 0 else f"sweep NOT sent: {task}")


def _step(site: Site, env: dict, server_pid: int, database_url: str, broker: str, actions: list[str],
          rate: float, seconds: float, actions_per_request: float) -> dict:  # fmt: skip
    """Open loop at `rate` requests/s: an action every 1/(rate × actions per request) seconds."""
    site.recorder.rows.clear()
    notes_before = Counter(site.recorder.notes)
    workers = children(server_pid)
    web_before = {pid: cpu_seconds(pid) or 0.0 for pid in workers}
    pg_before = {pid: cpu_seconds(pid) or 0.0 for pid in postgres_pids()}
    db_before = _database_times(database_url)
    sampler = Sampler(database_url)
    sampler.start()
    sweeper = threading.Thread(target=_sweeps, args=(env, site.recorder), daemon=True)
    sweeper.start()
    action_rate = rate * actions_per_request
    total = int(action_rate * seconds)
    sent_wall, wall = open_loop(action_rate, total, lambda n: site.act(actions[n % len(actions)]))
    sampler.stop.set()
    sampler.join(timeout=5)
    sweeper.join(timeout=60)
    db_after = _database_times(database_url)
    web_cpu = sum((cpu_seconds(pid) or web_before[pid]) - web_before[pid] for pid in workers)
    pg_cpu = sum((cpu_seconds(pid) or pg_before.get(pid, 0.0)) - pg_before.get(pid, 0.0) for pid in postgres_pids())
    rows = list(site.recorder.rows)
    summary = _summarise(rows)
    notes = {k: v - notes_before.get(k, 0) for k, v in site.recorder.notes.items() if v - notes_before.get(k, 0)}
    return {
        "rate_per_s": rate,
        "seconds": seconds,
        "achieved_per_s": round(len(rows) / wall, 1),
        "arrivals_sent_in_s": round(sent_wall, 1),
        **summary,
        "notes": notes,
        "profile": {
            "wall_s": round(wall, 1),
            "gunicorn_workers_cpu_s": round(web_cpu, 2),
            "postgres_all_cpu_s": round(pg_cpu, 2),
            "database_active_ms": round(db_after["active_ms"] - db_before["active_ms"], 1),
            "database_commits": db_after["commits"] - db_before["commits"],
            "database_blocks_read": db_after["blks_read"] - db_before["blks_read"],
            "connections": sampler.summary(),
            "broker_backlog_after": _broker_backlog(broker),
        },
    }


# --- Report ----------------------------------------------------------------------------------


def _markdown(report: dict) -> str:
    lines = [
        f"{machine_line(report)}; a Celery worker (concurrency 1, at nice {WORKER_NICENESS}) and the cache on Redis; "
        f"{report['people']['hire']} hires, {report['people']['coach']} coaches and "
        f"{report['people']['admin']} admins signed in, open-loop arrivals in steps of {report['step_seconds']:g} s.",
        "",
        f"Held: p99 < {TARGET_P99_MS:.0f} ms and no errors. "
        + "; ".join(
            f"**{name}: {m['highest_held'] or 'none'}{' requests/s' if m['highest_held'] else ''}**"
            for name, m in report["mixes"].items()
        )
        + ".",
    ]
    for name, mix in report["mixes"].items():
        lines += ["", f"## Mix “{name}”", "", "| request kind | share of requests |", "|---|---:|"]
        lines += [f"| {kind} | {share:.1%} |" for kind, share in mix["request_shares"].items()]
        lines += [
            "",
            "| rate /s | achieved /s | requests | errors | median ms | p95 ms | p99 ms | max ms | held |",
            "|---:|---:|---:|---|---:|---:|---:|---:|:-:|",
        ]
        for s in mix["steps"]:
            errors = ", ".join(f"{n}× {k}" for k, n in s["errors_by_status"].items()) or "0"
            lines.append(
                f"| {s['rate_per_s']:g} | {s['achieved_per_s']:g} | {s['requests']:,} | {errors} | "
                f"{s['median_ms']:.1f} | {s['p95_ms']:.1f} | {s['p99_ms']:.1f} | {s['max_ms']:.1f} | "
                f"{'yes' if step_held(s) else '**no**'} |"
            )
        step = capacity_step(mix["steps"])
        if step is None:
            continue
        held = "the highest held step" if step_held(step) else "the first step, not held"
        lines += [
            "",
            f"Per request kind at {step['rate_per_s']:g} requests/s ({held}), slowest p99 first; queries counted "
            "once in-process:",
            "",
            "| kind | count | median ms | p99 ms | errors | queries |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for kind, k in sorted(step["kinds"].items(), key=lambda item: -item[1]["p99_ms"]):
            queries = report["queries"].get(kind, {}).get("queries", "-")
            lines.append(
                f"| {kind}{' (write)' if k['write'] else ''} | {k['count']:,} | {k['median_ms']:.1f} | "
                f"{k['p99_ms']:.1f} | {k['errors']} | {queries} |"
            )
        p = step["profile"]
        web = p["connections"]["by_application"].get("capacity-web", {})
        per_request = 1000 / max(1, step["requests"])
        lines += [
            "",
            f"Where the time goes at {step['rate_per_s']:g} requests/s, over {p['wall_s']:g} s: gunicorn workers used "
            f"{p['gunicorn_workers_cpu_s']:.1f} CPU s ({p['gunicorn_workers_cpu_s'] * per_request:.1f} ms per "
            f"request); PostgreSQL spent {p['database_active_ms'] / 1000:.1f} s executing statements in this "
            f"database (pg_stat_database.active_time, every client, the worker's sweeps included: "
            f"{p['database_active_ms'] / max(1, step['requests']):.1f} ms per request), its web backends "
            f"{web.get('backend_cpu_s', 0):.1f} CPU s; every postgres process on the machine "
            f"{p['postgres_all_cpu_s']:.1f} CPU s (other databases included). Sampled every 100 ms, the web "
            f"connections were active {web.get('mean_active', 0):.2f}, idle {web.get('mean_idle', 0):.2f} on "
            f"average (of {report['gunicorn_workers']} workers). Broker backlog after the step: "
            f"{p['broker_backlog_after']}.",
        ]
        if mix.get("writes_verified"):
            done = ", ".join(f"{k} {v:,}" for k, v in mix["writes_verified"].items())
            lines += ["", f"State written during the mix, counted in the database afterwards: {done}."]
        notes = Counter()
        for s in mix["steps"]:
            notes.update(s["notes"])
        if notes:
            lines += ["", "Notes: " + "; ".join(f"{k} {v}" for k, v in sorted(notes.items())) + "."]
    lines += [
        "",
        f"Role-play answers go through the web form ({report['answer_route']}), each scored on the spot. "
        "pg_stat_statements is not loaded on this server, so database time is PostgreSQL's own active_time "
        "and connection sampling; the machine is shared, so CPU counts are the surest figures.",
    ]
    return "\n".join(lines) + "\n"


# --- Running ---------------------------------------------------------------------------------


def _redis_db(url: str, offset: int) -> str:
    base, _, number = url.rpartition("/")
    return f"{base}/{int(number or 0) + offset}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hires", type=int, default=10_000, help="scale data size")
    parser.add_argument("--reuse", action="store_true", help="keep the database from the last run")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--rates", type=float, nargs="+", default=DEFAULT_RATES, help="requests/s, step by step")
    parser.add_argument("--step-seconds", type=float, default=30.0)
    parser.add_argument("--mixes", nargs="+", default=list(MIXES), choices=list(MIXES))
    parser.add_argument("--people", type=int, default=200, help="hires acting")
    parser.add_argument("--coaches", type=int, default=40, help="coaches acting, at most")
    args = parser.parse_args()

    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE)
    broker = os.environ.get("CAPACITY_BROKER_URL", DEFAULT_BROKER)
    env = _environment(database_url)
    env.update(CELERY_BROKER_URL=broker, CACHE_URL=_redis_db(broker, 1),
               EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
               EMAIL_FILE_PATH=str(WORK / "capacity-mail"))  # fmt: skip
    import redis

    for url in (broker, env["CACHE_URL"]):
        redis.Redis.from_url(url).flushdb()
    print(f"Preparing {database_url} ...", flush=True)
    prepared = _prepare(env, args.hires, args.reuse)  # a fresh database (recreate_database) unless --reuse
    mine = _last_json(_shell(env, f"HIRES = {args.people}\nCOACHES = {args.coaches}\n" + PREPARE_SCRIPT))
    people = [Actor(p["role"], p["email"], p["session"], p["data"]) for p in mine["people"]]
    actors = {role: [a for a in people if a.role == role] for role in ("hire", "coach", "admin")}
    print(f"  {len(actors['hire'])} hires, {len(actors['coach'])} coaches, {len(actors['admin'])} admins signed in")

    port = free_port()
    web_env = {**env, "DATABASE_URL": f"{database_url}?application_name=capacity-web"}
    worker_env = {**env, "DATABASE_URL": f"{database_url}?application_name=capacity-worker"}
    worker_log = WORK / "capacity-worker.log"
    processes = []
    recorder = Recorder()
    report_mixes = {}
    try:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", str(args.workers), "--bind",
             f"127.0.0.1:{port}"],
            cwd=PROJECT, env=web_env, stdout=subprocess.DEVNULL, stderr=(WORK / "capacity-web.log").open("w"),
            start_new_session=True,
        )  # fmt: skip
        processes.append(server)
        processes.append(subprocess.Popen(
            # The sweeps yield the cores to people's requests, as background work on a shared host should.
            ["nice", "-n", str(WORKER_NICENESS), sys.executable, "-m", "celery", "-A", "config", "worker", "-l",
             "WARNING", "--concurrency", "1"],
            cwd=PROJECT, env=worker_env, stdout=subprocess.DEVNULL, stderr=worker_log.open("w"),
            start_new_session=True,
        ))  # fmt: skip
        deadline = time.monotonic() + 60
        while _send(port, "GET", "/health/", {})[1] != 200:
            if time.monotonic() > deadline or server.poll() is not None:
                print("gunicorn did not answer; see", WORK / "capacity-web.log")
                return 1
            time.sleep(0.2)
        site = Site(port, actors, mine["ids"], recorder)
        # Warm every worker as a server that has been up a while is: its connections, its prepared statements,
        # its compiled templates, the scorer's model. Each kind a dozen times (4 workers), unmeasured.
        for _ in range(12):
            for kind in {**READS, **WRITES}:
                site.act(kind)
        for name in args.mixes:
            mix = MIXES[name]
            actions, per_request = expand(mix), 1 / requests_per_action(mix)
            since = datetime.datetime.now(datetime.UTC).isoformat()
            steps = []
            print(f"\nMix {name}: {'rate':>6}{'achieved':>10}{'requests':>10}{'errors':>8}{'median':>9}"
                  f"{'p95':>9}{'p99':>9}{'max':>9}", flush=True)  # fmt: skip
            for rate in args.rates:
                step = _step(site, web_env, server.pid, database_url, broker, actions, rate, args.step_seconds,
                             per_request)  # fmt: skip
                steps.append(step)
                print(f"{'':>11}{rate:>6g}{step['achieved_per_s']:>10}{step['requests']:>10}{step['errors']:>8}"
                      f"{step['median_ms']:>9.1f}{step['p95_ms']:>9.1f}{step['p99_ms']:>9.1f}{step['max_ms']:>9.1f}"
                      f"  {step['errors_by_status'] or ''}", flush=True)  # fmt: skip
                if not step_held(step):
                    break
            verified = _last_json(_shell(env, f"SINCE = {since!r}\n" + VERIFY_SCRIPT)) if name != "reads" else {}
            report_mixes[name] = {
                "actions": mix,
                "request_shares": request_shares(mix),
                "steps": steps,
                "highest_held": highest_held(steps),
                "writes_verified": verified,
            }
            print(f"  highest rate held: {report_mixes[name]['highest_held']}", flush=True)
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, 15)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
    log = worker_log.read_text(errors="replace") if worker_log.exists() else ""
    report = {
        "date": datetime.date.today().isoformat(),
        "machine": _machine(),
        "database": "postgresql" if database_url.startswith("postgres") else "sqlite",
        "hires": prepared.get("hires"),
        "gunicorn_workers": args.workers,
        "step_seconds": args.step_seconds,
        "people": {role: len(v) for role, v in actors.items()},
        "target_p99_ms": TARGET_P99_MS,
        "answer_route": "POST /training/roleplays/<slug>/attempts/<n>/answer/",
        "queries": mine["queries"],
        "mixes": report_mixes,
        "worker": {"task_failures": log.count("raised unexpected"), "tracebacks": log.count("Traceback")},
    }
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "capacity.json").write_text(json.dumps(report, indent=2) + "\n")
    (REPORTS / "capacity.md").write_text(_markdown(report))
    print(f"\nWrote {REPORTS / 'capacity.json'} and {REPORTS / 'capacity.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
