"""The situation a pre-scorer is given, built from the database: one home for every caller
(the web page, the API, the branching of the next customer turn, demo data)."""

from __future__ import annotations

from courses.models import AttemptTurn, Exemplar, RubricVersion, Scenario
from courses.scoring import (
    CriterionSpec,
    Exchange,
    ExemplarText,
    RubricSpec,
    ScenarioContext,
    ScoringRequest,
)


def scenario_context(scenario: Scenario, exemplars: list[Exemplar] | None = None) -> ScenarioContext:
    if exemplars is None:
        exemplars = list(scenario.exemplars.all())
    lines = tuple(text for turn in scenario.turns.all() for text in (turn.neutral, turn.warm, turn.cold) if text)
    return ScenarioContext(
        slug=scenario.slug,
        title=scenario.title,
        persona_name=scenario.persona_name,
        situation=scenario.persona_situation,
        mood=scenario.persona_mood,
        crm_order=scenario.crm_order,
        crm_history=tuple(scenario.crm_history),
        policies=tuple(scenario.policies or ()),
        language=scenario.language or "en",
        line_of_business=scenario.line_of_business,
        exemplars=tuple(ExemplarText(turn=e.turn_number, answer=e.answer) for e in exemplars),
        customer_lines=lines,
    )


def rubric_spec(version: RubricVersion) -> RubricSpec:
    return RubricSpec(
        slug=version.rubric.slug,
        version=version.number,
        criteria=tuple(
            CriterionSpec(key=c.key, title=c.title, description=c.description, levels=tuple(c.level_descriptors or ()))
            for c in version.criteria.all()
        ),
    )


def other_scenarios(scenario: Scenario) -> tuple[ScenarioContext, ...]:
    """The curriculum's other scenarios: what an answer written for another customer would match."""
    others = (
        Scenario.objects.filter(curriculum_id=scenario.curriculum_id)
        .exclude(pk=scenario.pk)
        .prefetch_related("turns", "exemplars")
        .order_by("pk")
    )
    return tuple(scenario_context(other) for other in others)


def scoring_request(*, turn: AttemptTurn, answer: str) -> ScoringRequest:
    """The request for the answer to `turn`: this customer turn, the attempt's earlier turns and answers,
    the scenario, its exemplars and the others', and the attempt's rubric version."""
    attempt = turn.attempt
    scenario = attempt.scenario
    earlier = attempt.turns.filter(number__lt=turn.number, answered_at__isnull=False).order_by("number")
    return ScoringRequest(
        customer_message=turn.customer_text,
        answer=answer,
        scenario=scenario_context(scenario),
        rubric=rubric_spec(attempt.rubric_version),
        turn_number=turn.number,
        history=tuple(Exchange(customer=t.customer_text, answer=t.answer) for t in earlier),
        others=other_scenarios(scenario),
    )
