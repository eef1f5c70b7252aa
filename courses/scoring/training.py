"""Training and judging versions of the learned layer.

An example is one labelled unit: a devset answer (one turn, labelled per turn) or a coach's
released grade of a role-play attempt (several turns, one level per criterion for the whole
attempt). Attempt levels are combined from turn levels the way the product combines them
(best moment per criterion, tone averaged), so a coach grade teaches the turn that carried
the criterion, and tone teaches every turn.

Splits are grouped by scenario: no answer to a held-out scenario is ever trained or tuned on.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from courses.scoring.base import AVERAGED_CRITERIA, ScoringRequest, combine_levels
from courses.scoring.features import FEATURE_SPEC, criterion_features
from courses.scoring.model_file import ScorerModel
from courses.scoring.ordinal import HEAD_KINDS, OrdinalHead, fit_cuts, levels_from_expected
from courses.scoring.qwk import quadratic_weighted_kappa

L2_GRID = (3.0, 10.0, 30.0, 100.0, 300.0)
PROJECTION_DIMENSIONS = 24
FOLDS = 5
MIN_EXAMPLES_PER_CRITERION = 30  # below this a criterion gets no head: "no estimate yet"
EPSILON = 1e-9


@dataclass(frozen=True)
class Example:
    turns: tuple[ScoringRequest, ...]
    labels: dict[str, int] = field(hash=False)
    group: str  # the scenario: folds and splits never separate one scenario's answers
    source: str = "devset"  # "devset" or "coach"
    line_of_business: str = ""
    expected_flag: str | None = None
    ident: str = ""


def fingerprint(examples: Sequence[Example]) -> str:
    digest = hashlib.sha256()
    for example in sorted(examples, key=lambda e: (e.source, e.ident, e.group)):
        record = {
            "id": example.ident,
            "group": example.group,
            "turns": [(t.customer_message, t.answer) for t in example.turns],
            "labels": example.labels,
        }
        digest.update(json.dumps(record, sort_keys=True).encode("utf-8"))
    return digest.hexdigest()


@dataclass
class _TurnFeatures:
    base: np.ndarray
    answer_vector: np.ndarray
    situation: object
    rule_levels: dict[str, int | None]


class FeatureCache:
    """Features of each turn, computed once however many folds and grids read them."""

    def __init__(self, scorer):
        self.scorer = scorer
        self._store: dict[int, list[_TurnFeatures]] = {}

    def turns(self, example: Example) -> list[_TurnFeatures]:
        key = id(example)
        if key not in self._store:
            found = []
            for request in example.turns:
                rules, _reading, situation, _flags, base = self.scorer.features(request)
                found.append(_TurnFeatures(base, situation.answer, situation, rules.levels()))
            self._store[key] = found
        return self._store[key]


def _criterion_rows(examples, cache: FeatureCache, key: str, projection_mean, projection):
    """One training row per (example, turn that carries the label); labels; example index per row."""
    rows, labels, owners, weights = [], [], [], []
    for index, example in enumerate(examples):
        if key not in example.labels:
            continue
        turns = cache.turns(example)
        if key in AVERAGED_CRITERIA or len(turns) == 1:
            chosen = list(range(len(turns)))
        else:
            # The best moment carries the attempt's level; ties go to the later turn.
            best = max(range(len(turns)), key=lambda i: ((turns[i].rule_levels.get(key) or 0), i))
            chosen = [best]
        for turn_index in chosen:
            turn = turns[turn_index]
            projected = np.concatenate([turn.base, (turn.answer_vector - projection_mean) @ projection.T])
            rows.append(np.concatenate([projected, criterion_features(turn.situation, key)]))
            labels.append(example.labels[key])
            owners.append(index)
            weights.append(1.0 / len(chosen))
    if not rows:
        return np.zeros((0, 0)), np.zeros(0, dtype=int), np.zeros(0, dtype=int), np.zeros(0)
    return np.vstack(rows), np.asarray(labels, dtype=int), np.asarray(owners), np.asarray(weights)


def _qwk(truth: np.ndarray, levels: np.ndarray) -> float:
    return quadratic_weighted_kappa(truth.tolist(), levels.tolist())


def _folds(groups: Sequence[str], folds: int) -> list[np.ndarray]:
    """Scenario-grouped folds, assigned by a hash of the scenario so they never drift."""
    names = sorted(set(groups))
    assignment = {name: int(hashlib.sha256(name.encode()).hexdigest()[:8], 16) % folds for name in names}
    labels = np.asarray([assignment[g] for g in groups])
    return [np.flatnonzero(labels == k) for k in range(folds) if (labels == k).any()]


def _standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    return mean, scale


def _fit_head(x, y, weights, l2, kind) -> tuple[OrdinalHead, np.ndarray, np.ndarray]:
    mean, scale = _standardise(x)
    # Rare levels (a memorable WOW) weigh more, by the square root of how rare they are.
    counts = np.bincount(y, minlength=4).astype(float)
    balance = np.sqrt(counts.sum() / (4 * np.maximum(counts, 1.0)))[y]
    return OrdinalHead.fit((x - mean) / scale, y, l2, weights * balance, kind), mean, scale


def _out_of_fold(x, y, weights, groups, l2, kind) -> np.ndarray:
    expected = np.zeros(len(y))
    for held in _folds(groups, FOLDS):
        train = np.setdiff1d(np.arange(len(y)), held)
        if len(np.unique(y[train])) < 2:
            expected[held] = float(np.mean(y[train])) if len(train) else 1.5
            continue
        head, mean, scale = _fit_head(x[train], y[train], weights[train], l2, kind)
        expected[held] = head.expected((x[held] - mean) / scale)
    return expected


def train(
    examples: Sequence[Example],
    scorer_factory: Callable[[ScorerModel | None], object],
    *,
    version: str,
    criteria: Sequence[str],
    now: datetime.datetime | None = None,
    log: Callable[[str], None] = lambda line: None,
    head_kinds: Sequence[str] = HEAD_KINDS,
) -> ScorerModel:
    """Fit one head per criterion with enough labels; its kind, L2 and cut points chosen by scenario-grouped folds."""
    scorer = scorer_factory(None)
    cache = FeatureCache(scorer)
    vectors = np.vstack([turn.answer_vector for example in examples for turn in cache.turns(example)])
    projection_mean = vectors.mean(axis=0)
    _, _, right = np.linalg.svd(vectors - projection_mean, full_matrices=False)
    projection = right[:PROJECTION_DIMENSIONS]
    # The sign of a singular vector is arbitrary: fix it so the same data gives the same file.
    signs = np.sign(projection[np.arange(len(projection)), np.argmax(np.abs(projection), axis=1)])
    projection = projection * signs[:, None]

    heads, means, scales, tuning = {}, {}, {}, {}
    for key in criteria:
        x, y, owners, weights = _criterion_rows(examples, cache, key, projection_mean, projection)
        labelled = len({int(o) for o in owners})
        if labelled < MIN_EXAMPLES_PER_CRITERION or len(np.unique(y)) < 2:
            log(f"  {key}: {labelled} labelled examples, fewer than {MIN_EXAMPLES_PER_CRITERION}: no head yet")
            continue
        groups = [examples[int(o)].group for o in owners]
        best = None
        for kind in head_kinds:
            for l2 in L2_GRID:
                expected = _out_of_fold(x, y, weights, groups, l2, kind)
                cuts = fit_cuts(expected, y, _qwk)
                found = _qwk(y, levels_from_expected(expected, cuts))
                if best is None or found > best[0] + EPSILON:
                    best = (found, kind, l2, cuts)
        found, kind, l2, cuts = best
        head, mean, scale = _fit_head(x, y, weights, l2, kind)
        head.cuts = cuts
        heads[key], means[key], scales[key] = head, mean, scale
        tuning[key] = {"kind": kind, "l2": l2, "cuts": list(cuts), "rows": len(y), "examples": labelled,
                       "cross_validated_qwk": round(found, 4)}  # fmt: skip
        log(f"  {key}: {labelled} examples, {kind} head, l2 {l2:g}, cuts {', '.join(f'{c:.2f}' for c in cuts)}, "
            f"grouped cross-validation QWK {found:.3f}")  # fmt: skip

    now = now or datetime.datetime.now(datetime.UTC)
    return ScorerModel(
        version=version,
        feature_spec=FEATURE_SPEC,
        encoder=scorer.encoder_id,
        projection_mean=projection_mean,
        projection=projection,
        means=means,
        scales=scales,
        heads=heads,
        metadata={
            "trained_at": now.isoformat(timespec="seconds"),
            "fingerprint": fingerprint(examples),
            "examples": len(examples),
            "coach_grades": sum(1 for e in examples if e.source == "coach"),
            "devset_answers": sum(1 for e in examples if e.source == "devset"),
            "scenarios": sorted({e.group for e in examples}),
            "tuning": tuning,
        },
    )


def examples_from_devset(rows, catalogue=None) -> list[Example]:
    from courses.scoring.catalogue import load_catalogue
    from courses.scoring.evaluation import line_of_business, request_for

    catalogue = catalogue or load_catalogue()
    return [
        Example(
            turns=(request_for(row, catalogue),),
            labels=dict(row.labels),
            group=row.scenario,
            source="devset",
            line_of_business=line_of_business(row, catalogue),
            expected_flag=row.flag,
            ident=row.id,
        )
        for row in rows
    ]


def predict(scorer, example: Example) -> dict[str, int | None]:
    """The attempt-level levels the product would show for this example."""
    results = [scorer.score(request) for request in example.turns]
    levels: dict[str, int | None] = {}
    for key in example.labels:
        found = [r.level(key) for r in results if key in r.levels() and r.level(key) is not None]
        levels[key] = combine_levels(key, found) if found else None
    return levels
