"""The children's adoption journey (SPEC 4): one row per child's adoption journey, the timescales, A1/A2
against the DfE thresholds with a forecast, the summary statistics and every distribution.

The span of a report is 1 April to the period end, compared with the same span last year and with the
previous four financial years.

Everything starts from :func:`journeys`: one row per period of care that reached an ADM best-interest
decision, a placement order, an adoptive placement or an adoption order, with the dates from the SSDA903
extract (BLA, ADM_DATE from ``placed_for_adoption``, PO_DATE from the first E1 legal status, PLACED_DATE
from the first A3–A6 placement, ADOPTION_ORDER from an E11/E12 end, MATCH_DATE from ``ad1``) and, when the
optional ``adoption_tracking`` table is present, the local family-finding dates and flags. Tracking and
``ad1`` rows are per child; they belong to the child's latest journey.

Timescales are declared in ``TIMESCALES`` (one entry each: start and end columns, the limit and its
unit, the date that decides which period a case falls in).
"""
from __future__ import annotations

from dataclasses import dataclass

from functools import lru_cache

import numpy as np
import pandas as pd

from ..core import periods as P
from ..config import reference
from ..core.changes import with_changes
from ..model.extract import ADOPTION_PLACEMENTS, Extract
from ..model.journeys import NOT_RECORDED, TRACKING_COLUMNS, consistency_checks, journeys  # noqa: F401  (the measures' journeys)

MONTH_DAYS = P.MONTH_DAYS
AGE_BANDS = ["Under 1", "1", "2-4", "5+"]
PLACED_BANDS = ["Up to 2 months", "2-4 months", "4-6 months", "6-12 months", "Over 12 months"]
PROCEEDINGS_BANDS = ["Under 2 months", "2-4 months", "4-6 months", "Over 6 months"]
WAITING_BANDS = ["Under 3 months", "3-6 months", "6-12 months", "12-18 months", "Over 18 months"]
STATUS_PLACED = "Placed, not yet adopted"
STATUS_WAITING = "Waiting with a placement order, not placed"
STATUS_PROCEEDINGS = "In proceedings: ADM decision, no placement order"


def has_tracking(x: Extract) -> bool:
    """True when the optional local ``adoption_tracking`` table was supplied and has rows."""
    return len(x["adoption_tracking"]) > 0


# ---------------------------------------------------------------- timescales
@dataclass(frozen=True)
class Timescale:
    id: str
    title: str
    start: str                 # journey column the clock starts from
    end: str                   # journey column the clock stops at
    limit: float | None        # in ``unit``; None for A1/A2 (the DfE threshold of the year)
    unit: str                  # months, weeks, working days, threshold
    counted_at: str = ""       # the date that puts a case in a period (default: ``end``)
    tracking: bool = False     # needs the local adoption tracking table
    cohort: str = ""
    requires: tuple[str, ...] = ()   # journey columns a case must also have (A2: placed for adoption)

    @property
    def when(self) -> str:
        return self.counted_at or self.end

    @property
    def limit_label(self) -> str:
        if self.unit == "threshold":
            return "DfE threshold"
        n = int(self.limit)
        return f"{n} {self.unit}"


TIMESCALES = [
    Timescale("BLA_TO_ADM", "Entering care to ADM best-interest decision", "BLA", "ADM_DATE", 6, "months",
              cohort="ADM adoption decisions in the period"),
    Timescale("BLA_TO_PO", "Entering care to placement order", "BLA", "PO_DATE", 26, "weeks",
              cohort="placement orders granted in the period"),
    Timescale("A1", "A1: entering care to moving in with the adoptive family", "BLA", "PLACED_DATE", None,
              "threshold", counted_at="ADOPTION_ORDER", cohort="children adopted in the period"),
    Timescale("BLA_TO_PLACED", "Entering care to moving in with the adoptive family (14 months)", "BLA",
              "PLACED_DATE", 14, "months", cohort="children placed for adoption in the period"),
    Timescale("ADM_TO_PANEL", "ADM decision to panel match", "ADM_DATE", "PANEL_DATE", 6, "months",
              cohort="matches at panel in the period"),
    Timescale("A2", "A2: court authority to place (placement or freeing order) to ADM match decision",
              "COURT_AUTHORITY_DATE", "MATCH_DATE", None, "threshold", counted_at="ADOPTION_ORDER",
              cohort="children adopted in the period after being placed for adoption (0 days when matched before "
                     "the order)", requires=("PLACED_DATE",)),
    Timescale("SHORTLIST_TO_VISIT", "Shortlist to visit", "SHORTLIST_DATE", "VISIT_DATE", 5, "working days",
              tracking=True, cohort="visits in the period"),
    Timescale("VISIT_TO_MEETING", "Visit to matching meeting", "VISIT_DATE", "MATCHING_MEETING_DATE", 10,
              "working days", tracking=True, cohort="matching meetings in the period"),
    Timescale("MEETING_TO_PANEL", "Matching meeting to panel", "MATCHING_MEETING_DATE", "PANEL_DATE", 15,
              "working days", tracking=True, cohort="panels in the period"),
    Timescale("PLACEMENT_TO_ORDER", "Placement to adoption order", "PLACED_DATE", "ADOPTION_ORDER", 6, "months",
              cohort="children adopted in the period"),
    Timescale("LIFE_STORY_BOOK", "Celebration hearing to life story book", "CELEBRATION_DATE",
              "LIFE_STORY_BOOK_DATE", 10, "working days", counted_at="CELEBRATION_DATE", tracking=True,
              cohort="celebration hearings in the period"),
    Timescale("LATER_LIFE_LETTER", "Celebration hearing to later life letter", "CELEBRATION_DATE",
              "LATER_LIFE_LETTER_DATE", 10, "working days", counted_at="CELEBRATION_DATE", tracking=True,
              cohort="celebration hearings in the period"),
]
# A10 (adoption scorecard): A1 with the moving-in date of a child adopted by its foster carer taken as the day it
# moved in with that carer; not in TIMESCALES (the journey report's list), it has no DfE threshold of its own
A10 = Timescale("A10", "A10: entering care to moving in with the adoptive family, adjusted for foster carer adoptions",
                "BLA", "A10_MOVED_IN", None, "threshold", counted_at="ADOPTION_ORDER",
                cohort="children adopted in the period")
