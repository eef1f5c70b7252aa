"""Reading checkpoints: a hire's own, a cohort's overview, outcome counts and the payroll export."""

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from checkpoint import timing
from checkpoint.models import Certificate, Checkpoint, Choice, CompletionRule, CompletionRuleChange, Decision, OfferText
from courses import progress
from courses.models import Cohort, Enrollment, EnrollmentStatus
from readiness import selectors as readiness_selectors


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


def _state(*, choice: str | None, status: str, opened: bool, escalated: bool, deadline, now: datetime.datetime) -> str:
    """One rule for where a hire stands, for the overview's rows and the outcome counts alike."""
    if choice is not None:
        return State.COMMITTED if choice == Choice.COMMIT else State.TOOK_OFFER
    if status != EnrollmentStatus.ACTIVE:
        return State.CLOSED
    if not opened:
        return State.NOT_OPEN
    if escalated or now >= deadline:
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
    offer_text: OfferText | None = None  # the current text, while the checkpoint is open

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
        state=_state(
            choice=standing.choice if standing else None, status=enrollment.status, opened=checkpoint is not None,
            escalated=bool(checkpoint and checkpoint.escalated_at), deadline=deadline, now=now,
        ), opens_at=opens_at, deadline=deadline,
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
    if enrollment is None:
        return None
    row = _row(enrollment, now)
    if row.state == State.OPEN:
        row.offer_text = offer_text_current(cohort=enrollment.cohort)
    return row


def checkpoint_row(*, checkpoint_id: int, now: datetime.datetime | None = None) -> CheckpointRow | None:
    enrollment = (
        Enrollment.objects.filter(checkpoint__pk=checkpoint_id)
        .select_related("cohort", "hire", "checkpoint")
        .prefetch_related(_decisions_prefetch())
        .first()
    )
    return _row(enrollment, now or timezone.now()) if enrollment else None


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
        state = _state(
            choice=standing.get(row["pk"]),
            status=row["status"],
            opened=row["checkpoint__pk"] is not None,
            escalated=row["checkpoint__escalated_at"] is not None,
            deadline=row["checkpoint__deadline"],
            now=now,
        )
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


# --- Completion ---------------------------------------------------------------------------------


def completion_rule_of(cohort: Cohort) -> CompletionRule:
    """The cohort's rule, or the defaults (unsaved) until an admin changes it: reading never writes."""
    return CompletionRule.objects.filter(cohort=cohort).first() or CompletionRule(cohort=cohort)


def completion_rule_changes(*, rule: CompletionRule) -> QuerySet[CompletionRuleChange]:
    """The latest changes to the rule, newest first, with who made them."""
    if rule.pk is None:
        return CompletionRuleChange.objects.none()
    return CompletionRuleChange.objects.filter(rule=rule).select_related("actor")[:20]


@dataclass(frozen=True)
class Completion:
    """Whether the hire completed the training by their cohort's rule, and what is missing if not."""

    met: bool
    missing: list[str]
    items_missing: list[progress.DueItem]
    readiness_required: bool
    readiness_met: bool


def completion_for(*, enrollment: Enrollment, now: datetime.datetime | None = None) -> Completion:
    """Done and excused come from courses.progress, readiness from readiness: no second rule here."""
    rule = completion_rule_of(enrollment.cohort)
    missing: list[str] = []
    items_missing: list[progress.DueItem] = []
    if rule.requires_all_items:
        settled = progress.item_marks(enrollment_ids=[enrollment.pk]).settled(enrollment.pk)
        items = progress.curriculum_due_items(curriculum_id=enrollment.cohort.curriculum_id)
        items_missing = sorted(
            (item for item in items if item.key not in settled), key=lambda item: (item.week, item.due_day, item.id)
        )
        if items_missing:
            count = len(items_missing)
            missing.append(f"{count} item{'' if count == 1 else 's'} neither done nor excused")
    readiness_met = True
    if rule.requires_readiness:
        readiness = readiness_selectors.readiness_for(enrollment=enrollment, now=now)
        readiness_met = readiness.met
        if not readiness_met:
            missing.append("Readiness not met" + (f": {'; '.join(readiness.missing)}" if readiness.missing else ""))
    return Completion(
        met=not missing, missing=missing, items_missing=items_missing,
        readiness_required=rule.requires_readiness, readiness_met=readiness_met,
    )  # fmt: skip


def completion_to_show(row: CheckpointRow, *, now: datetime.datetime | None = None) -> Completion | None:
    """The hire's completion as their checkpoint page and API show it: it matters while they decide and
    once committed, until the certificate is issued; otherwise there is none to show."""
    if row.state in (State.OPEN, State.ESCALATED, State.COMMITTED) and row.certificate is None:
        return completion_for(enrollment=row.enrollment, now=now)
    return None
