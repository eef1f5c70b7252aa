"""Targeted practice: criteria tags in the curriculum, automatic picks once per reason, coaches' picks, done
from the progress rule, the hire's panel, the coach's timeline and the API."""

import copy
from pathlib import Path

import pytest
import yaml

from coaching import practice, services, tasks
from coaching.models import PracticeAssignment
from courses import services as course_services
from courses.curriculum_loader import CurriculumFileError, curriculum_load
from courses.models import Lesson, Scenario
from tests.coaching.conftest import ALL_LEVELS, submit_attempt
from tests.factories import HireFactory
from tests.roleplay_support import scenario_with_turns

pytestmark = pytest.mark.django_db

DEFAULT = Path(__file__).resolve().parents[2] / "courses" / "data" / "default_curriculum.yaml"
LOW_EXPLORE = {**ALL_LEVELS, "explore": 1}


# --- The curriculum's tags --------------------------------------------------------------------


def _curriculum_file(tmp_path: Path, change) -> Path:
    data = copy.deepcopy(yaml.safe_load(DEFAULT.read_text()))
    data["roleplays"] = str(DEFAULT.parent / data["roleplays"])
    change(data)
    path = tmp_path / "curriculum.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return path


def test_the_shipped_curriculum_tags_lessons_and_scenarios_with_the_criteria_they_train():
    curriculum = curriculum_load(DEFAULT).curriculum
    listening = Lesson.objects.get(curriculum=curriculum, slug="w3-listening-first")
    assert listening.trains == ["explore"]
    assert Scenario.objects.get(curriculum=curriculum, slug="first-date-shoes").trains == ["explore"]
    criteria = {"acknowledge", "connect", "explore", "own_resolve", "wow", "tone"}
    tagged = {key for item in [*curriculum.lessons.all(), *curriculum.scenarios.all()] for key in item.trains}
    assert tagged == criteria  # every criterion has practice that trains it


def test_an_unknown_criterion_key_is_refused_with_where_it_was_found(tmp_path):
    def misspell(data):
        data["weeks"][2]["lessons"][0]["trains"] = ["explroe"]

    with pytest.raises(CurriculumFileError) as refused:
        curriculum_load(_curriculum_file(tmp_path, misspell))
    message = str(refused.value)
    assert "lesson 'w3-listening-first': field 'trains'" in message and "explroe" in message
    assert Lesson.objects.count() == 0


def test_an_unknown_criterion_on_a_scenario_is_refused(tmp_path):
    data = yaml.safe_load((DEFAULT.parent / "default_roleplays.yaml").read_text())
    data["scenarios"][0]["trains"] = ["empathy"]
    roleplays = tmp_path / "roleplays.yaml"
    roleplays.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))

    def point_at_copy(curriculum):
        curriculum["roleplays"] = str(roleplays)

    with pytest.raises(CurriculumFileError, match="scenario 'warm-up-where-are-my-running-shoes': field 'trains'"):
        curriculum_load(_curriculum_file(tmp_path, point_at_copy))


def test_retagging_a_curriculum_cohorts_run_updates_the_tags_in_place(tmp_path):
    def retag(data):
        data["weeks"][2]["lessons"][0]["trains"] = ["explore", "tone"]

    curriculum = curriculum_load(DEFAULT).curriculum
    result = curriculum_load(_curriculum_file(tmp_path, retag))
    assert result.curriculum == curriculum and not result.changed
    assert Lesson.objects.get(curriculum=curriculum, slug="w3-listening-first").trains == ["explore", "tone"]


# --- Automatic picks --------------------------------------------------------------------------


