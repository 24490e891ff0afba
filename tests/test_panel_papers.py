"""Panel papers as a councillor reads them (issue 25): month-end points on month-end ticks, values equal at the
shown precision read "same", small percentages suppressed when publishing, no developer words in any report,
and a page budget for the PDFs."""
from __future__ import annotations

import types

import matplotlib.dates as mdates
import numpy as np
import pandas as pd

from cicanalysis.reports import charts


def ticks(ax) -> list[pd.Timestamp]:
    """The chart's tick positions as dates (matplotlib's own numbers read back)."""
    return [pd.Timestamp(mdates.num2date(v)).tz_localize(None) for v in ax.get_xticks()]


def tick_labels(fig, ax) -> list[str]:
    fig.canvas.draw()
    return [t.get_text() for t in ax.get_xticklabels()]


def assert_on_month_end_points(ax, points):
    points = set(pd.to_datetime(points))
    at = ticks(ax)
    assert at, "no ticks"
    assert all(t.is_month_end for t in at), at
    assert set(at) <= points, sorted(set(at) - points)
    assert max(at) == max(points)               # the latest point is always labelled
    lo, hi = ax.get_xlim()                       # no tick outside the data's own span
    assert mdates.date2num(min(points)) >= lo and mdates.date2num(max(points)) <= hi


def test_scorecard_trend_ticks_sit_on_the_month_end_points():
    months = pd.date_range("2015-03-31", periods=13, freq="ME")
    trend = pd.DataFrame({"indicator": "RHI_3WD", "title": "% of returns with an interview", "period": months,
                          "unit": "%", "value": np.linspace(50, 62, 13), "target": 75.0, "floor": 65.0})
    fig = charts.trend_chart(trend, "RHI_3WD", "a source")
    ax = fig.axes[0]
    assert_on_month_end_points(ax, months)
    labels = tick_labels(fig, ax)
    # the point above "Mar 16" is March 2016's: the last tick is the last point, 31/03/2016
    assert labels[-1] == "Mar 16" and ticks(ax)[-1] == pd.Timestamp("2016-03-31")
    assert len(labels) <= 8 and labels == [f"{t:%b %y}" for t in ticks(ax)]
    # the marker of the last point is drawn at the last tick's position
    x_last = ax.get_lines()[0].get_xdata()[-1]
    assert mdates.date2num(pd.Timestamp(x_last)) == ax.get_xticks()[-1]


def test_an_indicator_with_no_values_still_has_its_months_not_1970():
    months = pd.date_range("2015-03-31", periods=13, freq="ME")
    trend = pd.DataFrame({"indicator": "X", "title": "No data", "period": months, "unit": "%", "value": np.nan,
                          "target": np.nan, "floor": np.nan})
    fig = charts.trend_chart(trend, "X", "src")
    assert "Jan 70" not in tick_labels(fig, fig.axes[0]) and ticks(fig.axes[0])[-1] == months[-1]


def quarterly(areas=False):
    quarters = pd.date_range("2012-06-30", "2016-03-31", freq="QE")
    rows = [{"measure": "M", "number": "1a", "title": "Children in care", "level": "county", "unit_name": "County",
             "quarter": q, "value": 1135 + 40 * i, "unit": "count"} for i, q in enumerate(quarters)]
    if areas:
        rows += [{**r, "level": "area", "unit_name": name, "value": r["value"] / 4, "unit": "count"}
                 for r in rows[:len(quarters)] for name in ("East", "West")]
    return pd.DataFrame(rows), quarters


def test_sufficiency_charts_tick_quarter_ends_and_start_with_the_data():
    trend, quarters = quarterly()
    fig = charts.quarterly_chart(trend, "M", "expected: reduction", "src", quarters[-1])
    ax = fig.axes[0]
    assert_on_month_end_points(ax, quarters)
    assert all(t.month in (3, 6, 9, 12) for t in ticks(ax)) and tick_labels(fig, ax)[-1] == "Mar 16"
    # the first point (June 2012, as the analysis line says) is inside the axis, not before a "Jul 12" tick
    assert ax.get_xlim()[0] < mdates.date2num(quarters[0])
    trend, quarters = quarterly(areas=True)
    fig = charts.quarterly_chart(trend, "M", "expected: reduction", "src", quarters[-1])
    for ax in [a for a in fig.axes if a.get_visible()]:
        assert_on_month_end_points(ax, quarters)


