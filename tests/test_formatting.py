"""The formatting layer: every value shown by its kind, every header in words, accessible tables, the key
to the codes, and alt text worked out from a chart's data."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from cicanalysis.reports import charts
from cicanalysis.reports import formatting as F


@pytest.mark.parametrize("value, kind, unit, shown", [
    (1410.0, "count", "", "1,410"), (1410.4, "number", "", "1,410.4"), (71.456, "pct", "", "71.5%"),
    (5, "change", "", "+5"), (-5.0, "change", "", "-5"), (0.2, "change", "", "0"), (2.76, "pct_change", "", "+2.8%"),
    (np.inf, "pct_change", "", "n/a"), (-0.04, "pct_change", "", "0.0%"), (428.6, "days", "", "429"),
    (True, "yesno", "", "Yes"), (np.False_, "yesno", "", "No"), (pd.Timestamp("2013-04-01"), "date", "", "01/04/2013"),
    (np.nan, "count", "", "n/a"), (None, "text", "", "n/a"), (pd.NaT, "date", "", "n/a"), (pd.NA, "yesno", "", "n/a"),
    (np.nan, "rag", "", ""), ("R", "rag", "", "R"), (67.7, "value", "per 10,000", "67.7"),
    (35.4, "value", "%", "35.4%"), (429.0, "value", "days", "429 days"), (1.0, "value_change", "%", "+1.0 pp"),
    (0.0, "value_change", "count", "0"), (-0.04, "value_change", "%", "0.0 pp"), (283.0, "value_change", "count", "+283"),
])
def test_every_kind_of_value_reads_as_an_officer_expects(value, kind, unit, shown):
    assert F.format_cell(value, kind, unit) == shown


def test_headers_come_from_the_map_or_plain_words_never_code_names():
    assert F.label("three_year_avg_days") == "Average days (3 years)"
    assert F.label("DISTRICT_GROUP") == "District" and F.label("this_span") == "This span"
    assert F.label("MAKE_UP") == "Household make-up" and F.label("rag_excluding") == "RAG excluding"
    assert F.label("SOME_NEW_COLUMN") == "Some new column" and F.label("uasc_share_pct") == "UASC share %"
    assert F.label("% within") == "% within"                                   # already words: unchanged
    for name in ("including_uasc", "DISTRICT_GROUP", "MAKE_UP", "THRESHOLD"):
        assert F.is_code_name(name) and not F.is_code_name(F.label(name)), name
    assert not F.is_code_name("UASC") and not F.is_code_name("RAG") and not F.is_code_name("Last month")


def test_a_table_has_scoped_headers_a_caption_rag_colours_and_no_raw_values():
    frame = pd.DataFrame({"title": ["Alpha", "Beta"], "value": [1410.0, np.nan], "rag": ["R", None],
                          "meets_threshold": [True, False], "change": [5, -3], "period": pd.to_datetime(["2013-04-01", None])})
    html = F.table(frame, caption="A caption")._repr_html_()
    assert "<caption>A caption</caption>" in html
    assert html.count('<th scope="col"') == 6 and html.count('<th scope="row"') == 2
    cells = re.findall(r"<t[dh](?:\s[^>]*)?>(.*?)</t[dh]>", html)
    assert cells[:6] == ["Indicator", "Value", "RAG", "Within the threshold", "Change", "Period"]
    assert cells[6:] == ["Alpha", "1,410", "R", "Yes", "+5", "01/04/2013", "Beta", "n/a", "", "No", "-3", "n/a"]
    assert 'style="background-color:#c62828;color:#ffffff' in html
    assert not re.search(r">(nan|None|True|False|NaT)<", html)


def test_a_wide_table_is_split_with_its_first_column_repeated():
    frame = pd.DataFrame({"Indicator": ["A", "B"], **{f"Team {k}": [k, k + 1] for k in range(1, 15)}})
    html = F.table(frame, caption="Teams", split=6)._repr_html_()
    assert html.count("<table") == 3 and "Teams (1 of 3)" in html and "Teams (3 of 3)" in html
    assert html.count('<th scope="row" class="text nw">A</th>') == 3             # every part names its rows
    assert html.count('scope="col"') == 3 + 14                                 # each team once, Indicator 3 times


def test_small_counts_are_suppressed_in_the_table_and_in_its_workbook_values():
    t = F.table(pd.DataFrame({"AREA": ["North", "West"], "children": [3, 12]}), suppress=True, counts=["children"])
    assert "<td class=\"num\">&lt;6</td>" in t._repr_html_() and ">12<" in t._repr_html_()
    exported = t.export()
    assert exported["rows"] == [["North", "<6"], ["West", 12]]
    assert [c["label"] for c in exported["columns"]] == ["Area", "Children"]
    assert F.table(pd.DataFrame({"a": []}), empty="")._repr_html_() == ""       # no empty table after "no problems"


def test_workbook_values_are_typed_by_the_row_unit():
    impact = pd.DataFrame({"title": ["CIC", "IHA"], "including_uasc": [1693.0, 64.0], "variance": [283.0, 0.5]})
    t = F.table(impact, units=["count", "%"])
    assert t.display_frame().iloc[1].tolist() == ["IHA", "64.0%", "+0.5 pp"]
    assert t.export()["rows"] == [["CIC", 1693.0, 283.0], ["IHA", 64.0, 0.5]]


def test_changes_in_numbers_and_per_cent():
    assert F.change_words(1410, 1372) == "38 more (+2.8%)"
    assert F.change_words(95, 100, fewer="fewer") == "5 fewer (-5.0%)" and F.change_words(3, 3) == "the same"
    assert F.change_words(4, 0) == "4 more"                                     # no per cent from nothing
    t = F.with_changes(pd.DataFrame({"this_span": [102, 3], "last_year": [97, 0]}))
    assert t["change"].tolist() == [5, 3] and t["pct_change"].iloc[0] == pytest.approx(500 / 97)
    assert np.isnan(t["pct_change"].iloc[1])


def test_the_key_explains_every_code_each_report_uses():
    for report, codes in F.REPORT_KEYS.items():
        assert set(codes) <= set(F.KEY), report
        shown = F.key_table(report).display_frame()
        assert list(shown["Code"]) == codes and shown["Meaning"].str.len().min() > 10
    for code in ("H", "L", "T", "SS", "YTD", "R12M", "R36M", "BLA", "ADM", "SGO", "OC2", "U1/U4", "▲ ▼ ►"):
        assert code in F.KEY, code
    assert "'▲ worse'" in F.KEY["▲ ▼ ►"]


def test_direction_arrows_follow_the_value_and_the_word_the_polarity():
    assert charts.dot_label(283, 265, "worse") == "▲ worse"        # more UASC (L): up, worse
    assert charts.dot_label(64.0, 77.8, "worse") == "▼ worse"      # a fall in an H indicator
    assert charts.dot_label(7.5, 13.0, "improved") == "▼ better"   # a fall in an L indicator
    assert charts.dot_label(50, 50, "same") == "► same" and charts.dot_label(1, 2, None) == ""


def test_alt_text_is_worked_out_from_the_chart_data():
    trend = pd.DataFrame({"indicator": "RHI_3WD", "title": "% of returns with an interview",
                          "period": pd.date_range("2015-10-31", periods=6, freq="ME"), "unit": "%",
                          "value": [50.0, 52.5, 48.0, 60.0, 55.0, 52.8], "target": 75.0, "floor": 65.0})
    fig = charts.trend_chart(trend, "RHI_3WD", "a source")
    alt = charts.alt_text(fig)
    assert alt.startswith("Line chart: % of returns with an interview. 6 points from Oct 2015 to Mar 2016.")
    assert "Value: 50.0% in Oct 2015 to 52.8% in Mar 2016; lowest 48.0% (Dec 2015), highest 60.0% (Jan 2016)." in alt
    assert alt.endswith("Target 75.0%. Amber floor 65.0%.")
    bars = charts.bar_chart(pd.DataFrame({"AREA": ["North", "West"], "children": [3, 12]}), "AREA", "Adopted by area",
                            "src", "2016-03-31", suppress=True)
    assert charts.alt_text(bars) == ("Bar chart: Adopted by area. 2 categories. Children: West 12. Counts of 1 to 5 "
                                     "are shown as <6.")
    html = charts.grid_html([charts.trend_chart(trend, "RHI_3WD", "a source")])
    assert 'width="540"' in html and 'alt="Line chart: % of returns' in html


def test_a_chart_is_an_svg_with_its_text_as_text_the_same_bytes_every_time():
    """A chart is shown as an SVG data URI at its intended width (6 in: 540 px at 90 px an inch; the SVG 432 pt
    wide, scaled by the browser), its words as text in DejaVu Sans (the font matplotlib measured them in), and
    the same bytes each time it is drawn (fixed clip-path ids, no date), so a report's HTML does not change
    from one run to the next."""
    import base64
    import re
    trend = pd.DataFrame({"indicator": "RHI_3WD", "title": "% of returns with an interview",
                          "period": pd.date_range("2015-10-31", periods=6, freq="ME"), "unit": "%",
                          "value": [50.0, 52.5, 48.0, 60.0, 55.0, 52.8], "target": 75.0, "floor": 65.0})
    fig = charts.trend_chart(trend, "RHI_3WD", "a source")
    svg = charts.svg(fig)
    assert charts.shown_width(fig) == 540 and re.search(rb'<svg [^>]*width="432pt"', svg)
    assert b">% of returns with an interview</text>" in svg and b"<image" not in svg
    assert b"font-family: 'DejaVu Sans'" in svg and b"<dc:date>" not in svg
    assert charts.svg(fig) == svg
    html = charts.img_html(fig, alt='Line chart: "quoted"')
    assert html.startswith('<img src="data:image/svg+xml;base64,') and 'width="540"' in html
    assert 'alt="Line chart: &quot;quoted&quot;"' in html
    assert base64.b64decode(re.search(r"base64,([^\"]+)\"", html).group(1)) == svg


def test_an_annual_indicator_is_drawn_as_steps_and_says_so():
    trend = pd.DataFrame({"indicator": "HEALTH_ASSESSMENT", "title": "% with an annual health assessment",
                          "period": pd.date_range("2015-03-31", periods=13, freq="ME"), "unit": "%",
                          "value": [89.0] * 12 + [89.8], "target": 90.0, "floor": 85.0})
    fig = charts.trend_chart(trend, "HEALTH_ASSESSMENT", "src")
    line = fig.axes[0].get_lines()[0]
    assert line.get_drawstyle() == "steps-post" and "OC2" in line.get_label()
    assert "From the annual OC2 return: the value changes once a year, at 31 March." in charts.alt_text(fig)


def test_a_column_of_words_is_text_whatever_its_name():
    t = F.table(pd.DataFrame({"indicator": ["A"], "numerator": ["children in care at the period end"]}))
    assert t.kinds["numerator"] == "text" and 'class="text">children in care' in t._repr_html_()
    assert F.table(pd.DataFrame({"numerator": [3.0]})).kinds["numerator"] == "count"


def test_a_report_context_decides_suppression_once():
    """reports.context.Report carries suppress_small to every table and figure of a report: a count of 3 reads
    '<6' in a publishing report's table and figures, and 3 in a draft's (SPEC 8)."""
    import pandas as pd

    from cicanalysis.reports.context import Report
    from conftest import extract_from_rows
    x = extract_from_rows()
    frame = pd.DataFrame({"district": ["North", "South"], "children": [3, 12]})
    published, draft = (Report(x, pd.Timestamp("2016-02-29"), "scorecard", suppress=s) for s in (True, False))
    assert "&lt;6" in published.table(frame, counts=["children"])._repr_html_()
    assert "&lt;6" not in draft.table(frame, counts=["children"])._repr_html_()
    from cicanalysis.reports.publish import FIGURE_COLUMNS
    figures = pd.DataFrame([{"report": "scorecard", "indicator": "CIC_TOTAL", "value_unit": "count", "value": 3,
                             "numerator": 3, "denominator": float("nan")}], columns=FIGURE_COLUMNS)
    value = FIGURE_COLUMNS.index("value")
    for report in (published, draft):
        report.figures(figures)
    assert published.handed["figures"][0][value] == "<6"
    assert draft.handed["figures"][0][value] == 3


def test_values_equal_at_the_shown_precision_are_the_same_direction():
    from cicanalysis.core.rag import direction_of_travel
    # 18.75% last month, 18.83% now: both read 18.8%, so "same" (not "▼ worse" under "18.8% → 18.8%")
    assert F.format_value(18.75, "%") == F.format_value(18.83, "%") == "18.8%"
    assert direction_of_travel(18.83, 18.75, "L", unit="%") == "same"
    assert charts.dot_label(18.83, 18.75, direction_of_travel(18.83, 18.75, "L", unit="%")) == "► same"
    assert direction_of_travel(18.86, 18.75, "L", unit="%") == "worse"           # 18.9% against 18.8%
    assert direction_of_travel(18.83, 18.75, "L") == "worse"                      # no unit: unrounded
    assert direction_of_travel(428.6, 429.4, "L", unit="days") == "same"          # both 429 days
    assert direction_of_travel(67.74, 67.66, "L", unit="per 10,000") == "same"    # both 67.7
    # T: the distance to the target as shown: 18.04 and 17.96 both read 18.0, the target
    assert direction_of_travel(18.04, 17.96, "T", target=18.0, unit="ratio") == "same"
