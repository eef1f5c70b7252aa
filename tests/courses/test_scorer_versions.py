"""Admins see the pre-scorer's versions, their figures and which is live, and roll back, on the page and the API."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching import scorer_training
from coaching.models import Grade
from coaching.tasks import scorer_retrain_when_due
from courses.models import ScorerVersion, ScorerVersionEvent
from courses.scoring.live import LiveScorer, shipped_model
from courses.services.scorer_versions import shipped_version_ensure
from tests.roleplay_support import default_rubric


@pytest.fixture
def older_version(db):
    """A second stored version to roll back to (a copy of the shipped weights under another name)."""
    model = shipped_model().as_dict()
    return ScorerVersion.objects.create(
        version="2026.11.01-t1", source=ScorerVersion.Source.TRAINED, model={**model, "version": "2026.11.01-t1"},
        fingerprint="f" * 64, trained_at=timezone.now() - datetime.timedelta(days=30),
        heldout={"tone": {"n": 10, "qwk": 0.5, "exact": 0.5, "within_one": 0.9, "qwk_low": 0.3, "qwk_high": 0.7}},
    )  # fmt: skip


def test_the_page_lists_versions_with_figures_and_the_live_one(admin_client_, older_version):
    response = admin_client_.get(reverse("courses:scorer_versions"))
    assert response.status_code == 200
    page = response.content.decode()
    shipped = shipped_model().version
    assert f"Live now: <strong>{shipped}</strong>" in page
    assert "2026.11.01-t1" in page and "Make live" in page
    assert "0.50" in page  # the older version's held-out figure


def test_rolling_back_on_the_page_needs_a_reason_and_takes_effect(admin_client_, older_version, training_admin):
    url = reverse("courses:scorer_version_activate", args=[older_version.pk])
    admin_client_.post(url, {"reason": ""})
    assert not ScorerVersion.objects.get(pk=older_version.pk).is_live
    response = admin_client_.post(url, {"reason": "the new one over-scores WOW"}, follow=True)
    assert "is live" in response.content.decode()
    assert ScorerVersion.objects.get(is_live=True).pk == older_version.pk
    assert LiveScorer().name == "situational/2026.11.01-t1"
    event = older_version.events.get(kind=ScorerVersionEvent.Kind.ROLLED_BACK)
    assert event.actor == training_admin and event.reason == "the new one over-scores WOW"


def test_the_api_lists_and_rolls_back(admin_client_, older_version):
    listed = admin_client_.get("/api/v1/scorer/versions/").json()
    assert [v["version"] for v in listed][:2] == [shipped_model().version, "2026.11.01-t1"]
    assert [v["is_live"] for v in listed][:2] == [True, False]
    url = f"/api/v1/scorer/versions/{older_version.pk}/live/"
    assert admin_client_.post(url, {}, content_type="application/json").status_code == 400
    answer = admin_client_.post(url, {"reason": "back"}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["is_live"] is True


def test_coaches_and_hires_cannot_see_or_change_versions(coach_client, hire_client, older_version):
    for client in (coach_client, hire_client):
        assert client.get(reverse("courses:scorer_versions")).status_code == 403
        assert client.post(f"/api/v1/scorer/versions/{older_version.pk}/live/", {"reason": "x"}).status_code == 403
    assert not ScorerVersion.objects.get(pk=older_version.pk).is_live


@pytest.mark.django_db
def test_retraining_is_due_once_enough_grades_arrived_since_the_live_version(monkeypatch, coach, hire_enrollment):
    from tests.roleplay_support import scenario_with_turns

    shipped_version_ensure()
    monkeypatch.setattr(scorer_training, "RETRAIN_AFTER_NEW_GRADES", 3)
    scenario = scenario_with_turns(hire_enrollment.cohort.curriculum, mode="graded")
    version = scenario.rubric.current_version
    live_trained = ScorerVersion.objects.get(is_live=True).trained_at
    for number in range(1, 4):
        from courses.models import Attempt

        attempt = Attempt.objects.create(enrollment=hire_enrollment, scenario=scenario, number=number,
                                         rubric_version=version, started_at=timezone.now(), state="graded")  # fmt: skip
        released = max(timezone.now(), live_trained) + datetime.timedelta(minutes=number)
        Grade.objects.create(attempt=attempt, coach=coach, rubric_version=version, levels={"tone": 2},
                             outcome=Grade.Outcome.RELEASED, released_at=released)  # fmt: skip
        assert scorer_training.retrain_due() == (number == 3)


@pytest.mark.django_db
def test_the_nightly_task_is_scheduled_and_does_nothing_until_due(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["coaching-scorer-retrain"]
    assert schedule["task"] == "coaching.tasks.scorer_retrain_when_due"
    assert scorer_retrain_when_due() == "not due"
    assert not ScorerVersion.objects.filter(source=ScorerVersion.Source.TRAINED).exists()


def test_the_page_heads_its_columns_with_criterion_titles_not_keys(admin_client_, older_version):
    default_rubric()  # the shipped rubric names the criteria
    page = admin_client_.get(reverse("courses:scorer_versions")).content.decode()
    assert "own_resolve" not in page and '<th scope="col" class="num">Own &amp; resolve' in page