@pytest.fixture
def tagged(hire_enrollment):
    """Explore is trained by two lessons and one role-play of the hire's curriculum; tone by one lesson."""
    curriculum = hire_enrollment.cohort.curriculum
    lessons = list(Lesson.objects.filter(curriculum=curriculum).order_by("week__number", "position"))
    for lesson, trains in zip(lessons, (["explore"], ["explore", "tone"], ["tone"]), strict=False):
        lesson.trains = trains
        lesson.save(update_fields=["trains"])
    scenario = scenario_with_turns(curriculum, slug="explore-practice")
    Scenario.objects.filter(pk=scenario.pk).update(trains=["explore"])
    return {"lessons": lessons, "scenario": scenario}


def _graded(enrollment, coach, levels, slug):
    scenario = scenario_with_turns(enrollment.cohort.curriculum, slug=slug, mode="graded")
    attempt = submit_attempt(enrollment, scenario)
    return services.grade_release(attempt=attempt, coach=coach, levels=levels)


def test_a_low_criterion_assigns_its_practice_once_per_reason(hire_enrollment, coach, tagged):
    _graded(hire_enrollment, coach, LOW_EXPLORE, "g1")
    assigned = practice.practice_assign_for(enrollment_id=hire_enrollment.pk)
    assert [a.lesson for a in assigned] == tagged["lessons"][:2]  # at most two per criterion, in course order
    assert {a.criterion_key for a in assigned} == {"explore"}
    assert assigned[0].reason == "Explore averaged 1.0 over your latest role-play"
    assert assigned[0].source == PracticeAssignment.Source.AUTO

    assert practice.practice_assign_for(enrollment_id=hire_enrollment.pk) == []
    assert PracticeAssignment.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_task_assigns_outside_any_request_transaction(hire_enrollment, coach, tagged):
    # The worker runs the task in autocommit; the row lock needs the service's own transaction (PostgreSQL).
    _graded(hire_enrollment, coach, LOW_EXPLORE, "g1")
    assert tasks.practice_assign(hire_enrollment.pk) == 2


def test_the_reason_names_the_mean_over_the_last_three(hire_enrollment, coach, tagged):
    for number, level in enumerate((2, 1, 1, 2)):  # the oldest (2) falls out of the last three
        _graded(hire_enrollment, coach, {**ALL_LEVELS, "explore": level}, f"g{number}")
    assigned = practice.practice_assign_for(enrollment_id=hire_enrollment.pk)
    assert assigned and assigned[0].reason == "Explore averaged 1.3 over your last 3 role-plays"


def test_at_the_threshold_nothing_is_assigned_and_the_threshold_is_a_setting(hire_enrollment, coach, tagged, settings):
    _graded(hire_enrollment, coach, ALL_LEVELS, "g1")  # explore 2: genuine
    assert practice.practice_assign_for(enrollment_id=hire_enrollment.pk) == []
    settings.TARGETED_PRACTICE_THRESHOLD = 2.5
    assert {a.criterion_key for a in practice.practice_assign_for(enrollment_id=hire_enrollment.pk)} == {"explore"}


def test_a_grade_held_for_a_second_mark_does_not_count(hire_enrollment, coach, tagged):
    hire_enrollment.cohort.second_marking_percent = 100
    hire_enrollment.cohort.save(update_fields=["second_marking_percent"])
    grade = _graded(hire_enrollment, coach, LOW_EXPLORE, "held")
    assert grade.outcome == grade.Outcome.HELD
    assert practice.practice_assign_for(enrollment_id=hire_enrollment.pk) == []


def test_call_reviews_count_and_new_evidence_is_a_new_reason(hire_enrollment, coach, graded_scenario, tagged):
    def review(levels):
        return services.call_review_create(
            enrollment=hire_enrollment, coach=coach, rubric_version=graded_scenario.rubric.current_version,
            call_reference="CALL-1", duration_seconds=300, reason="Sizing", levels=levels,
        )  # fmt: skip

    review({**ALL_LEVELS, "tone": 0})
    first = practice.practice_assign_for(enrollment_id=hire_enrollment.pk)
    assert [a.criterion_key for a in first] == ["tone", "tone"]
    assert first[0].reason == "Tone averaged 0.0 over your latest reviewed call"
    # A coach removes one: the same reason never assigns it again.
    practice.practice_remove(assignment=first[0], coach=coach)
    assert practice.practice_assign_for(enrollment_id=hire_enrollment.pk) == []
    # A new call still low on tone is a new reason: the removed item may come back, within two open per criterion.
    review({**ALL_LEVELS, "tone": 1})
    again = practice.practice_assign_for(enrollment_id=hire_enrollment.pk)
    assert len(again) == 1 and again[0].reason == "Tone averaged 0.5 over your last 2 reviewed calls"


