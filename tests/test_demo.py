import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Role, User
from calibration.models import CalibrationSession, LeniencyAlert
from calibration.selectors import session_agreement
from checkpoint.models import Certificate
from checkpoint.selectors import checkpoint_outcome_counts
from coaching.models import CallReview, Grade, PracticeAssignment, SecondMark
from coaching.transfer import transfer_for
from courses.models import Cohort, Enrollment
from demo.graduated import GRADUATED_COHORT_SLUG
from demo.services import DEMO_PASSWORD, demo_load
from outcomes.proficiency import proficiency_for_cohort
from outcomes.selectors import cohort_outcomes
from readiness.models import ReadinessFlag
from readiness.selectors import readiness_for_many

pytestmark = pytest.mark.django_db


def _counts():
    return User.objects.count(), Cohort.objects.count(), Enrollment.objects.count()


def test_load_demo_twice_creates_nothing_twice(capsys):
    call_command("load_demo")
    first = capsys.readouterr().out
    counts = _counts()
    call_command("load_demo")
    second = capsys.readouterr().out

    assert counts == _counts()
    assert User.objects.filter(role=Role.ADMIN).count() == 1
    assert User.objects.filter(role=Role.COACH).count() == 3
    assert list(User.objects.filter(is_lead_coach=True).values_list("email", flat=True)) == [
        "coach.maya@academy.example"
    ]
    assert Enrollment.objects.count() == 12 + 4 + 7  # the running cohort, the graduating one, the graduated one
    assert "nothing created" in second
    for output in (first, second):
        assert DEMO_PASSWORD in output and "admin@academy.example" in output
    assert User.objects.get(email="hire.ana@academy.example").check_password(DEMO_PASSWORD)
    assert set(Cohort.objects.get(slug="demo-cohort").coaches.values_list("role", flat=True)) == {Role.COACH}


def test_the_graduating_cohort_shows_every_checkpoint_outcome():
    demo_load()
    counts = checkpoint_outcome_counts(cohort_ids=[Cohort.objects.get(slug="demo-graduating").pk])
    assert next(iter(counts.values())) == {
        "not_open": 0,
        "open": 2,
        "escalated": 0,
        "committed": 1,
        "took_offer": 1,
        "closed": 0,
    }


def test_a_coach_finds_feedback_already_given_on_the_roster_and_the_timelines(client):
    demo_load()

    in_demo_cohort = Grade.objects.filter(attempt__enrollment__cohort__slug="demo-cohort")
    released = in_demo_cohort.filter(outcome=Grade.Outcome.RELEASED, attempt__scenario__week__number=5)
    assert set(released.values_list("attempt__enrollment__hire__email", flat=True)) == {
        "hire.ben@academy.example", "hire.chloe@academy.example",
    }  # fmt: skip
    jade = "hire.jade@academy.example"
    assert Grade.objects.filter(outcome=Grade.Outcome.RETURNED, attempt__enrollment__hire__email=jade).exists()
    assert CallReview.objects.filter(enrollment__hire__email="hire.ben@academy.example").count() == 1
    client.force_login(User.objects.get(email="coach.maya@academy.example"))
    roster = client.get("/coaching/hires/").content.decode()
    assert "Not scored yet" in roster and "Own &amp; resolve" in roster  # some hires scored, others not yet


def test_calibration_and_second_marks_have_something_to_show():
    demo_load()
    revealed = CalibrationSession.objects.filter(status=CalibrationSession.Status.REVEALED)
    six = revealed.get(title__contains="week five")
    assert six.items.count() == 6 and six.participants.count() == 3
    assert not six.items.filter(anchor__gold_levels={}).exists()
    agreement = session_agreement(session=six)
    assert all(criterion.with_gold.n == 18 for criterion in agreement.criteria)
    assert any(criterion.alpha is not None for criterion in agreement.criteria)
    still_open = CalibrationSession.objects.get(status=CalibrationSession.Status.OPEN)
    assert still_open.participants.filter(submitted_at__isnull=False).count() == 1
    assert LeniencyAlert.objects.exists()  # a coach strayed on the same criterion in both revealed sessions
    statuses = set(SecondMark.objects.values_list("status", flat=True))
    assert statuses == {SecondMark.Status.AWAITING_SECOND, SecondMark.Status.MODERATION}


def test_every_readiness_state_and_a_transfer_gap_are_in_the_demo():
    demo_load()
    cohort = Cohort.objects.get(slug="demo-cohort")
    enrollments = list(cohort.enrollments.select_related("hire", "cohort"))
    readiness = readiness_for_many(enrollments=enrollments, now=timezone.now())
    by_email = {e.hire.email: readiness[e.pk] for e in enrollments}
    assert by_email["hire.ben@academy.example"].label == "Ready"
    assert by_email["hire.ana@academy.example"].missing == ("Awaiting the coach's sign-off",)
    assert by_email["hire.ivan@academy.example"].label == "Ready (admin's decision)"
    emma = by_email["hire.emma@academy.example"]
    assert any("on Explore" in text for text in emma.missing)
    assert PracticeAssignment.objects.filter(enrollment__hire__email="hire.emma@academy.example").exists()
    assert "Tone at 0 in the latest role-play" in by_email["hire.jade@academy.example"].missing
    assert any("knowledge check not passed" in text for text in by_email["hire.kofi@academy.example"].missing)
    flagged = set(ReadinessFlag.objects.values_list("enrollment__hire__email", flat=True))
    assert "hire.kofi@academy.example" in flagged and "hire.ben@academy.example" not in flagged

    ben = next(e for e in enrollments if e.hire.email == "hire.ben@academy.example")
    gaps = {row.key: row.gap for row in transfer_for(enrollment=ben).criteria}
    assert gaps["explore"] < 0 and gaps["tone"] < 0  # real calls lag practice


def test_the_graduated_cohort_shows_retention_against_readiness_scores_and_decisions():
    call_command("load_demo", stdout=None)
    cohort = Cohort.objects.get(slug=GRADUATED_COHORT_SLUG)
    report = cohort_outcomes(cohort=cohort)
    states = {hire.enrollment.hire.email: [cell.state for cell in hire.cells] for hire in report.hires}
    assert states["hire.quinn@academy.example"] == ["retained", "retained", "retained"]
    assert states["hire.sam@academy.example"] == ["retained", "retained", "left"]
    assert states["hire.tariq@academy.example"] == ["left", "left", "left"]
    assert states["hire.wes@academy.example"] == ["retained", "retained", "due"]  # the 90-day check still to do
    assert states["hire.victor@academy.example"] == ["offer", "offer", "offer"]
    splits = {split.key: {group.label: group for group in split.groups} for split in report.splits}
    ready, not_ready = splits["readiness"]["Readiness met"], splits["readiness"]["Readiness not met"]
    assert ready.hires == 4 and not_ready.hires == 3
    assert ready.rates[1].retained == 4 and not_ready.rates[1].retained == 0  # at 60 days
    assert splits["level"]["Role-plays below 2"].hires >= 2
    certified = set(Certificate.objects.filter(decision__checkpoint__enrollment__cohort=cohort)
                    .values_list("decision__checkpoint__enrollment__hire__email", flat=True))  # fmt: skip
    assert "hire.quinn@academy.example" in certified and "hire.tariq@academy.example" not in certified
    assert proficiency_for_cohort(cohort=cohort).reached_any  # days to a sustained genuine, per criterion
