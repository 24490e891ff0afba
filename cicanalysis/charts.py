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


_INLINE_SET = False


def _inline_output() -> None:
    """In a notebook, show each figure as laid out: every chart here is already fitted by ``tight_layout``,
    so the inline backend's second layout pass (``bbox_inches="tight"``) only costs time (about 40% of
    drawing a chart). Nothing happens outside IPython or with another backend."""
    global _INLINE_SET
    if _INLINE_SET:
        return
    _INLINE_SET = True
    try:
        from IPython import get_ipython
        if get_ipython() is None or "inline" not in matplotlib.get_backend():
            return
        from matplotlib_inline.backend_inline import set_matplotlib_formats
        set_matplotlib_formats("png", bbox_inches=None)
    except ImportError:
        return


def house_style():
    _inline_output()
    plt.rcParams.update({"figure.figsize": (8, 3.6), "figure.dpi": 90, "axes.spines.top": False,
                         "axes.spines.right": False, "axes.grid": True, "grid.alpha": 0.3, "font.size": 9,
                         "axes.titlesize": 10, "axes.titleweight": "bold"})


def axis_label(unit: str) -> str:
    return {"%": "Per cent (%)", "days": "Average days", "ratio": "Cases per worker", "count": "Number of children",
            "per 10,000": "Rate per 10,000 aged 0-17"}.get(unit, unit)


def footnote(fig, source: str, period) -> None:
    fig.text(0.01, 0.01, f"Source: {source}. Period: to {pd.Timestamp(period):%d/%m/%Y}.", fontsize=7,
             color="#555555", ha="left", va="bottom")


def key_above(ax, title: str, ncol: int) -> None:
    """The chart's title with its key in one row beneath it, both above the plot, so the key covers no data."""
    ax.set_title(title, loc="left", pad=18)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=ncol, fontsize=7, frameon=False, borderaxespad=0.2)


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


REPORT_OF_TITLE = {"scorecard": "scorecard", "adoption journey": "adoption_journey", "adopters": "adopters_journey",
                   "sufficiency": "sufficiency_strategy"}


def report_header(x, period, title: str, also: str = "local supplied indicators", report: str | None = None) -> str:
    """Markdown heading for a report: authority, title, period, source (shown at the top of every page), then
    one line per notice (:func:`cicanalysis.loading.notices`: what the extract or configuration lacks).
    ``report`` (the notebook's name) picks the local tables it needs; by default it is read from the title."""
    from .loading import notices
    p = pd.Timestamp(period)
    if report is None:
        report = next((r for key, r in REPORT_OF_TITLE.items() if key in title.lower()), None)
    lines = notices(x, p, report) if report is not None else notices(x, p)
    block = "".join(f"\n\n> **Notice:** {line}" for line in lines)
    return (f"# {x.authority['name']}: {title}\n\n**Period ending {p:%d %B %Y}** · Source: SSDA903-format extract "
            f"{Path(x.source or '.').name} (extract date {x.extract_date:%d/%m/%Y}){' and ' + also if also else ''} · "
            f"Aggregates only: no child identifiers are shown.{block}")


def uasc_impact_table(impact: pd.DataFrame):
    """The including/excluding-UASC table: values to one decimal place, RAG as colour and letter."""
    shown = impact.assign(**{c: impact[c].round(1) for c in ("including_uasc", "excluding_uasc", "variance")})
    return shown.style.hide(axis="index").map(rag_cell, subset=["rag_including", "rag_excluding"])


