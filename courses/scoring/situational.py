"""The default pre-scorer: phrase rules in front, integrity checks before credit, learned heads behind.

1. The phrase rules read the answer against the customer's words and give levels with evidence.
2. Integrity checks flag answers that must not be scored as good (copied, off-message, another
   language, filler, length) and cap their levels.
3. For each criterion the model has a head for, an ordinal head reads the rule features and the
   embeddings of the answer in its situation and gives the level.
4. Hard guards then cap what blame, "calm down", a stalled escalation, jargon, a promise against
   policy, medical advice, shouting or piled-up empathy words cost, with the phrase as evidence.

For one model version the result is a pure function of the request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from courses.scoring import integrity
from courses.scoring.base import (
    MAX_EVIDENCE_PER_CRITERION,
    CriterionScore,
    Evidence,
    ScoreResult,
    ScoringRequest,
)
from courses.scoring.embedding import ENCODER_ID, shared_encoder
from courses.scoring.features import FEATURE_SPEC, base_features, criterion_features, situate
from courses.scoring.model_file import ScorerModel
from courses.scoring.phrase_rules import PhraseRulesScorer

NAME = "situational"
COST = "cost"
EARNED = "earned"
TITLES = {
    "acknowledge": "Acknowledge",
    "connect": "Connect",
    "explore": "Explore",
    "own_resolve": "Own & resolve",
    "wow": "WOW",
    "tone": "Tone",
}
NO_ESTIMATE = "No estimate yet: the pre-scorer learns this criterion once coaches have graded enough answers on it."
_CLAUSE_BREAK = re.compile(r"[.!?;:,—–]|\s-\s|\band\b|\bbut\b|\bso\b", re.IGNORECASE)
_MIN_CLAUSE_WORDS = 2


@dataclass(frozen=True)
class Guard:
    """A phrase class that caps criteria when it appears, whatever the rest of the answer earns."""

    phrase: str
    caps: dict[str, int]
    note: str


GUARDS = (
    Guard("blame", {"tone": 0, "own_resolve": 1, "wow": 1}, "blames the customer or someone else"),
    Guard("stall_escalation", {"tone": 1, "own_resolve": 1}, "refuses or stalls the escalation asked for"),
    Guard("overpromise", {"own_resolve": 0, "wow": 0}, "a promise against policy, or one that can't be kept"),
    Guard("medical_advice", {"own_resolve": 0, "wow": 0}, "medical advice the hire can't give"),
    Guard("jargon", {"tone": 1}, "jargon the customer has to decode"),
)


@dataclass
class _Criterion:
    key: str
    level: int | None
    summary: str
    evidence: list[Evidence] = field(default_factory=list)


def clause_around(answer: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span to the clause it sits in: a lone word is not evidence anyone can read.

    A clause of one word ("Oh,") runs on into the next one.
    """
    left = start
    for match in _CLAUSE_BREAK.finditer(answer, 0, start):
        left = match.end()
    right = end
    for _ in range(3):
        following = _CLAUSE_BREAK.search(answer, right)
        if not following:
            right = len(answer)
            break
        right = following.start() if following.group(0)[0].isalnum() else following.end()
        if len(answer[left:right].split()) >= _MIN_CLAUSE_WORDS:
            break
        right = following.end()
    while left < right and answer[left].isspace():
        left += 1
    while right > left and answer[right - 1].isspace():
        right -= 1
    if len(answer[left:right].split()) < _MIN_CLAUSE_WORDS:
        return start, end
    return min(left, start), max(right, end)


