"""Every change to a checkpoint goes through here: opening, reminders, escalation, decisions,
annulments and offer overrides. Each runs in one transaction, writes an audit row, and tells
people through the notification ledger, whose unique keys make a repeated run harmless.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.models import User
from accounts.selectors import admins_active
from checkpoint import selectors, timing
from checkpoint.models import (
    Certificate,
    Checkpoint,
    CheckpointEvent,
    Choice,
    CompletionRule,
    CompletionRuleChange,
    Decision,
    EventKind,
    OfferText,
)
from courses.models import TRAINING_WEEKS, Cohort, Enrollment, EnrollmentStatus
from courses.moments import due_date_phrase
from courses.pacing import DAYS_PER_WEEK
from courses.services import enrollments as enrollment_services
from notifications.models import Kind
from notifications.services import notify

DEFAULT_OFFER_TEXT = """\
You have spent six weeks learning how we serve customers. Now we ask you to decide, honestly,
whether this is the work you want to do.

**If you commit**, you join the Customer Loyalty Team as a full member: you take calls on your
own, with your coach nearby for the first months, and you graduate from training today.

**If this is not the right place for you**, you can take the offer instead and leave on good
terms. We pay the amount shown here because a team that chose to be here serves customers
best. Taking it is a respected choice, not a failure, and it does not affect any reference
we give you.

There is no wrong answer. Take the time you need before the deadline; your coach and your
training manager are glad to talk it through.
"""

REFLECTION_MAX = 5000
REASON_MAX = 2000


class CheckpointError(ValidationError):
    pass


# --- Offer text ---------------------------------------------------------------------------


def offer_text_ensure(*, cohort: Cohort) -> OfferText:
    """The cohort's current offer text; the shipped text becomes version 1 the first time."""
    current = OfferText.objects.filter(cohort=cohort).order_by("-version").first()
    if current is not None:
        return current
    try:
        with transaction.atomic():
            return OfferText.objects.create(cohort=cohort, version=1, body_markdown=DEFAULT_OFFER_TEXT)
    except IntegrityError:  # created at the same moment by someone else
        return OfferText.objects.filter(cohort=cohort).order_by("-version").first()


@transaction.atomic
def offer_text_publish(*, cohort: Cohort, body_markdown: str, actor: User) -> OfferText:
    """A new version of the offer text. Earlier versions stay as they were shown."""
    if not permissions.can_manage_cohorts(actor):
        raise CheckpointError("Only an admin can change the offer text.", code="forbidden")
    body = body_markdown.strip()
    if not body:
        raise CheckpointError("The offer text cannot be empty.")
    Cohort.objects.select_for_update().filter(pk=cohort.pk).first()  # versions numbered one at a time
    latest = OfferText.objects.filter(cohort=cohort).order_by("-version").values_list("version", flat=True).first()
    return OfferText.objects.create(cohort=cohort, version=(latest or 0) + 1, body_markdown=body, created_by=actor)


# --- Who is told -----------------------------------------------------------------------------


def _staff_for(enrollment: Enrollment) -> list[User]:
    coaches = list(enrollment.cohort.coaches.filter(is_active=True))
    admins = list(admins_active())
    return coaches + admins


def _hire_url() -> str:
    return reverse("checkpoint:mine")


def _overview_url(enrollment: Enrollment) -> str:
    return reverse("checkpoint:cohort", args=[enrollment.cohort_id])


def _money(amount: Decimal | None, currency: str) -> str:
    return f"{amount:,.2f} {currency}" if amount is not None else "the amount your training manager confirms"


# --- Opening, reminders, escalation (the beat task) -------------------------------------------


