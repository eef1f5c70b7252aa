"""Reads for calibration: a session's agreement figures, in a fixed number of queries whatever its size."""

from dataclasses import dataclass

from django.db.models import Prefetch

from accounts.models import User
from calibration.agreement import GoldAgreement, gold_agreement, ordinal_alpha
from calibration.models import CalibrationGrade, CalibrationSession, SessionItem
from courses.models import Criterion


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