def readable_evidence(answer: str, key: str, items: list[Evidence], level: int | None) -> tuple[Evidence, ...]:
    """At most three clause-long phrases, costs first, each naming its criterion and reason."""
    title = TITLES.get(key, key.replace("_", " ").capitalize())
    chosen: list[Evidence] = []
    ordered = sorted(items, key=lambda e: (e.effect != COST, e.start))
    for item in ordered:
        if level == 0 and item.effect == EARNED:
            continue  # nothing was earned at level 0: a green highlight would contradict it
        start, end = clause_around(answer, item.start, item.end)
        if any(not (end <= other.start or start >= other.end) for other in chosen):
            continue
        note = item.note if item.note.startswith(f"{title}:") else f"{title}: {item.note}"
        chosen.append(Evidence(start, end, answer[start:end], item.effect, note))
        if len(chosen) == MAX_EVIDENCE_PER_CRITERION:
            break
    return tuple(sorted(chosen, key=lambda e: e.start))


class SituationalScorer:
    """Scores with one model version; `name` says which."""

    def __init__(self, model: ScorerModel | None, encoder=None):
        """`model` None gives a scorer that only works out features, for training a first model."""
        if model is not None and model.feature_spec != FEATURE_SPEC:
            raise ValueError(
                f"model {model.version} was trained on feature spec {model.feature_spec}, not {FEATURE_SPEC}"
            )
        self.model = model
        self.name = f"{NAME}/{model.version if model else 'untrained'}"
        self._encoder = encoder
        self.rules = PhraseRulesScorer()
        self.encoder_id = ENCODER_ID

    @property
    def encoder(self):
        if self._encoder is None:
            self._encoder = shared_encoder()
        return self._encoder

    def features(self, request: ScoringRequest):
        """What the heads read, and the rule result and flags they were read alongside."""
        rules, reading = self.rules.analyse(request)
        situation = situate(request, self.encoder)
        flags = integrity.check(request, relevance_found=situation.relevance)
        base = base_features(rules, reading, flags, situation, request.turn_number)
        return rules, reading, situation, flags, base

    def score(self, request: ScoringRequest) -> ScoreResult:
        answer = request.answer
        rules, reading, situation, flags, base = self.features(request)
        projected = self.model.project(base, situation.answer)
        found: dict[str, _Criterion] = {}
        for spec in request.rubric.criteria:
            key = spec.key
            rule_score = _rule_criterion(rules, key)
            head = self.model.heads.get(key)
            if head is None:
                found[key] = _Criterion(key, None, NO_ESTIMATE)
                continue
            vector = np.concatenate([projected, criterion_features(situation, key)])[None, :]
            level = int(head.predict(self.model.standardise(key, vector))[0])
            if rule_score is not None and rule_score.level == level:
                summary = rule_score.summary
            else:
                summary = request.rubric.descriptor(key, level) or (rule_score.summary if rule_score else "")
            evidence = list(rule_score.evidence) if rule_score else []
            found[key] = _Criterion(key, level, summary, evidence)

        if not reading.tokens:
            for item in found.values():
                if item.level is not None:
                    item.level, item.summary = 0, "Nothing to score: the answer has no words."
        for guard in GUARDS:
            spans = reading.hits.get(guard.phrase, ())
            if not spans:
                continue
            for key, cap in guard.caps.items():
                item = found.get(key)
                if item is None or item.level is None:
                    continue
                item.evidence += [Evidence(s, e, answer[s:e], COST, guard.note) for s, e in spans]
                if item.level > cap:
                    item.level = cap
                    item.summary = f"Held at {cap} at most: {guard.note}."
        cap = integrity.cap_for(flags)
        if cap is not None:
            reason = "; ".join(flag.reason for flag in flags)
            for item in found.values():
                if item.level is not None and item.level > cap:
                    item.level = cap
                    item.summary = f"Needs a coach's eye: {reason}"

        criteria = tuple(
            CriterionScore(
                key=item.key,
                level=item.level,
                evidence=readable_evidence(answer, item.key, item.evidence, item.level),
                summary=item.summary,
            )
            for item in found.values()
        )
        return ScoreResult(scorer=self.name, criteria=criteria, flags=tuple(flags))


def _rule_criterion(rules: ScoreResult, key: str) -> CriterionScore | None:
    try:
        return rules.criterion(key)
    except KeyError:
        return None


__all__ = ["SituationalScorer", "clause_around", "readable_evidence"]
