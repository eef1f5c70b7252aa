"""Automatic empathy pre-scoring of role-play answers, in their whole situation."""

from functools import cache

from courses.scoring.base import (
    CRITERIA,
    CriterionScore,
    CriterionSpec,
    Evidence,
    Exchange,
    ExemplarText,
    Flag,
    RubricSpec,
    ScenarioContext,
    Scorer,
    ScoreResult,
    ScoringRequest,
)

DEFAULT_SCORER = "courses.scoring.live.LiveScorer"

__all__ = [
    "CRITERIA",
    "DEFAULT_SCORER",
    "CriterionScore",
    "CriterionSpec",
    "Evidence",
    "Exchange",
    "ExemplarText",
    "Flag",
    "RubricSpec",
    "ScenarioContext",
    "ScoreResult",
    "Scorer",
    "ScoringRequest",
    "get_scorer",
]


def get_scorer() -> Scorer:
    """The scorer named by settings.ROLEPLAY_SCORER, built once per process."""
    from django.conf import settings

    return _build_scorer(getattr(settings, "ROLEPLAY_SCORER", DEFAULT_SCORER))


@cache
def _build_scorer(dotted_path: str) -> Scorer:
    # Keyed by path, so a test that overrides the setting gets its own instance.
    from django.utils.module_loading import import_string

    return import_string(dotted_path)()
