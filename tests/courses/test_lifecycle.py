"""The enrollment lifecycle: each step changes what its state allows, and leaves an event saying so."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from courses import services
from courses.models import Enrollment, EnrollmentEvent, EnrollmentEventKind, EnrollmentStatus
from tests.factories import CohortFactory, EnrollmentFactory, HireFactory, curriculum_with

pytestmark = pytest.mark.django_db

S = EnrollmentStatus


@pytest.fixture
def cohort(db):
    return CohortFactory(curriculum=curriculum_with(lessons_per_week=1), time_zone="UTC")


def _snapshot(enrollment: Enrollment) -> tuple:
    row = Enrollment.objects.get(pk=enrollment.pk)
    fields = (row.status, row.paused_on, row.extension_days, row.cohort_id, row.monthly_salary)
    return fields, EnrollmentEvent.objects.filter(enrollment=row).count()


def _last_event(enrollment: Enrollment) -> EnrollmentEvent:
    return EnrollmentEvent.objects.filter(enrollment=enrollment).order_by("-id").first()


def test_every_step_of_a_hires_life_leaves_its_event(cohort, training_admin):
    hire = HireFactory(display_name="Ana Ruiz")
    enrollment = services.enrollment_create(
        cohort=cohort, hire=hire, actor=training_admin, note="Added by hand", monthly_salary=Decimal("3200.00")
    )
    other = CohortFactory(curriculum=cohort.curriculum, time_zone="UTC", name="May cohort")
    now = timezone.now()
    services.enrollment_pause(enrollment=enrollment, actor=training_admin, note="Family leave", now=now)
    services.enrollment_resume(
        enrollment=enrollment, actor=training_admin, now=now + datetime.timedelta(days=3), note="Back"
    )
    services.enrollment_extend(enrollment=enrollment, days=2, actor=training_admin, note="Sick days")
    services.enrollment_move(enrollment=enrollment, cohort=other, actor=training_admin, note="Schedule")
    services.enrollment_withdraw(enrollment=enrollment, actor=training_admin, reason="Took another job")
    services.enrollment_reinstate(enrollment=enrollment, actor=training_admin, reason="The job fell through")
    services.enrollment_salary_change(
        enrollment=enrollment, monthly_salary="3400", actor=training_admin, reason="Regional rate"
    )
    services.enrollment_graduate(enrollment=enrollment, actor=hire, note="Committed")
    services.enrollment_reopen(enrollment=enrollment, actor=training_admin, reason="Decided in haste")
    services.enrollment_leave_with_offer(enrollment=enrollment, actor=hire, note="Took the offer")

    events = list(EnrollmentEvent.objects.filter(enrollment=enrollment).order_by("id"))
    K = EnrollmentEventKind
    assert [(e.kind, e.actor) for e in events] == [
        (K.ENROLLED, training_admin),
        (K.PAUSED, training_admin),
        (K.RESUMED, training_admin),
        (K.EXTENDED, training_admin),
        (K.MOVED, training_admin),
        (K.WITHDRAWN, training_admin),
        (K.REINSTATED, training_admin),
        (K.SALARY_CHANGED, training_admin),
        (K.GRADUATED, hire),
        (K.REOPENED, training_admin),
        (K.LEFT_WITH_OFFER, hire),
    ]
    by_kind = {e.kind: e for e in events}
    assert by_kind[K.ENROLLED].note == "Added by hand"
    assert by_kind[K.ENROLLED].data == {"status": [None, "active"], "monthly_salary": [None, "3200.00"]}
    assert by_kind[K.PAUSED].data == {"status": ["active", "paused"]}
    assert by_kind[K.RESUMED].days == 3 and by_kind[K.RESUMED].data["extension_days"] == [0, 3]
    assert by_kind[K.EXTENDED].days == 2 and by_kind[K.EXTENDED].data == {"extension_days": [3, 5]}
    assert by_kind[K.MOVED].data == {"cohort": [cohort.pk, other.pk]}
    assert by_kind[K.WITHDRAWN].note == "Took another job"
    assert by_kind[K.WITHDRAWN].data == {"status": ["active", "withdrawn"]}
    assert by_kind[K.REINSTATED].note == "The job fell through"
    assert by_kind[K.REINSTATED].data == {"status": ["withdrawn", "active"]}
    salary = by_kind[K.SALARY_CHANGED]
    assert salary.data["monthly_salary"] == ["3200.00", "3400.00"] and salary.data["currency"] == "USD"
    assert salary.note == "3,200.00 → 3,400.00 USD: Regional rate"
    assert by_kind[K.GRADUATED].data == {"status": ["active", "graduated"]}
    assert by_kind[K.REOPENED].data == {"status": ["graduated", "active"]}
    assert by_kind[K.LEFT_WITH_OFFER].data == {"status": ["active", "left_with_offer"]}

    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.cohort, enrollment.extension_days, enrollment.monthly_salary) == (
        S.LEFT_WITH_OFFER, other, 5, Decimal("3400.00")
    )  # fmt: skip


def test_the_callers_instance_is_brought_up_to_date(cohort, training_admin):
    enrollment = EnrollmentFactory(cohort=cohort)
    services.enrollment_withdraw(enrollment=enrollment, actor=training_admin, reason="Left")
    assert enrollment.status == S.WITHDRAWN


# Every step, with the states it must refuse.
STEPS = {
    "pause": (lambda e, a: services.enrollment_pause(enrollment=e, actor=a), [S.PAUSED, S.WITHDRAWN, S.GRADUATED]),
    "resume": (lambda e, a: services.enrollment_resume(enrollment=e, actor=a), [S.ACTIVE, S.WITHDRAWN]),
    "extend": (
        lambda e, a: services.enrollment_extend(enrollment=e, days=3, actor=a),
        [S.WITHDRAWN, S.GRADUATED, S.LEFT_WITH_OFFER],
    ),
    "withdraw": (
        lambda e, a: services.enrollment_withdraw(enrollment=e, actor=a, reason="Left"),
        [S.WITHDRAWN, S.GRADUATED, S.LEFT_WITH_OFFER],
    ),
    "reinstate": (
        lambda e, a: services.enrollment_reinstate(enrollment=e, actor=a, reason="Back"),
        [S.ACTIVE, S.PAUSED, S.GRADUATED, S.LEFT_WITH_OFFER],
    ),
    "graduate": (
        lambda e, a: services.enrollment_graduate(enrollment=e, actor=a),
        [S.PAUSED, S.WITHDRAWN, S.GRADUATED, S.LEFT_WITH_OFFER],
    ),
    "leave_with_offer": (
        lambda e, a: services.enrollment_leave_with_offer(enrollment=e, actor=a),
        [S.PAUSED, S.WITHDRAWN, S.GRADUATED, S.LEFT_WITH_OFFER],
    ),
    "reopen": (
        lambda e, a: services.enrollment_reopen(enrollment=e, actor=a, reason="Annulled"),
        [S.ACTIVE, S.PAUSED, S.WITHDRAWN],
    ),
}
REFUSALS = [(step, status) for step, (_, refused) in STEPS.items() for status in refused]


@pytest.mark.parametrize(("step", "status"), REFUSALS, ids=[f"{s}-from-{st}" for s, st in REFUSALS])
def test_a_step_its_state_does_not_allow_is_refused_and_changes_nothing(cohort, training_admin, step, status):
    paused_on = timezone.localdate() if status == S.PAUSED else None
    enrollment = EnrollmentFactory(cohort=cohort, status=status, paused_on=paused_on, monthly_salary=Decimal("3000"))
    before = _snapshot(enrollment)
    with pytest.raises(ValidationError) as refused:
        STEPS[step][0](enrollment, training_admin)
    assert refused.value.messages[0]
    assert _snapshot(enrollment) == before


def test_moving_to_an_archived_cohort_or_another_curriculum_is_refused(cohort, training_admin):
    enrollment = EnrollmentFactory(cohort=cohort)
    archived = CohortFactory(curriculum=cohort.curriculum, archived_at=timezone.now())
    elsewhere = CohortFactory(curriculum=curriculum_with(lessons_per_week=1, version=2))
    before = _snapshot(enrollment)
    for target in (archived, elsewhere, cohort):
        with pytest.raises(ValidationError):
            services.enrollment_move(enrollment=enrollment, cohort=target, actor=training_admin)
    assert _snapshot(enrollment) == before


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
@pytest.mark.parametrize("step", ["withdraw", "reinstate", "reopen", "salary"])
def test_steps_that_need_a_reason_refuse_without_one(cohort, training_admin, step, reason):
    status = {"withdraw": S.ACTIVE, "reinstate": S.WITHDRAWN, "reopen": S.GRADUATED, "salary": S.ACTIVE}[step]
    enrollment = EnrollmentFactory(cohort=cohort, status=status, monthly_salary=Decimal("3000"))
    before = _snapshot(enrollment)
    service = {
        "withdraw": services.enrollment_withdraw,
        "reinstate": services.enrollment_reinstate,
        "reopen": services.enrollment_reopen,
        "salary": lambda **kw: services.enrollment_salary_change(monthly_salary="3100", **kw),
    }[step]
    with pytest.raises(ValidationError):
        service(enrollment=enrollment, actor=training_admin, reason=reason)
    assert _snapshot(enrollment) == before


def test_reinstating_is_refused_while_the_hire_trains_elsewhere_or_the_cohort_is_archived(cohort, training_admin):
    withdrawn = EnrollmentFactory(cohort=cohort, status=S.WITHDRAWN)
    EnrollmentFactory(hire=withdrawn.hire, cohort=CohortFactory(name="June cohort"))
    before = _snapshot(withdrawn)
    with pytest.raises(ValidationError, match="is training in June cohort"):
        services.enrollment_reinstate(enrollment=withdrawn, actor=training_admin, reason="Back")
    archived = EnrollmentFactory(cohort=CohortFactory(archived_at=timezone.now()), status=S.WITHDRAWN)
    with pytest.raises(ValidationError, match="archived"):
        services.enrollment_reinstate(enrollment=archived, actor=training_admin, reason="Back")
    assert _snapshot(withdrawn) == before


@pytest.mark.parametrize(
    "amount", ["abc", "", "-1", "-0.01", "100000000", "1e12", "12.345", "NaN", "Infinity", None, "3000.00"]
)
def test_a_bad_salary_is_refused_and_nothing_changes(cohort, training_admin, amount):
    enrollment = EnrollmentFactory(cohort=cohort, monthly_salary=Decimal("3000.00"))
    before = _snapshot(enrollment)
    with pytest.raises(ValidationError):
        services.enrollment_salary_change(
            enrollment=enrollment, monthly_salary=amount, actor=training_admin, reason="Raise"
        )
    assert _snapshot(enrollment) == before


def test_a_first_salary_is_recorded_from_none(cohort, training_admin):
    enrollment = EnrollmentFactory(cohort=cohort, monthly_salary=None)
    services.enrollment_salary_change(
        enrollment=enrollment, monthly_salary=Decimal("2950.5"), actor=training_admin, reason="Contract signed"
    )
    event = _last_event(enrollment)
    assert event.kind == EnrollmentEventKind.SALARY_CHANGED
    assert event.data["monthly_salary"] == [None, "2950.50"]
    assert Enrollment.objects.get(pk=enrollment.pk).monthly_salary == Decimal("2950.50")


def test_enrolling_is_refused_in_an_archived_cohort_twice_or_as_already_finished(cohort, training_admin):
    hire = HireFactory()
    services.enrollment_create(cohort=cohort, hire=hire, actor=training_admin)
    counts = (Enrollment.objects.count(), EnrollmentEvent.objects.count())
    with pytest.raises(ValidationError):
        services.enrollment_create(cohort=cohort, hire=hire, actor=training_admin)
    with pytest.raises(ValidationError):
        services.enrollment_create(cohort=CohortFactory(archived_at=timezone.now()), hire=HireFactory())
    with pytest.raises(ValidationError):
        services.enrollment_create(cohort=cohort, hire=HireFactory(), status=S.GRADUATED)
    assert (Enrollment.objects.count(), EnrollmentEvent.objects.count()) == counts


def test_there_is_one_way_to_create_a_cohort():
    from cohorts import services as cohort_services

    assert not hasattr(services, "cohort_create")
    assert callable(cohort_services.cohort_create)
