"""Reads for training data. Views, API views and tasks use these rather than querying directly."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts import permissions
from courses import caching
from courses.levels import criterion_name
from courses.models import (
    RUNNING_STATUSES,
    Attempt,
    AttemptState,
    CheckAttempt,
    Cohort,
    Criterion,
    Enrollment,
    EnrollmentEventKind,
    EnrollmentStatus,
    ItemExcusal,
    KnowledgeCheck,
    Lesson,
    Scenario,
)
from courses.pacing import Schedule, schedule_for
from courses.progress import (
    EXCUSED,
    ROLEPLAY_DONE_STATES,
    is_due_soon,
    item_marks,
    item_status,
)
from courses.progress import DueItem as DueItem  # read from here by the reminders
from courses.progress import curriculum_due_items as curriculum_due_items
from courses.scoring.integrity import FLAG_TITLES


def cohorts_visible(*, user) -> QuerySet[Cohort]:
    """The cohorts a person may see: an admin every one, a coach those they coach, anyone else none.
    The coaching app narrows the same way to hires (coaching.selectors.visible_to)."""
    if permissions.is_admin(user):
        return Cohort.objects.all()
    if permissions.is_coach(user):
        return Cohort.objects.filter(coaches=user)
    return Cohort.objects.none()


def _per_cohort_count(rows: QuerySet) -> Coalesce:
    """How many of these rows belong to the outer cohort: computed only for the cohorts a page shows."""
    counted = rows.filter(cohort_id=OuterRef("pk")).order_by().values("cohort_id").annotate(n=Count("*"))
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), 0)


def cohort_list(*, user) -> QuerySet[Cohort]:
    """Cohorts this person may see, with head counts, in one query."""
    cohorts = (
        cohorts_visible(user=user)
        .select_related("curriculum")
        .annotate(
            hire_count=_per_cohort_count(Enrollment.objects.all()),
            active_count=_per_cohort_count(Enrollment.objects.filter(status=EnrollmentStatus.ACTIVE)),
            coach_count=_per_cohort_count(Cohort.coaches.through.objects.all()),
        )
        .order_by("-start_date", "name")
    )
    return cohorts


def enrollment_current(*, hire) -> Enrollment | None:
    """The hire's enrollment that is still running (active or paused), newest first."""
    return caching.enrollment_current_cached(hire_id=hire.pk)


def enrollment_latest(*, hire) -> Enrollment | None:
    """The hire's newest enrollment whatever its status (e.g. after graduating or leaving)."""
    return Enrollment.objects.select_related("cohort").filter(hire=hire).order_by("-cohort__start_date", "-pk").first()


# --- The hire's view of their training ------------------------------------------------


@dataclass
class Item:
    """A lesson or a knowledge check, as it stands for one hire."""

    kind: str  # "lesson" | "check" | "roleplay"
    id: int
    week_number: int
    title: str
    slug: str
    due_at: datetime.datetime
    done: bool
    unlocked: bool
    minutes: int = 0
    best_score: int | None = None
    attempts: int = 0
    max_attempts: int | None = None
    pass_mark: int | None = None
    excused: bool = False  # by an admin, and not done: counts as done, never overdue

    @property
    def settled(self) -> bool:
        return self.done or self.excused

    def status(self, now: datetime.datetime) -> str:
        """done | excused | overdue | due | locked"""
        return item_status(due_at=self.due_at, unlocked=self.unlocked, done=self.done, now=now, excused=self.excused)

    def is_overdue(self, now: datetime.datetime) -> bool:
        return self.status(now) == "overdue"

    def is_excused(self, now: datetime.datetime) -> bool:
        return self.status(now) == EXCUSED


