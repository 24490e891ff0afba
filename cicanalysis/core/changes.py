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
