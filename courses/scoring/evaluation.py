"""Check a scorer against hand-labelled answers (the devset format, docs/devset-format.md).

Agreement per criterion is reported three ways: exact, within one level, and
quadratic-weighted Cohen's kappa, which credits near misses and corrects for chance.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from courses.scoring.base import CRITERIA, MAX_LEVEL, MIN_LEVEL, Scorer, ScoreResult

FIELDS = ("id", "scenario", "turn", "customer", "answer", "kind", "labels")
KINDS = ("strong", "genuine", "scripted", "cold", "off_topic", "keyword_stuffed", "mixed")
SPLITS = ("all", "tuning", "held-out")
LEVELS = tuple(range(MIN_LEVEL, MAX_LEVEL + 1))


class DevsetError(ValueError):
    """A line of a devset file that does not follow the format; names where and what."""

    def __init__(self, path: Path | str, line: int, field: str, problem: str):
        self.path = str(path)
        self.line = line
        self.field = field
        self.problem = problem
        super().__init__(f"{self.path}, line {line}, field '{field}': {problem}")


@dataclass(frozen=True)
class LabelledAnswer:
    id: str
    scenario: str
    turn: int
    customer: str
    answer: str
    kind: str
    labels: dict[str, int] = field(hash=False)

    @property
    def split(self) -> str:
        return split_of(self.id)


def split_of(answer_id: str) -> str:
    """'tuning' or 'held-out', fixed by a hash of the id so the halves never drift."""
    digest = hashlib.sha256(answer_id.encode("utf-8")).hexdigest()
    return "tuning" if int(digest[:8], 16) % 2 == 0 else "held-out"


def _require_text(path, number, record, name) -> str:
    value = record[name]
    if not isinstance(value, str):
        raise DevsetError(path, number, name, f"must be a string, got {type(value).__name__}")
    if not value.strip():
        raise DevsetError(path, number, name, "must not be empty")
    return value


def parse_line(path: Path | str, number: int, line: str) -> LabelledAnswer:
    if not line.strip():
        raise DevsetError(path, number, "(line)", "blank line; the format has one JSON object per line")
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise DevsetError(path, number, "(line)", f"not valid JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(record, dict):
        raise DevsetError(path, number, "(line)", f"must be a JSON object, got {type(record).__name__}")
    for name in FIELDS:
        if name not in record:
            raise DevsetError(path, number, name, "missing")
    for name in sorted(set(record) - set(FIELDS)):
        raise DevsetError(path, number, name, "unexpected field")

    turn = record["turn"]
    if isinstance(turn, bool) or not isinstance(turn, int):
        raise DevsetError(path, number, "turn", f"must be an integer, got {turn!r}")
    if turn < 1:
        raise DevsetError(path, number, "turn", f"must be 1 or more, got {turn}")
    kind = _require_text(path, number, record, "kind")
    if kind not in KINDS:
        raise DevsetError(path, number, "kind", f"{kind!r} is not one of {', '.join(KINDS)}")

    labels = record["labels"]
    if not isinstance(labels, dict):
        raise DevsetError(path, number, "labels", "must be an object with one level per criterion")
    for key in CRITERIA:
        if key not in labels:
            raise DevsetError(path, number, f"labels.{key}", "missing")
        level = labels[key]
        if isinstance(level, bool) or not isinstance(level, int) or level not in LEVELS:
            raise DevsetError(path, number, f"labels.{key}", f"must be an integer from 0 to 3, got {level!r}")
    for key in sorted(set(labels) - set(CRITERIA)):
        raise DevsetError(path, number, f"labels.{key}", "not a criterion of the rubric")

    return LabelledAnswer(
        id=_require_text(path, number, record, "id"),
        scenario=_require_text(path, number, record, "scenario"),
        turn=turn,
        customer=_require_text(path, number, record, "customer"),
        answer=_require_text(path, number, record, "answer"),
        kind=kind,
        labels={key: labels[key] for key in CRITERIA},
    )


def load_devset(path: Path | str) -> list[LabelledAnswer]:
    """Every answer in the file, or a DevsetError naming the first bad line and field."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")  # tolerate a byte-order mark from some editors
    except UnicodeDecodeError as error:
        raise DevsetError(path, text_line_of(path, error.start), "(line)", "not UTF-8") from None
    rows: list[LabelledAnswer] = []
    seen: dict[str, int] = {}
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last line
    for number, line in enumerate(lines, start=1):
        row = parse_line(path, number, line.removesuffix("\r"))
        if row.id in seen:
            raise DevsetError(path, number, "id", f"{row.id!r} already used on line {seen[row.id]}")
        seen[row.id] = number
        rows.append(row)
    return rows


