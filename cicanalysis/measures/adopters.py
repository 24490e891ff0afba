"""The adopters' journey (SPEC 5) and the adopter sufficiency forecast (SPEC 5.1).

Input: ``adopters.csv``, one row per prospective adoptive household (SPEC 2.3). The span of a report is
1 April to the period end, compared with the same span last year. Timeliness measures are declared in
``STEPS`` (start and end columns, limit and unit) and counted in the period of their end date.

The forecast, :func:`sufficiency_forecast`, is a pure function of named inputs; :func:`forecast_inputs`
derives every default from the data and any of them can be overridden (notebook parameters).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import adoption
from ..core import periods as P
from ..config import reference
from ..model.extract import Extract
from ..core.changes import with_changes
from ..core.errors import CicError
from ..validate.schema import TABLES

OUT_OF_AREA = "Out of area"
UNKNOWN = "Unknown"
WAITING_BANDS = ["Under 6 months", "6-12 months", "12 months or more"]


def households(x: Extract) -> pd.DataFrame:
    """The adopters table with AREA_GROUP (a configured district, 'Out of area' for another authority's name,
    'Unknown' when blank) and STAGE2_DECISION (approval or rejection date)."""
    if "adopter_households" not in x.cache:
        if not x.sources.get("adopters"):
            raise CicError("the extract has no adopters.csv (one row per prospective adoptive household): the "
                           "adopters' journey needs it", file=x.source, rule="local table present")
        h = x["adopters"].copy()
        spec = TABLES["adopters"]
        for col in spec.optional:  # an optional column the file does not have is blank throughout
            if col not in h:
                h[col] = pd.Series(pd.NaT if col in spec.dates else pd.NA, index=h.index,
                                   dtype="datetime64[ns]" if col in spec.dates else "object")
        districts = set(x.teams["DISTRICT"])
        d = h["DISTRICT"].astype("string").str.strip().fillna("")
        h["DISTRICT_GROUP"] = np.where(d.eq(""), UNKNOWN, np.where(d.isin(districts), d, OUT_OF_AREA))
        h["STAGE2_DECISION"] = h["APPROVAL_DATE"].fillna(h["REJECTED_DATE"]) if "REJECTED_DATE" in h else h["APPROVAL_DATE"]
        for col in ("ADOPTER_TYPE", "HOUSEHOLD", "ETHNICITY", "ROI_OUTCOME", "DELAY_CAUSE", "DELAY_REASON",
                    "WITHDRAWAL_REASON", "DEREGISTRATION_REASON", "ON_NATIONAL_REGISTER"):
            h[col] = h[col].astype("string").str.strip().replace("", pd.NA).fillna(UNKNOWN if col != "DELAY_CAUSE"
                                                                                    else "") if col in h else ""
        h["MAKE_UP"] = household_makeup(h)
        h["DISABLED"] = np.where(_yes(h["DISABILITY"]), "Yes", "No") if "DISABILITY" in h else UNKNOWN
        h["ETHNIC_GROUP"] = adoption.ethnic_group(h["ETHNICITY"])
        x.cache["adopter_households"] = h
    return x.cache["adopter_households"]


def _yes(values: pd.Series) -> pd.Series:
    return values.astype("string").str.strip().str.upper().str[:1].eq("Y").fillna(False).astype(bool)


# ---------------------------------------------------------------- timeliness
@dataclass(frozen=True)
class Step:
    id: str
    title: str
    start: str
    end: str
    limit: float
    unit: str                       # working days, months
    national: str = ""              # national_averages.csv MEASURE to compare the average with

    @property
    def limit_label(self) -> str:
        return f"{int(self.limit)} {self.unit}"


STEPS = [
    Step("ROI_PACK", "Formal enquiry to registration-of-interest pack sent", "FORMAL_ENQUIRY_DATE",
         "ROI_PACK_SENT_DATE", 10, "working days"),
    Step("VISIT_REPORT", "Initial visit to report written", "INITIAL_VISIT_DATE", "VISIT_REPORT_DATE", 3, "working days"),
    Step("VISIT_SIGNOFF", "Initial visit to report signed off", "INITIAL_VISIT_DATE", "VISIT_SIGNOFF_DATE", 5,
         "working days"),
    Step("ROI_DECISION", "Registration of interest to decision", "ROI_DATE", "ROI_DECISION_DATE", 5, "working days"),
    Step("STAGE1", "Stage 1 completed within 2 months", "STAGE1_START", "STAGE1_END", 2, "months",
         national="ADOPTER_STAGE1_DAYS"),
    Step("STAGE2", "Stage 2 decided within 4 months of application", "STAGE2_START", "STAGE2_DECISION", 4, "months",
         national="ADOPTER_STAGE2_DAYS"),
]
STEP = {s.id: s for s in STEPS}


def step_cases(x: Extract, step: str | Step, window: P.Window | None = None) -> pd.DataFrame:
    """One row per household completing the step (end date in the window): HOUSEHOLD_ID, START, END, DAYS
    (working days for working-day limits), WITHIN, and DELAY_CAUSE/DELAY_REASON."""
    s = STEP[step] if isinstance(step, str) else step
    h = households(x)
    c = h[h[s.start].notna() & h[s.end].notna()]
    if window is not None:
        c = c[window.contains(c[s.end])]
    return pd.DataFrame({"HOUSEHOLD_ID": c["HOUSEHOLD_ID"], "START": c[s.start], "END": c[s.end],
                         "DAYS": P.elapsed(c[s.start], c[s.end], s.unit),
                         "WITHIN": P.within_limit(c[s.start], c[s.end], s.limit, s.unit),
                         "DELAY_CAUSE": c["DELAY_CAUSE"], "DELAY_REASON": c["DELAY_REASON"]}).reset_index(drop=True)


def national_average(measure: str, period) -> float:
    """The latest national average on or before the period's financial year (else the earliest)."""
    n = reference.national_averages()
    n = n[n["MEASURE"] == measure].sort_values("FINANCIAL_YEAR")
    if n.empty:
        return np.nan
    earlier = n[n["FINANCIAL_YEAR"] <= P.financial_year_label(period)]
    return float((earlier.iloc[-1] if len(earlier) else n.iloc[0])["VALUE"])