def test_adopter_forecast_ticks_sit_on_its_month_ends():
    months = pd.date_range("2016-03-31", periods=18, freq="ME")
    needed = np.arange(1, 19) * 5.0
    projection = pd.DataFrame({"month": months, "households_needed": needed, "supply_remaining": np.maximum(65 - needed, 0)})
    forecast = types.SimpleNamespace(projection=projection, supply=65, run_out=months[12], restart_by=months[5],
                                     period=months[0], need_per_month=5.0)
    fig = charts.forecast_chart(forecast, "src")
    assert_on_month_end_points(fig.axes[0], months)


def small_card():
    base = {"polarity": "H", "measure_type": "SS", "target": 60.0, "previous_value": 40.0, "dot_previous": "improved",
            "outturn_value": 45.0, "dot_outturn": "improved", "level": "team", "floor": 50.0, "indicator": "PLAN"}
    return pd.DataFrame([
        {**base, "title": "% with a plan", "unit": "%", "numerator": 1, "denominator": 2, "value": 50.0, "rag": None,
         "small_denominator": True, "unit_name": "Team A"},
        {**base, "title": "% with a plan", "unit": "%", "numerator": 7, "denominator": 8, "value": 87.5, "rag": "G",
         "small_denominator": True, "unit_name": "Team B"},
        {**base, "title": "% with a plan", "unit": "%", "numerator": 12, "denominator": 16, "value": 75.0, "rag": "G",
         "small_denominator": False, "unit_name": "Team C"},
        {**base, "title": "Children in care", "unit": "count", "numerator": 3, "denominator": np.nan, "value": 3.0,
         "rag": None, "small_denominator": False, "unit_name": "Team A", "polarity": "L", "indicator": "CIC"}])


def test_percentages_on_denominators_of_1_to_9_are_suppressed_when_publishing():
    card = small_card()
    shown = charts.scorecard_table(card, suppress=True).display_frame()
    assert shown["Value"].tolist() == ["n<10", "n<10", "75.0%", "3"]
    assert shown["Numerator"].tolist()[:3] == ["", "", "12"] and shown["Denominator"].tolist()[:3] == ["<10 *", "<10 *", "16"]
    # internal use: everything shown, the small denominators flagged
    inside = charts.scorecard_table(card, suppress=False).display_frame()
    assert inside["Value"].tolist()[:2] == ["50.0%", "87.5%"] and inside["Denominator"].tolist()[:2] == ["2 *", "8 *"]
    teams = charts.unit_matrix(card, "team", suppress=True).display_frame().set_index("Indicator")
    assert teams.loc["% with a plan"].tolist() == ["n<10 *", "n<10 G *", "75.0% G"]
    assert teams.loc["Children in care", "Team A"] == "<6"
    assert "50.0%" in charts.unit_matrix(card, "team", suppress=False)._repr_html_()
    # the workbook's typed rows hide the same figures: 1 of 2 and 7 of 8 as n<10 with no numerator, a count of 3 <6
    typed = charts.scorecard_table(card, suppress=True).typed.display_frame()
    assert typed["Value"].tolist() == ["n<10", "n<10", "75", "<6"]
    assert typed["Denominator"].tolist()[:2] == ["<10", "<10"] and typed["Numerator"].tolist()[0] == "n/a"


def a1a2_frame(a2_days=143.0):
    return pd.DataFrame({"measure": ["A1", "A2"], "window": "2013-16", "three_year_avg_days": [411.0, a2_days],
                         "three_year_children": [319, 319], "threshold": [426.0, 121.0], "partial": False})


def forecast_frame(measure, days, children=319):
    f = pd.DataFrame({"status": ["Adopted", "All"], "children": [children, children],
                      f"average_{measure.lower()}_days": [days, days], "window": "2013-16",
                      "threshold": 426.0 if measure == "A1" else 121.0})
    f.attrs["measure"] = measure
    return f