def test_done_practice_is_not_assigned(hire_enrollment, coach, tagged):
    course_services.lesson_complete(enrollment=hire_enrollment, lesson=tagged["lessons"][0])
    _graded(hire_enrollment, coach, LOW_EXPLORE, "g1")
    assigned = practice.practice_assign_for(enrollment_id=hire_enrollment.pk)
    assert [a.item for a in assigned] == [tagged["lessons"][1], tagged["scenario"]]


def test_only_open_weeks_and_practice_role_plays_are_picked(hire_enrollment, coach, tagged):
    curriculum = hire_enrollment.cohort.curriculum
    for lesson in tagged["lessons"]:
        course_services.lesson_complete(enrollment=hire_enrollment, lesson=lesson)
    locked_lesson = Lesson.objects.filter(curriculum=curriculum, week__number=4).first()  # weeks 3-6 are locked
    Lesson.objects.filter(pk=locked_lesson.pk).update(trains=["explore"])
    graded = scenario_with_turns(curriculum, slug="graded-on-explore", mode="graded")
    locked_practice = scenario_with_turns(curriculum, slug="later-practice", week_number=5)
    Scenario.objects.filter(pk__in=[graded.pk, locked_practice.pk]).update(trains=["explore"])

    _graded(hire_enrollment, coach, LOW_EXPLORE, "g1")
    assigned = practice.practice_assign_for(enrollment_id=hire_enrollment.pk)
    assert [a.item for a in assigned] == [tagged["scenario"]]  # not the locked, the graded or the done lessons


def test_the_criterion_furthest_below_is_served_first(hire_enrollment, coach, tagged):
    both, connect_only, *_ = tagged["lessons"]
    Lesson.objects.filter(pk=both.pk).update(trains=["connect", "explore"])
    Lesson.objects.filter(pk=connect_only.pk).update(trains=["connect"])
    Lesson.objects.exclude(pk__in=[both.pk, connect_only.pk]).update(trains=[])
    Scenario.objects.filter(pk=tagged["scenario"].pk).update(trains=[])
    _graded(hire_enrollment, coach, {**ALL_LEVELS, "connect": 1, "explore": 0}, "g1")
    assigned = practice.practice_assign_for(enrollment_id=hire_enrollment.pk)
    assert {(a.criterion_key, a.item) for a in assigned} == {("explore", both), ("connect", connect_only)}


def test_a_practice_role_play_already_done_is_picked_to_replay_and_done_on_the_replay(hire_enrollment, coach, tagged):
    for lesson in tagged["lessons"]:
        course_services.lesson_complete(enrollment=hire_enrollment, lesson=lesson)
    submit_attempt(hire_enrollment, tagged["scenario"])
    _graded(hire_enrollment, coach, LOW_EXPLORE, "g1")
    [assignment] = practice.practice_assign_for(enrollment_id=hire_enrollment.pk)
    assert assignment.scenario == tagged["scenario"]
    assert not practice.practice_for(enrollment=hire_enrollment)[0].done

    submit_attempt(hire_enrollment, tagged["scenario"])
    assert practice.practice_for(enrollment=hire_enrollment)[0].done


