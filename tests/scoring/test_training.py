"""Training versions of the learned layer: a version goes live only when it is better, and can be rolled back."""

import dataclasses
import glob
import random

import pytest
from django.core.exceptions import ValidationError

from coaching.scorer_training import coach_grade_examples, scorer_retrain
from courses.models import ScorerVersion, ScorerVersionEvent
from courses.scoring import CriterionSpec, RubricSpec
from courses.scoring.base import CRITERIA
from courses.scoring.evaluation import DEVSET_DIR, held_out_scenarios, load_devset
from courses.scoring.live import LiveScorer, shipped_model
from courses.scoring.situational import SituationalScorer
from courses.scoring.training import examples_from_devset, train
from courses.services.scorer_versions import comparison_decide, scorer_version_activate

ROWS = [row for path in sorted(glob.glob(str(DEVSET_DIR / "*.jsonl"))) for row in load_devset(path)]
TUNING = [
    "first-date-shoes",
    "grill-bought-for-a-reason",
    "dog-barking-mid-exchange",
    "cancelled-flight-dads-ninetieth",
]
HELD = sorted(held_out_scenarios())[:2]


@pytest.fixture(scope="module")
def fixture_examples():
    """A small fixture set: four tuning scenarios to train on, two held-out ones to judge by."""
    chosen = [row for row in ROWS if row.scenario in TUNING + HELD]
    return examples_from_devset(chosen)


def shuffled(examples, seed=7):
    chooser = random.Random(seed)
    return [dataclasses.replace(e, labels={k: chooser.randrange(4) for k in e.labels}) for e in examples]


def test_comparison_needs_better_on_average_and_no_worse_anywhere():
    assert comparison_decide({"tone": 0.8, "wow": 0.7}, {"tone": 0.7, "wow": 0.7})["goes_live"]
    worse_somewhere = comparison_decide({"tone": 0.9, "wow": 0.6}, {"tone": 0.7, "wow": 0.7})
    assert not worse_somewhere["goes_live"] and worse_somewhere["worse_on"] == ["wow"]
    assert not comparison_decide({"tone": 0.7}, {"tone": 0.7})["goes_live"]
    # A criterion only the candidate can estimate is an improvement when nothing else got worse.
    assert comparison_decide({"tone": 0.7, "policy": 0.5}, {"tone": 0.7})["goes_live"]


@pytest.mark.django_db
def test_a_version_goes_live_only_when_better_and_rolls_back(fixture_examples, training_admin):
    lines = []
    # A version trained on scrambled labels is worse than the shipped one: stored, kept back.
    poor = scorer_retrain(devset=shuffled(fixture_examples), coach=[], log=lines.append)
    assert not poor.went_live
    assert ScorerVersion.objects.get(is_live=True).version == shipped_model().version
    assert any("kept back" in line for line in lines)
    assert poor.version.events.filter(kind=ScorerVersionEvent.Kind.KEPT_BACK).exists()

    # Put the poor one live by hand (a rollback needs a reason), then train properly: better, so it goes live.
    with pytest.raises(ValidationError):
        scorer_version_activate(version=poor.version, actor=training_admin, reason=" ")
    scorer_version_activate(version=poor.version, actor=training_admin, reason="trying the scrambled one")
    assert LiveScorer().name == f"situational/{poor.version.version}"
    good = scorer_retrain(devset=fixture_examples, coach=[], log=lines.append)
    assert good.went_live, good.comparison
    assert good.comparison["mean_candidate"] > good.comparison["mean_live"]
    assert not good.comparison["worse_on"]
    assert LiveScorer().name == f"situational/{good.version.version}"
    stored = ScorerVersion.objects.get(pk=good.version.pk)
    assert stored.comparison["live_version"] == poor.version.version
    assert set(stored.heldout) == set(CRITERIA)

    # Roll back to the shipped version; every new pre-score says which version made it.
    shipped = ScorerVersion.objects.get(version=shipped_model().version)
    scorer_version_activate(version=shipped, actor=training_admin, reason="back to the shipped one")
    assert ScorerVersion.objects.filter(is_live=True).count() == 1
    result = LiveScorer().score(fixture_examples[0].turns[0])
    assert result.scorer == f"situational/{shipped.version}"
    assert shipped.events.filter(kind=ScorerVersionEvent.Kind.ROLLED_BACK, actor=training_admin).exists()


