"""The DfE's cohorts worked out from the episodes, and the load-time check of the annual OC2 rows against them.

**The OC2 cohort** of the collection year ending 31 March ``year``: the children looked after continuously for
at least 12 months at 31 March, short breaks excluded (DfE, *Children looked after in England including
adoptions*, data guidance, OC2 tables footnote 1: "children who have been continuously looked after for at
least 12 months as at 31 March and exclude children who were looked after under an agreed series of short term
placements ... Age is as at 31 March",
https://explore-education-statistics.service.gov.uk/find-statistics/children-looked-after-in-england-including-adoptions/2020/data-guidance).
The rule is the one the DfE's 903 validation rules state (CLA SSDA903 2021-22 validation rules v1.2,
https://assets.publishing.service.gov.uk/government/uploads/system/uploads/attachment_data/file/1023549/CLA_SSDA903_2021-22_Validation_rules_Version_1.2.pdf),
as the DfE validator implements it (``data-to-insight/csc-validator-be-903``, ``lac_validator/utils.py``
``add_col_to_episodes_CONTINUOUSLY_LOOKED_AFTER`` and its tests; written afresh here). With the year running
from ``start`` = 1 April ``year - 1`` to ``end`` = 31 March ``year``, a child is in the cohort when

- one of their episodes falls in the year (DECOM on or before ``end``, DEC blank or on or after ``start``), and
- no episode starts a period of care in the year (RNE ``S`` with DECOM after ``start``, up to ``end``: a child
  who started on 1 April itself has been looked after the whole year), and
- no episode ends in the year with a reason other than ``X1`` (DEC from ``start`` to the day before ``end``;
  as in the validator, an episode ending on 31 March itself does not take the child out), and
- no episode in the year is a short break (LS ``V3``/``V4``).

The cohort is read from the episodes as loaded (``x.tables["episodes"]``), so it does not depend on how the
extract's derived views cut periods of care or drop short breaks, and with each episode's DEC as recorded
(``DEC_RECORDED``: before an overlapping or unclosed episode is ended where the next starts), as the validator
reads the return as submitted.
"""
from __future__ import annotations

import pandas as pd

from ..core.dq import EXCLUDED, dq_rows, empty
from .extract import SHORT_BREAKS

OUTSIDE_OC2_COHORT = ("OC2 row for a child not looked after continuously for 12 months at 31 March of its year "
                      "(not in the DfE's OC2 cohort): not counted")


def year_bounds(year: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The collection year ending 31 March ``year``: (1 April ``year - 1``, 31 March ``year``)."""
    return pd.Timestamp(year=int(year) - 1, month=4, day=1), pd.Timestamp(year=int(year), month=3, day=31)


def oc2_cohort(x_or_episodes, year: int) -> pd.Series:
    """CHILDs of the OC2 cohort of the collection year ending 31 March ``year`` (see the module notes), sorted.
    ``x_or_episodes``: an Extract (its loaded episodes; the result is kept in its cache) or an episodes frame
    with typed DECOM and DEC."""
    cache = getattr(x_or_episodes, "cache", None)
    key = ("oc2_cohort", int(year))
    if cache is not None and key in cache:
        return cache[key].copy()
    ep = x_or_episodes.tables["episodes"] if cache is not None else x_or_episodes
    cohort = _continuously_looked_after(ep, year)
    if cache is not None:
        cache[key] = cohort
    return cohort.copy()


def _continuously_looked_after(ep: pd.DataFrame, year: int) -> pd.Series:
    start, end = year_bounds(year)
    recorded = ep["DEC_RECORDED"] if "DEC_RECORDED" in ep else ep["DEC"]   # as submitted: before overlaps are mended
    decom, dec = pd.to_datetime(ep["DECOM"]), pd.to_datetime(recorded)
    in_year = (decom <= end) & (dec.isna() | (dec >= start))
    starts = ep["RNE"].eq("S").fillna(False).astype(bool) & (decom > start) & (decom <= end)
    ends = ~ep["REC"].eq("X1").fillna(False).astype(bool) & (dec >= start) & (dec < end)
    short_break = ep["LS"].isin(SHORT_BREAKS) & in_year
    children = pd.Index(ep.loc[in_year, "CHILD"].unique()).difference(ep.loc[starts | ends | short_break, "CHILD"])
    return pd.Series(children.sort_values().to_numpy(dtype=object), name="CHILD", dtype=object)


def oc2_cohort_checks(x) -> pd.DataFrame:
    """DQ rows for OC2 rows of children outside the OC2 cohort of the row's YEAR: the DfE counts the OC2
    outcomes over the cohort only, so such a row is not counted (the measures leave it out; the table keeps it).
    Rows with no YEAR are not checked (the measures read them as the extract date's collection year)."""
    oc2 = x.tables["oc2"]
    if oc2.empty or "YEAR" not in oc2:
        return empty()
    out = []
    for year, rows in oc2[oc2["YEAR"].notna()].groupby("YEAR"):
        outside = ~rows["CHILD"].isin(set(oc2_cohort(x, int(year))))
        out.append(dq_rows(rows, outside, "CHILD", OUTSIDE_OC2_COHORT, EXCLUDED))
    kept = [d for d in out if len(d)]
    return pd.concat(kept, ignore_index=True) if kept else empty()
