"""The sufficiency strategy's sentences and display tables, written from the measures (:mod:`cicanalysis.measures.sufficiency`):
the measures return numbers, this module the words."""
from __future__ import annotations

import pandas as pd

from ..core import periods as P
from ..measures import metrics as M
from ..measures import scorecard
from ..measures.sufficiency import CHALLENGES, MEASURE, MEASURES, START, Measure, quarters, towards_aim, trend_start
from ..model.extract import Extract
from .formatting import format_value
from .scorecard_text import _and
import numpy as np


EXPECT_WORDS = {"increase": "an increase", "reduction": "a reduction", "stable": "it to remain stable"}


EXPECT_ARROWS = {"increase": "expected: increase ▲", "reduction": "expected: reduction ▼", "stable": "expected: stable ►"}

TOWARDS, STABLE, AWAY = "Moving towards the aim", "Stable", "Moving away from the aim"
MOVEMENT_WORDS = {1: TOWARDS, 0: STABLE, -1: AWAY}
# not RAG: a pale blue, a pale orange and grey, with dark text; the words carry the meaning
MOVEMENT_STYLES = {TOWARDS: "background-color: #d6e6f4; color: #0b2e4f", AWAY: "background-color: #fbe3c8; color: #5a2d00",
                   STABLE: "background-color: #ececec; color: #222222"}


def movement_word(current, previous, m: Measure, unit: str, tolerance: float = 1.0) -> str:
    """'Moving towards the aim', 'Stable' or 'Moving away from the aim' since the previous quarter ('' without
    both values): :func:`cicanalysis.measures.sufficiency.towards_aim` in words."""
    return MOVEMENT_WORDS.get(towards_aim(current, previous, m.expect, unit, tolerance), "")


def tolerance_words(tolerance: float) -> str:
    """The stated tolerance: what counts as stable."""
    return (f"a change of at most {tolerance:g} percentage point{'s' if tolerance != 1 else ''} for percentages, "
            f"{tolerance:g}% of the previous quarter's value for numbers and averages")


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
        word = movement_word(last["value"], prev["value"], m, unit, tolerance)
        text += f" ({_format(prev['value'], unit)} the previous quarter: {word.lower()})"
    return text + f". The strategy expects {EXPECT_WORDS[m.expect]}."


def summary_table(t: pd.DataFrame, period, tolerance: float = 1.0) -> pd.DataFrame:
    """The one-page summary, measures in the order of SPEC 6: challenge, measure, current performance, previous
    quarter, direction (against the strategy's aim), the aim."""
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
                     "Direction": movement_word(cur, prev, m, unit, tolerance),
                     "Aim": m.expect})
    return pd.DataFrame(rows)


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
    out["Direction"] = [movement_word(c, b, m, "%", tolerance) for c, b in zip(out["%"], out["Previous quarter %"])]
    return out


def direction_colour(value: str) -> str:
    """The direction cell's shading: not RAG colours (a move is not a rating against a target)."""
    return MOVEMENT_STYLES.get(value, "")


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


OVER = {"Q": "the quarter", "YTD": "the year to date", "R12M": "the last 12 months", "R36M": "the last 3 years"}


def data_start_notices(x: Extract, period, start=START) -> list[str]:
    """The report's data-start notice, as a list of at most one line: when the trends start at the data start rather
    than at ``start`` (the data start later; or the period is before ``start``), where they start, and from which
    quarter each measure over a window (the quarter, the last 12 months) that would start before the data has figures
    (before it they are n/a, :func:`cicanalysis.measures.scorecard.window_before_data`). [] otherwise."""
    first, default = trend_start(x, period, start), pd.Timestamp(start)
    if pd.isna(x.first_date) or first == default:
        return []
    shown = quarters(x, period, start)
    late = []
    for m in MEASURES:
        if scorecard.window_before_data(x.first_date, m.ind, shown[0]):
            d = P.quarter_end(scorecard.window_within_data_from(x.first_date, m.ind.measure_type))
            late.append(f"{m.number} (over {OVER.get(m.ind.measure_type, m.ind.measure_type)}) from {d:%d/%m/%Y}")
    one = len(late) == 1
    return [f"The data start on {x.first_date:%d/%m/%Y}, so the trends start at {P.month_end_of(first):%B %Y} rather "
            f"than {default:%B %Y}" + (f"; {'a measure' if one else 'measures'} over a window that starts before then "
                                       f"{'is' if one else 'are'} n/a until the window lies within the data: "
                                       + _and(late) if late else "") + "."]


def headline(t: pd.DataFrame, period, tolerance: float = 1.0) -> list[str]:
    """The report's headline: how many measures moved towards the strategy's aim since the previous quarter,
    how many were stable (within the stated tolerance) and how many moved away, naming those that moved away; when
    the trends start at the period (its first quarter in the data), that there is nothing to compare with."""
    p = pd.Timestamp(period)
    prev_q = P.month_end_of(p - pd.DateOffset(months=3))
    if not (t["quarter"] == prev_q).any():
        return [f"At {p:%d/%m/%Y} ({P.quarter_label(p)}) the trends start, so there are no figures for the previous "
                f"quarter ({prev_q:%B %Y}) to compare with."]
    s = summary_table(t, period, tolerance)
    counts = s["Direction"].value_counts()
    lines = [f"At {p:%d/%m/%Y} ({P.quarter_label(p)}), since the previous quarter {_count(counts.get(TOWARDS, 0))} "
             f"moved towards the strategy's aim, {int(counts.get(STABLE, 0))} stayed stable ({tolerance_words(tolerance)}) "
             f"and {int(counts.get(AWAY, 0))} moved away from it."]
    away = s[s["Direction"] == AWAY]
    if len(away):
        lines.append("Moving away from the aim: " + "; ".join(
            f"{r['Measure']} ({r['Previous quarter']} to {r['Current performance']}; the aim is "
            f"{EXPECT_WORDS[r['Aim']]})" for _, r in away.iterrows()) + ".")
    return lines


def _count(n) -> str:
    n = int(n)
    return f"{n} measure{'s' if n != 1 else ''}"


def demand_method_words(projection) -> str:
    """How the projected demand is worked out, in plain words for members (the method appendix): what the
    reference window is, what is carried forward, what the shaded band does and does not cover."""
    from ..measures.demand import reference_dates
    p = projection
    w0 = reference_dates(p.start_date, p.rates.months)[0]
    who = {"include": "all children in care, UASC included", "exclude": "children in care other than UASC",
           "only": "unaccompanied asylum-seeking children only"}[p.uasc]
    unknown = (f" {p.unknown_age:,} child{'ren' if p.unknown_age != 1 else ''} in care without a recorded date of "
               "birth could not be placed in an age group and are left out." if p.unknown_age else "")
    return (f"The projection covers {who}. We looked at each month end from {w0:%B %Y} to {p.start_date:%B %Y}: how "
            "many children left care in the month, how many moved to a different kind of placement, how many moved "
            "up an age group, and how many came into care, by age and kind of placement. Starting from the children "
            f"in care on {p.start_date:%d/%m/%Y}, the same monthly patterns are applied month by month for the "
            "months ahead. The shaded band shows how much the projection would change had those months been "
            "different; it does not allow for changes in policy, in practice or in the number of children arriving "
            "unaccompanied. The backtest makes the same projection from a year earlier and compares it with what "
            "happened. Kinds of placement: fostering (every foster placement), residential (children's homes, secure "
            "units, residential schools and similar), supported and independent living, placed for adoption, and "
            "other placements (with parents, for example). The method follows the children's social care demand "
            "model published by Social Finance." + unknown)
