"""Grading quality in the browser: a lead coach opens a calibration session, three coaches grade it blind,
the lead reveals it, records gold and reads Krippendorff's alpha in the report; a blind second mark two levels
apart goes to moderation and the hire then sees the moderated grade; the estimate against coaches."""

import datetime
import re

import pytest
from django.template.defaultfilters import floatformat
from django.utils import timezone
from playwright.sync_api import expect

from calibration import services as calibration_services
from calibration.models import AnchorItem, CalibrationGrade, CalibrationSession
from calibration.selectors import session_agreement
from coaching import services as coaching_services
from coaching.charts import decimal
from coaching.estimate_agreement import estimate_report
from coaching.models import Grade, SecondMark
from courses.models import Attempt, Cohort, Scenario
from tests.coaching.conftest import ALL_LEVELS, submit_attempt
from tests.factories import CoachFactory, calibration_work
from tests.roleplay_support import MARKER_SCORER, scenario_with_turns

pytestmark = pytest.mark.django_db(transaction=True)

HIRE_NAME = "Priya Natarajan"
ORIGINAL_COMMENT = "Original grade: you named the deadline at once."
# Distinct titles, so each anchor item can be picked and found by its name.
ANCHOR_TITLES = (
    "Narrow shoes for a family wedding",
    "An order for a husband who has died",
    "A dog barking in the background",
)
COACH_NAMES = ("Beatriz Okafor", "Dev Malhotra", "Sam Lindqvist")


@pytest.fixture(autouse=True)
def marker_scorer(settings):
    settings.ROLEPLAY_SCORER = MARKER_SCORER


@pytest.fixture
def lead(db):
    return CoachFactory(display_name="Lena Lead", is_lead_coach=True)


def _criteria(attempt) -> list:
    return list(attempt.rubric_version.criteria.order_by("position", "id"))


def calibration_level(coach_index: int, item_index: int, criterion_index: int) -> int:
    """The plan the three coaches follow: each item has a level everyone starts from (1, 2, 3); the second
    coach differs by one on a different item per criterion, the third by one on another. So every criterion
    varies (alpha is defined) and has disagreement (alpha is below 1)."""
    level = item_index + 1
    if coach_index == 1 and item_index == criterion_index % 3:
        level += 1 if level < 3 else -1
    if coach_index == 2 and item_index == (criterion_index + 1) % 3:
        level -= 1
    return level


def _graded_work():
    """Three graded role-plays of one hire, with distinct titles and the original coach's released grade."""
    enrollment, attempts, _ = calibration_work(roleplays=3, calls=0, hire_name=HIRE_NAME)
    original = enrollment.cohort.coaches.get()
    for attempt, title in zip(attempts, ANCHOR_TITLES, strict=True):
        Scenario.objects.filter(pk=attempt.scenario_id).update(title=title)
        coaching_services.grade_release(
            attempt=attempt, coach=original, levels=ALL_LEVELS, overall_comment=ORIGINAL_COMMENT
        )
    return enrollment, attempts, original


def _earlier_session(*, lead, coaches) -> CalibrationSession:
    """A session revealed and settled a month ago, in which the same coaches agreed less, so the report has a
    trend to show."""
    start = timezone.now() - datetime.timedelta(days=30)
    enrollment, attempts, _ = calibration_work(roleplays=2, calls=0, hire_name="Tomas Berger")
    enrollment.cohort.coaches.update(display_name="Olu Adeyemi")
    for attempt, title in zip(attempts, ("Shoes for a first date", "Finding an open pharmacy"), strict=True):
        Scenario.objects.filter(pk=attempt.scenario_id).update(title=title)
    session = calibration_services.session_create(
        facilitator=lead, title="November calibration", due_at=start + datetime.timedelta(days=3), coaches=coaches,
        attempts=attempts, now=start,
    )  # fmt: skip
    items = list(session.items.order_by("position"))
    keys = [c.key for c in _criteria(attempts[0])]
    for coach_index, coach in enumerate(coaches):
        for item in items:
            levels = {key: (item.position * 2 + coach_index + n) % 4 for n, key in enumerate(keys)}
            calibration_services.calibration_grade_save(item=item, coach=coach, levels=levels, now=start)
    revealed = start + datetime.timedelta(days=2)
    calibration_services.session_reveal(session=session, by=lead, now=revealed)
    for item in items:
        gold = {key: (item.position * 2 + n) % 4 for n, key in enumerate(keys)}
        calibration_services.gold_record(item=item, by=lead, levels=gold, note="Agreed.", now=revealed)
    return session