def test_the_a2_miss_is_stated_once_and_a_complete_windows_forecast_not_at_all(monkeypatch):
    from cicanalysis.reports import adoption_text as adt
    from cicanalysis.reports import headline
    monkeypatch.setattr(adt, "summary_bullets", lambda summary, period: [])
    at_year_end = [forecast_frame("A1", 411.2), forecast_frame("A2", 142.8)]      # read 411 and 143 days: the actuals
    h = headline.adoption(None, a1a2_frame(), at_year_end, "2016-03-31")
    text = str(h)
    assert text.count("143 days") == 1 and text.count("A2") == 1 and "Off target: 1" in text
    assert "The forecast" not in text
    assert "The 3-year window 2013-16 ends at 31/03/2016: the forecasts for it are its actual averages" in text
    # mid-year the forecast differs from the average so far: stated, the A2 forecast in the off-target list
    mid_year = [forecast_frame("A1", 405.0, 330), forecast_frame("A2", 150.0, 330)]
    h = headline.adoption(None, a1a2_frame(), mid_year, "2015-09-30")
    assert "Off target: 2" in str(h) and "The forecast A2 for 2013-16 is 150 days over 330 children" in str(h)
    assert "The forecast A1 for 2013-16 is 405 days" in str(h) and "ends at" not in str(h)


def test_outliers_and_the_projected_full_year_are_left_out_when_they_add_nothing():
    from cicanalysis.reports import adoption_text as adt
    cases = pd.DataFrame({"CHILD": ["P1", "P2"], "DAYS": [100.0, 300.0]})
    projected = pd.DataFrame({"measure": ["Adoption orders"], "so_far": [114], "months": [12],
                              "projected_full_year": [114.0], "last_full_year": [120]})
    assert adt.projection_adds_nothing(projected)
    assert not adt.projection_adds_nothing(projected.assign(months=6, projected_full_year=228.0))
    # no agreed outlier among the cases: "with and without" would repeat the same figures
    assert adt.outliers_add_nothing({"A1": cases, "A2": cases}, exclude=["P9"])
    assert adt.outliers_add_nothing({"A1": cases}, exclude=[])
    assert not adt.outliers_add_nothing({"A1": cases.iloc[:1], "A2": cases}, exclude=["P2"])


def test_the_uasc_table_lists_only_the_indicators_uasc_change():
    impact = pd.DataFrame({
        "indicator": ["CIC", "IHA", "DENTAL", "NEAR"], "title": ["Children in care", "% IHA", "% dental", "% near"],
        "unit": ["count", "%", "%", "%"], "including_uasc": [1716.0, 25.04, 85.0, 79.0],
        "rag_including": [None, "R", "A", "G"], "excluding_uasc": [1456.0, 25.01, 85.0, 80.2],
        "rag_excluding": [None, "R", "A", "G"]})
    impact["variance"] = impact["including_uasc"] - impact["excluding_uasc"]
    t = charts.uasc_impact_table(impact)
    assert t.display_frame()["Indicator"].tolist() == ["Children in care", "% near"]   # 25.0% both ways: same
    assert t.note.startswith("The other 2 indicators read the same including and excluding UASC")
    assert charts.uasc_impact_table(impact.iloc[1:3]).frame.empty


def test_trend_charts_that_add_nothing_are_named_in_a_line_not_drawn():
    months = pd.date_range("2015-03-31", periods=13, freq="ME")
    rows = []
    for ind, title, values, target in (("A", "% placed with parents", [0.0] * 13, np.nan),
                                       ("B", "% of care leavers 17-18 in touch", [np.nan] * 13, 50.0),
                                       ("C", "% reviews in time", list(np.linspace(80, 90, 13)), 95.0),
                                       ("D", "% at target all year", [95.0] * 13, 95.0)):
        rows += [{"indicator": ind, "title": title, "period": m, "unit": "%", "value": v, "target": target,
                  "floor": np.nan} for m, v in zip(months, values)]
    trend = pd.DataFrame(rows)
    assert [charts.trend_adds_nothing(trend, i) for i in "ABCD"] == ["0.0% throughout", "no data", "", ""]
    html = charts.trend_grid(trend, "src").data
    assert html.count("<img ") == 2 and 'alt="Line chart: % reviews in time.' in html
    assert ("No chart for 2 indicators whose value did not change over these months or has no data: % placed with "
            "parents (0.0% throughout); % of care leavers 17-18 in touch (no data).") in html