def timeliness(x: Extract, period) -> pd.DataFrame:
    """Every step for the current span and the same span last year: cases, within, % within, average
    (working) days, and the national average where there is one."""
    p = P.month_end(period)
    rows = []
    for s in STEPS:
        for label, w in (("This span", adoption.span_window(p)), ("Same span last year", adoption.same_span_last_year(p))):
            c = step_cases(x, s, w)
            rows.append({"step": s.id, "title": s.title, "limit": s.limit_label, "span": label, "cases": len(c),
                         "within": int(c["WITHIN"].sum()), "pct_within": 100 * c["WITHIN"].mean() if len(c) else np.nan,
                         "avg_days": c["DAYS"].mean() if len(c) else np.nan,
                         "national_avg_days": national_average(s.national, p) if s.national else np.nan})
    return pd.DataFrame(rows)


def stage2_overruns(x: Extract, period) -> pd.DataFrame:
    """Stage 2 assessments decided in the span after more than 4 months, by cause (applicant / authority) and
    reason."""
    c = step_cases(x, "STAGE2", adoption.span_window(period))
    over = c[~c["WITHIN"]]
    cause = over["DELAY_CAUSE"].replace("", "Not recorded").fillna("Not recorded").str.capitalize()
    t = over.assign(cause=cause).groupby(["cause", "DELAY_REASON"]).size().rename("households").reset_index()
    return t.rename(columns={"DELAY_REASON": "reason"}).sort_values(["cause", "households"], ascending=[True, False])


# ---------------------------------------------------------------- counts in the span
def in_span(x: Extract, column: str, window: P.Window) -> pd.DataFrame:
    h = households(x)
    return h[h[column].notna() & window.contains(h[column])]


def enquiries_by_month(x: Extract, period, years: int = 3) -> pd.DataFrame:
    """Initial enquiries by month for the last ``years`` financial years (MONTH, households, FY, MONTH_NAME)."""
    return P.monthly_counts(households(x)["ENQUIRY_DATE"], period, years, name="households")


def by_month(x: Extract, column: str, period, years: int = 2) -> pd.DataFrame:
    return P.monthly_counts(households(x)[column], period, years, name="households")


