"""Quadratic-weighted Cohen's kappa: agreement between two raters on an ordinal scale."""

from __future__ import annotations

from collections.abc import Sequence

from courses.scoring.base import MAX_LEVEL, MIN_LEVEL

LEVELS = tuple(range(MIN_LEVEL, MAX_LEVEL + 1))


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