def test_releasing_a_grade_queues_the_assignment_after_commit(hire_enrollment, coach, tagged, monkeypatch,
                                                              django_capture_on_commit_callbacks):  # fmt: skip
    from coaching import tasks

    queued = []
    monkeypatch.setattr(tasks.practice_assign, "delay", lambda enrollment_id: queued.append(enrollment_id))
    with django_capture_on_commit_callbacks(execute=True):
        _graded(hire_enrollment, coach, LOW_EXPLORE, "g1")
    assert queued == [hire_enrollment.pk]
    assert tasks.practice_assign(hire_enrollment.pk) == 2  # the task calls the service
    assert tasks.practice_assign(hire_enrollment.pk) == 0


# --- Done, and coaches' picks -----------------------------------------------------------------


def test_done_comes_from_progress_after_the_assignment(hire_enrollment, coach, tagged):
    scenario = tagged["scenario"]
    submit_attempt(hire_enrollment, scenario)  # before the pick: does not count
    lesson_pick = practice.practice_add(enrollment=hire_enrollment, coach=coach, lesson=tagged["lessons"][2])
    roleplay_pick = practice.practice_add(enrollment=hire_enrollment, coach=coach, scenario=scenario, reason="Again")
    done = {item.assignment.pk: item.done for item in practice.practice_for(enrollment=hire_enrollment)}
    assert done == {lesson_pick.pk: False, roleplay_pick.pk: False}

    course_services.lesson_complete(enrollment=hire_enrollment, lesson=tagged["lessons"][2])
    submit_attempt(hire_enrollment, scenario)  # after the pick
    done = {item.assignment.pk: item.done for item in practice.practice_for(enrollment=hire_enrollment)}
    assert done == {lesson_pick.pk: True, roleplay_pick.pk: True}


def test_a_coach_adds_once_and_removes_keeping_the_record(hire_enrollment, coach, tagged):
    lesson = tagged["lessons"][0]
    first = practice.practice_add(enrollment=hire_enrollment, coach=coach, lesson=lesson, reason="Listen first")
    assert practice.practice_add(enrollment=hire_enrollment, coach=coach, lesson=lesson) == first
    practice.practice_remove(assignment=first, coach=coach)
    first.refresh_from_db()
    assert first.removed_at is not None and first.removed_by == coach
    assert practice.practice_for(enrollment=hire_enrollment) == []
    assert len(practice.practice_for(enrollment=hire_enrollment, include_removed=True)) == 1


def test_a_call_reviews_practice_picks_are_on_the_one_list(hire_enrollment, coach, graded_scenario, tagged):
    lesson = tagged["lessons"][0]
    review = services.call_review_create(
        enrollment=hire_enrollment, coach=coach, rubric_version=graded_scenario.rubric.current_version,
        call_reference="CALL-9", duration_seconds=300, reason="Wedding shoes", levels=ALL_LEVELS, lessons=[lesson],
    )  # fmt: skip
    [item] = practice.practice_for(enrollment=hire_enrollment)
    assert item.assignment.lesson == lesson and item.assignment.call_review == review
    assert item.assignment.reason == "From your call review: Wedding shoes"
    services.call_review_update(
        review=review, editor=coach, call_at=review.call_at, call_reference="CALL-9", channel="phone",
        duration_seconds=300, reason="Wedding shoes", levels=ALL_LEVELS, scenarios=[tagged["scenario"]],
    )  # fmt: skip
    assert [i.assignment.scenario for i in practice.practice_for(enrollment=hire_enrollment)] == [tagged["scenario"]]


# --- Pages ------------------------------------------------------------------------------------


def test_the_hire_sees_one_panel_with_reasons_and_done_state(hire_client, hire_enrollment, coach, tagged):
    _graded(hire_enrollment, coach, LOW_EXPLORE, "g1")
    practice.practice_assign_for(enrollment_id=hire_enrollment.pk)
    practice.practice_add(enrollment=hire_enrollment, coach=coach, lesson=tagged["lessons"][2], reason="Warmth")
    course_services.lesson_complete(enrollment=hire_enrollment, lesson=tagged["lessons"][2])
    page = hire_client.get("/training/").content.decode()
    assert "Practice picked for you" in page
    assert "Explore averaged 1.0 over your latest role-play" in page
    assert f"Picked by {coach.display_name}" in page and "Warmth" in page and "Done" in page


