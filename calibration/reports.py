"""Reads for the grading-quality reports: how far coaches agree with each other and with gold, over time.

Every figure comes from revealed sessions only (nothing is shown while coaches still grade blind) and
from the anchor items' gold levels. Each function reads in a fixed number of queries, whatever the
number of sessions, items or coaches; the arithmetic is in calibration.agreement.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from accounts import permissions
from accounts.models import User
from calibration.agreement import GoldAgreement, gold_agreement, ordinal_alpha
from calibration.models import CalibrationGrade, CalibrationSession, LeniencyAlert, Participant, SessionItem
from coaching.models import SecondMark
from courses.levels import criterion_name
from courses.models import Cohort, Criterion

DEFAULT_POOLED_SESSIONS = 5
MAX_POOLED_SESSIONS = 50
# Krippendorff's guidance: below 0.667 discard, 0.667–0.8 tentative conclusions only, 0.8 and above reliable.
ALPHA_TENTATIVE = 0.667
ALPHA_RELIABLE = 0.8
MODERATION_GAP = 2  # a gap this large on any criterion sends a second mark to a moderator


# --- Filters ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFilters:
    """What the reports are narrowed to: reveal dates (inclusive days), one coach, one cohort (second marks),
    and how many of the latest sessions the pooled alpha covers."""

    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    coach_id: int | None = None
    cohort_id: int | None = None
    last: int = DEFAULT_POOLED_SESSIONS

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> "ReportFilters":
        """Filters from a query string; a value that is not what it should be is refused with a clear message."""
        problems = []

        def day(name: str, label: str) -> datetime.date | None:
            value = (params.get(name) or "").strip()
            if not value:
                return None
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                problems.append(f"The {label} date must look like 2025-03-31.")
                return None

        def whole(name: str, label: str, *, low: int = 1, high: int = 2**31 - 1) -> int | None:
            value = (params.get(name) or "").strip()
            if not value:
                return None
            if not value.isdigit() or not low <= int(value) <= high:
                problems.append(f"The {label} must be a whole number from {low} to {high}.")
                return None
            return int(value)

        date_from, date_to = day("from", "from"), day("to", "to")
        coach_id, cohort_id = whole("coach", "coach"), whole("cohort", "cohort")
        last = whole("last", "number of sessions pooled", high=MAX_POOLED_SESSIONS)
        if date_from and date_to and date_from > date_to:
            problems.append("The from date must not be after the to date.")
        if problems:
            raise ValidationError(problems)
        return cls(date_from, date_to, coach_id, cohort_id, last or DEFAULT_POOLED_SESSIONS)

    def as_query(self) -> dict[str, str]:
        found = {
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "coach": str(self.coach_id or ""),
            "cohort": str(self.cohort_id or ""),
            "last": "" if self.last == DEFAULT_POOLED_SESSIONS else str(self.last),
        }
        return {name: value for name, value in found.items() if value}

    def moment_range(self, field_name: str) -> Q:
        """The date range on a datetime field, each day whole in the site's time zone."""
        found = Q()
        zone = timezone.get_current_timezone()
        if self.date_from:
            start = datetime.datetime.combine(self.date_from, datetime.time.min, tzinfo=zone)
            found &= Q(**{f"{field_name}__gte": start})
        if self.date_to:
            end = datetime.datetime.combine(self.date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
            found &= Q(**{f"{field_name}__lt": end})
        return found


@dataclass(frozen=True)
class FilterOptions:
    coaches: list[User]
    cohorts: list[Cohort]


def report_filter_options() -> FilterOptions:
    """Who can be picked in the filters: the coaches who took part in calibration, and the cohorts."""
    coach_ids = Participant.objects.values("coach_id")
    return FilterOptions(
        coaches=list(User.objects.filter(pk__in=coach_ids).order_by("display_name", "email")),
        cohorts=list(Cohort.objects.order_by("name")),
    )


# --- Who may see a coach's figures -------------------------------------------------------------------------


def may_see_coach_figures(user, coach) -> bool:
    """A coach sees their own figures; admins and lead coaches see everyone's."""
    return permissions.can_lead_grading_quality(user) or (permissions.can_grade(user) and user.pk == coach.pk)


def access_coach_for_figures(user, coach_id: int) -> User:
    """The grader whose figures are asked for; to anyone but themself (or an admin or lead coach) they do not exist."""
    if not permissions.can_grade(user):
        raise PermissionDenied
    coach = User.objects.filter(pk=coach_id).first()
    if coach is None or not permissions.can_grade(coach) or not may_see_coach_figures(user, coach):
        raise Http404
    return coach


# --- Loading revealed sessions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionTitle:
    key: str
    title: str


@dataclass
class _Loaded:
    sessions: list[CalibrationSession]
    items: dict[int, list[dict]]  # session id → its items (id, gold levels), in position order
    levels: dict[tuple[int, int], dict]  # (item id, coach id) → levels
    coach_ids: dict[int, list[int]]  # session id → the coaches who graded in it, sorted
    criteria: list[CriterionTitle]


def _load(*, kind: str, filters: ReportFilters, coach_id: int | None = None, only_that_coach: bool = False) -> _Loaded:
    """Revealed sessions of one kind in the date range (those `coach_id` took part in, when given), their
    items, grades and criteria: four queries."""
    sessions_query = CalibrationSession.objects.filter(
        filters.moment_range("revealed_at"), kind=kind, status=CalibrationSession.Status.REVEALED
    )
    if coach_id is not None:
        sessions_query = sessions_query.filter(participants__coach_id=coach_id)
    sessions = list(sessions_query.only("id", "title", "kind", "revealed_at").order_by("revealed_at", "id"))
    session_ids = [session.pk for session in sessions]
    items: dict[int, list[dict]] = defaultdict(list)
    versions = set()
    for row in (
        SessionItem.objects.filter(session_id__in=session_ids)
        .order_by("session_id", "position", "id")
        .values("id", "session_id", "anchor__gold_levels", "anchor__rubric_version_id")
    ):
        items[row["session_id"]].append({"id": row["id"], "gold": row["anchor__gold_levels"] or {}})
        versions.add(row["anchor__rubric_version_id"])
    grades = CalibrationGrade.objects.filter(item__session_id__in=session_ids)
    if only_that_coach and coach_id is not None:
        grades = grades.filter(coach_id=coach_id)
    levels, coach_ids = {}, defaultdict(set)
    for grade in grades.values("item_id", "item__session_id", "coach_id", "levels"):
        levels[(grade["item_id"], grade["coach_id"])] = grade["levels"] or {}
        coach_ids[grade["item__session_id"]].add(grade["coach_id"])
    return _Loaded(
        sessions=sessions,
        items=items,
        levels=levels,
        coach_ids={session_id: sorted(found) for session_id, found in coach_ids.items()},
        criteria=_criteria_of(versions),
    )


def _criteria_of(version_ids: Iterable[int]) -> list[CriterionTitle]:
    """The criteria of these rubric versions, each key once, in rubric order (one query)."""
    found: dict[str, str] = {}
    rows = Criterion.objects.filter(rubric_version_id__in=list(version_ids)).order_by("position", "rubric_version_id")
    for key, title in rows.values_list("key", "title"):
        found.setdefault(key, title)
    return [CriterionTitle(key, title) for key, title in found.items()]


def _titles_by_key(keys: Iterable[str]) -> dict[str, str]:
    """A criterion's title by key, as the newest rubric version words it (one query)."""
    keys = sorted(set(keys))
    found = dict(Criterion.objects.filter(key__in=keys).order_by("rubric_version_id").values_list("key", "title"))
    return {key: found.get(key) or criterion_name([], key) for key in keys}


def _level(levels: dict, key: str) -> int | None:
    value = levels.get(key)
    return None if value is None else int(value)


def _gold_pairs(loaded: _Loaded, session_id: int, coach_id: int, key: str) -> list[tuple[int, int]]:
    pairs = []
    for item in loaded.items.get(session_id, []):
        coach_level = _level(loaded.levels.get((item["id"], coach_id), {}), key)
        gold = _level(item["gold"], key)
        if coach_level is not None and gold is not None:
            pairs.append((coach_level, gold))
    return pairs


def _units(loaded: _Loaded, session_ids: list[int], key: str) -> list[list[int | None]]:
    """Reliability data for alpha: one row per coach, one column per session item (None where not graded)."""
    columns = [(session_id, item["id"]) for session_id in session_ids for item in loaded.items.get(session_id, [])]
    coaches = sorted({coach for session_id in session_ids for coach in loaded.coach_ids.get(session_id, [])})
    return [[_level(loaded.levels.get((item_id, coach), {}), key) for _, item_id in columns] for coach in coaches]


# --- The figures -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionFigures:
    session: CalibrationSession
    coaches: int  # coaches who graded in it
    alpha: dict[str, float | None]  # criterion key → ordinal alpha across its coaches
    with_gold: dict[str, GoldAgreement]  # criterion key → every coach's levels against gold, pooled
    by_coach: dict[int, dict[str, GoldAgreement]]  # coach id → criterion key → that coach against gold

    @property
    def label(self) -> str:
        return f"{timezone.localtime(self.session.revealed_at):%d %b %Y}: {self.session.title}"


@dataclass(frozen=True)
class CoachLeniency:
    coach: User
    by_criterion: dict[str, GoldAgreement]  # over the whole window
    trend: dict[str, list[float | None]]  # criterion key → deviation per session of the report, None where absent
    past_threshold: frozenset[str]  # criterion keys whose deviation over the window passes the threshold


@dataclass(frozen=True)
class GradingQuality:
    filters: ReportFilters
    threshold: float
    criteria: list[CriterionTitle]
    sessions: list[SessionFigures]  # oldest reveal first
    pooled_sessions: int  # how many of the latest sessions the pooled alpha covers
    pooled_alpha: dict[str, float | None]
    with_gold: dict[str, GoldAgreement]  # over every session of the report
    leniency: list[CoachLeniency]  # by coach name


def _session_figures(loaded: _Loaded, session: CalibrationSession, *, coaches: Iterable[int]) -> SessionFigures:
    alpha, with_gold, by_coach = {}, {}, defaultdict(dict)
    for criterion in loaded.criteria:
        key, pooled = criterion.key, []
        for coach_id in coaches:
            pairs = _gold_pairs(loaded, session.pk, coach_id, key)
            by_coach[coach_id][key] = gold_agreement(pairs)
            pooled += pairs
        alpha[key] = ordinal_alpha(_units(loaded, [session.pk], key))
        with_gold[key] = gold_agreement(pooled)
    return SessionFigures(
        session=session,
        coaches=len(loaded.coach_ids.get(session.pk, [])),
        alpha=alpha,
        with_gold=with_gold,
        by_coach=dict(by_coach),
    )


def _leniency(loaded: _Loaded, figures: list[SessionFigures], coaches: dict[int, User], threshold: float):
    rows = []
    for coach_id, coach in coaches.items():
        by_criterion, trend, flagged = {}, {}, set()
        for criterion in loaded.criteria:
            key = criterion.key
            pairs = [pair for row in figures for pair in _gold_pairs(loaded, row.session.pk, coach_id, key)]
            by_criterion[key] = found = gold_agreement(pairs)
            trend[key] = [row.by_coach.get(coach_id, {}).get(key, gold_agreement([])).deviation for row in figures]
            if found.deviation is not None and abs(found.deviation) > threshold:
                flagged.add(key)
        rows.append(CoachLeniency(coach, by_criterion, trend, frozenset(flagged)))
    rows.sort(key=lambda row: (row.coach.display_name, row.coach.pk))
    return rows


def grading_quality(*, filters: ReportFilters, threshold: float | None = None) -> GradingQuality:
    """Alpha per criterion per revealed calibration session and pooled over the latest sessions; agreement
    with gold per criterion per session and overall; each coach's leniency per criterion over the window and
    session by session. With a coach filter: the sessions that coach took, their gold and leniency figures
    (alpha still measures every coach of those sessions). Five queries."""
    threshold = settings.CALIBRATION_LENIENCY_THRESHOLD if threshold is None else threshold
    loaded = _load(kind=CalibrationSession.Kind.CALIBRATION, filters=filters, coach_id=filters.coach_id)
    every_coach = sorted({coach for found in loaded.coach_ids.values() for coach in found})
    shown = [filters.coach_id] if filters.coach_id is not None else every_coach
    figures = [
        _session_figures(loaded, session, coaches=[c for c in shown if c in loaded.coach_ids.get(session.pk, [])])
        for session in loaded.sessions
    ]
    pooled_ids = [session.pk for session in loaded.sessions[-filters.last :]]
    pooled_alpha = {c.key: ordinal_alpha(_units(loaded, pooled_ids, c.key)) for c in loaded.criteria}
    with_gold = {
        criterion.key: gold_agreement(
            pair
            for row in figures
            for coach_id in row.by_coach
            for pair in _gold_pairs(loaded, row.session.pk, coach_id, criterion.key)
        )
        for criterion in loaded.criteria
    }
    coaches = User.objects.in_bulk(shown) if shown else {}
    return GradingQuality(
        filters=filters,
        threshold=threshold,
        criteria=loaded.criteria,
        sessions=figures,
        pooled_sessions=len(pooled_ids),
        pooled_alpha=pooled_alpha,
        with_gold=with_gold,
        leniency=_leniency(loaded, figures, {pk: coaches[pk] for pk in shown if pk in coaches}, threshold),
    )


@dataclass(frozen=True)
class OnboardingResult:
    session: CalibrationSession
    by_criterion: dict[str, GoldAgreement]
    overall: GoldAgreement  # every criterion pooled


@dataclass(frozen=True)
class CoachFigures:
    coach: User
    threshold: float
    criteria: list[CriterionTitle]
    sessions: list[SessionFigures]  # the calibration sessions they took, oldest reveal first
    leniency: CoachLeniency
    onboarding_criteria: list[CriterionTitle]
    onboarding: list[OnboardingResult]


def coach_figures(*, coach: User, filters: ReportFilters, threshold: float | None = None) -> CoachFigures:
    """One coach against gold: per criterion over the window (exact, within one, leniency) and session by
    session, and their onboarding results. Eight queries."""
    threshold = settings.CALIBRATION_LENIENCY_THRESHOLD if threshold is None else threshold
    loaded = _load(kind=CalibrationSession.Kind.CALIBRATION, filters=filters, coach_id=coach.pk, only_that_coach=True)
    figures = [_session_figures(loaded, session, coaches=[coach.pk]) for session in loaded.sessions]
    (leniency,) = _leniency(loaded, figures, {coach.pk: coach}, threshold)
    onboarding = _load(
        kind=CalibrationSession.Kind.ONBOARDING, filters=filters, coach_id=coach.pk, only_that_coach=True
    )
    results = []
    for session in onboarding.sessions:
        by_criterion = {
            criterion.key: gold_agreement(_gold_pairs(onboarding, session.pk, coach.pk, criterion.key))
            for criterion in onboarding.criteria
        }
        overall = gold_agreement(
            pair for c in onboarding.criteria for pair in _gold_pairs(onboarding, session.pk, coach.pk, c.key)
        )
        results.append(OnboardingResult(session, by_criterion, overall))
    return CoachFigures(
        coach=coach,
        threshold=threshold,
        criteria=loaded.criteria,
        sessions=figures,
        leniency=leniency,
        onboarding_criteria=onboarding.criteria,
        onboarding=results,
    )


@dataclass(frozen=True)
class SecondMarkCriterion:
    key: str
    title: str
    pairs: int  # second marks with both coaches' level on this criterion
    alpha: float | None  # ordinal, the two coaches as coders, the attempts as units
    exact: float | None
    within_one: float | None
    wide_gap: float | None  # share of pairs two levels or more apart


@dataclass(frozen=True)
class SecondMarking:
    marked: int  # second marks with a second coach's levels
    moderated: int  # of those, sent to a moderator
    criteria: list[SecondMarkCriterion] = field(default_factory=list)

    @property
    def moderation_share(self) -> float | None:
        return self.moderated / self.marked if self.marked else None


def second_marking_agreement(*, filters: ReportFilters) -> SecondMarking:
    """Blind second marks that have the second coach's levels (second-marked in the date range; one cohort, or
    one coach as first or second marker, when asked): per criterion alpha, exact and within-one agreement between
    the two coaches, and the share sent to moderation. Two queries."""
    marks = SecondMark.objects.exclude(second_levels={}).filter(filters.moment_range("second_marked_at"))
    if filters.cohort_id is not None:
        marks = marks.filter(attempt__enrollment__cohort_id=filters.cohort_id)
    if filters.coach_id is not None:
        marks = marks.filter(Q(first_coach_id=filters.coach_id) | Q(second_coach_id=filters.coach_id))
    rows = list(marks.order_by("id").values("first_levels", "second_levels", "status", "grade__rubric_version_id"))
    sent_on = {SecondMark.Status.MODERATION, SecondMark.Status.MODERATED}
    criteria = []
    for criterion in _criteria_of({row["grade__rubric_version_id"] for row in rows}):
        first, second = [], []
        for row in rows:
            a, b = _level(row["first_levels"] or {}, criterion.key), _level(row["second_levels"] or {}, criterion.key)
            if a is not None and b is not None:
                first.append(a)
                second.append(b)
        agreement = gold_agreement(zip(second, first, strict=True))
        wide = sum(abs(a - b) >= MODERATION_GAP for a, b in zip(first, second, strict=True))
        criteria.append(
            SecondMarkCriterion(
                key=criterion.key,
                title=criterion.title,
                pairs=len(first),
                alpha=ordinal_alpha([first, second]) if first else None,
                exact=agreement.exact,
                within_one=agreement.within_one,
                wide_gap=wide / len(first) if first else None,
            )
        )
    return SecondMarking(marked=len(rows), moderated=sum(row["status"] in sent_on for row in rows), criteria=criteria)


@dataclass(frozen=True)
class AlertRow:
    alert: LeniencyAlert
    criterion_title: str

    @property
    def leaning(self) -> str:
        return "lenient" if self.alert.deviation > 0 else "severe"


def leniency_alert_rows(*, filters: ReportFilters, alerts=None) -> list[AlertRow]:
    """Leniency alerts, newest first, with the criterion's title: those whose second session was revealed in
    the date range (one coach's, when asked). Two queries; `alerts` narrows an already sliced page."""
    if alerts is None:
        alerts = leniency_alerts(filters=filters)
    alerts = list(alerts)
    titles = _titles_by_key(alert.criterion_key for alert in alerts)
    return [AlertRow(alert, titles[alert.criterion_key]) for alert in alerts]


def leniency_alerts(*, filters: ReportFilters):
    """The alert rows as a query, for paging."""
    alerts = LeniencyAlert.objects.select_related("coach", "session", "previous_session").filter(
        filters.moment_range("session__revealed_at")
    )
    if filters.coach_id is not None:
        alerts = alerts.filter(coach_id=filters.coach_id)
    return alerts.order_by("-created_at", "-id")


# --- The same figures as rows, for CSV files ---------------------------------------------------------------


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _day(moment: datetime.datetime | None) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d}" if moment else ""


