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

import numpy as np

from .changes import OTHER_DECIMALS, SHOWN_DECIMALS, as_shown

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


def directions_of_travel(current, previous, polarity, target=None, unit=None) -> list:
    """:func:`direction_of_travel` of each row of equal-length sequences (``target`` and ``unit`` may also be one
    value for every row), worked out on arrays: the same word or None for each row (tests/test_rag.py compares the
    two on random values). A value is rounded as :func:`cicanalysis.core.changes.as_shown` rounds it (Python's
    ``round``), exactly: see :func:`_shown`."""
    cur, prev = np.asarray(current, dtype=float), np.asarray(previous, dtype=float)
    n = len(cur)
    pol = np.broadcast_to(np.asarray(polarity, dtype=object), (n,))
    tgt = np.broadcast_to(np.asarray(target, dtype=float), (n,))
    units = np.broadcast_to(np.asarray(unit, dtype=object), (n,))
    shown = np.array([bool(u) for u in units], dtype=bool) if n else np.zeros(0, dtype=bool)
    if shown.any():
        places = np.array([SHOWN_DECIMALS.get(u, OTHER_DECIMALS) for u in units])
        cur, prev, tgt = (np.where(shown, _shown(v, places), v) for v in (cur, prev, tgt))
    known = ~np.isnan(cur) & ~np.isnan(prev)
    wrong = known & ~np.isin(pol, ["H", "L", "T"])
    if wrong.any():
        raise ValueError(f"polarity must be H, L or T, not {pol[np.argmax(wrong)]!r}")
    closest, lower = pol == "T", pol == "L"
    known &= ~(closest & np.isnan(tgt))
    with np.errstate(invalid="ignore"):
        cur = np.where(closest, -np.abs(cur - tgt), np.where(lower, -cur, cur))
        prev = np.where(closest, -np.abs(prev - tgt), np.where(lower, -prev, prev))
        out = np.where(_close(cur, prev), "same", np.where(cur > prev, "improved", "worse")).astype(object)
    out[~known] = None
    return out.tolist()


def _shown(values: np.ndarray, places: np.ndarray) -> np.ndarray:
    """``round(v, places)`` of each value, as Python rounds (the exact binary value, halves to even): numpy's
    ``round`` (scale, round to the nearest whole number, scale back) agrees except where the scaled value is within
    rounding error of a half (or is too large for that error to be small), and those few are rounded by Python."""
    scale = 10.0 ** places
    with np.errstate(invalid="ignore"):
        scaled = values * scale
        out = np.rint(scaled) / scale
        near_half = (np.abs(np.abs(scaled - np.trunc(scaled)) - 0.5) < 1e-6) | (np.abs(scaled) > 1e9)
    for i in np.flatnonzero(near_half):
        out[i] = round(float(values[i]), int(places[i]))
    return out


def _close(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """:func:`_same` (``math.isclose`` with its tolerances) of each pair."""
    diff = np.abs(a - b)
    finite = np.isfinite(a) & np.isfinite(b)
    return (a == b) | (finite & ((diff <= np.abs(1e-9 * b)) | (diff <= np.abs(1e-9 * a)) | (diff <= 1e-12)))
