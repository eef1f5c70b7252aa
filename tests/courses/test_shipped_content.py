"""The shipped curriculum teaches the facts the product is built on, correctly."""

import re
from pathlib import Path

import pytest
import yaml

DEFAULT = Path(__file__).resolve().parents[2] / "courses" / "data" / "default_curriculum.yaml"


@pytest.fixture(scope="module")
def curriculum() -> dict:
    return yaml.safe_load(DEFAULT.read_text())


def _week_text(curriculum: dict, number: int) -> str:
    week = curriculum["weeks"][number - 1]
    parts = [lesson["body"] for lesson in week["lessons"]]
    for question in week.get("knowledge_check", {}).get("questions", []):
        parts += [question["prompt"], question.get("explanation", "")]
    return "\n".join(parts)


def _all_text(curriculum: dict) -> str:
    return "\n".join(_week_text(curriculum, n) for n in range(1, 7))


def test_the_outline_and_sizes(curriculum):
    titles = [week["title"] for week in curriculum["weeks"]]
    assert titles == [
        "Welcome & culture",
        "Products, policies & tools",
        "The craft of the call",
        "Empathy & personal emotional connection",
        "Judgment & WOW",
        "Nesting & the checkpoint",
    ]
    assert sum(len(week["lessons"]) for week in curriculum["weeks"]) >= 30
    assert all(len(week["knowledge_check"]["questions"]) >= 6 for week in curriculum["weeks"])


def test_the_offer_is_explained_up_front_and_at_the_checkpoint(curriculum):
    for week in (1, 6):
        text = _week_text(curriculum, week).lower()
        assert "offer" in text and re.search(r"(one )?month'?s salary", text), f"week {week}"
    assert "respected" in _all_text(curriculum).lower()


def test_the_policies_and_practices_are_right(curriculum):
    text = _all_text(curriculum)
    lowered = text.lower()
    assert re.search(r"365 days|full year", lowered)  # returns
    assert "free both ways" in lowered or "free shipping both ways" in lowered
    assert re.search(r"60\s*(–|-|to)\s*70\s*%", text) and "80" in text  # breathing space against the norm
    assert "handle time" in lowered and re.search(r"(10|ten) hours", lowered)  # the record call
    assert "personal emotional connection" in lowered and "PEC" in text
    assert "Deliver WOW through service" in text


def test_medical_and_mental_health_calls_are_referred_not_counselled(curriculum):
    text = _all_text(curriculum).lower()
    assert "not counsellors" in text or "not a counsellor" in text
    assert "refer" in text and ("crisis line" in text or "emergency services" in text)


def test_wrong_facts_are_never_taught(curriculum):
    text = _all_text(curriculum).lower()
    assert "30-day return" not in text and "90-day return" not in text
    assert not re.search(r"average handle time (target|goal)", text)
