"""Time to proficiency: how many days a hire takes to reach a sustained "genuine" (level 2) on each criterion.

The evidence, per hire and criterion, is every scored moment on the rubric, oldest first, read the way
coaching.transfer reads them: released grades of graded role-plays, at the time the hire submitted the attempt
(a grade held for a blind second mark, a draft or a returned attempt does not count), and real calls (call
reviews and nesting observations) at the time of the call. On the same instant a role-play comes before a call.

Proficiency is sustained level 2: PROFICIENCY_RUN consecutive scores on that criterion at 2 or above, of either
kind. The hire is proficient from the first score of the first such run; a lone 2 with nothing after it is not
yet sustained, and a 1 breaks a run.

Days to proficiency are the calendar days, in the cohort's time zone, from the hire's own start to the day of
that first score. The hire's start is the one courses.pacing uses for week 1: the cohort's start date moved by
the hire's extension days (a finished pause is added to them when the hire resumes). A pause still running is
left out, so the figure does not move every day the hire is away. A score before that start counts as day 0.

Per cohort and criterion: the hires counted (every enrollment but withdrawn ones), how many reached
proficiency, and the median and mean days of those who did; the rest are "not yet". Per coach, the same figures
over the hires attributed to them: the coach who gave most of a hire's scored moments (grades and call reviews);
on a tie, the tied coach whose first scored moment for the hire came earliest. Hires with no scored moment are
under "no coach yet".

Everything is read for the whole cohort in a fixed number of queries, whatever the number of hires.
"""

import datetime
import statistics
import zoneinfo
from dataclasses import dataclass, field

from accounts.models import User
from coaching.transfer import real_call_reviews, released_role_play_grades, rubric_criteria
from cohorts.charts import Bar, bars_svg
from courses.levels import as_level
from courses.models import Cohort, Enrollment, EnrollmentStatus
from courses.moments import local

PROFICIENCY_RUN = 2  # consecutive scores at level 2 or above that make it sustained
PROFICIENT_LEVEL = 2  # "genuine" (courses.levels.LEVEL_NAMES)
NO_COACH_YET = "No coach yet"

_ROLE_PLAY, _REAL_CALL = 0, 1  # a role-play comes before a call on the same instant


@dataclass(frozen=True)
class CriterionProficiency:
    key: str
    title: str
    hires: int
    reached: int
    median_days: float | None
    mean_days: float | None

    @property
    def not_yet(self) -> int:
        return self.hires - self.reached

    @property
    def cell(self) -> str:
        """ "12 d (3/5)": the median days, then how many of the hires reached it; "—" for the median when none did."""
        median = "—" if self.median_days is None else f"{_days_text(self.median_days)} d"
        return f"{median} ({self.reached}/{self.hires})"


@dataclass
class CoachProficiency:
    coach: User | None
    hires: int
    criteria: list[CriterionProficiency]

    @property
    def name(self) -> str:
        return NO_COACH_YET if self.coach is None else str(self.coach)


@dataclass
class HireProficiency:
    enrollment: Enrollment
    coach: User | None
    days: dict[str, int | None] = field(default_factory=dict)  # in the criteria's order


@dataclass
class CohortProficiency:
    cohort: Cohort
    criteria: list[CriterionProficiency]
    coaches: list[CoachProficiency]
    hires: list[HireProficiency]

    @property
    def reached_any(self) -> bool:
        return any(row.reached for row in self.criteria)

    @property
    def run(self) -> int:
        return PROFICIENCY_RUN

    @property
    def chart(self) -> str:
        return median_days_chart(self)


@dataclass(frozen=True)
class _Moment:
    when: datetime.datetime
    kind: int
    pk: int
    coach_id: int
    levels: dict

    @property
    def order(self) -> tuple:
        return (self.when, self.kind, self.pk)


# --- The rules, as pure functions ----------------------------------------------------------------------------


def first_sustained(levels: list[tuple[datetime.datetime, int]], *, run: int = PROFICIENCY_RUN):
    """The moment of the first score of the first run of `run` consecutive levels at 2 or above, or None."""
    streak_start, streak = None, 0
    for when, level in levels:
        if level >= PROFICIENT_LEVEL:
            streak_start = when if streak == 0 else streak_start
            streak += 1
            if streak >= run:
                return streak_start
        else:
            streak_start, streak = None, 0
    return None


def hire_start(enrollment: Enrollment, cohort: Cohort) -> datetime.date:
    """The day the hire's own week 1 opened, as pacing has it, without a pause still running."""
    return cohort.start_date + datetime.timedelta(days=enrollment.extension_days)


def attributed_coach_id(moments: list[_Moment]) -> int | None:
    """The coach of most of the moments; on a tie, the tied coach whose first moment came earliest."""
    if not moments:
        return None
    counts: dict[int, int] = {}
    first: dict[int, tuple] = {}
    for moment in moments:
        counts[moment.coach_id] = counts.get(moment.coach_id, 0) + 1
        first[moment.coach_id] = min(first.get(moment.coach_id, moment.order), moment.order)
    most = max(counts.values())
    return min((coach_id for coach_id, count in counts.items() if count == most), key=lambda c: first[c])