# ---------------------------------------------------------------- adoption and adopters' journey charts
def plain_table(frame: pd.DataFrame, caption: str = "", suppress: bool = False, counts=(), decimals: int = 1):
    """A table for officers: no index, numbers rounded, counts of 1-5 shown as '<6' when publishing."""
    shown = suppress_small_counts(frame, [c for c in counts if c in frame], suppress)
    fmt = {c: (lambda v, d=decimals: "" if pd.isna(v) else f"{v:,.{d}f}") for c in shown.columns
           if pd.api.types.is_float_dtype(shown[c])}
    styler = shown.style.hide(axis="index").format(fmt)
    if caption:
        styler = styler.set_caption(caption)
    return styler.set_table_styles([{"selector": "th", "props": "text-align: left; background: #1f4e79; color: white"},
                                    {"selector": "td", "props": "padding: 2px 6px"}])


def timescale_chart(by_year: pd.DataFrame, by_district: pd.DataFrame, timescale: str, source: str, period):
    """Average days by financial year and by district (bars, labelled with the % within the timescale) against
    the timescale line (the DfE threshold of each year for A1 and A2)."""
    house_style()
    y = by_year[by_year["timescale"] == timescale]
    d = by_district[(by_district["timescale"] == timescale) & (by_district["group"] != "Total")]
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), gridspec_kw={"width_ratios": [2, 3]})
    working = "working days" in y["limit"].iloc[0]
    for ax, t, xlabel in ((axes[0], y, "Financial year"), (axes[1], d, "District (current span)")):
        pos = np.arange(len(t))
        ax.bar(pos, t["avg_days"].fillna(0), color=LINE, label="Average")
        ax.plot(pos, t["limit_days"], linestyle="--", marker="_", markersize=14, color=TARGET,
                label=f"Timescale ({y['limit'].iloc[0]})")
        for i, (v, pct, n) in enumerate(zip(t["avg_days"], t["pct_within"], t["cases"])):
            if n:
                ax.annotate(f"{pct:.0f}%", (i, v), ha="center", va="bottom", fontsize=7)
        ax.set_xticks(pos, t["group"], rotation=0 if len(t) < 7 else 60, ha="center" if len(t) < 7 else "right")
        ax.set_xlabel(xlabel)
        ax.set_ylabel("Average working days" if working else "Average days")
        ax.set_ylim(bottom=0)
    fig.suptitle(f"{y['title'].iloc[0]}: average and % within the timescale (bar labels)", x=0.01, ha="left",
                 fontsize=10, fontweight="bold")
    # The key sits under the title, outside both panels, so it never covers a bar.
    fig.legend(*axes[0].get_legend_handles_labels(), loc="upper left", bbox_to_anchor=(0.01, 0.93), ncol=2,
               fontsize=7, frameon=False)
    footnote(fig, source, period)
    fig.tight_layout(rect=(0, 0.05, 1, 0.88))
    return fig