TIMESCALE = {t.id: t for t in TIMESCALES + [A10]}
COURT_AUTHORITY_LS = ("E1", "D1")   # placement order granted; freeing order (older returns)


def three_year_label(date) -> str:
    """The DfE 3-year window ending with the financial year of ``date``: 2013-16 for 2015-16."""
    start = P.financial_year_start(date).year
    return f"{start - 2}-{(start + 1) % 100:02d}"


def three_year_window(date) -> P.Window:
    fy = P.financial_year_window(date)
    return P.Window(fy.start - pd.DateOffset(years=2), fy.end)


def threshold(measure: str, date) -> float:
    """The DfE threshold for the 3-year window ending with the financial year of ``date``; before the first
    published window the first, after the last the last (thresholds stopped being raised after 2013-16)."""
    return _threshold(measure, three_year_label(date))


@lru_cache(maxsize=256)
def _threshold(measure: str, label: str) -> float:
    t = reference.adoption_thresholds()
    t = t[t["MEASURE"] == measure].sort_values("WINDOW")
    if t.empty:
        return np.nan
    earlier = t[t["WINDOW"] <= label]
    return float((earlier.iloc[-1] if len(earlier) else t.iloc[0])["THRESHOLD_DAYS"])


def scorecard_journeys(x: Extract) -> pd.DataFrame:
    """The journeys (:func:`journeys`) with the two dates the adoption scorecard counts from, built once:
    COURT_AUTHORITY_DATE, the first placement order (LS E1) or freeing order (LS D1) of the period of care (A2);
    A10_MOVED_IN, the date placed for adoption, or for a child adopted by its foster carer (``ad1`` FOSTER_CARE = 1)
    the start of the placement it was in just before its first adoptive placement (A10)."""
    if "adoption_scorecard_journeys" not in x.cache:
        j = journeys(x).copy()
        ep = x.episodes
        court = ep[ep["LS"].isin(COURT_AUTHORITY_LS)].groupby("PERIOD_ID")["DECOM"].min()
        j["COURT_AUTHORITY_DATE"] = _dates_of(j["PERIOD_ID"], court)
        carer_start = _dates_of(j["PERIOD_ID"], _foster_carer_start(x))
        j["A10_MOVED_IN"] = j["PLACED_DATE"].where(~j["FOSTER_CARER"] | carer_start.isna(), carer_start)
        x.cache["adoption_scorecard_journeys"] = j
    return x.cache["adoption_scorecard_journeys"]


def _dates_of(keys: pd.Series, dates: pd.Series) -> pd.Series:
    """``dates`` looked up by ``keys`` (NaT where there is none); an empty lookup gives NaT (pandas cannot map
    through an empty series of dates: an extract with no placement order or no foster carer adoption)."""
    if dates.empty:
        return pd.Series(pd.NaT, index=keys.index, dtype="datetime64[ns]")
    return pd.to_datetime(keys.map(dates))


def _foster_carer_start(x: Extract) -> pd.Series:
    """By PERIOD_ID: the start of the placement the child was in just before its first adoptive (A3-A6) episode,
    when that episode follows another in the same period of care (the carer who then adopted, for A10)."""
    ep = x.episodes
    first = ep[ep["PLACE"].isin(ADOPTION_PLACEMENTS)].drop_duplicates("PERIOD_ID")
    before = first.index.to_numpy() - 1
    ok = before >= 0
    first, before = first[ok], before[ok]
    same_period = ep["PERIOD_ID"].to_numpy()[before] == first["PERIOD_ID"].to_numpy()
    placement = ep["PLACEMENT_ID"].to_numpy()[before][same_period]
    starts = x.placements.set_index("PLACEMENT_ID")["START"]
    return pd.Series(starts.reindex(placement).to_numpy(), index=first["PERIOD_ID"].to_numpy()[same_period])


def timescale_cases(x: Extract, timescale: str | Timescale, window: P.Window | None = None) -> pd.DataFrame:
    """One row per case of a timescale: CHILD, START, END, DATE (the date that counts), DAYS (calendar days,
    or working days for working-day limits), WITHIN, LIMIT_DAYS, DISTRICT, AREA."""
    ts = TIMESCALE[timescale] if isinstance(timescale, str) else timescale
    j = scorecard_journeys(x)
    c = j[j[[ts.start, ts.end, ts.when, *ts.requires]].notna().all(axis=1)]
    if window is not None:
        c = c[window.contains(c[ts.when])]
    start, end, when = c[ts.start], c[ts.end], c[ts.when]
    days = P.elapsed(start, end, "working days" if ts.unit == "working days" else "days")
    if ts.id == "A2":  # DfE: a child matched before the placement order counts 0 days
        days = days.clip(lower=0)
    if ts.unit == "threshold":
        which, dates = pd.factorize(when)       # the threshold looked up once per distinct date
        limits = np.array([threshold(ts.id, P.financial_year_start(d)) for d in dates], dtype=float)
        limit_days = pd.Series(limits[which] if len(limits) else np.empty(0), index=c.index, dtype=float)
        within = days <= limit_days
    else:
        limit_days = pd.Series(P.limit_days(ts.limit, ts.unit), index=c.index)
        within = P.within_limit(start, end, ts.limit, ts.unit)
    out = pd.DataFrame({"CHILD": c["CHILD"], "START": start, "END": end, "DATE": when, "DAYS": days,
                        "WITHIN": within.astype(bool), "LIMIT_DAYS": limit_days})
    units = x.units_of(out["CHILD"], out["DATE"]) if len(out) else pd.DataFrame(columns=["DISTRICT", "AREA"])
    out["DISTRICT"], out["AREA"] = units["DISTRICT"], units["AREA"]
    return out.reset_index(drop=True)