def text_line_of(path: Path, byte_offset: int) -> int:
    return path.read_bytes()[:byte_offset].count(b"\n") + 1


def select_split(rows: Iterable[LabelledAnswer], split: str) -> list[LabelledAnswer]:
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; choose from {', '.join(SPLITS)}")
    return [row for row in rows if split == "all" or row.split == split]


def quadratic_weighted_kappa(rater_a: Sequence[int], rater_b: Sequence[int], levels: Sequence[int] = LEVELS) -> float:
    """Cohen's kappa with weights (i - j)²: 1 is perfect agreement, 0 is what chance gives.

    Computed in integers (scaled by n) so the result does not depend on summation order.
    When chance itself predicts no disagreement (both raters used one and the same level),
    kappa is undefined; it is taken as 1.0 if the raters agree everywhere, else 0.0.
    """
    if len(rater_a) != len(rater_b):
        raise ValueError("both raters must rate the same items")
    n = len(rater_a)
    if n == 0:
        raise ValueError("kappa needs at least one rated item")
    index = {level: position for position, level in enumerate(levels)}
    size = len(levels)
    observed = [[0] * size for _ in range(size)]
    for a, b in zip(rater_a, rater_b, strict=True):
        observed[index[a]][index[b]] += 1
    row_totals = [sum(row) for row in observed]
    column_totals = [sum(observed[i][j] for i in range(size)) for j in range(size)]
    observed_disagreement = 0  # sum of w * O, times n
    expected_disagreement = 0  # sum of w * E, times n (E = row * column / n)
    for i in range(size):
        for j in range(size):
            weight = (i - j) ** 2
            observed_disagreement += weight * observed[i][j] * n
            expected_disagreement += weight * row_totals[i] * column_totals[j]
    if expected_disagreement == 0:
        return 1.0 if observed_disagreement == 0 else 0.0
    return 1.0 - observed_disagreement / expected_disagreement


@dataclass(frozen=True)
class Agreement:
    key: str
    n: int
    exact: float  # fraction, 0..1
    within_one: float
    qwk: float


@dataclass(frozen=True)
class Evaluation:
    scorer: str
    split: str
    rows: tuple[LabelledAnswer, ...]
    results: tuple[ScoreResult, ...]
    agreement: tuple[Agreement, ...]

    def qwk(self, key: str) -> float:
        return next(item.qwk for item in self.agreement if item.key == key)


def agreement_for(key: str, human: Sequence[int], machine: Sequence[int]) -> Agreement:
    n = len(human)
    exact = sum(1 for h, m in zip(human, machine, strict=True) if h == m)
    near = sum(1 for h, m in zip(human, machine, strict=True) if abs(h - m) <= 1)
    return Agreement(key=key, n=n, exact=exact / n, within_one=near / n, qwk=quadratic_weighted_kappa(human, machine))


def evaluate(rows: Sequence[LabelledAnswer], scorer: Scorer, split: str = "all") -> Evaluation:
    chosen = select_split(rows, split)
    if not chosen:
        raise ValueError(f"no answers in the {split} split")
    results = tuple(scorer.score(customer_message=row.customer, answer=row.answer) for row in chosen)
    agreement = tuple(
        agreement_for(
            key,
            [row.labels[key] for row in chosen],
            [result.level(key) for result in results],
        )
        for key in CRITERIA
    )
    return Evaluation(scorer=scorer.name, split=split, rows=tuple(chosen), results=results, agreement=agreement)


def format_table(evaluation: Evaluation, source: str = "") -> str:
    header = f"{'criterion':<13} {'n':>4} {'exact %':>8} {'within-one %':>13} {'QWK':>7}"
    lines = [f"scorer: {evaluation.scorer}"]
    if source:
        lines.append(f"file: {source}")
    lines += [f"split: {evaluation.split} ({len(evaluation.rows)} answers)", header, "-" * len(header)]
    for item in evaluation.agreement:
        lines.append(
            f"{item.key:<13} {item.n:>4} {100 * item.exact:>8.1f} {100 * item.within_one:>13.1f} {item.qwk:>7.3f}"
        )
    return "\n".join(lines)