@dataclass
class WeekProgress:
    number: int
    title: str
    goals: list[str]
    unlocks_at: datetime.datetime
    unlocked: bool
    items: list[Item] = field(default_factory=list)

    @property
    def lessons(self) -> list[Item]:
        return [i for i in self.items if i.kind == "lesson"]

    @property
    def check(self) -> Item | None:
        return next((i for i in self.items if i.kind == "check"), None)

    @property
    def roleplays(self) -> list[Item]:
        return [i for i in self.items if i.kind == "roleplay"]

    @property
    def done_count(self) -> int:
        """Done or excused, as courses.progress counts them."""
        return sum(i.settled for i in self.items)

    @property
    def excused_roleplays(self) -> list[Item]:
        return [i for i in self.roleplays if i.excused]

    @property
    def percent(self) -> int:
        return self.done_count * 100 // len(self.items) if self.items else 0

    @property
    def progress_label(self) -> str:
        return f"Week {self.number} progress"


@dataclass
class TrainingOverview:
    enrollment: Enrollment
    schedule: Schedule
    now: datetime.datetime
    weeks: list[WeekProgress]

    @property
    def items(self) -> list[Item]:
        return [item for week in self.weeks for item in week.items]

    @property
    def current_week(self) -> int:
        return self.schedule.current_week(self.now)

    @property
    def done_count(self) -> int:
        """Done or excused, as courses.progress counts them."""
        return sum(i.settled for i in self.items)

    @property
    def excused_count(self) -> int:
        return sum(i.excused for i in self.items)

    @property
    def total_count(self) -> int:
        return len(self.items)

    @property
    def percent(self) -> int:
        return self.done_count * 100 // self.total_count if self.total_count else 0

    @property
    def overdue(self) -> list[Item]:
        return [i for i in self.items if i.is_overdue(self.now)]

    @property
    def due_soon(self) -> list[Item]:
        return [
            i
            for i in self.items
            if is_due_soon(due_at=i.due_at, unlocked=i.unlocked, done=i.done, now=self.now, excused=i.excused)
        ]

    @property
    def next_up(self) -> Item | None:
        """The first thing to do: the earliest-due open item of an unlocked week."""
        open_items = [i for i in self.items if i.unlocked and not i.settled]
        kind_order = {"lesson": 0, "roleplay": 1, "check": 2}
        return min(open_items, key=lambda i: (i.due_at, i.week_number, kind_order[i.kind]), default=None)

    @property
    def days_until_checkpoint(self) -> int:
        return self.schedule.days_until_training_ends(self.now)

    @property
    def is_paused(self) -> bool:
        return self.enrollment.status == EnrollmentStatus.PAUSED

    def week(self, number: int) -> WeekProgress | None:
        return next((w for w in self.weeks if w.number == number), None)


def training_overview(*, enrollment: Enrollment, now: datetime.datetime | None = None) -> TrainingOverview:
    """Everything the dashboard needs, in a fixed number of queries whatever the curriculum's size."""
    now = now or timezone.now()
    schedule = schedule_for(enrollment, now)
    outline = caching.curriculum_outline(curriculum_id=enrollment.cohort.curriculum_id)
    marks = caching.enrollment_marks(enrollment_id=enrollment.pk)
    completed, results, roleplay_results = marks["completed"], marks["checks"], marks["roleplays"]
    excused = marks["excused"]
    lessons, checks, scenarios = outline["lessons"], outline["checks"], outline["scenarios"]

    by_week: dict[int, WeekProgress] = {}
    progress = []
    for week in outline["weeks"]:
        unlocks_at = schedule.week_unlocks_at(week["number"])
        week_progress = WeekProgress(week["number"], week["title"], week["goals"], unlocks_at, now >= unlocks_at)
        by_week[week["id"]] = week_progress
        progress.append(week_progress)
    for lesson in lessons:
        week = by_week[lesson["week_id"]]
        week.items.append(Item(
            kind="lesson", id=lesson["id"], week_number=week.number, title=lesson["title"], slug=lesson["slug"],
            due_at=schedule.due_at(week.number, lesson["due_day"]), done=lesson["id"] in completed,
            unlocked=week.unlocked, minutes=lesson["estimated_minutes"],
        ))  # fmt: skip
    for check in checks:
        week = by_week[check["week_id"]]
        result = results.get(check["id"], {})
        week.items.append(Item(
            kind="check", id=check["id"], week_number=week.number, title=check["title"], slug="check",
            due_at=schedule.due_at(week.number, check["due_day"]), done=bool(result.get("passes")),
            unlocked=week.unlocked, best_score=result.get("best"), attempts=result.get("attempts", 0),
            max_attempts=check["max_attempts"], pass_mark=check["pass_mark"],
        ))  # fmt: skip
    for scenario in scenarios:
        week = by_week[scenario["week_id"]]
        result = roleplay_results.get(scenario["id"], {})
        week.items.append(Item(
            kind="roleplay", id=scenario["id"], week_number=week.number, title=scenario["title"],
            slug=scenario["slug"], due_at=schedule.due_at(week.number, scenario["due_day"]),
            done=bool(result.get("done")), unlocked=week.unlocked, best_score=result.get("best"),
            attempts=result.get("attempts", 0), max_attempts=scenario["max_attempts"],
        ))  # fmt: skip
    for week_progress in progress:
        for item in week_progress.items:
            item.excused = not item.done and (item.kind, item.id) in excused
    return TrainingOverview(enrollment=enrollment, schedule=schedule, now=now, weeks=progress)