def _summary(cases: pd.DataFrame) -> dict:
    n = len(cases)
    avg = cases["DAYS"].mean() if n else np.nan
    return {"cases": n, "within": int(cases["WITHIN"].sum()), "pct_within": 100 * cases["WITHIN"].mean() if n else np.nan,
            "avg_days": avg, "avg_months": avg / MONTH_DAYS if n else np.nan,
            "limit_days": cases["LIMIT_DAYS"].mean() if n else np.nan}


def span_window(period) -> P.Window:
    """1 April to the period end."""
    return P.ytd_window(period)


def same_span_last_year(period) -> P.Window:
    p = P.month_end(period)
    return span_window(P.month_end_of(p - pd.DateOffset(years=1)))


def span_label(period) -> str:
    """'2015-16' for a March period end, else '2015-16 (to 30/09)'."""
    p = P.month_end(period)
    label = P.financial_year_label(p)
    return label if p.month == 3 else f"{label} (to {p:%d/%m})"


def year_windows(period, years: int = 4) -> list[tuple[str, P.Window]]:
    """The previous ``years`` full financial years and the current span, oldest first."""
    p = P.month_end(period)
    fy = P.financial_year_start(p)
    out = [(P.financial_year_label(fy - pd.DateOffset(years=k)), P.financial_year_window(fy - pd.DateOffset(years=k)))
           for k in range(years, 0, -1)]
    return out + [(span_label(p), span_window(p))]


def timescales_by_year(x: Extract, period, years: int = 4, timescales=None) -> pd.DataFrame:
    """Per timescale and financial year (the previous ``years`` and the current span): cases, within,
    pct_within, avg_days, avg_months, limit_days."""
    rows = []
    for ts in timescales or TIMESCALES:
        ts = TIMESCALE[ts] if isinstance(ts, str) else ts
        cases = timescale_cases(x, ts, P.Window(year_windows(period, years)[0][1].start, P.month_end(period)))
        for label, w in year_windows(period, years):
            rows.append({"timescale": ts.id, "title": ts.title, "limit": ts.limit_label, "group": label,
                         **_summary(cases[w.contains(cases["DATE"])])})
    return pd.DataFrame(rows)


def timescales_by_district(x: Extract, period, timescales=None) -> pd.DataFrame:
    """Per timescale and district for the current span (every configured district listed, plus a total). With no
    districts configured (an extract without the authority's teams) the total only: every child would be in one
    'No district' or 'Unknown' row."""
    districts = list(dict.fromkeys(x.teams["DISTRICT"]))
    rows = []
    for ts in timescales or TIMESCALES:
        ts = TIMESCALE[ts] if isinstance(ts, str) else ts
        cases = timescale_cases(x, ts, span_window(period))
        extra = [d for d in cases["DISTRICT"].unique() if d not in districts] if districts else []
        for d in districts + sorted(extra) + ["Total"]:
            sub = cases if d == "Total" else cases[cases["DISTRICT"] == d]
            rows.append({"timescale": ts.id, "title": ts.title, "limit": ts.limit_label, "group": d, **_summary(sub)})
    return pd.DataFrame(rows)


def adm_decisions_by_district(x: Extract, period) -> pd.DataFrame:
    """ADM decisions in the span by district: within 6 months of BLA, after 6 months, total, % within."""
    t = timescales_by_district(x, period, ["BLA_TO_ADM"])
    return pd.DataFrame({"district": t["group"], "within_6_months": t["within"],
                         "after_6_months": t["cases"] - t["within"], "decisions": t["cases"],
                         "pct_within": t["pct_within"]})


# ---------------------------------------------------------------- A1 and A2 against the thresholds
def a1_a2_by_year(x: Extract, period, years: int = 5) -> pd.DataFrame:
    """A1 and A2 per financial year (single year and 3-year rolling average) against the DfE threshold of the
    3-year window, with England's averages where published (``data/reference/comparators.csv``) and statistical
    neighbours' where the authority's own ``comparators.csv`` gives them.

    ``partial`` marks a 3-year average that covers less than three full years: its window starts before the
    first financial year in which the data has any case, or it ends with the current span before 31 March."""
    p = P.month_end(period)
    comp = reference.comparators(x.authority_dir)
    rows = []
    windows = year_windows(p, years - 1)
    for measure in ("A1", "A2"):
        cases = timescale_cases(x, measure, P.Window(windows[0][1].start - pd.DateOffset(years=2), p))
        first = P.financial_year_start(cases["DATE"].min()) if len(cases) else p
        for label, w in windows:
            three = P.Window(w.start - pd.DateOffset(years=2), w.end)
            year, three_cases = cases[w.contains(cases["DATE"])], cases[three.contains(cases["DATE"])]
            fy_end = P.financial_year_window(w.start).end

            def comparator(ind, col):
                hit = comp[(comp["INDICATOR"] == ind) & (comp["DATE"] == fy_end)][col]
                return float(hit.iloc[0]) if len(hit) and pd.notna(hit.iloc[0]) else np.nan
            rows.append({"measure": measure, "year": label, "window": three_year_label(w.start),
                         "year_children": len(year), "year_avg_days": year["DAYS"].mean() if len(year) else np.nan,
                         "three_year_children": len(three_cases),
                         "three_year_avg_days": three_cases["DAYS"].mean() if len(three_cases) else np.nan,
                         "threshold": threshold(measure, w.start),
                         "england_year": comparator(f"{measure}_R12M", "ENGLAND"),
                         "england_three_year": comparator(f"{measure}_3Y", "ENGLAND"),
                         "neighbours_three_year": comparator(f"{measure}_3Y", "STATISTICAL_NEIGHBOURS"),
                         "partial": bool(three.start < first or w.end < fy_end)})
    out = pd.DataFrame(rows)
    out["meets_threshold"] = out["three_year_avg_days"] <= out["threshold"]
    return out


