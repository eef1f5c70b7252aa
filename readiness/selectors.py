"""Reads for readiness: one hire's, or many hires' at once in a fixed number of queries."""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from accounts.caching import people_attach
from coaching.models import Grade
from common.versioned_cache import cached_many
from courses import caching, progress
from courses.models import RUNNING_STATUSES, CheckAttempt, Cohort, Criterion, Enrollment, ScenarioMode
from readiness import rules
from readiness.models import ReadinessOverride, ReadinessRule, ReadinessRuleChange, ReadinessSignOff
from readiness.rules import Readiness, ReleasedGrade


def rule_of(cohort: Cohort) -> ReadinessRule:
    """The cohort's rule, or the defaults (unsaved) until an admin changes it: reading never writes."""
    return ReadinessRule.objects.filter(cohort=cohort).first() or ReadinessRule(cohort=cohort)


def readiness_for(*, enrollment: Enrollment, now: datetime.datetime | None = None) -> Readiness:
    return readiness_for_many(enrollments=[enrollment], now=now)[enrollment.pk]


def _facts(enrollment_ids: list[int], now: datetime.datetime | None) -> dict[int, dict]:
    """Per enrollment, what readiness is judged on that only the hire's own events change: the checks
    passed and the released grades of graded role-plays, with their criteria's titles and order."""
    facts = {pk: {"passed": set(), "grades": [], "titles": {}, "order": {}} for pk in enrollment_ids}
    for enrollment_id, check_id in (
        CheckAttempt.objects.filter(progress.CHECK_DONE, enrollment_id__in=enrollment_ids)  # courses.progress decides
        .values_list("enrollment_id", "knowledge_check_id")
        .distinct()
    ):
        facts[enrollment_id]["passed"].add(check_id)
    versions: dict[int, set[int]] = defaultdict(set)
    released = Grade.objects.filter(
        attempt__enrollment_id__in=enrollment_ids,
        attempt__scenario__mode=ScenarioMode.GRADED,
        outcome=Grade.Outcome.RELEASED,  # held, draft and returned grades are not the grade of record
        released_at__isnull=False,
        released_at__lte=now or timezone.now(),
    )
    for enrollment_id, levels, released_at, version_id in released.values_list(
        "attempt__enrollment_id", "levels", "released_at", "rubric_version_id"
    ):
        if levels:
            facts[enrollment_id]["grades"].append(ReleasedGrade(released_at, levels))
            versions[version_id].add(enrollment_id)
    for version_id, key, title, position in (
        Criterion.objects.filter(rubric_version_id__in=list(versions))
        .order_by("rubric_version__number", "position")
        .values_list("rubric_version_id", "key", "title", "position")
    ):
        for enrollment_id in versions[version_id]:
            facts[enrollment_id]["titles"][key] = title  # the newest version's title wins
            facts[enrollment_id]["order"].setdefault(key, position)
    return facts


def _rules(cohort_ids: list[int]) -> dict[int, ReadinessRule]:
    saved = {rule.cohort_id: rule for rule in ReadinessRule.objects.filter(cohort_id__in=cohort_ids)}
    return {pk: saved.get(pk) or ReadinessRule(cohort_id=pk) for pk in cohort_ids}  # the defaults, unsaved


def _decisions(enrollment_ids: list[int]) -> dict[int, dict]:
    """Per enrollment, the sign-off that stands and the override in force (their people attached on reading)."""
    decisions = {pk: {"signoff": None, "override": None} for pk in enrollment_ids}
    for signoff in ReadinessSignOff.objects.filter(enrollment_id__in=enrollment_ids, withdrawn_at__isnull=True):
        decisions[signoff.enrollment_id]["signoff"] = signoff
    for override in ReadinessOverride.objects.filter(enrollment_id__in=enrollment_ids, revoked_at__isnull=True):
        decisions[override.enrollment_id]["override"] = override
    return decisions


def _check_weeks(curriculum_id: int) -> dict[int, int]:
    """Check id → week number, from the curriculum's cached outline."""
    outline = caching.curriculum_outline(curriculum_id=curriculum_id)
    week_numbers = caching.outline_week_numbers(outline)
    return {check["id"]: week_numbers[check["week_id"]] for check in outline["checks"]}


def readiness_for_many(
    *, enrollments: Sequence[Enrollment], now: datetime.datetime | None = None
) -> dict[int, Readiness]:
    """Readiness of many enrollments (their cohorts already read), keyed by enrollment id.

    What the hire's own events change (checks, grades, sign-offs and overrides) from the cache
    (courses.caching), and no query once cached; asked as of another moment than now, everything is read.
    """
    if not enrollments:
        return {}
    ids = [e.pk for e in enrollments]
    cohort_of = {e.pk: e.cohort_id for e in enrollments}
    curriculum_of = {e.pk: e.cohort.curriculum_id for e in enrollments}  # which role-plays are graded
    if now is None:
        facts = cached_many(
            caching.ENROLLMENT, ids, "readiness", lambda pks: _facts(pks, None),
            also=lambda pk: [(caching.CURRICULUM, curriculum_of[pk])],
        )  # fmt: skip
        rules_of = cached_many(caching.COHORT, set(cohort_of.values()), "readiness-rule", _rules)
    else:
        facts, rules_of = _facts(ids, now), _rules(list(set(cohort_of.values())))
    check_weeks = {pk: _check_weeks(pk) for pk in {e.cohort.curriculum_id for e in enrollments}}
    if now is None:
        standing = cached_many(caching.ENROLLMENT, ids, "readiness-decisions", _decisions)
    else:
        standing = _decisions(ids)
    people_attach([each["signoff"] for each in standing.values()], "coach")
    people_attach([each["override"] for each in standing.values()], "admin")
    signoffs = {pk: each["signoff"] for pk, each in standing.items()}
    overrides = {pk: each["override"] for pk, each in standing.items()}
    results = {}
    for enrollment in enrollments:
        found = facts[enrollment.pk]
        results[enrollment.pk] = rules.readiness(
            enrollment_id=enrollment.pk,
            rule=rules_of[enrollment.cohort_id],
            check_weeks=check_weeks[enrollment.cohort.curriculum_id],
            passed_checks=found["passed"],
            grades=found["grades"],
            criterion_titles=found["titles"],
            criterion_order=found["order"],
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