def _open_one(enrollment: Enrollment, window: timing.Window, now: datetime.datetime) -> Checkpoint | None:
    with transaction.atomic():
        try:
            with transaction.atomic():
                checkpoint = Checkpoint.objects.create(
                    enrollment=enrollment, opened_at=window.opens_at, deadline=window.deadline
                )
        except IntegrityError:
            return None  # opened already (another run, another beat)
        offer_text_ensure(cohort=enrollment.cohort)
        CheckpointEvent.objects.create(checkpoint=checkpoint, kind=EventKind.OPENED, created_at=now)
        hire = enrollment.hire
        deadline_text = due_date_phrase(window.deadline, hire.time_zone)
        notify(
            recipient=hire, kind=Kind.CHECKPOINT, key=f"{checkpoint.pk}:{checkpoint.round}:opened", now=now,
            title="Your commitment checkpoint is open",
            body=f"Six weeks done. Decide whether to commit to the role or take the offer; the deadline is "
            f"{deadline_text}.",
            url=_hire_url(),
        )  # fmt: skip
        for person in enrollment.cohort.coaches.filter(is_active=True):
            notify(
                recipient=person, kind=Kind.CHECKPOINT_OUTCOME, key=f"{checkpoint.pk}:{checkpoint.round}:opened",
                title=f"{hire}'s commitment checkpoint is open", now=now,
                body=f"{hire} has until {due_date_phrase(window.deadline, person.time_zone)} to decide.",
                url=_overview_url(enrollment),
            )  # fmt: skip
    return checkpoint


def checkpoints_open_due(*, now: datetime.datetime | None = None) -> int:
    """Open the checkpoint of every active hire who has reached it. Each opens in its own
    transaction, so a run stopped half-way leaves every checkpoint either open and announced,
    or untouched for the next run."""
    now = now or timezone.now()
    # No hire's checkpoint opens before the cohort's own day (extensions only move it later);
    # a day's margin covers time zones ahead of UTC.
    horizon = now.date() + datetime.timedelta(days=1)
    earliest_start = horizon - datetime.timedelta(days=DAYS_PER_WEEK * TRAINING_WEEKS)
    candidates = (
        Enrollment.objects.filter(status=EnrollmentStatus.ACTIVE, checkpoint__isnull=True, cohort__archived_at=None)
        .filter(
            Q(cohort__checkpoint_opens_on__isnull=True, cohort__start_date__lte=earliest_start)
            | Q(cohort__checkpoint_opens_on__lte=horizon)
        )
        .select_related("cohort", "hire")
        .order_by("pk")
    )
    opened = 0
    for enrollment in candidates.iterator(chunk_size=500):
        window = timing.window_for(enrollment, now)
        if now >= window.opens_at and _open_one(enrollment, window, now) is not None:
            opened += 1
    return opened


def _undecided_open(now: datetime.datetime):
    return (
        Checkpoint.objects.filter(enrollment__status=EnrollmentStatus.ACTIVE, opened_at__lte=now)
        .filter(~Exists(Decision.objects.filter(checkpoint=OuterRef("pk"), annulled_at__isnull=True)))
        .select_related("enrollment__cohort", "enrollment__hire")
    )


def checkpoint_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """48 hours before the deadline, and on its last morning. If both are due (a beat was down),
    only the later one goes out."""
    now = now or timezone.now()
    sent = 0
    due = _undecided_open(now).filter(deadline__gt=now, deadline__lte=now + timing.REMINDER_BEFORE_DEADLINE)
    for checkpoint in due:
        window = timing.window_of(checkpoint)
        which = "last-morning" if now >= window.last_morning else "48h"
        title = (
            "Today is the last day to decide at your checkpoint"
            if which == "last-morning"
            else "Two days left to decide at your checkpoint"
        )
        told = notify(
            recipient=checkpoint.enrollment.hire, kind=Kind.CHECKPOINT, now=now, title=title,
            key=f"{checkpoint.pk}:{checkpoint.round}:{which}", url=_hire_url(),
            body="Commit to the role or take the offer. Talk to your coach if you are unsure.",
        )  # fmt: skip
        sent += told is not None
    return sent


