"""Transfer: the role-play level against the real-call level per hire and criterion, the gap and its trend;
the cohort figure, its CSV and the API, at a fixed number of queries."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import Role, User
from coaching import transfer
from coaching.models import CallReview, Grade
from courses.models import Attempt, AttemptState, Enrollment
from courses.trends import FALLING, RISING, STEADY
from tests.factories import EnrollmentFactory, HireFactory
from tests.roleplay_support import scenario_with_turns

pytestmark = pytest.mark.django_db

KEYS = ("acknowledge", "connect", "explore", "own_resolve", "wow", "tone")
DAY1 = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


def day(number: int) -> datetime.datetime:
    return DAY1 + datetime.timedelta(days=number - 1)


def practice_levels(acknowledge: int) -> dict:
    return {**dict.fromkeys(KEYS, 2), "acknowledge": acknowledge}


def real_levels(acknowledge: int) -> dict:
    return {**dict.fromkeys(KEYS, 1), "acknowledge": acknowledge}


def graded(enrollment, scenario, coach, acknowledge: int, when, *, outcome=Grade.Outcome.RELEASED) -> Grade:
    number = Attempt.objects.filter(enrollment=enrollment, scenario=scenario).count() + 1
    attempt = Attempt.objects.create(
        enrollment=enrollment, scenario=scenario, number=number, rubric_version=scenario.rubric.current_version,
        state=AttemptState.GRADED, started_at=when, submitted_at=when,
    )  # fmt: skip
    return Grade.objects.create(
        attempt=attempt, coach=coach, rubric_version=attempt.rubric_version, levels=practice_levels(acknowledge),
        percent=60, outcome=outcome, released_at=when if outcome == Grade.Outcome.RELEASED else None,
    )  # fmt: skip


def called(enrollment, scenario, coach, acknowledge: int, when, kind=CallReview.Kind.CALL_REVIEW) -> CallReview:
    return CallReview.objects.create(
        enrollment=enrollment, coach=coach, rubric_version=scenario.rubric.current_version, kind=kind, call_at=when,
        call_reference="C-1", duration_seconds=300, reason="Shoes", levels=real_levels(acknowledge),
    )  # fmt: skip


@pytest.fixture
def scenario(running_cohort):
    return scenario_with_turns(running_cohort.curriculum, slug="graded-transfer", mode="graded")


@pytest.fixture
def catching_up(hire_enrollment, scenario, coach):
    """Acknowledge: role-plays 3, 3, 2, (call 1), 3, (observation 2); a held grade of 0 last, which must not count.

    Practice is the mean of 3, 2, 3 = 2.67 and real calls of 1, 2 = 1.5: the gap is −1.17. After each scored
    moment once both exist the gap is −1.67, −1.67, −1.17: closing (rising). Every other criterion: role-plays
    at 2, calls at 1, a steady gap of −1."""
    graded(hire_enrollment, scenario, coach, 3, day(1))
    graded(hire_enrollment, scenario, coach, 3, day(2))
    graded(hire_enrollment, scenario, coach, 2, day(3))
    called(hire_enrollment, scenario, coach, 1, day(4))
    graded(hire_enrollment, scenario, coach, 3, day(5))
    called(hire_enrollment, scenario, coach, 2, day(6), kind=CallReview.Kind.NESTING_OBSERVATION)
    graded(hire_enrollment, scenario, coach, 0, day(7), outcome=Grade.Outcome.HELD)
    return hire_enrollment


@pytest.fixture
def falling_behind(running_cohort, scenario, coach):
    """Acknowledge: role-plays 2, 2; calls 2, 1, 0. Practice 2, real 1, gap −1; gaps 0, −0.5, −1: widening."""
    enrollment = EnrollmentFactory(cohort=running_cohort, hire=HireFactory(display_name="Fern Falling"))
    graded(enrollment, scenario, coach, 2, day(1))
    graded(enrollment, scenario, coach, 2, day(2))
    for number, level in enumerate((2, 1, 0), start=3):
        called(enrollment, scenario, coach, level, day(number))
    return enrollment


def _row(found, key: str):
    return next(row for row in found.criteria if row.key == key)


def test_the_gap_is_real_minus_practice_over_the_latest_three_and_its_trend(catching_up):
    acknowledge = _row(transfer.transfer_for(enrollment=catching_up), "acknowledge")
    assert [score.level for score in acknowledge.practice] == [3, 3, 2, 3]  # the held grade is not there
    assert [score.level for score in acknowledge.real] == [1, 2]
    assert acknowledge.practice_level == pytest.approx(8 / 3)
    assert acknowledge.real_level == pytest.approx(1.5)
    assert acknowledge.gap == pytest.approx(1.5 - 8 / 3)
    assert acknowledge.gaps == pytest.approx([1 - 8 / 3, 1 - 8 / 3, 1.5 - 8 / 3])
    assert acknowledge.direction == RISING
    connect = _row(transfer.transfer_for(enrollment=catching_up), "connect")
    assert (connect.gap, connect.direction) == (-1, STEADY)


def test_held_grades_do_not_count(hire_enrollment, scenario, coach):
    graded(hire_enrollment, scenario, coach, 3, day(1), outcome=Grade.Outcome.HELD)
    called(hire_enrollment, scenario, coach, 1, day(2))
    acknowledge = _row(transfer.transfer_for(enrollment=hire_enrollment), "acknowledge")
    assert acknowledge.practice == [] and acknowledge.gap is None and not acknowledge.has_both


def test_a_hire_falling_behind_has_a_widening_gap(falling_behind):
    acknowledge = _row(transfer.transfer_for(enrollment=falling_behind), "acknowledge")
    assert acknowledge.gap == pytest.approx(-1) and acknowledge.gaps == pytest.approx([0, -0.5, -1])
    assert acknowledge.direction == FALLING


def test_the_cohort_figure_averages_the_hires_with_both(running_cohort, catching_up, falling_behind, scenario, coach):
    practice_only = EnrollmentFactory(cohort=running_cohort)
    graded(practice_only, scenario, coach, 0, day(1))
    figure = transfer.transfer_for_cohort(cohort=running_cohort)
    assert figure.hires_with_both == 2
    acknowledge = _row(figure, "acknowledge")
    assert acknowledge.hires == 2
    assert acknowledge.practice_level == pytest.approx((8 / 3 + 2) / 2)
    assert acknowledge.real_level == pytest.approx((1.5 + 1) / 2)
    assert acknowledge.gap == pytest.approx((1.5 - 8 / 3 - 1) / 2)
    assert acknowledge.lag == pytest.approx(-acknowledge.gap)
    assert (acknowledge.closing, acknowledge.widening, acknowledge.steady) == (1, 1, 0)
    connect = _row(figure, "connect")
    assert (connect.hires, connect.gap, connect.steady) == (2, -1, 2)


def test_the_cohort_csv_is_the_figure(admin_client_, running_cohort, catching_up, falling_behind):
    response = admin_client_.get(f"/cohorts/{running_cohort.pk}/export/transfer.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = {row["criterion_key"]: row for row in csv.DictReader(io.StringIO(response.content.decode()))}
    assert set(rows) == set(KEYS)
    expected_gap = round((1.5 - 8 / 3 - 1) / 2, 2)
    assert rows["acknowledge"]["hires_with_both"] == "2"
    assert float(rows["acknowledge"]["gap"]) == expected_gap and float(rows["acknowledge"]["lag"]) == -expected_gap
    assert (rows["acknowledge"]["closing"], rows["acknowledge"]["widening"]) == ("1", "1")
    assert rows["acknowledge"]["criterion"] == "Acknowledge"


def test_the_cohort_dashboard_shows_the_figure_with_its_chart_and_table(admin_client_, running_cohort, catching_up,
                                                                       falling_behind):  # fmt: skip
    page = admin_client_.get(f"/cohorts/{running_cohort.pk}/").content.decode()
    section = page[page.index('id="transfer-title"') :]
    section = section[: section.index("</section>")]
    assert "<svg" in section and "How far real calls lag role-plays" in section
    assert '<th scope="row">Acknowledge</th><td class="num">2</td>' in section
    assert f"{(1.5 - 8 / 3 - 1) / 2:.2f}" in section
    assert f"/cohorts/{running_cohort.pk}/export/transfer.csv" in section


def test_the_timeline_shows_transfer_to_the_coach_and_the_hire(coach_client, hire_client, catching_up):
    for page in (
        coach_client.get(f"/coaching/hires/{catching_up.pk}/").content.decode(),
        hire_client.get("/training/feedback/").content.decode(),
    ):
        section = page[page.index('id="transfer-title"') :]
        section = section[: section.index("</section>")]
        assert section.count("<svg") == len(KEYS)  # a small chart per criterion
        assert f"{1.5 - 8 / 3:.2f}" in section and "closing: real calls catching up" in section


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_gives_both_figures_to_the_cohorts_coaches(coach, outsider_coach, running_cohort, catching_up,
                                                          falling_behind):  # fmt: skip
    hire = _api(coach).get(f"/api/v1/coaching/hires/{catching_up.pk}/transfer/").json()
    acknowledge = next(row for row in hire["criteria"] if row["key"] == "acknowledge")
    assert (acknowledge["role_plays"], acknowledge["real_calls"]) == (4, 2)
    assert (acknowledge["gap"], acknowledge["direction"]) == (round(1.5 - 8 / 3, 2), RISING)
    assert len(acknowledge["points"]) == 6 and acknowledge["points"][0]["real"] is None
    cohort = _api(coach).get(f"/api/v1/coaching/cohorts/{running_cohort.pk}/transfer/").json()
    assert cohort["hires_with_both"] == 2
    assert next(row for row in cohort["criteria"] if row["key"] == "acknowledge")["gap"] == round(
        (1.5 - 8 / 3 - 1) / 2, 2
    )
    assert _api(outsider_coach).get(f"/api/v1/coaching/cohorts/{running_cohort.pk}/transfer/").status_code == 404
    assert _api(outsider_coach).get(f"/api/v1/coaching/hires/{catching_up.pk}/transfer/").status_code == 404


# --- Query counts -------------------------------------------------------------------------------------


def populate(cohort, scenario, coach, size: int) -> None:
    """`size` hires, each with two released role-plays, a held one, a call review and a nesting observation."""
    users = User.objects.bulk_create(
        User(
            email=f"transfer{size}-{n}@academy.test",
            display_name=f"Bulk {n:03d}",
            role=Role.HIRE,
            password=make_password(None),
        )
        for n in range(size)
    )
    enrollments = Enrollment.objects.bulk_create(Enrollment(cohort=cohort, hire=user) for user in users)
    version = scenario.rubric.current_version
    attempts = Attempt.objects.bulk_create(
        Attempt(
            enrollment=e,
            scenario=scenario,
            number=number,
            rubric_version=version,
            state=AttemptState.GRADED,
            started_at=day(number),
            submitted_at=day(number),
        )
        for e in enrollments
        for number in (1, 2, 3)
    )
    Grade.objects.bulk_create(
        Grade(
            attempt=a,
            coach=coach,
            rubric_version=version,
            levels=practice_levels(a.number),
            percent=50,
            outcome=Grade.Outcome.HELD if a.number == 3 else Grade.Outcome.RELEASED,
            released_at=day(a.number),
        )
        for a in attempts
    )
    CallReview.objects.bulk_create(
        CallReview(enrollment=e, coach=coach, rubric_version=version, kind=kind, call_at=day(4), levels=real_levels(1))
        for e in enrollments
        for kind in CallReview.Kind.values
    )


def _queries(cohort) -> int:
    with CaptureQueriesContext(connection) as captured:
        figure = transfer.transfer_for_cohort(cohort=cohort)
        transfer.cohort_csv(figure)
    return len(captured)


def test_the_cohort_figure_costs_the_same_queries_for_10_and_200_hires(running_cohort, scenario, coach):
    populate(running_cohort, scenario, coach, 10)
    small = _queries(running_cohort)
    populate(running_cohort, scenario, coach, 190)
    assert Enrollment.objects.filter(cohort=running_cohort).count() == 200
    assert _queries(running_cohort) == small == 4
    figure = transfer.transfer_for_cohort(cohort=running_cohort)
    assert _row(figure, "acknowledge").hires == 200
    assert _row(figure, "acknowledge").practice_level == pytest.approx(1.5)  # role-plays 1 and 2; the held 3 not


def test_the_hire_figure_is_three_queries(catching_up, django_assert_num_queries):
    catching_up.refresh_from_db()
    catching_up.cohort  # noqa: B018 - the access helper brings the cohort with the enrollment
    with django_assert_num_queries(3):
        transfer.transfer_for(enrollment=catching_up)
