"""Per-criterion ordinal heads: one L2-regularised logistic regression per threshold (level > k).

The expected level is the sum of the three threshold probabilities; cut points, fitted on
out-of-fold predictions, turn it into a level. Fitting is Newton's method in numpy, so the
same data always gives the same weights, and nothing heavier than numpy is needed at run time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LEVELS = (0, 1, 2, 3)
DEFAULT_CUTS = (0.5, 1.5, 2.5)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float, weights: np.ndarray | None = None) -> np.ndarray:
    """Weights (bias last) of a logistic regression by Newton's method; the bias is not penalised."""
    n, d = x.shape
    design = np.hstack([x, np.ones((n, 1))])
    sample = np.ones(n) if weights is None else weights
    penalty = np.full(d + 1, l2)
    penalty[-1] = 0.0
    beta = np.zeros(d + 1)
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


@dataclass
class OrdinalHead:
    weights: np.ndarray  # (3, d + 1): one row per threshold, bias last
    cuts: tuple[float, float, float] = DEFAULT_CUTS

    @classmethod
    def fit(cls, x: np.ndarray, y: np.ndarray, l2: float, weights: np.ndarray | None = None) -> OrdinalHead:
        rows = [fit_logistic(x, (y > k).astype(float), l2, weights) for k in LEVELS[:-1]]
        return cls(weights=np.vstack(rows))

    def expected(self, x: np.ndarray) -> np.ndarray:
        design = np.hstack([x, np.ones((x.shape[0], 1))])
        above = _sigmoid(design @ self.weights.T)  # P(level > k)
        # Keep the probabilities ordered, so the expected level is a proper one.
        above = np.minimum.accumulate(above, axis=1)
        return above.sum(axis=1)

    def predict(self, x: np.ndarray) -> np.ndarray:
        return levels_from_expected(self.expected(x), self.cuts)

    def as_dict(self) -> dict:
        return {"weights": np.round(self.weights, 6).tolist(), "cuts": [round(c, 4) for c in self.cuts]}

    @classmethod
    def from_dict(cls, data: dict) -> OrdinalHead:
        return cls(weights=np.asarray(data["weights"], dtype=np.float64), cuts=tuple(data["cuts"]))


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
