"""``charts.fit``: the adoption, adopters and sufficiency charts laid out by ``tight_layout`` with no layout engine
left behind, so ``savefig`` draws each once, not twice. The images must be byte for byte those of the plain
``fig.tight_layout`` (which leaves a placeholder engine and so a second, hidden draw in ``savefig``). Also: the
small multiples' tick labels show as many decimals as their step needs."""
from __future__ import annotations

import contextlib

import matplotlib.axis
import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import pandas as pd
import pytest

from cicanalysis import load
from cicanalysis.measures import adopters as A
from cicanalysis.measures import adoption as ad
from cicanalysis.measures import demand
from cicanalysis.measures import sufficiency as S
from cicanalysis.reports import adoption_text, charts
from conftest import write_table
from test_adopters import HOUSEHOLDS
from test_adoption import PERIOD, write_adoption_fixture


@pytest.fixture(scope="module")
def adoption_x(tmp_path_factory):
    folder = write_adoption_fixture(tmp_path_factory.mktemp("fit"))
    write_table(folder, "adopters", HOUSEHOLDS)
    return load(folder)


def _adoption_charts(x):
    p = pd.Timestamp(PERIOD)
    by_year, a1a2 = ad.timescales_by_year(x, p), ad.a1_a2_by_year(x, p)
    steps = A.timeliness(x, p)
    forecast = A.sufficiency_forecast("2015-10-31", 90, 0.15, 0.10, 1.2, 65, 0)
    sections = [shown for _, shown, _ in adoption_text.distribution_sections(x, ad.distributions(x, p))]
    return [lambda: charts.timescale_grid(by_year, [ts.id for ts in ad.TIMESCALES], "src", p),
            lambda: charts.timescale_chart(by_year, ad.timescales_by_district(x, p), "A1", "src", p),
            lambda: charts.threshold_chart(a1a2, "A1", "src", p),
            lambda: charts.monthly_chart(A.enquiries_by_month(x, p, 3), "Initial enquiries", "src", p,
                                         value="households", shade=[("2014-06-01", "2014-09-30")]),
            lambda: charts.timeliness_chart(steps, "src", p), lambda: charts.forecast_chart(forecast, "src"),
            lambda: charts.distribution_grid(sections[0], "src", p, suppress=True),
            lambda: charts.distribution_grid(sections[-1], "src", p),
            lambda: charts.distribution_chart(sections[0][0], "src", p),       # lines by month
            lambda: charts.distribution_chart(sections[-1][-1], "src", p)]


def _sufficiency_charts(x):
    q = pd.Timestamp("2016-03-31")
    trend = S.trend(x, q, start="2015-04-01")
    projection = demand.run(x, q, 12, 6, draws=20)
    return [lambda m=m: charts.quarterly_chart(trend, m.id, "expected: reduction", "src", q) for m in S.MEASURES[:4]] + [
        lambda: charts.demand_chart(projection.groups, "src", q, projection.history)]


def _scorecard_charts(x):
    """The scorecard's: a trend, the appendix's small multiples (two sizes of grid), the published comparison."""
    from cicanalysis.measures import benchmarks, scorecard
    p = pd.Timestamp("2016-03-31")
    trend = scorecard.trend(x, p)
    ids = list(dict.fromkeys(trend["indicator"]))
    c = benchmarks.compare("CIC_RATE", "886")
    return [lambda: charts.trend_chart(trend, "CIC_TOTAL", "src"),
            lambda: charts.trend_multiples(trend, ids[:6], "src"), lambda: charts.trend_multiples(trend, ids[6:9], "src"),
            lambda: charts.benchmark_chart(c, p), lambda: charts.benchmark_trend_chart(c, p),
            lambda: charts.neighbour_rank_chart(c, p)]


def _svgs(make, x, monkeypatch, plain: bool) -> list[bytes]:
    with monkeypatch.context() as m:
        if plain:
            m.setattr(charts, "fit", lambda fig, **layout: fig.tight_layout(**layout))
        out = []
        for chart in make(x):
            fig = chart()
            assert (fig.get_layout_engine() is None) != plain    # fit leaves none; tight_layout a placeholder
            out.append(charts.svg(fig))
            plt.close(fig)
    return out


@pytest.mark.parametrize("make", [_adoption_charts, _sufficiency_charts, _scorecard_charts],
                         ids=["adoption-adopters", "sufficiency", "scorecard"])
