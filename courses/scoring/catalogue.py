"""Scenarios and the rubric read straight from the role-play files, for evaluation and training.

A labelled answer names its scenario by slug; this turns the slug into the same ScenarioContext
and RubricSpec the product builds from the database, so an answer is judged in its situation
whether it is scored in the app or in `evaluate_scorer`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from courses.scoring.base import (
    CriterionSpec,
    Exchange,
    ExemplarText,
    RubricSpec,
    ScenarioContext,
    ScoringRequest,
)

DATA = Path(__file__).resolve().parents[1] / "data"
SCENARIO_FILES = (DATA / "default_roleplays.yaml", *sorted((DATA / "packs").glob("*.yaml")))
DEFAULT_RUBRIC_SLUG = "loyalty-empathy"
DEFAULT_LINE_OF_BUSINESS = "online-retail"


@dataclass(frozen=True)
class CatalogueScenario:
    context: ScenarioContext
    turns: tuple[dict, ...]  # {"neutral", "warm", "cold"}: the opening is "neutral" of turn 1


@dataclass(frozen=True)
class Catalogue:
    scenarios: dict[str, CatalogueScenario]
    rubric: RubricSpec

    def others(self, slug: str) -> tuple[ScenarioContext, ...]:
        return tuple(scenario.context for other, scenario in sorted(self.scenarios.items()) if other != slug)

    def request(self, slug: str, turn: int, customer: str, answer: str) -> ScoringRequest:
        """The request the app would build for this answer; earlier turns are the scenario's neutral
        lines answered by its exemplars, the closest stand-in for a conversation the set doesn't record."""
        found = self.scenarios.get(slug)
        if found is None:
            return ScoringRequest(customer_message=customer, answer=answer, rubric=self.rubric, turn_number=turn)
        exemplars = {e.turn: e.answer for e in found.context.exemplars}
        history = tuple(
            Exchange(customer=found.turns[number - 1]["neutral"], answer=exemplars.get(number, ""))
            for number in range(1, min(turn, len(found.turns) + 1))
        )
        return ScoringRequest(
            customer_message=customer,
            answer=answer,
            scenario=found.context,
            rubric=self.rubric,
            turn_number=turn,
            history=history,
            others=self.others(slug),
        )


def _rubric(raw: dict) -> RubricSpec:
    return RubricSpec(
        slug=raw["slug"],
        version=0,
        criteria=tuple(
            CriterionSpec(
                key=c["key"], title=c["title"], description=c.get("description", ""), levels=tuple(c["levels"])
            )
            for c in raw["criteria"]
        ),
    )


def _scenario(raw: dict) -> CatalogueScenario:
    turns = []
    for number, turn in enumerate(raw["turns"], start=1):
        if number == 1:
            turns.append({"neutral": turn["customer"], "warm": "", "cold": ""})
        else:
            turns.append({variant: turn.get(variant, "") for variant in ("neutral", "warm", "cold")})
    crm = raw.get("crm") or {}
    lines = tuple(text for turn in turns for text in turn.values() if text)
    context = ScenarioContext(
        slug=raw["slug"],
        title=raw["title"],
        persona_name=raw["persona"]["name"],
        situation=raw["persona"]["situation"],
        mood=raw["persona"]["mood"],
        crm_order=crm.get("order", "") or "",
        crm_history=tuple(crm.get("history") or ()),
        policies=tuple(raw.get("policies") or ()),
        language=raw.get("language") or "en",
        line_of_business=raw.get("line_of_business") or DEFAULT_LINE_OF_BUSINESS,
        exemplars=tuple(ExemplarText(turn=e["turn"], answer=e["answer"]) for e in raw.get("exemplars") or ()),
        customer_lines=lines,
    )
    return CatalogueScenario(context=context, turns=tuple(turns))


@cache
def load_catalogue(paths: tuple[Path, ...] = SCENARIO_FILES) -> Catalogue:
    scenarios: dict[str, CatalogueScenario] = {}
    rubric = None
    for path in paths:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for rubric_raw in raw.get("rubrics") or ():
            if rubric_raw["slug"] == DEFAULT_RUBRIC_SLUG:
                rubric = _rubric(rubric_raw)
        for scenario_raw in raw.get("scenarios") or ():
            scenarios[scenario_raw["slug"]] = _scenario(scenario_raw)
    if rubric is None:
        raise ValueError(f"no '{DEFAULT_RUBRIC_SLUG}' rubric in {', '.join(str(p) for p in paths)}")
    return Catalogue(scenarios=scenarios, rubric=rubric)
