"""Which way a hire's rubric levels are heading: the one rule every page, chart, export and API uses.

A series is put in the order the hire did the work, oldest first: a role-play at the time it
was submitted, a real call at the time it took place (not when a coach got round to scoring
it). Then the latest scores are compared with the first ones: with four or more scores the
last two are averaged against the first two; with two or three, the last against the first.
A change of less than a quarter level is noise, so "steady". A single score has no direction.
"""

import datetime
import math
from collections.abc import Iterable, Sequence

from courses.levels import LEVEL_MAX, LEVEL_MIN

RISING = "rising"
FALLING = "falling"
STEADY = "steady"
ONE_SCORE = "one score"
NO_DATA = "no data"

MIN_SCORES = 2  # fewer scores than this show no direction
WINDOW = 2  # at most this many scores at each end are averaged
THRESHOLD = 0.25  # a smaller change, in levels, is not a trend


def _level(value: float | None) -> float | None:
    """A level clamped to the scale; None and NaN count as no score."""
    if value is None or math.isnan(value):
        return None
    return min(max(float(value), float(LEVEL_MIN)), float(LEVEL_MAX))


def trend_direction(levels: Sequence[float | None]) -> str:
    """The direction of levels already in time order, oldest first (gaps, None, are skipped)."""
    return _direction([level for level in map(_level, levels) if level is not None])


def gap_direction(gaps: Sequence[float | None]) -> str:
    """The direction of a gap between two level series (real calls − role-plays, from −3 to 3), oldest first,
    by the same windows and threshold: "rising" means real calls are catching up with practice (or pulling
    ahead), "falling" that they drop further behind. None and NaN are skipped."""
    return _direction([float(gap) for gap in gaps if gap is not None and not math.isnan(gap)])


def _direction(scored: list[float]) -> str:
    if not scored:
        return NO_DATA
    if len(scored) < MIN_SCORES:
        return ONE_SCORE
    window = min(WINDOW, len(scored) // 2)
    change = sum(scored[-window:]) / window - sum(scored[:window]) / window
    if change > THRESHOLD:
        return RISING
    if change < -THRESHOLD:
        return FALLING
    return STEADY


def dated_trend_direction(scores: Iterable[tuple[datetime.datetime, float | None]]) -> str:
    """The direction of (when, level) pairs in any order: they are put in time order first."""
    return trend_direction([level for _, level in sorted(scores, key=lambda pair: pair[0])])
