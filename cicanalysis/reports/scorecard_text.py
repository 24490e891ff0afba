"""The scorecard's sentences and display tables, written from the measures (:mod:`cicanalysis.measures.scorecard`):
the measures return numbers, this module the words."""
from __future__ import annotations

import pandas as pd

from ..core import periods as P
from ..core.errors import CicError
from ..core.rag import RAG_NAMES
from ..measures.scorecard import (WINDOW_TYPES, _county, _period_of, band_changes, comparator_at, window_within_data_from,
                                  with_directions)
from .formatting import format_value


def _n(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def performance_summary(frame: pd.DataFrame, authority: str = "the authority") -> str:
    """The headline sentence: RAG counts and directions of travel of the rated county indicators.

    Needs columns period, value and rag, dot_previous and dot_outturn; a frame typed in by hand may give
    previous_value and outturn_value (and target instead of rag) instead, with a polarity column or
    catalogue indicator ids: the directions are then worked out (:func:`with_directions`). Level is optional
    (county rows are used when present). Directions are counted over the indicators that have a RAG rating,
    so the three sentences add up to the same total.
    """
    f = _county(frame)
    if f.empty:
        raise CicError("the scorecard frame has no rows to summarise")
    f = with_directions(f)
    p = _period_of(f)
    rated = f[f["rag"].isin(["G", "A", "R"])]
    rag = rated["rag"].value_counts()
    out = P.outturn_date(p)
    return (f"As at {p:%d/%m/%Y}, {authority} has {_n(int(rag.get('G', 0)), 'indicator')} rated as Green, "
            f"{int(rag.get('A', 0))} as Amber and {int(rag.get('R', 0))} as Red. "
            + _compared_with("last month", P.previous_month_end(p), f, rated, "previous_value", "dot_previous") + " "
            + _compared_with(f"the outturn ({out:%B %Y})", out, f, rated, "outturn_value", "dot_outturn"))


def _compared_with(label: str, when, county: pd.DataFrame, rated: pd.DataFrame, column: str, dot: str) -> str:
    """'Compared with last month 5 improved, 2 stayed the same and 3 worsened.' (the rated indicators); when no
    county indicator has a figure then (a month before the data start) that there is nothing to compare with, not
    that none changed."""
    if column in county and county[column].isna().all():
        return f"There are no figures for {label}{'' if '(' in label else f' ({when:%B %Y})'} to compare with."
    d = rated[dot].value_counts()
    return (f"Compared with {label} {int(d.get('improved', 0))} improved, {int(d.get('same', 0))} stayed the same "
            f"and {int(d.get('worse', 0))} worsened.")


WINDOW_WORDS = {"YTD": "year-to-date measures", "R12M": "12-month measures", "R36M": "3-year measures",
                "Q": "quarterly measures"}


def data_start_notice(first_date, period, months: int = 13, window_types=WINDOW_TYPES) -> str:
    """The one-line notice of a scorecard whose ``months``-month history reaches back before the data start or to a
    month whose year-to-date, 12- or 36-month window does: which comparisons have no figures (n/a: last month, the
    outturn), where the trends start, and from which month each kind of window measure has figures (before it they
    are n/a, :func:`cicanalysis.measures.scorecard.window_before_data`); '' when the whole history is within the
    data."""
    start, p = pd.Timestamp(first_date), P.month_end(period)
    if pd.isna(start):
        return ""
    first_shown = pd.date_range(end=p, periods=months, freq="ME")[0]          # as scorecard.trend
    before = [f"{label} ({d:%B %Y})" for label, d in (("last month", P.previous_month_end(p)),
                                                       ("the outturn", P.outturn_date(p))) if d < start]
    clauses = [f"{' and '.join(before)} {'has' if len(before) == 1 else 'have'} no figures (n/a) and nothing is "
               f"compared with {'it' if len(before) == 1 else 'them'}"] if before else []
    if first_shown < start:
        clauses.append(f"the trends start at {P.month_end_of(start):%B %Y}")
    first_in_data = max(first_shown, P.month_end_of(start))                    # the first month with figures
    late = [(WINDOW_WORDS.get(t, t), d) for t in window_types
            if (d := window_within_data_from(start, t)) > first_in_data]
    if late:
        clauses.append("measures over a window that starts before then are n/a until it lies within the data: "
                       + _and([f"{words} from {d:%d/%m/%Y}" for words, d in late]))
    return f"The data start on {start:%d/%m/%Y}, so {'; '.join(clauses)}." if clauses else ""


def _and(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def band_change_line(r) -> str:
    """'Title: 43.0% (Red) to 48.1% (Amber) against a target of 55.0%'."""
    unit = r.get("unit_b", r.get("unit_a", "%"))
    return (f"{r['title_b']}: {format_value(r['value_a'], unit)} ({RAG_NAMES[r['rag_a']]}) to "
            f"{format_value(r['value_b'], unit)} ({RAG_NAMES[r['rag_b']]}) against a target of "
            f"{format_value(r['target_b'], unit)}")


def rate_comparison_words(comp, period, la_code: str = "") -> str:
    """', against England 67 and statistical neighbours 55.0 (March 2025)' for :func:`comparator_at`'s figures, or
    why there are none (no LA code; nothing published on or before the period)."""
    if comp is not None:
        kind = "rate worked out from the DfE's published numbers" if comp.get("DERIVED") else "published rate"
        return (f", against the latest {kind} for England of {comp['ENGLAND']:.0f} and statistical "
                f"neighbours {comp['STATISTICAL_NEIGHBOURS']:.1f} (both as at 31 March {comp['DATE']:%Y})")
    if not la_code:
        return " (no LA code is configured: no comparison with published rates)"
    return f" (the DfE has published no rate for England or statistical neighbours as at {period:%B %Y} or earlier)"


def changes_between(earlier: pd.DataFrame, later: pd.DataFrame, la_code: str = "") -> str:
    """Numbered paragraphs on what changed between two scorecards (county rows), as in a covering report; the
    rate per 10,000 against the published England and statistical-neighbour rates of authority ``la_code``."""
    a, b = _county(earlier), _county(later)
    pa_, pb = _period_of(a), _period_of(b)
    cols = ["indicator", "title", "unit", "value", "rag", "target"]
    m = a[[c for c in cols if c in a]].merge(b[[c for c in cols if c in b]], on="indicator",
                                            suffixes=("_a", "_b"))
    moved = band_changes(a, b)
    up, down = moved[moved["better"]], moved[~moved["better"]]
    span = f"between {pa_:%B %Y} and {pb:%B %Y}"
    paras = []
    paras.append(f"{_n(len(up), 'indicator')} moved to a better RAG band {span}"
                 + (": " + "; ".join(band_change_line(r) for _, r in up.iterrows()) + "." if len(up) else "."))
    paras.append(f"{_n(len(down), 'indicator')} moved to a worse RAG band {span}"
                 + (": " + "; ".join(band_change_line(r) for _, r in down.iterrows()) + "." if len(down) else "."))
    red = m[m["rag_b"] == "R"]
    paras.append(f"At {pb:%B %Y}, {_n(len(red), 'indicator is', 'indicators are')} significantly away from "
                 f"target (Red)" + (": " + "; ".join(
                     f"{r['title_b']} at {format_value(r['value_b'], r['unit_b'])} against a target of "
                     f"{format_value(r['target_b'], r['unit_b'])}" for _, r in red.iterrows()) + "." if len(red) else "."))
    vals = m.set_index("indicator")
    parts = []
    for ind, label in (("CIC_CITIZEN", "citizen children in care"), ("CIC_UASC", "unaccompanied asylum-seeking "
                                                                                 "children in care")):
        if ind in vals.index:
            va, vb = vals.loc[ind, "value_a"], vals.loc[ind, "value_b"]
            parts.append(f"the number of {label} changed from {va:,.0f} to {vb:,.0f} ({vb - va:+,.0f}"
                         + (f", {100 * (vb - va) / va:+.1f}%" if va else "") + ")")
    if "CIC_RATE" in vals.index and not vals.loc["CIC_RATE", ["value_a", "value_b"]].isna().any():  # no rate: unsaid
        va, vb = vals.loc["CIC_RATE", "value_a"], vals.loc["CIC_RATE", "value_b"]
        vs = rate_comparison_words(comparator_at("CIC_RATE", pb, la_code), pb, la_code)
        parts.append(f"the rate per 10,000 children changed from {va:.1f} to {vb:.1f}{vs}")
    if parts:
        text = "; ".join(parts)
        paras.append(f"Between {pa_:%B %Y} and {pb:%B %Y}, {text}.")
    return "\n\n".join(f"{n}. {p[0].upper() + p[1:]}" for n, p in enumerate(paras, 1))
