"""Reads for readiness: one hire's, or many hires' at once in a fixed number of queries."""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from coaching.models import Grade
from courses import progress
from courses.models import RUNNING_STATUSES, CheckAttempt, Cohort, Criterion, Enrollment, KnowledgeCheck, ScenarioMode
from readiness import rules
from readiness.models import ReadinessOverride, ReadinessRule, ReadinessRuleChange, ReadinessSignOff
from readiness.rules import Readiness, ReleasedGrade


def rule_of(cohort: Cohort) -> ReadinessRule:
    """The cohort's rule, or the defaults (unsaved) until an admin changes it: reading never writes."""
    return ReadinessRule.objects.filter(cohort=cohort).first() or ReadinessRule(cohort=cohort)


def readiness_for(*, enrollment: Enrollment, now: datetime.datetime | None = None) -> Readiness:
    return readiness_for_many(enrollments=[enrollment], now=now)[enrollment.pk]


def readiness_for_many(
    *, enrollments: Sequence[Enrollment], now: datetime.datetime | None = None
) -> dict[int, Readiness]:
    """Readiness of many enrollments (their cohorts already read), keyed by enrollment id.

    Seven queries whatever the number of hires: rules, knowledge checks, checks passed, released
    grades, their criteria, current sign-offs and overrides in force.
    """
    now = now or timezone.now()
    if not enrollments:
        return {}
    ids = [e.pk for e in enrollments]
    cohort_ids = {e.cohort_id for e in enrollments}
    curriculum_ids = {e.cohort.curriculum_id for e in enrollments}

    saved_rules = {rule.cohort_id: rule for rule in ReadinessRule.objects.filter(cohort_id__in=cohort_ids)}
    check_weeks: dict[int, dict[int, int]] = defaultdict(dict)  # curriculum → check id → week
    for check_id, curriculum_id, week in KnowledgeCheck.objects.filter(
        week__curriculum_id__in=curriculum_ids
    ).values_list("id", "week__curriculum_id", "week__number"):
        check_weeks[curriculum_id][check_id] = week
    passed: dict[int, set[int]] = defaultdict(set)
    for enrollment_id, check_id in (
        CheckAttempt.objects.filter(progress.CHECK_DONE, enrollment_id__in=ids)  # passed: courses.progress decides
        .values_list("enrollment_id", "knowledge_check_id")
        .distinct()
    ):
        passed[enrollment_id].add(check_id)

    grades: dict[int, list[ReleasedGrade]] = defaultdict(list)
    version_ids = set()
    for enrollment_id, levels, released_at, version_id in Grade.objects.filter(
        attempt__enrollment_id__in=ids,
        attempt__scenario__mode=ScenarioMode.GRADED,
        outcome=Grade.Outcome.RELEASED,  # held, draft and returned grades are not the grade of record
        released_at__isnull=False,
        released_at__lte=now,
    ).values_list("attempt__enrollment_id", "levels", "released_at", "rubric_version_id"):
        if levels:
            grades[enrollment_id].append(ReleasedGrade(released_at, levels))
            version_ids.add(version_id)
    titles: dict[str, str] = {}
    order: dict[str, int] = {}
    for key, title, position in (
        Criterion.objects.filter(rubric_version_id__in=version_ids)
        .order_by("rubric_version__number", "position")
        .values_list("key", "title", "position")
    ):
        titles[key] = title  # the newest version's title wins
        order.setdefault(key, position)

    signoffs = {
        s.enrollment_id: s
        for s in ReadinessSignOff.objects.filter(enrollment_id__in=ids, withdrawn_at__isnull=True).select_related(
            "coach"
        )
    }
    overrides = {
        o.enrollment_id: o
        for o in ReadinessOverride.objects.filter(enrollment_id__in=ids, revoked_at__isnull=True).select_related(
            "admin"
        )
    }
    default_rules: dict[int, ReadinessRule] = {}
    results = {}
    for enrollment in enrollments:
        rule = saved_rules.get(enrollment.cohort_id) or default_rules.setdefault(
            enrollment.cohort_id, ReadinessRule(cohort_id=enrollment.cohort_id)
        )
        results[enrollment.pk] = rules.readiness(
            enrollment_id=enrollment.pk,
            rule=rule,
            check_weeks=check_weeks.get(enrollment.cohort.curriculum_id, {}),
            passed_checks=passed.get(enrollment.pk, set()),
            grades=grades.get(enrollment.pk, []),
            criterion_titles=titles,
            criterion_order=order,
            signoff=signoffs.get(enrollment.pk),
            override=overrides.get(enrollment.pk),
        )
    return results


@dataclass(frozen=True)
class CohortReadiness:
    """The cohort dashboard's section: each hire in training with their readiness, and the counts."""

    cohort: Cohort
    rule: ReadinessRule
    rows: list[tuple[Enrollment, Readiness]]

    @property
    def ready(self) -> int:
        return sum(1 for _, readiness in self.rows if readiness.met)

    @property
    def not_ready(self) -> int:
        return len(self.rows) - self.ready


def cohort_readiness(
    *, cohort: Cohort, enrollments: Sequence[Enrollment], now: datetime.datetime | None = None
) -> CohortReadiness:
    """Readiness of the cohort's hires in training (enrollments already read, cohort set on them)."""
    running = [e for e in enrollments if e.status in RUNNING_STATUSES]
    by_id = readiness_for_many(enrollments=running, now=now)
    rule = next(iter(by_id.values())).rule if by_id else rule_of(cohort)
    return CohortReadiness(cohort, rule, [(e, by_id[e.pk]) for e in running])


def signoff_history(*, enrollment: Enrollment) -> QuerySet[ReadinessSignOff]:
    return ReadinessSignOff.objects.filter(enrollment=enrollment).select_related("coach", "withdrawn_by")


def override_history(*, enrollment: Enrollment) -> QuerySet[ReadinessOverride]:
    return ReadinessOverride.objects.filter(enrollment=enrollment).select_related("admin", "revoked_by")


def rule_changes(*, rule: ReadinessRule) -> QuerySet[ReadinessRuleChange]:
    if rule.pk is None:
        return ReadinessRuleChange.objects.none()
    return ReadinessRuleChange.objects.filter(rule=rule).select_related("actor")[:20]