def compare_spans(x: Extract, column: str, by: str, period, order=None) -> pd.DataFrame:
    """Households with ``column`` dated in the span and in the same span last year, by ``by``, with the change."""
    p = P.month_end(period)
    now = in_span(x, column, adoption.span_window(p))[by].value_counts()
    before = in_span(x, column, adoption.same_span_last_year(p))[by].value_counts()
    cats = list(order or []) + sorted(c for c in set(now.index) | set(before.index) if c not in (order or []))
    t = pd.DataFrame({by: cats, "this_span": [int(now.get(c, 0)) for c in cats],
                      "last_year": [int(before.get(c, 0)) for c in cats]})
    total = pd.DataFrame({by: ["Total"], "this_span": [t["this_span"].sum()], "last_year": [t["last_year"].sum()]})
    return with_changes(pd.concat([t, total], ignore_index=True))


def district_order(x: Extract) -> list[str]:
    return list(dict.fromkeys(x.teams.loc[x.teams["DISTRICT"] != "Disability", "DISTRICT"])) + [OUT_OF_AREA, UNKNOWN]


def household_makeup(h: pd.DataFrame) -> pd.Series:
    """Couple / same-sex couple / single / unknown."""
    kind = h["HOUSEHOLD"].str.lower()
    same = _yes(h["SAME_SEX"]) if "SAME_SEX" in h else pd.Series(False, index=h.index)
    return pd.Series(np.where(kind.eq("couple") & same, "Same-sex couple",
                              np.where(kind.eq("couple"), "Couple", np.where(kind.eq("single"), "Single", UNKNOWN))),
                     index=h.index)


def stage2_applications(x: Extract, period) -> dict[str, pd.DataFrame]:
    """Stage 2 applications in the span (and the same span last year) by adopter type, household make-up,
    ethnicity, disability and district."""
    return {"Adopter type": compare_spans(x, "STAGE2_START", "ADOPTER_TYPE", period,
                                          ["first-time", "repeat", "foster carer"]),
            "Household make-up": compare_spans(x, "STAGE2_START", "MAKE_UP", period,
                                               ["Couple", "Same-sex couple", "Single"]),
            "Ethnicity": compare_spans(x, "STAGE2_START", "ETHNIC_GROUP", period),
            "Disability": compare_spans(x, "STAGE2_START", "DISABLED", period, ["No", "Yes"]),
            "District": compare_spans(x, "STAGE2_START", "DISTRICT_GROUP", period, district_order(x))}


# ---------------------------------------------------------------- at the period end
def status_on(x: Extract, date) -> pd.DataFrame:
    """Each household's position on ``date``: STATUS one of 'Stage 1', 'Between stages (on hold)', 'Stage 2',
    'Approved, not matched', 'Approved, on hold', 'Matched', or '' (not in the process: enquiring, declined,
    withdrawn, de-registered, rejected, or never started)."""
    d = pd.Timestamp(date)
    h = households(x)

    def on(col):
        return (h[col] <= d).fillna(False) if col in h else pd.Series(False, index=h.index)
    left = on("WITHDRAWN_DATE") | on("DEREGISTERED_DATE") | on("REJECTED_DATE")
    s1 = on("STAGE1_START") & ~on("STAGE1_END") & ~on("STAGE2_START")
    between = on("STAGE1_END") & ~on("STAGE2_START") & (_yes(h["DEFERRED"]) | h["STAGE2_START"].notna())
    s2 = on("STAGE2_START") & ~on("STAGE2_DECISION")
    approved = on("APPROVAL_DATE") & ~on("MATCH_DATE")
    hold = _yes(h["FAMILY_FINDING_ON_HOLD"]) if "FAMILY_FINDING_ON_HOLD" in h else pd.Series(False, index=h.index)
    status = np.select([left, s1, between, s2, approved & hold, approved, on("MATCH_DATE")],
                       ["", "Stage 1", "Between stages (on hold)", "Stage 2", "Approved, on hold",
                        "Approved, not matched", "Matched"], "")
    return h.assign(STATUS=status)