def _scroll_to_top(panel) -> None:
    """The rubric panel scrolls on its own: show its top in a screenshot."""
    panel.evaluate("panel => panel.scrollTo(0, 0)")
    panel.page.evaluate("window.scrollTo(0, 0)")


def test_a_calibration_round_from_opening_to_the_grading_quality_report(page, sign_in, screenshot, lead):
    _, attempts, original = _graded_work()
    coaches = [CoachFactory(display_name=name) for name in COACH_NAMES]
    earlier = _earlier_session(lead=lead, coaches=coaches)
    criteria = _criteria(attempts[0])
    due = timezone.localtime(timezone.now() + datetime.timedelta(days=3))

    # The lead coach opens the session from the navigation.
    sign_in(lead)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Calibration", exact=True).click()
    page.wait_for_url("**/calibration/")
    page.get_by_role("link", name="New session").click()
    page.wait_for_url("**/calibration/new/")
    page.get_by_label("Title").fill("December calibration: wedding and grief calls")
    page.get_by_label("Due (your time)").fill(f"{due:%Y-%m-%dT%H:%M}")
    invite = page.get_by_role("group", name=re.compile("Invite coaches"))
    for coach in coaches:
        invite.get_by_role("checkbox", name=coach.display_name).check()
    assert not invite.get_by_role("checkbox", name=original.display_name).is_checked()
    anchors = page.get_by_role("region", name="Anchor items")
    for title in ANCHOR_TITLES:
        anchors.get_by_role("checkbox", name=re.compile(re.escape(title))).check()
    screenshot("lead-calibration-new")
    page.get_by_role("button", name="Open the session").click()
    page.wait_for_url(re.compile(r"/calibration/\d+/$"))
    session = CalibrationSession.objects.exclude(pk=earlier.pk).get()
    assert page.url.endswith(f"/calibration/{session.pk}/")
    expect(page.get_by_text("opened; the invited coaches have been told")).to_be_visible()
    assert session.facilitator == lead and session.items.count() == 3
    assert {p.coach for p in session.participants.all()} == set(coaches)

    # Each coach grades every item blind.
    notes = {coach.pk: f"{coach.display_name}'s reasoning on item" for coach in coaches}
    for coach_index, coach in enumerate(coaches):
        page.context.clear_cookies()
        sign_in(coach)
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Calibration", exact=True).click()
        page.get_by_role("link", name=session.title).click()
        page.wait_for_url(f"**/calibration/{session.pk}/")
        expect(page.get_by_role("heading", name=re.compile("Your items"))).to_contain_text("0 of 3 graded")
        page.get_by_role("link", name=f"1. {ANCHOR_TITLES[0]}").click()
        for item_index, title in enumerate(ANCHOR_TITLES):
            expect(page.get_by_role("heading", level=1)).to_have_text(f"Item {item_index + 1} of 3: {title}")
            body = page.content()
            # Blind: not the hire, not the original grade, not another coach's levels or notes.
            for hidden in (*HIRE_NAME.split(), original.display_name, ORIGINAL_COMMENT):
                assert hidden not in body
            for other in coaches:
                if other != coach:
                    assert other.display_name not in body and notes[other.pk] not in body
            assert page.locator("input[type=radio]:checked").count() == 0
            assert "the hire" in page.get_by_role("region", name=re.compile("Role-play")).inner_text()
            rubric = page.get_by_role("region", name=re.compile("Rubric"))
            for criterion_index, criterion in enumerate(criteria):
                level = calibration_level(coach_index, item_index, criterion_index)
                rubric.get_by_role("group", name=criterion.title, exact=True).get_by_role(
                    "radio", name=re.compile(rf"^{level}\b")
                ).check()
            rubric.get_by_label(re.compile("^Note")).fill(f"{notes[coach.pk]} {item_index + 1}")
            if coach_index == 1 and item_index == 0:
                _scroll_to_top(rubric)
                screenshot("coach-calibration-blind")
            rubric.get_by_role("button", name="Save and next").click()
            page.wait_for_load_state()
        page.wait_for_url(f"**/calibration/{session.pk}/")
        expect(page.get_by_role("heading", name=re.compile("Your items"))).to_contain_text("3 of 3 graded")
    for coach_index, coach in enumerate(coaches):
        for item in session.items.order_by("position"):
            grade = CalibrationGrade.objects.get(item=item, coach=coach)
            assert grade.levels == {
                c.key: calibration_level(coach_index, item.position, n) for n, c in enumerate(criteria)
            }

    # The lead reveals: every coach's level, the spread and the estimate.
    page.context.clear_cookies()
    sign_in(lead)
    page.goto(f"/calibration/{session.pk}/")
    progress = page.get_by_role("table", name=re.compile("each invited coach has graded"))
    for coach in coaches:
        expect(progress.get_by_role("row", name=re.compile(coach.display_name))).to_contain_text("3 of 3")
    page.get_by_role("link", name="Reveal…").click()
    expect(page.get_by_text("Every invited coach has graded every item.")).to_be_visible()
    page.get_by_role("button", name="Reveal now").click()
    page.wait_for_url(f"**/calibration/{session.pk}/")
    expect(page.get_by_text("Revealed: every coach can see everyone's levels now.")).to_be_visible()
    first = page.get_by_role("region", name=re.compile(rf"^1\. {re.escape(ANCHOR_TITLES[0])}"))
    table = first.get_by_role("table", name=re.compile("Every coach's level per criterion for item 1"))
    headers = table.get_by_role("columnheader").all_inner_texts()
    assert headers[1:4] == sorted(COACH_NAMES)
    assert headers[4:] == ["Spread", "Distribution (levels 0–3)", "Estimate", "Gold"]
    acknowledge = table.get_by_role("row", name=re.compile("^Acknowledge"))
    cells = acknowledge.get_by_role("cell").all_inner_texts()
    given = {name: calibration_level(n, 0, 0) for n, name in enumerate(COACH_NAMES)}
    assert cells[:3] == [str(given[name]) for name in sorted(COACH_NAMES)]
    assert len(set(given.values())) > 1 and cells[3] == f"{min(given.values())}–{max(given.values())}"
    attempts[0].refresh_from_db()
    assert cells[5] == str(attempts[0].prescore["levels"]["acknowledge"])  # the estimate
    screenshot("lead-calibration-revealed")

    # Gold levels, with a note, for every item.
    gold_plan = {}
    for item_index, title in enumerate(ANCHOR_TITLES):
        item = page.get_by_role("region", name=re.compile(rf"^{item_index + 1}\. {re.escape(title)}"))
        gold_plan[item_index] = {c.key: calibration_level(0, item_index, n) for n, c in enumerate(criteria)}
        for criterion in criteria:
            item.get_by_label(criterion.title).select_option(str(gold_plan[item_index][criterion.key]))
        item.get_by_label("Why this is the gold level").fill(f"Agreed in the meeting for item {item_index + 1}.")
        item.get_by_role("button", name="Record gold").click()
        expect(page.get_by_text(f"Gold levels recorded for item {item_index + 1}")).to_be_visible()
    for item in session.items.select_related("anchor").order_by("position"):
        assert item.anchor.gold_levels == gold_plan[item.position] and item.anchor.in_bank
        assert item.anchor.gold_note == f"Agreed in the meeting for item {item.position + 1}."
    assert AnchorItem.objects.filter(in_bank=True).count() == 2 + 3

    # The grading-quality report: alpha per criterion, as computed from the database.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Grading quality").click()
    page.wait_for_url("**/calibration/reports/")
    agreement = {row.key: row.alpha for row in session_agreement(session=session).criteria}
    assert all(alpha is not None and alpha < 1 for alpha in agreement.values())
    alpha_table = page.get_by_role("table", name="Krippendorff's alpha (ordinal) per criterion, by session, and pooled")
    columns = alpha_table.get_by_role("columnheader").all_inner_texts()
    assert columns == ["Session", *(c.title for c in criteria)]
    session_row = alpha_table.get_by_role("row", name=re.compile(re.escape(session.title)))
    shown = session_row.get_by_role("cell").all_inner_texts()
    assert shown == [decimal(agreement[c.key]) for c in criteria]
    assert all(re.fullmatch(r"-?\d\.\d\d", value) for value in shown)
    earlier_alpha = {row.key: row.alpha for row in session_agreement(session=earlier).criteria}
    earlier_row = alpha_table.get_by_role("row", name=re.compile(re.escape(earlier.title)))
    assert earlier_row.get_by_role("cell").all_inner_texts() == [decimal(earlier_alpha[c.key]) for c in criteria]
    screenshot("admin-grading-quality")


