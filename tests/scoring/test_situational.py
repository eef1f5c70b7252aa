"""The shipped pre-scorer on tricks and on the cases it used to get wrong, across every shipped scenario."""

import glob

import pytest

from courses.scoring import CriterionSpec, RubricSpec, ScoringRequest
from courses.scoring.catalogue import load_catalogue
from courses.scoring.evaluation import DEVSET_DIR, load_devset, request_for
from courses.scoring.integrity import COPIED, LANGUAGE, OFF_MESSAGE
from courses.scoring.live import shipped_model
from courses.scoring.situational import SituationalScorer

CATALOGUE = load_catalogue()
SCENARIOS = sorted(CATALOGUE.scenarios)
ROWS = [row for path in sorted(glob.glob(str(DEVSET_DIR / "*.jsonl"))) for row in load_devset(path)]


@pytest.fixture(scope="module")
def scorer():
    return SituationalScorer(shipped_model())


def opening(slug: str) -> str:
    return CATALOGUE.scenarios[slug].turns[0]["neutral"]


def request(slug: str, answer: str, turn: int = 1, customer: str | None = None) -> ScoringRequest:
    return CATALOGUE.request(slug, turn, customer or opening(slug), answer)


def codes(result) -> set[str]:
    return {flag.code for flag in result.flags}


def test_every_shipped_scenario_is_covered():
    assert len(SCENARIOS) >= 21  # 16 shoe-shop scenarios and the other lines of business
    assert {CATALOGUE.scenarios[s].context.line_of_business for s in SCENARIOS} >= {
        "online-retail", "travel", "broadband", "subscription-billing", "grocery-delivery", "energy",
    }  # fmt: skip


@pytest.mark.parametrize("slug", SCENARIOS)
def test_its_exemplar_against_another_scenarios_message_is_flagged(scorer, slug):
    exemplar = CATALOGUE.scenarios[slug].context.exemplars[0].answer
    other = SCENARIOS[(SCENARIOS.index(slug) + 7) % len(SCENARIOS)]
    result = scorer.score(request(other, exemplar))
    assert codes(result) & {COPIED, OFF_MESSAGE}, result.flags
    assert all(level <= 1 for level in result.levels().values())


@pytest.mark.parametrize("slug", SCENARIOS)
def test_a_pasted_exemplar_is_flagged_with_a_reason_and_capped(scorer, slug):
    exemplar = CATALOGUE.scenarios[slug].context.exemplars[0]
    result = scorer.score(request(slug, exemplar.answer, turn=exemplar.turn))
    assert COPIED in codes(result)
    flag = next(flag for flag in result.flags if flag.code == COPIED)
    assert "exemplar" in flag.reason and flag.guidance
    assert set(result.levels().values()) == {0}


@pytest.mark.parametrize("slug", SCENARIOS)
def test_a_translation_of_a_strong_answer_is_flagged_not_silently_zero(scorer, slug):
    translations = [row for row in ROWS if row.scenario == slug and row.kind == "non_english"]
    assert translations, f"no translated answer for {slug}"
    for row in translations:
        result = scorer.score(request_for(row))
        assert LANGUAGE in codes(result), row.id
        assert next(f for f in result.flags if f.code == LANGUAGE).guidance


@pytest.mark.parametrize("slug", SCENARIOS)
def test_calm_down_its_not_our_fault_earns_nothing(scorer, slug):
    result = scorer.score(request(slug, "Calm down. It's not our fault."))
    assert result.flags or all(level <= 1 for level in result.levels().values())
    assert result.level("tone") == 0
    tone = result.criterion("tone")
    assert any(e.effect == "cost" and "Calm down" in e.text for e in tone.evidence)


@pytest.mark.parametrize("slug", SCENARIOS)
def test_a_warm_promise_against_policy_earns_no_ownership_or_wow(scorer, slug):
    answer = (
        "Oh, I'm so sorry, that sounds really stressful and I completely get it. Don't you worry: I guarantee "
        "it will all be sorted by tomorrow, and I promise it will never happen again."
    )
    result = scorer.score(request(slug, answer))
    assert result.level("own_resolve") <= 1
    assert result.level("wow") <= 1
    costs = [e for e in result.criterion("own_resolve").evidence if e.effect == "cost"]
    assert costs and all(e.note.startswith("Own & resolve:") for e in costs)


