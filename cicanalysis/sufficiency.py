"""The placement sufficiency strategy progress report (SPEC 6): eight measures under four challenges, each
a quarterly trend with an analysis line and a direction since the previous quarter.

Every measure is an indicator of the metric engine (``metrics.CATALOGUE`` or ``metrics.EXTRA``), computed
by ``scorecard.values`` for each quarter end: one definition, shared with the scorecard. ``MEASURES``
declares the report: one entry per series (the challenge, the indicator, including or excluding UASC,
the direction the strategy expects, whether areas are shown).

Direction since the previous quarter: a change within the tolerance is "Remaining stable"; otherwise
"Improving" or "Declining" by the indicator's polarity. The tolerance is in percentage points for
percentages and in per cent of the previous value for counts and averages.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import metrics as M
from . import periods as P
from . import scorecard
from .episodes import Extract
from .formatting import format_value
from .errors import CicError

START = pd.Timestamp("2012-04-01")
IMPROVING, STABLE, DECLINING = "Improving", "Remaining stable", "Declining"
EXPECT_WORDS = {"increase": "an increase", "reduction": "a reduction", "stable": "it to remain stable"}
EXPECT_ARROWS = {"increase": "expected: increase ▲", "reduction": "expected: reduction ▼", "stable": "expected: stable ►"}

CHALLENGES = {
    1: "Safely reducing the number of children who need to come into care",
    2: "Good homes for care leavers",
    3: "Enough local placements, close to home",
    4: "Stability and permanence",
}


@dataclass(frozen=True)
class Measure:
    id: str
    number: str                  # as on the officers' appendix: 1a, 1b, 2, ...
    challenge: int
    title: str                   # what is measured, in the words of the report
    indicator: str               # metric engine indicator
    include_uasc: bool = True
    expect: str = "increase"     # the strategy's expected direction: increase, reduction, stable
    show: str = "value"          # value, or numerator (the number of children)
    by_area: bool = False

    @property
    def ind(self) -> M.Indicator:
        return M.get(self.indicator)


MEASURES = [
    Measure("CIC_INCL", "1a", 1, "Children in care at the quarter end (including UASC)", "CIC_TOTAL", True, "reduction"),
    Measure("CIC_EXCL", "1b", 1, "Children in care at the quarter end (excluding UASC)", "CIC_CITIZEN", False,
            "reduction"),
    Measure("STARTED", "1c", 1, "Children entering care in the quarter", "CIC_STARTED", True, "reduction"),
    Measure("CL_ACCOM", "2", 2, "Care leavers in suitable accommodation", "CL_SUITABLE_ACCOM", True, "increase"),
    Measure("NEAR_NUMBER", "3a", 3, "Children placed within 20 miles of home (excluding UASC)", "WITHIN_20_MILES",
            False, "increase", show="numerator"),
    Measure("NEAR_PCT", "3b", 3, "Children placed within 20 miles of home (excluding UASC)", "WITHIN_20_MILES",
            False, "increase", by_area=True),
    Measure("STABILITY", "4", 4, "Children in care 2.5 years+ in the same placement for 2 years", "STABILITY_2Y",
            True, "stable"),
    Measure("OWN_FOSTER", "5", 3, "Children in own-authority foster care (excluding UASC)", "OWN_FOSTER", False,
            "increase"),
    Measure("MOVES", "6", 4, "Children with 3 or more placements in 12 months", "PLACEMENTS_3PLUS", True, "reduction"),
    Measure("BLA_TO_PLACED", "7", 4, "Average days from entering care to being placed for adoption",
            "BLA_TO_PLACED_R12M", True, "reduction"),
    Measure("LONG_TERM", "8", 3, "Children in permanent long-term fostering (U1/U4)", "LONG_TERM_FOSTER", True,
            "increase"),
]
MEASURE = {m.id: m for m in MEASURES}


def check_quarter(x: Extract, period) -> pd.Timestamp:
    p = scorecard.check_period(x, period)
    if not P.is_quarter_end(p):
        raise CicError(f"period {p:%d/%m/%Y} is not a quarter end: the sufficiency report is quarterly "
                       f"(30/06, 30/09, 31/12, 31/03), e.g. {P.quarter_end(p):%Y-%m-%d}", rule="quarter end")
    return p


def quarters(x: Extract, period, start=START) -> list[pd.Timestamp]:
    """Quarter ends from the first after ``start`` (or the start of the data) to the period."""
    first = max(pd.Timestamp(start), x.first_date)
    return P.quarter_ends(first, period)


def trend(x: Extract, period, start=START, measures=None) -> pd.DataFrame:
    """Quarterly values: measure, number, challenge, title, unit_name (the county or an area), quarter,
    value (the number of children for ``show="numerator"``), numerator, denominator, unit."""
    p = check_quarter(x, period)
    rows = []
    for m in measures or MEASURES:
        m = MEASURE[m] if isinstance(m, str) else m
        levels = ("county", "area") if m.by_area else ("county",)
        for q in quarters(x, p, start):
            v = scorecard.values(x, q, m.include_uasc, [m.ind], levels)
            shown = v["numerator"] if m.show == "numerator" else v["value"]
            for (_, r), val in zip(v.iterrows(), shown):
                rows.append({"measure": m.id, "number": m.number, "challenge": m.challenge, "title": m.title,
                             "level": r["level"], "unit_name": r["unit_name"], "quarter": q, "value": val,
                             "numerator": r["numerator"], "denominator": r["denominator"],
                             "unit": "count" if m.show == "numerator" else m.ind.unit})
    return pd.DataFrame(rows)


def direction(current, previous, polarity: str, unit: str, tolerance: float = 1.0) -> str:
    """Improving / Remaining stable / Declining since the previous quarter. A change of at most the tolerance
    (percentage points for %; per cent of the previous value otherwise) is stable. '' when either is missing."""
    if current is None or previous is None or pd.isna(current) or pd.isna(previous):
        return ""
    change = current - previous
    size = abs(change) if unit == "%" else (abs(change) / abs(previous) * 100 if previous else math.inf)
    if size <= tolerance or math.isclose(size, tolerance, rel_tol=1e-9, abs_tol=1e-12) or change == 0:
        return STABLE
    better = change < 0 if polarity == "L" else change > 0
    return IMPROVING if better else DECLINING


def _format(value, unit: str) -> str:
    """A measure's value: 72.7%, 420 days, else a whole number (n/a when there is none)."""
    return format_value(value, unit if unit in ("%", "days") else "count")


