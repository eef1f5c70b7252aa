"""Opening, reminders, escalation, decisions, annulments: each once, each with its history."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from checkpoint import selectors, services
from checkpoint.exports import payroll_csv
from checkpoint.models import Certificate, Checkpoint, CheckpointEvent, Choice, Decision, EventKind, OfferText
from courses.models import EnrollmentStatus
from notifications.models import Kind, Notification
from tests.checkpoint.conftest import decide_kwargs
from tests.factories import AdminFactory, CoachFactory, EnrollmentFactory, HireFactory

HOUR = datetime.timedelta(hours=1)


def _state_snapshot():
    return (
        Decision.objects.count(), Certificate.objects.count(), Notification.objects.count(),
        CheckpointEvent.objects.count(), list(Checkpoint.objects.values_list("deadline", "round", "escalated_at")),
    )  # fmt: skip


# --- Opening ---------------------------------------------------------------------------------


def test_opening_twice_opens_once_and_tells_hire_and_coach_once(finishing_enrollment, coach, hire):
    other_coach = CoachFactory()
    assert services.checkpoints_open_due() == 1
    assert services.checkpoints_open_due() == 0
    assert Checkpoint.objects.count() == 1
    assert CheckpointEvent.objects.filter(kind=EventKind.OPENED).count() == 1
    assert Notification.objects.filter(recipient=hire, kind=Kind.CHECKPOINT).count() == 1
    assert Notification.objects.filter(recipient=coach, kind=Kind.CHECKPOINT_OUTCOME).count() == 1
    assert not Notification.objects.filter(recipient=other_coach).exists()
    assert OfferText.objects.filter(cohort=finishing_enrollment.cohort, version=1).exists()


def test_only_active_hires_in_live_cohorts_reach_the_checkpoint(finishing_cohort):
    EnrollmentFactory(cohort=finishing_cohort, status=EnrollmentStatus.PAUSED, paused_on=timezone.localdate())
    EnrollmentFactory(cohort=finishing_cohort, status=EnrollmentStatus.WITHDRAWN)
    assert services.checkpoints_open_due() == 0
    active = EnrollmentFactory(cohort=finishing_cohort)
    finishing_cohort.archived_at = timezone.now()
    finishing_cohort.save()
    assert services.checkpoints_open_due() == 0
    finishing_cohort.archived_at = None
    finishing_cohort.save()
    assert services.checkpoints_open_due() == 1
    assert Checkpoint.objects.get().enrollment == active


# --- Reminders and escalation ------------------------------------------------------------


def test_reminders_at_48_hours_and_on_the_last_morning_once_each(open_checkpoint, hire):
    deadline = open_checkpoint.deadline  # 00:00 UTC, seven days after opening
    assert services.checkpoint_reminders_send(now=deadline - 50 * HOUR) == 0
    assert services.checkpoint_reminders_send(now=deadline - 47 * HOUR) == 1
    assert services.checkpoint_reminders_send(now=deadline - 46 * HOUR) == 0
    assert services.checkpoint_reminders_send(now=deadline - 17 * HOUR) == 0  # 07:00, not yet morning
    assert services.checkpoint_reminders_send(now=deadline - 16 * HOUR) == 1  # 08:00 on the last day
    assert services.checkpoint_reminders_send(now=deadline - 1 * HOUR) == 0
    titles = list(Notification.objects.filter(recipient=hire, kind=Kind.CHECKPOINT).values_list("title", flat=True))
    assert sorted(titles) == sorted([
        "Your commitment checkpoint is open", "Two days left to decide at your checkpoint",
        "Today is the last day to decide at your checkpoint",
    ])  # fmt: skip


def test_a_late_sweep_sends_only_the_latest_reminder(open_checkpoint, hire):
    assert services.checkpoint_reminders_send(now=open_checkpoint.deadline - 10 * HOUR) == 1
    assert services.checkpoint_reminders_send(now=open_checkpoint.deadline - 9 * HOUR) == 0
    assert not Notification.objects.filter(recipient=hire, title__startswith="Two days").exists()


def test_at_the_deadline_an_undecided_hire_is_escalated_once_and_never_decided(open_checkpoint, coach, hire):
    admin = AdminFactory()
    deadline = open_checkpoint.deadline
    assert services.checkpoints_escalate(now=deadline - datetime.timedelta(seconds=1)) == 0
    assert services.checkpoints_escalate(now=deadline) == 1
    assert services.checkpoints_escalate(now=deadline + HOUR) == 0
    open_checkpoint.refresh_from_db()
    assert open_checkpoint.escalated_at == deadline
    assert not Decision.objects.exists()
    assert open_checkpoint.enrollment.status == EnrollmentStatus.ACTIVE
    for person in (coach, admin):
        assert Notification.objects.filter(recipient=person, title__contains="has not decided").count() == 1
    assert Notification.objects.filter(recipient=hire, title="Your checkpoint deadline has passed").count() == 1
    overview = selectors.cohort_overview(cohort=open_checkpoint.enrollment.cohort, now=deadline + HOUR)
    assert overview.counts["escalated"] == 1
    assert [row.enrollment.hire for row in overview.undecided] == [hire]


# --- The hire's decision -----------------------------------------------------------------------


def test_committing_graduates_with_a_certificate_and_tells_people(open_checkpoint, hire, coach, completed_training):
    decision = services.checkpoint_decide(
        hire=hire, checkpoint_id=open_checkpoint.pk, reflection="I love this work.", **decide_kwargs("commit")
    )
    enrollment = open_checkpoint.enrollment
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.GRADUATED
    assert (
        decision.decided_by == hire and decision.offer_text.version == 1 and decision.reflection == "I love this work."
    )
    certificate = decision.certificate
    assert certificate.hire_name == hire.display_name and certificate.cohort_name == enrollment.cohort.name
    assert selectors.certificate_by_code(code=certificate.code.lower()) == certificate
    assert Notification.objects.filter(recipient=coach, title=f"{hire} committed to the role").count() == 1
    assert Notification.objects.filter(recipient=hire, title="Your checkpoint decision is recorded").count() == 1
    assert payroll_csv(selectors.payroll_rows()).count("\n") == 1  # the header only


def test_taking_the_offer_leaves_with_the_record_and_adds_a_payroll_row(open_checkpoint, hire):
    services.checkpoint_decide(hire=hire, checkpoint_id=open_checkpoint.pk, **decide_kwargs("offer"))
    enrollment = open_checkpoint.enrollment
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.LEFT_WITH_OFFER
    assert not Certificate.objects.exists()
    [row] = selectors.payroll_rows(cohort=enrollment.cohort)
    assert (row.email, row.amount, row.currency) == (hire.email, Decimal("3200.00"), "USD")
    lines = payroll_csv([row]).splitlines()
    assert lines[0] == "name,email,amount,currency,decision_time,cohort"
    assert lines[1].startswith(f"{hire.display_name},{hire.email},3200.00,USD,")


@pytest.mark.parametrize(
    "change, message",
    [
        ({"confirm": "offer"}, "confirmation names a different one"),
        ({"choice": "maybe", "confirm": "maybe"}, "Choose either"),
        ({"offer_text_version": 2}, "offer text was updated"),
    ],
)
def test_a_decision_that_is_not_deliberate_is_refused(open_checkpoint, hire, change, message):
    before = _state_snapshot()
    with pytest.raises(ValidationError, match=message):
        services.checkpoint_decide(hire=hire, checkpoint_id=open_checkpoint.pk, **{**decide_kwargs("commit"), **change})
    assert _state_snapshot() == before


def test_a_second_decision_is_refused_and_changes_nothing(open_checkpoint, hire):
    services.checkpoint_decide(hire=hire, checkpoint_id=open_checkpoint.pk, **decide_kwargs("commit"))
    before = _state_snapshot()
    with pytest.raises(ValidationError, match="already been recorded") as refused:
        services.checkpoint_decide(hire=hire, checkpoint_id=open_checkpoint.pk, **decide_kwargs("offer"))
    assert refused.value.code == "already_decided"
    assert _state_snapshot() == before
    assert Decision.objects.get().choice == Choice.COMMIT


def test_a_decision_after_the_deadline_is_refused_and_changes_nothing(open_checkpoint, hire):
    before = _state_snapshot()
    with pytest.raises(ValidationError, match="deadline has passed") as refused:
        services.checkpoint_decide(
            hire=hire, checkpoint_id=open_checkpoint.pk, now=open_checkpoint.deadline, **decide_kwargs("offer")
        )
    assert refused.value.code == "deadline_passed"
    assert _state_snapshot() == before
    open_checkpoint.enrollment.refresh_from_db()
    assert open_checkpoint.enrollment.status == EnrollmentStatus.ACTIVE


def test_another_hire_cannot_decide_for_someone_else(open_checkpoint):
    intruder = HireFactory()
    EnrollmentFactory(cohort=open_checkpoint.enrollment.cohort, hire=intruder)
    before = _state_snapshot()
    with pytest.raises(ValidationError, match="not your checkpoint"):
        services.checkpoint_decide(hire=intruder, checkpoint_id=open_checkpoint.pk, **decide_kwargs("offer"))
    assert _state_snapshot() == before


def test_the_decision_keeps_the_offer_text_version_and_amount_it_was_shown(open_checkpoint, hire, training_admin):
    cohort = open_checkpoint.enrollment.cohort
    services.offer_text_publish(cohort=cohort, body_markdown="A clearer text.", actor=training_admin)
    services.checkpoint_offer_override(
        actor=training_admin, checkpoint_id=open_checkpoint.pk, amount="4000", reason="Agreed with HR"
    )
    decision = services.checkpoint_decide(
        hire=hire, checkpoint_id=open_checkpoint.pk, **decide_kwargs("offer", offer_text_version=2)
    )
    assert decision.offer_text.version == 2 and decision.offer_amount == Decimal("4000.00")
    assert OfferText.objects.get(cohort=cohort, version=1).body_markdown == services.DEFAULT_OFFER_TEXT
    event = CheckpointEvent.objects.get(kind=EventKind.OFFER_CHANGED)
    assert event.actor == training_admin and "3,200.00 USD → 4,000.00 USD — Agreed with HR" in event.note


# --- Admins: on behalf, annul ---------------------------------------------------------------


def test_an_admin_records_a_decision_on_behalf_with_a_reason(open_checkpoint, training_admin, coach):
    with pytest.raises(ValidationError, match="Give a reason"):
        services.checkpoint_record_on_behalf(
            actor=training_admin, checkpoint_id=open_checkpoint.pk, choice="commit", reason=" "
        )
    with pytest.raises(ValidationError, match="Only an admin"):
        services.checkpoint_record_on_behalf(actor=coach, checkpoint_id=open_checkpoint.pk, choice="commit", reason="x")
    decision = services.checkpoint_record_on_behalf(
        actor=training_admin, checkpoint_id=open_checkpoint.pk, choice="offer", reason="Decided in a call on Friday",
        now=open_checkpoint.deadline + HOUR,  # after the deadline: a person acts
    )  # fmt: skip
    assert decision.decided_by == training_admin and decision.on_behalf
    assert CheckpointEvent.objects.filter(kind=EventKind.RECORDED, actor=training_admin).exists()


def test_annulling_reopens_the_checkpoint_and_keeps_the_history(
    open_checkpoint, hire, training_admin, completed_training
):
    decision = services.checkpoint_decide(hire=hire, checkpoint_id=open_checkpoint.pk, **decide_kwargs("commit"))
    late = open_checkpoint.deadline + datetime.timedelta(days=2)
    checkpoint = services.decision_annul(
        actor=training_admin, decision_id=decision.pk, reason="Pressed the wrong button, told me so", now=late
    )
    decision.refresh_from_db()
    assert decision.annulled_at == late and decision.annulled_by == training_admin
    assert decision.certificate.revoked_at == late
    assert checkpoint.round == 2 and checkpoint.deadline > late and checkpoint.escalated_at is None
    checkpoint.enrollment.refresh_from_db()
    assert checkpoint.enrollment.status == EnrollmentStatus.ACTIVE
    with pytest.raises(ValidationError, match="already annulled"):
        services.decision_annul(actor=training_admin, decision_id=decision.pk, reason="again", now=late)
    # The hire decides again; both decisions stay in the history.
    services.checkpoint_decide(hire=hire, checkpoint_id=checkpoint.pk, now=late, **decide_kwargs("offer"))
    row = selectors.checkpoint_for_hire(hire=hire, now=late)
    assert row.state == "took_offer" and len(row.history) == 2
    assert [event.kind for event in CheckpointEvent.objects.order_by("id")] == [
        EventKind.OPENED, EventKind.DECIDED, EventKind.ANNULLED, EventKind.DECIDED,
    ]  # fmt: skip


def test_outcome_counts_per_cohort(finishing_cohort, open_checkpoint, hire):
    undecided = EnrollmentFactory(cohort=finishing_cohort)
    services.checkpoints_open_due()
    services.checkpoint_decide(hire=hire, checkpoint_id=open_checkpoint.pk, **decide_kwargs("offer"))
    counts = selectors.checkpoint_outcome_counts(cohort_ids=[finishing_cohort.pk])[finishing_cohort.pk]
    assert counts["took_offer"] == 1 and counts["open"] == 1 and counts["committed"] == 0
    assert undecided.pk
