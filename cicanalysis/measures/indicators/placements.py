"""Placements: own-provision or relative foster care, moves, long-term stability and distance from home."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ...core import periods as P
from ...model.extract import ADOPTION_PLACEMENTS, FOSTER_PLACEMENTS, RELATIVE_FOSTER, Extract
from .cases import DFE_CLA, GUIDE_903, in_care_table
from .registry import indicator


@indicator(id="OWN_FOSTER", title="% of children in foster care placed with own-authority or relative/friend carers",
           polarity="H", measure_type="SS", unit="%",
           numerator=("in foster care (U1-U6) with the authority's own carers (provider PR1), or with relatives or friends "
                      "(U1-U3)"),
           denominator="children in foster care (U1-U6) at the period end", group="Placements", order=160,
           definition_source=f"Local measure: own-authority (PLACE_PROVIDER PR1) or relative/friend (U1-U3) foster "
                             f"care as a share of all foster placements, from the placement and provider codes of "
                             f"the {GUIDE_903}; the DfE publishes children looked after at 31 March by placement "
                             f"type and provider ({DFE_CLA}), not this combined share")
def own_authority_or_relative_foster_care(x: Extract, period, window):
    cic = x.in_care_on(period)
    foster = cic["PLACE"].isin(FOSTER_PLACEMENTS).to_numpy()
    ok = ((cic["PLACE_PROVIDER"] == "PR1") | cic["PLACE"].isin(RELATIVE_FOSTER)).to_numpy()
    return in_care_table(x, period).cases(foster, ok[foster])


def placements_in_last_12_months(x: Extract, period) -> pd.Series:
    """Number of placements (carers) each child had at any time in the 12 months to the period, by CHILD (the
    plain form of ``Extract.placements_between``, which the scorecard uses)."""
    w = P.r12m_window(period)
    pl = x.placements
    overlapping = pl[(pl["START"] <= w.end) & (pl["END"].isna() | (pl["END"] > w.start))]
    return overlapping.groupby("CHILD").size()


@indicator(id="PLACEMENTS_3PLUS", title="% of children in care with 3 or more placements in the last 12 months",
           published="PLACEMENTS_3PLUS",
           polarity="L", measure_type="SS", unit="%",
           numerator="children with 3+ placements (new carer: RNE S, P or B) in the 12 months to the period end",
           denominator="children in care at the period end", group="Placements", order=170,
           definition_source=f"{DFE_CLA}: placement stability, children looked after at 31 March with three or "
                             f"more placements during the year; counted here over the 12 months to any month end, "
                             f"a placement being a new carer (RNE S, P or B); the DfE's own rules for which "
                             f"episodes count as placements are in its methodology and were not compared")
def three_or_more_placements(x: Extract, period, window):
    cic = in_care_table(x, period)
    w = P.r12m_window(period)     # placements_in_last_12_months, by child code
    return cic.cases(None, x.placements_between(w.start, w.end)[cic.code] >= 3)


@indicator(id="STABILITY_2Y", title="% of children under 16 in care 2.5 years+ in the same placement for 2 years or "
           "placed for adoption", polarity="H", measure_type="SS", unit="%",
           published="LONG_TERM_STABILITY",
           numerator="same placement for 2 years+, or adoptive placement plus the one before lasting 2 years+",
           denominator="children under 16 in care continuously for 2.5 years+", group="Placements", order=180,
           definition_source=f"{DFE_CLA}: long-term placement stability, children under 16 looked after "
                             f"continuously for at least 2.5 years living in the same placement for at least 2 "
                             f"years, or placed for adoption with the adoptive placement and the one before "
                             f"together lasting 2 years; counted here at any month end")
def placement_stability_two_years(x: Extract, period, window):
    """Under 16, in care 2.5 years+: same placement for 2 years, or placed for adoption and the adoptive
    placement together with the placement before it has lasted 2 years (DfE definition)."""
    p = pd.Timestamp(period)
    cic = x.in_care_on(p)
    age = x.age_on(cic["CHILD"], p, codes=cic["CHILD_CODE"].to_numpy())
    in_cohort = ((age < 16) & (cic["BLA"] <= p - pd.DateOffset(months=30))).to_numpy()
    cohort = cic[in_cohort]
    if "placements by id" not in x.cache:
        x.cache["placements by id"] = x.placements.set_index("PLACEMENT_ID")
    pl = x.cache["placements by id"]
    current = pl.loc[cohort["PLACEMENT_ID"]]
    two_years_ago = p - pd.DateOffset(years=2)
    same = current["START"].to_numpy() <= two_years_ago
    prev_ids = cohort["PLACEMENT_ID"].to_numpy() - 1
    prev_start = pl["START"].reindex(prev_ids).to_numpy()
    prev_same_period = pl["PERIOD_ID"].reindex(prev_ids).to_numpy() == current["PERIOD_ID"].to_numpy()
    adoptive = current["PLACE"].isin(ADOPTION_PLACEMENTS).to_numpy()
    with np.errstate(invalid="ignore"):
        adopt_ok = adoptive & prev_same_period & (pd.to_datetime(prev_start) <= two_years_ago)
    return in_care_table(x, p).cases(in_cohort, same | adopt_ok)


@indicator(id="WITHIN_20_MILES", title="% of children in care placed within 20 miles of home (excluding UASC)",
           published="PLACED_20_MILES_PLUS",
           polarity="H", measure_type="SS", unit="%", numerator="children placed 20 miles or less from home",
           denominator="children in care at the period end with a known distance, excluding UASC", uasc="exclude",
           group="Placements", needs=("episodes.PL_DISTANCE",), order=190,
           definition_source=f"DfE counterpart: {DFE_CLA}: children looked after at 31 March by distance between "
                             f"home and placement (excluding UASC), PL_DISTANCE as in the {GUIDE_903}; this count "
                             f"differs in leaving children whose distance is not known out of the denominator and "
                             f"in reporting within 20 miles (the DfE reports more than 20 miles)")
def placed_within_20_miles(x: Extract, period, window):
    cic = x.in_care_on(period)
    known = cic["PL_DISTANCE"].notna().to_numpy()
    return in_care_table(x, period).cases(known, (cic["PL_DISTANCE"] <= 20).to_numpy()[known])
