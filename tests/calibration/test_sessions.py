"""Calibration sessions: opened by an admin or a lead coach, graded blind, revealed, settled with gold;
nothing of it reaches the hire whose work became an anchor item."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from calibration import services
from calibration.models import AnchorItem, CalibrationSession, GoldRecord
from coaching.models import Feedback, Grade
from courses.models import AttemptState
from notifications.models import Kind, Notification
from tests.factories import CoachFactory

pytestmark = pytest.mark.django_db


def open_session(world, **overrides):
    fields = {"facilitator": world["admin"], "title": "December calibration", "coaches": world["coaches"],
              "due_at": timezone.now() + datetime.timedelta(days=3), "attempts": world["attempts"]}  # fmt: skip
    return services.session_create(**{**fields, **overrides})


def test_a_session_opens_with_its_items_and_tells_each_invited_coach(world):
    session = open_session(world)
    assert session.items.count() == 2 and session.participants.count() == 3
    told = Notification.objects.filter(kind=Kind.CALIBRATION, title__startswith="Calibration session opened")
    assert set(told.values_list("recipient", flat=True)) == {coach.pk for coach in world["coaches"]}
    # The same role-play in a later session is the same anchor item.
    again = open_session(world, title="January calibration")
    assert AnchorItem.objects.count() == 2 and again.items.count() == 2


def test_only_an_admin_or_a_lead_coach_opens_one(world):
    with pytest.raises(PermissionDenied):
        open_session(world, facilitator=world["coaches"][0])
    lead = CoachFactory(is_lead_coach=True)
    assert open_session(world, facilitator=lead).facilitator == lead


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"title": " "}, "title"),
        ({"due_at": timezone.now() - datetime.timedelta(hours=1)}, "future"),
        ({"coaches": []}, "two coaches"),
        ({"attempts": []}, "anchor item"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(world, overrides, message):
    with pytest.raises(ValidationError, match=message):
        open_session(world, **overrides)
    assert not CalibrationSession.objects.exists() and not AnchorItem.objects.exists()


def test_an_attempt_still_in_progress_cannot_be_an_anchor(world):
    world["attempts"][0].state = AttemptState.IN_PROGRESS
    with pytest.raises(ValidationError, match="submitted"):
        open_session(world)
    assert not CalibrationSession.objects.exists()


def test_grading_blind_then_reveal_then_gold(world):
    session = open_session(world)
    first, second = session.items.order_by("position")
    coach = world["coaches"][0]
    levels = dict.fromkeys(world["keys"], 2)
    services.calibration_grade_save(item=first, coach=coach, levels=levels)
    participant = session.participants.get(coach=coach)
    assert participant.submitted_at is None
    services.calibration_grade_save(item=second, coach=coach, levels=levels)
    services.calibration_grade_save(item=second, coach=coach, levels={**levels, world["keys"][0]: 3})  # changes
    participant.refresh_from_db()
    assert participant.submitted_at is not None
    assert second.grades.get(coach=coach).levels[world["keys"][0]] == 3
    with pytest.raises(PermissionDenied):
        services.calibration_grade_save(item=first, coach=CoachFactory(), levels=levels)  # not invited
    with pytest.raises(ValidationError):
        services.gold_record(item=first, by=world["admin"], levels=levels)  # before the reveal

    with pytest.raises(PermissionDenied):
        services.session_reveal(session=session, by=coach)
    services.session_reveal(session=session, by=world["admin"])
    services.session_reveal(session=session, by=world["admin"])  # twice: nothing more
    assert Notification.objects.filter(title__startswith="Calibration session revealed").count() == 3
    with pytest.raises(ValidationError, match="revealed"):
        services.calibration_grade_save(item=first, coach=coach, levels=levels)

    with pytest.raises(ValidationError, match="every criterion"):
        services.gold_record(item=first, by=world["admin"], levels={world["keys"][0]: 2})
    anchor = services.gold_record(item=first, by=world["admin"], levels=levels, note="Genuine, not yet ownership.")
    assert anchor.has_gold and anchor.in_bank and anchor.gold_note.startswith("Genuine")
    assert GoldRecord.objects.get().set_by == world["admin"]


def test_nothing_of_a_session_reaches_the_hire(world):
    session = open_session(world)
    for item in session.items.all():
        for coach in world["coaches"]:
            services.calibration_grade_save(item=item, coach=coach, levels=dict.fromkeys(world["keys"], 1))
    services.session_reveal(session=session, by=world["admin"])
    for item in session.items.all():
        services.gold_record(item=item, by=world["admin"], levels=dict.fromkeys(world["keys"], 1))
    assert not Grade.objects.exists() and not Feedback.objects.exists()
    assert not Notification.objects.filter(recipient=world["hire"]).exists()