def checkpoints_escalate(*, now: datetime.datetime | None = None) -> int:
    """Deadline passed, no decision: tell the coaches and admins, once. Nothing is decided for
    the hire; the checkpoint stays undecided until a person acts."""
    now = now or timezone.now()
    escalated = 0
    for checkpoint in _undecided_open(now).filter(deadline__lte=now, escalated_at__isnull=True):
        with transaction.atomic():
            claimed = Checkpoint.objects.filter(pk=checkpoint.pk, escalated_at__isnull=True).update(escalated_at=now)
            if not claimed:
                continue  # escalated by a concurrent run
            CheckpointEvent.objects.create(checkpoint=checkpoint, kind=EventKind.ESCALATED, created_at=now)
            enrollment = checkpoint.enrollment
            for person in _staff_for(enrollment):
                notify(
                    recipient=person, kind=Kind.CHECKPOINT_OUTCOME, now=now,
                    key=f"{checkpoint.pk}:{checkpoint.round}:escalated",
                    title=f"{enrollment.hire} has not decided: checkpoint deadline passed",
                    body=f"{enrollment.hire} ({enrollment.cohort}) did not decide by the deadline. Please talk "
                    "with them and record their decision, or annul and reopen if they need more time.",
                    url=_overview_url(enrollment),
                )  # fmt: skip
            notify(
                recipient=enrollment.hire, kind=Kind.CHECKPOINT, now=now,
                key=f"{checkpoint.pk}:{checkpoint.round}:escalated", url=_hire_url(),
                title="Your checkpoint deadline has passed",
                body="Nothing has been decided for you. Your coach or training manager will talk with you.",
            )  # fmt: skip
            escalated += 1
    return escalated


def checkpoints_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {
        "opened": checkpoints_open_due(now=now),
        "reminded": checkpoint_reminders_send(now=now),
        "escalated": checkpoints_escalate(now=now),
    }


# --- Decisions ---------------------------------------------------------------------------------


def _parse_choice(choice: str) -> str:
    if choice not in Choice.values:
        raise CheckpointError("Choose either to commit to the role or to take the offer.", code="invalid_choice")
    return choice


def _locked_checkpoint(checkpoint_id: int) -> Checkpoint:
    checkpoint = (
        Checkpoint.objects.select_for_update(of=("self",))
        .select_related("enrollment__cohort", "enrollment__hire")
        .filter(pk=checkpoint_id)
        .first()
    )
    if checkpoint is None:
        raise CheckpointError("There is no such checkpoint.", code="not_found")
    return checkpoint


def _standing(checkpoint: Checkpoint) -> Decision | None:
    return Decision.objects.filter(checkpoint=checkpoint, annulled_at__isnull=True).first()


