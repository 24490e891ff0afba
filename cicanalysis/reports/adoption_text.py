"""The adoption journey's sentences and display tables, written from the measures (:mod:`cicanalysis.measures.adoption`):
the measures return numbers, this module the words."""
from __future__ import annotations

import pandas as pd

from ..core import periods as P
from ..measures.adoption import (TIMESCALES, ThresholdCheck, average_excluding, forecast_check, has_tracking, span_window,
                                 threshold_check)
from ..model.extract import NO_DISTRICT, UNKNOWN, Extract
from .formatting import label


def tracking_note(x: Extract, what: str) -> str:
    """The one line shown in place of a section that needs the tracking table ('' when present)."""
    return "" if has_tracking(x) else (f"{what}: not available, because this needs the local adoption tracking "
                                       f"table, which was not supplied.")


def a1_a2_display(a1a2: pd.DataFrame) -> pd.DataFrame:
    """The A1/A2 table as the report shows it: the columns that have figures, partial windows marked."""
    t = a1a2.copy()
    t["window"] = [f"{w} (partial)" if p else w for w, p in zip(t["window"], t["partial"])]
    t["meets_threshold"] = t["meets_threshold"].where(t["three_year_avg_days"].notna())
    keep = [c for c in t.columns if c not in ("partial",) and not (c.startswith(("england", "neighbours"))
                                                                   and t[c].isna().all())]
    return t[keep]


def threshold_sentence(a1a2: pd.DataFrame | ThresholdCheck, measure: str | None = None) -> str:
    """One sentence on the current 3-year average of A1 or A2 against its DfE threshold (a
    :class:`ThresholdCheck`, or the A1/A2 table and the measure)."""
    c = a1a2 if isinstance(a1a2, ThresholdCheck) else threshold_check(a1a2, measure)
    name = {"A1": "A1 (entering care to moving in with the adoptive family)",
            "A2": "A2 (placement order to the match decision)"}[c.measure]
    if pd.isna(c.days):
        return f"{name}: no children adopted in the 3-year window {c.window}."
    verdict = (f"{abs(c.gap):,.0f} days above the DfE threshold of {c.threshold:,.0f} days: the threshold is missed"
               if c.gap > 0 else f"within the DfE threshold of {c.threshold:,.0f} days"
               + (f" by {abs(c.gap):,.0f} days" if c.gap < 0 else ""))
    part = " (a partial window: fewer than three full years so far)" if c.partial else ""
    return (f"{name}: the 3-year average for {c.window}{part} is {c.days:,.0f} days over "
            f"{c.children:,} children, {verdict}.")


def outlier_sentence(measure: str, cases: pd.DataFrame, exclude=()) -> str:
    a = average_excluding(cases, exclude)
    if not a["children"]:
        return f"{measure}: no children in the window."
    text = f"{measure}: the average is {a['average']:,.0f} days over {a['children']:,} children"
    if a["excluded"]:
        text += (f"; excluding {a['excluded']} {'case' if a['excluded'] == 1 else 'cases'} the average is "
                 f"{a['average_excluding']:,.0f} days")
    return text + "."


def forecast_sentence(forecast: pd.DataFrame | ThresholdCheck) -> str:
    """One sentence on a forecast A1 or A2 against its DfE threshold."""
    c = forecast if isinstance(forecast, ThresholdCheck) else forecast_check(forecast)
    if not c.children:
        return f"No children are adopted or expected to be adopted in {c.window}."
    verdict = (f"within the DfE threshold of {c.threshold:,.0f} days" if c.gap <= 0 else
               f"{c.gap:,.0f} days above the DfE threshold of {c.threshold:,.0f} days")
    return (f"The forecast {c.measure} for {c.window} is {c.days:,.0f} days over "
            f"{c.children:,} children (those adopted so far plus those placed, matched or waiting who are "
            f"expected to be adopted by 31 March), {verdict}.")


def forecast_adds_nothing(forecast: pd.DataFrame | ThresholdCheck, a1a2: pd.DataFrame) -> bool:
    """True when the forecast for the window reads as its actual 3-year average (same days and children as
    shown): at the window's end, e.g. at 31 March, nothing is left to forecast and the forecast is not stated."""
    c = forecast if isinstance(forecast, ThresholdCheck) else forecast_check(forecast)
    a = threshold_check(a1a2, c.measure)
    if c.window != a.window or c.children != a.children:
        return False
    return (pd.isna(c.days) and pd.isna(a.days)) or (not pd.isna(c.days) and not pd.isna(a.days)
                                                     and round(c.days) == round(a.days))


def forecast_complete_note(window: str, period) -> str:
    """The one line that replaces the forecasts when they add nothing."""
    return (f"The 3-year window {window} ends at {P.month_end(period):%d/%m/%Y}: the forecasts for it are its actual "
            f"averages, stated above.")


def outliers_add_nothing(cases_by_measure: dict, exclude=()) -> bool:
    """True when no agreed outlier is among the cases: the averages with and without them are the same."""
    return all(not average_excluding(cases, exclude)["excluded"] for cases in cases_by_measure.values())


def projection_adds_nothing(projected: pd.DataFrame) -> bool:
    """True at the year end (12 months elapsed): the projected full year is the year's actual figure."""
    return bool(len(projected)) and bool((projected["months"] == 12).all())


