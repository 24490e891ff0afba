"""The indicator catalogue (one declarative entry per indicator) and how each one is counted.

To add an indicator: write a counting function ``fn(x, period, window) -> DataFrame`` returning one
row per case with columns CHILD, NUM (numerator contribution), DEN (denominator contribution) and
optionally DATE (the date that decides the child's team and UASC status; default the period end),
then add an :class:`Indicator` entry to ``CATALOGUE`` and its target rows to
``data/reference/targets.csv``. Supplied indicators (SPEC 2.4) have ``source="supplied"`` and no function.

Units: ``%`` (100 × ΣNUM / ΣDEN), ``days`` and ``ratio`` (ΣNUM / ΣDEN, an average), ``count`` (ΣNUM;
an activity indicator, never RAG-rated), ``per 10,000`` (ΣNUM per 10,000 children aged 0–17, county only).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from ..core import periods as P
from ..model.extract import (ADOPTED_REC, ADOPTION_PLACEMENTS, FOSTER_PLACEMENTS, LONG_TERM_FOSTER, RELATIVE_FOSTER,
                       Extract)


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    polarity: str                 # H higher is better, L lower is better, T closest to target
    measure_type: str             # SS snapshot, YTD, R12M, R36M (3 years)
    unit: str                     # %, days, ratio, count, per 10,000
    numerator: str                # plain-English counting rules, shown in the reports
    denominator: str
    count: Callable | None = None  # the counting function; None for supplied indicators
    source: str = "SSDA903"       # or "supplied"
    uasc: str = "include"         # include (follows the scorecard's UASC switch), exclude, only
    group: str = ""
    needs: tuple[str, ...] = ()   # "table.COLUMN"s beyond header and episodes: without them, not available

    @property
    def activity(self) -> bool:
        return self.unit == "count"

    @property
    def annual(self) -> str:
        """The annual return the indicator comes from ('OC2', 'OC3'), '' for one that can change monthly."""
        return getattr(self.count, "annual", "")


def _cases(child, num, den=1.0, date=None) -> pd.DataFrame:
    """One row per case: CHILD, NUM, DEN and (optionally) DATE; scalars are broadcast."""
    child = pd.Series(child).reset_index(drop=True)
    out = pd.DataFrame({"CHILD": child})

    def col(v):
        return pd.Series(v).reset_index(drop=True) if pd.api.types.is_list_like(v) else v

    out["NUM"] = col(num)
    out["NUM"] = out["NUM"].astype(float)
    out["DEN"] = col(den)
    out["DEN"] = out["DEN"].astype(float)
    if date is not None:
        out["DATE"] = col(date)
    return out


# ---------------------------------------------------------------- counting functions
def children_in_care(x: Extract, period, window):
    cic = x.in_care_on(period)
    return _cases(cic["CHILD"], 1.0, np.nan)


def _bla_for(x: Extract, children: pd.Series, dates: pd.Series) -> pd.Series:
    """BLA of the period of care open (or last started) on each date."""
    return x.episode_as_of(children, dates, ["BLA"])["BLA"]


def adoption_plan_within(months: int):
    def count(x: Extract, period, window):
        pfa = x["placed_for_adoption"]
        pfa = pfa[window.contains(pfa["DATE_PLACED"])]
        bla = _bla_for(x, pfa["CHILD"], pfa["DATE_PLACED"])
        deadline = bla + pd.DateOffset(months=months)
        ok = bla.notna() & (pfa["DATE_PLACED"] <= deadline)
        keep = bla.notna()
        return _cases(pfa["CHILD"][keep], ok[keep], 1.0, pfa["DATE_PLACED"][keep])
    count.__name__ = f"adoption_plan_within_{months}_months"
    return count


def _collection_year(x: Extract, period) -> int:
    """The SSDA903 year (ending 31 March) reported at ``period``: the latest 31 March on or before it."""
    return P.outturn_date(period).year if pd.Timestamp(period).month != 3 else pd.Timestamp(period).year


def _annual_table(x: Extract, table: str, period) -> tuple[pd.DataFrame, pd.Timestamp]:
    df = x[table]
    year = _collection_year(x, period)
    years = df["YEAR"].fillna(_collection_year(x, x.extract_date))
    return df[years == year], pd.Timestamp(year=year, month=3, day=31)


def oc2_check(column: str, under: int | None = None):
    """Children in the OC2 cohort of the year (in care 12 months+ at 31 March) with ``column`` = 1; with
    ``under``, only those younger than ``under`` at 31 March (the development check is for under-5s)."""
    def count(x: Extract, period, window):
        df, asat = _annual_table(x, "oc2", period)
        if under is not None:
            df = df[x.age_on(df["CHILD"], asat) < under]
        return _cases(df["CHILD"], df[column] == 1, 1.0, asat)
    count.__name__ = f"oc2_{column.lower()}"
    count.annual = "OC2"      # an annual return: the value changes once a year, at 31 March
    return count


def oc3_outcome(rule: Callable[[pd.DataFrame], pd.Series], name: str):
    def count(x: Extract, period, window):
        df, asat = _annual_table(x, "oc3", period)
        return _cases(df["CHILD"], rule(df).fillna(False), 1.0, asat)
    count.__name__ = name
    count.annual = "OC3"
    return count


EET_CODES = ("F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5")


def returner_interviews_within_3_working_days(x: Extract, period, window):
    m = x["missing"]
    m = m[window.contains(m["MIS_END"])]
    wd = P.working_days_between(m["MIS_END"], m["RHI_DATE"])
    return _cases(m["CHILD"], m["RHI_DATE"].notna() & (wd <= 3), 1.0, m["MIS_END"])


def returner_interviews_completed(x: Extract, period, window):
    m = x["missing"]
    m = m[window.contains(m["MIS_END"])]
    return _cases(m["CHILD"], m["RHI_DATE"].notna(), 1.0, m["MIS_END"])


def own_authority_or_relative_foster_care(x: Extract, period, window):
    cic = x.in_care_on(period)
    foster = cic[cic["PLACE"].isin(FOSTER_PLACEMENTS)]
    ok = (foster["PLACE_PROVIDER"] == "PR1") | foster["PLACE"].isin(RELATIVE_FOSTER)
    return _cases(foster["CHILD"], ok)


def placements_in_last_12_months(x: Extract, period) -> pd.Series:
    """Number of placements (carers) each child had at any time in the 12 months to the period."""
    w = P.r12m_window(period)
    pl = x.placements
    overlapping = pl[(pl["START"] <= w.end) & (pl["END"].isna() | (pl["END"] > w.start))]
    return overlapping.groupby("CHILD").size()


def three_or_more_placements(x: Extract, period, window):
    cic = x.in_care_on(period)
    n = cic["CHILD"].map(placements_in_last_12_months(x, period)).fillna(0)
    return _cases(cic["CHILD"], n >= 3)


def placement_stability_two_years(x: Extract, period, window):
    """Under 16, in care 2.5 years+: same placement for 2 years, or placed for adoption and the adoptive
    placement together with the placement before it has lasted 2 years (DfE definition)."""
    p = pd.Timestamp(period)
    cic = x.in_care_on(p)
    age = x.age_on(cic["CHILD"], p)
    cohort = cic[(age < 16) & (cic["BLA"] <= p - pd.DateOffset(months=30))]
    pl = x.placements.set_index("PLACEMENT_ID")
    current = pl.loc[cohort["PLACEMENT_ID"]]
    two_years_ago = p - pd.DateOffset(years=2)
    same = current["START"].to_numpy() <= two_years_ago
    prev_ids = cohort["PLACEMENT_ID"].to_numpy() - 1
    prev_start = pl["START"].reindex(prev_ids).to_numpy()
    prev_same_period = pl["PERIOD_ID"].reindex(prev_ids).to_numpy() == current["PERIOD_ID"].to_numpy()
    adoptive = current["PLACE"].isin(ADOPTION_PLACEMENTS).to_numpy()
    with np.errstate(invalid="ignore"):
        adopt_ok = adoptive & prev_same_period & (pd.to_datetime(prev_start) <= two_years_ago)
    return _cases(cohort["CHILD"], same | adopt_ok)


def placed_within_20_miles(x: Extract, period, window):
    cic = x.in_care_on(period)
    known = cic[cic["PL_DISTANCE"].notna()]
    return _cases(known["CHILD"], known["PL_DISTANCE"] <= 20)


def review_participation(x: Extract, period, window):
    r = x["reviews"]
    r = r[window.contains(r["REVIEW"]) & r["REVIEW_CODE"].notna() & (r["REVIEW_CODE"] != "PN0")]
    return _cases(r["CHILD"], r["REVIEW_CODE"].isin([f"PN{i}" for i in range(1, 7)]), 1.0, r["REVIEW"])


def review_timeliness(x: Extract) -> pd.DataFrame:
    """Every review with whether it was held in timescale: the first within 20 working days of BLA,
    the second within 3 months of the first, later ones within 6 months of the one before."""
    r = x["reviews"].dropna(subset=["REVIEW"]).sort_values(["CHILD", "REVIEW"]).copy()
    r["BLA"] = _bla_for(x, r["CHILD"], r["REVIEW"])
    r = r[r["BLA"].notna()]
    same_period = (r.groupby(["CHILD", "BLA"]).cumcount())
    prev = r.groupby(["CHILD", "BLA"])["REVIEW"].shift()
    first_due = P.add_working_days(r["BLA"], 20)
    second_due = prev + pd.DateOffset(months=3)
    later_due = prev + pd.DateOffset(months=6)
    due = np.where(same_period == 0, first_due, np.where(same_period == 1, second_due, later_due))
    r["DUE"] = pd.to_datetime(due)
    r["ON_TIME"] = r["REVIEW"] <= r["DUE"]
    return r


def reviews_in_timescale(x: Extract, period, window):
    if "review_timeliness" not in x.cache:
        x.cache["review_timeliness"] = review_timeliness(x)
    r = x.cache["review_timeliness"]
    r = r[window.contains(r["REVIEW"])]
    return _cases(r["CHILD"], r["ON_TIME"], 1.0, r["REVIEW"])


def bla_to_moving_in_days(x: Extract, period, window):
    """A1: days from BLA to moving in with the adoptive family, children adopted in the window
    (the adoption journey's definition, :data:`cicanalysis.measures.adoption.TIMESCALES`)."""
    from .adoption import timescale_cases
    c = timescale_cases(x, "A1", window)
    return _cases(c["CHILD"], c["DAYS"], 1.0, c["DATE"])


def placement_order_to_match_days(x: Extract, period, window):
    """A2: days from the placement order to the ADM match decision (0 when matched before the order),
    children adopted in the window."""
    from .adoption import timescale_cases
    c = timescale_cases(x, "A2", window)
    return _cases(c["CHILD"], c["DAYS"], 1.0, c["DATE"])


def left_care_adopted(x: Extract, period, window):
    """Children leaving care in the window (a child who left twice counts once, by the last occasion, as the
    DfE publishes leavers), adopted when that period of care ended with E11 or E12."""
    poc = x.periods_of_care
    left = poc[poc["END"].notna() & window.contains(poc["END"])]
    left = left.sort_values(["END", "PERIOD_ID"], kind="stable").drop_duplicates("CHILD", keep="last")
    return _cases(left["CHILD"], left["REC"].isin(ADOPTED_REC), 1.0, left["END"])


def children_entering_care(x: Extract, period, window):
    """Children starting to be looked after in the window (a child who started twice counts once, by the first
    occasion, as the DfE publishes starters)."""
    poc = x.periods_of_care
    started = poc[window.contains(poc["BLA"])]
    started = started.sort_values(["BLA", "PERIOD_ID"], kind="stable").drop_duplicates("CHILD", keep="first")
    return _cases(started["CHILD"], 1.0, np.nan, started["BLA"])


def long_term_fostering(x: Extract, period, window):
    cic = x.in_care_on(period)
    return _cases(cic["CHILD"], cic["PLACE"].isin(LONG_TERM_FOSTER), np.nan)


def bla_to_placed_for_adoption_days(x: Extract, period, window):
    """Days from BLA to moving in with the adoptive family, children placed for adoption in the window."""
    from .adoption import timescale_cases
    c = timescale_cases(x, "BLA_TO_PLACED", window)
    return _cases(c["CHILD"], c["DAYS"], 1.0, c["DATE"])


# ---------------------------------------------------------------- the catalogue
I = Indicator
CATALOGUE: list[Indicator] = [
    I("CIC_CITIZEN", "Number of citizen children in care (excluding UASC)", "L", "SS", "count",
      "children in care at the period end who are not UASC", "-", children_in_care, uasc="exclude",
      group="Children in care"),
    I("CIC_UASC", "Number of unaccompanied asylum-seeking children in care", "L", "SS", "count",
      "UASC in care at the period end", "-", children_in_care, uasc="only", group="Children in care"),
    I("CIC_TOTAL", "Number of children in care", "L", "SS", "count",
      "children in care at the period end", "-", children_in_care, group="Children in care"),
    I("CIC_RATE", "Children in care per 10,000 children aged 0-17", "L", "SS", "per 10,000",
      "children in care at the period end", "child population aged 0-17 / 10,000", children_in_care,
      group="Children in care"),
    I("IHA_20WD", "% initial health assessments within 20 working days of entering care", "H", "YTD", "%",
      "initial health assessments held within 20 working days (supplied)", "children entering care (supplied)",
      source="supplied", group="Health"),
    I("ADOPT_PLAN_4M", "% with adoption agreed as the plan by the 2nd review (within 4 months of BLA)", "H",
      "YTD", "%", "ADM best-interest decisions within 4 months of BLA", "ADM best-interest decisions in the year",
      adoption_plan_within(4), group="Adoption"),
    I("ADOPT_PLAN_6M", "% with adoption agreed as the plan within 6 months of BLA (cumulative)", "H", "YTD", "%",
      "ADM best-interest decisions within 6 months of BLA", "ADM best-interest decisions in the year",
      adoption_plan_within(6), group="Adoption"),
    I("HEALTH_ASSESSMENT", "% of children in care 12 months+ with an annual health assessment", "H", "SS", "%",
      "children with an annual health assessment (OC2 health assessment 1) in the latest year", "children in care 12 months+ at 31 March (OC2)",
      oc2_check("HEALTH_ASSESSMENT"), group="Health", needs=("oc2.HEALTH_ASSESSMENT",)),
    I("DEV_CHECK_U5", "% of under-5s in care 12 months+ with a development check", "H",
      "SS", "%", "under-5s with HEALTH_CHECK = 1 in the latest OC2 year",
      "under-5s in care 12 months+ at 31 March (OC2)", oc2_check("HEALTH_CHECK", under=5),
      group="Health", needs=("oc2.HEALTH_CHECK",)),
    I("DENTAL_CHECK", "% of children in care 12 months+ with a dental check", "H", "SS", "%",
      "children with TEETH_CHECK = 1 in the latest OC2 year", "children in care 12 months+ at 31 March (OC2)",
      oc2_check("TEETH_CHECK"), group="Health", needs=("oc2.TEETH_CHECK",)),
    I("RHI_3WD", "% of returns from missing with a return interview within 3 working days", "H", "YTD", "%",
      "returns with RHI_DATE within 3 working days of MIS_END", "returns from missing (MIS_END) in the year",
      returner_interviews_within_3_working_days, group="Missing", needs=("missing.RHI_DATE",)),
    I("RHI_COMPLETED", "% of returns from missing with a return interview completed", "H", "YTD", "%",
      "returns with an RHI_DATE", "returns from missing in the year", returner_interviews_completed, group="Missing",
      needs=("missing.RHI_DATE",)),
    I("CL_IN_TOUCH", "% of care leavers aged 19-21 the authority is in touch with", "H", "SS", "%",
      "care leavers with IN_TOUCH = YES", "care leavers aged 19-21 in the latest OC3 year",
      oc3_outcome(lambda d: d["IN_TOUCH"] == "YES", "care_leavers_in_touch"), group="Care leavers",
      needs=("oc3.IN_TOUCH",)),
    I("CL_SUITABLE_ACCOM", "% of care leavers aged 19-21 in suitable accommodation", "H", "SS", "%",
      "care leavers whose ACCOM code ends in 1 (suitable)", "care leavers aged 19-21 in the latest OC3 year",
      oc3_outcome(lambda d: d["ACCOM"].astype("string").str.endswith("1"), "care_leavers_suitable_accommodation"),
      group="Care leavers", needs=("oc3.ACCOM",)),
    I("CL_EET", "% of care leavers aged 19-21 in education, employment or training", "H", "SS", "%",
      "care leavers with ACTIV F1, P1, F2, P2, F4, P4, F5 or P5", "care leavers aged 19-21 in the latest OC3 year",
      oc3_outcome(lambda d: d["ACTIV"].isin(EET_CODES), "care_leavers_eet"), group="Care leavers",
      needs=("oc3.ACTIV",)),
    I("OWN_FOSTER", "% of children in foster care placed with own-authority or relative/friend carers", "H", "SS",
      "%", "in U1-U6 with PLACE_PROVIDER PR1, or in U1-U3 (relatives or friends)",
      "children in foster care (U1-U6) at the period end", own_authority_or_relative_foster_care,
      group="Placements"),
    I("PLACEMENTS_3PLUS", "% of children in care with 3 or more placements in the last 12 months", "L", "SS", "%",
      "children with 3+ placements (new carer: RNE S, P or B) in the 12 months to the period end",
      "children in care at the period end", three_or_more_placements, group="Placements"),
    I("STABILITY_2Y", "% of children under 16 in care 2.5 years+ in the same placement for 2 years or placed "
      "for adoption", "H", "SS", "%", "same placement for 2 years+, or adoptive placement plus the one before "
      "lasting 2 years+", "children under 16 in care continuously for 2.5 years+", placement_stability_two_years,
      group="Placements"),
    I("WITHIN_20_MILES", "% of children in care placed within 20 miles of home (excluding UASC)", "H", "SS", "%",
      "children with PL_DISTANCE of 20 miles or less", "children in care at the period end with a known "
      "distance, excluding UASC", placed_within_20_miles, uasc="exclude", group="Placements",
      needs=("episodes.PL_DISTANCE",)),
    I("REVIEW_PARTICIPATION", "% of reviews in which the child participated (aged 4+)", "H", "YTD", "%",
      "reviews with REVIEW_CODE PN1-PN6", "reviews in the year with REVIEW_CODE PN1-PN7", review_participation,
      group="Reviews", needs=("reviews.REVIEW_CODE",)),
    I("REVIEWS_IN_TIMESCALE", "% of reviews held in timescale", "H", "YTD", "%",
      "reviews held within 20 working days of BLA (1st), 3 months (2nd) or 6 months (later)",
      "reviews held in the year", reviews_in_timescale, group="Reviews", needs=("reviews.REVIEW",)),
    I("A1_R12M", "A1: average days from entering care to moving in with the adoptive family (12 months)", "L",
      "R12M", "days", "days from BLA to the first A3-A6 placement, summed", "children adopted in the 12 months",
      bla_to_moving_in_days, group="Adoption"),
    I("A1_3Y", "A1: average days from entering care to moving in with the adoptive family (3 years)", "L",
      "R36M", "days", "days from BLA to the first A3-A6 placement, summed", "children adopted in the 3 years",
      bla_to_moving_in_days, group="Adoption"),
    I("A2_R12M", "A2: average days from placement order to match decision (12 months)", "L", "R12M", "days",
      "days from the first E1 legal status to DATE_MATCH, summed", "children adopted in the 12 months",
      placement_order_to_match_days, group="Adoption"),
    I("A2_3Y", "A2: average days from placement order to match decision (3 years)", "L", "R36M", "days",
      "days from the first E1 legal status to DATE_MATCH, summed", "children adopted in the 3 years",
      placement_order_to_match_days, group="Adoption"),
    I("LEFT_CARE_ADOPTED", "% of children leaving care who were adopted", "H", "YTD", "%",
      "children leaving care adopted (REC E11 or E12), by their last occasion",
      "children leaving care in the year (each child once)", left_care_adopted,
      group="Adoption"),
    I("SW_PERM_QUALIFIED", "% of social worker posts filled by permanent qualified staff", "H", "SS", "%",
      "posts filled by permanent qualified social workers (supplied)", "social worker posts (supplied)",
      source="supplied", group="Workforce"),
    I("AGENCY_STAFF", "% of social worker posts filled by agency staff", "L", "SS", "%",
      "posts filled by agency social workers (supplied)", "social worker posts (supplied)", source="supplied",
      group="Workforce"),
    I("CASELOAD", "Average caseload per social worker", "T", "SS", "ratio", "cases held (supplied)",
      "social workers holding cases (supplied)", source="supplied", group="Workforce"),
    I("SAME_SW_12M", "% of children in care 12 months+ with the same social worker for the last 12 months", "H",
      "SS", "%", "children with the same worker for 12 months (supplied)", "children in care 12 months+ (supplied)",
      source="supplied", group="Workforce"),
]

# Indicators the sufficiency strategy report uses that are not on the monthly scorecard
EXTRA: list[Indicator] = [
    I("CIC_STARTED", "Children entering care in the quarter", "L", "Q", "count",
      "children starting a period of care (BLA) in the quarter, each child once", "-", children_entering_care,
      group="Children in care"),
    I("LONG_TERM_FOSTER", "Children in permanent long-term fostering (U1/U4)", "H", "SS", "count",
      "children in care at the period end placed in U1 or U4", "-", long_term_fostering, group="Placements"),
    I("BLA_TO_PLACED_R12M", "Average days from entering care to being placed for adoption (12 months)", "L", "R12M",
      "days", "days from BLA to the first A3-A6 placement, summed", "children placed for adoption in the 12 months",
      bla_to_placed_for_adoption_days, group="Adoption"),
]

BY_ID = {i.id: i for i in CATALOGUE + EXTRA}


def get(indicator_id: str) -> Indicator:
    from ..core.errors import CicError
    try:
        return BY_ID[indicator_id]
    except KeyError:
        raise CicError(f"unknown indicator {indicator_id!r}; known: {', '.join(BY_ID)}") from None


def missing_inputs(x: Extract, ind: Indicator) -> list[str]:
    """The ``needs`` of an indicator that the extract's files did not have (a table absent counts too)."""
    return [n for n in ind.needs if not x.has_column(*n.split("."))]


def unavailable(x: Extract) -> dict[tuple[str, ...], list[str]]:
    """{the missing inputs: titles of the indicators they make not available}, for the reports' notices."""
    out: dict[tuple[str, ...], list[str]] = {}
    for ind in CATALOGUE:
        missing = missing_inputs(x, ind)
        if missing:
            out.setdefault(tuple(missing), []).append(ind.title)
    return out


def catalogue_table() -> pd.DataFrame:
    """The catalogue as a table an analyst can read (and the notebooks show)."""
    return pd.DataFrame([{"indicator": i.id, "title": i.title, "polarity": i.polarity,
                          "measure_type": i.measure_type, "unit": i.unit, "numerator": i.numerator,
                          "denominator": i.denominator, "source": i.source, "uasc": i.uasc} for i in CATALOGUE])