# --- Blind second marking and moderation -----------------------------------------------------------------

FIRST_COMMENT = "Lovely warmth on the wedding detail."
TWO_APART = {**ALL_LEVELS, "tone": 1}  # two levels from ALL_LEVELS on Tone: moderation
MODERATED = {**ALL_LEVELS, "tone": 2}


def test_a_blind_second_mark_two_apart_is_moderated_and_then_the_hire_sees_it(
    page, sign_in, screenshot, coach, hire, hire_enrollment, lead
):
    Cohort.objects.filter(pk=hire_enrollment.cohort_id).update(second_marking_percent=100)
    second_coach = CoachFactory(display_name="Sam Second")
    hire_enrollment.cohort.coaches.add(second_coach)
    scenario = scenario_with_turns(hire_enrollment.cohort.curriculum, slug="wedding-graded", mode="graded")
    attempt = submit_attempt(hire_enrollment, scenario)
    coaching_services.grade_release(attempt=attempt, coach=coach, levels=ALL_LEVELS, overall_comment=FIRST_COMMENT)
    held = SecondMark.objects.get(attempt=attempt)
    assert held.status == SecondMark.Status.AWAITING_SECOND
    criteria = _criteria(attempt)

    sign_in(second_coach)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Grading queue").click()
    page.get_by_role("link", name=re.compile("1 second mark waiting for you")).click()
    page.wait_for_url("**/coaching/second-marks/")
    row = page.get_by_role("row", name=re.compile(hire.display_name))
    row.get_by_role("link", name="Second-mark").click()
    page.wait_for_url(f"**/coaching/second-marks/{held.pk}/")
    body = page.content()
    assert FIRST_COMMENT not in body and coach.display_name not in body and "Automatic estimate" not in body
    assert page.locator("input[type=radio]:checked").count() == 0
    rubric = page.get_by_role("region", name=re.compile("Rubric"))
    for criterion in criteria:
        rubric.get_by_role("group", name=re.compile(re.escape(criterion.title))).get_by_role(
            "radio", name=re.compile(rf"^{TWO_APART[criterion.key]}\b")
        ).check()
    rubric.get_by_label(re.compile("^Note for the moderator")).fill("Tone felt scripted to me.")
    _scroll_to_top(rubric)
    screenshot("coach-second-mark-blind")
    rubric.get_by_role("button", name="Save the second mark").click()
    page.wait_for_url("**/coaching/second-marks/")
    expect(page.get_by_text("The marks are 2 levels apart: a moderator sets it.")).to_be_visible()
    held.refresh_from_db()
    assert held.status == SecondMark.Status.MODERATION and held.second_levels == TWO_APART

    page.context.clear_cookies()
    sign_in(lead)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Grading queue").click()
    page.get_by_role("link", name=re.compile("1 awaiting moderation")).click()
    page.wait_for_url("**/coaching/moderation/")
    page.get_by_role("row", name=re.compile(hire.display_name)).get_by_role("link", name="Moderate").click()
    page.wait_for_url(f"**/coaching/moderation/{held.pk}/")
    marks = page.get_by_role("table", name=re.compile("as the first coach"))
    tone = marks.get_by_role("row", name=re.compile("^Tone"))
    first, second = ALL_LEVELS["tone"], TWO_APART["tone"]
    assert tone.get_by_role("cell").all_inner_texts()[:3] == [str(first), str(second), f"{abs(first - second)} apart"]
    panel = page.get_by_role("region", name="The grade to release")
    for criterion in criteria:
        panel.get_by_role("group", name=criterion.title, exact=True).get_by_role(
            "radio", name=re.compile(rf"^{MODERATED[criterion.key]}\b")
        ).check()
    panel.get_by_label(re.compile("^Why these levels")).fill("Warm throughout, a little stiff at the close.")
    screenshot("lead-moderation")
    panel.get_by_role("button", name="Release the moderated grade").click()
    page.wait_for_url("**/coaching/moderation/")
    expect(page.get_by_text(f"Moderated: the grade is released to {hire.display_name}.")).to_be_visible()
    grade = Grade.objects.get(attempt=attempt)
    assert grade.outcome == Grade.Outcome.RELEASED and grade.levels == MODERATED

    page.context.clear_cookies()
    sign_in(hire)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My feedback").click()
    entry = page.get_by_role("article").filter(has=page.get_by_role("heading", name=scenario.title))
    expect(entry).to_contain_text(f"{grade.percent}% · the grade of record")
    expect(entry).to_contain_text(FIRST_COMMENT)