def average_excluding(cases: pd.DataFrame, exclude=()) -> dict:
    """The average DAYS with and without the named children (outliers agreed by the service)."""
    excluded = cases["CHILD"].isin(list(exclude or ()))
    kept = cases[~excluded]
    return {"children": len(cases), "average": cases["DAYS"].mean() if len(cases) else np.nan,
            "excluded": int(excluded.sum()), "average_excluding": kept["DAYS"].mean() if len(kept) else np.nan}


def status_on(x: Extract, date) -> pd.DataFrame:
    """Journeys open on ``date`` with a STATUS: placed not yet adopted; waiting with a placement order (legal
    status E1, not in an adoptive placement, plan unchanged); in proceedings (ADM decision not ceased, no
    placement order yet). Adds PLACE and LS of the open episode. Worked out once per date and extract (the
    summary, the forecasts and the distributions each ask for the period end's); each caller gets its own copy."""
    d = pd.Timestamp(date)
    key = ("adoption status_on", d)
    if key not in x.cache:
        x.cache[key] = _status_on(x, d)
    return x.cache[key].copy()


def _status_on(x: Extract, d: pd.Timestamp) -> pd.DataFrame:
    j = journeys(x)
    open_ = x.in_care_on(d)[["CHILD", "PERIOD_ID", "PLACE", "LS"]]
    s = j.merge(open_, on=["CHILD", "PERIOD_ID"])
    changed = (s["PLAN_CHANGED_DATE"] <= d).fillna(False)
    placed = s["PLACE"].isin(ADOPTION_PLACEMENTS)
    has_po = (s["PO_DATE"] <= d).fillna(False)
    waiting = ~placed & has_po & s["LS"].eq("E1") & ~changed
    proceedings = (~placed & ~has_po & (s["ADM_DATE"] <= d).fillna(False)
                   & ~(s["ADM_CEASED"] <= d).fillna(False) & ~changed)
    s["STATUS"] = np.select([placed, waiting, proceedings], [STATUS_PLACED, STATUS_WAITING, STATUS_PROCEEDINGS], "")
    return s[s["STATUS"] != ""].reset_index(drop=True)


def _medians(x: Extract, period) -> dict:
    """Median days (children adopted in the 3 years to the period) used to project the children still on the
    way: PO → placed, match → placed, placed → order."""
    j = journeys(x)
    a = j[j["ADOPTION_ORDER"].notna() & P.rolling_years_window(period, 3).contains(j["ADOPTION_ORDER"])]

    def med(s, default):
        s = s.dropna()
        return float(s.median()) if len(s) else default
    return {"po_to_placed": med((a["PLACED_DATE"] - a["PO_DATE"]).dt.days, 180.0),
            "po_to_match": med((a["MATCH_DATE"] - a["PO_DATE"]).dt.days.clip(lower=0), 150.0),
            "match_to_placed": med((a["PLACED_DATE"] - a["MATCH_DATE"]).dt.days, 21.0),
            "placed_to_order": med((a["ADOPTION_ORDER"] - a["PLACED_DATE"]).dt.days, 240.0)}


def projected_journeys(x: Extract, period) -> pd.DataFrame:
    """Every child adopted, placed, matched or waiting with a placement order at the period end with the date
    they moved in (actual) or are expected to (``EXPECTED_PLACED``), the date they were or are expected to be
    matched (``EXPECTED_MATCH``), the expected order date, A1 days and A2 days.

    Projection: matched children move in the median match→placement days after the match; waiting children
    the later of PO + median PO→placement and period end + median match→placement, and are matched the later
    of PO + median PO→match and the day after the period end; orders follow the median placement→order days
    (never before the period end). A2 is 0 when the match came before the order (DfE rule)."""
    p = P.month_end(period)
    j = journeys(x)
    m = _medians(x, p)
    day = pd.Timedelta(days=1)
    adopted = j[(j["ADOPTION_ORDER"] <= p).fillna(False)].assign(STATUS="Adopted")
    adopted["EXPECTED_PLACED"], adopted["EXPECTED_ORDER"] = adopted["PLACED_DATE"], adopted["ADOPTION_ORDER"]
    s = status_on(x, p)
    placed = s[s["STATUS"] == STATUS_PLACED].assign(STATUS="Placed, awaiting the order")
    placed["EXPECTED_PLACED"] = placed["PLACED_DATE"]
    waiting = s[s["STATUS"] == STATUS_WAITING].copy()
    matched = (waiting["MATCH_DATE"] <= p).fillna(False)
    waiting["STATUS"] = np.where(matched, "Matched, awaiting placement", "Waiting with a placement order")
    soonest = p + day
    after_match = (waiting["MATCH_DATE"] + pd.Timedelta(days=m["match_to_placed"])).clip(lower=soonest)
    unmatched = (waiting["PO_DATE"] + pd.Timedelta(days=m["po_to_placed"])).clip(
        lower=p + pd.Timedelta(days=m["match_to_placed"]))
    waiting["EXPECTED_PLACED"] = after_match.where(matched, unmatched)
    out = pd.concat([placed, waiting])
    out["EXPECTED_ORDER"] = (out["EXPECTED_PLACED"] + pd.Timedelta(days=m["placed_to_order"])).clip(lower=soonest)
    expected_match = (out["PO_DATE"] + pd.Timedelta(days=m["po_to_match"])).clip(lower=soonest)
    out["EXPECTED_MATCH"] = out["MATCH_DATE"].where((out["MATCH_DATE"] <= p).fillna(False), expected_match)
    adopted["EXPECTED_MATCH"] = adopted["MATCH_DATE"]
    out = pd.concat([adopted, out], ignore_index=True)
    out = out[out["BLA"].notna() & out["EXPECTED_PLACED"].notna()]
    out["A1_DAYS"] = (out["EXPECTED_PLACED"] - out["BLA"]).dt.days.astype(float)
    out["A2_DAYS"] = (out["EXPECTED_MATCH"] - out["PO_DATE"]).dt.days.astype(float).clip(lower=0)
    return out.reset_index(drop=True)


