from pathlib import Path

import pytest

from courses.scoring.phrase_rules import PhraseRulesScorer

DEVSET = Path(__file__).resolve().parents[2] / "courses" / "data" / "devset" / "roleplay_answers.jsonl"


@pytest.fixture(scope="session")
def scorer():
    return PhraseRulesScorer()