@pytest.mark.parametrize(
    ("slug", "turn", "variant", "answer"),
    [
        (
            "child-in-background-school-shoes", 2, "warm",
            "Ha, dinosaurs and lights, he knows exactly what he wants! Five is the perfect age for light-up "
            "trainers. I'll find you a pair with a dinosaur on the side that still passes the school rules.",
        ),
        (
            "dog-barking-mid-exchange", 2, "warm",
            "Three weeks, bless her, she's still learning which noises belong to her new house! Beagles always "
            "have an opinion. I've set up the 7.5 in the same colour, and it ships today.",
        ),
        (
            "narrow-shoes-family-wedding", 1, "neutral",
            "Oh, your nephew's wedding! Heels that keep slipping off are the last thing you want on a dance "
            "floor. Let's find you a narrow fit that stays put all night.",
        ),
    ],
)  # fmt: skip
def test_warm_specific_answers_connect(scorer, slug, turn, variant, answer):
    scenario = CATALOGUE.scenarios[slug]
    customer = scenario.turns[turn - 1][variant]
    result = scorer.score(request(slug, answer, turn=turn, customer=customer))
    assert not result.flags
    assert result.level("connect") >= 2, result.criterion("connect")


def test_one_model_version_is_deterministic():
    row = next(row for row in ROWS if row.kind == "strong" and row.flag is None)
    first = SituationalScorer(shipped_model()).score(request_for(row)).as_dict()
    # A fresh scorer, and answers scored in between, change nothing.
    other = SituationalScorer(shipped_model())
    for later in ROWS[:20]:
        other.score(request_for(later))
    assert other.score(request_for(row)).as_dict() == first


def test_the_result_names_the_version_that_made_it(scorer):
    result = scorer.score(request(SCENARIOS[0], "I'm so sorry about that, let me sort it out for you today."))
    assert result.scorer == f"situational/{shipped_model().version}"


BLAME_CUSTOMER = (
    "Your company is a joke. My son's birthday present still isn't here, his birthday was yesterday, and your "
    "chat person just told me 'it should arrive soon'. I want to speak to a manager."
)


def test_blame_costs_tone_and_earns_no_wow(scorer):
    result = scorer.score(request("angry-customer-birthday-present", "Calm down. It's the courier's fault, not ours."))
    assert result.level("tone") == 0
    assert result.level("own_resolve") <= 1
    assert not [e for e in result.criterion("wow").evidence if e.effect == "earned"]


def test_a_plain_question_is_not_marked_as_spoken_wording(scorer):
    result = scorer.score(request("angry-customer-birthday-present", "What's your order number?"))
    notes = [e.note for c in result.criteria for e in c.evidence]
    assert not any("natural, spoken wording" in note for note in notes)


def test_evidence_is_clauses_at_most_three_per_criterion_naming_criterion_and_reason(scorer):
    for row in [row for row in ROWS if row.flag is None][:120]:
        result = scorer.score(request_for(row))
        for criterion in result.criteria:
            assert len(criterion.evidence) <= 3
            for item in criterion.evidence:
                assert row.answer[item.start : item.end] == item.text
                assert ":" in item.note and item.note.split(":")[1].strip()
                if len(row.answer.split()) > 3:
                    assert len(item.text.split()) >= 2, (row.id, item)


def test_a_criterion_without_a_head_says_plainly_there_is_no_estimate(scorer):
    rubric = RubricSpec(
        slug="loyalty-empathy",
        version=9,
        criteria=(
            *CATALOGUE.rubric.criteria,
            CriterionSpec("policy_accuracy", "Policy accuracy", "", ("a", "b", "c", "d")),
        ),
    )
    slug = SCENARIOS[0]
    result = scorer.score(
        ScoringRequest(
            customer_message=opening(slug),
            answer="Let me check that for you.",
            scenario=CATALOGUE.scenarios[slug].context,
            rubric=rubric,
            others=CATALOGUE.others(slug),
        )
    )
    missing = result.criterion("policy_accuracy")
    assert missing.level is None
    assert missing.summary.startswith("No estimate yet")
    assert result.level("tone") is not None