@dataclass(frozen=True)
class LessonLink:
    week_number: int
    slug: str
    title: str


def lesson_neighbours(*, lesson: Lesson) -> tuple[LessonLink | None, LessonLink | None]:
    """The lessons before and after this one across the whole curriculum, from its cached outline."""
    outline = caching.curriculum_outline(curriculum_id=lesson.curriculum_id)
    week_numbers = caching.outline_week_numbers(outline)
    ordered = [LessonLink(week_numbers[row["week_id"]], row["slug"], row["title"]) for row in outline["lessons"]]
    index = next(i for i, row in enumerate(outline["lessons"]) if row["id"] == lesson.pk)
    return (ordered[index - 1] if index > 0 else None, ordered[index + 1] if index + 1 < len(ordered) else None)


def practice_choices(*, curriculum_id: int) -> tuple[list[dict], list[dict]]:
    """The curriculum's lessons and role-plays in week order (pk, week_number, title), from its cached outline."""
    outline = caching.curriculum_outline(curriculum_id=curriculum_id)
    week_numbers = caching.outline_week_numbers(outline)

    def choices(rows):
        listed = [{"pk": row["id"], "week_number": week_numbers[row["week_id"]], "title": row["title"]} for row in rows]
        return sorted(listed, key=lambda choice: choice["week_number"])  # stable: in position order within a week

    return choices(outline["lessons"]), choices(outline["scenarios"])


def lesson_is_complete(*, enrollment: Enrollment, lesson: Lesson) -> bool:
    return lesson.pk in caching.enrollment_marks(enrollment_id=enrollment.pk)["completed"]


@dataclass
class CheckStanding:
    attempts: list[CheckAttempt]
    best_score: int | None
    passed: bool
    attempts_left: int | None  # None: unlimited

    @property
    def can_attempt(self) -> bool:
        return self.attempts_left is None or self.attempts_left > 0


def check_standing(*, enrollment: Enrollment, knowledge_check: KnowledgeCheck) -> CheckStanding:
    attempts = list(
        CheckAttempt.objects.filter(enrollment=enrollment, knowledge_check=knowledge_check).order_by("number")
    )
    limit = knowledge_check.max_attempts
    return CheckStanding(
        attempts=attempts,
        best_score=max((a.score for a in attempts), default=None),
        passed=any(a.passed for a in attempts),
        attempts_left=None if limit is None else max(0, limit - len(attempts)),
    )


def check_questions(*, knowledge_check: KnowledgeCheck):
    return list(knowledge_check.questions.prefetch_related("choices").order_by("position", "id"))


# --- Role-plays -----------------------------------------------------------------------------


