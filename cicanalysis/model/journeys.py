"""Adoption journeys: one row per period of care with an adoption event (ADM decision, placement order, placed
for adoption, adoption order), the dates the measures count between, and the load-time check of their order.
Built once per extract and kept in its cache."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.dq import DQ_COLUMNS, NOTED
from .extract import ADOPTION_PLACEMENTS, Extract, lookup


NOT_RECORDED = "Not recorded"


TRACKING_COLUMNS = ["SHORTLIST_DATE", "VISIT_DATE", "MATCHING_MEETING_DATE", "PANEL_DATE", "ADM_MATCH_DATE",
                    "PLAN_CHANGED_DATE", "NEW_PLAN", "PLACEMENT_TYPE", "REPEAT_ADOPTERS", "RELINQUISHED", "DISABLED",
                    "DISRUPTION_DATE", "CELEBRATION_DATE", "LIFE_STORY_BOOK_DATE", "LATER_LIFE_LETTER_DATE",
                    "FAMILY_FINDING_STATUS", "SIBLING_GROUP_SIZE"]


# ---------------------------------------------------------------- the journeys
def journeys(x: Extract) -> pd.DataFrame:
    """One row per adoption journey (period of care), built once per extract. See the module notes."""
    if "adoption_journeys" not in x.cache:
        x.cache["adoption_journeys"] = _build_journeys(x)
    return x.cache["adoption_journeys"]


def _build_journeys(x: Extract) -> pd.DataFrame:
    dates = x.adoption_dates.set_index("PERIOD_ID")
    pfa = x["placed_for_adoption"].dropna(subset=["CHILD", "DATE_PLACED"]).copy()
    # the ADM decision belongs to the period of care open (or last started) on its date
    pfa["PERIOD_ID"] = x.episode_as_of(pfa["CHILD"], pfa["DATE_PLACED"], ["PERIOD_ID"])["PERIOD_ID"]
    first_period = x.periods_of_care.sort_values("BLA").drop_duplicates("CHILD").set_index("CHILD")["PERIOD_ID"]
    pfa["PERIOD_ID"] = pfa["PERIOD_ID"].fillna(pfa["CHILD"].map(first_period))
    pfa = pfa.dropna(subset=["PERIOD_ID"]).sort_values(["PERIOD_ID", "DATE_PLACED"], kind="stable")
    pfa["PERIOD_ID"] = pfa["PERIOD_ID"].astype(int)
    last = pfa.drop_duplicates("PERIOD_ID", keep="last").set_index("PERIOD_ID")
    dates["ADM_DATE"] = pfa.groupby("PERIOD_ID")["DATE_PLACED"].min()
    dates["ADM_CEASED"] = last["DATE_PLACED_CEASED"]
    dates["ADM_CEASED_REASON"] = last["REASON_PLACED_CEASED"]
    events = ["ADM_DATE", "PO_DATE", "PLACED_FOR_ADOPTION", "ADOPTION_ORDER"]
    j = dates[dates[events].notna().any(axis=1)].rename(columns={"PLACED_FOR_ADOPTION": "PLACED_DATE"})
    j = j.reset_index().sort_values(["CHILD", "BLA"], kind="stable").reset_index(drop=True)

    header = x["header"].drop_duplicates("CHILD").set_index("CHILD")
    for col in ("DOB", "SEX", "ETHNIC"):
        j[col] = j["CHILD"].map(header[col])
    latest = ~j["CHILD"].duplicated(keep="last")  # per-child tables belong to the latest journey

    tr = x["adoption_tracking"].drop_duplicates("CHILD", keep="last").set_index("CHILD")
    for col in TRACKING_COLUMNS:
        if col in tr and len(tr):
            j[col] = j["CHILD"].map(tr[col]).where(latest)
        else:
            j[col] = pd.Series(np.nan if col == "SIBLING_GROUP_SIZE" else pd.NaT if col.endswith("_DATE") else pd.NA,
                               index=j.index)
    ad1 = x["ad1"].drop_duplicates("CHILD", keep="last").set_index("CHILD")
    j["MATCH_DATE"] = lookup(j["CHILD"], ad1["DATE_MATCH"]).where(latest).fillna(j["ADM_MATCH_DATE"])
    j["PANEL_DATE"] = j["PANEL_DATE"].fillna(j["MATCH_DATE"])
    j["FOSTER_CARER"] = (j["PLACEMENT_TYPE"].eq("foster carer").fillna(False)
                         | lookup(j["CHILD"], ad1["FOSTER_CARE"].astype("string")).eq("1").fillna(False).where(latest, False))

    # plan changes: the tracking date, else the 903's "placed for adoption" decision ceasing with RD1-RD4
    ceased_rd = j["ADM_CEASED"].where(j["ADM_CEASED_REASON"].astype("string").str.startswith("RD").fillna(False))
    tracked_change = j["PLAN_CHANGED_DATE"].notna()
    j["PLAN_CHANGED_DATE"] = j["PLAN_CHANGED_DATE"].fillna(ceased_rd)
    j["NEW_PLAN"] = j["NEW_PLAN"].where(tracked_change & j["NEW_PLAN"].notna() & j["NEW_PLAN"].ne(""),
                                        NOT_RECORDED).where(j["PLAN_CHANGED_DATE"].notna())

    # disruption: an adoptive placement that ended while the child stayed in care (from the episodes)
    pl = x.placements
    ended = pl[pl["FIRST_PLACE"].isin(ADOPTION_PLACEMENTS) & pl["END"].notna()]
    if ended.empty:          # (an extract with no episode left to count: mapping into no periods would fail)
        return j
    period_end = ended["PERIOD_ID"].map(x.periods_of_care.set_index("PERIOD_ID")["END"])
    disrupted = ended[period_end.isna() | (ended["END"] < period_end)].groupby("PERIOD_ID")["END"].min()
    if len(disrupted):
        j["DISRUPTION_DATE"] = pd.to_datetime(j["PERIOD_ID"].map(disrupted)).fillna(j["DISRUPTION_DATE"])
    return j


# ---------------------------------------------------------------- consistency of the adoption dates
def consistency_checks(x: Extract) -> pd.DataFrame:
    """Data-quality rows (reported only) for adoption dates out of order: an ADM decision after the placement
    order, a match before the ADM decision, a child adopted with no ADM decision in ``placed_for_adoption``.
    The figures still use the dates as recorded; the rows tell the analyst which ones to check."""
    j = journeys(x)
    out = []

    def rows(mask, table, column, rule, value):
        bad = j[mask.fillna(False).astype(bool)]
        if bad.empty:
            return
        src = x[table].drop_duplicates("CHILD", keep="last").set_index("CHILD") if table != "episodes" else \
            x.episodes.drop_duplicates("PERIOD_ID", keep="last").set_index("PERIOD_ID")
        key = bad["PERIOD_ID"] if table == "episodes" else bad["CHILD"]
        out.append(pd.DataFrame({"file": key.map(src["_FILE"]).to_numpy(), "row": key.map(src["_ROW"]).to_numpy(),
                                 "CHILD": bad["CHILD"].to_numpy(), "column": column, "rule": rule,
                                 "value": value(bad).dt.strftime("%d/%m/%Y").to_numpy(), "action": NOTED}))
    rows(j["ADM_DATE"] > j["PO_DATE"], "placed_for_adoption", "DATE_PLACED",
         "ADM decision after the placement order (first E1): check the dates", lambda b: b["ADM_DATE"])
    ad1 = set(x["ad1"]["CHILD"])
    before = j["MATCH_DATE"] < j["ADM_DATE"]
    rows(before & j["CHILD"].isin(ad1), "ad1", "DATE_MATCH", "match before the ADM decision: check the dates",
         lambda b: b["MATCH_DATE"])
    rows(before & ~j["CHILD"].isin(ad1), "adoption_tracking", "ADM_MATCH_DATE",
         "match before the ADM decision: check the dates", lambda b: b["MATCH_DATE"])
    rows(j["ADOPTION_ORDER"].notna() & j["ADM_DATE"].isna(), "episodes", "REC",
         "adopted (REC E11/E12) but no placed_for_adoption row: ADM timescales leave this child out",
         lambda b: b["ADOPTION_ORDER"])
    return pd.concat(out, ignore_index=True)[DQ_COLUMNS] if out else pd.DataFrame(columns=DQ_COLUMNS)