def analysis_line(t: pd.DataFrame, m: Measure | str, tolerance: float = 1.0) -> str:
    """One generated sentence for a measure's county trend: from the first quarter to the latest, the
    previous quarter, and what the strategy expects."""
    m = MEASURE[m] if isinstance(m, str) else m
    s = t[(t["measure"] == m.id) & (t["level"] == "county")].dropna(subset=["value"]).sort_values("quarter")
    if s.empty:
        return f"{m.title}: no data for these quarters."
    first, last = s.iloc[0], s.iloc[-1]
    unit = last["unit"]
    what = (f"The percentage of {m.title[0].lower()}{m.title[1:]}" if unit == "%" else
            f"The average days from entering care to being placed for adoption" if unit == "days" else
            f"The number of {m.title[0].lower()}{m.title[1:]}")
    d = last["value"] - first["value"]
    verb = "has stayed at" if d == 0 else ("has increased from" if d > 0 else "has decreased from")
    text = (f"{what} {verb} {_format(first['value'], unit)} in {first['quarter']:%B %Y}"
            + ("" if d == 0 else f" to {_format(last['value'], unit)} in {last['quarter']:%B %Y}"))
    if len(s) > 1:
        prev = s.iloc[-2]
        dot = direction(last["value"], prev["value"], m.ind.polarity, unit, tolerance)
        text += f" ({_format(prev['value'], unit)} the previous quarter: {dot.lower()})"
    return text + f". The strategy expects {EXPECT_WORDS[m.expect]}."


