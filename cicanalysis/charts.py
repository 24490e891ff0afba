"""Charts and tables in one house style: titles, axis labels with units, the target and amber floor
drawn on every trend, and the source and period under every chart. RAG shown as colour and letter."""
from __future__ import annotations

from pathlib import Path

import matplotlib
import matplotlib.dates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

RAG_COLOURS = {"G": "#2e7d32", "A": "#f9a825", "R": "#c62828"}
RAG_TEXT = {"G": "#ffffff", "A": "#000000", "R": "#ffffff"}
LINE = "#1f4e79"
TARGET = "#2e7d32"
FLOOR = "#c62828"


def house_style():
    plt.rcParams.update({"figure.figsize": (8, 3.6), "figure.dpi": 90, "axes.spines.top": False,
                         "axes.spines.right": False, "axes.grid": True, "grid.alpha": 0.3, "font.size": 9,
                         "axes.titlesize": 10, "axes.titleweight": "bold"})


def axis_label(unit: str) -> str:
    return {"%": "Per cent (%)", "days": "Average days", "ratio": "Cases per worker", "count": "Number of children",
            "per 10,000": "Rate per 10,000 aged 0-17"}.get(unit, unit)


def footnote(fig, source: str, period) -> None:
    fig.text(0.01, 0.01, f"Source: {source}. Period: to {pd.Timestamp(period):%d/%m/%Y}.", fontsize=7,
             color="#555555", ha="left", va="bottom")


def trend_chart(trend: pd.DataFrame, indicator: str, source: str, ax=None):
    """Line of the indicator's monthly values with its target and amber floor drawn as dashed lines."""
    house_style()
    t = trend[trend["indicator"] == indicator].sort_values("period")
    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots()
    unit = t["unit"].iloc[0]
    ax.plot(t["period"], t["value"], marker="o", color=LINE, label="Value")
    if t["target"].notna().any():
        ax.step(t["period"], t["target"], where="mid", linestyle="--", color=TARGET, label="Target")
    if t["floor"].notna().any() and not t["floor"].equals(t["target"]):
        ax.step(t["period"], t["floor"], where="mid", linestyle=":", color=FLOOR, label="Amber floor")
    ax.set_title(t["title"].iloc[0], loc="left", wrap=True)
    ax.set_ylabel(axis_label(unit))
    ax.set_xlabel("Month end")
    ax.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%b %y"))
    span = t[["value", "target", "floor"]].to_numpy(dtype=float)
    lo, hi = (np.nanmin(span), np.nanmax(span)) if np.isfinite(span).any() else (0.0, 100.0)
    if unit == "%":  # a scale an officer can read: from 0 for small percentages, up to 100 at most
        ax.set_ylim(0 if lo < 40 else lo - 10, min(100, hi * 1.25 + 2))
    else:
        ax.set_ylim(bottom=0)
    ax.legend(loc="best", fontsize=7, frameon=False)
    footnote(fig, source, t["period"].max())
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def rag_cell(value) -> str:
    if value in RAG_COLOURS:
        return f"background-color: {RAG_COLOURS[value]}; color: {RAG_TEXT[value]}; font-weight: bold; text-align: center"
    return ""


