import json

import pytest
from django.test import override_settings

from courses.scoring import CRITERIA, Scorer, ScoreResult, ScoringRequest, get_scorer
from courses.scoring.live import LiveScorer

CUSTOMER = "Hi. I ordered some heels yesterday for my daughter's graduation, which is this Saturday."
ANSWER = "Oh, a graduation on Saturday! I've upgraded you to next-day at no charge, so they're due Thursday."


def test_one_criterion_per_key_in_rubric_order(scorer):
    result = scorer.score(ScoringRequest(customer_message=CUSTOMER, answer=ANSWER))
    assert tuple(criterion.key for criterion in result.criteria) == CRITERIA
    assert all(0 <= criterion.level <= 3 for criterion in result.criteria)
    assert result.level("wow") == result.criteria[CRITERIA.index("wow")].level
    assert result.scorer == "phrase-rules/1"


def test_as_dict_from_dict_round_trip(scorer):
    result = scorer.score(ScoringRequest(customer_message=CUSTOMER, answer=ANSWER))
    stored = json.loads(json.dumps(result.as_dict()))  # as a JSONField would keep it
    restored = ScoreResult.from_dict(stored)
    assert restored == result
    assert restored.as_dict() == result.as_dict()


@pytest.mark.django_db
def test_get_scorer_is_the_live_situational_scorer_and_built_once():
    scorer = get_scorer()
    assert isinstance(scorer, LiveScorer)
    assert isinstance(scorer, Scorer)
    assert get_scorer() is scorer


class _AlwaysZero:
    name = "always-zero/1"

    def score(self, request):
        return ScoreResult(scorer=self.name, criteria=())


@override_settings(ROLEPLAY_SCORER="tests.scoring.test_base._AlwaysZero")
def test_get_scorer_follows_the_setting():
    assert get_scorer().name == "always-zero/1"
