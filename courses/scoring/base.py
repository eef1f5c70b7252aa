"""The contract every role-play pre-scorer meets: the situation it is given and the result it hands back.

A scorer reads one answer in its whole situation (the customer turn being answered, the
earlier turns of the attempt, the scenario's persona, CRM facts, policies and exemplars,
and the rubric version with its level descriptors) and returns a level from 0 to 3 for each
criterion it can estimate, with the phrases that earned or cost each level, and any
integrity flags that ask for a coach's eye. The weighted total is left to the caller,
which owns the rubric.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from courses.levels import LEVEL_MAX, LEVEL_MIN

CRITERIA = ("acknowledge", "connect", "explore", "own_resolve", "wow", "tone")  # keys of the default rubric

EFFECTS = ("earned", "cost")
MIN_LEVEL, MAX_LEVEL = LEVEL_MIN, LEVEL_MAX  # the rubric's scale, defined once
MAX_EVIDENCE_PER_CRITERION = 3
# Turn levels are combined into an attempt's level per criterion: the best moment counts for
# what an answer *did*, while tone is the average of the whole conversation.
AVERAGED_CRITERIA = frozenset({"tone"})


def combine_levels(key: str, levels: list[int]) -> int:
    """One attempt-level level from its turns' levels (best moment; tone averaged)."""
    if key in AVERAGED_CRITERIA:
        return round(sum(levels) / len(levels))
    return max(levels)


@dataclass(frozen=True)
class ExemplarText:
    turn: int
    answer: str


@dataclass(frozen=True)
class ScenarioContext:
    """What the scenario knows beyond the customer's words."""

    slug: str = ""
    title: str = ""
    persona_name: str = ""
    situation: str = ""
    mood: str = ""
    crm_order: str = ""
    crm_history: tuple[str, ...] = ()
    policies: tuple[str, ...] = ()
    language: str = "en"
    line_of_business: str = ""
    exemplars: tuple[ExemplarText, ...] = ()
    # Every turn the customer can say in this scenario: an answer to one of them responds to it.
    customer_lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class CriterionSpec:
    key: str
    title: str = ""
    description: str = ""
    levels: tuple[str, ...] = ()  # descriptors of levels 0..3


@dataclass(frozen=True)
class RubricSpec:
    slug: str
    version: int
    criteria: tuple[CriterionSpec, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(criterion.key for criterion in self.criteria)

    def descriptor(self, key: str, level: int) -> str:
        for criterion in self.criteria:
            if criterion.key == key and 0 <= level < len(criterion.levels):
                return criterion.levels[level]
        return ""


DEFAULT_RUBRIC = RubricSpec(slug="loyalty-empathy", version=0, criteria=tuple(CriterionSpec(key) for key in CRITERIA))


@dataclass(frozen=True)
class Exchange:
    """One earlier turn of this attempt: what the customer said and what the hire answered."""

    customer: str
    answer: str


@dataclass(frozen=True)
class ScoringRequest:
    """Everything a scorer is given about one answer. Built by courses.services.scoring_request."""

    customer_message: str
    answer: str
    scenario: ScenarioContext = field(default_factory=ScenarioContext)
    rubric: RubricSpec = DEFAULT_RUBRIC
    turn_number: int = 1
    history: tuple[Exchange, ...] = ()
    # The curriculum's other scenarios: an answer written for one of them, or copied from one of
    # their exemplars, does not respond to this customer.
    others: tuple[ScenarioContext, ...] = ()

    @property
    def other_exemplars(self) -> tuple[str, ...]:
        return tuple(exemplar.answer for other in self.others for exemplar in other.exemplars)


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
    level: int | None  # 0..3, or None: no estimate yet for this criterion
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
        level = data.get("level")
        return cls(
            key=str(data["key"]),
            level=None if level is None else int(level),
            evidence=tuple(Evidence.from_dict(item) for item in data["evidence"]),
            summary=str(data["summary"]),
        )


@dataclass(frozen=True)
class Flag:
    """An integrity problem: the answer needs a coach's eye, and its levels are capped."""

    code: str  # one of courses.scoring.integrity.FLAG_CODES
    reason: str  # for the coach
    guidance: str  # for the hire

    def as_dict(self) -> dict:
        return {"code": self.code, "reason": self.reason, "guidance": self.guidance}

    @classmethod
    def from_dict(cls, data: dict) -> Flag:
        return cls(code=str(data["code"]), reason=str(data["reason"]), guidance=str(data.get("guidance", "")))


@dataclass(frozen=True)
class ScoreResult:
    scorer: str  # "<scorer>/<model version>": which version made this estimate
    criteria: tuple[CriterionScore, ...]  # one per criterion of the rubric, in its order
    flags: tuple[Flag, ...] = ()

    def level(self, key: str) -> int | None:
        return self.criterion(key).level

    def criterion(self, key: str) -> CriterionScore:
        for criterion in self.criteria:
            if criterion.key == key:
                return criterion
        raise KeyError(key)

    def levels(self) -> dict[str, int | None]:
        return {criterion.key: criterion.level for criterion in self.criteria}

    @property
    def flagged(self) -> bool:
        return bool(self.flags)

    def as_dict(self) -> dict:
        return {
            "scorer": self.scorer,
            "criteria": [criterion.as_dict() for criterion in self.criteria],
            "flags": [flag.as_dict() for flag in self.flags],
        }

    @classmethod
    def from_dict(cls, data: dict) -> ScoreResult:
        return cls(
            scorer=str(data["scorer"]),
            criteria=tuple(CriterionScore.from_dict(item) for item in data["criteria"]),
            flags=tuple(Flag.from_dict(item) for item in data.get("flags", ())),
        )


@runtime_checkable
class Scorer(Protocol):
    name: str

    def score(self, request: ScoringRequest) -> ScoreResult: ...
