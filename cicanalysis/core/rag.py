"""RAG ratings (on unrounded values) and direction of travel (on values as shown, when the unit is given).

Polarity H (higher is better): G when value ≥ target, A when value ≥ amber floor, else R.
Polarity L (lower is better):  G when value ≤ target, A when value ≤ amber floor, else R.
Polarity T (closest to target): G when |value − target| ≤ tolerance (default 0), A when
|value − target| ≤ |floor − target|, else R.
No rating for activity (count) indicators, a missing value or target, or a denominator below 5
(which includes 0). Denominators of 1–9 are flagged as small numbers.
"""
from __future__ import annotations

import math

from .changes import as_shown

MIN_RATED_DENOMINATOR = 5
SMALL_DENOMINATOR_MAX = 9
RAG_NAMES = {"G": "Green", "A": "Amber", "R": "Red"}


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def rag_rating(value, target, floor, polarity: str, denominator=None, activity: bool = False,
               tolerance=None) -> str | None:
    """'G', 'A', 'R' or None (not rated)."""
    if activity or _missing(value) or _missing(target):
        return None
    if not _missing(denominator) and denominator < MIN_RATED_DENOMINATOR:
        return None
    floor = target if _missing(floor) else floor
    if polarity == "H":
        return "G" if value >= target else "A" if value >= floor else "R"
    if polarity == "L":
        return "G" if value <= target else "A" if value <= floor else "R"
    if polarity == "T":
        gap = abs(value - target)
        tol = 0.0 if _missing(tolerance) else tolerance
        return "G" if gap <= tol else "A" if gap <= abs(floor - target) else "R"
    raise ValueError(f"polarity must be H, L or T, not {polarity!r}")


def is_small_denominator(denominator) -> bool:
    return not _missing(denominator) and 1 <= denominator <= SMALL_DENOMINATOR_MAX


def _same(a: float, b: float) -> bool:
    # unrounded comparison, tolerant only of floating-point noise (3/10 vs 6/20 are the same)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def direction_of_travel(current, previous, polarity: str, target=None, unit: str | None = None) -> str | None:
    """'improved', 'same' or 'worse' from ``previous`` to ``current``; None when either is missing. With the
    ``unit``, the values (and target) are compared as a reader sees them, rounded to the places they are shown
    to (:data:`cicanalysis.core.changes.SHOWN_DECIMALS`): 18.75% against 18.83% (both 18.8%) is 'same'.
    Without it, unrounded (floating-point noise apart)."""
    if _missing(current) or _missing(previous):
        return None
    if unit:
        current, previous = as_shown(current, unit), as_shown(previous, unit)
        target = None if _missing(target) else as_shown(target, unit)
    if polarity == "T":
        if _missing(target):
            return None
        current, previous = -abs(current - target), -abs(previous - target)
    elif polarity == "L":
        current, previous = -current, -previous
    elif polarity != "H":
        raise ValueError(f"polarity must be H, L or T, not {polarity!r}")
    if _same(current, previous):
        return "same"
    return "improved" if current > previous else "worse"
