"""Readiness for nesting: the rule's requirements with exactly what is missing, sign-off, override,
the week-5 flag, where it shows, and flat query counts."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coaching.models import Grade
from courses import services as course_services
from courses.models import Attempt, AttemptState, CheckAttempt, Enrollment
from notifications.models import Kind, Notification
from readiness import selectors, services
from readiness.models import ReadinessFlag, ReadinessOverride, ReadinessRuleChange, ReadinessSignOff
from tests.factories import CoachFactory, CohortFactory, EnrollmentFactory, HireFactory, curriculum_with, right_answers
from tests.roleplay_support import scenario_with_turns

pytestmark = pytest.mark.django_db

GOOD = {"acknowledge": 2, "connect": 2, "explore": 2, "own_resolve": 2, "wow": 2, "tone": 2}


@pytest.fixture
def cohort(db, coach):
    cohort = CohortFactory(
        curriculum=curriculum_with(lessons_per_week=1),
        start_date=timezone.localdate() - datetime.timedelta(days=20),
        time_zone="UTC",
    )
    cohort.coaches.add(coach)
    return cohort


@pytest.fixture
def scenario(cohort):
    return scenario_with_turns(cohort.curriculum, slug="graded", mode="graded")


@pytest.fixture
def enrollment(cohort, hire):
    return EnrollmentFactory(cohort=cohort, hire=hire)


def pass_checks(enrollment, through_week: int) -> None:
    for number in range(1, through_week + 1):
        check = enrollment.cohort.curriculum.weeks.get(number=number).knowledge_check
        course_services.check_attempt_submit(enrollment=enrollment, knowledge_check=check, answers=right_answers(check))


def grade(enrollment, scenario, coach, levels: dict, *, days_ago: int, outcome=Grade.Outcome.RELEASED) -> Grade:
    when = timezone.now() - datetime.timedelta(days=days_ago)
    attempt = Attempt.objects.create(
        enrollment=enrollment, scenario=scenario, number=Attempt.objects.filter(enrollment=enrollment).count() + 1,
        rubric_version=scenario.rubric.current_version, state=AttemptState.GRADED, started_at=when, submitted_at=when,
    )  # fmt: skip
    return Grade.objects.create(
        attempt=attempt, coach=coach, rubric_version=attempt.rubric_version, levels=levels, percent=60,
        outcome=outcome, released_at=when if outcome == Grade.Outcome.RELEASED else None,
    )  # fmt: skip


def ready_hire(enrollment, scenario, coach) -> None:
    pass_checks(enrollment, 4)
    for days_ago in (3, 2, 1):
        grade(enrollment, scenario, coach, GOOD, days_ago=days_ago)
    services.readiness_sign_off(enrollment=enrollment, coach=coach, note="Ready")


def missing(enrollment) -> tuple[str, ...]:
    return selectors.readiness_for(enrollment=enrollment).missing


# --- The rule ---------------------------------------------------------------------------------------------


def test_a_hire_who_meets_every_requirement_is_ready(enrollment, scenario, coach):
    ready_hire(enrollment, scenario, coach)
    readiness = selectors.readiness_for(enrollment=enrollment)
    assert readiness.met and readiness.rule_met and not readiness.missing
    assert [r.key for r in readiness.requirements] == ["checks", "roleplays", "levels", "no_zero", "signoff"]
    assert readiness.label == "Ready"


def test_each_knowledge_check_not_passed_is_named(enrollment, scenario, coach):
    ready_hire(enrollment, scenario, coach)
    CheckAttempt.objects.filter(enrollment=enrollment, knowledge_check__week__number=3).update(passed=False)
    assert missing(enrollment) == ("Week 3's knowledge check not passed",)
    # Weeks after the rule's last one do not count; week 5's check was never taken.
    assert not selectors.readiness_for(enrollment=enrollment).requirements[0].met


def test_too_few_released_grades_say_how_many(enrollment, scenario, coach):
    pass_checks(enrollment, 4)
    grade(enrollment, scenario, coach, GOOD, days_ago=1)
    services.readiness_sign_off(enrollment=enrollment, coach=coach)
    assert missing(enrollment) == ("Only 1 graded role-play released (needs 3)",)


def test_a_low_average_names_the_criterion_and_the_average(enrollment, scenario, coach):
    ready_hire(enrollment, scenario, coach)
    for days_ago, explore in ((6, 0), (0.4, 2), (0.3, 2)):  # the oldest falls out of the last three
        grade(enrollment, scenario, coach, {**GOOD, "explore": explore}, days_ago=days_ago)
    assert missing(enrollment) == ()
    grade(enrollment, scenario, coach, {**GOOD, "explore": 1}, days_ago=0.1)
    assert missing(enrollment) == ("Last 3 graded role-plays average 1.7 on Explore (needs 2)",)


def test_a_zero_in_the_latest_role_play_is_named(enrollment, scenario, coach):
    ready_hire(enrollment, scenario, coach)
    grade(enrollment, scenario, coach, {**GOOD, "tone": 0, "wow": 3}, days_ago=0)
    readiness = selectors.readiness_for(enrollment=enrollment)
    assert "Tone at 0 in the latest role-play" in readiness.missing
    assert not readiness.met


def test_held_and_draft_grades_do_not_count(enrollment, scenario, coach):
    ready_hire(enrollment, scenario, coach)
    grade(enrollment, scenario, coach, {**GOOD, "tone": 0}, days_ago=0, outcome=Grade.Outcome.HELD)
    grade(enrollment, scenario, coach, {**GOOD, "tone": 0}, days_ago=0, outcome=Grade.Outcome.DRAFT)
    assert selectors.readiness_for(enrollment=enrollment).met
    Grade.objects.filter(outcome=Grade.Outcome.RELEASED).update(outcome=Grade.Outcome.HELD)
    assert "No graded role-play released yet (needs 3)" in missing(enrollment)
    assert "No graded role-play released yet" not in missing(enrollment)  # said once, with what is needed


def test_the_rule_is_the_cohorts_and_admins_change_it_with_an_audit_row(enrollment, scenario, coach, training_admin):
    pass_checks(enrollment, 4)
    grade(enrollment, scenario, coach, GOOD, days_ago=1)
    assert missing(enrollment) == ("Only 1 graded role-play released (needs 3)", "Awaiting the coach's sign-off")
    services.readiness_rule_update(
        cohort=enrollment.cohort, actor=training_admin, recent_roleplays=1, requires_signoff=False
    )
    assert selectors.readiness_for(enrollment=enrollment).met
    change = ReadinessRuleChange.objects.get()
    assert change.actor == training_admin
    assert change.changes == {"recent_roleplays": [3, 1], "requires_signoff": [True, False]}
    with pytest.raises(ValidationError):
        services.readiness_rule_update(cohort=enrollment.cohort, actor=training_admin, min_average_level=4)
    with pytest.raises(PermissionDenied):
        services.readiness_rule_update(cohort=enrollment.cohort, actor=coach, recent_roleplays=2)
    assert ReadinessRuleChange.objects.count() == 1


# --- Sign-off and override --------------------------------------------------------------------------------


def test_sign_off_is_the_cohorts_coach_once_and_withdrawing_keeps_the_row(enrollment, coach):
    other_coach = CoachFactory()
    with pytest.raises(PermissionDenied):
        services.readiness_sign_off(enrollment=enrollment, coach=other_coach)
    first = services.readiness_sign_off(enrollment=enrollment, coach=coach, note="Good calls")
    assert services.readiness_sign_off(enrollment=enrollment, coach=coach) == first  # retried: the same one
    assert selectors.readiness_for(enrollment=enrollment).signoff == first
    services.readiness_sign_off_withdraw(enrollment=enrollment, actor=coach)
    assert "Awaiting the coach's sign-off" in missing(enrollment)
    row = ReadinessSignOff.objects.get()
    assert row.withdrawn_by == coach and row.withdrawn_at is not None and row.note == "Good calls"
    with pytest.raises(ValidationError, match="no sign-off to withdraw"):
        services.readiness_sign_off_withdraw(enrollment=enrollment, actor=coach)


def test_an_override_decides_needs_a_reason_and_its_revoke_is_audited(enrollment, coach, training_admin):
    assert not selectors.readiness_for(enrollment=enrollment).met
    with pytest.raises(ValidationError, match="Give a reason"):
        services.readiness_override(enrollment=enrollment, admin=training_admin, ready=True, reason="  ")
    with pytest.raises(PermissionDenied):
        services.readiness_override(enrollment=enrollment, admin=coach, ready=True, reason="x")
    services.readiness_override(enrollment=enrollment, admin=training_admin, ready=True, reason="Nested elsewhere")
    readiness = selectors.readiness_for(enrollment=enrollment)
    assert readiness.met and readiness.overridden and not readiness.rule_met
    assert readiness.label == "Ready (admin's decision)"
    services.readiness_override(enrollment=enrollment, admin=training_admin, ready=False, reason="Needs a week more")
    assert not selectors.readiness_for(enrollment=enrollment).met
    services.readiness_override_revoke(enrollment=enrollment, admin=training_admin)
    assert not selectors.readiness_for(enrollment=enrollment).overridden
    rows = list(ReadinessOverride.objects.order_by("at", "id"))
    assert [(r.decision, r.revoked_by) for r in rows] == [("ready", training_admin), ("not_ready", training_admin)]
    with pytest.raises(ValidationError, match="no override in force"):
        services.readiness_override_revoke(enrollment=enrollment, admin=training_admin)


# --- The week-5 flag --------------------------------------------------------------------------------------


def test_hires_not_ready_when_week_5_opens_are_flagged_once_and_coaches_told(coach, scenario):
    cohort = scenario.curriculum.cohorts.first() or CohortFactory(curriculum=scenario.curriculum)
    cohort.coaches.add(coach)
    cohort.start_date, cohort.time_zone = timezone.localdate() - datetime.timedelta(days=28), "UTC"
    cohort.save()
    not_ready = EnrollmentFactory(cohort=cohort, hire=HireFactory(display_name="Nia Notyet"))
    ready = EnrollmentFactory(cohort=cohort)
    ready_hire(ready, scenario, coach)
    extended = EnrollmentFactory(cohort=cohort, extension_days=3)  # her week 5 has not opened yet
    now = timezone.now()

    flags = services.readiness_flags_raise(now=now)
    assert [f.enrollment for f in flags] == [not_ready]
    assert ReadinessFlag.objects.get().missing[0] == "Week 1's knowledge check not passed"
    told = Notification.objects.get(kind=Kind.READINESS)
    assert told.recipient == coach and "Nia Notyet is not ready for nesting" in told.title
    assert services.readiness_flags_raise(now=now + datetime.timedelta(hours=1)) == []
    assert Notification.objects.filter(kind=Kind.READINESS).count() == 1
    assert not ReadinessFlag.objects.filter(enrollment=extended).exists()


# --- Where it shows ---------------------------------------------------------------------------------------


def test_the_hire_sees_what_is_missing_on_her_dashboard(hire_client, enrollment, scenario, coach):
    grade(enrollment, scenario, coach, GOOD, days_ago=1)
    page = hire_client.get("/training/").content.decode()
    assert "Ready for nesting" in page
    assert "Only 1 graded role-play released (needs 3)" in page
    assert "Awaiting the coach&#x27;s sign-off" in page


def test_the_coach_sees_readiness_on_my_hires_and_signs_off_from_the_timeline(coach_client, enrollment, coach):
    page = coach_client.get("/coaching/hires/").content.decode()
    assert "Ready for nesting" in page and "Not yet" in page
    timeline = coach_client.get(f"/coaching/hires/{enrollment.pk}/").content.decode()
    assert "Sign off as ready for nesting" in timeline
    assert "Decide instead of the rule" not in timeline  # admins only
    response = coach_client.post(f"/readiness/hires/{enrollment.pk}/sign-off/", {"note": "Lovely calls"})
    assert response.status_code == 302
    assert ReadinessSignOff.objects.get(enrollment=enrollment).note == "Lovely calls"


def test_the_admin_overrides_from_the_timeline_and_sees_the_cohort_dashboard(admin_client_, enrollment):
    timeline = admin_client_.get(f"/coaching/hires/{enrollment.pk}/").content.decode()
    assert "Decide instead of the rule" in timeline
    admin_client_.post(f"/readiness/hires/{enrollment.pk}/override/", {"decision": "ready", "reason": "Nested before"})
    assert selectors.readiness_for(enrollment=enrollment).met
    page = admin_client_.get(f"/cohorts/{enrollment.cohort_id}/").content.decode()
    assert "Ready (admin&#x27;s decision)" in page and "1</strong> ready" in page


def test_the_rule_page_saves_with_validation(admin_client_, cohort):
    url = f"/readiness/cohorts/{cohort.pk}/rule/"
    assert admin_client_.get(url).status_code == 200
    bad = admin_client_.post(url, {"checks_through_week": 9, "recent_roleplays": 3, "min_average_level": "2"})
    assert bad.status_code == 200 and not ReadinessRuleChange.objects.exists()
    fields = {"checks_through_week": 3, "recent_roleplays": 2, "min_average_level": "1.5", "requires_signoff": "on"}
    assert admin_client_.post(url, fields).status_code == 302
    rule = selectors.rule_of(cohort)
    assert (rule.checks_through_week, rule.recent_roleplays, str(rule.min_average_level)) == (3, 2, "1.5")
    assert rule.no_zero_in_latest is False


# --- API ---------------------------------------------------------------------------------------------------


def test_the_api_reads_signs_off_and_overrides(client_for, enrollment, coach, training_admin, hire):
    url = f"/api/v1/readiness/enrollments/{enrollment.pk}/"
    body = client_for(hire).get(url).json()
    assert body["met"] is False and "Awaiting the coach's sign-off" in body["missing"]
    signed = client_for(coach).post(f"{url}sign-off/", {"note": "ok"}, content_type="application/json")
    assert signed.status_code == 201 and signed.json()["signoff"]["coach"] == coach.display_name
    refused = client_for(training_admin).post(f"{url}override/", {"ready": True, "reason": ""},
                                              content_type="application/json")  # fmt: skip
    assert refused.status_code == 400
    decided = client_for(training_admin).post(f"{url}override/", {"ready": True, "reason": "Nested before"},
                                              content_type="application/json")  # fmt: skip
    assert decided.status_code == 201 and decided.json()["met"] is True and decided.json()["overridden"] is True


# --- Query counts ------------------------------------------------------------------------------------------


def _cohort_of(size: int, coach, scenario) -> list[Enrollment]:
    cohort = CohortFactory(curriculum=scenario.curriculum, time_zone="UTC")
    cohort.coaches.add(coach)
    hires = [HireFactory.build(email=f"h{size}-{i}@example.com") for i in range(size)]
    for user in hires:
        user.save()
    enrollments = Enrollment.objects.bulk_create(Enrollment(cohort=cohort, hire=user) for user in hires)
    for enrollment in enrollments[::5]:
        grade(enrollment, scenario, coach, GOOD, days_ago=1)
    for enrollment in enrollments[::7]:
        services.readiness_sign_off(enrollment=enrollment, coach=coach)
    return list(Enrollment.objects.filter(cohort=cohort).select_related("cohort"))


def test_readiness_for_many_costs_the_same_queries_for_10_or_500_hires(coach, scenario, django_assert_num_queries):
    # Written in this test's open transaction, every hire's facts are read, not cached (courses.caching):
    # rules, checks passed, released grades, their criteria, sign-offs and overrides, the coaches who signed
    # off, and the curriculum's outline.
    for size in (10, 500):
        enrollments = _cohort_of(size, coach, scenario)
        with django_assert_num_queries(11):
            result = selectors.readiness_for_many(enrollments=enrollments)
        assert len(result) == size


# --- From the cache ---------------------------------------------------------------------------------------


def _missing_and_queries(enrollment) -> tuple[tuple[str, ...], int]:
    with CaptureQueriesContext(connection) as captured:
        found = selectors.readiness_for(enrollment=enrollment).missing
    return found, len(captured)


@pytest.mark.django_db(transaction=True)  # the cache's tokens change when a write commits
def test_cached_readiness_follows_checks_grades_and_the_rule(enrollment, scenario, coach, training_admin):
    first, cold = _missing_and_queries(enrollment)
    again, warm = _missing_and_queries(enrollment)
    assert again == first and warm < cold  # the second read came from the cache
    assert any("knowledge check" in reason for reason in first)

    pass_checks(enrollment, 4)
    assert not any("knowledge check" in reason for reason in _missing_and_queries(enrollment)[0])

    for days_ago in (3, 2, 1):
        grade(enrollment, scenario, coach, GOOD, days_ago=days_ago)
    assert _missing_and_queries(enrollment)[0] == ("Awaiting the coach's sign-off",)

    services.readiness_rule_update(cohort=enrollment.cohort, actor=training_admin, requires_signoff=False)
    readiness = selectors.readiness_for(enrollment=enrollment)
    assert readiness.met and readiness.missing == ()
