"""The one data-quality vocabulary: the DQ table's columns and the actions a rule can take, and the helper that
turns a mask over a table into DQ rows. Every layer that reports a problem uses these words."""
from __future__ import annotations

import pandas as pd

DQ_COLUMNS = ["file", "row", "CHILD", "column", "rule", "value", "action"]
EXCLUDED = "row excluded"
BLANKED = "value treated as blank"
NOTED = "reported only"
CLOSED_AT_NEXT = "DEC taken as the next episode's DECOM"
CLOSED_AT_RETURN_END = "DEC taken as the 31 March of the last return holding it"
DATE_FORMAT = "%d/%m/%Y"   # the DfE's date format, as values are shown in the DQ table


def empty() -> pd.DataFrame:
    """A DQ table with no rows."""
    return pd.DataFrame(columns=DQ_COLUMNS)


def dq_rows(df: pd.DataFrame, mask: pd.Series, column: str, rule: str, action: str) -> pd.DataFrame:
    """One DQ row per row of ``df`` where ``mask`` holds (``df`` carries its ``_FILE`` and ``_ROW``)."""
    bad = df[mask]
    if bad.empty:
        return empty()
    value = bad[column]
    if pd.api.types.is_datetime64_any_dtype(value):
        value = value.dt.strftime(DATE_FORMAT)
    return pd.DataFrame({"file": bad["_FILE"], "row": bad["_ROW"],
                         "CHILD": bad["CHILD"] if "CHILD" in bad else None, "column": column, "rule": rule,
                         "value": value.astype(str), "action": action})
