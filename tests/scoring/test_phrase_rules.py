"""Behaviour of the default pre-scorer on answers written for these tests (not taken from the dev set)."""

import random

import pytest

from courses.scoring import CRITERIA, ScenarioContext, ScoringRequest
from courses.scoring.evaluation import load_devset
from courses.scoring.phrase_rules import PhraseRulesScorer
from tests.scoring.conftest import DEVSET

WEDDING = (
    "Hi, I need some dressy shoes for my nephew's wedding, but I've got really narrow feet and everything "
    "I try just slips off at the heel. I'm starting to panic a bit."
)
REFUND = (
    "Hi. I've called about this twice already. I sent shoes back weeks ago and I still haven't got my money. "
    "Somebody was supposed to ring me back last week and never did."
)
GRADUATION = (
    "Hi. I ordered some heels yesterday for my daughter's graduation, which is this Saturday, and I've only "
    "just noticed the delivery date says Monday. Is there anything at all you can do?"
)
DOG = "Hi, I need to swap some sandals for a half size bigger, sorry, hang on... Biscuit, NO! Sorry. New puppy."

STUFFING = (
    "Oh no, I'm so sorry, I totally understand, I hear you, I truly empathize, that's so frustrating and "
    "I can only imagine how you feel."
)


def levels(scorer, customer, answer):
    result = scorer.score(ScoringRequest(customer_message=customer, answer=answer))
    return {criterion.key: criterion.level for criterion in result.criteria}


# ------------------------------------------------------------------ determinism
def test_same_answer_twice_gives_identical_results(scorer):
    answer = "Panic no more: we stock true narrow widths. When's the wedding, and is it indoors or out?"
    first = scorer.score(ScoringRequest(customer_message=WEDDING, answer=answer))
    second = scorer.score(ScoringRequest(customer_message=WEDDING, answer=answer))
    again = PhraseRulesScorer().score(ScoringRequest(customer_message=WEDDING, answer=answer))
    assert first == second == again
    assert first.as_dict() == again.as_dict()


def test_a_shuffled_batch_gives_identical_results():
    rows = load_devset(DEVSET)
    in_order = {
        row.id: PhraseRulesScorer().score(ScoringRequest(customer_message=row.customer, answer=row.answer))
        for row in rows
    }
    shuffled = list(rows)
    random.Random(20240611).shuffle(shuffled)
    scorer = PhraseRulesScorer()
    for row in shuffled:
        assert scorer.score(ScoringRequest(customer_message=row.customer, answer=row.answer)) == in_order[row.id]


def test_context_is_optional_and_may_refine(scorer):
    answer = "Hi Margaret, I'm so sorry. There's no rush with any of this."
    plain = scorer.score(ScoringRequest(customer_message=WEDDING, answer=answer))
    with_context = scorer.score(
        ScoringRequest(customer_message=WEDDING, answer=answer, scenario=ScenarioContext(persona_name="Margaret Ellis"))
    )
    assert tuple(c.key for c in plain.criteria) == tuple(c.key for c in with_context.criteria) == CRITERIA


# ------------------------------------------------------------------ acknowledge
@pytest.mark.parametrize(
    "answer",
    [
        "I understand your frustration. We do have a range of widths on the website.",
        "I apologize for any inconvenience. Narrow widths are available in most styles.",
        "Sorry for the trouble. What size are you?",
    ],
)
def test_scripted_acknowledgement_is_one(scorer, answer):
    assert levels(scorer, WEDDING, answer)["acknowledge"] == 1


@pytest.mark.parametrize(
    "answer",
    [
        "Oh no, heel slip is maddening, and with your nephew's wedding coming up no wonder you're starting "
        "to panic. We'll stick to true narrow widths.",
        "Shoes slipping off at the heel when you've got a wedding to get to is a real worry. "
        "Let's find you a narrow fit that stays put.",
    ],
)
def test_genuine_acknowledgement_names_this_situation(scorer, answer):
    assert levels(scorer, WEDDING, answer)["acknowledge"] >= 2


def test_owning_a_repeated_failure_is_a_genuine_acknowledgement(scorer):
    answer = "You've had to call three times and nobody rang you back. That's not good enough, and I'm sorry."
    assert levels(scorer, REFUND, answer)["acknowledge"] >= 2


# ------------------------------------------------------------------ explore
def test_a_question_about_the_goal_explores(scorer):
    answer = "We stock true narrow widths. When's the wedding, and is it indoors or out? That'll help me pick a heel."
    assert levels(scorer, WEDDING, answer)["explore"] >= 2


@pytest.mark.parametrize(
    "answer",
    [
        "We stock narrow widths. Is there anything else I can help you with?",
        "Can I have your order number?",
    ],
)
def test_a_stock_question_is_one(scorer, answer):
    assert levels(scorer, WEDDING, answer)["explore"] == 1


def test_no_question_is_zero(scorer):
    assert levels(scorer, WEDDING, "We stock narrow widths in most styles.")["explore"] == 0


