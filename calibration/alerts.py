"""Leniency and severity alerts: admins hear when a coach's mean deviation from gold on a criterion
passes the threshold in two revealed sessions in a row (the coach's own sessions, in reveal order)."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.selectors import admins_active
from calibration.models import CalibrationSession, LeniencyAlert
from calibration.selectors import session_agreement
from notifications.models import Kind
from notifications.services import NotificationDraft, notify_many


def _deviations(session: CalibrationSession) -> dict[tuple[int, str], float]:
    """(coach id, criterion key) → mean signed deviation from gold, where the coach had gold to compare."""
    return {
        (row.coach.pk, key): found.deviation
        for row in session_agreement(session=session).coaches
        for key, found in row.by_criterion.items()
        if found.deviation is not None
    }


def _previous_session(session: CalibrationSession, coach_id: int) -> CalibrationSession | None:
    return (
        CalibrationSession.objects.filter(
            kind=CalibrationSession.Kind.CALIBRATION,
            status=CalibrationSession.Status.REVEALED,
            participants__coach_id=coach_id,
            revealed_at__lt=session.revealed_at,
        )
        .order_by("-revealed_at", "-id")
        .first()
    )


@transaction.atomic
def leniency_alerts_check(
    *, session: CalibrationSession, threshold: float | None = None, now: datetime.datetime | None = None
) -> list[LeniencyAlert]:
    """Write an alert (and tell every admin) for each coach and criterion whose deviation passes the
    threshold in this session and in that coach's previous revealed session. Running it again finds
    the same pairs and writes nothing more."""
    now = now or timezone.now()
    threshold = settings.CALIBRATION_LENIENCY_THRESHOLD if threshold is None else threshold
    # Onboarding compares one new coach with gold once; it is reported on its own, not counted here.
    if not session.is_revealed or session.kind != CalibrationSession.Kind.CALIBRATION:
        return []
    current = {pair: value for pair, value in _deviations(session).items() if abs(value) > threshold}
    earlier: dict[int, tuple[CalibrationSession | None, dict]] = {}
    written = []
    for (coach_id, key), deviation in sorted(current.items()):
        if coach_id not in earlier:
            previous = _previous_session(session, coach_id)
            earlier[coach_id] = (previous, _deviations(previous) if previous else {})
        previous, previous_deviations = earlier[coach_id]
        before = previous_deviations.get((coach_id, key))
        if previous is None or before is None or abs(before) <= threshold:
            continue
        alert, created = LeniencyAlert.objects.get_or_create(
            coach_id=coach_id, criterion_key=key, session=session,
            defaults={"previous_session": previous, "deviation": deviation, "previous_deviation": before},
        )  # fmt: skip
        if created:
            written.append(alert)
    admins = list(admins_active())
    drafts = []
    for alert in written:
        leaning = "leniently" if alert.deviation > 0 else "severely"
        title = (
            f"{alert.coach} grades {alert.criterion_key} {leaning}: "
            f"{alert.previous_deviation:+.2f} then {alert.deviation:+.2f} levels from gold"
        )
        body = f"Sessions “{alert.previous_session}” and “{session}”."
        drafts += [
            NotificationDraft(
                recipient=admin, kind=Kind.GRADING_QUALITY, subject=f"leniency:{alert.pk}", title=title, body=body
            )
            for admin in admins
        ]
    notify_many(drafts, now=now)
    return written
