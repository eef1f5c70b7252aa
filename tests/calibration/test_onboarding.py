"""Onboarding a new coach from the anchor bank: they grade gold items blind; the session reveals itself
when they finish, and the admins and the facilitator hear how close they came to gold."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from calibration import services
from calibration.models import AnchorItem, CalibrationSession, LeniencyAlert
from notifications.models import Kind, Notification
from tests.factories import AdminFactory, CoachFactory, calibration_work
from tests.roleplay_support import MARKER_SCORER

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def marker_scorer(settings):
    settings.ROLEPLAY_SCORER = MARKER_SCORER


def settle(attempts, *, plan: dict, gold: int, when: datetime.datetime, admin):
    """A calibration session on `attempts`, each coach giving `plan[coach]` everywhere, revealed at
    `when`, and gold recorded at `gold` on every item."""
    session = services.session_create(
        facilitator=admin, title=f"Calibration {when:%d %H}", coaches=list(plan), attempts=attempts,
        due_at=when + datetime.timedelta(days=1), now=when,
    )  # fmt: skip
    for item in session.items.all():
        for coach, level in plan.items():
            services.calibration_grade_save(item=item, coach=coach, levels=dict.fromkeys(keys(item), level), now=when)
    services.session_reveal(session=session, by=admin, now=when)
    for item in session.items.all():
        services.gold_record(item=item, by=admin, levels=dict.fromkeys(keys(item), gold), now=when)
    session.refresh_from_db()
    return session


def keys(item_or_anchor) -> list[str]:
    anchor = getattr(item_or_anchor, "anchor", item_or_anchor)
    return [c.key for c in anchor.rubric_version.criteria.order_by("position")]


@pytest.fixture
def bank(db):
    admin = AdminFactory(display_name="Ada Admin")
    _, attempts, _ = calibration_work(roleplays=2, calls=0)
    settle(attempts, plan={CoachFactory(): 2, CoachFactory(): 2}, gold=2, when=timezone.now(), admin=admin)
    return {"admin": admin, "anchors": list(AnchorItem.objects.filter(in_bank=True).order_by("pk"))}


def due() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=3)


def test_an_onboarding_session_gives_one_coach_gold_items_and_tells_them(bank):
    lead = CoachFactory(is_lead_coach=True)
    sam = CoachFactory(display_name="Sam Newcomer")
    session = services.onboarding_session_create(facilitator=lead, coach=sam, anchors=bank["anchors"], due_at=due())
    assert session.kind == CalibrationSession.Kind.ONBOARDING and not session.is_revealed
    assert list(session.coaches.all()) == [sam] and session.items.count() == 2
    told = Notification.objects.get(recipient=sam, kind=Kind.CALIBRATION)
    assert told.title == f"Onboarding session opened: {session.title}"
    assert told.url == reverse("calibration:session", args=[session.pk])


@pytest.mark.parametrize("problem", ["not_lead", "no_anchors", "not_in_bank", "past_due", "a_hire"])
def test_bad_requests_are_refused_and_write_nothing(bank, problem):
    from tests.factories import HireFactory

    fields = {"facilitator": bank["admin"], "coach": CoachFactory(), "anchors": bank["anchors"], "due_at": due()}
    if problem == "not_lead":
        fields["facilitator"] = CoachFactory()
    elif problem == "no_anchors":
        fields["anchors"] = []
    elif problem == "not_in_bank":
        _, attempts, _ = calibration_work(roleplays=1, calls=0)
        no_gold = services.session_create(
            facilitator=bank["admin"], title="Fresh", coaches=[CoachFactory(), CoachFactory()], attempts=attempts,
            due_at=due(),
        ).items.get().anchor  # fmt: skip
        fields["anchors"] = [*bank["anchors"], no_gold]
    elif problem == "past_due":
        fields["due_at"] = timezone.now() - datetime.timedelta(minutes=1)
    else:
        fields["coach"] = HireFactory()
    before = CalibrationSession.objects.count()
    with pytest.raises(PermissionDenied if problem == "not_lead" else ValidationError):
        services.onboarding_session_create(**fields)
    assert CalibrationSession.objects.count() == before
    assert not CalibrationSession.objects.filter(kind=CalibrationSession.Kind.ONBOARDING).exists()


def test_finishing_reveals_the_session_and_tells_the_admins_and_facilitator_the_result(client, bank):
    lead = CoachFactory(is_lead_coach=True, display_name="Lee Lead")
    sam = CoachFactory(display_name="Sam Newcomer")
    first_anchor = bank["anchors"][0]
    session = services.onboarding_session_create(facilitator=lead, coach=sam, anchors=[first_anchor], due_at=due())
    item = session.items.get()
    criteria = keys(item)
    assert len(criteria) == 6 and set(first_anchor.gold_levels.values()) == {2}
    # Four criteria on gold, two one level above it: 4/6 exact, 6/6 within one, mean deviation +2/6.
    form = {f"level_{key}": "3" if n < 2 else "2" for n, key in enumerate(criteria)}
    client.force_login(sam)
    response = client.post(reverse("calibration:item", args=[session.pk, item.pk]), form)
    assert response["Location"] == reverse("calibration:session", args=[session.pk])
    session.refresh_from_db()
    assert session.is_revealed
    line = "Sam Newcomer finished onboarding: 67% exact, 100% within one, leniency +0.33"
    told = Notification.objects.filter(kind=Kind.GRADING_QUALITY, title=line)
    assert set(told.values_list("recipient", flat=True)) == {bank["admin"].pk, lead.pk}
    assert told.first().url == reverse("calibration:session", args=[session.pk])
    assert Notification.objects.filter(recipient=sam, kind=Kind.CALIBRATION, key__contains="revealed").exists()
    page = client.get(reverse("calibration:session", args=[session.pk]))
    assert line in page.content.decode()
    rows = page.context["revealed"].items[0].rows
    assert [(row.levels, row.gold) for row in rows] == [([3], 2), ([3], 2), *[([2], 2)] * 4]
    # Grades are closed now, and gold is not set from one new coach.
    with pytest.raises(ValidationError, match="revealed"):
        services.calibration_grade_save(item=item, coach=sam, levels=dict.fromkeys(criteria, 2))
    with pytest.raises(ValidationError, match="onboarding"):
        services.gold_record(item=item, by=bank["admin"], levels=dict.fromkeys(criteria, 0))
    assert AnchorItem.objects.get(pk=first_anchor.pk).gold_levels == first_anchor.gold_levels


def test_the_session_stays_open_until_every_item_is_graded(bank):
    sam = CoachFactory()
    session = services.onboarding_session_create(
        facilitator=bank["admin"], coach=sam, anchors=bank["anchors"], due_at=due()
    )
    first = session.items.order_by("position").first()
    services.calibration_grade_save(item=first, coach=sam, levels=dict.fromkeys(keys(first), 2))
    session.refresh_from_db()
    assert not session.is_revealed
    assert not Notification.objects.filter(kind=Kind.GRADING_QUALITY).exists()


def test_onboarding_does_not_count_towards_leniency_alerts(settings):
    """A coach lenient in a calibration session, then in onboarding, then in a calibration session again:
    the alert pairs the two calibration sessions; onboarding is neither one of the pair nor in between."""
    settings.CALIBRATION_LENIENCY_THRESHOLD = 0.5
    admin = AdminFactory()
    lenient, steady = CoachFactory(), CoachFactory()
    start = timezone.now()
    _, attempts, _ = calibration_work(roleplays=1, calls=0)
    first = settle(attempts, plan={lenient: 3, steady: 2}, gold=2, when=start, admin=admin)
    assert not LeniencyAlert.objects.exists()

    onboarding = services.onboarding_session_create(
        facilitator=admin, coach=lenient, anchors=list(AnchorItem.objects.filter(in_bank=True)), due_at=due(),
        now=start + datetime.timedelta(hours=1),
    )  # fmt: skip
    for item in onboarding.items.all():
        services.calibration_grade_save(
            item=item, coach=lenient, levels=dict.fromkeys(keys(item), 3), now=start + datetime.timedelta(hours=2)
        )
    onboarding.refresh_from_db()
    assert onboarding.is_revealed
    assert not LeniencyAlert.objects.exists()  # onboarding, though lenient, is no second session in a row
    from calibration.alerts import leniency_alerts_check

    assert leniency_alerts_check(session=onboarding) == []

    _, more, _ = calibration_work(roleplays=1, calls=0)
    later = settle(more, plan={lenient: 3, steady: 2}, gold=2, when=start + datetime.timedelta(hours=3), admin=admin)
    alerts = LeniencyAlert.objects.all()
    assert alerts.count() == 6 and {a.coach for a in alerts} == {lenient} and {a.session for a in alerts} == {later}
    assert {alert.previous_session for alert in alerts} == {first}
