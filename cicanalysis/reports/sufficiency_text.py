"""The sufficiency strategy's sentences and display tables, written from the measures (:mod:`cicanalysis.measures.sufficiency`):
the measures return numbers, this module the words."""
from __future__ import annotations

import pandas as pd

from ..core import periods as P
from ..measures import metrics as M
from ..measures import scorecard
from ..measures.sufficiency import CHALLENGES, DECLINING, IMPROVING, MEASURE, MEASURES, STABLE, Measure, direction
from ..model.extract import Extract
from .formatting import format_value
import numpy as np


EXPECT_WORDS = {"increase": "an increase", "reduction": "a reduction", "stable": "it to remain stable"}


EXPECT_ARROWS = {"increase": "expected: increase ▲", "reduction": "expected: reduction ▼", "stable": "expected: stable ►"}


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
            "The average days from entering care to being placed for adoption" if unit == "days" else
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