def threshold_chart(a1a2: pd.DataFrame, measure: str, source: str, period):
    """A1 or A2: single-year and 3-year rolling averages against the DfE threshold, England where present."""
    house_style()
    t = a1a2[a1a2["measure"] == measure]
    fig, ax = plt.subplots()
    pos = np.arange(len(t))
    ax.bar(pos, t["year_avg_days"].fillna(0), color="#9ecae1", label="Single year")
    ax.plot(pos, t["three_year_avg_days"], marker="o", color=LINE, label="3-year average")
    ax.plot(pos, t["threshold"], linestyle="--", marker="_", markersize=14, color=FLOOR, label="DfE threshold (3-year)")
    for col, label, marker in (("england_year", "England (single year)", "s"),
                               ("england_three_year", "England (3-year)", "D"),
                               ("neighbours_three_year", "Statistical neighbours (3-year)", "^")):
        if t[col].notna().any():
            ax.plot(pos, t[col], linestyle="none", marker=marker, color="#555555", label=label)
    ax.set_xticks(pos, [f"{y}\n({w})" for y, w in zip(t["year"], t["window"])])
    ax.set_xlabel("Financial year (3-year window)")
    ax.set_ylabel("Average days")
    ax.set_ylim(bottom=0)
    name = {"A1": "A1: days from entering care to moving in with the adoptive family",
            "A2": "A2: days from placement order to the match decision"}.get(measure, measure)
    key_above(ax, name, ncol=5)
    footnote(fig, source, period)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def monthly_chart(frame: pd.DataFrame, title: str, source: str, period, value: str = "children",
                  ylabel: str = "Number of children", shade=()):
    """One line per financial year over the months April to March (``frame``: MONTH, FY, ``value``).
    ``shade``: (start, end) periods (e.g. recruitment freezes) shaded on the months they cover."""
    house_style()
    fig, ax = plt.subplots()
    months = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]
    years = list(dict.fromkeys(frame["FY"]))
    blues = ["#c6dbef", "#9ecae1", "#6baed6", "#2171b5", "#08306b"]
    palette = [blues[i] for i in np.linspace(1 if len(years) < 5 else 0, 4, len(years)).round().astype(int)] \
        if len(years) <= 5 else None
    for i, fy in enumerate(years):
        t = frame[frame["FY"] == fy]
        pos = [(m.month - 4) % 12 for m in t["MONTH"]]
        ax.plot(pos, t[value], marker="o", label=fy, color=palette[i] if palette else None,
                linewidth=2.2 if i == len(years) - 1 else 1.2)
    for start, end in shade:
        for i, fy in enumerate(years):
            fy_start = pd.Timestamp(int(fy[:4]), 4, 1)
            fy_end = pd.Timestamp(int(fy[:4]) + 1, 3, 31)
            s, e = max(pd.Timestamp(start), fy_start), min(pd.Timestamp(end), fy_end)
            if s <= e:
                ax.axvspan((s.month - 4) % 12 - 0.5, (e.month - 4) % 12 + 0.5, color="#bbbbbb", alpha=0.25,
                           label=f"Recruitment freeze ({fy}: {s:%b}-{e:%b %Y})")
    ax.set_xticks(range(12), months)
    ax.set_xlabel("Month")
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.set_title(title, loc="left")
    ax.legend(loc="best", fontsize=7, frameon=False)
    footnote(fig, source, period)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def bar_chart(frame: pd.DataFrame, category: str, title: str, source: str, period, value: str = "children",
              ylabel: str = "Number of children", xlabel: str = "", stacked_columns=None, suppress: bool = False):
    """Bars of ``value`` by ``category`` (or stacked ``stacked_columns``), titled, labelled and footnoted."""
    house_style()
    fig, ax = plt.subplots()
    if stacked_columns:
        frame.set_index(category)[list(stacked_columns)].plot(kind="bar", stacked=True, ax=ax, rot=0, width=0.7)
        ax.legend(fontsize=7, frameon=False)
    else:
        ax.bar(frame[category].astype(str), frame[value], color=LINE)
        for i, v in enumerate(frame[value]):
            text = "<6" if suppress and 1 <= v <= 5 else f"{v:,.0f}"
            ax.annotate(text, (i, v), ha="center", va="bottom", fontsize=7)
    if len(frame) > 6:
        plt.setp(ax.get_xticklabels(), rotation=45, ha="right")
    ax.set_xlabel(xlabel or category.replace("_", " ").capitalize())
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left")
    footnote(fig, source, period)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def distribution_chart(d: dict, source: str, period, suppress: bool = False):
    """The chart of one entry of ``adoption.distributions``: lines by month, stacked or plain bars."""
    t = d["table"]
    if d["kind"] == "monthly":
        return monthly_chart(t, d["title"], source, period)
    label = d["category"].replace("_", " ").capitalize()
    if d["kind"] == "stacked":
        return bar_chart(t, d["category"], d["title"], source, period, xlabel=label,
                         stacked_columns=[c for c in t.columns if c != d["category"]])
    return bar_chart(t, d["category"], d["title"], source, period, xlabel=label, suppress=suppress)