def open_assessments(x: Extract, period) -> pd.DataFrame:
    """Assessments open at the period end by stage and whether active or on hold."""
    s = status_on(x, period)
    s = s[s["STATUS"].isin(["Stage 1", "Between stages (on hold)", "Stage 2"])]
    active = np.where(s["STATUS"].str.contains("on hold"), "On hold", "Active")
    t = s.assign(state=active).groupby(["STATUS", "state"]).size().rename("households").reset_index()
    order = {"Stage 1": 0, "Between stages (on hold)": 1, "Stage 2": 2}
    return t.sort_values("STATUS", key=lambda c: c.map(order)).rename(columns={"STATUS": "stage"})


def approved_waiting(x: Extract, period) -> pd.DataFrame:
    """Approved households not yet matched at the period end with MONTHS_WAITING and WAITING (<6, 6-12, 12+
    months since approval), their family-finding status and national register status."""
    p = P.month_end(period)
    s = status_on(x, p)
    s = s[s["STATUS"].isin(["Approved, not matched", "Approved, on hold"])].copy()
    s["MONTHS_WAITING"] = (p - s["APPROVAL_DATE"]).dt.days / P.MONTH_DAYS
    s["WAITING"] = adoption.months_band(s["MONTHS_WAITING"], [6, 12], WAITING_BANDS, closed_right=False)
    return s


def withdrawals_and_deregistrations(x: Extract, period) -> pd.DataFrame:
    """Withdrawals and de-registrations in the span by reason (and the same span last year)."""
    w = compare_spans(x, "WITHDRAWN_DATE", "WITHDRAWAL_REASON", period).assign(kind="Withdrawal")
    d = compare_spans(x, "DEREGISTERED_DATE", "DEREGISTRATION_REASON", period).assign(kind="De-registration")
    w, d = w.rename(columns={"WITHDRAWAL_REASON": "reason"}), d.rename(columns={"DEREGISTRATION_REASON": "reason"})
    return pd.concat([w, d], ignore_index=True)[["kind", "reason", "this_span", "last_year", "change", "pct_change"]]


def summary(x: Extract, period) -> pd.DataFrame:
    """The adopters' journey in figures: measure, this_span, last_year, change."""
    p = P.month_end(period)
    now, before = adoption.span_window(p), adoption.same_span_last_year(p)
    h = households(x)
    stage1_withdrawn = h["WITHDRAWN_DATE"].notna() & h["STAGE1_START"].notna() & h["STAGE2_START"].isna() \
        & ~(h["STAGE1_END"] <= h["WITHDRAWN_DATE"]).fillna(False)
    not_invited = h["DEREGISTRATION_REASON"].str.lower().eq("not invited to stage 2")
    rows = [("Initial enquiries", "ENQUIRY_DATE", None),
            ("Formal enquiries", "FORMAL_ENQUIRY_DATE", None),
            ("Initial visits", "INITIAL_VISIT_DATE", None),
            ("Registrations of interest", "ROI_DATE", None),
            ("  accepted to Stage 1", "ROI_DECISION_DATE", h["ROI_OUTCOME"].str.lower().eq("stage 1")),
            ("  fast-tracked to Stage 2", "ROI_DECISION_DATE", h["ROI_OUTCOME"].str.lower().str.startswith("fast")),
            ("  declined", "ROI_DECISION_DATE", h["ROI_OUTCOME"].str.lower().eq("declined")),
            ("Stage 1 completed", "STAGE1_END", None),
            ("  not invited to Stage 2", "DEREGISTERED_DATE", not_invited),
            ("Withdrew during Stage 1", "WITHDRAWN_DATE", stage1_withdrawn),
            ("Stage 2 applications", "STAGE2_START", None),
            ("Deferred between stages", "STAGE1_END", _yes(h["DEFERRED"])),
            ("Approvals", "APPROVAL_DATE", None),
            ("Rejections", "REJECTED_DATE", None),
            ("Matches", "MATCH_DATE", None),
            ("  own adopters matched with another authority's child", "MATCH_DATE", _yes(h["OTHER_LA_CHILD"])),
            ("Placements", "PLACEMENT_DATE", None)]
    out = []
    for measure, col, keep in rows:
        sel = h if keep is None else h[keep.fillna(False).astype(bool)]
        out.append({"measure": measure, "this_span": int(now.contains(sel[col]).sum()),
                    "last_year": int(before.contains(sel[col]).sum())})
    last = P.month_end_of(p - pd.DateOffset(years=1))
    for label, statuses in (("Assessments open (at the period end)", ["Stage 1", "Between stages (on hold)", "Stage 2"]),
                            ("Approved, not yet matched (at the period end)", ["Approved, not matched", "Approved, on hold"])):
        out.append({"measure": label, "this_span": int(status_on(x, p)["STATUS"].isin(statuses).sum()),
                    "last_year": int(status_on(x, last)["STATUS"].isin(statuses).sum())})
    out = pd.DataFrame(out)
    start = records_start(x)
    if pd.notna(start) and before.start < start:    # last year's span (and a year earlier) before the table's records
        out["last_year"] = np.nan
    return with_changes(out)


