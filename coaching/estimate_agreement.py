"""How well the automatic estimate agrees with the coaches' released grades.

For each rubric criterion the estimate made at submission (`Attempt.prescore["levels"]`) is set beside
the level the coach released. Agreement is the quadratic-weighted kappa (1 perfect, 0 chance) and the
share of exact matches, over the most recent released grades (a rolling window), overall, per cohort
and per scorer version. A grade overrides the estimate when the coach released a different level on
any criterion the estimate scored. Held grades (awaiting a second mark) are not released and do not count.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from accounts import permissions
from coaching.models import Grade
from courses.levels import as_level
from courses.models import Cohort, Criterion
from courses.scoring.qwk import quadratic_weighted_kappa
from courses.selectors import cohorts_visible

ROLLING_WINDOW = 200  # the most recent released grades each figure is computed over
TREND_WEEKS = 12
TREND_SPAN = datetime.timedelta(days=28)  # each weekly point looks back this far
DOUBT_MIN_GRADES = 5  # fewer released grades than this on a scenario tell nothing about its estimate
DOUBT_OVERRIDE_RATE = 0.5  # coaches changed the estimate on at least half of them


@dataclass(frozen=True)
class GradedEstimate:
    """One released grade beside the estimate of the same attempt."""

    released_at: datetime.datetime
    cohort_id: int
    scenario_id: int
    scorer: str
    pairs: dict[str, tuple[int, int]]  # criterion key → (estimate level, coach level)

    @property
    def overridden(self) -> bool:
        return any(estimate != coach for estimate, coach in self.pairs.values())


@dataclass(frozen=True)
class CriterionFigure:
    key: str
    title: str
    n: int
    qwk: float | None
    exact: float | None

    @property
    def override_rate(self) -> float | None:
        return None if self.exact is None else 1 - self.exact


@dataclass(frozen=True)
class EstimateFigures:
    label: str
    grades: int
    override_rate: float | None
    criteria: list[CriterionFigure]


@dataclass(frozen=True)
class TrendPoint:
    week_ending: datetime.date
    qwk: dict[str, float | None]  # criterion key → kappa over the weeks before


@dataclass(frozen=True)
class EstimateReport:
    window: int
    overall: EstimateFigures
    by_cohort: list[EstimateFigures]
    by_scorer: list[EstimateFigures]
    trend: list[TrendPoint]
    criteria: dict[str, str]  # key → title, in rubric order


def graded_estimates(*, cohort_ids=None) -> list[GradedEstimate]:
    """Every released grade whose attempt carries an estimate, oldest first, in one query."""
    grades = Grade.objects.filter(outcome=Grade.Outcome.RELEASED, attempt__prescore__isnull=False)
    if cohort_ids is not None:
        grades = grades.filter(attempt__enrollment__cohort_id__in=cohort_ids)
    rows = grades.order_by("released_at", "id").values_list(
        "released_at", "levels", "attempt__prescore", "attempt__enrollment__cohort_id", "attempt__scenario_id"
    )
    found = []
    for released_at, levels, prescore, cohort_id, scenario_id in rows:
        estimate = (prescore or {}).get("levels") or {}
        pairs = {}
        for key, value in estimate.items():
            estimate_level, coach_level = as_level(value), as_level((levels or {}).get(key))
            if estimate_level is not None and coach_level is not None:
                pairs[key] = (estimate_level, coach_level)
        if pairs and released_at is not None:
            scorer = str(prescore.get("scorer") or "unknown")
            found.append(GradedEstimate(released_at, cohort_id, scenario_id, scorer, pairs))
    return found


def _figures(label: str, rows: list[GradedEstimate], criteria: dict[str, str], window: int) -> EstimateFigures:
    recent = rows[-window:]
    figures = []
    for key, title in criteria.items():
        pairs = [row.pairs[key] for row in recent if key in row.pairs]
        if not pairs:
            figures.append(CriterionFigure(key, title, 0, None, None))
            continue
        estimates, coaches = zip(*pairs, strict=True)
        exact = sum(e == c for e, c in pairs) / len(pairs)
        figures.append(CriterionFigure(key, title, len(pairs), quadratic_weighted_kappa(estimates, coaches), exact))
    override = sum(row.overridden for row in recent) / len(recent) if recent else None
    return EstimateFigures(label=label, grades=len(recent), override_rate=override, criteria=figures)


def _criteria_titles(rows: list[GradedEstimate]) -> dict[str, str]:
    keys = {key for row in rows for key in row.pairs}
    titles: dict[str, str] = {}
    for key, title in Criterion.objects.filter(key__in=keys).order_by("position", "-id").values_list("key", "title"):
        titles.setdefault(key, title)
    ordered = [key for key in titles if key in keys] + sorted(keys - set(titles))
    return {key: titles.get(key) or key.replace("_", " ").capitalize() for key in ordered}


def _trend(rows: list[GradedEstimate], criteria: dict[str, str], today: datetime.date) -> list[TrendPoint]:
    points = []
    for weeks_back in range(TREND_WEEKS - 1, -1, -1):
        end = today - datetime.timedelta(weeks=weeks_back)
        end_at = datetime.datetime.combine(end, datetime.time.max, tzinfo=datetime.UTC)
        inside = [row for row in rows if end_at - TREND_SPAN < row.released_at <= end_at]
        qwk = {}
        for key in criteria:
            pairs = [row.pairs[key] for row in inside if key in row.pairs]
            qwk[key] = quadratic_weighted_kappa(*zip(*pairs, strict=True)) if pairs else None
        points.append(TrendPoint(week_ending=end, qwk=qwk))
    return points


def estimate_report(*, cohort_ids=None, window: int = ROLLING_WINDOW, now: datetime.datetime | None = None):
    """The estimate against coaches: per criterion overall, per cohort and per scorer version, each over the
    most recent `window` released grades, and a weekly trend. Three queries whatever the number of grades."""
    now = now or timezone.now()
    rows = graded_estimates(cohort_ids=cohort_ids)
    criteria = _criteria_titles(rows)
    by_cohort, by_scorer = defaultdict(list), defaultdict(list)
    for row in rows:
        by_cohort[row.cohort_id].append(row)
        by_scorer[row.scorer].append(row)
    names = dict(Cohort.objects.filter(pk__in=by_cohort).values_list("pk", "name"))
    return EstimateReport(
        window=window,
        overall=_figures("All cohorts", rows, criteria, window),
        by_cohort=sorted(
            (_figures(names.get(pk, str(pk)), group, criteria, window) for pk, group in by_cohort.items()),
            key=lambda figures: figures.label,
        ),
        by_scorer=[_figures(scorer, group, criteria, window) for scorer, group in sorted(by_scorer.items())],
        trend=_trend(rows, criteria, timezone.localdate(now)),
        criteria=criteria,
    )


def estimate_override_rates(*, min_grades: int = DOUBT_MIN_GRADES) -> dict[tuple[int, str], float]:
    """(scenario, scorer version) → the share of its recent released grades where the coach changed the estimate,
    for scenarios with enough grades to tell."""
    groups = defaultdict(list)
    for row in graded_estimates():
        groups[(row.scenario_id, row.scorer)].append(row.overridden)
    return {
        group: sum(overrides[-ROLLING_WINDOW:]) / len(overrides[-ROLLING_WINDOW:])
        for group, overrides in groups.items()
        if len(overrides) >= min_grades
    }


def doubtful_estimates_q(rates: dict[tuple[int, str], float], *, threshold: float = DOUBT_OVERRIDE_RATE) -> Q:
    """Attempts whose estimate deserves a closer look: an integrity check flagged it, or coaches overrode the
    estimate of the same scenario and scorer version at least `threshold` of the time."""
    condition = Q(prescore_flagged=True)
    for (scenario_id, scorer), rate in rates.items():
        if rate >= threshold:
            condition |= Q(scenario_id=scenario_id, prescore__scorer=scorer)
    return condition


def estimate_cohort_choice(*, user, chosen: str) -> tuple[list[tuple[int, str]], int | None]:
    """The cohorts this person may filter by, and the chosen one if it is among them."""
    cohorts = list(cohorts_visible(user=user).order_by("name").values_list("pk", "name"))
    return cohorts, next((pk for pk, _ in cohorts if str(pk) == str(chosen).strip()), None)


def estimate_scope(user, chosen: int | None, cohorts: list) -> list[int] | None:
    """The cohorts the figures cover: the chosen one; else every cohort for an admin, a lead coach's own."""
    if chosen:
        return [chosen]
    return None if permissions.is_admin(user) else [pk for pk, _ in cohorts]