def _record(
    checkpoint: Checkpoint,
    *,
    choice: str,
    actor: User,
    reflection: str,
    reason: str,
    offer_text: OfferText,
    now: datetime.datetime,
) -> Decision:
    enrollment = checkpoint.enrollment
    try:
        with transaction.atomic():
            decision = Decision.objects.create(
                checkpoint=checkpoint, choice=choice, reflection=reflection, decided_at=now, decided_by=actor,
                on_behalf_reason=reason, offer_text=offer_text,
                offer_amount=timing.offer_amount(enrollment, checkpoint.offer_override),
                currency=enrollment.cohort.currency,
            )  # fmt: skip
    except IntegrityError:  # a decision that committed in between (the unique index decides)
        raise CheckpointError("A decision has already been recorded.", code="already_decided") from None
    if choice == Choice.COMMIT:
        finish = enrollment_services.enrollment_graduate
    else:
        finish = enrollment_services.enrollment_leave_with_offer
    on_behalf = f"recorded on the hire's behalf: {reason}" if reason else "the hire's own decision"
    checkpoint.enrollment = enrollment = finish(
        enrollment=enrollment, actor=actor, note=f"Checkpoint: {decision.get_choice_display()} ({on_behalf})", now=now
    )
    if choice == Choice.COMMIT and selectors.completion_for(enrollment=enrollment, now=now).met:
        # Committing is not completing: without completion no certificate says "completed". It can
        # be issued later (certificate_issue), once excused items or readiness make it true.
        _certificate_create(decision, now=now)
    CheckpointEvent.objects.create(
        checkpoint=checkpoint, kind=EventKind.RECORDED if reason else EventKind.DECIDED, actor=actor,
        note=f"{decision.get_choice_display()}" + (f" — {reason}" if reason else ""), created_at=now,
    )  # fmt: skip
    hire = enrollment.hire
    outcome = "committed to the role" if choice == Choice.COMMIT else "took the offer"
    for person in _staff_for(enrollment):
        notify(
            recipient=person, kind=Kind.CHECKPOINT_OUTCOME, key=f"{checkpoint.pk}:decision:{decision.pk}", now=now,
            title=f"{hire} {outcome}", url=_overview_url(enrollment),
            body=f"{hire} ({enrollment.cohort}) {outcome}"
            + (f", recorded by {actor} on their behalf: {reason}" if reason else "") + ".",
        )  # fmt: skip
    notify(
        recipient=hire, kind=Kind.CHECKPOINT, key=f"{checkpoint.pk}:decision:{decision.pk}", now=now,
        title="Your checkpoint decision is recorded", url=_hire_url(),
        body=f"You {outcome}"
        + (f" (recorded by {actor} on your behalf)" if reason else "")
        + (f"; the offer is {_money(decision.offer_amount, decision.currency)}." if choice == Choice.OFFER else "."),
    )  # fmt: skip
    return decision


@transaction.atomic
def checkpoint_decide(
    *,
    hire: User,
    checkpoint_id: int,
    choice: str,
    confirm: str,
    offer_text_version: int,
    reflection: str = "",
    now: datetime.datetime | None = None,
) -> Decision:
    """The hire's own decision. `confirm` must name the same choice (the deliberate second
    step), and `offer_text_version` the version they were shown."""
    now = now or timezone.now()
    choice = _parse_choice(choice)
    if confirm != choice:
        raise CheckpointError(
            "Confirm the choice you made: the confirmation names a different one.", code="unconfirmed"
        )
    if len(reflection) > REFLECTION_MAX:
        raise CheckpointError(f"The reflection is limited to {REFLECTION_MAX} characters.")
    checkpoint = _locked_checkpoint(checkpoint_id)
    enrollment = checkpoint.enrollment
    if enrollment.hire_id != hire.pk:
        raise CheckpointError("This is not your checkpoint.", code="forbidden")
    if _standing(checkpoint) is not None:
        raise CheckpointError(
            "Your decision has already been recorded; it cannot be changed here.", code="already_decided"
        )
    if enrollment.status != EnrollmentStatus.ACTIVE:
        raise CheckpointError("Your enrollment is not active, so no decision can be recorded.", code="closed")
    if now < checkpoint.opened_at:
        raise CheckpointError("The checkpoint is not open yet.", code="closed")
    if now >= checkpoint.deadline:
        raise CheckpointError(
            "The deadline has passed. Your coach or training manager will record your decision with you.",
            code="deadline_passed",
        )
    offer_text = offer_text_ensure(cohort=enrollment.cohort)
    if offer_text.version != offer_text_version:
        raise CheckpointError(
            "The offer text was updated while you were reading it. Please read the new version and decide again.",
            code="offer_text_changed",
        )
    return _record(
        checkpoint, choice=choice, actor=hire, reflection=reflection.strip(), reason="", offer_text=offer_text, now=now
    )


def _require_admin(actor: User) -> None:
    if not permissions.can_manage_cohorts(actor):
        raise CheckpointError("Only an admin can do this.", code="forbidden")


