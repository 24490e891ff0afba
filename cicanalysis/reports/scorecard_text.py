"""The scorecard's sentences and display tables, written from the measures (:mod:`cicanalysis.measures.scorecard`):
the measures return numbers, this module the words."""
from __future__ import annotations

import pandas as pd

from ..core import periods as P
from ..core.errors import CicError
from ..core.rag import RAG_NAMES
from ..measures.scorecard import _county, _period_of, band_changes, comparator_at, with_directions
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
    dp = rated["dot_previous"].value_counts()
    do = rated["dot_outturn"].value_counts()
    out = P.outturn_date(p)
    return (f"As at {p:%d/%m/%Y}, {authority} has {_n(int(rag.get('G', 0)), 'indicator')} rated as Green, "
            f"{int(rag.get('A', 0))} as Amber and {int(rag.get('R', 0))} as Red. "
            f"Compared with last month {int(dp.get('improved', 0))} improved, {int(dp.get('same', 0))} stayed "
            f"the same and {int(dp.get('worse', 0))} worsened. "
            f"Compared with the outturn ({out:%B %Y}) {int(do.get('improved', 0))} improved, "
            f"{int(do.get('same', 0))} stayed the same and {int(do.get('worse', 0))} worsened.")


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
    if "CIC_RATE" in vals.index:
        va, vb = vals.loc["CIC_RATE", "value_a"], vals.loc["CIC_RATE", "value_b"]
        vs = rate_comparison_words(comparator_at("CIC_RATE", pb, la_code), pb, la_code)
        parts.append(f"the rate per 10,000 children changed from {va:.1f} to {vb:.1f}{vs}")
    if parts:
        text = "; ".join(parts)
        paras.append(f"Between {pa_:%B %Y} and {pb:%B %Y}, {text}.")
    return "\n\n".join(f"{n}. {p[0].upper() + p[1:]}" for n, p in enumerate(paras, 1))
