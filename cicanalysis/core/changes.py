"""Changes between two figures (numbers only; the words are the reports layer's)."""
from __future__ import annotations

import numpy as np
import pandas as pd


def missing(v) -> bool:
    """True for None, NA, NaT and NaN (a list or array is never missing)."""
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    try:
        return bool(pd.isna(v)) if not isinstance(v, (list, tuple, np.ndarray)) else False
    except (TypeError, ValueError):
        return False


# Decimal places a value is shown to, by its measurement unit (any other unit: 1). The one precision rule:
# the reports' formatting shows values to these places, and a direction of travel compares values at them,
# so two values that read the same (18.75% and 18.83%, both 18.8%) are "same", never "worse".
SHOWN_DECIMALS = {"%": 1, "days": 0, "count": 0, "per 10,000": 1}
OTHER_DECIMALS = 1


def shown_decimals(unit) -> int:
    return SHOWN_DECIMALS.get(unit, OTHER_DECIMALS)


def as_shown(value, unit):
    """``value`` rounded to the places it is shown to for ``unit`` (missing values unchanged)."""
    if missing(value):
        return value
    return round(float(value), shown_decimals(unit))


def pct_change(now, before) -> float:
    """Per cent change from ``before`` to ``now`` (nan when before is 0 or either is missing)."""
    if missing(now) or missing(before) or before == 0:
        return np.nan
    return 100.0 * (now - before) / abs(before)


def with_changes(frame: pd.DataFrame, now: str = "this_span", before: str = "last_year") -> pd.DataFrame:
    """``change`` and ``pct_change`` columns from two count columns (the latter n/a from 0)."""
    out = frame.copy()
    out["change"] = out[now] - out[before]
    out["pct_change"] = [pct_change(a, b) for a, b in zip(out[now], out[before])]
    return out
