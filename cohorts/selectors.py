"""Reads for cohort management: the cohort list and the cohort dashboard.

The dashboard reads each kind of record for the whole cohort in one query and works out
every hire's standing in Python, so it costs the same number of queries for ten hires as
for five hundred. What only a hire's own events change (their marks, scores, last activity,
unread feedback) comes from the cache (courses.caching), read again only for hires with events
since.
"""

import datetime
import statistics
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Role, User
from checkpoint.selectors import State as CheckpointState
from checkpoint.selectors import checkpoint_outcome_counts, cohort_overview
from coaching.charts import Point
from coaching.models import CallReview, Feedback, Grade
from common.versioned_cache import cached_many
from courses import caching, progress
from courses import selectors as course_selectors
from courses.levels import LEVEL_MAX
from courses.models import (
    RUNNING_STATUSES,
    Attempt,
    AttemptState,
    CheckAttempt,
    Cohort,
    Criterion,
    Enrollment,
    EnrollmentStatus,
    LessonCompletion,
)
from courses.pacing import Schedule, schedule_for
from courses.trends import FALLING, NO_DATA, RISING, STEADY, trend_direction

INACTIVE_DAYS = 5  # no lesson, check or role-play for this long
UNACKNOWLEDGED_DAYS = 3  # feedback left unread for this long
LOW_AVERAGE = 1.5  # of 3: below this, scores are low

CELL_LABELS = progress.STATUS_LABELS
# A week's state is never "excused" (that is an item's): its cell counts excused items instead.
CELL_STATES = tuple(state for state in CELL_LABELS if state != progress.EXCUSED)


def cohort_list(*, user, archived: bool = False) -> QuerySet[Cohort]:
    """Cohorts with their head counts, current ones or the archive, in one query."""
    cohorts = course_selectors.cohort_list(user=user)
    return cohorts.filter(archived_at__isnull=not archived)


def cohort_detail(*, user, pk: int) -> Cohort:
    """One cohort (current or archived) with head counts and its coaches."""
    return get_object_or_404(course_selectors.cohort_list(user=user).prefetch_related("coaches"), pk=pk)


def coaches_available() -> QuerySet[User]:
    return User.objects.filter(role=Role.COACH, is_active=True).order_by("display_name")


def cohort_enrollments(*, cohort: Cohort) -> QuerySet[Enrollment]:
    return cohort.enrollments.select_related("hire").order_by("hire__display_name", "hire__email")


def move_targets(*, enrollment: Enrollment) -> QuerySet[Cohort]:
    """Cohorts this hire can move to: same curriculum version, not archived."""
    return (
        Cohort.objects.filter(curriculum_id=enrollment.cohort.curriculum_id, archived_at__isnull=True)
        .exclude(pk=enrollment.cohort_id)
        .order_by("-start_date", "name")
    )


# --- The dashboard ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    week: int
    state: str  # done | due | overdue | locked
    done: int  # done or excused
    total: int
    excused: int = 0

    @property
    def label(self) -> str:
        return CELL_LABELS[self.state]

    @property
    def count(self) -> str:
        excused = f" ({self.excused} excused)" if self.excused else ""
        return f"{self.done}/{self.total}{excused}"


ARROWS = {RISING: ("↑", "trend-up"), FALLING: ("↓", "trend-down"), STEADY: ("→", "")}


@dataclass(frozen=True)
class ScoreCell:
    text: str
    direction: str
    arrow: str
    css: str

    @classmethod
    def of(cls, value: float | None, direction: str) -> "ScoreCell":
        arrow, css = ARROWS.get(direction, ("", ""))
        return cls("—" if value is None else f"{value:.1f}", direction, arrow, css)


