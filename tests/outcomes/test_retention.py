"""Recording retention 30, 60 and 90 days after the checkpoint: the rules, the audit trail and the admin's form."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from checkpoint.models import Choice
from courses.moments import date_phrase
from outcomes import services
from outcomes.imports import Action
from outcomes.models import RetentionCheck, RetentionEvent, RetentionStatus, Source
from tests.factories import EnrollmentFactory, HireFactory
from tests.outcomes.support import decide, outcomes_cohort

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(db):
    return outcomes_cohort()


@pytest.fixture
def committed(cohort):
    enrollment = EnrollmentFactory(cohort=cohort, hire=HireFactory(display_name="Carla Committed"))
    decide(enrollment, Choice.COMMIT, days_ago=100)
    return enrollment


def _written():
    return RetentionCheck.objects.count(), RetentionEvent.objects.count()


def _record(enrollment, actor, **fields):
    return services.retention_record(enrollment=enrollment, actor=actor, **{"milestone_days": 30, **fields})


def test_a_first_record_creates_the_check_and_its_event(committed, training_admin):
    recorded = _record(committed, training_admin, status=RetentionStatus.RETAINED, note="Loves the floor")
    assert recorded.action == Action.NEW
    check = recorded.check
    assert (check.status, check.left_on, check.recorded_by, check.source) == (
        "retained", None, training_admin, Source.FORM
    )  # fmt: skip
    event = check.events.get()
    assert (event.old_status, event.new_status, event.actor, event.note) == (
        "", "retained", training_admin, "Loves the floor"
    )  # fmt: skip


def test_the_same_status_again_changes_nothing_and_a_change_leaves_an_event(committed, training_admin):
    _record(committed, training_admin, status=RetentionStatus.RETAINED)
    again = _record(committed, training_admin, status=RetentionStatus.RETAINED)
    assert again.action == Action.UNCHANGED
    assert _written() == (1, 1)
    left_on = timezone.now().date() - datetime.timedelta(days=75)  # after the decision, before the 30-day mark
    changed = _record(committed, training_admin, status=RetentionStatus.LEFT, left_on=left_on)
    assert changed.action == Action.CHANGE
    assert _written() == (1, 2)
    event = changed.check.events.first()
    assert (event.old_status, event.new_status, event.new_left_on) == ("retained", "left", left_on)


def test_a_hire_who_took_the_offer_or_has_not_decided_gets_no_check(cohort, training_admin):
    took_offer = EnrollmentFactory(cohort=cohort, hire=HireFactory(display_name="Omar Offer"))
    decide(took_offer, Choice.OFFER, days_ago=100)
    undecided = EnrollmentFactory(cohort=cohort, hire=HireFactory(display_name="Una Undecided"))
    with pytest.raises(ValidationError) as offer_error:
        _record(took_offer, training_admin, status=RetentionStatus.LEFT)
    assert "Omar Offer took the offer on" in offer_error.value.messages[0]
    assert "only for hires who committed" in offer_error.value.messages[0]
    with pytest.raises(ValidationError) as undecided_error:
        _record(undecided, training_admin, status=RetentionStatus.RETAINED)
    assert undecided_error.value.messages == [
        "Una Undecided has no checkpoint decision yet: retention counts from the decision."
    ]
    assert _written() == (0, 0)


def test_an_annulled_decision_does_not_count(committed, training_admin):
    decision = committed.checkpoint.decisions.get()
    decision.annulled_at = timezone.now()
    decision.save()
    with pytest.raises(ValidationError, match="no checkpoint decision yet"):
        _record(committed, training_admin, status=RetentionStatus.RETAINED)


def test_a_milestone_cannot_be_recorded_before_it_comes_on_the_cohorts_calendar(training_admin):
    cohort = outcomes_cohort(time_zone="America/Los_Angeles")
    enrollment = EnrollmentFactory(cohort=cohort)
    # 03:00 UTC on 10 January is still 9 January in Los Angeles: the 30-day milestone comes on 8 February there.
    decide(enrollment, at=datetime.datetime(2025, 1, 10, 3, 0, tzinfo=datetime.UTC))
    too_soon = datetime.datetime(2025, 2, 8, 7, 0, tzinfo=datetime.UTC)  # 23:00 on 7 February in Los Angeles
    with pytest.raises(ValidationError) as error:
        _record(enrollment, training_admin, status=RetentionStatus.RETAINED, now=too_soon)
    assert error.value.messages == [
        f"The 30-day milestone comes on {date_phrase(datetime.date(2025, 2, 8), year=True)}: "
        "it can't be recorded before then."
    ]
    on_the_day = datetime.datetime(2025, 2, 8, 9, 0, tzinfo=datetime.UTC)  # 01:00 on 8 February there
    assert _record(enrollment, training_admin, status=RetentionStatus.RETAINED, now=on_the_day).action == Action.NEW


@pytest.mark.parametrize(
    ("status", "left_days_after_decision", "expected"),
    [
        ("left", -1, "is before the checkpoint decision"),
        ("left", 200, "is in the future"),
        ("left", 40, "after the 30-day milestone"),
        ("retained", 10, "a leaving date goes only with the status “left”"),
        ("gone", None, "the status is “retained”"),
    ],
)
def test_a_bad_leaving_date_or_status_is_refused(committed, training_admin, status, left_days_after_decision,
                                                  expected):  # fmt: skip
    decided_on = committed.checkpoint.decisions.get().decided_at.date()
    left_on = None if left_days_after_decision is None else decided_on + datetime.timedelta(left_days_after_decision)
    with pytest.raises(ValidationError) as error:
        _record(committed, training_admin, status=status, left_on=left_on)
    assert expected.lower() in " ".join(error.value.messages).lower()
    assert _written() == (0, 0)


def test_a_milestone_other_than_30_60_or_90_is_refused(committed, training_admin):
    with pytest.raises(ValidationError, match="30, 60 or 90 days"):
        _record(committed, training_admin, milestone_days=45, status=RetentionStatus.RETAINED)


# --- The admin's form ---------------------------------------------------------------------------------


def _url(enrollment) -> str:
    return f"/outcomes/cohorts/{enrollment.cohort_id}/hires/{enrollment.pk}/"


def test_an_admin_records_a_status_through_the_form(committed, admin_client_):
    page = admin_client_.get(_url(committed) + "?days=60")
    assert page.status_code == 200
    assert "Carla Committed" in page.content.decode()
    response = admin_client_.post(_url(committed), {"milestone_days": "60", "status": "retained", "note": "Thriving"})
    assert response.status_code == 302
    assert response["Location"] == f"/outcomes/cohorts/{committed.cohort_id}/"
    check = RetentionCheck.objects.get()
    assert (check.milestone_days, check.status, check.note) == (60, "retained", "Thriving")
    assert "Thriving" in admin_client_.get(_url(committed)).content.decode()  # the history


def test_the_form_shows_the_rule_it_broke_and_writes_nothing(cohort, admin_client_):
    took_offer = EnrollmentFactory(cohort=cohort, hire=HireFactory(display_name="Omar Offer"))
    decide(took_offer, Choice.OFFER)
    response = admin_client_.post(_url(took_offer), {"milestone_days": "30", "status": "retained"})
    assert response.status_code == 400
    assert "took the offer" in response.content.decode()
    assert _written() == (0, 0)


def test_coaches_and_hires_are_refused_the_form(committed, coach, client_for):
    committed.cohort.coaches.add(coach)
    for person in (coach, committed.hire):
        client = client_for(person)
        assert client.get(_url(committed)).status_code == 403
        assert client.post(_url(committed), {"milestone_days": "30", "status": "retained"}).status_code == 403
    assert _written() == (0, 0)


def test_another_cohorts_hire_is_not_found_under_this_cohort(committed, admin_client_):
    other = outcomes_cohort()
    assert admin_client_.get(f"/outcomes/cohorts/{other.pk}/hires/{committed.pk}/").status_code == 404
