"""Rubrics are data and versioned: a version that scored something is never edited."""

import copy

import pytest
import yaml

from courses import services
from courses.curriculum_loader import CurriculumFileError, curriculum_load
from courses.models import Criterion, RubricVersion
from courses.roleplay_loader import rubric_upsert
from tests.roleplay_support import MARKER_SCORER, ROLEPLAYS_FILE, scenario_with_turns

pytestmark = pytest.mark.django_db


@pytest.fixture
def rubric_data() -> dict:
    data = yaml.safe_load(ROLEPLAYS_FILE.read_text())["rubrics"][0]
    return {**data, "criteria": [{**c, "weight": str(c["weight"])} for c in data["criteria"]]}


def test_the_default_rubric_ships_with_six_weighted_criteria_and_four_levels(rubric_data):
    version = rubric_upsert(rubric_data)
    criteria = list(version.criteria.all())
    assert [c.key for c in criteria] == ["acknowledge", "connect", "explore", "own_resolve", "wow", "tone"]
    assert all(len(c.level_descriptors) == 4 for c in criteria)
    assert {c.key: float(c.weight) for c in criteria}["own_resolve"] == 1.5


def test_an_unused_version_is_edited_in_place_and_a_used_one_is_kept(rubric_data, hire_enrollment, settings):
    settings.ROLEPLAY_SCORER = MARKER_SCORER
    first = rubric_upsert(rubric_data)
    assert rubric_upsert(rubric_data) == first  # unchanged: nothing to do

    edited = copy.deepcopy(rubric_data)
    edited["criteria"][4]["weight"] = "0.50"
    assert rubric_upsert(edited).pk == first.pk  # nobody scored with it yet

    scenario = scenario_with_turns(hire_enrollment.cohort.curriculum, turns=1)
    attempt, _ = services.attempt_start(enrollment=hire_enrollment, scenario=scenario)
    attempt = services.attempt_answer(attempt=attempt, answer="[warm] hello")

    edited["criteria"][0]["description"] = "names the feeling and the facts, in the customer's words"
    second = rubric_upsert(edited)
    assert (second.number, first.number) == (2, 1)
    attempt.refresh_from_db()
    assert attempt.rubric_version == first  # the score keeps the version it was made with
    assert (
        Criterion.objects.get(rubric_version=first, key="acknowledge").description
        != edited["criteria"][0]["description"]
    )
    new_attempt_scenario = scenario_with_turns(hire_enrollment.cohort.curriculum, slug="another", turns=1)
    new_attempt, _ = services.attempt_start(enrollment=hire_enrollment, scenario=new_attempt_scenario)
    assert new_attempt.rubric_version == second


def test_the_curriculum_loader_reports_role_play_problems(tmp_path):
    curriculum = yaml.safe_load((ROLEPLAYS_FILE.parent / "default_curriculum.yaml").read_text())
    roleplays = yaml.safe_load(ROLEPLAYS_FILE.read_text())
    first = roleplays["scenarios"][0]
    del first["turns"][1]["neutral"]
    first["rubric"] = "no-such-rubric"
    roleplays["rubrics"][0]["criteria"][0]["levels"] = ["only", "three", "levels"]
    (tmp_path / "roleplays.yaml").write_text(yaml.safe_dump(roleplays))
    curriculum["roleplays"] = "roleplays.yaml"
    (tmp_path / "curriculum.yaml").write_text(yaml.safe_dump(curriculum))

    with pytest.raises(CurriculumFileError) as error:
        curriculum_load(tmp_path / "curriculum.yaml")
    problems = "\n".join(error.value.problems)
    where = f"{tmp_path / 'roleplays.yaml'}: "
    assert f"{where}rubric 'loyalty-empathy', criterion 'acknowledge': field 'levels': must be four" in problems
    assert f"{where}scenario '{first['slug']}': field 'rubric': 'no-such-rubric' is not a rubric" in problems
    assert f"{where}scenario '{first['slug']}', turn 2: field 'neutral': is required" in problems
    assert not RubricVersion.objects.exists()


def test_the_shipped_role_plays_load_with_their_rubric():
    result = curriculum_load(ROLEPLAYS_FILE.parent / "default_curriculum.yaml")
    curriculum = result.curriculum
    assert result.counts["role-plays"] >= 12
    assert set(curriculum.scenarios.values_list("week__number", flat=True)) >= {2, 3, 4, 5, 6}
    for scenario in curriculum.scenarios.prefetch_related("turns", "exemplars"):
        turns = list(scenario.turns.all())
        assert turns[0].neutral and all(t.warm and t.cold for t in turns[1:]), scenario.slug
        assert scenario.exemplars.exists(), scenario.slug
