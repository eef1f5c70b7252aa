"""Reads for outcomes: the rules a retention check must meet, and the cohort's outcomes report.

Milestones count from the hire's standing checkpoint decision, on the cohort's calendar: the 30-day
milestone of a decision taken on 1 March comes on 31 March. Only hires who committed have retention
checks; a hire who took the offer left at the checkpoint, and counts as not retained once a milestone has come.
"""

import datetime
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from checkpoint.models import Choice, Decision
from coaching import transfer
from courses.models import Cohort, Enrollment
from courses.moments import date_phrase
from outcomes.models import MILESTONES, RetentionCheck, RetentionStatus
from readiness import selectors as readiness_selectors

LEVEL_BAND_THRESHOLD = 2  # "genuine" on the rubric: the level readiness asks for


def _zone(cohort: Cohort) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(cohort.time_zone or "UTC")


def cohort_today(cohort: Cohort, now: datetime.datetime | None = None) -> datetime.date:
    """Today on the cohort's calendar."""
    return (now or timezone.now()).astimezone(_zone(cohort)).date()


def day_words(day: datetime.date) -> str:
    return date_phrase(day, year=True)


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{round(rate * 100)}%"


# --- The rules -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """A hire's standing checkpoint decision, its day on the cohort's calendar."""

    choice: str
    decided_at: datetime.datetime
    decided_on: datetime.date

    @property
    def committed(self) -> bool:
        return self.choice == Choice.COMMIT

    @property
    def label(self) -> str:
        return Choice(self.choice).label

    def milestone_on(self, days: int) -> datetime.date:
        return self.decided_on + datetime.timedelta(days=days)


def standing_decisions(*, cohort: Cohort, enrollment_ids: Iterable[int] | None = None) -> dict[int, Standing]:
    """Enrollment id → standing (not annulled) decision, for the cohort or some of its hires: one query."""
    decisions = Decision.objects.filter(checkpoint__enrollment__cohort=cohort, annulled_at__isnull=True)
    if enrollment_ids is not None:
        decisions = decisions.filter(checkpoint__enrollment_id__in=list(enrollment_ids))
    zone = _zone(cohort)
    return {
        enrollment_id: Standing(choice, decided_at, decided_at.astimezone(zone).date())
        for enrollment_id, choice, decided_at in decisions.values_list(
            "checkpoint__enrollment_id", "choice", "decided_at"
        )
    }


def retention_problems(
    *,
    hire_name: str,
    standing: Standing | None,
    milestone_days: int | None,
    status: str,
    left_on: datetime.date | None,
    today: datetime.date,
) -> list[str]:
    """Everything wrong with recording this status at this milestone, as sentences; empty when it may be recorded.

    One rule for the admin's form, the CSV import and the API."""
    problems = []
    if milestone_days not in MILESTONES:
        problems.append("the milestone is 30, 60 or 90 days after the checkpoint decision.")
    if status not in RetentionStatus.values:
        problems.append("the status is “retained” (still in the role) or “left”.")
    if left_on is not None and status == RetentionStatus.RETAINED:
        problems.append("a leaving date goes only with the status “left”.")
    if standing is None:
        problems.append(f"{hire_name} has no checkpoint decision yet: retention counts from the decision.")
        return problems
    if not standing.committed:
        problems.append(
            f"{hire_name} took the offer on {day_words(standing.decided_on)} and left at the checkpoint: "
            "retention is recorded only for hires who committed."
        )
        return problems
    if milestone_days not in MILESTONES:
        return problems
    comes_on = standing.milestone_on(milestone_days)
    if today < comes_on:
        problems.append(f"the {milestone_days}-day milestone comes on {day_words(comes_on)}: "
                        "it can't be recorded before then.")  # fmt: skip
    if left_on is None:
        return problems
    if left_on < standing.decided_on:
        problems.append(f"the leaving date, {day_words(left_on)}, is before the checkpoint decision "
                        f"on {day_words(standing.decided_on)}.")  # fmt: skip
    elif left_on > today:
        problems.append(f"the leaving date, {day_words(left_on)}, is in the future.")
    elif left_on > comes_on:
        problems.append(
            f"the leaving date, {day_words(left_on)}, is after the {milestone_days}-day milestone "
            f"({day_words(comes_on)}): at {milestone_days} days {hire_name} was still in the role."
        )
    return problems


