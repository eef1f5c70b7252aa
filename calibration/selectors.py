"""Reads for calibration: sessions and their items as each person may see them (blind before the reveal),
the reveal's spread and agreement figures, anchor candidates and the bank; fixed query counts whatever the size."""

import re
import statistics
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts import permissions
from accounts.models import Role, User
from calibration.agreement import LEVEL_DOMAIN, GoldAgreement, gold_agreement, ordinal_alpha
from calibration.models import AnchorItem, CalibrationGrade, CalibrationSession, Participant, SessionItem
from coaching.models import CallReview
from common.numbers import number_or_none
from courses.levels import as_level
from courses.models import Attempt, AttemptState, AttemptTurn, Cohort, Criterion, Scenario, ScenarioMode


@dataclass(frozen=True)
class CriterionAgreement:
    key: str
    title: str
    alpha: float | None  # across the session's coaches, over its items
    graded_units: int  # items at least two coaches graded on this criterion
    with_gold: GoldAgreement  # every coach's levels against gold, pooled


@dataclass(frozen=True)
class CoachAgreement:
    coach: User
    by_criterion: dict[str, GoldAgreement]


@dataclass(frozen=True)
class SessionAgreement:
    session: CalibrationSession
    criteria: list[CriterionAgreement]
    coaches: list[CoachAgreement]


def session_agreement(*, session: CalibrationSession) -> SessionAgreement:
    """Per criterion: ordinal alpha across the coaches and agreement with gold; per coach and criterion:
    exact and within-one agreement with gold and the mean signed deviation (leniency above 0)."""
    items = list(
        SessionItem.objects.filter(session=session)
        .select_related("anchor")
        .prefetch_related(
            Prefetch("anchor__rubric_version__criteria", queryset=Criterion.objects.order_by("position", "id"))
        )
        .order_by("position", "id")
    )
    grades = list(CalibrationGrade.objects.filter(item__session=session).values("item_id", "coach_id", "levels"))
    coach_ids = sorted({grade["coach_id"] for grade in grades})
    coaches = User.objects.in_bulk(coach_ids)
    criteria: dict[str, str] = {}
    for item in items:
        for criterion in item.anchor.rubric_version.criteria.all():
            criteria.setdefault(criterion.key, criterion.title)
    levels = {(grade["item_id"], grade["coach_id"]): grade["levels"] for grade in grades}
    gold = {item.pk: item.anchor.gold_levels or {} for item in items}

    def level(item_id: int, coach_id: int, key: str) -> int | None:
        value = (levels.get((item_id, coach_id)) or {}).get(key)
        return None if value is None else int(value)

    criterion_rows, pairs_by_coach = [], {coach_id: {} for coach_id in coach_ids}
    for key, title in criteria.items():
        units = [[level(item.pk, coach_id, key) for item in items] for coach_id in coach_ids]
        graded_units = sum(1 for column in zip(*units, strict=True) if sum(v is not None for v in column) >= 2)
        pooled = []
        for row, coach_id in zip(units, coach_ids, strict=True):
            pairs = [
                (value, int(gold[item.pk][key]))
                for value, item in zip(row, items, strict=True)
                if value is not None and gold[item.pk].get(key) is not None
            ]
            pairs_by_coach[coach_id][key] = gold_agreement(pairs)
            pooled += pairs
        criterion_rows.append(
            CriterionAgreement(
                key=key,
                title=title,
                alpha=ordinal_alpha(units) if units else None,
                graded_units=graded_units,
                with_gold=gold_agreement(pooled),
            )
        )
    coach_rows = [CoachAgreement(coach=coaches[pk], by_criterion=pairs_by_coach[pk]) for pk in coach_ids]
    coach_rows.sort(key=lambda row: row.coach.display_name)
    return SessionAgreement(session=session, criteria=criterion_rows, coaches=coach_rows)


# --- Sessions as people see them -----------------------------------------------------------------

# Work a coach has finished with: submitted and past the automatic estimate.
ANCHORABLE_ATTEMPT_STATES = (AttemptState.AWAITING_COACH, AttemptState.GRADED, AttemptState.RETURNED)
HIRE_STANDIN = "the hire"


def _count(queryset: QuerySet, group_by: str) -> Coalesce:
    """A correlated count, so several counts on one row never multiply each other's joins."""
    counted = queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted), 0)