def test_trend_small_multiples_one_figure_several_panels_a_tick_on_every_month_end():
    months = pd.date_range("2015-03-31", periods=13, freq="ME")
    rows = [{"indicator": f"I{k}", "title": f"% indicator {k}", "period": m, "unit": "%", "value": 50.0 + k + j,
             "target": 70.0, "floor": 60.0} for k in range(5) for j, m in enumerate(months)]
    trend = pd.DataFrame(rows)
    fig = charts.trend_multiples(trend, [f"I{k}" for k in range(5)], "src")
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(fig.axes) == 6 and len(visible) == 5           # 2 rows of 3, the sixth panel hidden
    for ax in visible:
        assert ticks(ax) == list(months)                       # one tick on each month end, none on the 1st
        labels = tick_labels(fig, ax)
        # labelled every fourth month counted back from the latest point, March 2016
        assert [t for t in labels if t] == ["Mar 15", "Jul 15", "Nov 15", "Mar 16"]
        # the target and amber floor drawn with the value
        assert {line.get_linestyle() for line in ax.get_lines()} >= {"-", "--", ":"}
    assert charts.alt_text(fig).startswith("Small multiples, 5 trend charts.") and "% indicator 4" in charts.alt_text(fig)


def test_the_appendix_shares_panels_out_in_whole_rows_and_draws_one_figure_a_page():
    assert charts.multiples_pages(51) == [12, 12, 9, 9, 9]     # 17 rows over 5 pages, not 12, 12, 12, 12, 3
    assert charts.multiples_pages(29) == [12, 9, 8] and charts.multiples_pages(12) == [12]
    assert charts.multiples_pages(0) == []
    months = pd.date_range("2015-03-31", periods=13, freq="ME")
    trend = pd.DataFrame([{"indicator": f"I{k}", "title": f"Indicator {k}", "period": m, "unit": "count",
                           "value": float(k + j), "target": np.nan, "floor": np.nan}
                          for k in range(14) for j, m in enumerate(months)])
    assert charts.multiples_pages(14, most=6) == [6, 6, 2]      # the trend appendix: half-page images of 2 rows
    html = charts.trend_appendix(trend, "src").data
    assert html.count("<img ") == 3 and 'class="cic-multiples"' in html   # 14 panels: 6, 6 and 2 (2, 2 and 1 rows)


def test_definitions_compact_one_row_an_indicator_in_plain_words():
    from cicanalysis.measures import metrics
    from cicanalysis.reports import definitions as D
    catalogue = metrics.catalogue_table()
    t = D.compact_table(catalogue)
    assert len(t) == len(catalogue) and list(t.columns) == ["Code", "Indicator", "What is counted", "Source"]
    row = t.set_index("Code").loc["PLACE_INDEPENDENT_PCT"]
    # the bracketed history of the DfE's releases is left to the full definitions
    assert row["What is counted"] == ("Children in care at the period end in semi-independent or supported accommodation "
                                      "or living independently, out of children in care at the period end.")
    assert t.set_index("Code").loc["CIC_TOTAL", "What is counted"] == "Children in care at the period end."
    assert set(t["Source"]) == {"DfE: Children looked after", "DfE: Adoption scorecards", "Local measure",
                                "Local; DfE counterpart"}


def test_comparisons_with_nothing_published_yet_are_named_in_one_line(monkeypatch):
    from conftest import extract_from_rows
    from cicanalysis.reports.context import Report
    lines = []
    monkeypatch.setattr(charts, "show", lambda fig, alt=None: None)
    monkeypatch.setattr("IPython.display.display", lambda obj: lines.append(getattr(obj, "data", obj)))
    r = Report(extract_from_rows(extract_date="2016-03-31"), pd.Timestamp("2014-03-31"), "sufficiency_strategy")
    r.comparison_charts(["CIC_TOTAL", "PLACEMENTS_3PLUS", "CL_SUITABLE_ACCOM"])
    text = " ".join(lines)
    assert text.count("has published no figure for Kent") == 1 and text.count("Nothing to chart yet") == 1
    assert "Children in care per 10,000" in text and "starts at 31 March 2015" in text