@pytest.mark.parametrize("items", [1, 8])
def test_the_panel_reads_in_the_same_queries_however_long_the_list(
    hire_enrollment, coach, tagged, items, django_assert_num_queries
):
    curriculum = hire_enrollment.cohort.curriculum
    for number in range(items):
        scenario = scenario_with_turns(curriculum, slug=f"extra-{number}")
        practice.practice_add(enrollment=hire_enrollment, coach=coach, scenario=scenario)
        practice.practice_add(enrollment=hire_enrollment, coach=coach, lesson=Lesson.objects.filter(
            curriculum=curriculum).order_by("id")[number % 3])  # fmt: skip
    from coaching.dashboard import assigned_practice_panel

    with django_assert_num_queries(4):  # the picks, lessons completed, role-plays submitted, the coaches who picked
        panel = assigned_practice_panel(hire_enrollment)
    assert len(panel.context["items"]) == items + min(items, 3)


def test_a_coach_adds_and_removes_from_the_timeline(coach_client, hire_enrollment, tagged, client_for, hire):
    url = f"/coaching/hires/{hire_enrollment.pk}/practice/"
    lesson = tagged["lessons"][1]
    response = coach_client.post(url, {"item": f"lesson:{lesson.pk}", "reason": "Ask one more question"})
    assert response.status_code == 302
    assignment = PracticeAssignment.objects.get()
    assert (assignment.lesson, assignment.reason, assignment.source) == (lesson, "Ask one more question", "coach")
    page = coach_client.get(f"/coaching/hires/{hire_enrollment.pk}/").content.decode()
    assert "Ask one more question" in page and f"/coaching/practice/{assignment.pk}/remove/" in page

    assert coach_client.post(url, {"item": "lesson:999999"}).status_code == 302
    assert PracticeAssignment.objects.count() == 1  # nothing added for a lesson not in her curriculum
    assert client_for(hire).post(url, {"item": f"lesson:{lesson.pk}"}).status_code == 403

    assert coach_client.post(f"/coaching/practice/{assignment.pk}/remove/").status_code == 302
    assignment.refresh_from_db()
    assert assignment.removed_at is not None
    assert "Removed by" in coach_client.get(f"/coaching/hires/{hire_enrollment.pk}/").content.decode()


# --- API --------------------------------------------------------------------------------------


def test_the_api_lists_adds_and_removes(client_for, hire, coach, hire_enrollment, tagged, outsider_coach):
    url = f"/api/v1/coaching/hires/{hire_enrollment.pk}/practice/"
    coach_api = client_for(coach)
    response = coach_api.post(url, {"scenario": tagged["scenario"].pk, "reason": "Try it"},
                              content_type="application/json")  # fmt: skip
    assert response.status_code == 201, response.content
    [listed] = response.json()
    assert (listed["kind"], listed["item_id"], listed["reason"], listed["source"]) == (
        "roleplay",
        tagged["scenario"].pk,
        "Try it",
        "coach",
    )
    assert client_for(hire).get(url).json() == [listed]
    assert client_for(HireFactory()).get(url).status_code == 404
    assert client_for(outsider_coach).get(url).status_code == 404
    assert client_for(hire).post(url, {"lesson": tagged["lessons"][0].pk},
                                 content_type="application/json").status_code == 403  # fmt: skip
    both = {"lesson": tagged["lessons"][0].pk, "scenario": tagged["scenario"].pk}
    assert coach_api.post(url, both, content_type="application/json").status_code == 400

    item_url = f"/api/v1/coaching/practice/{listed['id']}/"
    assert client_for(hire).delete(item_url).status_code == 403
    assert client_for(outsider_coach).delete(item_url).status_code == 404
    assert coach_api.delete(item_url).json() == []
    assert PracticeAssignment.objects.get().removed_by == coach