# --- The report ----------------------------------------------------------------------------------------


class CellState:
    UNDECIDED = "undecided"
    OFFER = "offer"  # took the offer: left at the checkpoint
    NOT_YET = "not_yet"
    DUE = "due"  # come, not recorded
    RETAINED = RetentionStatus.RETAINED
    LEFT = RetentionStatus.LEFT


@dataclass(frozen=True)
class MilestoneCell:
    days: int
    state: str
    comes_on: datetime.date | None = None
    check: RetentionCheck | None = None

    @property
    def label(self) -> str:
        if self.state == CellState.UNDECIDED:
            return "No decision yet"
        if self.state == CellState.OFFER:
            return "Took the offer"
        if self.state == CellState.NOT_YET:
            return f"Comes on {day_words(self.comes_on)}"
        if self.state == CellState.DUE:
            return "Due, not recorded"
        label = self.check.get_status_display()
        return f"{label} on {day_words(self.check.left_on)}" if self.check.left_on else label

    @property
    def recordable(self) -> bool:
        return self.state in (CellState.DUE, CellState.RETAINED, CellState.LEFT)

    @property
    def retained(self) -> bool | None:
        """For the split figures: retained, not retained (left, or took the offer), or not known yet."""
        if self.state == CellState.RETAINED:
            return True
        if self.state in (CellState.LEFT, CellState.OFFER):
            return False
        return None