def alpha_rows(quality: GradingQuality) -> tuple[list[str], list[list]]:
    header = ["session", "revealed", "coaches", "criterion", "alpha"]
    rows = [
        [row.session.title, _day(row.session.revealed_at), row.coaches, c.title, _round(row.alpha[c.key])]
        for row in quality.sessions
        for c in quality.criteria
    ]
    rows += [
        [f"pooled: latest {quality.pooled_sessions} sessions", "", "", c.title, _round(quality.pooled_alpha[c.key])]
        for c in quality.criteria
    ]
    return header, rows


def gold_rows(quality: GradingQuality) -> tuple[list[str], list[list]]:
    header = ["session", "revealed", "criterion", "levels compared", "exact", "within one"]
    rows = []
    for row in quality.sessions:
        for c in quality.criteria:
            found = row.with_gold[c.key]
            rows.append(
                [
                    row.session.title,
                    _day(row.session.revealed_at),
                    c.title,
                    found.n,
                    _round(found.exact),
                    _round(found.within_one),
                ]
            )
    for c in quality.criteria:
        found = quality.with_gold[c.key]
        rows.append(["all sessions", "", c.title, found.n, _round(found.exact), _round(found.within_one)])
    return header, rows


def leniency_rows(leniency: Iterable[CoachLeniency], criteria: list[CriterionTitle]) -> tuple[list[str], list[list]]:
    header = [
        "coach",
        "criterion",
        "levels compared",
        "exact",
        "within one",
        "mean deviation from gold",
        "leaning",
        "past threshold",
    ]
    rows = []
    for row in leniency:
        for c in criteria:
            found = row.by_criterion[c.key]
            flagged = "yes" if c.key in row.past_threshold else "no"
            rows.append(
                [
                    row.coach.display_name,
                    c.title,
                    found.n,
                    _round(found.exact),
                    _round(found.within_one),
                    _round(found.deviation),
                    found.leaning,
                    flagged,
                ]
            )
    return header, rows