def test_fit_gives_the_same_svg_bytes_as_tight_layout(make, adoption_x, extract, monkeypatch):
    x = adoption_x if make is _adoption_charts else extract
    plain, fitted = _svgs(make, x, monkeypatch, True), _svgs(make, x, monkeypatch, False)
    assert len(plain) == len(fitted) >= 5
    assert [len(b) for b in plain] == [len(b) for b in fitted]
    assert plain == fitted


@pytest.mark.parametrize("make", [_adoption_charts, _sufficiency_charts, _scorecard_charts],
                         ids=["adoption-adopters", "sufficiency", "scorecard"])
def test_titles_fixed_at_the_top_give_the_same_svg_bytes_as_automatic_placement(make, adoption_x, extract, monkeypatch):
    """``TITLES_FIXED``: every title where matplotlib's automatic placement (its defaults: ``axes.titley`` None, axis
    offsets on) puts it, byte for byte, with automatic placement really off."""
    x = adoption_x if make is _adoption_charts else extract
    fixed = _svgs(make, x, monkeypatch, False)
    with monkeypatch.context() as m:
        m.setattr(charts, "TITLES_FIXED", {"axes.titley": None, "axes.formatter.useoffset": True})
        automatic = _svgs(make, x, monkeypatch, False)
        assert plt.subplots()[1]._autotitlepos is True
    charts.house_style()
    assert plt.subplots()[1]._autotitlepos is False          # the house style again: placement fixed
    plt.close("all")
    assert len(fixed) == len(automatic) >= 5
    assert fixed == automatic


def test_fit_lays_out_as_tight_layout_measuring_each_axes_once_and_savefig_draws_once(monkeypatch):
    """The subplot parameters are tight_layout's, from one measure of each axes (two with tight_layout and a rect);
    savefig then draws the figure once (twice after tight_layout)."""
    import matplotlib.artist as martist
    from matplotlib.axes import Axes

    def panels():
        fig, axes = plt.subplots(1, 3)
        for ax, title in zip(axes, ["Adopted by area", "A title long enough\nto take two lines", "Age"]):
            ax.bar(["a long category name", "b"], [3, 12])
            ax.set_title(title, loc="left")
        return fig
    draws, measures = [], []
    draw, measure = plt.Figure.draw, martist._get_tightbbox_for_layout_only
    monkeypatch.setattr(plt.Figure, "draw", lambda fig, renderer: (draws.append(1), draw(fig, renderer))[1])
    def counted(obj, *args, **kwargs):
        measures.append(isinstance(obj, Axes))
        return measure(obj, *args, **kwargs)
    monkeypatch.setattr(martist, "_get_tightbbox_for_layout_only", counted)
    seen = []
    for layout in (lambda f: f.tight_layout(rect=(0, 0.05, 1, 1)), lambda f: charts.fit(f, rect=(0, 0.05, 1, 1))):
        fig = panels()
        measures.clear()
        layout(fig)
        params, axes_measures = vars(fig.subplotpars).copy(), sum(measures)
        draws.clear()
        charts.svg(fig)
        seen.append((axes_measures, len(draws), params))
        plt.close(fig)
    assert seen[0][2] == seen[1][2]
    assert [s[:2] for s in seen] == [(6, 2), (3, 1)]
    assert martist._get_tightbbox_for_layout_only is counted      # fit put back what it found


def _hidden_panels(n: int, ncols: int, width: float = 8.0, row_height: float = 2.7):
    """The plain version of ``charts._panel_grid``: every cell of the grid an axes, those after the last hidden."""
    charts.house_style()
    ncols = 1 if n == 1 else ncols
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, row_height * nrows + 0.35), squeeze=False)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    return fig, list(axes.ravel()[:n])