def criterion_figure(key: str, title: str, days: list[int | None]) -> CriterionProficiency:
    """The figures of one criterion over some hires: None in `days` is a hire who has not reached it yet."""
    reached = [value for value in days if value is not None]
    return CriterionProficiency(
        key=key,
        title=title,
        hires=len(days),
        reached=len(reached),
        median_days=float(statistics.median(reached)) if reached else None,
        mean_days=statistics.fmean(reached) if reached else None,
    )


def _days_text(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


# --- Reading -------------------------------------------------------------------------------------------------


def _moments(enrollment_ids: list[int]) -> dict[int, list[_Moment]]:
    """enrollment id → scored moments, oldest first: one query per kind."""
    found: dict[int, list[_Moment]] = {}
    grades = released_role_play_grades(enrollment_ids).values_list(
        "pk", "attempt__enrollment_id", "coach_id", "levels", "attempt__submitted_at", "released_at"
    )
    for pk, enrollment_id, coach_id, levels, submitted_at, released_at in grades:
        found.setdefault(enrollment_id, []).append(
            _Moment(submitted_at or released_at, _ROLE_PLAY, pk, coach_id, levels or {})
        )
    calls = real_call_reviews(enrollment_ids).values_list("pk", "enrollment_id", "coach_id", "levels", "call_at")
    for pk, enrollment_id, coach_id, levels, call_at in calls:
        found.setdefault(enrollment_id, []).append(_Moment(call_at, _REAL_CALL, pk, coach_id, levels or {}))
    for moments in found.values():
        moments.sort(key=lambda moment: moment.order)
    return found


def _hire_days(
    moments: list[_Moment], keys: list[str], start: datetime.date, zone: zoneinfo.ZoneInfo
) -> dict[str, int | None]:
    days: dict[str, int | None] = {}
    for key in keys:
        levels = [(m.when, level) for m in moments if (level := as_level(m.levels.get(key))) is not None]
        proficient_at = first_sustained(levels)
        days[key] = None if proficient_at is None else max(0, (local(proficient_at, zone).date() - start).days)
    return days


def proficiency_for_cohort(*, cohort: Cohort) -> CohortProficiency:
    """Days to sustained level 2 per hire and criterion, and the cohort's and each coach's figures: five queries,
    for ten hires as for five hundred."""
    enrollments = list(
        Enrollment.objects.filter(cohort=cohort)
        .exclude(status=EnrollmentStatus.WITHDRAWN)
        .select_related("hire")
        .order_by("hire__display_name", "hire__email")
    )
    criteria = rubric_criteria({cohort.curriculum_id})
    keys = [key for key, _ in criteria]
    moments = _moments([enrollment.pk for enrollment in enrollments])
    coach_ids = {enrollment.pk: attributed_coach_id(moments.get(enrollment.pk, [])) for enrollment in enrollments}
    coaches = User.objects.in_bulk({coach_id for coach_id in coach_ids.values() if coach_id is not None})
    zone = zoneinfo.ZoneInfo(cohort.time_zone)
    hires = [
        HireProficiency(
            enrollment=enrollment,
            coach=coaches.get(coach_ids[enrollment.pk]),
            days=_hire_days(moments.get(enrollment.pk, []), keys, hire_start(enrollment, cohort), zone),
        )
        for enrollment in enrollments
    ]
    return CohortProficiency(
        cohort=cohort,
        criteria=_figures(criteria, hires),
        coaches=_coach_figures(criteria, hires),
        hires=hires,
    )


def _figures(criteria: list[tuple[str, str]], hires: list[HireProficiency]) -> list[CriterionProficiency]:
    return [criterion_figure(key, title, [hire.days[key] for hire in hires]) for key, title in criteria]


def _coach_figures(criteria: list[tuple[str, str]], hires: list[HireProficiency]) -> list[CoachProficiency]:
    """One row per attributed coach, by name, and "no coach yet" last."""
    groups: dict[int | None, list[HireProficiency]] = {}
    for hire in hires:
        groups.setdefault(hire.coach.pk if hire.coach else None, []).append(hire)
    rows = [
        CoachProficiency(coach=group[0].coach, hires=len(group), criteria=_figures(criteria, group))
        for group in groups.values()
    ]
    return sorted(rows, key=_coach_order)


def _coach_order(row: CoachProficiency) -> tuple:
    return (1, "", "") if row.coach is None else (0, row.coach.display_name, row.coach.email)


# --- Chart -------------------------------------------------------------------------------------------------


def median_days_chart(proficiency: CohortProficiency) -> str:
    """A bar per criterion: the median days to sustained level 2 among the hires who reached it."""
    bars = [
        Bar(row.title, row.median_days, "not reached yet" if row.median_days is None else "")
        for row in proficiency.criteria
    ]
    longest = max((row.median_days or 0 for row in proficiency.criteria), default=0)
    title = "Median days to a sustained genuine (level 2), per criterion"
    return bars_svg(bars, title=title, maximum=max(longest, 1.0), unit=" days")


__all__ = [
    "PROFICIENCY_RUN",
    "CoachProficiency",
    "CohortProficiency",
    "CriterionProficiency",
    "HireProficiency",
    "attributed_coach_id",
    "first_sustained",
    "median_days_chart",
    "proficiency_for_cohort",
]