def records_start(x: Extract) -> pd.Timestamp:
    """When the table of adoptive households starts: its earliest date of any step (a household can come in at a
    later step). A span that starts before it would count nothing for the months the table does not cover, so the
    summary leaves the same span last year blank (n/a) rather than compare with an undercount."""
    h = households(x)
    dates = [h[c].min() for c in TABLES["adopters"].dates if c in h and h[c].notna().any()]
    return min(dates) if dates else pd.NaT


# ---------------------------------------------------------------- the sufficiency forecast (SPEC 5.1)
@dataclass
class Forecast:
    period: pd.Timestamp
    inputs: dict
    need_per_month: float
    supply: float
    months_of_supply: float
    run_out: pd.Timestamp | None
    restart_by: pd.Timestamp | None
    projection: pd.DataFrame = field(repr=False)

    def table(self) -> pd.DataFrame:
        """The calculation step by step, as an officer would check it."""
        i = self.inputs
        rows = [("Forecast placement orders per year", i["placement_orders_per_year"]),
                ("Share placed with their own foster carers", i["share_own_foster_carer"]),
                ("Share whose plan changes away from adoption", i["share_plan_changes"]),
                ("Average sibling group size (children per household)", i["sibling_group_size"]),
                ("Households needed per month", self.need_per_month),
                ("Approved households with no link", i["approved_unlinked"]),
                ("Households in assessment", i["in_assessment"]),
                ("Assessment completion rate", i["completion_rate"]),
                ("Supply of households", self.supply),
                ("Months of supply", self.months_of_supply),
                ("Supply runs out (month end)", self.run_out),
                ("Recruitment lead time (months)", i["lead_time_months"]),
                ("Latest date recruitment must restart", self.restart_by)]
        return pd.DataFrame({"step": [r[0] for r in rows], "value": [_step_value(s, v) for s, v in rows]})


def _step_value(step: str, v) -> str:
    """A forecast step's value as the table shows it: a date; 'does not run out' for no date and for endless months
    of supply (no household needed: no placement orders); shares and rates in per cent; else the number."""
    if isinstance(v, pd.Timestamp):
        return f"{v:%d/%m/%Y}"
    if v is None or v == np.inf:
        return "does not run out"
    if "Share" in step or "rate" in step:
        return f"{v:.0%}"
    return f"{v:,.2f}" if isinstance(v, float) and not float(v).is_integer() else f"{v:,.0f}"


