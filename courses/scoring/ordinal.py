"""Per-criterion ordinal heads, in numpy: the same data always gives the same weights.

Two kinds, chosen per criterion by scenario-grouped cross-validation:
- "thresholds": one L2-regularised logistic regression per threshold (level > k), fitted by
  Newton's method; the expected level is the sum of the three threshold probabilities.
- "ridge": L2-regularised least squares on the level itself, which shares one weight vector
  across the levels and so holds up where a level is rare (few answers earn a memorable WOW).
Cut points, fitted on out-of-fold predictions, turn the expected level into a level.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from courses.levels import LEVELS as RUBRIC_LEVELS

LEVELS = RUBRIC_LEVELS
DEFAULT_CUTS = (0.5, 1.5, 2.5)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def _problem(x: np.ndarray, l2: float, weights: np.ndarray | None):
    """The design matrix with a bias column, the sample weights, and the penalty (none on the bias)."""
    design = np.hstack([x, np.ones((x.shape[0], 1))])
    sample = np.ones(x.shape[0]) if weights is None else weights
    penalty = np.full(design.shape[1], l2)
    penalty[-1] = 0.0
    return design, sample, penalty


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float, weights: np.ndarray | None = None) -> np.ndarray:
    """Weights (bias last) of a logistic regression by Newton's method; the bias is not penalised."""
    design, sample, penalty = _problem(x, l2, weights)
    beta = np.zeros(design.shape[1])
    positive = (sample * y).sum() / sample.sum()
    if positive in (0.0, 1.0):
        beta[-1] = 30.0 if positive == 1.0 else -30.0
        return beta
    beta[-1] = np.log(positive / (1 - positive))

    def loss(b: np.ndarray) -> float:
        z = design @ b
        # log(1 + e^z) - y z, written to stay finite for large |z|
        return float((sample * (np.logaddexp(0.0, z) - y * z)).sum() + 0.5 * (penalty * b * b).sum())

    current = loss(beta)
    for _ in range(100):
        p = _sigmoid(design @ beta)
        gradient = design.T @ (sample * (p - y)) + penalty * beta
        hessian = (design * (sample * p * (1 - p))[:, None]).T @ design + np.diag(penalty + 1e-6)
        step = np.linalg.solve(hessian, gradient)
        # Backtracking: a full Newton step can overshoot when the classes are nearly separable.
        scale = 1.0
        while scale > 1e-4:
            trial = beta - scale * step
            found = loss(trial)
            if found <= current:
                break
            scale /= 2
        else:
            break
        beta, improvement, current = trial, current - found, found
        if improvement < 1e-10 or np.max(np.abs(scale * step)) < 1e-8:
            break
    return beta


def fit_ridge(x: np.ndarray, y: np.ndarray, l2: float, weights: np.ndarray | None = None) -> np.ndarray:
    """Weights (bias last) of weighted least squares with an L2 penalty; the bias is not penalised."""
    design, sample, penalty = _problem(x, l2, weights)
    gram = (design * sample[:, None]).T @ design + np.diag(penalty + 1e-8)
    return np.linalg.solve(gram, (design * sample[:, None]).T @ y.astype(float))


HEAD_KINDS = ("thresholds", "ridge")


@dataclass
class OrdinalHead:
    weights: np.ndarray  # thresholds: (3, d + 1), one row per threshold; ridge: (1, d + 1); bias last
    cuts: tuple[float, float, float] = DEFAULT_CUTS
    kind: str = "thresholds"

    @classmethod
    def fit(
        cls, x: np.ndarray, y: np.ndarray, l2: float, weights: np.ndarray | None = None, kind: str = "thresholds"
    ) -> OrdinalHead:
        if kind == "ridge":
            return cls(weights=fit_ridge(x, y, l2, weights)[None, :], kind=kind)
        rows = [fit_logistic(x, (y > k).astype(float), l2, weights) for k in LEVELS[:-1]]
        return cls(weights=np.vstack(rows), kind=kind)

    def expected(self, x: np.ndarray) -> np.ndarray:
        design = np.hstack([x, np.ones((x.shape[0], 1))])
        if self.kind == "ridge":
            return np.clip(design @ self.weights[0], 0.0, 3.0)
        above = _sigmoid(design @ self.weights.T)  # P(level > k)
        # Keep the probabilities ordered, so the expected level is a proper one.
        above = np.minimum.accumulate(above, axis=1)
        return above.sum(axis=1)

    def predict(self, x: np.ndarray) -> np.ndarray:
        return levels_from_expected(self.expected(x), self.cuts)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "weights": np.round(self.weights, 6).tolist(),
            "cuts": [round(c, 4) for c in self.cuts],
        }

    @classmethod
    def from_dict(cls, data: dict) -> OrdinalHead:
        return cls(
            weights=np.asarray(data["weights"], dtype=np.float64),
            cuts=tuple(data["cuts"]),
            kind=data.get("kind", "thresholds"),
        )


def levels_from_expected(expected: np.ndarray, cuts) -> np.ndarray:
    return np.searchsorted(np.asarray(cuts), expected, side="right").astype(int)


def fit_cuts(expected: np.ndarray, truth: np.ndarray, score) -> tuple[float, float, float]:
    """Cut points that maximise `score(truth, levels)` on out-of-fold expected levels (coordinate search)."""
    cuts = list(DEFAULT_CUTS)
    grid = np.round(np.arange(0.2, 2.81, 0.05), 2)
    best = score(truth, levels_from_expected(expected, cuts))
    for _ in range(3):
        for index in range(3):
            low = cuts[index - 1] + 0.05 if index else 0.0
            high = cuts[index + 1] - 0.05 if index < 2 else 3.0
            for value in grid:
                if not low <= value <= high:
                    continue
                trial = cuts.copy()
                trial[index] = float(value)
                found = score(truth, levels_from_expected(expected, trial))
                if found > best + 1e-9:
                    best, cuts = found, trial
    return tuple(cuts)