def test_a_criterion_an_admin_adds_gets_an_estimate_once_enough_grades_exist(fixture_examples):
    def with_policy(examples, count):
        return [
            dataclasses.replace(e, labels={**e.labels, "policy_accuracy": e.labels["own_resolve"]}, source="coach")
            if index < count
            else e
            for index, e in enumerate(examples)
        ]

    training = [e for e in fixture_examples if e.group in TUNING]
    too_few = train(
        with_policy(training, 10), SituationalScorer, version="few", criteria=[*CRITERIA, "policy_accuracy"]
    )
    assert "policy_accuracy" not in too_few.heads
    enough = train(
        with_policy(training, 80), SituationalScorer, version="enough", criteria=[*CRITERIA, "policy_accuracy"]
    )
    assert "policy_accuracy" in enough.heads

    request = fixture_examples[0].turns[0]
    rubric = RubricSpec(
        slug="loyalty-empathy",
        version=2,
        criteria=(
            *request.rubric.criteria,
            CriterionSpec("policy_accuracy", "Policy accuracy", "", ("0", "1", "2", "3")),
        ),
    )
    request = dataclasses.replace(request, rubric=rubric)
    assert SituationalScorer(too_few).score(request).level("policy_accuracy") is None
    assert SituationalScorer(enough).score(request).level("policy_accuracy") in (0, 1, 2, 3)


def test_training_is_repeatable(fixture_examples):
    training = [e for e in fixture_examples if e.group in TUNING][:80]
    first = train(training, SituationalScorer, version="a", criteria=["tone"])
    second = train(training, SituationalScorer, version="a", criteria=["tone"])
    assert first.as_dict()["criteria"] == second.as_dict()["criteria"]
    assert first.metadata["fingerprint"] == second.metadata["fingerprint"]


@pytest.mark.django_db
def test_released_coach_grades_become_training_examples(coach, hire_enrollment):
    from django.utils import timezone

    from coaching.models import Grade
    from courses.models import Attempt, AttemptState, AttemptTurn, RubricVersion
    from tests.roleplay_support import scenario_with_turns

    scenario = scenario_with_turns(hire_enrollment.cohort.curriculum, mode="graded")
    version = RubricVersion.objects.filter(rubric=scenario.rubric).order_by("-number").first()
    now = timezone.now()
    attempt = Attempt.objects.create(enrollment=hire_enrollment, scenario=scenario, number=1, rubric_version=version,
                                     state=AttemptState.GRADED, started_at=now, submitted_at=now)  # fmt: skip
    for number, answer in enumerate(["So sorry they slip! Let's fix that.", "I'll send the narrow ones today."], 1):
        AttemptTurn.objects.create(attempt=attempt, number=number, variant="neutral", customer_text=f"Turn {number}",
                                   answer=answer, shown_at=now, answered_at=now)  # fmt: skip
    Grade.objects.create(attempt=attempt, coach=coach, rubric_version=version, levels={"tone": 2, "wow": 1},
                         outcome=Grade.Outcome.RELEASED, released_at=now)  # fmt: skip
    Grade.objects.create(
        attempt=Attempt.objects.create(enrollment=hire_enrollment, scenario=scenario, number=2, rubric_version=version,
                                       started_at=now),
        coach=coach, rubric_version=version, levels={"tone": 3}, outcome=Grade.Outcome.DRAFT,
    )  # fmt: skip
    [example] = coach_grade_examples()
    assert example.source == "coach" and example.group == scenario.slug
    assert example.labels == {"tone": 2, "wow": 1}
    assert [t.answer for t in example.turns] == [
        "So sorry they slip! Let's fix that.",
        "I'll send the narrow ones today.",
    ]
    assert example.turns[1].history[0].answer == "So sorry they slip! Let's fix that."