@dataclass
class HireStanding:
    enrollment: Enrollment
    cells: list[Cell] = field(default_factory=list)
    done: int = 0
    total: int = 0
    overdue: int = 0
    current_week: int = 0
    last_active: datetime.datetime | None = None
    averages: dict[str, float | None] = field(default_factory=dict)
    directions: dict[str, str] = field(default_factory=dict)
    average: float | None = None
    direction: str = NO_DATA
    scored: int = 0
    first_scores: float | None = None
    latest_scores: float | None = None
    unacknowledged: int = 0
    oldest_unacknowledged: datetime.datetime | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def hire(self) -> User:
        return self.enrollment.hire

    @property
    def score_cells(self) -> list["ScoreCell"]:
        """Average and trend per criterion, in the dashboard's criterion order, then overall."""
        cells = [ScoreCell.of(self.averages.get(key), self.directions.get(key, NO_DATA)) for key in self.averages]
        return [*cells, ScoreCell.of(self.average, self.direction)]

    @property
    def percent(self) -> int:
        return self.done * 100 // self.total if self.total else 0

    @property
    def is_running(self) -> bool:
        return self.enrollment.status in RUNNING_STATUSES


@dataclass(frozen=True)
class CoachingHealth:
    queue_size: int
    overdue: int
    oldest_submitted_at: datetime.datetime | None
    median_hours_to_grade: float | None
    graded: int
    coaches: list[User]


@dataclass
class Dashboard:
    cohort: Cohort
    now: datetime.datetime
    weeks: list[tuple[int, str]]
    criteria: list[tuple[str, str]]  # key, title
    hires: list[HireStanding]
    week_counts: list[dict[str, int]]  # per week: state -> running hires
    criterion_averages: dict[str, float | None]
    trend: dict[str, list[Point]]  # criterion title -> cohort average per training week
    health: CoachingHealth

    @property
    def criterion_rows(self) -> list[tuple[str, float | None]]:
        return [(title, self.criterion_averages.get(key)) for key, title in self.criteria]

    checkpoint_counts: dict[str, int] = field(default_factory=dict)  # outcome key -> hires

    @property
    def checkpoint_rows(self) -> list[tuple[str, int]]:
        return [(CheckpointState.LABELS[key], count) for key, count in self.checkpoint_counts.items()]

    @property
    def at_risk(self) -> list[HireStanding]:
        flagged = [h for h in self.hires if h.reasons]
        return sorted(flagged, key=lambda h: (-len(h.reasons), -h.overdue, h.hire.display_name))

    @property
    def scored_hires(self) -> int:
        return sum(1 for h in self.hires if h.scored)

    @property
    def running(self) -> list[HireStanding]:
        return [h for h in self.hires if h.is_running]

    @property
    def current_week(self) -> int:
        schedule = Schedule(self.cohort.start_date, zoneinfo.ZoneInfo(self.cohort.time_zone), 0)
        return schedule.current_week(self.now)

    def status_counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for hire in self.hires:
            counts[hire.enrollment.get_status_display()] += 1
        return dict(counts)


def _hire_facts(enrollment_ids: list[int]) -> dict[int, dict]:
    """Per hire, what the dashboard reads that only the hire's own events change: when they were last active,
    their scores (released grades and call reviews, by when the work was done, oldest first), the hours each of
    their graded role-plays waited for its grade, and the feedback they have not acknowledged."""
    facts = {
        pk: {"last_active": None, "scores": [], "hours_to_grade": [], "unread": 0, "oldest_unread": None}
        for pk in enrollment_ids
    }

    def active(enrollment_id: int, when: datetime.datetime | None) -> None:
        found = facts[enrollment_id]
        if when is not None and (found["last_active"] is None or when > found["last_active"]):
            found["last_active"] = when

    mine = Q(enrollment_id__in=enrollment_ids)
    for row in LessonCompletion.objects.filter(mine).values("enrollment_id").annotate(last=Max("completed_at")):
        active(row["enrollment_id"], row["last"])
    for row in CheckAttempt.objects.filter(mine).values("enrollment_id").annotate(last=Max("submitted_at")):
        active(row["enrollment_id"], row["last"])
    for row in (
        Attempt.objects.filter(mine)
        .values("enrollment_id")
        .annotate(started=Max("started_at"), last=Max("submitted_at"))
    ):
        active(row["enrollment_id"], row["started"])
        active(row["enrollment_id"], row["last"])
    for enrollment_id, levels, released_at, submitted_at in Grade.objects.filter(
        attempt__enrollment_id__in=enrollment_ids, outcome=Grade.Outcome.RELEASED
    ).values_list("attempt__enrollment_id", "levels", "released_at", "attempt__submitted_at"):
        if levels:
            facts[enrollment_id]["scores"].append((submitted_at or released_at, levels))
        if released_at and submitted_at:
            facts[enrollment_id]["hours_to_grade"].append((released_at - submitted_at).total_seconds() / 3600)
    for enrollment_id, levels, call_at in CallReview.objects.filter(mine).values_list(
        "enrollment_id", "levels", "call_at"
    ):
        if levels:
            facts[enrollment_id]["scores"].append((call_at, levels))
    for row in (
        Feedback.objects.filter(mine, acknowledged_at__isnull=True)
        .values("enrollment_id")
        .annotate(n=Count("id"), oldest=Min("released_at"))
    ):
        facts[row["enrollment_id"]].update(unread=row["n"], oldest_unread=row["oldest"])
    for found in facts.values():
        found["scores"].sort(key=lambda pair: pair[0])
    return facts


