"""Reading checkpoints: a hire's own, a cohort's overview, outcome counts and the payroll export."""

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from checkpoint import timing
from checkpoint.models import Certificate, Checkpoint, Choice, Decision, OfferText
from courses.models import Cohort, Enrollment, EnrollmentStatus


class State:
    NOT_OPEN = "not_open"
    OPEN = "open"
    ESCALATED = "escalated"
    COMMITTED = "committed"
    TOOK_OFFER = "took_offer"
    CLOSED = "closed"  # paused or withdrawn before deciding

    LABELS = {
        NOT_OPEN: "Not open yet",
        OPEN: "Open, undecided",
        ESCALATED: "Escalated: deadline passed",
        COMMITTED: "Committed",
        TOOK_OFFER: "Took the offer",
        CLOSED: "Not taking part",
    }


def _state(enrollment: Enrollment, checkpoint: Checkpoint | None, standing: Decision | None, now) -> str:
    if standing is not None:
        return State.COMMITTED if standing.choice == Choice.COMMIT else State.TOOK_OFFER
    if enrollment.status != EnrollmentStatus.ACTIVE:
        return State.CLOSED
    if checkpoint is None:
        return State.NOT_OPEN
    if checkpoint.escalated_at is not None or now >= checkpoint.deadline:
        return State.ESCALATED
    return State.OPEN


@dataclass
class CheckpointRow:
    enrollment: Enrollment
    checkpoint: Checkpoint | None
    standing: Decision | None
    history: list[Decision]
    state: str
    opens_at: datetime.datetime | None
    deadline: datetime.datetime | None
    offer_amount: Decimal | None
    currency: str

    @property
    def state_label(self) -> str:
        return State.LABELS[self.state]

    @property
    def certificate(self) -> Certificate | None:
        return getattr(self.standing, "certificate", None) if self.standing else None


def _decisions_prefetch() -> Prefetch:
    return Prefetch(
        "checkpoint__decisions",
        queryset=Decision.objects.select_related("decided_by", "annulled_by", "offer_text", "certificate"),
    )


def _row(enrollment: Enrollment, now: datetime.datetime) -> CheckpointRow:
    checkpoint = getattr(enrollment, "checkpoint", None)
    history = list(checkpoint.decisions.all()) if checkpoint else []
    standing = next((decision for decision in history if decision.annulled_at is None), None)
    if checkpoint is not None:
        opens_at, deadline = checkpoint.opened_at, checkpoint.deadline
    else:
        window = timing.window_for(enrollment, now)
        opens_at, deadline = window.opens_at, window.deadline
    amount = (
        standing.offer_amount
        if standing
        else timing.offer_amount(enrollment, checkpoint.offer_override if checkpoint else None)
    )
    return CheckpointRow(
        enrollment=enrollment, checkpoint=checkpoint, standing=standing, history=history,
        state=_state(enrollment, checkpoint, standing, now), opens_at=opens_at, deadline=deadline,
        offer_amount=amount, currency=standing.currency if standing else enrollment.cohort.currency,
    )  # fmt: skip


def checkpoint_for_hire(*, hire, now: datetime.datetime | None = None) -> CheckpointRow | None:
    """The hire's checkpoint in their latest enrollment (also after they decided)."""
    now = now or timezone.now()
    enrollment = (
        Enrollment.objects.filter(hire=hire)
        .exclude(status=EnrollmentStatus.WITHDRAWN)
        .select_related("cohort", "hire", "checkpoint")
        .prefetch_related(_decisions_prefetch())
        .order_by("-cohort__start_date", "-pk")
        .first()
    )
    return _row(enrollment, now) if enrollment else None


def offer_text_current(*, cohort: Cohort) -> OfferText | None:
    return OfferText.objects.filter(cohort=cohort).order_by("-version").first()


