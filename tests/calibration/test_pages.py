"""The calibration pages: the list, opening a session, grading blind, the reveal, gold, the export, the
anchor bank; and their query counts for few and many items and coaches."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from calibration import services
from calibration.models import AnchorItem, CalibrationGrade, CalibrationSession
from tests.factories import AdminFactory, CoachFactory, calibration_round, calibration_work
from tests.roleplay_support import MARKER_SCORER

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def marker_scorer(settings):
    settings.ROLEPLAY_SCORER = MARKER_SCORER


def coaches_of(session):
    return [p.coach for p in session.participants.select_related("coach").order_by("coach__display_name")]


def keys_of(item) -> list[str]:
    return [c.key for c in item.anchor.rubric_version.criteria.all()]


def grade_all(session, plan: dict) -> None:
    """Each coach in `plan` gives their level on every criterion of every item."""
    for item in session.items.all():
        for coach, level in plan.items():
            services.calibration_grade_save(item=item, coach=coach, levels=dict.fromkeys(keys_of(item), level))


def signed_in(client, user):
    client.force_login(user)
    return client


# --- The list --------------------------------------------------------------------------------------


def test_a_coach_lists_their_sessions_with_what_they_graded_an_admin_lists_all(client):
    session, _ = calibration_round(roleplays=2, calls=0)
    other, _ = calibration_round(roleplays=1, calls=0)
    first, _ = coaches_of(session)
    services.calibration_grade_save(
        item=session.items.first(), coach=first, levels=dict.fromkeys(keys_of(session.items.first()), 2)
    )
    page = signed_in(client, first).get(reverse("calibration:list"))
    assert page.status_code == 200
    body = page.content.decode()
    assert session.title in body and "1 of 2" in body and "New session" not in body
    assert reverse("calibration:session", args=[other.pk]) not in body
    admin_page = signed_in(client, AdminFactory()).get(reverse("calibration:list")).content.decode()
    assert reverse("calibration:session", args=[other.pk]) in admin_page and "New session" in admin_page
    assert reverse("calibration:bank") in admin_page


def test_open_sessions_come_first(client):
    revealed, _ = calibration_round(roleplays=1, calls=0, due_in_hours=2)
    services.session_reveal(session=revealed, by=revealed.facilitator)
    opened, _ = calibration_round(roleplays=1, calls=0, due_in_hours=200)
    page = signed_in(client, AdminFactory()).get(reverse("calibration:list"))
    assert [s.pk for s in page.context["page"].object_list] == [opened.pk, revealed.pk]


def test_the_list_costs_the_same_for_few_and_many_sessions(client, django_assert_num_queries):
    admin = AdminFactory()
    signed_in(client, admin)
    calibration_round(roleplays=1, calls=0)
    client.get(reverse("calibration:list"))  # warm: what the cache holds is read once
    with django_assert_num_queries(_count_queries(client, reverse("calibration:list"))) as few:
        client.get(reverse("calibration:list"))
    for _ in range(3):
        calibration_round(roleplays=2, calls=1, coaches=3)
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(reverse("calibration:list"))
    assert len(page.context["page"].object_list) == 4


def _count_queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as counted:
        client.get(url)
    return len(counted.captured_queries)


# --- Opening a session -----------------------------------------------------------------------------


def session_form(attempts=(), reviews=(), coaches=(), **overrides) -> dict:
    due = timezone.localtime(timezone.now() + datetime.timedelta(days=3))
    return {"title": "December calibration", "due_at": f"{due:%Y-%m-%dT%H:%M}", "coaches": [c.pk for c in coaches],
            "attempts": [a.pk for a in attempts], "call_reviews": [r.pk for r in reviews], "action": "create",
            **overrides}  # fmt: skip


def test_an_admin_opens_a_session_from_the_lists(client):
    _, attempts, reviews = calibration_work(roleplays=2, calls=1)
    coaches = [CoachFactory(), CoachFactory()]
    admin = AdminFactory()
    page = signed_in(client, admin).get(reverse("calibration:new"))
    assert page.status_code == 200
    body = page.content.decode()
    assert attempts[0].scenario.title in body and reviews[0].get_channel_display() in body
    assert all(coach.display_name in body for coach in coaches)
    response = client.post(reverse("calibration:new"), session_form(attempts, reviews, coaches))
    session = CalibrationSession.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("calibration:session", args=[session.pk])
    assert session.items.count() == 3 and session.participants.count() == 2 and session.facilitator == admin


def test_bad_input_is_shown_and_nothing_changes(client):
    _, attempts, _ = calibration_work(roleplays=1, calls=0)
    signed_in(client, AdminFactory())
    response = client.post(reverse("calibration:new"), session_form(attempts, coaches=[CoachFactory()]))
    assert response.status_code == 400
    assert "Invite at least two coaches" in response.content.decode()
    assert not CalibrationSession.objects.exists() and not AnchorItem.objects.exists()
    # The attempt ticked stays ticked.
    assert attempts[0].pk in response.context["chosen_attempts"]


def test_browsing_the_lists_keeps_what_was_ticked_on_other_pages(client):
    _, attempts, _ = calibration_work(roleplays=1, calls=0)
    signed_in(client, AdminFactory())
    # A page that does not show the ticked attempt: a cohort filter matching none of them.
    response = client.post(reverse("calibration:new"), session_form(attempts, action="browse", cohort="999999"))
    assert response.status_code == 200 and not response.context["show_errors"]
    assert f'name="attempts" value="{attempts[0].pk}"' in response.content.decode()
    assert response.context["kept_attempts"] == [attempts[0].pk]
    assert not CalibrationSession.objects.exists()


def test_the_anchor_lists_are_paged(client):
    from calibration import views

    _, attempts, _ = calibration_work(roleplays=views.CANDIDATES_PAGE_SIZE + 1, calls=0)
    signed_in(client, AdminFactory())
    first = client.get(reverse("calibration:new"))
    assert len(first.context["attempts"].object_list) == views.CANDIDATES_PAGE_SIZE
    second = client.post(reverse("calibration:new"), session_form(attempts[:1], attempts_page="2", action=""))
    assert second.status_code == 200 and second.context["attempts"].number == 2
    assert not CalibrationSession.objects.exists()


def test_a_coach_who_does_not_lead_cannot_open_one(client):
    coach = CoachFactory()
    assert signed_in(client, coach).get(reverse("calibration:new")).status_code == 403
    lead = CoachFactory(is_lead_coach=True)
    assert signed_in(client, lead).get(reverse("calibration:new")).status_code == 200


# --- Grading blind ---------------------------------------------------------------------------------


def test_a_coach_grades_each_item_and_moves_to_the_next(client):
    session, _ = calibration_round(roleplays=1, calls=1)
    coach, _ = coaches_of(session)
    first, second = session.items.order_by("position")
    signed_in(client, coach)
    page = client.get(reverse("calibration:session", args=[session.pk]))
    assert page.status_code == 200 and "0 of 2 graded" in page.content.decode()
    form = {f"level_{key}": "2" for key in keys_of(first)} | {"note": "Genuine.", "action": "next"}
    response = client.post(reverse("calibration:item", args=[session.pk, first.pk]), form)
    assert response["Location"] == reverse("calibration:item", args=[session.pk, second.pk])
    assert CalibrationGrade.objects.get(item=first, coach=coach).levels == dict.fromkeys(keys_of(first), 2)
    # Changing it until the reveal: the form shows the levels saved.
    page = client.get(reverse("calibration:item", args=[session.pk, first.pk]))
    assert all(row["chosen"] == 2 for row in page.context["rows"]) and page.context["note"] == "Genuine."


def test_a_grade_missing_a_criterion_is_refused_and_nothing_is_saved(client):
    session, _ = calibration_round(roleplays=1, calls=0)
    coach, _ = coaches_of(session)
    item = session.items.get()
    keys = keys_of(item)
    form = {f"level_{key}": "1" for key in keys[1:]}
    response = signed_in(client, coach).post(reverse("calibration:item", args=[session.pk, item.pk]), form)
    assert response.status_code == 400 and "every criterion" in response.content.decode()
    assert not CalibrationGrade.objects.exists()
    assert [row["chosen"] for row in response.context["rows"]][1:] == [1] * (len(keys) - 1)


def test_after_the_reveal_the_grading_screen_sends_the_coach_to_the_results(client):
    session, _ = calibration_round(roleplays=1, calls=0)
    coach, _ = coaches_of(session)
    services.session_reveal(session=session, by=session.facilitator)
    item = session.items.get()
    response = signed_in(client, coach).get(reverse("calibration:item", args=[session.pk, item.pk]))
    assert response["Location"] == reverse("calibration:session", args=[session.pk])


def test_the_recording_streams_to_the_session_and_no_one_else(client):
    from tests.coaching.test_call_reviews import wav_upload

    session, (_, _, reviews) = calibration_round(roleplays=0, calls=1)
    review = reviews[0]
    review.recording.save("call.wav", wav_upload(seconds=2))
    item = session.items.get()
    url = reverse("calibration:item_recording", args=[session.pk, item.pk])
    coach, _ = coaches_of(session)
    response = signed_in(client, coach).get(url, headers={"Range": "bytes=0-9"})
    assert response.status_code == 206 and len(response.content) == 10
    assert response["Cache-Control"] == "private, no-store"
    assert signed_in(client, session.facilitator).get(url).status_code == 200
    assert signed_in(client, CoachFactory()).get(url).status_code == 404
    # The hire's own coach reaches the coaching recording, not this one: they are not in the session.
    assert signed_in(client, review.coach).get(url).status_code == 404


# --- The facilitator, the reveal and gold ----------------------------------------------------------


def test_the_facilitator_sees_progress_but_no_levels_then_reveals(client):
    session, _ = calibration_round(roleplays=1, calls=0)
    first, second = coaches_of(session)
    item = session.items.get()
    services.calibration_grade_save(
        item=item, coach=first, levels=dict.fromkeys(keys_of(item), 3), note="A secret-ish note"
    )
    signed_in(client, session.facilitator)
    page = client.get(reverse("calibration:session", args=[session.pk]))
    body = page.content.decode()
    assert [(row.participant.coach, row.graded) for row in page.context["progress"]] == [(first, 1), (second, 0)]
    assert "A secret-ish note" not in body and "revealed" not in page.context
    confirm = client.get(reverse("calibration:reveal", args=[session.pk]))
    assert confirm.status_code == 200 and second.display_name in confirm.content.decode()
    response = client.post(reverse("calibration:reveal", args=[session.pk]))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.is_revealed
    assert "A secret-ish note" in client.get(reverse("calibration:session", args=[session.pk])).content.decode()


def test_an_invited_coach_cannot_reveal(client):
    session, _ = calibration_round(roleplays=1, calls=0)
    coach, _ = coaches_of(session)
    assert signed_in(client, coach).post(reverse("calibration:reveal", args=[session.pk])).status_code == 403
    session.refresh_from_db()
    assert not session.is_revealed


def test_the_revealed_page_shows_every_level_the_spread_estimate_and_a_gold_form(client):
    session, (_, attempts, _) = calibration_round(roleplays=1, calls=1, coaches=3)
    low, middle, high = coaches_of(session)
    grade_all(session, {low: 0, middle: 2, high: 3})
    services.session_reveal(session=session, by=session.facilitator)
    page = signed_in(client, session.facilitator).get(reverse("calibration:session", args=[session.pk]))
    revealed = page.context["revealed"]
    assert revealed.coaches == [low, middle, high]
    roleplay, call = revealed.items
    row = roleplay.rows[0]
    assert row.levels == [0, 2, 3] and (row.low, row.high) == (0, 3) and row.distribution == [1, 0, 1, 1]
    assert [r.estimate for r in roleplay.rows] == [
        attempts[0].prescore["levels"][r.criterion.key] for r in roleplay.rows
    ]
    assert call.rows[0].estimate is None and row.gold is None and row.gold_default == 2  # the median
    body = page.content.decode()
    assert all(coach.display_name in body for coach in (low, middle, high))
    assert reverse("calibration:gold", args=[session.pk, roleplay.item.pk]) in body
    assert "Krippendorff" in body


def test_gold_is_recorded_from_the_form_and_joins_the_bank(client):
    session, _ = calibration_round(roleplays=1, calls=0)
    first, second = coaches_of(session)
    grade_all(session, {first: 1, second: 2})
    services.session_reveal(session=session, by=session.facilitator)
    item = session.items.get()
    form = {f"level_{key}": "2" for key in keys_of(item)} | {"note": "Genuine, not memorable."}
    signed_in(client, session.facilitator)
    response = client.post(reverse("calibration:gold", args=[session.pk, item.pk]), form)
    assert response["Location"].endswith(f"#item-{item.pk}")
    anchor = AnchorItem.objects.get(pk=item.anchor_id)
    assert anchor.in_bank and anchor.gold_levels == dict.fromkeys(keys_of(item), 2)
    page = client.get(reverse("calibration:session", args=[session.pk]))
    assert page.context["revealed"].items[0].rows[0].gold == 2
    assert "Genuine, not memorable." in page.content.decode()
    # A participant who is not the facilitator cannot set gold.
    refused = signed_in(client, first).post(reverse("calibration:gold", args=[session.pk, item.pk]), form)
    assert refused.status_code == 403


def test_the_revealed_page_costs_the_same_for_few_and_many_items_and_coaches(client, django_assert_num_queries):
    small, _ = calibration_round(roleplays=1, calls=1, coaches=2)
    grade_all(small, dict.fromkeys(coaches_of(small), 2))
    services.session_reveal(session=small, by=small.facilitator)
    large, _ = calibration_round(roleplays=4, calls=3, coaches=5)
    grade_all(large, {coach: n % 4 for n, coach in enumerate(coaches_of(large))})
    services.session_reveal(session=large, by=large.facilitator)
    admin = AdminFactory()
    signed_in(client, admin)
    client.get(reverse("calibration:session", args=[small.pk]))  # warm: what the cache holds is read once
    counted = _count_queries(client, reverse("calibration:session", args=[small.pk]))
    with django_assert_num_queries(counted):
        page = client.get(reverse("calibration:session", args=[large.pk]))
    assert len(page.context["revealed"].items) == 7 and len(page.context["revealed"].coaches) == 5


# --- The export ------------------------------------------------------------------------------------


def test_the_export_exists_only_after_the_reveal(client):
    session, (_, attempts, _) = calibration_round(roleplays=1, calls=1)
    first, second = coaches_of(session)
    grade_all(session, {first: 1, second: 3})
    url = reverse("calibration:export", args=[session.pk])
    for user in (first, session.facilitator, AdminFactory()):
        assert signed_in(client, user).get(url).status_code == 404
    services.session_reveal(session=session, by=session.facilitator)
    item = session.items.order_by("position").first()
    services.gold_record(item=item, by=session.facilitator, levels=dict.fromkeys(keys_of(item), 2))
    response = signed_in(client, first).get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    criteria = len(keys_of(item))
    assert len(rows) == 2 * 2 * criteria  # items × coaches × criteria
    mine = [r for r in rows if r["coach"] == first.display_name and r["item"] == "1"]
    assert {r["coach_level"] for r in mine} == {"1"} and {r["gold"] for r in mine} == {"2"}
    estimate = attempts[0].prescore["levels"]
    assert {r["criterion"]: r["estimate"] for r in mine} == {key: str(level) for key, level in estimate.items()}
    call_rows = [r for r in rows if r["item"] == "2"]
    assert {r["estimate"] for r in call_rows} == {""} and {r["gold"] for r in call_rows} == {""}
    assert signed_in(client, CoachFactory()).get(url).status_code == 404


# --- The anchor bank and onboarding ----------------------------------------------------------------


def test_the_bank_lists_gold_anchors_with_their_use_and_starts_onboarding(client):
    session, _ = calibration_round(roleplays=2, calls=0)
    first, second = coaches_of(session)
    grade_all(session, {first: 2, second: 2})
    services.session_reveal(session=session, by=session.facilitator)
    settled = session.items.order_by("position").first()
    services.gold_record(item=settled, by=session.facilitator, levels=dict.fromkeys(keys_of(settled), 2))
    admin = AdminFactory()
    page = signed_in(client, admin).get(reverse("calibration:bank"))
    bank = list(page.context["bank"].object_list)
    assert [anchor.pk for anchor in bank] == [settled.anchor_id] and bank[0].session_count == 1
    newcomer = CoachFactory(display_name="Sam Newcomer")
    due = timezone.localtime(timezone.now() + datetime.timedelta(days=2))
    form = {"coach": newcomer.pk, "anchors": [settled.anchor_id], "due_at": f"{due:%Y-%m-%dT%H:%M}"}
    response = client.post(reverse("calibration:onboarding_new"), form)
    onboarding = CalibrationSession.objects.get(kind=CalibrationSession.Kind.ONBOARDING)
    assert response["Location"] == reverse("calibration:session", args=[onboarding.pk])
    assert list(onboarding.coaches.all()) == [newcomer] and onboarding.facilitator == admin
    refused = client.post(reverse("calibration:onboarding_new"), {**form, "anchors": []})
    assert refused.status_code == 400 and "anchor bank" in refused.content.decode()
    assert CalibrationSession.objects.filter(kind=CalibrationSession.Kind.ONBOARDING).count() == 1


def test_the_navigation_offers_calibration_to_coaches_and_admins_only(client):
    from accounts.navigation import nav_for
    from tests.factories import HireFactory

    url = reverse("calibration:list")
    assert url in [item["url"] for item in nav_for(CoachFactory(), "/")]
    assert url in [item["url"] for item in nav_for(AdminFactory(), "/")]
    assert url not in [item["url"] for item in nav_for(HireFactory(), "/")]