# ------------------------------------------------------------------ keyword stuffing
@pytest.mark.parametrize(
    ("customer", "answer"),
    [
        (
            REFUND,
            "That's not good enough, and I'm sorry. I've released your refund now and I'll email you "
            "the confirmation this afternoon.",
        ),
        (WEDDING, "Heel slip is maddening. When's the wedding? I'll send two narrow pairs today so you can try both."),
        (GRADUATION, "A graduation on Saturday! I've upgraded you to next-day, free, so they're due Thursday."),
    ],
)
def test_stuffing_never_raises_acknowledge_tone_or_ownership(scorer, customer, answer):
    plain = levels(scorer, customer, answer)
    stuffed = scorer.score(ScoringRequest(customer_message=customer, answer=f"{STUFFING} {answer}"))
    for key in ("acknowledge", "tone", "own_resolve"):
        assert stuffed.level(key) <= plain[key], key
    assert stuffed.level("acknowledge") <= 1
    assert stuffed.level("tone") <= 1
    costs = [e.text.lower() for e in stuffed.criterion("acknowledge").evidence if e.effect == "cost"]
    assert any("hear you" in text for text in costs)
    assert any("empathize" in text for text in costs)


def test_stuffing_alone_earns_no_more_than_scripted(scorer):
    result = scorer.score(ScoringRequest(customer_message=REFUND, answer=STUFFING))
    assert result.level("acknowledge") <= 1
    assert result.level("tone") <= 1
    assert result.level("own_resolve") == 0
    assert any(e.effect == "cost" for e in result.criterion("tone").evidence)


# ------------------------------------------------------------------ own & resolve
def test_a_concrete_owned_step_is_genuine_or_better(scorer):
    answer = "I've released your refund now, and I'll email you the confirmation by 5 o'clock today."
    assert levels(scorer, REFUND, answer)["own_resolve"] >= 2


def test_vague_ownership_is_one(scorer):
    assert levels(scorer, REFUND, "Someone will look into it and get back to you.")["own_resolve"] == 1


def test_blame_is_zero(scorer):
    answer = "If you needed them by Saturday you should have picked expedited shipping."
    result = levels(scorer, GRADUATION, answer)
    assert result["own_resolve"] == 0
    assert result["tone"] == 0


# ------------------------------------------------------------------ WOW
def test_upgraded_shipping_for_the_event_is_a_fitting_gesture(scorer):
    answer = (
        "We can't have them turning up after Saturday. I've upgraded you to next-day, free, so they're due Thursday."
    )
    assert levels(scorer, GRADUATION, answer)["wow"] >= 2


def test_a_stock_discount_code_is_one(scorer):
    answer = "I've added a 10% discount code to your account for next time."
    assert levels(scorer, GRADUATION, answer)["wow"] == 1


# ------------------------------------------------------------------ connect
def test_picking_up_the_human_detail_connects(scorer):
    answer = "Ha, Biscuit sounds like she's a very good guard dog! How long have you had her? Let's get that half size."
    assert levels(scorer, DOG, answer)["connect"] >= 2


def test_a_generic_pleasantry_is_one(scorer):
    answer = "Your exchange for the half size is set up. Have a great day!"
    assert levels(scorer, DOG, answer)["connect"] == 1


# ------------------------------------------------------------------ tone
def test_jargon_is_stiff(scorer):
    answer = "Per our policy, your ticket has been escalated to the returns department for processing."
    assert levels(scorer, REFUND, answer)["tone"] <= 1


def test_shouting_is_cold(scorer):
    answer = "I HAVE ALREADY TOLD YOU THE REFUND IS PENDING."
    assert levels(scorer, REFUND, answer)["tone"] == 0


def test_warm_natural_answer_is_genuine_or_better(scorer):
    answer = "Oh no, and with the wedding so close! Don't worry, we'll find you something narrow that stays put."
    assert levels(scorer, WEDDING, answer)["tone"] >= 2


# ------------------------------------------------------------------ evidence
def test_evidence_offsets_are_exact_over_the_whole_dev_set(scorer):
    for row in load_devset(DEVSET):
        result = scorer.score(ScoringRequest(customer_message=row.customer, answer=row.answer))
        for criterion in result.criteria:
            assert criterion.summary, (row.id, criterion.key)
            if criterion.level:
                assert criterion.evidence, (row.id, criterion.key)  # every level above 0 is explained
            for item in criterion.evidence:
                assert row.answer[item.start : item.end] == item.text, (row.id, criterion.key, item)
                assert 0 <= item.start < item.end <= len(row.answer)
                assert item.effect in ("earned", "cost")
                assert item.note


def test_offsets_survive_curly_apostrophes_and_unusual_letters(scorer):
    answer = "İ’m so sorry — that’s our mistake. I’ll send the boots today, and they’re due Thursday."
    result = scorer.score(ScoringRequest(customer_message=REFUND, answer=answer))
    for criterion in result.criteria:
        for item in criterion.evidence:
            assert answer[item.start : item.end] == item.text
    assert result.level("own_resolve") >= 2