def session_list(*, user) -> QuerySet[CalibrationSession]:
    """Admins and lead coaches: every session; a coach: the sessions they were invited to. Open ones
    first, soonest due first; each row counts its items, its coaches and what the viewer has graded."""
    sessions = CalibrationSession.objects.select_related("facilitator")
    if not permissions.can_lead_grading_quality(user):
        sessions = sessions.filter(participants__coach_id=user.pk)
    here = OuterRef("pk")
    return sessions.annotate(
        item_count=_count(SessionItem.objects.filter(session=here), "session"),
        coach_count=_count(Participant.objects.filter(session=here), "session"),
        submitted_count=_count(Participant.objects.filter(session=here, submitted_at__isnull=False), "session"),
        my_graded=_count(CalibrationGrade.objects.filter(item__session=here, coach_id=user.pk), "item__session"),
        invited=Exists(Participant.objects.filter(session=here, coach_id=user.pk)),
    ).order_by("status", "due_at", "id")


def items_for_coach(*, session: CalibrationSession, coach) -> list[SessionItem]:
    """The session's items in order, each with `graded` (has this coach saved levels for it yet)."""
    mine = CalibrationGrade.objects.filter(item=OuterRef("pk"), coach_id=coach.pk)
    items = list(
        SessionItem.objects.filter(session=session)
        .select_related("anchor__attempt__enrollment__hire", "anchor__call_review__enrollment__hire")
        .defer("anchor__attempt__prescore")
        .annotate(graded=Exists(mine))
        .order_by("position", "id")
    )
    for item in items:
        item.display_title = anchor_title(item.anchor)
    return items


@dataclass(frozen=True)
class CoachProgress:
    participant: Participant
    graded: int


def session_progress(*, session: CalibrationSession) -> list[CoachProgress]:
    """Who has graded how many items: counts only, never levels (the facilitator's view before the reveal)."""
    graded = CalibrationGrade.objects.filter(item__session=session, coach=OuterRef("coach"))
    participants = (
        Participant.objects.filter(session=session)
        .select_related("coach")
        .annotate(graded=_count(graded, "coach"))
        .order_by("coach__display_name", "coach_id")
    )
    return [CoachProgress(participant=p, graded=p.graded) for p in participants]


# --- The blind screen ----------------------------------------------------------------------------


def hire_names(hire) -> list[str]:
    """The ways a hire's name can appear in their work: the display name, then each part of it (first and
    last name), longest first, so "Hana Hire" is replaced whole before "Hana" alone."""
    full = (hire.display_name or "").strip()
    parts = [part.strip(".,") for part in full.split()]
    names = {full, *(part for part in parts if len(part) >= 2)}
    return sorted((name for name in names if name), key=len, reverse=True)


def redact(text: str, names: list[str]) -> str:
    """`text` with each of `names` (whole words, any case, possessives too) replaced by "the hire"."""
    if not text or not names:
        return text or ""
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(name) for name in names) + r")\b", re.IGNORECASE)
    return pattern.sub(HIRE_STANDIN, text)


@dataclass(frozen=True)
class BlindTurn:
    number: int
    customer: str
    answer: str


@dataclass(frozen=True)
class BlindNote:
    at_seconds: int
    body: str


@dataclass(frozen=True)
class BlindItem:
    """One anchor item as a coach grades it blind: the work, never whose it is, how it was graded or what
    the automatic estimate made of it."""

    item: SessionItem
    kind: str
    title: str
    criteria: list[Criterion]
    # A role-play
    scenario: Scenario | None = None
    turns: list[BlindTurn] = field(default_factory=list)
    # A real call
    channel: str = ""
    duration_seconds: int | None = None
    reason: str = ""
    transcript: str = ""
    notes: list[BlindNote] = field(default_factory=list)
    has_recording: bool = False


def blind_item(*, item: SessionItem) -> BlindItem:
    anchor = item.anchor
    criteria = list(anchor.rubric_version.criteria.order_by("position", "id"))
    if anchor.kind == AnchorItem.Kind.ROLEPLAY:
        attempt = anchor.attempt
        names = hire_names(attempt.enrollment.hire)
        turns = [
            BlindTurn(number=turn.number, customer=redact(turn.customer_text, names), answer=redact(turn.answer, names))
            for turn in AttemptTurn.objects.filter(attempt=attempt).only("number", "customer_text", "answer")
        ]
        return BlindItem(item=item, kind=anchor.kind, title=redact(anchor.title, names), criteria=criteria,
                         scenario=attempt.scenario, turns=turns)  # fmt: skip
    review = anchor.call_review
    names = hire_names(review.enrollment.hire)
    return BlindItem(
        item=item, kind=anchor.kind, title=redact(anchor.title, names), criteria=criteria,
        channel=review.get_channel_display(), duration_seconds=review.duration_seconds,
        reason=redact(review.reason, names), transcript=redact(review.transcript, names),
        notes=[BlindNote(note.at_seconds, redact(note.body, names)) for note in review.notes.all()],
        has_recording=bool(review.recording),
    )  # fmt: skip