def summary_table(t: pd.DataFrame, period, tolerance: float = 1.0) -> pd.DataFrame:
    """The one-page appendix: challenge, measure, current performance, previous quarter, direction, expected."""
    p = pd.Timestamp(period)
    rows = []
    for m in MEASURES:
        s = t[(t["measure"] == m.id) & (t["level"] == "county")].set_index("quarter")["value"]
        unit = t.loc[t["measure"] == m.id, "unit"].iloc[0] if (t["measure"] == m.id).any() else m.ind.unit
        cur = s.get(p, np.nan)
        prev_q = P.month_end_of(p - pd.DateOffset(months=3))
        prev = s.get(prev_q, np.nan)
        rows.append({"Challenge": f"{m.challenge}. {CHALLENGES[m.challenge]}", "Measure": f"{m.number} {m.title}"
                     + (" (number)" if m.show == "numerator" else " (%)" if unit == "%" else ""),
                     "Current performance": _format(cur, unit), "Previous quarter": _format(prev, unit),
                     "Direction": direction(cur, prev, m.ind.polarity, unit, tolerance),
                     "Expected": m.expect})
    return pd.DataFrame(rows).sort_values("Challenge", kind="stable").reset_index(drop=True)


def area_table(t: pd.DataFrame, period, measure: str = "NEAR_PCT", tolerance: float = 1.0) -> pd.DataFrame:
    """A by-area measure at the period and the previous quarter with the direction (the report's focus on the
    disability service and the west)."""
    m = MEASURE[measure]
    p = pd.Timestamp(period)
    prev = P.month_end_of(p - pd.DateOffset(months=3))
    s = t[t["measure"] == measure]
    now, before = s[s["quarter"] == p].set_index("unit_name"), s[s["quarter"] == prev].set_index("unit_name")
    out = pd.DataFrame({"Area": now.index, "Children": now["denominator"].to_numpy(),
                        "Within 20 miles": now["numerator"].to_numpy(), "%": now["value"].to_numpy(),
                        "Previous quarter %": before["value"].reindex(now.index).to_numpy()})
    out["Direction"] = [direction(c, b, m.ind.polarity, "%", tolerance) for c, b in zip(out["%"], out["Previous quarter %"])]
    return out


def direction_colour(value: str) -> str:
    return {IMPROVING: "background-color: #2e7d32; color: white", DECLINING: "background-color: #c62828; color: white",
            STABLE: "background-color: #f9a825"}.get(value, "")


def scorecard_note(x: Extract, period, m: Measure | str) -> str:
    """For a measure that leaves UASC out where the monthly scorecard counts them (own-authority foster care),
    one line giving both figures, so the two reports do not look inconsistent ('' otherwise)."""
    m = MEASURE[m] if isinstance(m, str) else m
    if m.include_uasc or m.ind.uasc != "include" or m.ind not in M.CATALOGUE:
        return ""
    p = pd.Timestamp(period)
    both = {inc: scorecard.values(x, p, inc, [m.ind], ("county",))["value"] for inc in (True, False)}
    if both[True].empty or both[False].empty:
        return ""
    unit = m.ind.unit
    return (f"This measure excludes UASC: {_format(both[False].iloc[0], unit)} at {p:%d/%m/%Y}. The monthly "
            f"scorecard's '{m.ind.title}' includes them: {_format(both[True].iloc[0], unit)}.")


def headline(t: pd.DataFrame, period, tolerance: float = 1.0) -> list[str]:
    """The report's headline: how many measures improved, stayed stable or declined since the previous
    quarter, which declined, and which moved against the direction the strategy expects."""
    s = summary_table(t, period, tolerance)
    counts = s["Direction"].value_counts()
    p = pd.Timestamp(period)
    lines = [f"At {p:%d/%m/%Y} ({P.quarter_label(p)}), {_count(counts.get(IMPROVING, 0))} improved since the "
             f"previous quarter, {int(counts.get(STABLE, 0))} remained stable (within the tolerance of "
             f"{tolerance:g}) and {int(counts.get(DECLINING, 0))} declined."]
    declining = s[s["Direction"] == DECLINING]
    if len(declining):
        lines.append("Declining: " + "; ".join(f"{r['Measure']} ({r['Previous quarter']} to {r['Current performance']})"
                                               for _, r in declining.iterrows()) + ".")
    against = []
    for _, r in s.iterrows():
        moved = {IMPROVING: "improved", DECLINING: "declined"}.get(r["Direction"])
        if r["Expected"] == "stable" and moved:
            against.append(f"{r['Measure']} ({moved}; the strategy expects it to remain stable)")
    if against:
        lines.append("Not as the strategy expects: " + "; ".join(against) + ".")
    return lines


def _count(n) -> str:
    n = int(n)
    return f"{n} measure{'s' if n != 1 else ''}"
