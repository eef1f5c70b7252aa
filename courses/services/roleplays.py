"""Role-play attempts: start, autosave, answer turn by turn, submit. Writes go through here.

The customer's next turn depends on how the previous answer landed: the automatic
pre-score of that answer picks the warm, neutral or cold variant. Submitting (answering
the last turn) freezes the attempt and records the pre-score it was given.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from courses.models import (
    Attempt,
    AttemptState,
    AttemptTurn,
    Cohort,
    Criterion,
    Enrollment,
    Scenario,
    Variant,
)
from courses.scoring import ScoreResult, get_scorer
from courses.scoring.base import combine_levels
from courses.services.scoring import scoring_request

WARM_FROM_PERCENT = 60  # a previous answer at or above this softens the customer
COLD_BELOW_PERCENT = 30  # below this the customer gets shorter and more frustrated
MAX_ANSWER_CHARS = 4000


def weighted_percent(levels: dict[str, int | None], criteria: list[Criterion]) -> int | None:
    """The weighted total, as a percent of the maximum, over the criteria that have a level."""
    scored = [(levels[c.key], c.weight) for c in criteria if levels.get(c.key) is not None]
    if not scored:
        return None
    earned = sum(Decimal(level) * weight for level, weight in scored)
    possible = sum(3 * weight for _, weight in scored)
    return int(earned * 100 / possible)


def next_variant(percent: int | None) -> str:
    if percent is None:
        return Variant.NEUTRAL
    if percent >= WARM_FROM_PERCENT:
        return Variant.WARM
    if percent < COLD_BELOW_PERCENT:
        return Variant.COLD
    return Variant.NEUTRAL


@dataclass(frozen=True)
class AttemptPrescore:
    scorer: str
    levels: dict[str, int | None]
    percent: int | None
    flags: tuple[dict, ...] = ()  # each integrity flag with the turn it was raised on

    def as_dict(self) -> dict:
        return {"scorer": self.scorer, "levels": self.levels, "percent": self.percent, "flags": list(self.flags)}


def prescore_combine(
    turn_results: list[ScoreResult], criteria: list[Criterion], turn_numbers: list[int] | None = None
) -> AttemptPrescore:
    levels: dict[str, int | None] = {}
    for criterion in criteria:
        found = [
            level
            for r in turn_results
            if criterion.key in {c.key for c in r.criteria} and (level := r.level(criterion.key)) is not None
        ]
        # None: the scorer does not know this criterion, and the coach scores it.
        levels[criterion.key] = combine_levels(criterion.key, found) if found else None
    scorer = turn_results[0].scorer if turn_results else get_scorer().name
    numbers = turn_numbers or list(range(1, len(turn_results) + 1))
    flags = tuple(
        {**flag.as_dict(), "turn": number}
        for number, result in zip(numbers, turn_results, strict=True)
        for flag in result.flags
    )
    return AttemptPrescore(scorer=scorer, levels=levels, percent=weighted_percent(levels, criteria), flags=flags)


def _frozen_error(attempt: Attempt) -> ValidationError:
    return ValidationError(
        f"This attempt was submitted on {attempt.submitted_at:%d %b %Y} and can no longer change.", code="frozen"
    )


def attempts_allowed(scenario: Scenario, used: int) -> bool:
    return scenario.max_attempts is None or used < scenario.max_attempts


def attempt_start(
    *, enrollment: Enrollment, scenario: Scenario, now: datetime.datetime | None = None
) -> tuple[Attempt, bool]:
    """Start a new attempt, or return the one already in progress. Says whether it was created."""
    now = now or timezone.now()
    existing = Attempt.objects.filter(enrollment=enrollment, scenario=scenario, state=AttemptState.IN_PROGRESS).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            Enrollment.objects.select_for_update().filter(pk=enrollment.pk).first()  # serialise starts per hire
            attempts = Attempt.objects.filter(enrollment=enrollment, scenario=scenario)
            total = attempts.count()
            # An attempt a coach returned for another try does not use one up.
            used = attempts.exclude(state=AttemptState.RETURNED).count()
            if not attempts_allowed(scenario, used):
                raise ValidationError(f"You have used all {scenario.max_attempts} attempts at this role-play.",
                                      code="no_attempts_left")  # fmt: skip
            attempt = Attempt.objects.create(
                enrollment=enrollment, scenario=scenario, number=total + 1,
                rubric_version=scenario.rubric.current_version, started_at=now,
            )  # fmt: skip
            opening = scenario.turns.get(number=1)
            AttemptTurn.objects.create(
                attempt=attempt, number=1, variant=Variant.OPENING, customer_text=opening.neutral, shown_at=now
            )
            return attempt, True
    except IntegrityError:  # a concurrent request started it first
        return Attempt.objects.get(enrollment=enrollment, scenario=scenario, state=AttemptState.IN_PROGRESS), False


def _current_turn(attempt: Attempt) -> AttemptTurn:
    return attempt.turns.filter(answered_at__isnull=True).order_by("number").first()


def attempt_draft_save(*, attempt: Attempt, answer: str, now: datetime.datetime | None = None) -> AttemptTurn:
    """Autosave the answer being written. Only the unanswered turn of an attempt in progress can change."""
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.is_frozen:
            raise _frozen_error(attempt)
        turn = _current_turn(attempt)
        turn.answer = answer[:MAX_ANSWER_CHARS]
        turn.draft_saved_at = now or timezone.now()
        turn.save(update_fields=["answer", "draft_saved_at"])
        return turn


def attempt_answer(*, attempt: Attempt, answer: str, now: datetime.datetime | None = None) -> Attempt:
    """Send the answer to the current turn. The customer replies, or, after the last turn, the attempt is submitted."""
    now = now or timezone.now()
    answer = answer.strip()
    if not answer:
        raise ValidationError("Write your answer before sending it.", code="empty")
    if len(answer) > MAX_ANSWER_CHARS:
        raise ValidationError(f"An answer can be at most {MAX_ANSWER_CHARS} characters.", code="too_long")
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().select_related("scenario", "rubric_version").get(pk=attempt.pk)
        if attempt.is_frozen:
            raise _frozen_error(attempt)
        scenario = attempt.scenario
        turn = _current_turn(attempt)
        result = get_scorer().score(scoring_request(turn=turn, answer=answer))
        turn.answer = answer
        turn.answered_at = now
        turn.seconds_spent = max(0, int((now - turn.shown_at).total_seconds()))
        turn.prescore = result.as_dict()
        turn.save(update_fields=["answer", "answered_at", "seconds_spent", "prescore"])

        criteria = list(attempt.rubric_version.criteria.all())
        following = scenario.turns.filter(number=turn.number + 1).first()
        if following is not None:
            percent = weighted_percent({c.key: c.level for c in result.criteria}, criteria)
            variant = next_variant(percent)
            AttemptTurn.objects.create(
                attempt=attempt, number=following.number, variant=variant,
                customer_text=following.text_for(variant), shown_at=now,
            )  # fmt: skip
            return attempt
        return _submit(attempt, criteria, now)


def _submit(attempt: Attempt, criteria: list[Criterion], now: datetime.datetime) -> Attempt:
    turns = list(attempt.turns.order_by("number"))
    results = [ScoreResult.from_dict(t.prescore) for t in turns]
    prescore = prescore_combine(results, criteria, [t.number for t in turns])
    attempt.prescore = prescore.as_dict()
    attempt.prescore_percent = prescore.percent
    attempt.prescore_flagged = bool(prescore.flags)
    attempt.submitted_at = now
    # Practice ends at submission; a graded role-play goes on to the coaches' queue.
    attempt.state = AttemptState.AWAITING_COACH if attempt.scenario.is_graded else AttemptState.SUBMITTED
    if attempt.scenario.is_graded:
        target = Cohort.objects.filter(enrollments=attempt.enrollment_id).values_list("grading_target_hours", flat=True)
        attempt.grading_due_at = now + datetime.timedelta(hours=target[0])
    attempt.save(
        update_fields=["prescore", "prescore_percent", "prescore_flagged", "submitted_at", "state", "grading_due_at"]
    )
    return attempt
