"""The contract every role-play pre-scorer meets, and the result it hands back.

A scorer reads one customer turn and the hire's typed answer and returns a level from
0 to 3 for each criterion of the default rubric, with the exact phrases that earned or
cost each level. The weighted total is left to the caller, which owns the rubric.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

CRITERIA = ("acknowledge", "connect", "explore", "own_resolve", "wow", "tone")  # keys of the default rubric

EFFECTS = ("earned", "cost")
MIN_LEVEL = 0
MAX_LEVEL = 3


@dataclass(frozen=True)
class ScenarioContext:
    """What the scenario knows beyond the customer's words. Optional: scorers work without it."""

    title: str = ""
    persona_name: str = ""
    situation: str = ""
    mood: str = ""
    crm_order: str = ""
    crm_history: tuple[str, ...] = ()


@dataclass(frozen=True)
class Evidence:
    """A phrase of the answer that earned or cost points: answer[start:end] == text."""

    start: int
    end: int
    text: str
    effect: str  # "earned" or "cost"
    note: str

    def as_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text, "effect": self.effect, "note": self.note}

    @classmethod
    def from_dict(cls, data: dict) -> Evidence:
        return cls(
            start=int(data["start"]),
            end=int(data["end"]),
            text=str(data["text"]),
            effect=str(data["effect"]),
            note=str(data["note"]),
        )


@dataclass(frozen=True)
class CriterionScore:
    key: str
    level: int  # 0..3
    evidence: tuple[Evidence, ...]
    summary: str

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "level": self.level,
            "evidence": [item.as_dict() for item in self.evidence],
            "summary": self.summary,
        }

    @classmethod
    def from_dict(cls, data: dict) -> CriterionScore:
        return cls(
            key=str(data["key"]),
            level=int(data["level"]),
            evidence=tuple(Evidence.from_dict(item) for item in data["evidence"]),
            summary=str(data["summary"]),
        )


@dataclass(frozen=True)
class ScoreResult:
    scorer: str
    criteria: tuple[CriterionScore, ...]  # one per key in CRITERIA, in that order

    def level(self, key: str) -> int:
        for criterion in self.criteria:
            if criterion.key == key:
                return criterion.level
        raise KeyError(key)

    def criterion(self, key: str) -> CriterionScore:
        for criterion in self.criteria:
            if criterion.key == key:
                return criterion
        raise KeyError(key)

    def levels(self) -> dict[str, int]:
        return {criterion.key: criterion.level for criterion in self.criteria}

    def as_dict(self) -> dict:
        return {"scorer": self.scorer, "criteria": [criterion.as_dict() for criterion in self.criteria]}

    @classmethod
    def from_dict(cls, data: dict) -> ScoreResult:
        return cls(
            scorer=str(data["scorer"]),
            criteria=tuple(CriterionScore.from_dict(item) for item in data["criteria"]),
        )


@runtime_checkable
class Scorer(Protocol):
    name: str

    def score(self, *, customer_message: str, answer: str, context: ScenarioContext | None = None) -> ScoreResult: ...