def _require_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise CheckpointError("Give a reason: it is kept with the checkpoint's history.", code="reason_required")
    if len(reason) > REASON_MAX:
        raise CheckpointError(f"The reason is limited to {REASON_MAX} characters.")
    return reason


@transaction.atomic
def checkpoint_record_on_behalf(
    *, actor: User, checkpoint_id: int, choice: str, reason: str, now: datetime.datetime | None = None
) -> Decision:
    """An admin records the decision a hire made with them (e.g. after the deadline)."""
    now = now or timezone.now()
    _require_admin(actor)
    choice = _parse_choice(choice)
    reason = _require_reason(reason)
    checkpoint = _locked_checkpoint(checkpoint_id)
    if _standing(checkpoint) is not None:
        raise CheckpointError("A decision already stands; annul it first to record another.", code="already_decided")
    if checkpoint.enrollment.status != EnrollmentStatus.ACTIVE:
        raise CheckpointError("The enrollment is not active.", code="closed")
    offer_text = offer_text_ensure(cohort=checkpoint.enrollment.cohort)
    return _record(checkpoint, choice=choice, actor=actor, reflection="", reason=reason, offer_text=offer_text, now=now)


@transaction.atomic
def decision_annul(*, actor: User, decision_id: int, reason: str, now: datetime.datetime | None = None) -> Checkpoint:
    """Annul a standing decision and reopen the checkpoint. The decision stays in the history;
    a certificate it earned is revoked; the hire is active again with at least a full window."""
    now = now or timezone.now()
    _require_admin(actor)
    reason = _require_reason(reason)
    checkpoint_id = Decision.objects.filter(pk=decision_id).values_list("checkpoint_id", flat=True).first()
    if checkpoint_id is None:
        raise CheckpointError("There is no such decision.", code="not_found")
    checkpoint = _locked_checkpoint(checkpoint_id)
    decision = Decision.objects.filter(pk=decision_id).first()
    if decision.annulled_at is not None:
        raise CheckpointError("This decision was already annulled.", code="already_annulled")
    decision.annulled_at, decision.annulled_by, decision.annul_reason = now, actor, reason
    decision.save(update_fields=["annulled_at", "annulled_by", "annul_reason"])
    Certificate.objects.filter(decision=decision, revoked_at__isnull=True).update(revoked_at=now)
    checkpoint.enrollment = enrollment = enrollment_services.enrollment_reopen(
        enrollment=checkpoint.enrollment, actor=actor, reason=f"{decision.get_choice_display()} annulled — {reason}"
    )
    window = timing.window_of(checkpoint)
    fresh_deadline = timing.deadline_after(now, days=enrollment.cohort.checkpoint_window_days, zone=window.time_zone)
    checkpoint.deadline = max(checkpoint.deadline, fresh_deadline)
    checkpoint.round += 1
    checkpoint.escalated_at = None
    checkpoint.save(update_fields=["deadline", "round", "escalated_at"])
    CheckpointEvent.objects.create(
        checkpoint=checkpoint, kind=EventKind.ANNULLED, actor=actor, created_at=now,
        note=f"{decision.get_choice_display()} annulled — {reason}",
    )  # fmt: skip
    notify(
        recipient=enrollment.hire, kind=Kind.CHECKPOINT, key=f"{checkpoint.pk}:{checkpoint.round}:opened", now=now,
        title="Your commitment checkpoint is open again", url=_hire_url(),
        body=f"{actor} reopened your checkpoint: {reason}",
    )  # fmt: skip
    return checkpoint