# --- The estimate against coaches --------------------------------------------------------------------------

MARKERS = ("[warm]", "", "[cold]")  # the marker scorer's estimate: 3, 1 and 0 everywhere
ESTIMATE_LEVELS = {"[warm]": 3, "": 1, "[cold]": 0}
ESTIMATED_WEEKS = 6


def coach_level(marker: str, grade_index: int, criterion_index: int) -> int:
    """What the coach released: the estimate's level, one off now and then (on the first criterion every other
    grade, on the last about one grade in seven)."""
    level = ESTIMATE_LEVELS[marker]
    if (grade_index * 7 + criterion_index * 3) % (criterion_index + 2) == 0:
        level += -1 if level == 3 else 1
    return level


def test_the_estimate_against_coaches(page, sign_in, screenshot, coach, hire_enrollment, training_admin):
    curriculum = hire_enrollment.cohort.curriculum
    keys = list(ALL_LEVELS)
    # Two released grades a week over six weeks, so the week-by-week kappa has points to draw.
    for n in range(ESTIMATED_WEEKS * 2):
        marker = MARKERS[n % 3]
        scenario = scenario_with_turns(curriculum, slug=f"estimated-{n}", mode="graded")
        answers = tuple(f"{marker} {text}".strip() for text in ("Oh no, ten days!", "Let me check.", "I'll email."))
        attempt = submit_attempt(hire_enrollment, scenario, answers)
        released = timezone.now() - datetime.timedelta(days=7 * (ESTIMATED_WEEKS - 1 - n // 2), hours=n % 2)
        Attempt.objects.filter(pk=attempt.pk).update(submitted_at=released - datetime.timedelta(hours=3))
        levels = {key: coach_level(marker, n, k) for k, key in enumerate(keys)}
        coaching_services.grade_release(attempt=attempt, coach=coach, levels=levels, now=released)
    report = estimate_report()
    assert report.overall.grades == ESTIMATED_WEEKS * 2

    sign_in(training_admin)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Grading quality").click()
    page.get_by_role("link", name="The estimate against coaches").click()
    page.wait_for_url("**/coaching/estimate/")
    overall = page.get_by_role("table", name=re.compile(rf"^{re.escape(report.overall.label)}: 12 released grades"))
    for figure in report.overall.criteria:
        cells = overall.get_by_role("row", name=re.compile(rf"^{re.escape(figure.title)}")).get_by_role("cell")
        assert cells.all_inner_texts()[:2] == [str(figure.n), floatformat(figure.qwk, 2)]
    screenshot("admin-estimate-vs-coaches")
