"""The checkpoint's outcomes are steps of the hire's enrollment: graduating, taking the offer and
being reopened each show in the enrollment's history, next to the checkpoint's own events."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from checkpoint import services
from checkpoint.models import Checkpoint, CheckpointEvent, EventKind
from courses.models import EnrollmentEvent, EnrollmentEventKind, EnrollmentStatus
from courses.templatetags.moments import day
from tests.checkpoint.conftest import decide_kwargs

pytestmark = pytest.mark.django_db


def _history(enrollment) -> list[tuple[str, object]]:
    return list(
        EnrollmentEvent.objects.filter(enrollment=enrollment)
        .exclude(kind=EnrollmentEventKind.ENROLLED)
        .order_by("id")
        .values_list("kind", "actor")
    )


def test_committing_writes_a_graduated_event_by_the_hire(open_checkpoint, hire, admin_client_):
    services.checkpoint_decide(hire=hire, checkpoint_id=open_checkpoint.pk, **decide_kwargs("commit"))
    enrollment = open_checkpoint.enrollment
    assert _history(enrollment) == [(EnrollmentEventKind.GRADUATED, hire.pk)]
    event = EnrollmentEvent.objects.get(enrollment=enrollment, kind=EnrollmentEventKind.GRADUATED)
    assert event.data == {"status": [EnrollmentStatus.ACTIVE, EnrollmentStatus.GRADUATED]}
    assert CheckpointEvent.objects.filter(checkpoint=open_checkpoint, kind=EventKind.DECIDED).count() == 1
    page = admin_client_.get(reverse("cohorts:enrollment", args=[enrollment.cohort_id, enrollment.pk]))
    assert "Graduated: Checkpoint: Commit to the role" in page.content.decode()


def test_taking_the_offer_writes_a_left_with_the_offer_event(open_checkpoint, hire, admin_client_):
    services.checkpoint_decide(hire=hire, checkpoint_id=open_checkpoint.pk, **decide_kwargs("offer"))
    enrollment = open_checkpoint.enrollment
    assert _history(enrollment) == [(EnrollmentEventKind.LEFT_WITH_OFFER, hire.pk)]
    page = admin_client_.get(reverse("cohorts:enrollment", args=[enrollment.cohort_id, enrollment.pk]))
    assert "Left with the offer: Checkpoint: Take the offer" in page.content.decode()


def test_a_decision_recorded_on_behalf_names_the_admin_and_the_reason(open_checkpoint, training_admin):
    services.checkpoint_record_on_behalf(
        actor=training_admin, checkpoint_id=open_checkpoint.pk, choice="offer", reason="Decided in a call",
        now=open_checkpoint.deadline + datetime.timedelta(hours=1),
    )  # fmt: skip
    event = EnrollmentEvent.objects.get(enrollment=open_checkpoint.enrollment, kind=EnrollmentEventKind.LEFT_WITH_OFFER)
    assert event.actor == training_admin and "Decided in a call" in event.note


def test_annulling_puts_the_hire_back_with_a_reopened_event(open_checkpoint, hire, training_admin):
    decision = services.checkpoint_decide(hire=hire, checkpoint_id=open_checkpoint.pk, **decide_kwargs("commit"))
    late = open_checkpoint.deadline + datetime.timedelta(days=2)
    checkpoint = services.decision_annul(
        actor=training_admin, decision_id=decision.pk, reason="Pressed the wrong button", now=late
    )
    services.checkpoint_decide(hire=hire, checkpoint_id=checkpoint.pk, now=late, **decide_kwargs("offer"))
    enrollment = open_checkpoint.enrollment
    assert _history(enrollment) == [
        (EnrollmentEventKind.GRADUATED, hire.pk),
        (EnrollmentEventKind.REOPENED, training_admin.pk),
        (EnrollmentEventKind.LEFT_WITH_OFFER, hire.pk),
    ]
    reopened = EnrollmentEvent.objects.get(enrollment=enrollment, kind=EnrollmentEventKind.REOPENED)
    assert reopened.note == "Commit to the role annulled — Pressed the wrong button"
    assert reopened.data == {"status": [EnrollmentStatus.GRADUATED, EnrollmentStatus.ACTIVE]}
    assert CheckpointEvent.objects.filter(checkpoint=checkpoint, kind=EventKind.ANNULLED).count() == 1


def test_the_training_ends_when_the_decision_was_made_not_when_it_was_written(open_checkpoint, hire, hire_client):
    """A decision replayed or recorded later (the demo's graduated cohort) keeps its own moment."""
    decided_at = timezone.now() - datetime.timedelta(days=3)
    Checkpoint.objects.filter(pk=open_checkpoint.pk).update(opened_at=decided_at - datetime.timedelta(hours=2))
    services.checkpoint_decide(hire=hire, checkpoint_id=open_checkpoint.pk, **decide_kwargs("commit"), now=decided_at)
    event = EnrollmentEvent.objects.get(enrollment=open_checkpoint.enrollment, kind=EnrollmentEventKind.GRADUATED)
    assert event.created_at == decided_at
    page = hire_client.get(reverse("courses:my_training")).content.decode()
    assert f"ended on {day(decided_at)}" in page