def _criteria(curriculum_id: int) -> list[tuple[str, str]]:
    """The criteria of the rubric the curriculum's role-plays use, newest version's titles first."""
    seen: dict[str, str] = {}
    for key, title in (
        Criterion.objects.filter(rubric_version__rubric__scenarios__curriculum_id=curriculum_id)
        .order_by("-rubric_version__number", "position")
        .values_list("key", "title")
        .distinct()
    ):
        seen.setdefault(key, title)
    return list(seen.items())


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def cohort_dashboard(*, cohort: Cohort, now: datetime.datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    zone = zoneinfo.ZoneInfo(cohort.time_zone)
    enrollments = list(cohort_enrollments(cohort=cohort))
    outline = caching.curriculum_outline(curriculum_id=cohort.curriculum_id)
    weeks = [(week["number"], week["title"]) for week in outline["weeks"]]
    facts = cached_many(caching.ENROLLMENT, [enrollment.pk for enrollment in enrollments], "dashboard", _hire_facts)
    last_active = {pk: found["last_active"] for pk, found in facts.items() if found["last_active"]}
    # Scores: released grades and call reviews, in the order the hire did the work (see courses.trends).
    scores = {pk: found["scores"] for pk, found in facts.items() if found["scores"]}
    hours_to_grade = [hours for found in facts.values() for hours in found["hours_to_grade"]]
    criteria = _criteria(cohort.curriculum_id)
    keys = [key for key, _ in criteria]
    for series in scores.values():
        for _, levels in series:
            for key in levels:
                if key not in keys:
                    keys.append(key)
                    criteria.append((key, key.replace("_", " ").capitalize()))

    queue = Attempt.objects.filter(enrollment__cohort_id=cohort.pk, state=AttemptState.AWAITING_COACH).aggregate(
        total=Count("id"), overdue=Count("id", filter=Q(grading_due_at__lt=now)), oldest=Min("submitted_at")
    )
    health = CoachingHealth(
        queue_size=queue["total"],
        overdue=queue["overdue"],
        oldest_submitted_at=queue["oldest"],
        median_hours_to_grade=round(statistics.median(hours_to_grade), 1) if hours_to_grade else None,
        graded=len(hours_to_grade),
        coaches=list(cohort.coaches.order_by("display_name")),
    )

    for enrollment in enrollments:
        enrollment.cohort = cohort  # already read: spare the template a query per hire
    summaries = progress.progress_summaries(enrollments=enrollments, now=now)
    hires: list[HireStanding] = []
    week_counts = [dict.fromkeys(CELL_STATES, 0) for _ in weeks]
    week_index = {number: index for index, (number, _) in enumerate(weeks)}
    for enrollment in enrollments:
        schedule = schedule_for(enrollment, now)
        summary = summaries[enrollment.pk]
        standing = HireStanding(enrollment=enrollment, current_week=summary.current_week, done=summary.done,
                                total=summary.total, overdue=summary.overdue)  # fmt: skip
        for week in summary.weeks:
            standing.cells.append(Cell(week.number, week.status, week.done, week.total, week.excused))
            if standing.is_running and week.number in week_index:
                week_counts[week_index[week.number]][week.status] += 1
        standing.last_active = last_active.get(enrollment.pk)
        _scores(standing, scores.get(enrollment.pk, []), keys)
        standing.unacknowledged = facts[enrollment.pk]["unread"]
        standing.oldest_unacknowledged = facts[enrollment.pk]["oldest_unread"]
        if enrollment.status == EnrollmentStatus.ACTIVE:
            standing.reasons = _risk_reasons(standing, schedule, now)
        hires.append(standing)
    hires.sort(key=lambda h: (not h.is_running, h.hire.display_name.lower(), h.hire.email))

    criterion_averages = {
        key: _mean([levels[key] for series in scores.values() for _, levels in series if key in levels]) for key in keys
    }
    return Dashboard(
        cohort=cohort, now=now, weeks=weeks, criteria=criteria, hires=hires, week_counts=week_counts,
        criterion_averages=criterion_averages, trend=_cohort_trend(cohort, zone, scores, criteria), health=health,
        checkpoint_counts=checkpoint_outcome_counts(cohort_ids=[cohort.pk], now=now)[cohort.pk],
    )  # fmt: skip


def checkpoint_rows(*, cohort: Cohort, now: datetime.datetime | None = None) -> list:
    """Each hire's checkpoint, in the dashboard's order (those still training first, then by name)."""
    rows = cohort_overview(cohort=cohort, now=now).rows
    return sorted(rows, key=_dashboard_order)


def _dashboard_order(row) -> tuple:
    hire = row.enrollment.hire
    return row.enrollment.status not in RUNNING_STATUSES, hire.display_name.lower(), hire.email


def _scores(standing: HireStanding, series: list[tuple[datetime.datetime, dict]], keys: list[str]) -> None:
    standing.scored = len(series)
    for key in keys:
        levels = [levels[key] for _, levels in series if key in levels]
        standing.averages[key] = _mean(levels)
        standing.directions[key] = _direction(levels)
    per_entry = [sum(levels.values()) / len(levels) for _, levels in series]
    standing.average = _mean([level for _, levels in series for level in levels.values()])
    standing.direction = _direction(per_entry)
    if per_entry:
        window = max(1, min(2, len(per_entry) // 2))
        standing.first_scores = _mean(per_entry[:window])
        standing.latest_scores = _mean(per_entry[-window:])


def _direction(levels: list[float]) -> str:
    """Levels already in time order, oldest first, read by the one trend rule."""
    return trend_direction(levels)


def _risk_reasons(standing: HireStanding, schedule: Schedule, now: datetime.datetime) -> list[str]:
    reasons = []
    if standing.overdue:
        reasons.append(f"Behind schedule: {standing.overdue} item{'s' if standing.overdue > 1 else ''} overdue")
    if standing.average is not None and standing.average < LOW_AVERAGE:
        reasons.append(f"Low scores: average {standing.average:.1f} of {LEVEL_MAX}")
    elif standing.direction == FALLING:
        first, latest = standing.first_scores, standing.latest_scores
        reasons.append(f"Falling scores: from {first:.1f} to {latest:.1f} of {LEVEL_MAX}")
    if standing.oldest_unacknowledged and now - standing.oldest_unacknowledged > datetime.timedelta(
        days=UNACKNOWLEDGED_DAYS
    ):
        days = (now - standing.oldest_unacknowledged).days
        count = standing.unacknowledged
        reasons.append(f"Feedback not acknowledged: {count} piece{'s' if count > 1 else ''}, oldest {days} days")
    started = schedule.week_unlocks_at(1)
    if now >= started + datetime.timedelta(days=INACTIVE_DAYS):
        if standing.last_active is None:
            reasons.append(f"Inactive: nothing done in the {(now - started).days} days since training began")
        elif now - standing.last_active > datetime.timedelta(days=INACTIVE_DAYS):
            reasons.append(f"Inactive for {(now - standing.last_active).days} days")
    return reasons


def _cohort_trend(cohort: Cohort, zone, scores: dict, criteria: list[tuple[str, str]]) -> dict[str, list[Point]]:
    """The cohort's average level per criterion, per training week (by the cohort's calendar)."""
    by_week: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for series in scores.values():
        for when, levels in series:
            week = min(6, max(1, (when.astimezone(zone).date() - cohort.start_date).days // 7 + 1))
            for key, level in levels.items():
                by_week[week][key].append(level)
    weeks = sorted(by_week)
    return {title: [Point(f"Week {week}", _mean(by_week[week].get(key, []))) for week in weeks]
            for key, title in criteria}  # fmt: skip