# ---------------------------------------------------------------- the reports as members read them (slow)
import html as _html                                            # noqa: E402
import re                                                       # noqa: E402
from pathlib import Path                                        # noqa: E402

import pytest                                                   # noqa: E402

REPORTS = ("scorecard", "adoption_journey", "adopters_journey", "sufficiency_strategy")
FAKE = Path(__file__).resolve().parents[2] / "shared" / "data" / "external" / "dfe-validator-fake-903"
# words for developers, never for members: parameter, file, module and code names, the spec, the method's jargon
FORBIDDEN = [r"\bparameters?\b", r"\bSPEC\b", r"cicanalysis", r"\.py\b", r"\.csv\b", r"\.ipynb\b", r"\bnotebook",
             r"papermill", r"\bla_code\b", r"completion_rate", r"suppress_small", r"exclude_children", r"po_cohort_since",
             r"supplied_indicators", r"adoption_tracking", r"authority/", r"Markov", r"cs-demand-model",
             r"extract_cache", r"\bDQ rows?\b", r"Traceback", r"\bnan\b", r"\bNaN\b", r"Source: ext extract",
             r"SSDA903-format extract \w+ \("]
# the 903's field names: the definitions, notes and charts say what is counted in words (the notices about the data,
# like the data-quality table, may name the column an analyst has to supply)
FIELD_NAMES = (r"\b(PL_DISTANCE|PLACE_PROVIDER|RHI_DATE|MIS_END|REVIEW_CODE|DATE_MATCH|IN_TOUCH|HEALTH_CHECK|"
               r"TEETH_CHECK|SDQ_SCORE|DIED|RHOM)\b")
# the sufficiency report's directions are against the strategy's aim (the covering report's RAG band changes
# are improving and declining, as SPEC 3.3 words them)
FORBIDDEN_IN = {"sufficiency_strategy": [r"Improving", r"Declining"]}


def reader_text(page: str) -> str:
    """What a reader sees of an HTML page: its text and the images' alt text, no markup, styles or scripts."""
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    alts = " ".join(re.findall(r'\balt="([^"]*)"', page))
    return _html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<img\b[^>]*>", " ", page)) + " " + alts)


def developer_words(folder: Path, data_dir: Path) -> dict[str, list[str]]:
    """The forbidden words in each report's text; the data-quality table may name the extract's own files."""
    found = {}
    for name in REPORTS:
        page = (folder / f"{name}.html").read_text(encoding="utf-8")
        page = re.sub(r"<table\b(?:(?!</table>).)*?<caption>Data-quality problems.*?</table>", " ", page, flags=re.S)
        text = reader_text(page)
        hits = [m.group(0) for pat in FORBIDDEN + FORBIDDEN_IN.get(name, []) + [rf"\b{re.escape(data_dir.name)}\b"]
                for m in re.finditer(pat, text)]
        page = re.sub(r'<div class="cic-notices".*?</div>', " ", page, flags=re.S)
        hits += [m.group(0) for m in re.finditer(FIELD_NAMES, reader_text(page))]
        if hits:
            found[name] = sorted(set(hits))
    return found


@pytest.fixture(scope="module")
def dfe_fake_outputs(tmp_path_factory):
    if not FAKE.is_dir():
        pytest.skip("the DfE validator's fake extract is not in ../shared/data/external")
    from cicanalysis.batch import run
    out = tmp_path_factory.mktemp("dfe-fake-outputs")
    results = run(["2018-03-31"], FAKE, out, jobs=2)
    assert all(r.ok for r in results), results
    return out / "2018-03-31"


@pytest.mark.slow
def test_no_developer_words_in_any_report_of_the_synthetic_run(default_outputs, small_authority):
    folder = default_outputs / "2016-03-31"
    assert developer_words(folder, small_authority) == {}
    page = reader_text((folder / "scorecard.html").read_text(encoding="utf-8"))
    assert "Source: the authority's SSDA903 extract dated 31/03/2016" in page          # the source: extract and date


@pytest.mark.slow
def test_no_developer_words_in_any_report_of_the_dfe_fake_extract_run(dfe_fake_outputs):
    assert developer_words(dfe_fake_outputs, FAKE) == {}
    assert "SSDA903 extract dated 30/04/2018" in reader_text((dfe_fake_outputs / "scorecard.html").read_text(encoding="utf-8"))


def lowest_text(page) -> tuple[float, str]:
    """The lowest line of a PDF page's text above its footer, with its height from the page's foot in points
    (the footer sits in the bottom margin, under 30 points). Charts are images: they hold no text."""
    runs = []

    def visit(text, cm, tm, font, size):
        y = cm[3] * tm[5] + cm[5]
        if text.strip() and y > 30:
            runs.append((round(y), text.strip()))
    page.extract_text(visitor_text=visit)
    if not runs:
        return float("inf"), ""
    y = min(r[0] for r in runs)
    return y, " ".join(t for yy, t in runs if yy == y)


@pytest.mark.slow
def test_pdf_page_budget_landscape_scorecards_and_no_caption_alone_at_a_page_foot(default_outputs):
    from pypdf import PdfReader
    from pdf_pages import underfilled
    folder = default_outputs / "2016-03-31"
    budget = {"scorecard": 24, "adoption_journey": 34, "adopters_journey": 16, "sufficiency_strategy": 8}
    for name in REPORTS:
        reader = PdfReader(str(folder / f"{name}.pdf"))
        pages = len(reader.pages)
        assert pages <= budget[name], (name, pages)
        if name in ("scorecard", "sufficiency_strategy"):    # no page under a third full but the last (issue 25)
            assert underfilled(folder / f"{name}.pdf") == [], name
        page = (folder / f"{name}.html").read_text(encoding="utf-8")
        captions = {_html.unescape(c).strip() for c in re.findall(r"<caption>(.*?)</caption>", page)}
        headings = {_html.unescape(re.sub(r"<[^>]+>|¶", "", h)).strip()
                    for h in re.findall(r"<h[234][^>]*>(.*?)</h[234]>", page, flags=re.S)}
        for k, p in enumerate(reader.pages[:-1], 1):      # a caption or heading as the last line near the foot
            y, last = lowest_text(p)
            assert not (y < float(p.mediabox.height) / 4 and (last in captions or last in headings)), (name, k, last)
        landscape = [float(p.mediabox.width) > float(p.mediabox.height) for p in reader.pages]
        if name == "scorecard":                 # the county, area and team tables on landscape pages
            text = " ".join(reader.pages[i].extract_text() for i, wide in enumerate(landscape) if wide)
            assert "County scorecard" in text and "Area scorecards" in text and "Team scorecards" in text
            assert "Definitions" not in text and "Trends against target" not in text and not landscape[0]
            # the body, everything before the appendices' first page, in 12 pages; the appendices in order after it
            starts = [max(k for k, p in enumerate(reader.pages, 1) if f"Appendix {a}:" in p.extract_text())
                      for a in "ABCD"]
            assert starts[0] - 1 <= 12 and starts == sorted(starts), starts
            assert "Appendix A: Trends against target" in reader.pages[starts[0] - 1].extract_text()
        else:
            assert not any(landscape), name


def test_a_key_of_two_rows_pushes_the_title_up_instead_of_covering_it():
    """The A1 chart with England and the neighbours has six entries in its key: two rows of four. The title sits
    above both rows (on the DfE fake extract it was drawn through the key's first row)."""
    import matplotlib.pyplot as plt
    from matplotlib.transforms import Bbox
    from cicanalysis.reports import charts
    years = ["2015-16", "2016-17", "2017-18"]
    a1a2 = pd.DataFrame({"measure": "A1", "year": years, "window": ["2013-16", "2014-17", "2015-18"],
                         "partial": [False, False, True], "year_avg_days": [500.0, 480.0, 460.0],
                         "three_year_avg_days": [520.0, 500.0, 480.0], "threshold": [487.0, 426.0, 426.0],
                         "england_year": [520.0, 510.0, 500.0], "england_three_year": [540.0, 530.0, 520.0],
                         "neighbours_three_year": [np.nan, 500.0, 490.0]})
    fig = charts.threshold_chart(a1a2, "A1", "Source: test", pd.Timestamp("2018-03-31"))
    fig.canvas.draw()
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    title, key = ax.title.get_window_extent(renderer), ax.get_legend().get_window_extent(renderer)
    assert len(ax.get_legend().get_texts()) == 6
    assert not Bbox.intersection(title, key), (title, key)     # None when they do not overlap
    assert title.y0 >= key.y1 - 1
    plt.close(fig)