def scorecard_table(frame: pd.DataFrame, caption: str = ""):
    """A Styler of scorecard rows for officers: values rounded for display, RAG as colour and letter,
    direction of travel as arrows with words, small denominators flagged."""
    from .scorecard import format_value
    arrows = {"improved": "▲ improved", "worse": "▼ worse", "same": "► same"}
    show = pd.DataFrame({
        "Indicator": frame["title"],
        "Polarity": frame["polarity"],
        "Type": frame["measure_type"],
        "Numerator": [("" if pd.isna(n) else f"{n:,.0f}") for n in frame["numerator"]],
        "Denominator": [("" if pd.isna(d) or u in ("count",) else f"{d:,.0f}") + (" *" if s else "")
                        for d, u, s in zip(frame["denominator"], frame["unit"], frame["small_denominator"])],
        "Value": [format_value(v, u) for v, u in zip(frame["value"], frame["unit"])],
        "Target": [("" if pd.isna(t) else format_value(t, u)) for t, u in zip(frame["target"], frame["unit"])],
        "RAG": frame["rag"].fillna(""),
        "Last month": [format_value(v, u) for v, u in zip(frame["previous_value"], frame["unit"])],
        "DoT month": frame["dot_previous"].map(arrows).fillna(""),
        "Outturn": [format_value(v, u) for v, u in zip(frame["outturn_value"], frame["unit"])],
        "DoT outturn": frame["dot_outturn"].map(arrows).fillna(""),
    })
    styler = show.style.hide(axis="index").map(rag_cell, subset=["RAG"])
    if caption:
        styler = styler.set_caption(caption)
    return styler.set_table_styles([{"selector": "th", "props": "text-align: left; background: #1f4e79; color: white"},
                                    {"selector": "td", "props": "padding: 2px 6px"},
                                    {"selector": "td:first-child", "props": "text-align: left"}])


def suppress_small_counts(frame: pd.DataFrame, columns, suppress: bool) -> pd.DataFrame:
    """Replace counts of 1–5 by '<6' in breakdown tables when publishing (SPEC 8)."""
    if not suppress:
        return frame
    out = frame.copy()
    for c in columns:
        out[c] = [("<6" if isinstance(v, (int, float)) and not pd.isna(v) and 1 <= v <= 5 else v) for v in out[c]]
    return out


def unit_matrix(frame: pd.DataFrame, level: str, suppress: bool = False):
    """Indicators down, units (areas or teams) across: each cell the value and its RAG letter, coloured.

    With ``suppress`` (publishing), count indicators of 1–5 are shown as '<6' (SPEC 8).
    """
    from .scorecard import format_value
    f = frame[frame["level"] == level]
    cells = {}
    for _, r in f.iterrows():
        v = r["value"]
        text = format_value(v, r["unit"])
        if suppress and r["unit"] == "count" and not pd.isna(v) and 1 <= v <= 5:
            text = "<6"
        if r["rag"] in RAG_COLOURS:
            text = f"{text} {r['rag']}"
        if r["small_denominator"]:
            text += " *"
        cells[(r["title"], r["unit_name"])] = (text, r["rag"])
    titles = list(dict.fromkeys(f["title"]))
    units = list(dict.fromkeys(f["unit_name"]))
    table = pd.DataFrame([[cells.get((t, u), ("", None))[0] for u in units] for t in titles], index=titles,
                         columns=units)
    colours = pd.DataFrame([[rag_cell(cells.get((t, u), ("", None))[1]) for u in units] for t in titles],
                           index=titles, columns=units)
    return (table.style.apply(lambda _: colours, axis=None)
            .set_table_styles([{"selector": "th", "props": "text-align: left; font-size: 8pt"},
                               {"selector": "td", "props": "font-size: 8pt; padding: 1px 4px"}]))


def report_header(x, period, title: str) -> str:
    """Markdown heading for a report: authority, title, period, source (shown at the top of every page)."""
    p = pd.Timestamp(period)
    return (f"# {x.authority['name']}: {title}\n\n**Period ending {p:%d %B %Y}** · Source: SSDA903-format extract "
            f"{Path(x.source or '.').name} (extract date {x.extract_date:%d/%m/%Y}) and local supplied indicators · "
            f"Aggregates only: no child identifiers are shown.")


def uasc_impact_table(impact: pd.DataFrame):
    """The including/excluding-UASC table: values to one decimal place, RAG as colour and letter."""
    shown = impact.assign(**{c: impact[c].round(1) for c in ("including_uasc", "excluding_uasc", "variance")})
    return shown.style.hide(axis="index").map(rag_cell, subset=["rag_including", "rag_excluding"])
