"""Coach and admin notices, and the daily digest email.

All of it goes through the ledger: the key carries the period (an attempt, a day, a
week), so running a task twice tells nobody twice.
"""

import datetime
import zoneinfo
from collections import defaultdict

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from accounts.selectors import admins_active
from courses.models import Attempt, AttemptState, Cohort, EnrollmentStatus, LessonCompletion
from courses.moments import moment_phrase
from notifications.models import DigestDelivery, EmailStatus, Kind, Notification, ReminderItem
from notifications.services import NotificationDraft, notify_many


def grading_overdue_notify(*, now: datetime.datetime | None = None) -> int:
    """Tell a cohort's coaches about each attempt waiting past its grading target (once per attempt). A grade
    held for a blind second mark waits for someone else: see coaching.second_marking.held_overdue_notices."""
    from coaching.models import Grade
    from coaching.second_marking import held_overdue_notices

    now = now or timezone.now()
    overdue = (
        Attempt.objects.filter(state=AttemptState.AWAITING_COACH, grading_due_at__lt=now)
        .exclude(grade__outcome=Grade.Outcome.HELD)
        .select_related("enrollment__hire", "enrollment__cohort", "scenario")
        .prefetch_related("enrollment__cohort__coaches")
    )
    candidates = []
    for attempt in overdue:
        for coach in attempt.enrollment.cohort.coaches.all():
            candidates.append(NotificationDraft(
                recipient=coach, kind=Kind.GRADING_OVERDUE, subject=f"attempt:{attempt.pk}",
                title=f"Waiting past the grading target: {attempt.enrollment.hire}, {attempt.scenario.title}",
                body=f"Submitted {moment_phrase(attempt.submitted_at, coach.time_zone)}.",
                url=reverse("coaching:grade", args=[attempt.pk]),
            ))  # fmt: skip
    candidates += held_overdue_notices(now=now)
    return len(notify_many(candidates, now=now))


def coach_queue_digest(*, now: datetime.datetime | None = None) -> int:
    """Once a day, each coach's queue in one notice."""
    now = now or timezone.now()
    from coaching.selectors import queue_counts_per_coach  # the queue page's own counting rule

    coaches = list(User.objects.filter(role=Role.COACH, is_active=True, coached_cohorts__isnull=False).distinct())
    by_coach = queue_counts_per_coach(coaches=coaches, now=now)
    candidates = []
    for coach in coaches:
        counts = by_coach[coach.pk]
        day = now.astimezone(zoneinfo.ZoneInfo(coach.time_zone)).date()
        body = (f"{counts.total} waiting, {counts.overdue} past the grading target."
                if counts.total else "Nothing is waiting. Well done.")  # fmt: skip
        held = []
        if counts.second_marks:
            held.append(f"{counts.second_marks} blind second mark{'s' if counts.second_marks != 1 else ''} for you")
        if counts.moderation:
            held.append(f"{counts.moderation} awaiting your moderation")
        if held:
            body = f"{body} Held for a second look: {', '.join(held)}."
        candidates.append(NotificationDraft(
            recipient=coach, kind=Kind.QUEUE_DIGEST, subject="", period=day.isoformat(),
            title=f"Your grading queue today: {counts.total} waiting", body=body, url=reverse("coaching:queue"),
        ))  # fmt: skip
    return len(notify_many(candidates, now=now))


def cohort_weekly_digest(*, now: datetime.datetime | None = None) -> int:
    """Once a week, each admin gets each running cohort's progress, overdue work and grading backlog."""
    now = now or timezone.now()
    year, week, _ = now.isocalendar()
    cohorts = list(
        Cohort.objects.annotate(
            hires=Count("enrollments", filter=Q(enrollments__status=EnrollmentStatus.ACTIVE), distinct=True),
            backlog=Count("enrollments__roleplay_attempts",
                          filter=Q(enrollments__roleplay_attempts__state=AttemptState.AWAITING_COACH), distinct=True),
        ).filter(hires__gt=0)
    )  # fmt: skip
    completions = dict(
        LessonCompletion.objects.filter(enrollment__cohort__in=cohorts)
        .values("enrollment__cohort")
        .annotate(n=Count("id"))
        .values_list("enrollment__cohort", "n")
    )
    overdue = dict(
        ReminderItem.objects.filter(kind=Kind.OVERDUE, notification__created_at__gte=now - datetime.timedelta(days=7))
        .filter(recipient__enrollments__cohort__in=cohorts)
        .values("recipient__enrollments__cohort")
        .annotate(n=Count("id"))
        .values_list("recipient__enrollments__cohort", "n")
    )
    admins = list(admins_active())
    candidates = [
        NotificationDraft(
            recipient=admin, kind=Kind.COHORT_DIGEST, subject=str(cohort.pk), period=f"{year}-W{week:02d}",
            title=f"{cohort.name}: the week in brief",
            body=(f"{cohort.hires} active hires; {completions.get(cohort.pk, 0)} lessons completed in all; "
                  f"{overdue.get(cohort.pk, 0)} overdue reminders this week; {cohort.backlog} role-plays "
                  f"waiting for a coach."),
            url=reverse("cohorts:dashboard", args=[cohort.pk]),
        )
        for admin in admins
        for cohort in cohorts
    ]  # fmt: skip
    return len(notify_many(candidates, now=now))


def digest_emails_send(*, now: datetime.datetime | None = None) -> int:
    """Email each person, once a day in their own morning, what they chose to get as a digest."""
    now = now or timezone.now()
    waiting = defaultdict(list)
    for notification in (
        Notification.objects.filter(email_status=EmailStatus.DIGEST).select_related("recipient").order_by("created_at")
    ):
        waiting[notification.recipient].append(notification)
    sent = 0
    for person, items in waiting.items():
        local = now.astimezone(zoneinfo.ZoneInfo(person.time_zone))
        if local.hour < 7:  # the digest goes out from 07:00 their time
            continue
        with transaction.atomic():
            _, created = DigestDelivery.objects.get_or_create(user=person, day=local.date())
            if not created:
                continue  # today's digest already went
            _send_digest(person, items)
            Notification.objects.filter(pk__in=[n.pk for n in items]).update(
                email_status=EmailStatus.SENT, email_sent_at=now
            )
            sent += 1
    return sent


def _send_digest(person, items) -> None:
    from django.conf import settings

    context = {"person": person, "items": items, "site_url": settings.SITE_URL.rstrip("/"),
               "site_name": settings.SITE_NAME}  # fmt: skip
    message = EmailMultiAlternatives(
        subject=f"Your day at {settings.SITE_NAME}: {len(items)} thing{'s' if len(items) != 1 else ''}",
        body=render_to_string("notifications/digest.txt", context),
        to=[person.email],
    )
    message.attach_alternative(render_to_string("notifications/digest.html", context), "text/html")
    message.send()
