"""Role-play test support: a scenario factory and a scorer whose levels the test decides."""

import re
from pathlib import Path

import yaml

from courses.models import Curriculum, Exemplar, Rubric, Scenario, ScenarioTurn
from courses.roleplay_loader import rubric_upsert
from courses.scoring import CRITERIA, CriterionScore, Evidence, ScoreResult, ScoringRequest

ROLEPLAYS_FILE = Path(__file__).resolve().parents[1] / "courses" / "data" / "default_roleplays.yaml"
MARKER_SCORER = "tests.roleplay_support.MarkerScorer"


def default_rubric() -> Rubric:
    data = yaml.safe_load(ROLEPLAYS_FILE.read_text())["rubrics"][0]
    criteria = [{**c, "weight": str(c["weight"]), "levels": c["levels"]} for c in data["criteria"]]
    return rubric_upsert({**data, "description": data.get("description", ""), "criteria": criteria}).rubric


def scenario_with_turns(
    curriculum: Curriculum,
    *,
    week_number: int = 1,
    slug: str = "narrow-shoes",
    mode: str = "practice",
    max_attempts: int | None = None,
    turns: int = 3,
) -> Scenario:
    scenario = Scenario.objects.create(
        curriculum=curriculum, week=curriculum.weeks.get(number=week_number), slug=slug,
        title="Narrow shoes for a family wedding", rubric=Rubric.objects.filter(slug="loyalty-empathy").first()
        or default_rubric(), mode=mode, max_attempts=max_attempts, persona_name="Denise Howard",
        persona_situation="Needs narrow heels for her niece's wedding in ten days.", persona_mood="anxious",
        crm_order="Order LA-48213: block heels, size 8 medium, delivered 2 Nov", crm_history=["2 Nov, chat: sizing"],
    )  # fmt: skip
    ScenarioTurn.objects.create(scenario=scenario, number=1, neutral="Hi. These heels slip right off my heels.")
    for number in range(2, turns + 1):
        ScenarioTurn.objects.create(
            scenario=scenario, number=number, warm=f"Warm {number}: thank you, that helps.",
            neutral=f"Neutral {number}: okay.", cold=f"Cold {number}: this is not helping.",
        )  # fmt: skip
    Exemplar.objects.create(scenario=scenario, turn_number=1, answer="Oh no, ten days out!", note="Names the deadline")
    return scenario


class MarkerScorer:
    """Levels chosen by a marker in the answer: [warm] → 3 everywhere, [cold] → 0, otherwise 1."""

    name = "marker/1"

    def score(self, request: ScoringRequest) -> ScoreResult:
        answer = request.answer
        level = 3 if "[warm]" in answer else 0 if "[cold]" in answer else 1
        match = re.search(r"\[(warm|cold)\]", answer)
        evidence = ()
        if match:
            effect = "earned" if match.group(1) == "warm" else "cost"
            evidence = (Evidence(match.start(), match.end(), match.group(0), effect, "marker"),)
        return ScoreResult(
            scorer=self.name,
            criteria=tuple(CriterionScore(key, level, evidence, f"level {level}") for key in CRITERIA),
        )