@dataclass
class ScenarioStanding:
    """A scenario as it stands for one hire: status, attempts, best automatic score."""

    scenario: Scenario
    unlocked: bool
    due_at: datetime.datetime
    attempts: list[Attempt]

    @property
    def in_progress(self) -> Attempt | None:
        return next((a for a in self.attempts if a.state == AttemptState.IN_PROGRESS), None)

    @property
    def latest(self) -> Attempt | None:
        return self.attempts[-1] if self.attempts else None

    @property
    def submitted(self) -> list[Attempt]:
        return [a for a in self.attempts if a.state != AttemptState.IN_PROGRESS]

    @property
    def done(self) -> bool:
        """Submitted and not returned: a returned attempt leaves the role-play to do again."""
        return any(a.state in ROLEPLAY_DONE_STATES for a in self.attempts)

    @property
    def returned(self) -> bool:
        latest = self.latest
        return latest is not None and latest.state == AttemptState.RETURNED

    def progress_status(self, now: datetime.datetime) -> str:
        """done | overdue | due | locked"""
        return item_status(due_at=self.due_at, unlocked=self.unlocked, done=self.done, now=now)

    @property
    def best_percent(self) -> int | None:
        return max((a.prescore_percent for a in self.submitted if a.prescore_percent is not None), default=None)

    @property
    def status(self) -> str:
        latest = self.latest
        return latest.get_state_display() if latest else "Not started"

    @property
    def attempts_left(self) -> int | None:
        limit = self.scenario.max_attempts
        used = sum(a.state != AttemptState.RETURNED for a in self.attempts)
        return None if limit is None else max(0, limit - used)

    @property
    def can_start(self) -> bool:
        return self.in_progress is None and (self.attempts_left is None or self.attempts_left > 0)


def scenario_standings(
    *, enrollment: Enrollment, week_number: int | None = None, now: datetime.datetime | None = None
) -> list[ScenarioStanding]:
    """Every scenario of the hire's curriculum (or one week), with their attempts: two queries."""
    now = now or timezone.now()
    schedule = schedule_for(enrollment, now)
    scenarios = Scenario.objects.select_related("week").filter(curriculum_id=enrollment.cohort.curriculum_id)
    if week_number is not None:
        scenarios = scenarios.filter(week__number=week_number)
    attempts_by_scenario: dict[int, list[Attempt]] = {}
    for attempt in Attempt.objects.filter(enrollment=enrollment).order_by("number").defer("prescore"):
        attempts_by_scenario.setdefault(attempt.scenario_id, []).append(attempt)
    return [
        ScenarioStanding(
            scenario=scenario,
            unlocked=schedule.is_unlocked(scenario.week.number, now),
            due_at=schedule.due_at(scenario.week.number, scenario.due_day),
            attempts=attempts_by_scenario.get(scenario.pk, []),
        )
        for scenario in scenarios.order_by("week__number", "position", "id")
    ]


@dataclass(frozen=True)
class Segment:
    text: str
    effect: str | None = None  # "earned" | "cost" | None
    notes: str = ""


def highlight_segments(answer: str, evidence: list[dict]) -> list[Segment]:
    """Split an answer into plain and highlighted pieces from the scorer's evidence.

    Overlapping evidence is merged into one highlight; a span that cost points wins over
    one that earned them, so a hire sees what to change.
    """
    spans = sorted(
        (e["start"], e["end"], e["effect"], _named_note(e))
        for e in evidence
        if 0 <= e["start"] < e["end"] <= len(answer)
    )
    merged: list[list] = []
    for start, end, effect, note in spans:
        if merged and start < merged[-1][1]:
            last = merged[-1]
            last[1] = max(last[1], end)
            last[2] = "cost" if "cost" in (last[2], effect) else "earned"
            last[3].append(note)
        else:
            merged.append([start, end, effect, [note]])
    segments, position = [], 0
    for start, end, effect, notes in merged:
        if start > position:
            segments.append(Segment(answer[position:start]))
        segments.append(Segment(answer[start:end], effect, "; ".join(notes)))
        position = end
    if position < len(answer):
        segments.append(Segment(answer[position:]))
    return segments


def _named_note(evidence: dict) -> str:
    """Notes name their criterion ("Tone: ..."); pre-scores made before they did get the key in front."""
    note = evidence["note"]
    return note if ": " in note[:24] else f"{evidence['criterion']}: {note}"


def attempt_integrity_flags(attempt: Attempt) -> list[dict]:
    """The attempt's integrity flags ({code, reason, guidance, turn}), each with its title."""
    flags = (attempt.prescore or {}).get("flags") or []
    return [{**flag, "title": FLAG_TITLES.get(flag.get("code"), "Needs a coach's eye")} for flag in flags]