@pytest.mark.parametrize("panels", [3, 5, 7])
def test_a_grid_with_empty_cells_draws_as_one_with_hidden_axes(panels, adoption_x, monkeypatch):
    x, p = adoption_x, pd.Timestamp(PERIOD)
    by_year = ad.timescales_by_year(x, p)
    ds = [d for _, shown, _ in adoption_text.distribution_sections(x, ad.distributions(x, p)) for d in shown][:panels]
    ids = [ts.id for ts in ad.TIMESCALES][:panels]
    out = {}
    for plain in (True, False):
        with monkeypatch.context() as m:
            if plain:
                m.setattr(charts, "_panel_grid", _hidden_panels)
            figs = [charts.distribution_grid(ds, "src", p), charts.timescale_grid(by_year, ids, "src", p)]
        out[plain] = [(len(f.axes), charts.svg(f)) for f in figs]
        for f in figs:
            plt.close(f)
    assert [n for n, _ in out[False]] == [panels, panels]
    assert [n for n, _ in out[True]] == [panels + panels % 2, panels + (-panels) % 3]
    assert [b for _, b in out[True]] == [b for _, b in out[False]]


@pytest.mark.parametrize("step, places", [(1, 0), (5, 0), (1000, 0), (0.5, 1), (0.2, 1), (0.25, 2), (0.05, 2),
                                          (0.0025, 3)])
def test_tick_places_show_the_step_exactly(step, places):
    assert charts.tick_places(step) == places


def test_a_small_multiple_of_a_rate_between_1_and_2_has_distinct_tick_labels():
    """Missing incidents per child (values 1.2-1.9): ticks every 0.25 or 0.5 were labelled "1, 1, 2, 2" when every
    tick was shown as a whole number."""
    dates = pd.date_range(end="2016-03-31", periods=13, freq="ME")
    trend = pd.DataFrame({"indicator": "MISSING_EPISODES_PER_CHILD", "period": dates, "value": np.linspace(1.2, 1.9, 13),
                          "target": np.nan, "floor": np.nan, "unit": "rate",
                          "title": "Missing incidents per child who went missing in the year"})
    fig = charts.trend_multiples(trend, ["MISSING_EPISODES_PER_CHILD"], "src")
    fig.canvas.draw()
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels() if t.get_text()]
    plt.close(fig)
    assert len(labels) >= 3 and len(set(labels)) == len(labels), labels
    assert any("." in t for t in labels)


def test_every_timescale_panel_title_stays_inside_the_figure(adoption_x):
    """"Matching meeting to panel (within 15 working days)", wrapped at 34 characters in the right-hand column, ran a
    few letters past the figure's edge (cut off in print); a title too wide is wrapped again narrower."""
    p = pd.Timestamp(PERIOD)
    fig = charts.timescale_grid(ad.timescales_by_year(adoption_x, p, years=5), [ts.id for ts in ad.TIMESCALES], "src", p)
    renderer = fig.canvas.get_renderer()
    edge = fig.bbox.x1 - charts.TITLE_MARGIN * fig.bbox.width
    shown = [ax._left_title for ax in fig.axes if ax._left_title.get_text()]
    assert any("Matching meeting to panel" in t.get_text() for t in shown) and len(shown) == len(ad.TIMESCALES)
    assert all(t.get_window_extent(renderer).x1 <= edge for t in shown), \
        [t.get_text() for t in shown if t.get_window_extent(renderer).x1 > edge]
    assert "Matching meeting to panel\n(within 15 working days)" in [t.get_text() for t in shown]
    plt.close(fig)


def test_a_timescale_panel_with_no_case_in_any_year_says_so():
    """The DfE fake extract has no A2 case in five years: its panel drew an empty axis running 0 to 0.06."""
    by_year = pd.DataFrame({"timescale": ["A1"] * 2 + ["A2"] * 2, "title": ["A1: care to family"] * 2 + ["A2: court"] * 2,
                            "limit": ["DfE threshold"] * 4, "group": ["2016-17", "2017-18"] * 2,
                            "avg_days": [400.0, 380.0, np.nan, np.nan], "limit_days": [426.0] * 4,
                            "pct_within": [60.0, 70.0, np.nan, np.nan], "cases": [5, 7, 0, 0]})
    fig = charts.timescale_grid(by_year, ["A1", "A2"], "src", "2018-03-31")
    said = [[t.get_text() for t in ax.texts] for ax in fig.axes]
    ticks = [len(ax.get_yticks()) for ax in fig.axes]
    plt.close(fig)
    assert "No cases in these years" not in said[0] and "No cases in these years" in said[1]
    assert ticks[0] > 0 and ticks[1] == 0