def leniency_trend_rows(
    leniency: Iterable[CoachLeniency], criteria: list[CriterionTitle], sessions: list[SessionFigures]
) -> tuple[list[str], list[list]]:
    header = ["coach", "criterion", "session", "revealed", "mean deviation from gold"]
    rows = []
    for row in leniency:
        for c in criteria:
            for figures, deviation in zip(sessions, row.trend[c.key], strict=True):
                rows.append(
                    [
                        row.coach.display_name,
                        c.title,
                        figures.session.title,
                        _day(figures.session.revealed_at),
                        _round(deviation),
                    ]
                )
    return header, rows


def second_marking_rows(marking: SecondMarking) -> tuple[list[str], list[list]]:
    header = ["criterion", "pairs", "alpha", "exact", "within one", "two or more apart"]
    rows = [
        [c.title, c.pairs, _round(c.alpha), _round(c.exact), _round(c.within_one), _round(c.wide_gap)]
        for c in marking.criteria
    ]
    rows.append(["sent to moderation", marking.marked, "", "", "", _round(marking.moderation_share)])
    return header, rows


def alert_rows(rows: Iterable[AlertRow]) -> tuple[list[str], list[list]]:
    header = [
        "raised",
        "coach",
        "criterion",
        "leaning",
        "previous session",
        "previous deviation",
        "session",
        "deviation",
    ]
    return header, [
        [
            _day(row.alert.created_at),
            row.alert.coach.display_name,
            row.criterion_title,
            row.leaning,
            row.alert.previous_session.title,
            _round(row.alert.previous_deviation),
            row.alert.session.title,
            _round(row.alert.deviation),
        ]
        for row in rows
    ]


def onboarding_rows(figures: CoachFigures) -> tuple[list[str], list[list]]:
    header = ["session", "revealed", "criterion", "levels compared", "exact", "within one", "mean deviation"]
    rows = []
    for result in figures.onboarding:
        named = [(c.title, result.by_criterion[c.key]) for c in figures.onboarding_criteria]
        for title, found in [*named, ("all criteria", result.overall)]:
            rows.append(
                [
                    result.session.title,
                    _day(result.session.revealed_at),
                    title,
                    found.n,
                    _round(found.exact),
                    _round(found.within_one),
                    _round(found.deviation),
                ]
            )
    return header, rows