def scorer_versions_overview() -> dict:
    """Every stored version of the pre-scorer with its figures and history, newest first, and the live one."""
    from courses.models import ScorerVersion, ScorerVersionEvent
    from courses.scoring.live import live_version

    versions = list(ScorerVersion.objects.defer("model").order_by("-trained_at", "-id"))
    events = ScorerVersionEvent.objects.select_related("version", "actor").order_by("-at", "-id")[:50]
    live = live_version()[0]
    keys = sorted({key for version in versions for key in version.heldout}, key=_criterion_order)
    for version in versions:
        version.figures = [(key, version.heldout.get(key)) for key in keys]
    # Column headings by criterion title, from the newest rubric version that names each key.
    criteria = list(Criterion.objects.filter(key__in=keys).order_by("-rubric_version_id"))
    headings = [criterion_name(criteria, key) for key in keys]
    return {"versions": versions, "events": events, "live": live, "keys": keys, "headings": headings}


def _criterion_order(key: str) -> tuple[int, str]:
    from courses.scoring.base import CRITERIA

    return (CRITERIA.index(key) if key in CRITERIA else len(CRITERIA), key)


def turn_evidence(prescore: dict | None) -> list[dict]:
    if not prescore:
        return []
    return [
        {**evidence, "criterion": criterion["key"]}
        for criterion in prescore.get("criteria", [])
        for evidence in criterion.get("evidence", [])
    ]


@dataclass
class CriterionBreakdown:
    criterion: Criterion
    level: int | None
    descriptor: str
    summaries: list[str]


def attempt_breakdown(*, attempt: Attempt) -> list[CriterionBreakdown]:
    """The attempt's pre-score per criterion of the rubric version it was made with."""
    levels = (attempt.prescore or {}).get("levels", {})
    summaries: dict[str, list[str]] = {}
    for turn in attempt.turns.all():
        for criterion in (turn.prescore or {}).get("criteria", []):
            if criterion.get("summary"):
                summaries.setdefault(criterion["key"], []).append(f"Turn {turn.number}: {criterion['summary']}")
    rows = []
    for criterion in attempt.rubric_version.criteria.all():
        level = levels.get(criterion.key)
        descriptor = criterion.level_descriptors[level] if level is not None else "Scored by your coach."
        rows.append(CriterionBreakdown(criterion, level, descriptor, summaries.get(criterion.key, [])))
    return rows


ENDING_EVENTS = (EnrollmentEventKind.GRADUATED, EnrollmentEventKind.LEFT_WITH_OFFER, EnrollmentEventKind.WITHDRAWN)


def enrollment_ended_at(*, enrollment: Enrollment) -> datetime.datetime | None:
    """When a finished enrollment ended (graduated, left with the offer, withdrawn); None while it runs."""
    if enrollment.status in RUNNING_STATUSES:
        return None
    event = enrollment.events.filter(kind__in=ENDING_EVENTS).order_by("-created_at", "-id").first()
    return event.created_at if event else None


# --- Excused items ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ExcusableItem:
    item: DueItem
    done: bool
    excusal: ItemExcusal | None  # the standing one

    @property
    def value(self) -> str:
        return f"{self.item.kind}:{self.item.id}"


def enrollment_excusals(*, enrollment: Enrollment) -> tuple[list[ExcusableItem], list[ItemExcusal]]:
    """The hire's curriculum items with what is done and excused, and every excusal ever made
    (newest first, revoked ones too): seven queries."""
    marks = item_marks(enrollment_ids=[enrollment.pk])
    done = marks.done.get(enrollment.pk, set())
    history = list(ItemExcusal.objects.filter(enrollment=enrollment).select_related("excused_by", "revoked_by"))
    standing = {excusal.key: excusal for excusal in history if excusal.revoked_at is None}
    items = curriculum_due_items(curriculum_id=enrollment.cohort.curriculum_id)
    items.sort(key=lambda i: (i.week, i.due_day, ("lesson", "check", "roleplay").index(i.kind), i.id))
    return [ExcusableItem(item, item.key in done, standing.get(item.key)) for item in items], history