def test_the_district_range_names_districts_only_never_no_district_or_unknown():
    """Highest and lowest % within among districts of 3+ cases: 'No district' (100%, 10 cases) and 'Unknown'
    (100%, 4) count in the county's figures but are not districts: Dartford 80% is the highest, Ashford 50% the
    lowest; Canterbury (2 cases) is too small to name."""
    from cicanalysis.reports import adoption_text
    t = pd.DataFrame({"timescale": "A", "title": "Entering care to ADM", "limit": "6 months",
                      "group": ["Total", "Dartford", "No district", "Unknown", "Ashford", "Canterbury"],
                      "cases": [24, 5, 10, 4, 3, 2], "pct_within": [83.3, 80.0, 100.0, 100.0, 50.0, 0.0],
                      "avg_days": [150.0, 160.0, 120.0, 110.0, 200.0, 300.0]})
    row = adoption_text.district_range(t).iloc[0]
    assert row["Highest % within (districts of 3+ cases)"] == "Dartford 80%"
    assert row["Lowest % within"] == "Ashford 50%"
    assert row["Cases"] == 24 and row["% within"] == 83.3


def test_the_appendix_redraws_one_figure_with_the_drawing_of_a_figure_drawn_afresh():
    """The trend appendix draws its images on one figure per number of rows, each panel taking the next
    indicator's data: every image is the SVG, byte for byte, and has the alt text of the same panels drawn on a new figure
    (an annual panel's steps and 31 March marks, a hidden target or floor, a hidden sixth panel do not carry over)."""
    import base64
    import re

    import matplotlib.pyplot as plt
    months = pd.date_range("2015-03-31", periods=13, freq="ME")
    ids = ["HEALTH_ASSESSMENT", "I1", "I2", "DENTAL_CHECK", "I4", "I5", "I6", "I7", "I8", "I9", "I10", "I11", "I12"]
    rows = [{"indicator": i, "title": f"Indicator {i} with a title long enough to wrap onto a second line" * (k % 3 == 0),
             "period": m, "unit": "%" if k % 2 else "count",
             "value": 7.0 if i in ("I6", "I10") else float(5 + k + (j % 4) * (1 + k % 3)),
             "target": 20.0 if k % 4 == 1 else np.nan, "floor": 15.0 if k % 8 == 1 else np.nan}
            for k, i in enumerate(ids) for j, m in enumerate(months)]
    trend = pd.DataFrame(rows)
    trend.loc[trend["title"] == "", "title"] = trend["indicator"]
    html = charts.trend_appendix(trend, "src").data
    shown = [base64.b64decode(b) for b in re.findall(r'data:image/svg\+xml;base64,([^"]+)"', html)]
    alts = re.findall(r'alt="([^"]*)"', html)
    drawn = [i for i in ids if not charts.trend_adds_nothing(trend, i)]      # I6, I10: the same value throughout
    assert len(drawn) == 11 and charts.multiples_pages(11, most=charts.TREND_PANELS_AN_IMAGE) == [6, 5]
    assert drawn[0] == "HEALTH_ASSESSMENT" and drawn[3] == "DENTAL_CHECK"      # annual panels, then others there
    k, fresh = 0, []
    for n in charts.multiples_pages(len(drawn), most=charts.TREND_PANELS_AN_IMAGE):
        fig = charts.trend_multiples(trend, drawn[k:k + n], "src")
        fresh.append((charts.svg(fig), charts.alt_text(fig)))
        plt.close(fig)
        k += n
    assert len(shown) == len(fresh) == 2
    for image, (afresh, alt), shown_alt in zip(shown, fresh, alts):
        assert image == afresh and b">Target</text>" in image                   # the same drawing, text as text
        assert shown_alt == alt.replace('"', "&quot;")