def anchor_title(anchor: AnchorItem) -> str:
    """The anchor's title with the hire's name taken out (a call's reason may name them). Needs
    `attempt__enrollment__hire` and `call_review__enrollment__hire` loaded."""
    work = anchor.attempt if anchor.kind == AnchorItem.Kind.ROLEPLAY else anchor.call_review
    return redact(anchor.title, hire_names(work.enrollment.hire))


def anchor_display_titles(items) -> dict[int, str]:
    return {item.pk: anchor_title(item.anchor) for item in items}


def grade_of(*, item: SessionItem, coach) -> CalibrationGrade | None:
    return CalibrationGrade.objects.filter(item=item, coach_id=coach.pk).first()


def next_item_to_grade(*, session: CalibrationSession, coach, after: SessionItem | None = None) -> SessionItem | None:
    """The next item, in order, this coach has not graded yet (wrapping round to the first)."""
    items = items_for_coach(session=session, coach=coach)
    start = next((n + 1 for n, item in enumerate(items) if after and item.pk == after.pk), 0)
    ordered = items[start:] + items[:start]
    return next((item for item in ordered if not item.graded and (after is None or item.pk != after.pk)), None)


# --- The reveal ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionSpread:
    criterion: Criterion
    levels: list[int | None]  # in the order of RevealedSession.coaches
    low: int | None
    high: int | None
    distribution: list[int]  # how many coaches gave each level, 0..3
    estimate: int | None  # the automatic estimate's level (role-plays only)
    gold: int | None
    median: int | None

    @property
    def gold_default(self) -> int | None:
        return self.gold if self.gold is not None else self.median


@dataclass(frozen=True)
class RevealedItem:
    item: SessionItem
    title: str
    rows: list[CriterionSpread]
    notes: list[tuple[User, str]]  # each coach's note, where they left one
    gold_note: str


@dataclass(frozen=True)
class RevealedSession:
    session: CalibrationSession
    coaches: list[User]
    items: list[RevealedItem]
    agreement: SessionAgreement


def _median(levels: list[int]) -> int | None:
    if not levels:
        return None
    return int(statistics.median(levels) + 0.5)  # halfway between two levels: the higher one


def _with_work(items: QuerySet[SessionItem]) -> QuerySet[SessionItem]:
    return items.select_related(
        "anchor__attempt__enrollment__hire", "anchor__call_review__enrollment__hire"
    ).prefetch_related(
        Prefetch("anchor__rubric_version__criteria", queryset=Criterion.objects.order_by("position", "id"))
    )


def revealed_session(*, session: CalibrationSession) -> RevealedSession:
    """Per item and criterion every coach's level, the spread, the estimate and the gold level; and the
    session's agreement. A fixed number of queries whatever the number of items and coaches."""
    items = list(_with_work(SessionItem.objects.filter(session=session)).order_by("position", "id"))
    coaches = [p.coach for p in Participant.objects.filter(session=session).select_related("coach")]
    grades = {(g.item_id, g.coach_id): g for g in CalibrationGrade.objects.filter(item__session=session)}
    titles = anchor_display_titles(items)
    revealed = []
    for item in items:
        anchor = item.anchor
        estimate = ((anchor.attempt.prescore or {}).get("levels") or {}) if anchor.attempt else {}
        names = hire_names((anchor.attempt or anchor.call_review).enrollment.hire)
        rows = []
        for criterion in anchor.rubric_version.criteria.all():
            levels = [
                None if (grade := grades.get((item.pk, coach.pk))) is None else grade.levels.get(criterion.key)
                for coach in coaches
            ]
            given = [int(level) for level in levels if level is not None]
            rows.append(
                CriterionSpread(
                    criterion=criterion, levels=levels, low=min(given, default=None), high=max(given, default=None),
                    distribution=[given.count(level) for level in LEVEL_DOMAIN],
                    estimate=as_level(estimate.get(criterion.key)),
                    gold=as_level(anchor.gold_levels.get(criterion.key)), median=_median(given),
                )
            )  # fmt: skip
        notes = [
            (coach, redact(grade.note, names))
            for coach in coaches
            if (grade := grades.get((item.pk, coach.pk))) is not None and grade.note
        ]
        revealed.append(RevealedItem(item=item, title=titles[item.pk], rows=rows, notes=notes,
                                     gold_note=anchor.gold_note))  # fmt: skip
    return RevealedSession(
        session=session, coaches=coaches, items=revealed, agreement=session_agreement(session=session)
    )