def _plain_step_labels(axis):
    """The plain version of ``charts.StepLabels``: each label asks the axis for its tick locations."""
    def label(v, _pos):
        locs = axis.get_majorticklocs()
        step = float(np.min(np.diff(locs))) if len(locs) > 1 else 1.0
        return f"{v:,.{charts.tick_places(step)}f}"
    return matplotlib.ticker.FuncFormatter(label)


def test_step_labels_give_the_plain_formatters_svg_bytes(extract, monkeypatch):
    """The trend appendix's panels (percentages, counts, a rate between 1 and 2, thousands) drawn with the plain
    formatter and with ``StepLabels``: the same SVG bytes, and the labels of a 0.25 step show two decimals."""
    from cicanalysis.measures import scorecard
    trend = scorecard.trend(extract, "2016-03-31")
    rate = pd.DataFrame({"indicator": "MISSING_EPISODES_PER_CHILD", "period": pd.date_range(end="2016-03-31", periods=13,
                         freq="ME"), "value": np.linspace(1.2, 1.9, 13), "target": np.nan, "floor": np.nan, "unit": "rate",
                         "title": "Missing incidents per child"})
    big = rate.assign(indicator="BIG", value=np.linspace(1200, 4800, 13), title="Thousands")
    trend = pd.concat([trend, rate, big], ignore_index=True)
    ids = list(dict.fromkeys(trend["indicator"]))[:4] + ["MISSING_EPISODES_PER_CHILD", "BIG"]
    out = []
    for plain in (True, False):
        with monkeypatch.context() as m:
            if plain:
                m.setattr(charts, "StepLabels", lambda: _PlainLater())
            fig = charts.trend_multiples(trend, ids, "src")
            out.append(charts.svg(fig))
            labels = [[t.get_text() for t in ax.get_yticklabels()] for ax in fig.axes]
            plt.close(fig)
    assert out[0] == out[1]
    assert "1,000" in labels[-1] or "2,000" in labels[-1], labels[-1]
    assert charts.StepLabels.labels([1.0, 1.25, 1.5], [1.0, 1.25]) == ["1.00", "1.25"]


class _PlainLater(matplotlib.ticker.Formatter):
    """Hands each label to the plain formatter of the axis it is set on."""

    def set_axis(self, axis):
        self.axis, self.plain = axis, _plain_step_labels(axis)

    def __call__(self, v, pos=None):
        return self.plain(v, pos)


@pytest.mark.parametrize("make", [_adoption_charts, _sufficiency_charts, _scorecard_charts],
                         ids=["adoption-adopters", "sufficiency", "scorecard"])
def test_ticks_updated_once_a_drawing_give_the_same_svg_bytes(make, adoption_x, extract, monkeypatch):
    """``_ticks_updated_once`` (in ``fit`` and ``svg``): every chart's SVG byte for byte as with the ticks updated and
    their labels measured each time matplotlib asks, and while a figure is drawn each axis's ticks are really updated
    and their labels measured once."""
    x = adoption_x if make is _adoption_charts else extract
    once = _svgs(make, x, monkeypatch, False)
    with monkeypatch.context() as m:
        m.setattr(charts, "_ticks_updated_once", contextlib.nullcontext)
        every_time = _svgs(make, x, monkeypatch, False)
    assert len(once) == len(every_time) >= 5
    assert once == every_time
    fig = make(x)[1]()
    calls, measures = [], []
    update, measure = matplotlib.axis.Axis._update_ticks, matplotlib.axis.Axis._get_ticklabel_bboxes

    def counted(axis):
        calls.append(id(axis))
        return update(axis)

    def measured(axis, ticks, renderer=None):
        measures.append(id(axis))
        return measure(axis, ticks, renderer)
    monkeypatch.setattr(matplotlib.axis.Axis, "_update_ticks", counted)
    monkeypatch.setattr(matplotlib.axis.Axis, "_get_ticklabel_bboxes", measured)
    shown = [a for a in fig.axes if a.get_visible()]
    charts.svg(fig)
    plt.close(fig)
    assert len(calls) == len(set(calls)) >= 2 * len(shown) >= 2    # each shown axes' two axes: ticks updated once
    assert len(measures) == len(set(measures)) >= 2 * len(shown)    # and their labels measured once
    assert matplotlib.axis.Axis._update_ticks is counted       # matplotlib's own again after the drawing
    assert matplotlib.axis.Axis._get_ticklabel_bboxes is measured