@dataclass
class CohortOverview:
    cohort: Cohort
    rows: list[CheckpointRow]
    counts: dict[str, int]

    @property
    def undecided(self) -> list[CheckpointRow]:
        return [row for row in self.rows if row.state in (State.OPEN, State.ESCALATED)]

    @property
    def missing_salary(self) -> list[CheckpointRow]:
        return [row for row in self.rows if row.offer_amount is None and row.state not in (State.CLOSED,)]


def cohort_overview(*, cohort: Cohort, now: datetime.datetime | None = None) -> CohortOverview:
    now = now or timezone.now()
    enrollments = (
        Enrollment.objects.filter(cohort=cohort)
        .select_related("cohort", "hire", "checkpoint")
        .prefetch_related(_decisions_prefetch())
        .order_by("hire__display_name", "pk")
    )
    rows = [_row(enrollment, now) for enrollment in enrollments]
    counts = Counter(row.state for row in rows)
    return CohortOverview(cohort=cohort, rows=rows, counts={key: counts.get(key, 0) for key in State.LABELS})


def checkpoint_outcome_counts(
    *, cohort_ids: list[int], now: datetime.datetime | None = None
) -> dict[int, dict[str, int]]:
    """Per cohort: how many hires are not open yet, open, escalated, committed, took the offer
    (and closed: paused or withdrawn undecided). A fixed number of queries for any cohort size."""
    now = now or timezone.now()
    counts: dict[int, Counter] = {cohort_id: Counter() for cohort_id in cohort_ids}
    standing = {
        row["checkpoint__enrollment_id"]: row["choice"]
        for row in Decision.objects.filter(
            checkpoint__enrollment__cohort_id__in=cohort_ids, annulled_at__isnull=True
        ).values("checkpoint__enrollment_id", "choice")
    }
    for row in Enrollment.objects.filter(cohort_id__in=cohort_ids).values(
        "pk", "cohort_id", "status", "checkpoint__escalated_at", "checkpoint__deadline", "checkpoint__pk"
    ):
        choice = standing.get(row["pk"])
        if choice is not None:
            state = State.COMMITTED if choice == Choice.COMMIT else State.TOOK_OFFER
        elif row["status"] != EnrollmentStatus.ACTIVE:
            state = State.CLOSED
        elif row["checkpoint__pk"] is None:
            state = State.NOT_OPEN
        elif row["checkpoint__escalated_at"] is not None or now >= row["checkpoint__deadline"]:
            state = State.ESCALATED
        else:
            state = State.OPEN
        counts[row["cohort_id"]][state] += 1
    return {cohort_id: {key: counter.get(key, 0) for key in State.LABELS} for cohort_id, counter in counts.items()}


@dataclass(frozen=True)
class PayrollRow:
    name: str
    email: str
    amount: Decimal | None
    currency: str
    decided_at: datetime.datetime
    cohort: str


def payroll_rows(*, cohort: Cohort | None = None) -> list[PayrollRow]:
    """One row per hire whose decision to take the offer stands."""
    decisions = Decision.objects.filter(choice=Choice.OFFER, annulled_at__isnull=True).select_related(
        "checkpoint__enrollment__hire", "checkpoint__enrollment__cohort"
    )
    if cohort is not None:
        decisions = decisions.filter(checkpoint__enrollment__cohort=cohort)
    rows = []
    for decision in decisions.order_by("decided_at", "pk"):
        enrollment = decision.checkpoint.enrollment
        row = PayrollRow(
            name=enrollment.hire.display_name, email=enrollment.hire.email, amount=decision.offer_amount,
            currency=decision.currency, decided_at=decision.decided_at, cohort=enrollment.cohort.name,
        )  # fmt: skip
        rows.append(row)
    return rows


def certificate_by_code(*, code: str) -> Certificate | None:
    return (
        Certificate.objects.select_related("decision__checkpoint__enrollment__cohort")
        .filter(code=code.strip().upper())
        .first()
    )
