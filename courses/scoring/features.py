"""The features the learned heads read: the phrase rules' reading, and where the answer sits in embedding space.

Every feature is computed from the ScoringRequest alone, so the same answer in the same
situation always gives the same vector. Descriptor similarities are per criterion: a criterion
an admin adds is described by its own level descriptors, which is what lets a head for it learn
from a few dozen coach grades.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from courses.levels import LEVELS
from courses.scoring import integrity
from courses.scoring.base import CRITERIA, ScoreResult, ScoringRequest
from courses.scoring.phrase_rules import _CLASSES

FEATURE_SPEC = 4  # bump when the features change: a model trained on another spec is refused
PHRASE_CLASSES = (*tuple(sorted(phrase_class.name for phrase_class in _CLASSES)), "stuffing_run")
_CAPS_WORD = re.compile(r"\b[A-Z]{4,}\b")


@dataclass(frozen=True)
class Situation:
    """The embeddings of one request, worked out once and shared by every criterion."""

    answer: np.ndarray
    customer: float
    situation: float
    own_exemplar_turn: float
    own_exemplar_any: float
    other_exemplar: float
    history_repeat: float
    earlier_customer: float
    descriptor_sims: dict[str, np.ndarray]  # criterion key -> cosine with each level descriptor
    relevance: integrity.Relevance | None  # this scenario against the closest other one
    specifics: tuple[int, int]  # (the closest other scenario's, this one's) specifics the answer names


def _best(matrix: np.ndarray, vector: np.ndarray) -> float:
    return float(np.max(matrix @ vector)) if len(matrix) else 0.0


def situate(request: ScoringRequest, encoder) -> Situation:
    scenario = request.scenario
    turn_exemplars = [e.answer for e in scenario.exemplars if e.turn == request.turn_number]
    own_exemplars = [e.answer for e in scenario.exemplars]
    history_answers = [exchange.answer for exchange in request.history if exchange.answer.strip()]
    earlier_customer = [exchange.customer for exchange in request.history]
    descriptors = [(c.key, level, text) for c in request.rubric.criteria for level, text in enumerate(c.levels)]
    texts = [request.answer, request.customer_message, scenario.situation]
    groups = [turn_exemplars, own_exemplars, list(request.other_exemplars), history_answers, earlier_customer]
    for group in groups:
        texts += group
    texts += [text for _, _, text in descriptors]
    vectors = encoder.embed(texts)
    found = integrity.relevance(request, encoder)
    answer = vectors[0]
    position = 3
    blocks = []
    for group in groups:
        blocks.append(vectors[position : position + len(group)])
        position += len(group)
    descriptor_vectors = vectors[position:]
    sims: dict[str, list[float]] = {}
    for (key, _level, _text), vector in zip(descriptors, descriptor_vectors, strict=True):
        sims.setdefault(key, []).append(float(vector @ answer))
    return Situation(
        answer=answer,
        customer=float(vectors[1] @ answer),
        situation=float(vectors[2] @ answer) if scenario.situation else 0.0,
        own_exemplar_turn=_best(blocks[0], answer),
        own_exemplar_any=_best(blocks[1], answer),
        other_exemplar=_best(blocks[2], answer),
        history_repeat=_best(blocks[3], answer),
        earlier_customer=_best(blocks[4], answer),
        descriptor_sims={key: np.asarray(values + [0.0] * (4 - len(values)))[:4] for key, values in sims.items()},
        relevance=found,
        specifics=integrity.specifics(request, found.closest_other) if found else (0, 0),
    )


def _rule_features(rules: ScoreResult, reading, flags) -> list[float]:
    levels = rules.levels()
    values: list[float] = []
    for key in CRITERIA:
        level = levels.get(key) or 0
        values.append(float(level))
        values += [1.0 if level == k else 0.0 for k in LEVELS]
    for name in PHRASE_CLASSES:
        if name == "stuffing_run":
            values.append(float(min(len(reading.stuffing), 3)))
        else:
            values.append(float(min(len(reading.hits.get(name, ())), 3)))
    values += [
        math.log1p(reading.words),
        float(min(len(reading.sentences), 8)),
        float(min(len(reading.questions), 4)),
        float(min(len(reading.asks), 4)),
        float(min(len(reading.echoes), 8)),
        float(min(len(reading.detail_refs), 6)),
        float(min(len(reading.earlier_refs), 4)),
        float(min(len(reading.name_spans), 3)),
        float(min(reading.contractions, 6)),
        float(min(len(_CAPS_WORD.findall(reading.answer)), 4)),
        1.0 if reading.frustrated else 0.0,
        1.0 if reading.medical else 0.0,
        1.0 if reading.timing_concern else 0.0,
    ]
    codes = {flag.code for flag in flags}
    values += [1.0 if code in codes else 0.0 for code in integrity.FLAG_CODES]
    return values


def base_features(rules: ScoreResult, reading, flags, situation: Situation, turn_number: int) -> np.ndarray:
    """Features shared by every criterion (the answer's embedding is reduced by the model's projection)."""
    values = _rule_features(rules, reading, flags)
    values += [
        situation.customer,
        situation.situation,
        situation.own_exemplar_turn,
        situation.own_exemplar_any,
        situation.other_exemplar,
        situation.own_exemplar_any - situation.other_exemplar,
        situation.relevance.own if situation.relevance else 0.0,
        situation.relevance.other if situation.relevance else 0.0,
        (situation.relevance.other - situation.relevance.own) if situation.relevance else 0.0,
        float(min(situation.specifics[0], 6)),
        float(min(situation.specifics[1], 6)),
        situation.history_repeat,
        situation.earlier_customer,
        float(min(turn_number, 5)),
    ]
    return np.asarray(values, dtype=np.float64)


def criterion_features(situation: Situation, key: str) -> np.ndarray:
    sims = situation.descriptor_sims.get(key, np.zeros(4))
    return np.concatenate([sims, [sims[3] - sims[0], float(np.argmax(sims))]])