def sufficiency_forecast(period, placement_orders_per_year: float, share_own_foster_carer: float,
                         share_plan_changes: float, sibling_group_size: float, approved_unlinked: float,
                         in_assessment: float, completion_rate: float = 1.0, lead_time_months: int = 7,
                         months: int = 24) -> Forecast:
    """Households needed per month = POs a year × (1 − own foster carer share) × (1 − plan change share)
    ÷ sibling group size ÷ 12; supply = approved and unlinked + in assessment × completion rate; months of
    supply = supply ÷ need; supply runs out at the end of the last month it covers in full (period end +
    whole months of supply); recruitment must restart ``lead_time_months`` before that.

    SPEC's example: 90 POs, 15 %, 10 %, 1.2 → 4.78 households a month; 65 households at 31/10/2015 last
    13.6 months, to 30/11/2016; with a 7-month lead time recruitment must restart by 30/04/2016.
    """
    p = P.month_end(period)
    if sibling_group_size <= 0:
        raise ValueError("sibling_group_size must be positive")
    need = placement_orders_per_year * (1 - share_own_foster_carer) * (1 - share_plan_changes) / sibling_group_size / 12
    supply = approved_unlinked + in_assessment * completion_rate
    mos = supply / need if need > 0 else np.inf
    whole = int(np.floor(mos + 1e-9)) if np.isfinite(mos) else None  # 34.99999... months is 35
    run_out = P.month_end_of(P.add_months(p, whole)) if whole is not None else None
    restart = P.month_end_of(P.add_months(run_out, -int(lead_time_months))) if run_out is not None else None
    horizon = max(months, int(np.ceil(mos)) + 1 if np.isfinite(mos) else months)
    ends = [P.month_end_of(P.add_months(p, k)) for k in range(0, horizon + 1)]
    need_cum = np.arange(0, horizon + 1) * need
    proj = pd.DataFrame({"month": ends, "households_needed": need_cum,
                         "supply_remaining": np.maximum(supply - need_cum, 0.0),
                         "shortfall": np.maximum(need_cum - supply, 0.0)})
    inputs = dict(placement_orders_per_year=placement_orders_per_year, share_own_foster_carer=share_own_foster_carer,
                  share_plan_changes=share_plan_changes, sibling_group_size=sibling_group_size,
                  approved_unlinked=approved_unlinked, in_assessment=in_assessment, completion_rate=completion_rate,
                  lead_time_months=lead_time_months)
    return Forecast(p, inputs, need, supply, mos, run_out, restart, proj)


def forecast_inputs(x: Extract, period, **overrides) -> dict:
    """Defaults for :func:`sufficiency_forecast` from the data; any given (not None) override wins.

    - placement orders a year: orders granted in the 12 months to the period end (the run rate);
    - own foster carer share: of children placed for adoption in the last 3 years;
    - plan change share: plans changed away from adoption ÷ placement orders, last 3 years;
    - sibling group size: children placed per household placed with (adopters table), last 3 years;
    - approved and unlinked, in assessment: households at the period end (not those on hold)."""
    p = P.month_end(period)
    three = P.rolling_years_window(p, 3)
    j = adoption.journeys(x)
    placed = j[three.contains(j["PLACED_DATE"])]
    pos = int(three.contains(j["PO_DATE"]).sum())
    h = households(x)
    hp = h[three.contains(h["PLACEMENT_DATE"])]
    kids = pd.to_numeric(hp["CHILDREN_PLACED"], errors="coerce").dropna() if "CHILDREN_PLACED" in hp else pd.Series([])
    status = status_on(x, p)["STATUS"]
    d = {"placement_orders_per_year": float(P.r12m_window(p).contains(j["PO_DATE"]).sum()),
         "share_own_foster_carer": float(placed["FOSTER_CARER"].mean()) if len(placed) else 0.0,
         "share_plan_changes": min(1.0, float(three.contains(j["PLAN_CHANGED_DATE"]).sum()) / pos) if pos else 0.0,
         "sibling_group_size": float(kids.mean()) if len(kids) else 1.0,
         "approved_unlinked": float((status == "Approved, not matched").sum()),
         "in_assessment": float(status.isin(["Stage 1", "Stage 2"]).sum()),
         "completion_rate": 1.0, "lead_time_months": 7}
    d.update({k: v for k, v in overrides.items() if v is not None and k in d})
    return d


def assessment_outcomes(x: Extract, period, years: int = 3) -> dict:
    """Assessments (Stage 1 or 2 started) that ended in the ``years`` to the period: approved, and left
    without approval (withdrawn, de-registered or rejected before any approval). For the completion rate."""
    p = P.month_end(period)
    w = P.rolling_years_window(p, years)
    h = households(x)
    started = h["STAGE1_START"].notna() | h["STAGE2_START"].notna()
    approved = started & w.contains(h["APPROVAL_DATE"])
    left = pd.Series(False, index=h.index)
    for col in ("WITHDRAWN_DATE", "DEREGISTERED_DATE", "REJECTED_DATE"):
        if col in h:
            left |= w.contains(h[col]) & ~(h["APPROVAL_DATE"] <= h[col]).fillna(False)
    left &= started & ~approved
    return {"approved": int(approved.sum()), "left": int(left.sum())}