def _span_words(period) -> str:
    p = P.month_end(period)
    w = span_window(p)
    return f"between {w.start:%-d %B %Y} and {p:%-d %B %Y}"


def summary_bullets(summary: pd.DataFrame, period) -> list[str]:
    """One plain-English line per headline measure with the change against the same span last year (or, for
    counts at the period end, against the same date last year)."""
    p = P.month_end(period)
    last = P.month_end_of(p - pd.DateOffset(years=1))
    get = summary.set_index("measure")
    span = _span_words(p)

    def line(measure, one, many, rest, snapshot=False):
        r = get.loc[measure]
        if pd.isna(r["this_span"]):
            return None
        now, before = r["this_span"], r["last_year"]
        against = f"at {last:%d/%m/%Y}" if snapshot else "in the same period last year"
        if pd.isna(before):         # last year's span starts before the data: nothing to compare with
            change = (f"; there are no figures for {last:%d/%m/%Y} " if snapshot else
                      "; there are no figures for the same period last year ") + "to compare with (before the data start)"
        elif now == before:
            change = f", the same as {against} ({before:,.0f})"
        else:
            pc = f" ({100 * (now - before) / before:+.1f}%)" if before else ""
            change = (f", {abs(now - before):,.0f} {'more' if now > before else 'fewer'}{pc} than {against} "
                      f"({before:,.0f})")
        start = f"At {p:%d/%m/%Y}, " if snapshot else ""
        return f"{start}{now:,.0f} {one if now == 1 else many} {rest}{change}."

    out = [
        line("Children adopted", "child was", "children were", f"adopted {span}"),
        line("Children placed for adoption", "child was", "children were",
             f"placed with their adoptive families {span}"),
        line("Matches agreed", "match was", "matches were", f"agreed {span}"),
        line("Placement orders granted", "placement order was", "placement orders were", f"granted {span}"),
        line("ADM adoption decisions", "child", "children", f"had an agency decision that they should be adopted {span}"),
        line("Plans changed away from adoption", "child's plan", "children's plans", f"changed away from adoption {span}"),
        line("Placed for adoption, not yet adopted (at the period end)", "child was", "children were",
             "placed for adoption and not yet adopted", True),
        line("Children waiting with a placement order and no placement (at the period end)", "child was",
             "children were", "waiting with a placement order and no adoptive placement", True),
        line("Children in proceedings with an ADM decision and no placement order (at the period end)", "child",
             "children", "with an adoption decision had no placement order yet (in proceedings)", True),
    ]
    return [b for b in out if b]


def timescale_definitions() -> pd.DataFrame:
    """The timescales as a table an officer can read (shown at the end of the report)."""
    return pd.DataFrame([{"Timescale": t.title, "From": label(t.start), "To": label(t.end), "Within": t.limit_label,
                          "Counted in the period of": label(t.when), "Cases": t.cohort,
                          "Needs the tracking table": "yes" if t.tracking else ""} for t in TIMESCALES])


def timescale_display(frame: pd.DataFrame, group: str = "Year") -> pd.DataFrame:
    """A by-year or by-district timescale frame with the column names of the report."""
    return pd.DataFrame({"Timescale": frame["title"], "Within": frame["limit"], group: frame["group"],
                         "Cases": frame["cases"], "Within timescale": frame["within"], "% within": frame["pct_within"],
                         "Average days (working days where the limit is)": frame["avg_days"],
                         "Average months": frame["avg_months"].where(~frame["limit"].str.endswith("working days"))})


def district_range(by_district: pd.DataFrame, least: int = 3) -> pd.DataFrame:
    """Each timescale in the current span, a row: the county's cases, % within and average days, and the districts
    with the highest and lowest % within among those with at least ``least`` cases (fewer say little), as
    'Dartford 80%'; blank when no district has that many. Children with no district or an unknown one count in the
    county's figures but are no district to name. The full by-district table goes to the workbook."""
    rows = []
    for ts, t in by_district.groupby("timescale", sort=False):
        total = t[t["group"] == "Total"].iloc[0]
        named = ~t["group"].isin(["Total", NO_DISTRICT, UNKNOWN])
        d = t[named & (t["cases"] >= least)].sort_values(["pct_within", "cases"], ascending=[False, False])
        rows.append({"Timescale": total["title"], "Within": total["limit"], "Cases": total["cases"],
                     "% within": total["pct_within"], "Average days": total["avg_days"],
                     f"Highest % within (districts of {least}+ cases)": _district_pct(d.head(1)),
                     "Lowest % within": _district_pct(d.tail(1)) if len(d) > 1 else ""})
    return pd.DataFrame(rows)


def _district_pct(row: pd.DataFrame) -> str:
    return "" if row.empty else f"{row['group'].iloc[0]} {row['pct_within'].iloc[0]:.0f}%"


def distribution_sections(x: Extract, dists: list) -> list[tuple[str, list, list[str]]]:
    """The distributions by section, in their order: (section, the entries to chart, the lines shown in place of
    those that need the tracking table when it was not supplied)."""
    out = []
    for section in dict.fromkeys(d["section"] for d in dists):
        ds = [d for d in dists if d["section"] == section]
        missing = [d for d in ds if d["tracking"] and not has_tracking(x)]
        out.append((section, [d for d in ds if d not in missing], [tracking_note(x, d["title"]) for d in missing]))
    return out