@transaction.atomic
def checkpoint_offer_override(
    *, actor: User, checkpoint_id: int, amount: str | Decimal | None, reason: str, now: datetime.datetime | None = None
) -> Checkpoint:
    """Set (or clear, with None) this hire's offer amount. Decisions keep the amount they were shown."""
    now = now or timezone.now()
    _require_admin(actor)
    reason = _require_reason(reason)
    if amount in ("", None):
        value = None
    else:
        try:
            value = Decimal(str(amount)).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise CheckpointError("The amount must be a number, like 4250.00.") from None
        if not value.is_finite() or value < 0 or value >= Decimal("100000000"):
            raise CheckpointError("The amount must be between 0 and 99,999,999.99.")
    checkpoint = _locked_checkpoint(checkpoint_id)
    if _standing(checkpoint) is not None:
        raise CheckpointError(
            "The hire has decided; annul the decision before changing the offer.", code="already_decided"
        )
    previous = timing.offer_amount(checkpoint.enrollment, checkpoint.offer_override)
    checkpoint.offer_override = value
    checkpoint.save(update_fields=["offer_override"])
    currency = checkpoint.enrollment.cohort.currency
    CheckpointEvent.objects.create(
        checkpoint=checkpoint, kind=EventKind.OFFER_CHANGED, actor=actor, created_at=now,
        note=f"{_money(previous, currency)} → {_money(timing.offer_amount(checkpoint.enrollment, value), currency)}"
        f" — {reason}",
    )  # fmt: skip
    return checkpoint


def _certificate_create(decision: Decision, *, now: datetime.datetime) -> Certificate:
    checkpoint = decision.checkpoint
    enrollment = checkpoint.enrollment
    issued_on = timezone.localtime(now, timing.window_of(checkpoint).time_zone).date()
    return Certificate.objects.create(
        decision=decision, hire_name=enrollment.hire.display_name or enrollment.hire.email,
        cohort_name=enrollment.cohort.name, issued_on=issued_on,
    )  # fmt: skip


@transaction.atomic
def certificate_issue(*, hire: User, now: datetime.datetime | None = None) -> Certificate:
    """The certificate of completion for a hire who committed and completed the training by their
    cohort's rule. Asking again returns the one already issued."""
    now = now or timezone.now()
    row = selectors.checkpoint_for_hire(hire=hire, now=now)
    if row is None or row.standing is None or row.standing.choice != Choice.COMMIT:
        raise CheckpointError("A certificate follows a decision to commit to the role.", code="not_committed")
    decision = Decision.objects.select_for_update().select_related("checkpoint__enrollment").get(pk=row.standing.pk)
    if existing := Certificate.objects.filter(decision=decision).first():
        return existing
    completion = selectors.completion_for(enrollment=row.enrollment, now=now)
    if not completion.met:
        raise CheckpointError(
            "There is no certificate yet: the training is not complete. Still missing: "
            + "; ".join(completion.missing) + ".",
            code="not_complete",
        )  # fmt: skip
    return _certificate_create(decision, now=now)


COMPLETION_RULE_FIELDS = ("requires_all_items", "requires_readiness")


@transaction.atomic
def completion_rule_update(
    *, cohort: Cohort, admin: User, requires_all_items: bool, requires_readiness: bool,
    now: datetime.datetime | None = None,
) -> CompletionRule:  # fmt: skip
    """Set what completing the training means for a cohort (admins only). Certificates already
    issued stand; the rule decides those issued from now on. Each change keeps an audit row with
    the old and new values; saving the same values writes nothing."""
    if not permissions.can_manage_cohorts(admin):
        raise PermissionDenied("Only an admin can change what completing the training means.")
    now = now or timezone.now()
    wanted = {"requires_all_items": bool(requires_all_items), "requires_readiness": bool(requires_readiness)}
    rule, _ = CompletionRule.objects.select_for_update().get_or_create(cohort=cohort)
    changes = {name: [getattr(rule, name), value] for name, value in wanted.items() if getattr(rule, name) != value}
    if changes:
        for name, value in wanted.items():
            setattr(rule, name, value)
        rule.updated_by, rule.updated_at = admin, now
        rule.save()
        CompletionRuleChange.objects.create(rule=rule, actor=admin, changed_at=now, changes=changes)
    return rule