FORECAST_ORDER = ["Adopted", "Placed, awaiting the order", "Matched, awaiting placement", "Waiting with a placement order"]


@dataclass(frozen=True)
class ThresholdCheck:
    """A1 or A2 (actual 3-year average, or its forecast) against the DfE threshold: numbers and the verdict."""
    measure: str               # A1 or A2
    window: str                # the 3-year window, e.g. 2013-16
    days: float                # the average (nan when no children)
    children: int
    threshold: float
    partial: bool = False      # fewer than three full years of adoptions in the window
    forecast: bool = False

    @property
    def gap(self) -> float:
        """Days above the threshold (negative: within it by that many days)."""
        return self.days - self.threshold

    @property
    def missed(self) -> bool:
        """True when the average is above the threshold (no children: not missed)."""
        return bool(self.children) and not pd.isna(self.days) and self.gap > 0


def threshold_check(a1a2: pd.DataFrame, measure: str) -> ThresholdCheck:
    """The current 3-year average of ``measure`` (the last row of :func:`a1_a2_by_year`) against its threshold."""
    r = a1a2[a1a2["measure"] == measure].iloc[-1]
    return ThresholdCheck(measure, r["window"], r["three_year_avg_days"], int(r["three_year_children"] or 0),
                          r["threshold"], partial=bool(r["partial"]))


def forecast_check(forecast: pd.DataFrame) -> ThresholdCheck:
    """A forecast (:func:`a1_forecast`, :func:`a2_forecast`) against its threshold."""
    measure = forecast.attrs["measure"]
    allrow = forecast[forecast["status"] == "All"].iloc[0]
    return ThresholdCheck(measure, forecast["window"].iloc[0], allrow[f"average_{measure.lower()}_days"],
                          int(allrow["children"]), forecast["threshold"].iloc[0], forecast=True)


def _by_status(frame: pd.DataFrame, exclude=(), measure: str = "A1") -> pd.DataFrame:
    frame = frame[~frame["CHILD"].isin(list(exclude or ()))]
    frame = frame[frame[f"{measure}_DAYS"].notna()]
    name = f"average_{measure.lower()}_days"
    g = frame.groupby("STATUS")[f"{measure}_DAYS"]
    t = pd.DataFrame({"children": g.size(), name: g.mean()}).reindex(FORECAST_ORDER)
    t["children"] = t["children"].fillna(0).astype(int)
    total = pd.DataFrame({"children": [len(frame)], name: [frame[f"{measure}_DAYS"].mean()]}, index=["All"])
    return pd.concat([t, total]).rename_axis("status").reset_index()


def a1_forecast(x: Extract, period, exclude=(), measure: str = "A1") -> pd.DataFrame:
    """Forecast A1 (or A2) for the 3-year window ending with the current financial year: children adopted so
    far in the window plus those placed, matched or waiting whose expected order falls in the window."""
    w = three_year_window(period)
    pj = projected_journeys(x, period)
    t = _by_status(pj[w.contains(pj["EXPECTED_ORDER"])], exclude, measure)
    t["window"] = three_year_label(period)
    t["threshold"] = threshold(measure, period)
    t.attrs["measure"] = measure        # which measure this forecast is (read by forecast_check, the figures)
    return t


def a2_forecast(x: Extract, period, exclude=()) -> pd.DataFrame:
    """Forecast A2 for the current 3-year window (see :func:`a1_forecast`; matches projected for those waiting)."""
    return a1_forecast(x, period, exclude, "A2")


def a1_po_cohort(x: Extract, period, since, exclude=()) -> pd.DataFrame:
    """A1 (actual, or projected for those still waiting) for the children granted a placement order since
    ``since``."""
    pj = projected_journeys(x, period)
    t = _by_status(pj[(pj["PO_DATE"] >= pd.Timestamp(since)).fillna(False)], exclude)
    t["since"] = pd.Timestamp(since)
    return t


# ---------------------------------------------------------------- categories
def age_band(age: pd.Series) -> pd.Series:
    """Under 1, 1, 2-4, 5+ (whole years)."""
    return pd.Series(pd.cut(age, [-np.inf, 0.5, 1.5, 4.5, np.inf], labels=AGE_BANDS), index=age.index) \
        .astype("string").fillna(NOT_RECORDED)


