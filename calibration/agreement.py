"""How far coaches agree: Krippendorff's alpha across coaches, and each coach against the gold level.

Plain functions over levels; the selectors feed them from calibration grades.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import krippendorff
import numpy as np

from courses.levels import LEVELS

# The rubric's scale (0..3). Ordinal alpha weighs a disagreement by the levels between the two,
# so the whole scale is given even when a level was never used.
LEVEL_DOMAIN = tuple(LEVELS)


def ordinal_alpha(units: Sequence[Sequence[int | None]], *, value_domain: Sequence[int] = LEVEL_DOMAIN) -> float | None:
    """Krippendorff's alpha (ordinal) for reliability data given coder by coder: `units[c][u]` is coder
    c's level for unit u, or None where c did not grade u. None when alpha is undefined: fewer than two
    coders on any unit, or every pairable value the same (no variation to agree on)."""
    matrix = np.array([[np.nan if value is None else float(value) for value in row] for row in units], dtype=float)
    if matrix.ndim != 2 or matrix.shape[0] < 2:
        return None
    pairable = (~np.isnan(matrix)).sum(axis=0) >= 2
    if not pairable.any():
        return None
    values = matrix[:, pairable]
    if np.unique(values[~np.isnan(values)]).size < 2:
        return None
    return float(
        krippendorff.alpha(reliability_data=matrix, value_domain=list(value_domain), level_of_measurement="ordinal")
    )


@dataclass(frozen=True)
class GoldAgreement:
    """One coach's (or everyone's) levels against the gold levels of the same items and criterion."""

    n: int
    exact: float | None  # share equal to gold
    within_one: float | None  # share at most one level away
    deviation: float | None  # mean of (coach − gold): above 0 lenient, below 0 severe

    @property
    def leaning(self) -> str:
        if self.deviation is None:
            return ""
        if self.deviation > 0:
            return "lenient"
        if self.deviation < 0:
            return "severe"
        return "on gold"


def gold_agreement(pairs: Iterable[tuple[int, int]]) -> GoldAgreement:
    """Exact and within-one agreement and the mean signed deviation for (coach level, gold level) pairs."""
    pairs = list(pairs)
    if not pairs:
        return GoldAgreement(n=0, exact=None, within_one=None, deviation=None)
    gaps = [coach - gold for coach, gold in pairs]
    n = len(gaps)
    return GoldAgreement(
        n=n,
        exact=sum(gap == 0 for gap in gaps) / n,
        within_one=sum(abs(gap) <= 1 for gap in gaps) / n,
        deviation=sum(gaps) / n,
    )