def export_rows(*, session: CalibrationSession) -> list[dict]:
    """One row per item × coach × criterion: the coach's level, the estimate and the gold level."""
    revealed = revealed_session(session=session)
    rows = []
    for entry in revealed.items:
        for spread in entry.rows:
            for coach, level in zip(revealed.coaches, spread.levels, strict=True):
                rows.append({
                    "item": entry.item.position + 1, "anchor": entry.title, "kind": entry.item.anchor.kind,
                    "coach": coach.display_name, "criterion": spread.criterion.key,
                    "criterion_title": spread.criterion.title, "coach_level": level,
                    "estimate": spread.estimate, "gold": spread.gold,
                })  # fmt: skip
    return rows


# --- Onboarding ----------------------------------------------------------------------------------


def onboarding_summary(*, session: CalibrationSession) -> tuple[User | None, GoldAgreement]:
    """The onboarded coach's levels against gold over every item and criterion, pooled."""
    participant = session.participants.select_related("coach").first()
    if participant is None:
        return None, gold_agreement([])
    grades = CalibrationGrade.objects.filter(item__session=session, coach=participant.coach).select_related(
        "item__anchor"
    )
    pairs = [
        (int(level), int(gold))
        for grade in grades
        for key, level in grade.levels.items()
        if (gold := grade.item.anchor.gold_levels.get(key)) is not None
    ]
    return participant.coach, gold_agreement(pairs)


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{round(share * 100)}%"


def onboarding_report_line(coach, found: GoldAgreement) -> str:
    """ "Sam finished onboarding: 67% exact, 100% within one, leniency +0.33"."""
    leniency = "—" if found.deviation is None else f"{found.deviation:+.2f}"
    return (
        f"{coach.display_name} finished onboarding: {_percent(found.exact)} exact, "
        f"{_percent(found.within_one)} within one, leniency {leniency}"
    )


# --- Choosing anchors ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateFilters:
    cohort: int | None = None
    scenario: int | None = None

    @classmethod
    def from_params(cls, params) -> "CandidateFilters":
        return cls(cohort=number_or_none(params.get("cohort", "")), scenario=number_or_none(params.get("scenario", "")))


def candidate_attempts(*, filters: CandidateFilters) -> QuerySet[Attempt]:
    """Submitted role-plays a session may use, newest first (the estimate stays unread)."""
    attempts = Attempt.objects.filter(state__in=ANCHORABLE_ATTEMPT_STATES)
    if filters.cohort:
        attempts = attempts.filter(enrollment__cohort_id=filters.cohort)
    if filters.scenario:
        attempts = attempts.filter(scenario_id=filters.scenario)
    return (
        attempts.select_related("scenario__week", "enrollment__cohort")
        .defer("prescore")
        .order_by("-submitted_at", "-id")
    )


def candidate_call_reviews(*, filters: CandidateFilters) -> QuerySet[CallReview]:
    reviews = CallReview.objects.all()
    if filters.cohort:
        reviews = reviews.filter(enrollment__cohort_id=filters.cohort)
    return reviews.select_related("enrollment__cohort").order_by("-call_at", "-id")


def candidate_filter_options() -> dict:
    return {
        "cohorts": list(Cohort.objects.order_by("name").values("id", "name")),
        "scenarios": list(
            Scenario.objects.filter(mode=ScenarioMode.GRADED)
            .order_by("week__number", "title", "id")
            .values("id", "title", "week__number")
        ),
    }


def inviteable_coaches() -> QuerySet[User]:
    return User.objects.filter(Q(role=Role.COACH) | Q(role=Role.ADMIN) | Q(is_superuser=True), is_active=True).order_by(
        "display_name", "id"
    )


def anchor_bank() -> QuerySet[AnchorItem]:
    """Anchors with gold levels, offered for onboarding; each with how many sessions used it."""
    used = _count(SessionItem.objects.filter(anchor=OuterRef("pk")), "anchor")
    return (
        AnchorItem.objects.filter(in_bank=True)
        .exclude(gold_levels={})
        .select_related("rubric_version__rubric", "attempt__enrollment__hire", "call_review__enrollment__hire")
        .annotate(session_count=used)
        .order_by("-gold_set_at", "-id")
    )
