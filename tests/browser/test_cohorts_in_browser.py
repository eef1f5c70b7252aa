"""A training manager sets up a cohort: creates it, imports hires from a CSV (fixing one bad row after the
dry run), assigns a coach and sees the hires on the cohort dashboard."""

import datetime

import pytest
from django.utils import timezone

from coaching import services as coaching_services
from courses import services as course_services
from courses.models import Cohort, Enrollment, Lesson
from tests.coaching.conftest import submit_attempt
from tests.factories import right_answers
from tests.roleplay_support import MARKER_SCORER, scenario_with_turns

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "email,name,time_zone,salary,coach\n"
ROWS = [
    "ana.souza@academy.test,Ana Souza,America/Los_Angeles,3200,{coach}",
    "ben.okafor@academy.test,Ben Okafor,America/Denver,3350,",
    "chloe.martin@academy.test,Chloé Martin,Europe/Paris,3100,",
]
BAD_ROW = "ben.okafor@academy.test,Ben Okafor,America/Denvr,3350,"


def _csv(rows) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode("utf-8")


def _upload(page, content: bytes):
    page.get_by_label("CSV file", exact=True).set_input_files(
        {"name": "march-hires.csv", "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Check the file").click()


def test_an_admin_sets_up_a_cohort_from_a_csv(page, sign_in, screenshot, settings, training_admin, coach):
    from tests.factories import curriculum_with

    settings.ROLEPLAY_SCORER = MARKER_SCORER
    curriculum = curriculum_with(lessons_per_week=3, slug="loyalty-default")
    scenario = scenario_with_turns(curriculum, slug="wedding-graded", mode="graded")
    sign_in(training_admin)
    assert page.get_by_role("heading", level=1).inner_text() == "Cohorts"

    page.get_by_role("link", name="New cohort").click()
    page.get_by_label("Name").fill("March cohort")
    page.get_by_label("Curriculum").select_option(label=str(curriculum))
    page.get_by_label("Start date").fill((timezone.localdate() - datetime.timedelta(days=10)).isoformat())
    page.get_by_label("Time zone").select_option("UTC")
    page.get_by_label("The offer (months of salary)").fill("1.5")
    page.get_by_label("Blind second marking (% of graded role-plays)").fill("0")  # the grades below release at once
    page.get_by_role("button", name="Create the cohort").click()
    assert page.get_by_role("heading", level=1).inner_text() == "March cohort"
    cohort = Cohort.objects.get(name="March cohort")
    tabs = page.get_by_role("navigation", name="March cohort")
    assert str(cohort.offer_salary_months) == "1.50" and cohort.second_marking_percent == 0

    tabs.get_by_role("link", name="Import hires").click()
    rows = [row.format(coach=coach.email) for row in ROWS]
    _upload(page, _csv([rows[0], BAD_ROW, rows[2]]))
    report = page.get_by_role("table", name="What importing each line would do")
    bad_line = report.get_by_role("row").filter(has_text="America/Denvr")
    assert bad_line.get_by_role("rowheader").inner_text() == "3"
    assert "is not a known time zone" in bad_line.inner_text()
    assert page.get_by_text("Nothing was written. Fix the rows with problems").is_visible()
    assert page.get_by_role("button", name="Import 3 hires").count() == 0  # all or nothing by default
    assert page.get_by_role("button", name="Import the 2 valid rows").is_visible()  # or, deliberately, the rest
    assert not Enrollment.objects.exists()

    _upload(page, _csv(rows))
    assert page.get_by_text("3 new hires to create and invite").is_visible()
    assert page.get_by_text("Cora Coach will be assigned to coach this cohort.").is_visible()
    page.get_by_role("button", name="Import 3 hires").click()
    assert page.get_by_text("Imported march-hires.csv: 3 new hires invited").is_visible()
    assert Enrollment.objects.filter(cohort=cohort).count() == 3

    tabs.get_by_role("link", name="Coaches").click()
    page.get_by_role("button", name="Unassign Cora Coach").click()
    page.get_by_label("Coach", exact=True).select_option(label=str(coach))
    page.get_by_role("button", name="Assign").click()
    assert page.get_by_text("Cora Coach now coaches March cohort").is_visible()
    assert list(cohort.coaches.all()) == [coach]

    # Two of them do their first week, and their role-play is graded; the third falls behind.
    for email, answer, levels in (
        ("ana.souza@academy.test", "[warm] Oh no, ten days!", {"acknowledge": 3, "connect": 3, "explore": 2,
                                                               "own_resolve": 3, "wow": 2, "tone": 3}),
        ("chloe.martin@academy.test", "Let me check.", {"acknowledge": 2, "connect": 1, "explore": 1,
                                                        "own_resolve": 2, "wow": 0, "tone": 2}),
    ):  # fmt: skip
        enrollment = Enrollment.objects.get(hire__email=email)
        for lesson in Lesson.objects.filter(curriculum=curriculum, week__number=1):
            course_services.lesson_complete(enrollment=enrollment, lesson=lesson)
        check = curriculum.weeks.get(number=1).knowledge_check
        course_services.check_attempt_submit(enrollment=enrollment, knowledge_check=check, answers=right_answers(check))
        attempt = submit_attempt(enrollment, scenario, answers=(answer, "I'll sort it.", "Bye."))
        coaching_services.grade_release(attempt=attempt, coach=coach, levels=levels)

    tabs.get_by_role("link", name="Dashboard").click()
    grid = page.get_by_role("table", name="Each hire's state in each week")
    for name in ("Ana Souza", "Ben Okafor", "Chloé Martin"):
        assert grid.get_by_role("rowheader", name=name).is_visible()
    ben = grid.get_by_role("row").filter(has_text="Ben Okafor")
    assert ben.get_by_role("cell").nth(1).inner_text().startswith("Overdue")
    at_risk = page.get_by_role("table", name="Hires at risk and why")
    assert "Behind schedule" in at_risk.get_by_role("row").filter(has_text="Ben Okafor").inner_text()
    scores = page.get_by_role("table", name="Each hire's average level per criterion and its trend")
    assert (
        scores.get_by_role("row").filter(has_text="Ana Souza").get_by_role("cell").last.inner_text().startswith("2.7")
    )
    screenshot("admin-cohort-dashboard")
    page.get_by_role("link", name="Cohorts", exact=True).first.click()
    assert page.get_by_role("link", name="March cohort").is_visible()
    screenshot("admin-landing")
