"""Check a scorer against hand-labelled answers (the devset format, docs/devset-format.md).

Agreement per criterion is reported three ways: exact, within one level, and
quadratic-weighted Cohen's kappa, which credits near misses and corrects for chance.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from courses.scoring.base import CRITERIA, Scorer, ScoreResult
from courses.scoring.qwk import LEVELS, quadratic_weighted_kappa

FIELDS = ("id", "scenario", "turn", "customer", "answer", "kind", "labels")
OPTIONAL_FIELDS = ("flag",)
KINDS = (
    "strong", "genuine", "scripted", "cold", "off_topic", "keyword_stuffed", "mixed", "blunt", "blaming",
    "warm_unhelpful", "off_message", "copied", "non_english", "questions_only", "one_liner",
)  # fmt: skip
SPLITS = ("all", "tuning", "held-out")
DEVSET_DIR = Path(__file__).resolve().parents[1] / "data" / "devset"
HELD_OUT_FILE = DEVSET_DIR / "held_out.txt"
BOOTSTRAP_SAMPLES = 1000


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
    flag: str | None = None

    @property
    def split(self) -> str:
        return split_of(self.scenario)


def split_of(scenario: str) -> str:
    """'tuning' or 'held-out': whole scenarios are held out (courses/data/devset/held_out.txt)."""
    return "held-out" if scenario in held_out_scenarios() else "tuning"


@cache
def held_out_scenarios() -> frozenset[str]:
    lines = HELD_OUT_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


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
    for name in sorted(set(record) - set(FIELDS) - set(OPTIONAL_FIELDS)):
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
        flag=_flag(path, number, record.get("flag")),
    )


def _flag(path, number, value) -> str | None:
    from courses.scoring.integrity import FLAG_CODES

    if value is None:
        return None
    if value not in FLAG_CODES:
        raise DevsetError(path, number, "flag", f"{value!r} is not null or one of {', '.join(FLAG_CODES)}")
    return value


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


@dataclass(frozen=True)
class Agreement:
    key: str
    n: int
    exact: float  # fraction, 0..1
    within_one: float
    qwk: float
    qwk_low: float | None = None  # bootstrap 95% interval
    qwk_high: float | None = None


@dataclass(frozen=True)
class FlagAgreement:
    """How the integrity flags match the answers a reader expected to be flagged."""

    expected: int
    raised: int
    both: int

    @property
    def precision(self) -> float | None:
        return self.both / self.raised if self.raised else None

    @property
    def recall(self) -> float | None:
        return self.both / self.expected if self.expected else None


@dataclass(frozen=True)
class Evaluation:
    scorer: str
    split: str
    rows: tuple[LabelledAnswer, ...]
    results: tuple[ScoreResult, ...]
    agreement: tuple[Agreement, ...]

    def qwk(self, key: str) -> float:
        return next(item.qwk for item in self.agreement if item.key == key)


def _bootstrap(human: Sequence[int], machine: Sequence[int], samples: int) -> tuple[float, float]:
    # A fixed seed: the same labels and levels always print the same interval.
    chooser = random.Random(20261201)
    n = len(human)
    found = []
    for _ in range(samples):
        picks = [chooser.randrange(n) for _ in range(n)]
        found.append(quadratic_weighted_kappa([human[i] for i in picks], [machine[i] for i in picks]))
    found.sort()
    return found[int(0.025 * samples)], found[min(samples - 1, int(0.975 * samples))]


def agreement_for(key: str, human: Sequence[int], machine: Sequence[int], bootstrap: int = 0) -> Agreement:
    n = len(human)
    exact = sum(1 for h, m in zip(human, machine, strict=True) if h == m)
    near = sum(1 for h, m in zip(human, machine, strict=True) if abs(h - m) <= 1)
    low = high = None
    if bootstrap and n > 1:
        low, high = _bootstrap(human, machine, bootstrap)
    return Agreement(
        key=key, n=n, exact=exact / n, within_one=near / n, qwk=quadratic_weighted_kappa(human, machine),
        qwk_low=low, qwk_high=high,
    )  # fmt: skip


def request_for(row: LabelledAnswer, catalogue=None):
    from courses.scoring.catalogue import load_catalogue

    catalogue = catalogue or load_catalogue()
    return catalogue.request(row.scenario, row.turn, row.customer, row.answer)


def line_of_business(row: LabelledAnswer, catalogue=None) -> str:
    from courses.scoring.catalogue import DEFAULT_LINE_OF_BUSINESS, load_catalogue

    found = (catalogue or load_catalogue()).scenarios.get(row.scenario)
    return found.context.line_of_business if found else DEFAULT_LINE_OF_BUSINESS


def score_rows(rows: Sequence[LabelledAnswer], scorer: Scorer) -> tuple[ScoreResult, ...]:
    return tuple(scorer.score(request_for(row)) for row in rows)


def agreement_table(
    rows: Sequence[LabelledAnswer], results: Sequence[ScoreResult], keys=CRITERIA, bootstrap: int = 0
) -> tuple[Agreement, ...]:
    return tuple(
        agreement_for(
            key,
            [row.labels[key] for row in rows],
            [result.level(key) if result.level(key) is not None else 0 for result in results],
            bootstrap,
        )
        for key in keys
    )


def flag_agreement(rows: Sequence[LabelledAnswer], results: Sequence[ScoreResult]) -> FlagAgreement:
    expected = [row.flag is not None for row in rows]
    raised = [result.flagged for result in results]
    return FlagAgreement(
        expected=sum(expected),
        raised=sum(raised),
        both=sum(1 for e, r in zip(expected, raised, strict=True) if e and r),
    )


def evaluate(rows: Sequence[LabelledAnswer], scorer: Scorer, split: str = "all", bootstrap: int = 0) -> Evaluation:
    chosen = select_split(rows, split)
    if not chosen:
        raise ValueError(f"no answers in the {split} split")
    results = score_rows(chosen, scorer)
    agreement = agreement_table(chosen, results, bootstrap=bootstrap)
    return Evaluation(scorer=scorer.name, split=split, rows=tuple(chosen), results=results, agreement=agreement)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def format_agreement(agreement: Sequence[Agreement]) -> list[str]:
    header = f"{'criterion':<13} {'n':>4} {'exact %':>8} {'within-one %':>13} {'QWK':>7}  {'95% interval':>15}"
    lines = [header, "-" * len(header)]
    for item in agreement:
        interval = f"{item.qwk_low:.2f} to {item.qwk_high:.2f}" if item.qwk_low is not None else ""
        lines.append(
            f"{item.key:<13} {item.n:>4} {100 * item.exact:>8.1f} {100 * item.within_one:>13.1f} {item.qwk:>7.3f}"
            f"  {interval:>15}"
        )
    return lines


def format_table(evaluation: Evaluation, source: str = "") -> str:
    lines = [f"scorer: {evaluation.scorer}"]
    if source:
        lines.append(f"file: {source}")
    lines.append(f"split: {evaluation.split} ({len(evaluation.rows)} answers)")
    lines += format_agreement(evaluation.agreement)
    return "\n".join(lines)


def format_report(evaluation: Evaluation, source: str = "", bootstrap: int = BOOTSTRAP_SAMPLES) -> str:
    """The table, then the same per line of business, then how the integrity flags did."""
    lines = [format_table(evaluation, source)]
    groups: dict[str, list[int]] = {}
    for index, row in enumerate(evaluation.rows):
        groups.setdefault(line_of_business(row), []).append(index)
    if len(groups) > 1:
        for name, indexes in sorted(groups.items()):
            rows = [evaluation.rows[i] for i in indexes]
            results = [evaluation.results[i] for i in indexes]
            lines += ["", f"line of business: {name} ({len(rows)} answers)"]
            lines += format_agreement(agreement_table(rows, results, bootstrap=bootstrap))
    from courses.scoring.catalogue import DEFAULT_LINE_OF_BUSINESS

    others = [i for name, indexes in groups.items() if name != DEFAULT_LINE_OF_BUSINESS for i in indexes]
    if len([name for name in groups if name != DEFAULT_LINE_OF_BUSINESS]) > 1:
        rows = [evaluation.rows[i] for i in others]
        results = [evaluation.results[i] for i in others]
        lines += ["", f"every line of business but {DEFAULT_LINE_OF_BUSINESS} ({len(rows)} answers)"]
        lines += format_agreement(agreement_table(rows, results, bootstrap=bootstrap))
    flags = flag_agreement(evaluation.rows, evaluation.results)
    lines += [
        "",
        f"integrity flags: {flags.expected} answers should be flagged, {flags.raised} were, {flags.both} of them "
        f"rightly (precision {_percent(flags.precision)}, recall {_percent(flags.recall)})",
    ]
    return "\n".join(lines)