def _mean(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


@dataclass
class HireOutcome:
    enrollment: Enrollment
    readiness_met: bool
    roleplay_mean: float | None
    real_call_mean: float | None
    standing: Standing | None
    cells: list[MilestoneCell]

    @property
    def name(self) -> str:
        return self.enrollment.hire.display_name or self.enrollment.hire.email

    @property
    def level_band(self) -> str:
        if self.roleplay_mean is None:
            return Band.NONE
        return Band.HIGH if self.roleplay_mean >= LEVEL_BAND_THRESHOLD else Band.LOW

    def cell(self, days: int) -> MilestoneCell:
        return self.cells[MILESTONES.index(days)]


class Band:
    LOW = f"Role-plays below {LEVEL_BAND_THRESHOLD}"
    HIGH = f"Role-plays {LEVEL_BAND_THRESHOLD} and above"
    NONE = "No role-play grades yet"


def _cells(standing: Standing | None, checks: dict[int, RetentionCheck], today: datetime.date) -> list[MilestoneCell]:
    cells = []
    for days in MILESTONES:
        if standing is None:
            cells.append(MilestoneCell(days, CellState.UNDECIDED))
            continue
        comes_on = standing.milestone_on(days)
        if not standing.committed:
            # Known from the checkpoint on, but it counts only once the milestone has come, like everyone's.
            cells.append(MilestoneCell(days, CellState.OFFER if today >= comes_on else CellState.NOT_YET, comes_on))
        elif days in checks:
            cells.append(MilestoneCell(days, checks[days].status, comes_on, checks[days]))
        else:
            cells.append(MilestoneCell(days, CellState.NOT_YET if today < comes_on else CellState.DUE, comes_on))
    return cells


@dataclass(frozen=True)
class MilestoneSummary:
    """Committed hires at one milestone: how many it has come for, how many are recorded, how many stayed."""

    days: int
    due: int
    recorded: int
    retained: int

    @property
    def rate(self) -> float | None:
        return self.retained / self.recorded if self.recorded else None

    @property
    def rate_text(self) -> str:
        return percent(self.rate)


@dataclass(frozen=True)
class Rate:
    days: int
    counted: int  # hires with a known outcome at this milestone: the n behind the rate
    retained: int

    @property
    def rate(self) -> float | None:
        return self.retained / self.counted if self.counted else None

    @property
    def rate_text(self) -> str:
        return f"{percent(self.rate)} (n={self.counted})"


@dataclass(frozen=True)
class Group:
    label: str
    hires: int
    rates: list[Rate]


@dataclass(frozen=True)
class Split:
    key: str
    title: str
    groups: list[Group]


@dataclass
class OutcomesReport:
    cohort: Cohort
    today: datetime.date
    hires: list[HireOutcome]
    summary_milestones: list[MilestoneSummary] = field(default_factory=list)
    splits: list[Split] = field(default_factory=list)

    @property
    def hire_count(self) -> int:
        return len(self.hires)

    @property
    def decided(self) -> int:
        return sum(hire.standing is not None for hire in self.hires)

    @property
    def committed(self) -> int:
        return sum(hire.standing is not None and hire.standing.committed for hire in self.hires)

    @property
    def took_offer(self) -> int:
        return self.decided - self.committed


def _split(key: str, title: str, hires: list[HireOutcome], group_of, labels: list[str]) -> Split:
    """Retention at every milestone per group, over the hires who decided."""
    groups = []
    for label in labels:
        members = [hire for hire in hires if group_of(hire) == label]
        rates = []
        for days in MILESTONES:
            known = [hire.cell(days).retained for hire in members if hire.cell(days).retained is not None]
            rates.append(Rate(days, len(known), sum(known)))
        groups.append(Group(label, len(members), rates))
    return Split(key, title, groups)


def _summary(hires: list[HireOutcome]) -> list[MilestoneSummary]:
    committed = [hire for hire in hires if hire.standing is not None and hire.standing.committed]
    figures = []
    for days in MILESTONES:
        cells = [hire.cell(days) for hire in committed]
        recorded = [cell for cell in cells if cell.check is not None]
        figures.append(MilestoneSummary(
            days, due=sum(cell.state != CellState.NOT_YET for cell in cells), recorded=len(recorded),
            retained=sum(cell.state == CellState.RETAINED for cell in recorded),
        ))  # fmt: skip
    return figures


def cohort_outcomes(*, cohort: Cohort, now: datetime.datetime | None = None) -> OutcomesReport:
    """The cohort's outcomes: every hire's readiness, scores, decision and retention, with the summary and the
    splits. A fixed number of queries whatever the number of hires: enrollments, decisions, retention checks,
    readiness (readiness.selectors.readiness_for_many) and scores (coaching.transfer.transfer_for_cohort)."""
    now = now or timezone.now()
    today = cohort_today(cohort, now)
    enrollments = list(
        Enrollment.objects.filter(cohort=cohort).select_related("hire").order_by("hire__display_name", "hire__email")
    )
    for enrollment in enrollments:
        enrollment.cohort = cohort  # readiness reads the cohort's rule and curriculum: no query per hire
    standings = standing_decisions(cohort=cohort)
    checks: dict[int, dict[int, RetentionCheck]] = {}
    for check in RetentionCheck.objects.filter(enrollment__cohort=cohort):
        checks.setdefault(check.enrollment_id, {})[check.milestone_days] = check
    readiness = readiness_selectors.readiness_for_many(enrollments=enrollments, now=now)
    scores = {hire.enrollment.pk: hire for hire in transfer.transfer_for_cohort(cohort=cohort).hires}

    hires = []
    for enrollment in enrollments:
        criteria = scores[enrollment.pk].criteria if enrollment.pk in scores else []
        standing = standings.get(enrollment.pk)
        hires.append(HireOutcome(
            enrollment=enrollment, readiness_met=readiness[enrollment.pk].met,
            roleplay_mean=_mean([score.level for row in criteria for score in row.practice]),
            real_call_mean=_mean([score.level for row in criteria for score in row.real]),
            standing=standing, cells=_cells(standing, checks.get(enrollment.pk, {}), today),
        ))  # fmt: skip
    decided = [hire for hire in hires if hire.standing is not None]
    splits = [
        _split("readiness", "Retention by readiness for nesting", decided,
               lambda hire: "Readiness met" if hire.readiness_met else "Readiness not met",
               ["Readiness met", "Readiness not met"]),
        _split("level", "Retention by role-play level (mean of released grades)", decided,
               lambda hire: hire.level_band, [Band.HIGH, Band.LOW, Band.NONE]),
        _split("decision", "Retention by checkpoint decision", decided,
               lambda hire: hire.standing.label, [Choice.COMMIT.label, Choice.OFFER.label]),
    ]  # fmt: skip
    return OutcomesReport(cohort=cohort, today=today, hires=hires, summary_milestones=_summary(hires), splits=splits)


def retention_history(*, enrollment: Enrollment):
    """A hire's retention checks with their events, newest event first."""
    return RetentionCheck.objects.filter(enrollment=enrollment).prefetch_related("events__actor", "events__batch")