def distribution_table(d: dict, suppress: bool = False):
    """The table of one entry of ``adoption.distributions`` (months down, financial years across for
    monthly counts); counts of 1-5 shown as '<6' when publishing."""
    t = d["table"]
    if d["kind"] == "monthly":
        t = t.pivot_table(index="MONTH_NAME", columns="FY", values="children", sort=False).reset_index()
        t = t.rename(columns={"MONTH_NAME": "Month"})
        category = "Month"
    else:
        category = d["category"]
        t = t.rename(columns={category: category.replace("_", " ").capitalize()})
        category = category.replace("_", " ").capitalize()
    counts = [c for c in t.columns if c != category]
    return plain_table(t, caption=d["title"], suppress=suppress, counts=counts, decimals=0)


def grouped_bars(frame: pd.DataFrame, category: str, columns, title: str, source: str, period,
                 ylabel: str = "Per cent (%)", xlabel: str = ""):
    """Side-by-side bars of ``columns`` (e.g. this span and last year) by ``category``."""
    house_style()
    fig, ax = plt.subplots()
    t = frame.set_index(category)[list(columns)]
    t.plot(kind="bar", ax=ax, rot=0, width=0.75, color=["#9ecae1", LINE][-len(columns):] if len(columns) <= 2 else None)
    if len(t) > 4:
        plt.setp(ax.get_xticklabels(), rotation=30, ha="right")
    ax.set_xlabel(xlabel or category)
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left")
    ax.legend(fontsize=7, frameon=False)
    footnote(fig, source, period)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def forecast_chart(forecast, source: str):
    """Adopter sufficiency: the supply of households against the cumulative households needed, with the
    run-out date and the latest date recruitment must restart."""
    house_style()
    t = forecast.projection
    fig, ax = plt.subplots()
    ax.plot(t["month"], [forecast.supply] * len(t), color=TARGET, linestyle="--", label="Supply of households")
    ax.plot(t["month"], t["households_needed"], color=LINE, marker="o", markersize=3,
            label="Households needed (cumulative)")
    ax.fill_between(t["month"], t["supply_remaining"], color="#9ecae1", alpha=0.4, label="Supply remaining")
    for date, label, colour in ((forecast.run_out, "Supply runs out", FLOOR),
                                (forecast.restart_by, "Restart recruitment by", "#f9a825")):
        if date is not None:
            ax.axvline(date, color=colour, linestyle=":")
            ax.annotate(f"{label}\n{date:%b %Y}", (date, ax.get_ylim()[1] * 0.9), fontsize=7, ha="right", color=colour)
    ax.set_xlabel("Month end")
    ax.set_ylabel("Households")
    ax.set_ylim(bottom=0)
    ax.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%b %y"))
    key_above(ax, "Adopter sufficiency: projected supply against need", ncol=3)
    footnote(fig, source, forecast.period)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def quarterly_chart(trend: pd.DataFrame, measure: str, expected: str, source: str, period):
    """A sufficiency measure by quarter: the county line (and the areas when present), the expected direction
    in the title."""
    house_style()
    t = trend[trend["measure"] == measure].sort_values("quarter")
    fig, ax = plt.subplots()
    county = t[t["level"] == "county"]
    ax.plot(county["quarter"], county["value"], marker="o", color=LINE, linewidth=2.2, label="County")
    for name, a in t[t["level"] == "area"].groupby("unit_name", sort=False):
        ax.plot(a["quarter"], a["value"], linewidth=1, marker=".", label=name)
    unit = t["unit"].iloc[0]
    ax.set_title(f"{t['number'].iloc[0]}. {t['title'].iloc[0]} ({expected})", loc="left", wrap=True)
    ax.set_ylabel(axis_label(unit))
    ax.set_xlabel("Quarter end")
    ax.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%b %y"))
    ax.set_ylim(bottom=0, top=(100 if unit == "%" else None))
    if len(t["unit_name"].unique()) > 1:
        ax.legend(loc="lower left", fontsize=7, frameon=False, ncol=3)
    footnote(fig, source, period)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig
