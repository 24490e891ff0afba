"""Charts and tables in one house style: titles, axis labels with units, the target and amber floor
drawn on every trend, the source and period under every chart, a colour-blind-safe palette
(Okabe-Ito), and vector images (SVG, text kept as text) so they stay sharp on projectors and in print.

Every chart function returns a matplotlib figure whose ``cic_alt`` attribute is its alt text, written
from the chart's title and data (:func:`describe`); :func:`show` puts a figure in a report as an SVG image
with that alt text and :func:`show_grid` lays several out side by side. Tables go through
:mod:`cicanalysis.reports.formatting` (labels, units, signs, n/a, RAG as colour and letter).
"""
from __future__ import annotations

import base64
import contextlib
import html
import io
import textwrap

import matplotlib
import matplotlib.artist as martist
import matplotlib.axes
import matplotlib.axis
import matplotlib.dates
import matplotlib.lines
import matplotlib.patches
import matplotlib.ticker
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from . import formatting as F
from ..measures import metrics as M
from .sufficiency_text import direction_colour
from .formatting import RAG_COLOURS, RAG_TEXT, format_value, rag_style  # noqa: F401  (re-exported)

# Okabe & Ito (2008) colour-blind-safe palette, with the house blue first
HOUSE_BLUE = "#1f4e79"
PALETTE = [HOUSE_BLUE, "#E69F00", "#56B4E9", "#009E73", "#D55E00", "#CC79A7", "#000000", "#F0E442"]
LINE = HOUSE_BLUE
LIGHT = "#9ecae1"
TARGET = "#009E73"      # bluish green, dashed
FLOOR = "#D55E00"       # vermillion, dotted
GREY = "#666666"
DPI = 90                # CSS pixels per inch of a figure as shown
SCALE = 2               # drawn at twice that, for projectors and print


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


# Every axes title sits at the top of its axes (plus its pad), where matplotlib's automatic placement puts it on every
# chart here: that placement moves a title only above x tick labels drawn on top (no chart has them) or a y axis offset
# ("+1e3", turned off here), and it measures the whole y axis again for each titled axes each time the figure is laid
# out or drawn (~15 % of drawing the trend appendix). The same bytes as automatic placement (tests/test_charts_fit.py).
TITLES_FIXED = {"axes.titley": 1.0, "axes.formatter.useoffset": False}


def house_style():
    _inline_output()
    plt.rcParams.update({"figure.figsize": (8, 3.6), "figure.dpi": DPI, "axes.spines.top": False,
                         "axes.spines.right": False, "axes.grid": True, "grid.alpha": 0.3, "font.size": 9.5,
                         "axes.titlesize": 10.5, "axes.titleweight": "bold", "legend.fontsize": 9,
                         "axes.prop_cycle": matplotlib.cycler(color=PALETTE), **TITLES_FIXED})


def fit(fig, **layout) -> None:
    """``fig.tight_layout(**layout)`` with each axes' box measured once, leaving no layout engine on the figure.

    - ``tight_layout`` with a ``rect`` measures every axes twice (its second pass only fits the first's result into
      the rect; nothing has moved in between), so the second measure is the first's (:func:`_axes_measured_once`).
    - It also leaves a placeholder engine behind, and ``savefig`` draws a figure that has any engine once more
      with drawing off (so an engine can run) before drawing it for real: about 40 % of writing an SVG, for
      nothing, since the layout is already fixed.

    The image is byte for byte that of plain ``tight_layout`` (``tests/test_charts_fit.py``)."""
    with _axes_measured_once(), _ticks_updated_once():
        fig.tight_layout(**layout)
    with plt.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
        fig.set_layout_engine(None)


@contextlib.contextmanager
def _axes_measured_once():
    """While a figure is laid out, matplotlib's measure of an axes' tight box (with its tick labels, axis labels
    and title) is worked out once per axes and renderer and then repeated; other artists are measured as usual.
    A matplotlib without that private function lays out as usual."""
    original = getattr(martist, "_get_tightbbox_for_layout_only", None)
    if original is None:
        yield
        return
    measured = {}

    def once(obj, *args, **kwargs):
        if not isinstance(obj, matplotlib.axes.Axes) or len(args) != 1 or kwargs:
            return original(obj, *args, **kwargs)
        key = (id(obj), id(args[0]))            # the axes and the renderer
        if key not in measured:
            measured[key] = original(obj, *args)
        return measured[key]
    martist._get_tightbbox_for_layout_only = once
    try:
        yield
    finally:
        martist._get_tightbbox_for_layout_only = original


@contextlib.contextmanager
def _ticks_updated_once():
    """While a figure is laid out or drawn (nothing about it changes meanwhile), each axis's ticks are updated (their
    locations, labels and which are in view: ``Axis._update_ticks``) and their labels measured
    (``Axis._get_ticklabel_bboxes``) once, then repeated: matplotlib updates them again for the axis's own drawing, for
    its label's place and for each spine's extent, 5-7 times an axis, and measures the labels 2-4 times, each time the
    same. Not across a layout and the drawing after it (the layout changes the axes' size, and so may their ticks). The
    image is byte for byte the same (``tests/test_charts_fit.py``). A matplotlib without those private methods is left
    as it is."""
    Axis = matplotlib.axis.Axis
    update, measure = getattr(Axis, "_update_ticks", None), getattr(Axis, "_get_ticklabel_bboxes", None)
    if update is None or measure is None:
        yield
        return
    done = {}

    def updated(axis):
        if ("ticks", id(axis)) not in done:
            done[("ticks", id(axis))] = (axis, update(axis))     # the axis kept, so its id is not reused meanwhile
        return done[("ticks", id(axis))][1]

    def measured(axis, ticks, renderer=None):
        key = ("labels", id(axis), id(ticks), id(renderer))
        if key not in done:
            done[key] = (axis, ticks, renderer, measure(axis, ticks, renderer))
        return done[key][-1]
    Axis._update_ticks, Axis._get_ticklabel_bboxes = updated, measured
    try:
        yield
    finally:
        Axis._update_ticks, Axis._get_ticklabel_bboxes = update, measure


def axis_label(unit: str) -> str:
    return {"%": "Per cent (%)", "days": "Average days", "ratio": "Cases per worker", "count": "Number of children",
            "per 10,000": "Rate per 10,000 aged 0-17"}.get(unit, unit)


def footnote(fig, source: str, period) -> None:
    fig.text(0.01, 0.01, f"Source: {source}. Period: to {pd.Timestamp(period):%d/%m/%Y}.", fontsize=8,
             color="#444444", ha="left", va="bottom")


def tick_places(step: float) -> int:
    """Decimal places that show a tick step exactly (0 for whole steps, 1 for 0.5 or 0.2, 2 for 0.25; at most 3)."""
    return next((p for p in range(3) if abs(round(step, p) - step) < 1e-9 * max(1.0, abs(step))), 3)


class StepLabels(matplotlib.ticker.Formatter):
    """Tick labels with thousands separators and as many decimals as the axis's tick step needs: a panel whose
    values run from 1.3 to 1.9 is labelled 1.0, 1.5, 2.0, not 1, 2, 2 (whole numbers stay whole).

    matplotlib labels an axis's ticks with ``format_ticks(locs)``, ``locs`` being the axis's major tick locations,
    so the step is worked out once from them (asking the axis's locator again for each label, as a plain
    ``FuncFormatter`` must, was a third of drawing the trend appendix); a single label asks the axis. The labels
    are the plain formatter's (``tests/test_charts_fit.py``)."""

    def __call__(self, v, pos=None):
        return self.labels(self.axis.get_majorticklocs(), [v])[0]

    def format_ticks(self, values):
        return self.labels(values, values)

    @staticmethod
    def labels(locs, values) -> list[str]:
        """``values`` labelled for an axis whose major ticks are at ``locs``."""
        step = float(np.min(np.diff(locs))) if len(locs) > 1 else 1.0
        places = tick_places(step)
        return [f"{v:,.{places}f}" for v in values]


def month_end_axis(ax, dates, fmt: str = "%b %y", most: int = 8) -> list[pd.Timestamp]:
    """Date ticks on the data's own month ends, so the point above "Mar 16" is March's (matplotlib's date
    ticks fall on the 1st of a month, a point to the right of the previous month's end). At most ``most``
    ticks, evenly spaced and counted back from the latest point, which is always labelled; returns them."""
    points = sorted({pd.Timestamp(d) for d in dates if not pd.isna(d)})
    if not points:
        return []
    step = max(1, int(np.ceil(len(points) / most)))
    ticks = points[::-1][::step][::-1]
    ax.xaxis.set_major_locator(matplotlib.ticker.FixedLocator(matplotlib.dates.date2num(ticks)))
    ax.xaxis.set_major_formatter(matplotlib.dates.DateFormatter(fmt))
    ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    pad = (points[-1] - points[0]) * 0.03 if len(points) > 1 else pd.Timedelta(days=15)
    ax.set_xlim(points[0] - pad, points[-1] + pad)
    return ticks


def key_above(ax, title: str, ncol: int) -> None:
    """The chart's title with its key beneath it, both above the plot, so the key covers no data; the title rises
    by a line for each row the key needs (``ncol`` entries a row), so the two never overlap."""
    rows = max(1, -(-len(ax.get_legend_handles_labels()[1]) // ncol))
    ax.set_title(title, loc="left", pad=6 + 14 * rows)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=ncol, frameon=False, borderaxespad=0.2)


# ---------------------------------------------------------------- alt text and display
def _fmt(v, unit: str) -> str:
    if unit in ("households", "children", "number"):
        return F.format_value(v, "count")
    return F.format_value(v, unit)


def describe(kind: str, title: str, x_labels, series: dict, unit: str = "count", extra: str = "") -> str:
    """Alt text from a chart's title and data: what is plotted, over what, and for each series its first
    and last values with the lowest and highest (or, for bars of a few categories, every value)."""
    x_labels = [str(v) for v in x_labels]
    parts = [f"{kind} chart: {title}."]
    if x_labels:
        parts.append(f"{len(x_labels)} points from {x_labels[0]} to {x_labels[-1]}." if kind == "Line" else
                     f"{len(x_labels)} categories.")
    for name, values in series.items():
        vals = [np.nan if F.missing(v) else float(v) for v in values]
        known = [(x, v) for x, v in zip(x_labels, vals) if not np.isnan(v)]
        if not known:
            parts.append(f"{name}: no data.")
            continue
        if kind != "Line" and len(known) <= 12:
            parts.append(f"{name}: " + ", ".join(f"{x} {_fmt(v, unit)}" for x, v in known) + ".")
            continue
        if len({round(v, 9) for _, v in known}) == 1:
            parts.append(f"{name}: {_fmt(known[0][1], unit)} throughout.")
            continue
        lo, hi = min(known, key=lambda t: t[1]), max(known, key=lambda t: t[1])
        parts.append(f"{name}: {_fmt(known[0][1], unit)} in {known[0][0]} to {_fmt(known[-1][1], unit)} in "
                     f"{known[-1][0]}; lowest {_fmt(lo[1], unit)} ({lo[0]}), highest {_fmt(hi[1], unit)} ({hi[0]}).")
    if extra:
        parts.append(extra)
    return " ".join(parts)


def _alt(fig, text: str):
    fig.cic_alt = text
    return fig


def alt_text(fig) -> str:
    """The figure's alt text: set by the chart function, else its titles."""
    text = getattr(fig, "cic_alt", "")
    if text:
        return text
    titles = [fig._suptitle.get_text()] if getattr(fig, "_suptitle", None) is not None else []
    titles += [ax.get_title(loc="left") or ax.get_title() for ax in fig.axes]
    titles = [t for t in titles if t]
    return "Chart: " + "; ".join(titles) if titles else "Chart"


SVG_RC = {"svg.fonttype": "none", "svg.hashsalt": "cicanalysis"}   # text as text; ids the same every run
PNG_COMPRESS_LEVEL = 1    # zlib's fastest: the same pixels as level 6 (PIL's default), written ~30% faster, ~12% larger


def png(fig) -> bytes:
    """The figure as a PNG drawn at ``SCALE`` times its shown size (zlib level ``PNG_COMPRESS_LEVEL``: the printed
    PDF compresses its images again, so only the HTML carries the few more bytes)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI * SCALE, pil_kwargs={"compress_level": PNG_COMPRESS_LEVEL})
    return buf.getvalue()


def shown_width(fig) -> int:
    return int(round(fig.get_figwidth() * DPI))


def svg(fig) -> bytes:
    """The figure as SVG, its text kept as text (``svg.fonttype: none``: the browser sets it in DejaVu Sans, the
    font matplotlib measured it in) and the same bytes every time (a fixed id salt, no date): a vector image, as sharp
    on a projector or in print as the page, and cheaper to write than a PNG at ``SCALE`` times its size."""
    buf = io.BytesIO()
    # a figure with a layout engine is laid out inside savefig, before it is drawn: its ticks updated as usual
    with plt.rc_context(SVG_RC), _ticks_updated_once() if fig.get_layout_engine() is None else contextlib.nullcontext():
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


def img_html(fig, alt: str | None = None) -> str:
    """The figure as an ``<img>`` shown at its intended width (an SVG data URI: an isolated document, so two charts'
    clip-path ids never meet, and the page stays self-contained), with alt text."""
    data = base64.b64encode(svg(fig)).decode("ascii")
    return (f'<img src="data:image/svg+xml;base64,{data}" width="{shown_width(fig)}" '
            f'alt="{html.escape(alt or alt_text(fig))}">')


def show(fig, alt: str | None = None) -> None:
    """Put a figure in the report: a vector image shown at its intended size (:func:`img_html`), with alt text,
    in a ``div.cic-chart``; then close it."""
    from IPython.display import HTML, display
    display(HTML(f'<div class="cic-chart">{img_html(fig, alt)}</div>'))
    plt.close(fig)


def grid_html(figs) -> str:
    """Several figures side by side (as many as fit the width; one a row in print), each with alt text."""
    items = []
    for fig in figs:
        items.append(img_html(fig))
        plt.close(fig)
    return ('<div class="cic-charts" style="display:flex;flex-wrap:wrap;gap:8px 16px">' + "".join(items) + "</div>")


def show_grid(figs) -> None:
    from IPython.display import HTML, display
    display(HTML(grid_html(figs)))


# ---------------------------------------------------------------- trends
def trend_chart(trend: pd.DataFrame, indicator: str, source: str, ax=None):
    """Line of the indicator's monthly values with its target and amber floor drawn as dashed lines.
    An indicator from an annual return (OC2, OC3) is drawn as steps, marked at each 31 March."""
    house_style()
    t = trend[trend["indicator"] == indicator].sort_values("period")
    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(6, 3.3))
    unit = t["unit"].iloc[0]
    annual = M.BY_ID[indicator].annual if indicator in M.BY_ID else ""
    title = t["title"].iloc[0]
    if annual:
        ax.plot(t["period"], t["value"], drawstyle="steps-post", color=LINE, label=f"Value ({annual}, annual)")
        march = t[t["period"].dt.month == 3]
        ax.plot(march["period"], march["value"], linestyle="none", marker="o", color=LINE)
    else:
        ax.plot(t["period"], t["value"], marker="o", markersize=4, color=LINE, label="Value")
    if t["target"].notna().any():
        ax.step(t["period"], t["target"], where="mid", linestyle="--", color=TARGET, label="Target")
    if t["floor"].notna().any() and not t["floor"].equals(t["target"]):
        ax.step(t["period"], t["floor"], where="mid", linestyle=":", color=FLOOR, label="Amber floor")
    ax.set_ylabel(axis_label(unit))
    ax.set_xlabel("Month end" + (f" ({annual}: an annual return, changes at 31 March)" if annual else ""))
    month_end_axis(ax, t["period"])
    span = t[["value", "target", "floor"]].to_numpy(dtype=float)
    lo, hi = (np.nanmin(span), np.nanmax(span)) if np.isfinite(span).any() else (0.0, 100.0)
    if unit == "%":  # a scale an officer can read: from 0 for small percentages, up to 100 at most
        ax.set_ylim(0 if lo < 40 else lo - 10, min(100, hi * 1.25 + 2))
    else:
        ax.set_ylim(bottom=0, top=max(hi * 1.2, 1))
    key_above(ax, "\n".join(textwrap.wrap(title, 56)), ncol=3)
    footnote(fig, source, t["period"].max())
    fit(fig, rect=(0, 0.05, 1, 1))
    months = [f"{d:%b %Y}" for d in t["period"]]
    series = {"Value": t["value"].tolist()}
    extra = []
    for col, name in (("target", "Target"), ("floor", "Amber floor")):
        vals = t[col].dropna()
        if len(vals):
            extra.append(f"{name} {_fmt(vals.iloc[-1], unit)}.")
    if annual:
        extra.append(f"From the annual {annual} return: the value changes once a year, at 31 March.")
    return _alt(fig, describe("Line", title, months, series, unit, " ".join(extra)))


def trend_adds_nothing(trend: pd.DataFrame, indicator: str) -> str:
    """Why a trend chart would add nothing ('' when it would not): no value in any month, or the same value
    as shown every month with no target to read it against."""
    return _adds_nothing(trend[trend["indicator"] == indicator])


def _adds_nothing(t: pd.DataFrame) -> str:
    """:func:`trend_adds_nothing` of one indicator's rows."""
    values = t["value"].dropna()
    if values.empty:
        return "no data"
    unit = t["unit"].iloc[0]
    shown = {F.format_value(v, unit) for v in values}
    if len(shown) == 1 and t["target"].isna().all():
        return f"{shown.pop()} throughout"
    return ""


def trend_grid(trend: pd.DataFrame, source: str):
    """The trend charts side by side (:func:`grid_html`), leaving out those that add nothing
    (:func:`trend_adds_nothing`), named in one line after them."""
    from IPython.display import HTML
    ids = list(dict.fromkeys(trend["indicator"]))
    left = {i: trend_adds_nothing(trend, i) for i in ids}
    html_ = grid_html(trend_chart(trend, i, source) for i in ids if not left[i])
    out = [(f"{trend.loc[trend['indicator'] == i, 'title'].iloc[0]} ({why})") for i, why in left.items() if why]
    if out:
        html_ += (f'<p class="cic-note">No chart for {len(out)} indicator{"s" if len(out) != 1 else ""} whose '
                  f'value did not change over these months or has no data: {html.escape("; ".join(out))}.</p>')
    return HTML(html_)


# ---------------------------------------------------------------- trends as small multiples (the scorecard's appendix)
MULTIPLES_COLS = 3          # panels across an A4 portrait page
MULTIPLES_MOST = 12         # panels a page at most (4 rows of 3)
TREND_PANELS_AN_IMAGE = 6   # the trend appendix in images of 2 rows, half a page: the first fills the body's last page
# inches a panel: three across 7.3 in (an A4 page inside its margins); two images of 2 rows and a heading fit a page
PANEL_SIZE = (2.45, 2.0)


def multiples_pages(n: int, most: int = MULTIPLES_MOST, cols: int = MULTIPLES_COLS) -> list[int]:
    """How many panels each page's grid holds: as few pages as ``most`` a page allows, the panels shared out
    evenly in whole rows (29 panels: 12, 9, 8, not 12, 12, 5), so no page of the appendix is left nearly empty."""
    if n <= 0:
        return []
    pages = int(np.ceil(n / most))
    rows = int(np.ceil(n / cols))
    per = [(rows // pages + (k < rows % pages)) * cols for k in range(pages)]
    per[-1] = n - sum(per[:-1])
    return per


class _TrendGrid:
    """A figure of small-multiple trend panels (``rows`` of :data:`MULTIPLES_COLS`), drawn again for each group of
    indicators: each panel's lines keep their artists and take the next indicator's data (``set_data``), so the
    trend appendix builds one figure (axes, ticks, gridlines, key) per number of rows instead of one per image.
    Each drawing is the panel :func:`trend_multiples` describes, artist for artist."""

    def __init__(self, rows: int, dates, cols: int = MULTIPLES_COLS):
        house_style()
        self.fig, axes = plt.subplots(rows, cols, figsize=(PANEL_SIZE[0] * cols, PANEL_SIZE[1] * rows + 0.55),
                                      squeeze=False)
        self.axes, self.lines = list(axes.flat), []
        for ax in self.axes:
            ax.xaxis.update_units(pd.Series(dates))          # the date axis, before any line is drawn
            self.lines.append((ax.plot([], [], color=LINE, lw=1.4)[0],     # the value
                               ax.plot([], [], linestyle="none", marker="o", markersize=3, color=LINE)[0],  # 31 March
                               ax.plot([], [], drawstyle="steps-mid", linestyle="--", lw=1.1, color=TARGET)[0],
                               ax.plot([], [], drawstyle="steps-mid", linestyle=":", lw=1.3, color=FLOOR)[0]))
            ax.tick_params(axis="both", labelsize=6.5, length=2.5, pad=1.5)
            ax.yaxis.set_major_formatter(StepLabels())
        handles = [matplotlib.lines.Line2D([], [], color=LINE, marker="o", markersize=3, label="Value at the month end"),
                   matplotlib.lines.Line2D([], [], color=TARGET, linestyle="--", label="Target"),
                   matplotlib.lines.Line2D([], [], color=FLOOR, linestyle=":", label="Amber floor (beyond it: Red)")]
        self.fig.legend(handles=handles, loc="upper left", ncol=3, frameon=False, fontsize=7.5, bbox_to_anchor=(0.005, 1.0))
        self.footnote = None
        sp = self.fig.subplotpars      # where tight_layout starts from, each drawing (ticks depend on panel size)
        self.start = {k: getattr(sp, k) for k in ("left", "right", "bottom", "top", "wspace", "hspace")}

    def draw(self, trend: pd.DataFrame, ids: list[str], source: str, rows: dict | None = None):
        """The figure with ``ids``' panels (the others hidden), laid out (``tight_layout``) for their titles; ``rows``:
        each indicator's rows by period (:func:`_per_indicator`), when the caller has them."""
        rows = rows if rows is not None else _per_indicator(trend[trend["indicator"].isin(ids)])
        for k, ax in enumerate(self.axes):
            ax.set_visible(k < len(ids))
            if k < len(ids):
                self._panel(ax, self.lines[k], rows[ids[k]], ids[k])
        if self.footnote is not None:
            self.footnote.remove()
        footnote(self.fig, source, trend["period"].max())
        self.footnote = self.fig.texts[-1]
        self.fig.subplots_adjust(**self.start)
        top = 1 - 0.3 / self.fig.get_figheight()
        fit(self.fig, rect=(0, 0.25 / self.fig.get_figheight(), 1, top), h_pad=0.6, w_pad=0.8)
        return _alt(self.fig, _multiples_alt(rows, ids))

    @staticmethod
    def _panel(ax, lines, t: pd.DataFrame, indicator: str) -> None:
        """One indicator's 13 months: the value (steps for an annual return, marked at each 31 March), its target
        dashed and amber floor dotted, a tick on every month end (:func:`month_end_axis`) labelled every fourth
        month counted back from the latest, and its title wrapped above."""
        value, march, target, floor = lines
        unit = t["unit"].iloc[0]
        annual = M.BY_ID[indicator].annual if indicator in M.BY_ID else ""
        value.set_data(t["period"], t["value"])
        value.set_drawstyle("steps-post" if annual else "default")
        value.set_marker("None" if annual else "o")
        value.set_markersize(6 if annual else 2.5)
        march.set_visible(bool(annual))
        if annual:
            m = t[t["period"].dt.month == 3]
            march.set_data(m["period"], m["value"])
        target.set_visible(bool(t["target"].notna().any()))
        target.set_data(t["period"], t["target"])
        floor.set_visible(bool(t["floor"].notna().any() and not t["floor"].equals(t["target"])))
        floor.set_data(t["period"], t["floor"])
        ticks = month_end_axis(ax, t["period"], fmt="%b %y", most=len(t))
        labelled = set(ticks[::-1][::4])
        ax.set_xticklabels([f"{d:%b %y}" if d in labelled else "" for d in ticks])
        span = t[["value", "target", "floor"]].to_numpy(dtype=float)
        lo, hi = (np.nanmin(span), np.nanmax(span)) if np.isfinite(span).any() else (0.0, 100.0)
        if unit == "%":
            ax.set_ylim(0 if lo < 40 else lo - 10, min(100, hi * 1.25 + 2))
        else:
            ax.set_ylim(bottom=0, top=max(hi * 1.2, 1))
        title = t["title"].iloc[0] + (" (days)" if unit == "days" and "day" not in t["title"].iloc[0] else "")
        title += f" ({annual}, annual)" if annual else ""
        ax.set_title("\n".join(textwrap.wrap(title, 34)[:4]), loc="left", fontsize=7, fontweight="bold", pad=3)


def _per_indicator(trend: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Each indicator's rows of a trend, by period: the rows its panel, alt text and check read (split once)."""
    return {i: t.sort_values("period") for i, t in trend.groupby("indicator", sort=False)}


def _multiples_alt(rows: dict, ids: list[str]) -> str:
    """The grid's alt text: each panel's own (:func:`describe`), one after another."""
    parts = []
    for i in ids:
        t = rows[i]
        unit = t["unit"].iloc[0]
        extra = " ".join(f"{name} {_fmt(t[col].dropna().iloc[-1], unit)}." for col, name in
                         (("target", "Target"), ("floor", "Amber floor")) if t[col].notna().any())
        parts.append(describe("Line", t["title"].iloc[0], [f"{d:%b %Y}" for d in t["period"]],
                              {"Value": t["value"].tolist()}, unit, extra))
    return f"Small multiples, {len(ids)} trend charts. " + " ".join(parts)


def trend_multiples(trend: pd.DataFrame, ids: list[str], source: str, cols: int = MULTIPLES_COLS):
    """Several indicators' trends in one figure (small multiples), ``cols`` across: each panel as
    :meth:`_TrendGrid._panel`, one key for the figure above the panels and the source under them. The figure is as
    tall as its rows, so a page of the appendix holds one grid."""
    return _TrendGrid(int(np.ceil(len(ids) / cols)), trend["period"], cols).draw(trend, ids, source)


def trend_appendix(trend: pd.DataFrame, source: str):
    """The trends against target as small multiples (:func:`trend_multiples`), the panels shared out in whole rows
    over images of half a page (:func:`multiples_pages`, ``TREND_PANELS_AN_IMAGE``): one drawing for six indicators,
    and the appendix can start on the body's last page instead of leaving it part-empty. Those that would add nothing
    (:func:`trend_adds_nothing`) are named in one line after them."""
    from IPython.display import HTML
    ids = list(dict.fromkeys(trend["indicator"]))
    each = _per_indicator(trend)
    left = {i: _adds_nothing(each[i]) for i in ids}
    drawn = [i for i in ids if not left[i]]
    grids, items, k = {}, [], 0          # one figure for each number of rows, drawn again for each image
    for n in multiples_pages(len(drawn), most=TREND_PANELS_AN_IMAGE):
        rows = int(np.ceil(n / MULTIPLES_COLS))
        grid = grids.get(rows) or grids.setdefault(rows, _TrendGrid(rows, trend["period"]))
        fig = grid.draw(trend, drawn[k:k + n], source, each)
        k += n
        items.append(img_html(fig))
    for grid in grids.values():
        plt.close(grid.fig)
    html_ = '<div class="cic-multiples">' + "".join(items) + "</div>"
    out = [(f"{trend.loc[trend['indicator'] == i, 'title'].iloc[0]} ({why})") for i, why in left.items() if why]
    if out:
        html_ += (f'<p class="cic-note">No chart for {len(out)} indicator{"s" if len(out) != 1 else ""} whose '
                  f'value did not change over these months or has no data: {html.escape("; ".join(out))}.</p>')
    return HTML(html_)


def dot_label(current, previous, dot) -> str:
    """Direction of travel as an arrow for the movement of the value (▲ up, ▼ down, ► same) and a word for
    whether that is better or worse by the indicator's polarity: a rise in an L indicator is '▲ worse'."""
    if F.missing(dot) or not dot:
        return ""
    if dot == "same" or F.missing(current) or F.missing(previous):
        return "► same" if dot == "same" else dot
    up = current > previous
    word = {"improved": "better", "worse": "worse"}.get(dot, dot)
    return f"{'▲' if up else '▼'} {word}"


def hidden_when_published(unit: str, denominator, suppress: bool) -> bool:
    """True when publishing (``suppress``) and the value is a percentage or average of 1 to 9 children: with
    its numerator and denominator it would tell a reader about one child ("50.0% *" is 1 of 2)."""
    return bool(suppress) and unit not in ("count", "per 10,000") and not F.missing(denominator) \
        and 1 <= denominator <= 9


def _small_parts(f: pd.DataFrame, suppress: bool):
    """Numerator, denominator and value as shown in the scorecard table (hidden when published, see
    :func:`hidden_when_published`)."""
    hide = [hidden_when_published(u, d, suppress) for u, d in zip(f["unit"], f["denominator"])]
    num = [("" if F.missing(n) or u == "count" or h else f"{n:,.0f}") for n, u, h in zip(f["numerator"], f["unit"], hide)]
    den = [("" if F.missing(d) or u == "count" else ("<10" if h else f"{d:,.0f}")) + (" *" if s else "")
           for d, u, s, h in zip(f["denominator"], f["unit"], f["small_denominator"], hide)]
    val = [F.SMALL_PCT if h else F.format_value(v, u) for v, u, h in zip(f["value"], f["unit"], hide)]
    return num, den, val


def scorecard_table(frame: pd.DataFrame, caption: str = "", suppress: bool = False):
    """Scorecard rows for officers: values by unit, RAG as colour and letter, direction of travel as the
    value's arrow with better/worse, small denominators flagged ``*``. With ``suppress`` (publishing), a
    percentage or average on a denominator of 1-9 reads 'n<10' with neither its numerator nor denominator."""
    f = frame.reset_index(drop=True)
    num, den, val = _small_parts(f, suppress)
    show = pd.DataFrame({
        "Indicator": f["title"],
        "Polarity, type": [f"{p}, {t}" for p, t in zip(f["polarity"], f["measure_type"])],
        "Numerator": num,
        "Denominator": den,
        "Value": val,
        "Target": [("" if F.missing(t) else F.format_value(t, u)) for t, u in zip(f["target"], f["unit"])],
        "RAG": f["rag"].where(f["rag"].notna(), ""),
        "Last month": [F.format_value(v, u) for v, u in zip(f["previous_value"], f["unit"])],
        "Since last month": [dot_label(v, p, d) for v, p, d in zip(f["value"], f["previous_value"], f["dot_previous"])],
        "Outturn": [F.format_value(v, u) for v, u in zip(f["outturn_value"], f["unit"])],
        "Since the outturn": [dot_label(v, p, d) for v, p, d in zip(f["value"], f["outturn_value"], f["dot_outturn"])],
    })
    kinds = {c: "count" for c in ("Numerator", "Denominator", "Value", "Target", "Last month", "Outturn")}
    t = F.table(show, caption=caption, kinds={**kinds, "RAG": "rag"})
    t.wide = True
    t.typed = scorecard_typed(f, suppress)   # for the workbook: each figure in its own column
    return t


def scorecard_typed(frame: pd.DataFrame, suppress: bool = False):
    """Scorecard rows for the workbook: every figure a number in its own column (value, RAG, the small-denominator
    flag, last month, the outturn each apart), one row per indicator and unit. With ``suppress`` (publishing), as
    in the report: counts of 1-5 (a count indicator's values, numerators, denominators) read '<6', and a
    percentage or average on a denominator of 1-9 reads 'n<10' with its numerator left out and its denominator
    '<10'."""
    f = frame.reset_index(drop=True)
    cols = ["indicator", "title"] + (["level", "unit_name"] if (f["level"] != "county").any() else []) + [
        "unit", "polarity", "measure_type", "numerator", "denominator", "small_denominator", "value", "target",
        "floor", "rag", "previous_value", "dot_previous", "outturn_value", "dot_outturn"]
    rename = {"unit": "Measured in", "unit_name": "Area or team", "dot_previous": "Since last month",
              "dot_outturn": "Since the outturn"}
    small = pd.DataFrame({c: [suppress and (c in ("numerator", "denominator") or u == "count") and not F.missing(v)
                              and 1 <= v <= 5 for v, u in zip(f[c], f["unit"])]
                          for c in ("numerator", "denominator", "value", "previous_value", "outturn_value")})
    rate = suppress & ~f["unit"].isin(["count", "per 10,000"]) & f["denominator"].between(1, 9)
    shown = f[cols].astype({"numerator": object, "denominator": object, "value": object})
    shown.loc[rate, ["numerator", "denominator", "value"]] = [None, "<10", "n<10"]
    t = F.table(shown, units=f["unit"], rename=rename, row_header=False)
    t.suppressed = small & ~pd.DataFrame({c: rate for c in small.columns})
    return t


def suppress_small_counts(frame: pd.DataFrame, columns, suppress: bool) -> pd.DataFrame:
    """Replace counts of 1–5 by '<6' in breakdown tables when publishing (SPEC 8)."""
    if not suppress:
        return frame
    out = frame.copy()
    for c in columns:
        out[c] = [(F.SUPPRESSED if isinstance(v, (int, float)) and not pd.isna(v) and 1 <= v <= 5 else v)
                  for v in out[c]]
    return out


def unit_matrix(frame: pd.DataFrame, level: str, suppress: bool = False, per_table: int = 7):
    """Indicators down, units (areas or teams) across: each cell the value and its RAG letter, coloured.
    Many units are split into several tables of ``per_table`` units (seven fit a landscape A4 page with the
    indicator names on one line), so nothing scrolls or is cut in print.

    With ``suppress`` (publishing), count indicators of 1–5 are shown as '<6' (SPEC 8) and percentages or
    averages on denominators of 1-9 as 'n<10' (:func:`hidden_when_published`).
    """
    f = frame[frame["level"] == level]
    cells = {}
    for r in f.itertuples(index=False):
        v = r.value
        text = F.format_value(v, r.unit)
        if suppress and r.unit == "count" and not pd.isna(v) and 1 <= v <= 5:
            text = F.SUPPRESSED
        elif hidden_when_published(r.unit, r.denominator, suppress):
            text = F.SMALL_PCT
        if r.rag in RAG_COLOURS:
            text = f"{text} {r.rag}"
        if r.small_denominator:
            text += " *"
        cells[(r.title, r.unit_name)] = (text, r.rag)
    titles = list(dict.fromkeys(f["title"]))
    units = list(dict.fromkeys(f["unit_name"]))
    table = pd.DataFrame([[t] + [cells.get((t, u), ("", None))[0] for u in units] for t in titles],
                         columns=["Indicator"] + units)
    styles = pd.DataFrame([[""] + [rag_style(cells.get((t, u), ("", None))[1]) for u in units] for t in titles],
                          columns=["Indicator"] + units)
    name = {"area": "Areas", "team": "Teams"}.get(level, level.capitalize())
    t = F.table(table, caption=f"{name}: value and RAG letter", styles=styles, split=per_table,
                kinds={u: "count" for u in units},
                empty=f"No {name.lower()} are set in the authority's configuration: the county figures above are "
                      f"the whole authority's.")
    t.wide = True
    return t


LOCAL_SOURCE_WORDS = {"supplied": "supplied_indicators", "tracking": "adoption_tracking", "adopter": "adopters"}


def report_header(x, period, title: str, also: str = "local supplied indicators") -> str:
    """Markdown line under a report's title (the house header above it names the authority and the period and
    says that only aggregates are shown): the figures' sources, the authority's extract with its date, and any
    local table in ``also`` the extract has."""
    if also and any(word in also and not x.sources.get(table) for word, table in LOCAL_SOURCE_WORDS.items()):
        also = ""
    return (f"Figures from {x.authority['name']}'s SSDA903 extract dated {x.extract_date:%d/%m/%Y}"
            f"{' and its ' + also.removeprefix('the ') if also else ''}.")


def uasc_impact_table(impact: pd.DataFrame):
    """The including/excluding-UASC table: values by unit, the difference signed, RAG as colour and letter. Only
    the indicators that UASC change as shown (the values or the RAG differ at the shown precision) are listed; a
    note says how many others read the same both ways."""
    shown = [F.format_value(a, u) != F.format_value(b, u) or (ra != rb and not (F.missing(ra) and F.missing(rb)))
             for a, b, ra, rb, u in zip(impact["including_uasc"], impact["excluding_uasc"], impact["rag_including"],
                                        impact["rag_excluding"], impact["unit"])]
    rows = impact[shown]
    same = len(impact) - len(rows)
    t = rows[["title", "including_uasc", "rag_including", "excluding_uasc", "rag_excluding", "variance"]]
    note = (f"The other {same} indicator{'s read' if same != 1 else ' reads'} the same including and excluding UASC "
            "(no UASC among their children, or too few to change the figure as shown)." if same else "")
    return F.table(t.rename(columns={"title": "Indicator"}), units=rows["unit"], note=note,
                   caption="County values including and excluding UASC: the indicators UASC change",
                   empty="No indicator changes when UASC are left out: every figure reads the same both ways.")


# ---------------------------------------------------------------- adoption and adopters' journey charts
def plain_table(frame: pd.DataFrame, caption: str = "", suppress: bool = False, counts=(), decimals: int = 1,
                wide: bool = False, **kw):
    """A table for officers (see :func:`cicanalysis.reports.formatting.table`): labels, units, signs, n/a, counts of
    1-5 shown as '<6' when publishing. ``decimals=0`` shows every number column as a whole number; ``wide``
    prints it on landscape pages."""
    kinds = dict(kw.pop("kinds", {}) or {})
    if decimals == 0:
        for c in frame.columns:
            if c not in kinds and pd.api.types.is_float_dtype(frame[c]) and F.kind_of(c, frame[c]) == "number":
                kinds[c] = "count"
    t = F.table(frame, caption=caption, suppress=suppress, counts=counts, kinds=kinds, **kw)
    t.wide = wide
    return t


def direction_table(frame: pd.DataFrame, caption: str = "", column: str = "Direction"):
    """A table whose ``column`` holds Improving / Remaining stable / Declining, coloured as well as worded."""
    styles = pd.DataFrame({column: [direction_colour(v) for v in frame[column]]})
    return F.table(frame, caption=caption, styles=styles)


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
                ax.annotate(f"{pct:.0f}%", (i, v), ha="center", va="bottom", fontsize=8)
        ax.set_xticks(pos, t["group"], rotation=0 if len(t) < 7 else 60, ha="center" if len(t) < 7 else "right")
        ax.set_xlabel(xlabel)
        ax.set_ylabel("Average working days" if working else "Average days")
        ax.set_ylim(bottom=0)
    title = f"{y['title'].iloc[0]}: average and % within the timescale (bar labels)"
    fig.suptitle(title, x=0.01, ha="left", fontsize=10.5, fontweight="bold")
    # The key sits under the title, outside both panels, so it never covers a bar.
    fig.legend(*axes[0].get_legend_handles_labels(), loc="upper left", bbox_to_anchor=(0.01, 0.93), ncol=2,
               frameon=False)
    footnote(fig, source, period)
    fit(fig, rect=(0, 0.05, 1, 0.88))
    unit = "days"
    extra = (f"Timescale {y['limit'].iloc[0]}. % within by year: "
             + ", ".join(f"{g} {F.format_cell(p, 'pct')}" for g, p in zip(y["group"], y["pct_within"])) + ".")
    return _alt(fig, describe("Bar", title, list(y["group"]), {"Average days by year": y["avg_days"].tolist()}, unit,
                              extra + " " + describe("Bar", "by district, current span", list(d["group"]),
                                                     {"Average days": d["avg_days"].tolist()}, unit)))


def threshold_chart(a1a2: pd.DataFrame, measure: str, source: str, period):
    """A1 or A2: single-year and 3-year rolling averages against the DfE threshold, England where present.
    3-year windows that start before the data (``partial``) are hatched and marked in the axis labels."""
    house_style()
    t = a1a2[a1a2["measure"] == measure]
    partial = t["partial"] if "partial" in t else pd.Series(False, index=t.index)
    fig, ax = plt.subplots()
    pos = np.arange(len(t))
    bars = ax.bar(pos, t["year_avg_days"].fillna(0), color=LIGHT, label="Single year")
    for b, part in zip(bars, partial):
        if part:
            b.set_hatch("//")
            b.set_edgecolor(GREY)
    ax.plot(pos, t["three_year_avg_days"], marker="o", color=LINE, label="3-year average")
    ax.plot(pos, t["threshold"], linestyle="--", marker="_", markersize=14, color=FLOOR, label="DfE threshold (3-year)")
    for col, label, marker in (("england_year", "England (single year)", "s"),
                               ("england_three_year", "England (3-year)", "D"),
                               ("neighbours_three_year", "Statistical neighbours (3-year)", "^")):
        if t[col].notna().any():
            ax.plot(pos, t[col], linestyle="none", marker=marker, color=GREY, label=label)
    ax.set_xticks(pos, [f"{y}\n({w}{', partial' if p else ''})" for y, w, p in zip(t["year"], t["window"], partial)])
    ax.set_xlabel("Financial year (3-year window)")
    ax.set_ylabel("Average days")
    ax.set_ylim(bottom=0)
    name = {"A1": "A1: days from entering care to moving in with the adoptive family",
            "A2": "A2: days from placement order to the match decision"}.get(measure, measure)
    key_above(ax, name, ncol=4)
    footnote(fig, source, period)
    fit(fig, rect=(0, 0.05, 1, 1))
    labels = [f"{y}{' (partial)' if p else ''}" for y, p in zip(t["year"], partial)]
    return _alt(fig, describe("Bar", name, labels, {"3-year average": t["three_year_avg_days"].tolist(),
                                                    "DfE threshold": t["threshold"].tolist()}, "days"))


def year_blues(years: list) -> list[str] | None:
    """One blue a financial year, lightest the earliest and darkest the latest (the current year stands out), for
    up to five years; None for more (the chart's own palette then)."""
    if len(years) > 5:
        return None
    blues = ["#c6dbef", "#9ecae1", "#6baed6", "#2171b5", "#08306b"]
    return [blues[i] for i in np.linspace(1 if len(years) < 5 else 0, 4, len(years)).round().astype(int)]


def monthly_chart(frame: pd.DataFrame, title: str, source: str, period, value: str = "children",
                  ylabel: str = "Number of children", shade=()):
    """One line per financial year over the months April to March (``frame``: MONTH, FY, ``value``).
    ``shade``: (start, end) periods (e.g. recruitment freezes) shaded on the months they cover."""
    house_style()
    fig, ax = plt.subplots()
    months = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]
    years = list(dict.fromkeys(frame["FY"]))
    palette = year_blues(years)
    for i, fy in enumerate(years):
        t = frame[frame["FY"] == fy]
        pos = [(m.month - 4) % 12 for m in t["MONTH"]]
        ax.plot(pos, t[value], marker="o", markersize=4, label=fy, color=palette[i] if palette else None,
                linewidth=2.4 if i == len(years) - 1 else 1.3)
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
    key_above(ax, title, ncol=min(5, len(years) + len(shade)))
    footnote(fig, source, period)
    fit(fig, rect=(0, 0.05, 1, 1))
    totals = frame.groupby("FY", sort=False)[value].sum()
    return _alt(fig, f"Line chart: {title}, by month from April to March, one line per financial year. Totals: "
                     + ", ".join(f"{fy} {v:,.0f}" for fy, v in totals.items()) + "."
                     + (f" {len(shade)} recruitment freeze(s) shaded." if len(shade) else ""))


def bar_chart(frame: pd.DataFrame, category: str, title: str, source: str, period, value: str = "children",
              ylabel: str = "Number of children", xlabel: str = "", stacked_columns=None, suppress: bool = False):
    """Bars of ``value`` by ``category`` (or stacked ``stacked_columns``), titled, labelled and footnoted."""
    house_style()
    fig, ax = plt.subplots()
    labels = frame[category].astype(str).tolist()
    if stacked_columns:
        frame.set_index(category)[list(stacked_columns)].plot(kind="bar", stacked=True, ax=ax, rot=0, width=0.7,
                                                              color=PALETTE[:len(stacked_columns)])
        ax.legend(frameon=False, ncol=min(5, len(stacked_columns)))
        series = {str(c): frame[c].tolist() for c in stacked_columns}
    else:
        ax.bar(labels, frame[value], color=LINE)
        for i, v in enumerate(frame[value]):
            text = F.SUPPRESSED if suppress and 1 <= v <= 5 else f"{v:,.0f}"
            ax.annotate(text, (i, v), ha="center", va="bottom", fontsize=8)
        series = {F.label(value): [(np.nan if suppress and 1 <= v <= 5 else v) for v in frame[value]]}
    if len(frame) > 6:
        plt.setp(ax.get_xticklabels(), rotation=45, ha="right")
    ax.set_xlabel(xlabel or F.label(category))
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left")
    footnote(fig, source, period)
    fit(fig, rect=(0, 0.05, 1, 1))
    extra = "Counts of 1 to 5 are shown as <6." if suppress else ""
    return _alt(fig, describe("Bar", title, labels, series, "count", extra))


def distribution_chart(d: dict, source: str, period, suppress: bool = False):
    """The chart of one entry of ``adoption.distributions``: lines by month, stacked or plain bars."""
    t = d["table"]
    if d["kind"] == "monthly":
        return monthly_chart(t, d["title"], source, period)
    label = F.label(d["category"])
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
        t.columns.name = None
    counts = [c for c in t.columns[1:]]
    return F.table(t, caption=d["title"], suppress=suppress, counts=counts, kinds={c: "count" for c in counts})


# ---------------------------------------------------------------- small multiples (one figure, one savefig)
MONTHS = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]


def _panel_grid(n: int, ncols: int, width: float = 8.0, row_height: float = 2.7):
    """A figure of ``n`` panels, ``ncols`` to a row (one column for a single panel) on a grid of whole rows; the
    cells after the last panel stay empty (no axes made only to be hidden: laid out and drawn the same)."""
    house_style()
    ncols = 1 if n == 1 else ncols
    nrows = int(np.ceil(n / ncols))
    fig = plt.figure(figsize=(width, row_height * nrows + 0.35))
    grid = fig.add_gridspec(nrows, ncols)
    return fig, [fig.add_subplot(grid[k // ncols, k % ncols]) for k in range(n)]


def _panel_title(ax, title: str, width: int = 48, pad: float = 4, size: float = 9):
    """The panel's title, left-aligned, wrapped at ``width`` characters; returns its text artist."""
    return ax.set_title("\n".join(textwrap.wrap(title, width)), loc="left", fontsize=size, pad=pad)


TITLE_MARGIN = 0.02     # of a figure's width kept clear right of a panel title: the browser draws an SVG's text in
#                         its own font metrics, a little wider or narrower than matplotlib measured them


def titles_inside(fig, titles, width: int, **layout) -> None:
    """Any panel title (``titles``: its text artist and full text) that comes within ``TITLE_MARGIN`` of the figure's
    right edge wrapped again, three characters narrower at a time, then the figure laid out again (:func:`fit` with
    ``layout``): a title wrapped by character count can still be too wide in a right-hand panel ("Matching meeting
    to panel (within" ended 1.6 px inside the edge as matplotlib measured it, and past it as chromium drew it). Each
    round measures every title again, as a new layout may move them."""
    widths = [width] * len(titles)
    for _ in range(4):                     # laid out again, a title may move: measured again, at most four times
        renderer = fig.canvas.get_renderer()
        edge = fig.bbox.x1 - TITLE_MARGIN * fig.bbox.width
        wide = [i for i, (text, _) in enumerate(titles) if widths[i] > 12 and text.get_window_extent(renderer).x1 > edge]
        if not wide:
            return
        for i in wide:
            widths[i] -= 3
            titles[i][0].set_text("\n".join(textwrap.wrap(titles[i][1], widths[i])))
        fit(fig, **layout)


def _monthly_panel(ax, frame: pd.DataFrame, title: str, value: str = "children") -> str:
    """One line per financial year over April to March in ``ax`` (as :func:`monthly_chart`), its key under the
    title; returns the panel's alt text."""
    years = list(dict.fromkeys(frame["FY"]))
    colours = year_blues(years) or PALETTE
    for i, fy in enumerate(years):
        t = frame[frame["FY"] == fy]
        ax.plot([(m.month - 4) % 12 for m in t["MONTH"]], t[value], marker="o", markersize=2.5, label=fy,
                color=colours[i % len(colours)], linewidth=2 if i == len(years) - 1 else 1.1)
    ax.set_xticks(range(12), [m[0] for m in MONTHS], fontsize=7.5)
    ax.tick_params(axis="y", labelsize=7.5)
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True, nbins=5))
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=len(years), frameon=False, fontsize=7,
              borderaxespad=0.1, handlelength=1.2, columnspacing=0.8)
    _panel_title(ax, title, pad=16)
    totals = frame.groupby("FY", sort=False)[value].sum()
    return (f"{title}, by month from April to March, one line per financial year; totals "
            + ", ".join(f"{fy} {v:,.0f}" for fy, v in totals.items()) + ".")


def _bar_panel(ax, frame: pd.DataFrame, category: str, title: str, value: str = "children",
               suppress: bool = False, stacked_columns=None) -> str:
    """Bars of ``value`` by ``category`` (or stacked ``stacked_columns``) in ``ax``, each plain bar labelled with
    its count (<6 for 1-5 when publishing); returns the panel's alt text."""
    labels = frame[category].astype(str).tolist()
    pos = np.arange(len(labels))
    if stacked_columns:
        bottom = np.zeros(len(frame))
        for c, colour in zip(stacked_columns, PALETTE):
            ax.bar(pos, frame[c].fillna(0), bottom=bottom, color=colour, label=str(c), width=0.7)
            bottom += frame[c].fillna(0).to_numpy(dtype=float)
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=len(stacked_columns), frameon=False, fontsize=7,
                  borderaxespad=0.1, handlelength=1.2, columnspacing=0.8)
        series = {str(c): frame[c].tolist() for c in stacked_columns}
    else:
        ax.bar(pos, frame[value], color=LINE, width=0.7)
        for i, v in enumerate(frame[value]):
            ax.annotate(F.SUPPRESSED if suppress and 1 <= v <= 5 else f"{v:,.0f}", (i, v), ha="center", va="bottom",
                        fontsize=7)
        ax.margins(y=0.15)
        series = {F.label(value): [(np.nan if suppress and 1 <= v <= 5 else v) for v in frame[value]]}
    crowded = len(labels) > 5 or sum(len(s) for s in labels) > 40
    ax.set_xticks(pos, ["\n".join(textwrap.wrap(s, 14)) if not crowded else s for s in labels], fontsize=7.5,
                  rotation=40 if crowded else 0, ha="right" if crowded else "center")
    ax.tick_params(axis="y", labelsize=7.5)
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True, nbins=5))
    _panel_title(ax, title, pad=16 if stacked_columns else 4)
    return describe("Bar", title, labels, series, "count").removeprefix("Bar chart: ")


def distribution_grid(ds: list, source: str, period, suppress: bool = False, ncols: int = 2):
    """The charts of several entries of ``adoption.distributions`` (one section's) as small multiples in one
    figure, two to a row: lines by month, plain or stacked bars. Its alt text describes every panel."""
    fig, axes = _panel_grid(len(ds), ncols)
    alts = []
    for ax, d in zip(axes, ds):
        t = d["table"]
        if d["kind"] == "monthly":
            alts.append(_monthly_panel(ax, t, d["title"]))
            continue
        stacked = [c for c in t.columns if c != d["category"]] if d["kind"] == "stacked" else None
        alts.append(_bar_panel(ax, t, d["category"], d["title"], suppress=suppress, stacked_columns=stacked))
        ax.set_ylabel("Children", fontsize=8)
    footnote(fig, source, period)
    fit(fig, rect=(0, 0.35 / fig.get_figheight(), 1, 1), h_pad=1.2, w_pad=1.5)
    extra = " Counts of 1 to 5 are shown as <6." if suppress else ""
    return _alt(fig, f"Bar and line charts, {len(ds)} panel(s): " + " ".join(alts) + extra)


def timescale_grid(by_year: pd.DataFrame, timescales, source: str, period, ncols: int = 3):
    """Each timescale's average days by financial year (bars labelled with the % within) against its timescale
    line (the DfE threshold of each year for A1 and A2): small multiples in one figure, ``ncols`` to a row."""
    fig, axes = _panel_grid(len(timescales), ncols, row_height=2.15)
    alts, titles = [], []
    for ax, ts in zip(axes, timescales):
        y = by_year[by_year["timescale"] == ts]
        pos = np.arange(len(y))
        ax.bar(pos, y["avg_days"].fillna(0), color=LINE, width=0.7)
        ax.plot(pos, y["limit_days"], linestyle="--", marker="_", markersize=10, color=TARGET)
        for i, (v, pct, n) in enumerate(zip(y["avg_days"], y["pct_within"], y["cases"])):
            if n:
                ax.annotate(f"{pct:.0f}%", (i, v), ha="center", va="bottom", fontsize=7)
        ax.margins(y=0.18)
        ax.set_ylim(bottom=0)
        if not y["cases"].fillna(0).any():      # an empty panel says so (its axis would run 0 to 0.06)
            ax.text(0.5, 0.5, "No cases in these years", transform=ax.transAxes, ha="center", va="center",
                    fontsize=8, color="0.35")
            ax.set_yticks([])
        ax.set_xticks(pos, [str(g).replace("-", "-\n", 1) if len(y) > 4 else str(g) for g in y["group"]], fontsize=7)
        ax.tick_params(axis="y", labelsize=7)
        working = "working days" in y["limit"].iloc[0]
        ax.set_ylabel("Working days" if working else "Days", fontsize=7.5)
        full = f"{y['title'].iloc[0]} (within {y['limit'].iloc[0]})"
        titles.append((_panel_title(ax, full, width=34, size=8), full))
        alts.append(f"{y['title'].iloc[0]} (timescale {y['limit'].iloc[0]}): "
                    + ", ".join(f"{g} {F.format_value(a, 'days')}, {F.format_cell(p, 'pct')} within"
                                for g, a, p in zip(y["group"], y["avg_days"], y["pct_within"])) + ".")
    key = [matplotlib.patches.Patch(color=LINE, label="Average days (bar label: % within the timescale)"),
           matplotlib.lines.Line2D([], [], color=TARGET, linestyle="--", label="Timescale")]
    fig.legend(handles=key, loc="upper left", bbox_to_anchor=(0.01, 1.0), ncol=2, frameon=False, fontsize=8)
    footnote(fig, source, period)
    layout = {"rect": (0, 0.35 / fig.get_figheight(), 1, 1 - 0.3 / fig.get_figheight()), "h_pad": 1.0, "w_pad": 1.2}
    fit(fig, **layout)
    titles_inside(fig, titles, 34, **layout)
    return _alt(fig, "Bar charts, average days by financial year against each timescale: " + " ".join(alts))


def columns_html(blocks, width: str = "15em", count: int = 3) -> str:
    """Narrow tables (HTML blocks, each a heading and its table or a table) flowed in up to ``count`` newspaper
    columns of at least ``width``, each block kept whole: an appendix of short tables on a few pages, not a
    table a page. Blocks are objects with ``_repr_html_`` (tables) or HTML strings."""
    parts = [b if isinstance(b, str) else b._repr_html_() for b in blocks]
    return (f'<div class="cic-columns" style="columns:{width} {count};column-gap:6mm">'
            + "".join(f'<div style="break-inside:avoid;display:inline-block;width:100%">{p}</div>' for p in parts)
            + "</div>")


def grouped_bars(frame: pd.DataFrame, category: str, columns, title: str, source: str, period,
                 ylabel: str = "Per cent (%)", xlabel: str = ""):
    """Side-by-side bars of ``columns`` (e.g. this span and last year) by ``category``."""
    house_style()
    fig, ax = plt.subplots()
    t = frame.set_index(category)[list(columns)]
    t.plot(kind="bar", ax=ax, rot=0, width=0.75, color=[LIGHT, LINE][-len(columns):] if len(columns) <= 2 else None)
    if len(t) > 4:
        plt.setp(ax.get_xticklabels(), rotation=30, ha="right")
    ax.set_xlabel(xlabel or F.label(category))
    ax.set_ylabel(ylabel)
    key_above(ax, title, ncol=len(columns))
    footnote(fig, source, period)
    fit(fig, rect=(0, 0.05, 1, 1))
    return _alt(fig, describe("Bar", title, list(t.index), {str(c): t[c].tolist() for c in t.columns}, "%"))


def timeliness_chart(steps: pd.DataFrame, source: str, period):
    """The adopters' timeliness: % of each step within its timescale (this span and the same span last year,
    horizontal bars with the step named in full), and Stage 1 and Stage 2 average days against the national
    average (the national standard, drawn as a line)."""
    house_style()
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.4), gridspec_kw={"width_ratios": [3, 2]})
    order = list(dict.fromkeys(steps["title"]))
    pct = steps.pivot_table(index="title", columns="span", values="pct_within", sort=False).reindex(order)
    pos = np.arange(len(order))
    spans = [s for s in ("Same span last year", "This span") if s in pct]
    for k, (span, colour) in enumerate(zip(spans, [LIGHT, LINE])):
        left.barh(pos + (k - 0.5) * 0.38, pct[span].fillna(0), height=0.38, color=colour, label=span)
    for i, v in enumerate(pct.get("This span", pd.Series(dtype=float))):
        if not F.missing(v):
            left.annotate(f"{v:.0f}%", (v, i + 0.19), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    left.set_yticks(pos, ["\n".join(textwrap.wrap(t, 28)) for t in order])
    left.invert_yaxis()
    left.set_xlim(0, 110)
    left.set_xlabel("% completed within the timescale")
    left.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2, frameon=False)
    stages = steps[(steps["span"] == "This span") & steps["national_avg_days"].notna()]
    sp = np.arange(len(stages))
    right.bar(sp, stages["avg_days"].fillna(0), color=LINE, width=0.5, label="Average days (this span)")
    right.hlines(stages["national_avg_days"], sp - 0.35, sp + 0.35, colors=TARGET, linestyles="--", linewidth=2.2,
                 label="National average")
    right.set_xticks(sp, [t.split(" completed")[0].split(" decided")[0] for t in stages["title"]])
    right.set_ylabel("Average days")
    right.set_ylim(bottom=0)
    right.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=1, frameon=False)
    title = "Adopters' timeliness: % of each step within its timescale; Stage 1 and 2 average days"
    fig.suptitle(title, x=0.01, ha="left", fontsize=10.5, fontweight="bold")
    footnote(fig, source, period)
    fit(fig, rect=(0, 0.05, 1, 0.95))
    alt = describe("Bar", title, order, {s: pct[s].tolist() for s in spans}, "%",
                   "Average days against the national average: " + "; ".join(
                       f"{t.split(' completed')[0].split(' decided')[0]} {_fmt(a, 'days')} (national {_fmt(n, 'days')})"
                       for t, a, n in zip(stages["title"], stages["avg_days"], stages["national_avg_days"])) + ".")
    return _alt(fig, alt)


def forecast_chart(forecast, source: str):
    """Adopter sufficiency: the supply of households against the households needed by each month end (cumulative,
    a step a month), the supply remaining shaded between them, and the run-out date and the latest date recruitment
    must restart marked. The supply runs out at the end of the last month it covers in full (the forecast's rule),
    so the shading ends, and the need first exceeds the supply, at the run-out marker. Returns the Figure."""
    house_style()
    t = forecast.projection
    needed = t["households_needed"].to_numpy(dtype=float)
    fig, ax = plt.subplots()
    ax.plot(t["month"], [forecast.supply] * len(t), color=TARGET, linestyle="--", label="Supply of households")
    ax.step(t["month"], needed, where="pre", color=LINE, label="Households needed (cumulative)")
    ax.fill_between(t["month"], needed, forecast.supply, where=needed <= forecast.supply + 1e-9, step="pre",
                    color=LIGHT, alpha=0.5, label="Supply remaining")
    ax.set_xlabel("Month end")
    ax.set_ylabel("Households")
    ax.set_ylim(0, max(forecast.supply, needed.max()) * 1.08)
    month_end_axis(ax, t["month"])
    _forecast_markers(ax, forecast, t["month"].iloc[0])
    title = "Adopter sufficiency: projected supply against need"
    key_above(ax, title, ncol=3)
    footnote(fig, source, forecast.period)
    fit(fig, rect=(0, 0.05, 1, 1))
    dates = (f"Supply runs out at the end of {forecast.run_out:%B %Y}; recruitment must restart by the end of "
             f"{forecast.restart_by:%B %Y}." if forecast.run_out is not None else "Supply does not run out.")
    return _alt(fig, f"Line chart: {title}. Supply of {forecast.supply:,.0f} households against about "
                     f"{forecast.need_per_month:,.1f} households needed a month, from {t['month'].iloc[0]:%B %Y} to "
                     f"{t['month'].iloc[-1]:%B %Y}. {dates}")


def _forecast_markers(ax, forecast, first) -> None:
    """The run-out and restart dates as dotted lines, each labelled inside the plot on the side with more room
    (right of a line in the left half, left of it in the right half) and at its own height, so that no label
    covers another or a tick label. A restart date already past is marked at the chart's first month."""
    lo, hi = ax.get_xlim()
    marks = [(d, label, colour) for d, label, colour in ((forecast.run_out, "Supply runs out", FLOOR),
                                                         (forecast.restart_by, "Restart recruitment by", "#E69F00"))
             if d is not None]
    for k, (date, label, colour) in enumerate(marks):
        past = pd.Timestamp(date) < pd.Timestamp(first)
        x = matplotlib.dates.date2num(pd.Timestamp(first) if past else pd.Timestamp(date))
        ax.axvline(x, color=colour, linestyle=":", linewidth=1.6)
        left_half = (x - lo) / (hi - lo) < 0.55
        ax.annotate(f"{label}\n{pd.Timestamp(date):%b %Y}{' (passed)' if past else ''}", (x, 0.97 - 0.2 * k),
                    xycoords=ax.get_xaxis_transform(), xytext=(4 if left_half else -4, 0), textcoords="offset points",
                    ha="left" if left_half else "right", va="top", fontsize=8, color="#222222",
                    bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": colour, "alpha": 0.9})


def quarterly_chart(trend: pd.DataFrame, measure: str, expected: str, source: str, period):
    """A sufficiency measure by quarter: the county line; a measure shown by area gets one small panel per
    area (four to a row), each with the county line for reference (no lines bunched in one band)."""
    house_style()
    t = trend[trend["measure"] == measure].sort_values("quarter")
    county = t[t["level"] == "county"]
    areas = [(name, a) for name, a in t[t["level"] == "area"].groupby("unit_name", sort=False)]
    unit = t["unit"].iloc[0]
    title = f"{t['number'].iloc[0]}. {t['title'].iloc[0]} ({expected})"
    if areas:
        cols = min(4, len(areas))             # four areas in one row: a third of an A4 page, not half
        rows = int(np.ceil(len(areas) / cols))
        fig, axes = plt.subplots(rows, cols, figsize=(10, 2.3 * rows + 0.9), sharex=True, sharey=True, squeeze=False)
        values = t["value"].to_numpy(dtype=float)
        lo, hi = (np.nanmin(values), np.nanmax(values)) if np.isfinite(values).any() else (0.0, 100.0)
        for ax, (name, a) in zip(axes.flat, areas):
            ax.plot(county["quarter"], county["value"], color=GREY, linestyle="--", linewidth=1, label="County")
            ax.plot(a["quarter"], a["value"], color=LINE, marker=".", linewidth=1.8, label=name)
            ax.set_title(name, loc="left", fontsize=9.5)
            month_end_axis(ax, t["quarter"], most=4)
            # the areas' own range (as on the trend charts): differences between areas stay visible
            ax.set_ylim(0 if lo < 40 else lo - 10, min(100, hi * 1.1 + 2) if unit == "%" else hi * 1.2)
        for ax in list(axes.flat)[len(areas):]:
            ax.set_visible(False)
        for ax in axes[:, 0]:
            ax.set_ylabel(axis_label(unit))
        axes[0, 0].legend(["County", "Area"], loc="lower left", frameon=False, ncol=2)
        fig.suptitle(title, x=0.01, ha="left", fontsize=10.5, fontweight="bold")
        footnote(fig, source, period)
        fit(fig, rect=(0, 0.05, 1, 0.95))
        latest = t[(t["quarter"] == t["quarter"].max()) & (t["level"] == "area")]
        extra = "Latest quarter by area: " + ", ".join(f"{n} {_fmt(v, unit)}" for n, v in
                                                       zip(latest["unit_name"], latest["value"])) + "."
    else:
        fig, ax = plt.subplots(figsize=(8, 2.5))   # three measures with their analysis to an A4 page
        ax.plot(county["quarter"], county["value"], marker="o", color=LINE, linewidth=2.2, label="County")
        ax.set_ylabel(axis_label(unit))
        ax.set_xlabel("Quarter end")
        month_end_axis(ax, county["quarter"])
        ax.set_ylim(bottom=0, top=(100 if unit == "%" else None))
        ax.set_title(title, loc="left", wrap=True)
        footnote(fig, source, period)
        fit(fig, rect=(0, 0.05, 1, 1))
        extra = ""
    return _alt(fig, describe("Line", title, [f"{q:%b %Y}" for q in county["quarter"]],
                              {"County": county["value"].tolist()}, unit, extra))


def demand_chart(groups: pd.DataFrame, source: str, period, history: pd.DataFrame | None = None):
    """Projected children in care (``demand.Projection.groups``: date, group, children, low, high): one small
    panel for the total and one per placement group that has children, each on its own scale from 0, the
    projection with its band shaded and ``history`` (date, group, children: the months before) in grey."""
    house_style()
    start = pd.Timestamp(groups["date"].min())
    names = ["Total"] + [g for g in groups["group"].unique()
                         if g != "Total" and groups.loc[groups["group"] == g, "children"].max() > 0]
    cols = 3
    rows = int(np.ceil(len(names) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(10, 2.4 * rows + 0.9), sharex=True, squeeze=False)
    has_band = groups["low"].notna().any()
    for ax, name in zip(axes.flat, names):
        t = groups[groups["group"] == name].sort_values("date")
        if history is not None:
            h = history[history["group"] == name].sort_values("date")
            ax.plot(h["date"], h["children"], color=GREY, linewidth=1.3, label="Actual")
        if has_band:
            ax.fill_between(t["date"], t["low"], t["high"], color=LIGHT, alpha=0.6, linewidth=0, label="90% band")
        ax.plot(t["date"], t["children"], color=LINE, linewidth=2, label="Projected")
        ax.axvline(start, color=GREY, linestyle=":", linewidth=1)
        ax.set_title(name, loc="left", fontsize=9.5)
        ax.set_ylim(bottom=0, top=max(1.0, float(np.nanmax(t[["children", "high"]].to_numpy(dtype=float))) * 1.15))
        month_end_axis(ax, groups["date"] if history is None else pd.concat([history["date"], groups["date"]]), most=5)
    for k, ax in enumerate(axes.flat):
        if k >= len(names):
            ax.set_visible(False)
        elif k + cols >= len(names):          # nothing drawn below it: it carries the dates
            ax.xaxis.set_tick_params(labelbottom=True)
    for ax in axes[:, 0]:
        ax.set_ylabel("Number of children")
    for ax in axes.flat:
        plt.setp(ax.get_xticklabels(), rotation=30, ha="right")
    axes[0, 0].legend(loc="lower left", frameon=False, fontsize=8)
    title = f"Projected children in care by placement group from {start:%d/%m/%Y}"
    fig.suptitle(title, x=0.01, ha="left", fontsize=10.5, fontweight="bold")
    note = ("Shaded: the 90% band from resampling the reference window's months. " if has_band else "")
    fig.text(0.01, 0.035, note + "Grey: children in care at each month end of the reference window.", fontsize=8,
             color="#444444", ha="left", va="bottom")
    footnote(fig, source, period)
    fit(fig, rect=(0, 0.07, 1, 0.95))
    last = groups[groups["date"] == groups["date"].max()].set_index("group")
    months = [f"{d:%b %Y}" for d in sorted(groups["date"].unique())]
    series = {name: groups[groups["group"] == name].sort_values("date")["children"].tolist() for name in names}
    extra = (f"At {pd.Timestamp(groups['date'].max()):%B %Y} the 90% band of the total is "
             f"{last.at['Total', 'low']:,.0f} to {last.at['Total', 'high']:,.0f}." if has_band else "")
    return _alt(fig, describe("Line", title, months, series, "count", extra))


# ---------------------------------------------------------------- how the authority compares (issue 24)
# (column of benchmarks.series, colour, line style, marker, width); the authority in the house blue, drawn last
BENCHMARK_LINES = (("england", "#000000", "--", "s", 1.4), ("region", "#E69F00", "-", "^", 1.4),
                   ("inner_outer_london", "#CC79A7", "-", "v", 1.4), ("neighbours_mean", "#56B4E9", "-", "D", 1.6),
                   ("authority", LINE, "-", "o", 2.6))


def _published(v, unit: str, decimals: int = 0) -> str:
    """A published figure as the DfE shows it: whole numbers (the neighbours' mean to one decimal), % for percent."""
    if F.missing(v):
        return "no figure"
    return f"{v:,.{decimals}f}{'%' if unit == '%' else ''}"


def _benchmark_unit(c) -> str:
    return M.BY_ID[c.indicator].unit if c.indicator in M.BY_ID else ""


def _benchmark_labels(c) -> dict:
    """The legend's name of each series of :func:`benchmarks.series`."""
    return {"authority": f"{c.la_name} (published)", "england": "England", "region": c.region or "Region",
            "inner_outer_london": c.inner_outer_london or "Inner/Outer London",
            "neighbours_mean": f"Neighbours' mean ({len(c.neighbours)})"}


def _draw_benchmark_trend(ax, c) -> tuple[str, str]:
    """Draw the comparison's series on ``ax``; returns (title, alt text)."""
    from ..measures import benchmarks as B
    s, unit, names = B.series(c), _benchmark_unit(c), _benchmark_labels(c)
    drawn = {}
    for col, colour, style, marker, width in BENCHMARK_LINES:
        if s[col].notna().any():
            ax.plot(s["year"], s[col], color=colour, linestyle=style, marker=marker, markersize=4, linewidth=width,
                    label=names[col], zorder=3 if col == "authority" else 2)
            drawn[names[col]] = s[col].tolist()
    ax.set_xticks(s["year"], [str(y) for y in s["year"]])
    ax.set_xlim(s["year"].min() - 0.4, s["year"].max() + 0.4)     # every year shown, even with one published
    ax.set_xlabel("Year ending 31 March (DfE published figures)")
    ax.set_ylabel(axis_label(unit))
    values = s[list(B.SERIES)].to_numpy(dtype=float)
    hi = np.nanmax(values) if np.isfinite(values).any() else 1.0
    ax.set_ylim(0, min(100.0, hi * 1.2 + 1) if unit == "%" else hi * 1.2 + 1)
    title = f"{M.BY_ID[c.indicator].title if c.indicator in M.BY_ID else c.indicator}: over the published years"
    alt = describe("Line", f"{title}, {c.la_name} against England, {c.region} and its statistical neighbours' mean",
                   [str(y) for y in s["year"]], drawn, unit)
    return title, alt



def _draw_neighbour_ranks(ax, c, group: pd.DataFrame, year) -> tuple[str, str]:
    """Draw the neighbour group as horizontal bars, best (or, without a polarity, highest) at the top, the
    authority in the house blue; England and the neighbours' mean as vertical lines. Returns (title, alt)."""
    unit = _benchmark_unit(c)
    g = group.iloc[::-1]                                   # barh draws from the bottom: best at the top
    pos = np.arange(len(g))
    ax.barh(pos, g["value"].fillna(0), color=[LINE if a else LIGHT for a in g["authority"]], height=0.7)
    for i, (v, sup) in enumerate(zip(g["value"], g["suppression"])):
        ax.annotate(_published(v, unit) if pd.notna(v) else f"no figure ({sup})" if sup else "no figure",
                    (0 if pd.isna(v) else v, i), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8,
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.8})
    ax.set_yticks(pos, [f"{n} ({k})" for n, k in zip(g["la_name"], g["la_code"])])
    for label, own in zip(ax.get_yticklabels(), g["authority"]):
        label.set_fontweight("bold" if own else "normal")
    row = next((y for y in c.years if y.year == year), None)
    lines = {}
    for value, name, style in ((getattr(row, "england", np.nan), "England", "--"),
                               (getattr(row, "neighbours_mean", np.nan), "Neighbours' mean", ":")):
        if pd.notna(value):
            ax.axvline(value, color="#000000" if style == "--" else GREY, linestyle=style, linewidth=1.2,
                       label=f"{name} {_published(value, unit, 0 if style == '--' else 1)}")
            lines[name] = value
    ax.set_xlabel(axis_label(unit))
    ax.set_xlim(0, max(1.0, float(np.nanmax([*g["value"].fillna(0), *lines.values()])) * 1.25))
    ax.grid(axis="y", visible=False)
    order = "best first" if c.polarity in ("H", "L") else "highest first"
    title = f"Neighbour group, 31 March {year}, {order}"
    known = g[g["value"].notna()]
    own = group[group["authority"]]
    place = (f"{c.la_name} is {own['place'].iloc[0]:.0f} of {len(known)} with a figure."
             if len(own) and pd.notna(own["place"].iloc[0]) else f"{c.la_name} has no published figure.")
    extra = " ".join([place] + [f"{k} {_published(v, unit, 0 if k == 'England' else 1)}." for k, v in lines.items()])
    alt = describe("Bar", title, list(group["la_name"]), {"Published figure": group["value"].tolist()}, unit, extra)
    return title, alt


PUBLISHED_SOURCE = "DfE, Children looked after in England including adoptions (published figures)"


def _benchmark_source(c, source: str) -> str:
    return "; ".join(t for t in (PUBLISHED_SOURCE, c.neighbour_list, source) if t)


def benchmark_trend_chart(c, period, source: str = ""):
    """The authority's published figure against England, its region (and Inner/Outer London) and its statistical
    neighbours' mean over the published years of a :class:`benchmarks.Comparison` (:func:`benchmarks.series`)."""
    house_style()
    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    title, alt = _draw_benchmark_trend(ax, c)
    key_above(ax, "\n".join(textwrap.wrap(title, 70)), ncol=3)
    footnote(fig, _benchmark_source(c, source), period)
    fit(fig, rect=(0, 0.05, 1, 1))
    return _alt(fig, alt)


def neighbour_rank_chart(c, period, source: str = "", year=None):
    """The authority and its ten statistical neighbours ranked for the latest published year of a
    :class:`benchmarks.Comparison` (:func:`benchmarks.neighbour_group`), the authority highlighted."""
    from ..measures import benchmarks as B
    house_style()
    year = B.ranked_year(c) if year is None else year
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    title, alt = _draw_neighbour_ranks(ax, c, B.neighbour_group(c, year), year)
    key_above(ax, "\n".join(textwrap.wrap(title, 60)), ncol=2)
    footnote(fig, _benchmark_source(c, source), period)
    fit(fig, rect=(0, 0.05, 1, 1))
    return _alt(fig, alt)


def benchmark_chart(c, period, source: str = ""):
    """One figure a row of the report: the authority over the published years (left) beside its neighbour group
    ranked for the latest year (right), under the indicator's title."""
    from ..measures import benchmarks as B
    house_style()
    year = B.ranked_year(c)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.5, 4.1), gridspec_kw={"width_ratios": [5, 4]})
    t1, alt1 = _draw_benchmark_trend(left, c)
    t2, alt2 = _draw_neighbour_ranks(right, c, B.neighbour_group(c, year), year)
    for ax, text, ncol in ((left, "Over the published years", 3), (right, t2, 2)):
        ax.set_title(text, loc="left", fontsize=9.5, pad=28 if ax is left else 14)
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=ncol, frameon=False, fontsize=7.5, borderaxespad=0.1)
    name = M.BY_ID[c.indicator].title if c.indicator in M.BY_ID else c.indicator
    title = f"{name}: {c.la_name} ({c.la_code}) against England, {c.region} and its statistical neighbours"
    fig.suptitle("\n".join(textwrap.wrap(title, 110)), x=0.01, ha="left", fontsize=10.5, fontweight="bold")
    footnote(fig, _benchmark_source(c, source), period)
    fit(fig, rect=(0, 0.05, 1, 0.98), h_pad=0.2)
    return _alt(fig, f"Line chart and bar chart: {title}. {alt1} {alt2}")