def ethnic_group(codes: pd.Series) -> pd.Series:
    """DfE ethnicity codes in the broad groups a report shows."""
    c = codes.astype("string").str.upper().fillna("")
    first = c.str[:1]
    out = first.map({"W": "White other", "M": "Mixed", "A": "Asian or Asian British", "B": "Black or Black British",
                     "C": "Other ethnic group", "O": "Other ethnic group"}).astype("string")
    out = out.mask(c.eq("WBRI"), "White British").mask(c.isin(["REFU", "NOBT", ""]), NOT_RECORDED)
    return out.fillna(NOT_RECORDED)


def months_band(months: pd.Series, edges, labels, closed_right: bool = True) -> pd.Series:
    return pd.Series(pd.cut(months, [-np.inf, *edges, np.inf], labels=labels, right=closed_right),
                     index=months.index).astype("string")


def sibling_group(size: pd.Series) -> pd.Series:
    return pd.Series(np.where(size > 1, "Sibling group", np.where(size == 1, "Single child", NOT_RECORDED)),
                     index=size.index)


def _flag(values: pd.Series) -> pd.Series:
    v = values.astype("string").str.upper().str[:1]
    return pd.Series(np.where(v.eq("Y").fillna(False), "Yes", np.where(v.eq("N").fillna(False), "No", NOT_RECORDED)),
                     index=values.index)


def events_in(x: Extract, event: str, window: P.Window) -> pd.DataFrame:
    """Journeys whose ``event`` date (a journey column) falls in the window, with DATE, MONTH, FY, DISTRICT,
    AREA, AGE and AGE_BAND on that date, ETHNIC_GROUP, SIBLINGS and DISABLED."""
    e = _journeys_in(x, event, window).copy()
    e["DATE"] = e[event]
    return _describe(x, e)


def _journeys_in(x: Extract, event: str, window: P.Window) -> pd.DataFrame:
    """The journeys whose ``event`` date falls in the window, as they are (no dates, units or bands added)."""
    j = journeys(x)
    return j[j[event].notna() & window.contains(j[event])]


def _describe(x: Extract, e: pd.DataFrame) -> pd.DataFrame:
    e = e.reset_index(drop=True)
    e["MONTH"] = e["DATE"].dt.to_period("M").dt.to_timestamp("M").dt.normalize() if len(e) else pd.Series(dtype="datetime64[ns]")
    e["FY"] = [P.financial_year_label(d) for d in e["DATE"]]
    units = x.units_of(e["CHILD"], e["DATE"]) if len(e) else pd.DataFrame({"DISTRICT": [], "AREA": []})
    e["DISTRICT"], e["AREA"] = units["DISTRICT"].to_numpy(), units["AREA"].to_numpy()
    e["AGE"] = x.age_on(e["CHILD"], e["DATE"]) if len(e) else pd.Series(dtype=float)
    e["AGE_BAND"] = age_band(e["AGE"])
    e["ETHNIC_GROUP"] = ethnic_group(e["ETHNIC"])
    e["SIBLINGS"] = sibling_group(e["SIBLING_GROUP_SIZE"].astype(float))
    e["DISABILITY"] = _flag(e["DISABLED"])
    return e


def breakdown(frame: pd.DataFrame, by: str | list, order=None, name: str = "children") -> pd.DataFrame:
    """Counts by one or two columns, with every category of ``order`` shown (zeros included)."""
    if isinstance(by, list) and len(by) == 2:
        t = frame.groupby(by).size().unstack(fill_value=0)
        if order is not None:
            t = t.reindex(columns=list(order) + [c for c in t.columns if c not in order], fill_value=0)
        return t.rename_axis(index=by[0], columns=None).reset_index()
    counts = frame.groupby(by).size()
    cats = list(order) if order is not None else sorted(counts.index)
    cats += [c for c in counts.index if c not in cats]
    return pd.DataFrame({by: cats, name: [int(counts.get(c, 0)) for c in cats]})


def monthly(x: Extract, event: str, period, years: int = 2) -> pd.DataFrame:
    """Counts of ``event`` by month for the current span and the same months of the previous years:
    MONTH (month end), children, FY, MONTH_NAME."""
    return P.monthly_counts(journeys(x)[event], period, years)


def areas(x: Extract) -> list[str]:
    return list(dict.fromkeys(x.teams["AREA"]))


def districts(x: Extract) -> list[str]:
    return list(dict.fromkeys(x.teams["DISTRICT"]))


# ---------------------------------------------------------------- snapshots at the period end
def placed_not_adopted(x: Extract, period) -> pd.DataFrame:
    """Children placed for adoption and not yet adopted at the period end with MONTHS_PLACED and its band
    (up to 2, 2-4, 4-6, 6-12, over 12 months)."""
    p = P.month_end(period)
    s = status_on(x, p)
    s = s[s["STATUS"] == STATUS_PLACED].assign(DATE=p)
    s = _describe(x, s)
    s["MONTHS_PLACED"] = (p - s["PLACED_DATE"]).dt.days / MONTH_DAYS
    s["TIME_PLACED"] = months_band(s["MONTHS_PLACED"], [2, 4, 6, 12], PLACED_BANDS)
    return s


def waiting_children(x: Extract, period) -> pd.DataFrame:
    """Children waiting with a placement order and not placed at the period end, with their family-finding
    STATUS_FF (matched when a match is dated by then, else the tracking status), AGE_BAND, ETHNIC_GROUP,
    SIBLINGS, DISABILITY and time since the order (TIME_SINCE_PO)."""
    p = P.month_end(period)
    s = status_on(x, p)
    s = _describe(x, s[s["STATUS"] == STATUS_WAITING].assign(DATE=p))
    ff = s["FAMILY_FINDING_STATUS"].astype("string").str.strip().str.lower()
    ff = ff.where(ff.ne("matched") & ff.ne(""), pd.NA).str.capitalize()
    s["STATUS_FF"] = pd.Series(np.where((s["MATCH_DATE"] <= p).fillna(False), "Matched", ff.fillna(NOT_RECORDED)),
                               index=s.index)
    s["MONTHS_SINCE_PO"] = (p - s["PO_DATE"]).dt.days / MONTH_DAYS
    s["TIME_SINCE_PO"] = months_band(s["MONTHS_SINCE_PO"], [3, 6, 12, 18], WAITING_BANDS, closed_right=False)
    return s


def in_proceedings(x: Extract, period) -> pd.DataFrame:
    """Children with an ADM decision and no placement order at the period end, by time since the decision
    (under 2, 2-4, 4-6, over 6 months)."""
    p = P.month_end(period)
    s = status_on(x, p)
    s = _describe(x, s[s["STATUS"] == STATUS_PROCEEDINGS].assign(DATE=p))
    s["MONTHS_SINCE_ADM"] = (p - s["ADM_DATE"]).dt.days / MONTH_DAYS
    s["TIME_SINCE_ADM"] = months_band(s["MONTHS_SINCE_ADM"], [2, 4, 6], PROCEEDINGS_BANDS, closed_right=False)
    return s


# ---------------------------------------------------------------- the summary
SUMMARY = [  # (measure, kind, journey column or status, filter, needs tracking)
    ("Children adopted", "span", "ADOPTION_ORDER", None, False),
    ("Placed for adoption, not yet adopted (at the period end)", "snapshot", STATUS_PLACED, None, False),
    ("Children placed for adoption", "span", "PLACED_DATE", None, False),
    ("  of whom relinquished babies", "span", "PLACED_DATE", lambda e: _flag(e["RELINQUISHED"]).eq("Yes"), True),
    ("  of whom disabled", "span", "PLACED_DATE", lambda e: e["DISABILITY"].eq("Yes"), True),
    ("  of whom with voluntary-agency adopters", "span", "PLACED_DATE",
     lambda e: e["PLACEMENT_TYPE"].eq("voluntary agency").fillna(False), True),
    ("  of whom with relatives or foster to adopt", "span", "PLACED_DATE",
     lambda e: e["PLACEMENT_TYPE"].eq("foster to adopt").fillna(False), True),
    ("  of whom with their foster carer", "span", "PLACED_DATE", lambda e: e["FOSTER_CARER"], False),
    ("  of whom with repeat adopters", "span", "PLACED_DATE", lambda e: _flag(e["REPEAT_ADOPTERS"]).eq("Yes"), True),
    ("Matches agreed", "span", "MATCH_DATE", None, False),
    ("Placement orders granted", "span", "PO_DATE", None, False),
    ("ADM adoption decisions", "span", "ADM_DATE", None, False),
    ("Plans changed away from adoption", "span", "PLAN_CHANGED_DATE", None, False),
    ("Disruptions before the adoption order", "span", "DISRUPTION_DATE", None, False),
    ("Children waiting with a placement order and no placement (at the period end)", "snapshot", STATUS_WAITING,
     None, False),
    ("Children in proceedings with an ADM decision and no placement order (at the period end)", "snapshot",
     STATUS_PROCEEDINGS, None, False),
]


def summary_statistics(x: Extract, period) -> pd.DataFrame:
    """measure, this_span, last_year (same span last year), change, pct_change; plans changed are also split by the new
    plan. Measures that need the tracking table are blank when it is absent; last_year (and the changes) is blank
    when the same span last year starts before the data start (its counts would miss what came before)."""
    p = P.month_end(period)
    p_last = P.month_end_of(p - pd.DateOffset(years=1))
    windows = {"this_span": span_window(p), "last_year": span_window(p_last)}
    snap = {"this_span": status_on(x, p)["STATUS"].value_counts(), "last_year": status_on(x, p_last)["STATUS"].value_counts()}
    tracked = has_tracking(x)
    rows, described = [], {}
    for measure, kind, what, keep, needs in SUMMARY:
        row = {"measure": measure}
        for key, w in windows.items():
            if needs and not tracked:
                row[key] = np.nan
            elif kind == "snapshot":
                row[key] = int(snap[key].get(what, 0))
            else:
                row[key] = _span_count(x, what, w, keep, described)
        rows.append(row)
        if what == "PLAN_CHANGED_DATE":
            plans = {k: _journeys_in(x, what, w)["NEW_PLAN"].value_counts() for k, w in windows.items()}
            for plan in sorted(set(plans["this_span"].index) | set(plans["last_year"].index)):
                rows.append({"measure": f"  to {plan}" if plan != NOT_RECORDED else "  new plan not recorded",
                             **{k: int(v.get(plan, 0)) for k, v in plans.items()}})
    out = pd.DataFrame(rows)
    if pd.notna(x.first_date) and windows["last_year"].start < x.first_date:
        out["last_year"] = np.nan
    return with_changes(out)


def _span_count(x: Extract, what: str, window: P.Window, keep, described: dict) -> int:
    """How many journeys have ``what`` in the window (those that pass ``keep``, a filter on :func:`events_in`'s
    frame, which is worked out once per column and window and kept in ``described``)."""
    if keep is None:
        return len(_journeys_in(x, what, window))
    key = (what, window.start, window.end)
    if key not in described:
        described[key] = events_in(x, what, window)
    return int(keep(described[key]).sum())


def projected_full_year(x: Extract, period) -> pd.DataFrame:
    """Adoption orders and placement orders: so far this span, projected for the full year from the run rate
    (so far × 12 ÷ months elapsed) and last full year's total."""
    p = P.month_end(period)
    months = (p.month - 3) % 12 or 12
    last_fy = P.financial_year_window(P.financial_year_start(p) - pd.DateOffset(years=1))
    rows = []
    for label, col in (("Adoption orders", "ADOPTION_ORDER"), ("Placement orders", "PO_DATE")):
        so_far = len(_journeys_in(x, col, span_window(p)))
        rows.append({"measure": label, "so_far": so_far, "months": months,
                     "projected_full_year": so_far * 12 / months,
                     "last_full_year": len(_journeys_in(x, col, last_fy))})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- the report's distributions
def distributions(x: Extract, period) -> list[dict]:
    """Every distribution of SPEC 4 as a list of {section, title, table, category, kind, tracking} where
    ``table`` is tidy (a category column and ``children``, or MONTH/FY/children for kind "monthly", or a
    category with one column per band for kind "stacked"). The notebook shows each as a table and a chart."""
    p = P.month_end(period)
    span = span_window(p)
    five_years = P.Window(year_windows(p, 4)[0][1].start, p)
    ages, area_list, district_list = AGE_BANDS, areas(x), districts(x)
    adopted, placed_in = events_in(x, "ADOPTION_ORDER", span), events_in(x, "PLACED_DATE", span)
    pos = events_in(x, "PO_DATE", span)
    placed_now, waiting, proceedings = placed_not_adopted(x, p), waiting_children(x, p), in_proceedings(x, p)
    out = []

    def add(section, title, table, category, kind="bar", tracking=False):
        out.append({"section": section, "title": title, "table": table, "category": category, "kind": kind,
                    "tracking": tracking})

    s = "Children adopted"
    add(s, "Children adopted by month", monthly(x, "ADOPTION_ORDER", p), "MONTH", "monthly")
    add(s, "Children adopted by area (current span)", breakdown(adopted, "AREA", area_list), "AREA")
    s = "Children placed for adoption, not yet adopted"
    add(s, f"Placed, not yet adopted at {p:%d/%m/%Y}, by area", breakdown(placed_now, "AREA", area_list), "AREA")
    add(s, f"Placed, not yet adopted at {p:%d/%m/%Y}, by time since placement",
        breakdown(placed_now, "TIME_PLACED", PLACED_BANDS), "TIME_PLACED")
    s = "Children placed for adoption"
    add(s, "Children placed for adoption by month", monthly(x, "PLACED_DATE", p), "MONTH", "monthly")
    add(s, "Placed for adoption by district (current span)", breakdown(placed_in, "DISTRICT", district_list), "DISTRICT")
    add(s, "Placed for adoption by age at placement (current span)", breakdown(placed_in, "AGE_BAND", ages), "AGE_BAND")
    add(s, "Placed for adoption: single children and sibling groups (current span)",
        breakdown(placed_in, "SIBLINGS", ["Single child", "Sibling group", NOT_RECORDED]), "SIBLINGS", tracking=True)
    s = "Matches"
    add(s, "Matches agreed by month", monthly(x, "MATCH_DATE", p), "MONTH", "monthly")
    s = "Placement orders"
    add(s, "Placement orders granted by month (three years)", monthly(x, "PO_DATE", p, years=3), "MONTH", "monthly")
    add(s, "Placement orders by area (current span)", breakdown(pos, "AREA", area_list), "AREA")
    add(s, "Placement orders by age of the child (current span)", breakdown(pos, "AGE_BAND", ages), "AGE_BAND")
    add(s, "Placement orders: age mix by financial year",
        breakdown(events_in(x, "PO_DATE", five_years), ["FY", "AGE_BAND"], ages), "FY", "stacked")
    add(s, "Placement orders by ethnicity (current span)", breakdown(pos, "ETHNIC_GROUP"), "ETHNIC_GROUP")
    s = "Children waiting with a placement order"
    add(s, "Waiting by family-finding status", breakdown(waiting, "STATUS_FF"), "STATUS_FF", tracking=True)
    add(s, "Waiting by age", breakdown(waiting, "AGE_BAND", ages), "AGE_BAND")
    add(s, "Waiting by ethnicity", breakdown(waiting, "ETHNIC_GROUP"), "ETHNIC_GROUP")
    add(s, "Waiting: single children and sibling groups",
        breakdown(waiting, "SIBLINGS", ["Single child", "Sibling group", NOT_RECORDED]), "SIBLINGS", tracking=True)
    add(s, "Waiting by disability", breakdown(waiting, "DISABILITY", ["No", "Yes", NOT_RECORDED]), "DISABILITY",
        tracking=True)
    add(s, "Waiting by time since the placement order", breakdown(waiting, "TIME_SINCE_PO", WAITING_BANDS),
        "TIME_SINCE_PO")
    s = "Children in proceedings"
    add(s, "In proceedings (ADM decision, no placement order) by time since the ADM decision",
        breakdown(proceedings, "TIME_SINCE_ADM", PROCEEDINGS_BANDS), "TIME_SINCE_ADM")
    s = "ADM decisions"
    add(s, "ADM adoption decisions by month", monthly(x, "ADM_DATE", p), "MONTH", "monthly")
    add(s, "ADM adoption decisions by district (current span)", breakdown(events_in(x, "ADM_DATE", span), "DISTRICT",
                                                                           district_list), "DISTRICT")
    s = "Disruptions"
    add(s, "Disruptions before the adoption order by financial year",
        breakdown(events_in(x, "DISRUPTION_DATE", five_years), "FY",
                  [P.financial_year_label(w.start) for _, w in year_windows(p, 4)]), "FY")
    return out


