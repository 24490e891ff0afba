"""What a run writes beside the HTML: figures.csv, tables.xlsx and A4 PDFs, worked on small hand-made inputs
(the default period's files are checked in test_outputs.py)."""
from __future__ import annotations

import csv
import json
import re

import pandas as pd
import pytest

from cicanalysis.reports import publish
from cicanalysis.measures import scorecard
from cicanalysis.reports.context import Report
from cicanalysis.reports.formatting import key_table, table


def test_scorecard_figures_are_tidy_rows_of_every_level(extract):
    card = scorecard.build(extract, "2016-03-31")
    f = publish.scorecard_figures(card)
    assert list(f.columns) == publish.FIGURE_COLUMNS and len(f) == len(card)
    own = f[(f["indicator"] == "OWN_FOSTER") & (f["level"] == "county")].iloc[0]
    # 2 of 4 children in foster care with own-authority or relative carers (test_scorecard.py): not rated
    assert (own["numerator"], own["denominator"], own["value"], own["value_unit"]) == (2, 4, 50, "%")
    assert pd.isna(own["rag"]) and own["uasc"] == "included" and own["report"] == "scorecard"
    uasc = f[(f["indicator"] == "CIC_UASC") & (f["level"] == "county")].iloc[0]
    assert (uasc["value"], uasc["dot"]) == (1, "improved")                  # 2 last month, polarity L
    assert set(f["level"]) == {"county", "area", "team"}


def test_suppressed_figures_give_no_small_number_away(extract):
    f = publish.scorecard_figures(scorecard.build(extract, "2016-03-31", levels=("county",)))
    s = publish.suppress_figures(f).set_index("indicator")
    assert s.loc["OWN_FOSTER", "numerator"] == "<6" and s.loc["OWN_FOSTER", "denominator"] == "<6"
    assert s.loc["OWN_FOSTER", "value"] == "<6"                                  # 50% of 4 would tell
    assert s.loc["CIC_UASC", "value"] == "<6" and s.loc["CIC_TOTAL", "value"] == 7    # counts of 1-5 only
    rows = publish.Figures(f, suppress=True).rows()
    assert all(not isinstance(v, (int, float)) or not 1 <= v <= 5
               for r in rows for v, c in zip(r, publish.FIGURE_COLUMNS) if c in ("numerator", "denominator"))


def _handed_over(tmp_path, extract):
    """A report as a notebook drives it: a section, a table, figures, a later section, an uncaptioned table and the
    key (not for the workbook), then the hand-over its last cell makes."""
    report = Report(extract, pd.Timestamp("2016-03-31"), "scorecard",
                    handover=str(publish.handover_path(tmp_path, "scorecard")))
    heading = report.section("First section", "What it shows.")
    assert heading.data == "## First section\nWhat it shows."                 # the h2 the reader sees
    report.show(table(pd.DataFrame({"AREA": ["North", "West"], "pct_within": [50.0, 75.5], "change": [2, -1]}),
                      caption="By area"))
    report.figures(pd.DataFrame([{"report": "scorecard", "indicator": "X", "title": "X title", "level": "county",
                                  "unit": "County", "period": pd.Timestamp("2016-03-31"), "value_unit": "%",
                                  "numerator": 3, "denominator": 4, "value": 75.0, "target": 80.0,
                                  "rag": "A", "dot": "improved", "dot_outturn": "worse", "uasc": "included"}]))
    report.section("Later section")
    report.show(table(pd.DataFrame({"a": [1]}), caption=""))
    report.show(key_table("scorecard"))
    report.hand_over()
    return report


def test_a_report_hands_over_its_sections_tables_and_figures(tmp_path, extract):
    _handed_over(tmp_path, extract)
    tables, figures = publish.read_handover(tmp_path / "scorecard.tables.json")
    assert [(t["caption"], t["section"]) for t in tables] == [("By area", "First section"), ("", "Later section")]
    assert tables[0]["rows"] == [["North", 50.0, 2], ["West", 75.5, -1]]       # the key is not among them
    assert figures == [["scorecard", "X", None, "X title", "county", "County", "2016-03-31", "%", 3, 4, 75, None, None,
                        80, None, None, "A", "improved", "worse", None, "included"]]     # columns not given: blank
    shown = table(pd.DataFrame({"a": [1]}))._repr_mimebundle_()
    assert set(shown) == {"text/html", "text/plain"}                           # nothing hidden in the notebook


def test_without_a_handover_path_nothing_is_written(tmp_path, extract):
    report = Report(extract, pd.Timestamp("2016-03-31"), "scorecard")     # as in JupyterLab
    report.show(table(pd.DataFrame({"a": [1]}), caption="t"))
    report.hand_over()
    assert not list(tmp_path.iterdir()) and len(report.handed["tables"]) == 1


def test_the_period_files_hold_the_tables_as_numbers_and_the_figures(tmp_path, extract):
    from openpyxl import load_workbook
    _handed_over(tmp_path, extract)
    xlsx, figures_csv = publish.write_period_files(tmp_path, "Title")
    wb = load_workbook(xlsx)
    # sheets named by a short id of the report and the caption, never by position
    assert wb.sheetnames == ["Contents", "sc_figures", "sc_area", "sc_later_section"]
    ws = wb["sc_area"]
    assert [c.value for c in ws[1]] == ["Area", "% within", "Change"]
    assert ws["B3"].value == pytest.approx(75.5) and ws["B3"].number_format == '0.0"%"'   # 0-100, as figures.csv
    assert ws["C3"].value == -1 and ws["C2"].number_format == "+#,##0;-#,##0;0"
    contents = [[c.value for c in r] for r in wb["Contents"].iter_rows(min_row=3)]
    assert contents[1] == ["scorecard", "First section", "By area", "sc_area", 2]
    assert wb["Contents"]["D4"].hyperlink.location == "'sc_area'!A1"
    rows = list(csv.reader(figures_csv.open(encoding="utf-8")))
    assert rows[0] == publish.FIGURE_COLUMNS and rows[1][:4] == ["scorecard", "X", "", "X title"] and len(rows) == 2
    assert not list(tmp_path.glob("*.tmp"))
    assert publish.write_period_files(tmp_path / "nothing") == []


def test_figures_written_as_text_become_numbers_with_their_formats(tmp_path):
    """A table whose cells were formatted before it was handed over ('1,456', '92.6%', '+1.2 pp'): each becomes
    a number with a format that shows it the same; a value column takes each row's unit; 'n/a' in a numeric
    column is an empty cell, '<6' stays; a label column of mostly words keeps its labels ('1' among 'Under 1')."""
    from openpyxl import load_workbook
    tables = [{"report": "sufficiency_strategy", "section": "S", "caption": "Summary", "note": "",
               "columns": [{"label": "Age", "kind": "text"}, {"label": "Now", "kind": "text"},
                           {"label": "Value", "kind": "value"}, {"label": "Change", "kind": "text"}],
               "rows": [["Under 1", "1,456", 92.6, "+1.2 pp"], ["1", "92.6%", 1456, "n/a"],
                        ["2-4", "<6", 429, "-3 days"], ["5+", "1.19", None, "Improving"]],
               "units": ["%", "count", "days", "%"]}]
    publish.write_workbook(tables, [], tmp_path / "t.xlsx")
    ws = load_workbook(tmp_path / "t.xlsx")["ss_summary"]
    cells = [[(c.value, c.number_format) for c in r] for r in ws.iter_rows(min_row=2)]
    assert [r[0][0] for r in cells] == ["Under 1", "1", "2-4", "5+"]                 # labels stay text
    assert [r[1] for r in cells] == [(1456, "#,##0"), (92.6, '0.0"%"'), ("<6", "General"), (1.19, "#,##0.00")]
    assert [r[2] for r in cells] == [(92.6, '0.0"%"'), (1456, "#,##0"), (429, "#,##0"), (None, "General")]
    assert cells[0][3] == (1.2, '+#,##0.0" pp";-#,##0.0" pp";0.0" pp"') and cells[1][3][0] is None
    assert cells[2][3] == (-3, '+#,##0" days";-#,##0" days";0" days"') and cells[3][3][0] == "Improving"


def test_workbook_written_row_by_row_keeps_its_extent_header_links_and_notes(tmp_path):
    """Written in write-only mode, each sheet still says its extent (a reader pads every row to it: the note row
    of a 3-column table reads as 3 cells), its header is bold on blue and frozen, its widths set, and the
    contents sheet links to each sheet."""
    from openpyxl import load_workbook
    tables = [{"report": "scorecard", "section": "S", "caption": "Counts", "note": "One note.",
               "columns": [{"label": "Team", "kind": "text"}, {"label": "Children", "kind": "count"},
                           {"label": "A long column label here", "kind": "count"}],
               "rows": [["North", 3, 4], ["South", 5, None]]}]
    publish.write_workbook(tables, [["scorecard", "X"] + [None] * 19], tmp_path / "t.xlsx", "Title")
    values = load_workbook(tmp_path / "t.xlsx", read_only=True)["sc_counts"]
    assert [tuple(r) for r in values.iter_rows(values_only=True)] == [
        ("Team", "Children", "A long column label here"), ("North", 3, 4), ("South", 5, None),
        (None, None, None), ("One note.", None, None)]
    wb = load_workbook(tmp_path / "t.xlsx")
    ws, contents = wb["sc_counts"], wb["Contents"]
    assert ws.dimensions == "A1:C5" and ws.freeze_panes == "A2" and ws["A1"].font.b and ws["A1"].fill.fgColor.rgb == "001F4E79"
    assert ws.column_dimensions["C"].width == 26 and ws.column_dimensions["A"].width == 8
    assert wb["sc_figures"].dimensions == "A1:U2" and wb["sc_figures"]["B2"].value == "X"
    assert [(c.value, c.hyperlink.location if c.hyperlink else None) for c in contents["D"][2:]] == [
        ("sc_figures", "'sc_figures'!A1"), ("sc_counts", "'sc_counts'!A1")]
    assert contents["A1"].value == "Title" and contents["E4"].value == 2 and contents.dimensions == "A1:E4"


def test_one_data_quality_sheet_for_every_report_and_stable_ids():
    dq = {"section": "Data quality", "caption": "Data-quality problems by file, column and rule", "note": "",
          "columns": [{"label": "File", "kind": "text"}], "rows": [["episodes.csv"]]}
    kept = publish.workbook_tables([{**dq, "report": r} for r in ("scorecard", "adoption_journey")])
    assert [(t["sheet"], t["report"]) for t in kept] == [("data_quality", "(all)")]
    other = publish.workbook_tables([{**dq, "report": "scorecard"}, {**dq, "report": "adoption_journey", "rows": []}])
    assert [t["sheet"] for t in other] == ["data_quality", "aj_data_quality"]       # differing copies both kept
    # the same table in another month and for another authority has the same id
    one = publish.table_id("adopters_journey", "Approved, not matched at 31/03/2016, by time since approval")
    two = publish.table_id("adopters_journey", "Approved, not matched at 30 September 2016, by time since approval")
    assert one == two == "ad_approved_not_since_approval"
    names = ["Middleshire County Council", "Middleshire"]
    assert publish.table_id("scorecard", "Middleshire County Council, including UASC", names) == \
        publish.table_id("scorecard", "Kent County Council, including UASC", ["Kent County Council"]) == "sc_including_uasc"
    long = [publish.table_id("adoption_journey", c) for c in
            ("Placed for adoption by district (current span)", "Placed for adoption by age at placement (current span)",
             "In proceedings (ADM decision, no placement order) by time since the ADM decision")]
    assert long == ["aj_placed_adoption_district", "aj_placed_adoption_placement", "aj_proceedings_time_decision"]
    assert all(len(n) <= 31 and re.fullmatch(r"[a-z0-9_]+", n) for n in long)


@pytest.mark.slow
def test_a_report_prints_to_a4_with_a_page_per_section(tmp_path):
    """Three sections as nbconvert lays them out: the print stylesheet starts the second and third on new
    pages; every page is A4 (210 x 297 mm)."""
    from pypdf import PdfReader
    from cicanalysis.batch import _page
    body = "".join(f'<div class="cell"><h2 id="s{k}">Section {k}</h2><p>Text {k}.</p></div>' for k in range(3))
    html = tmp_path / "r.html"
    html.write_text(_page("Report", body, "An authority", pd.Timestamp("2016-03-31"), "test", []), encoding="utf-8")
    pdf = publish.write_pdf(html, tmp_path / "r.pdf", "An authority · Report · period ending 31/03/2016")
    pages = PdfReader(str(pdf)).pages
    assert len(pages) == 3
    for p in pages:
        assert (round(float(p.mediabox.width) * 25.4 / 72), round(float(p.mediabox.height) * 25.4 / 72)) == (210, 297)
    assert "Section 2" in pages[2].extract_text() and "Page 3 of 3" in pages[2].extract_text()


@pytest.mark.slow
def test_one_browser_prints_every_pdf_of_a_run(tmp_path, monkeypatch):
    """A Printer launches chromium once for many PDFs (a run prints its reports with one), each with its own
    footer; closed, it launches again when asked to print."""
    from playwright.sync_api._generated import BrowserType
    from pypdf import PdfReader

    from cicanalysis import CicError
    launches, original = [], BrowserType.launch
    monkeypatch.setattr(BrowserType, "launch", lambda self, **kw: (launches.append(1), original(self, **kw))[1])
    html = tmp_path / "r.html"
    html.write_text("<h2>Section</h2><p>Text.</p>", encoding="utf-8")
    long = tmp_path / "long.html"           # three pages, then a one-page report printed in the same tab
    long.write_text("".join(f"<h2 style='page-break-before:always'>Long {k}</h2>" for k in range(3)), encoding="utf-8")
    with publish.Printer() as printer:
        printer.print(long, tmp_path / "long.pdf", "Long report")
        with pytest.raises(CicError, match="could not be printed"):     # a failed print: the next is unaffected
            printer.print(tmp_path / "no-such-report.html", tmp_path / "x.pdf", "Failing")
        pdfs = [printer.print(html, tmp_path / f"{n}.pdf", f"Report {n}") for n in ("a", "b", "c")]
    assert len(launches) == 1
    assert len(PdfReader(str(tmp_path / "long.pdf")).pages) == 3
    assert [len(PdfReader(str(f)).pages) for f in pdfs] == [1, 1, 1]       # nothing of the long report left over
    assert [PdfReader(str(f)).pages[0].extract_text().count(f"Report {f.stem}") for f in pdfs] == [1, 1, 1]
    assert "Long" not in PdfReader(str(pdfs[0])).pages[0].extract_text()
    publish.write_pdf(html, tmp_path / "d.pdf", "Report d")      # on its own: a browser of its own
    assert len(launches) == 2 and not list(tmp_path.glob("*.tmp"))


def test_no_chromium_is_one_line_not_a_traceback(tmp_path, monkeypatch):
    from cicanalysis import CicError
    monkeypatch.setenv("CICANALYSIS_CHROMIUM", str(tmp_path / "no-such-browser"))
    (tmp_path / "r.html").write_text("<p>x</p>")
    with pytest.raises(CicError, match="the PDF could not be printed"):
        publish.write_pdf(tmp_path / "r.html", tmp_path / "r.pdf")
    monkeypatch.delenv("CICANALYSIS_CHROMIUM")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CicError, match="no chromium browser found"):
        publish.chromium()


def test_figures_json_is_plain(tmp_path):
    rows = publish.Figures(pd.DataFrame([{c: None for c in publish.FIGURE_COLUMNS}])).rows()
    assert json.loads(json.dumps(rows)) == [[None] * len(publish.FIGURE_COLUMNS)]


def test_the_key_is_not_for_the_workbook():
    assert not key_table("scorecard").exported                                  # Report.show leaves it out


@pytest.fixture(scope="module")
def history(_fixture_extract):
    """The fixture's scorecard figures for the 13 months to 31/03/2016 (worked out once: 26 scorecards)."""
    import copy
    x = copy.deepcopy(_fixture_extract)
    return x, publish.scorecard_history(x, "2016-03-31", months=13)


def test_figures_have_13_months_of_history_that_a_power_bi_read_pivots_without_cleaning(tmp_path, history):
    """The scorecard's figures.csv: a row per indicator, unit and month for 13 months, last month's and the outturn's
    values beside each, the county both with and without UASC; read as Power BI would (types guessed by pandas,
    nothing cleaned), a months x indicators pivot has one number per cell, and per cent is on one 0-100 scale."""
    f = history[1]
    path = publish.write_figures_csv(publish.Figures(f).rows(), tmp_path / "figures.csv")
    read = pd.read_csv(path)
    assert read["indicator"].str.fullmatch(r"[A-Z0-9_]+").all()                 # clean ids, no '1a CIC_TOTAL'
    county = read[(read["level"] == "county") & (read["uasc"] == "included")]
    pivot = county.pivot(index="period", columns="indicator", values="value")    # raises on a repeated cell
    assert pivot.shape[0] == 13 and pivot.index[0] == "2015-03-31" and pivot.index[-1] == "2016-03-31"
    assert all(pd.api.types.is_float_dtype(t) for t in pivot.dtypes)            # numbers, not text
    total = pivot["CIC_TOTAL"]
    assert total["2016-03-31"] == 7                                               # the fixture's 7 (test above)
    c = county.set_index(["indicator", "period"])
    assert c.loc[("CIC_TOTAL", "2016-03-31"), "previous_value"] == total["2016-02-29"]
    assert c.loc[("CIC_TOTAL", "2016-03-31"), "outturn_value"] == total["2015-03-31"]
    assert c.loc[("OWN_FOSTER", "2016-03-31"), ["value", "polarity"]].tolist() == [50, "H"]   # 2 of 4: 50, not 0.5
    pct = read.loc[read["value_unit"] == "%", "value"].dropna()
    assert pct.between(0, 100).all() and (pct > 1).any()
    excluded = read[read["uasc"] == "excluded"]
    assert set(excluded["level"]) == {"county"} and excluded["period"].nunique() == 13
    # UASC: U (DUC 01/01/2017) at 31/03/2016; without UASC the total is 6
    assert excluded.set_index(["indicator", "period"]).loc[("CIC_TOTAL", "2016-03-31"), "value"] == 6
    assert set(read["small_denominator"].dropna()) <= {True, False}
    assert read.loc[(read["indicator"] == "OWN_FOSTER") & (read["level"] == "county"), "small_denominator"].all()


def test_published_figures_hide_last_month_and_outturn_values_that_would_tell(history):
    """With suppress_small: a count of 1-5 last month reads '<6'; a rate last month or at the outturn is left out
    when that month's own row was suppressed (or is not in the figures)."""
    extract, f = history
    s = publish.Figures(f, suppress=True).frame
    key = ["indicator", "level", "unit", "uasc", "period"]
    s = s[(s["level"] == "county") & (s["uasc"] == "included")].set_index(key[:-1] + ["period"])
    name = extract.authority["name"]
    uasc = s.loc[("CIC_UASC", "county", name, "included", pd.Timestamp("2016-03-31"))]
    assert uasc["value"] == "<6" and uasc["previous_value"] == "<6"              # 1 now, 2 last month
    own = s.loc[("OWN_FOSTER", "county", name, "included", pd.Timestamp("2016-03-31"))]
    assert own["value"] == "<6" and pd.isna(own["previous_value"]) and pd.isna(own["outturn_value"])
    first = s.loc[("OWN_FOSTER", "county", name, "included", pd.Timestamp("2015-03-31"))]
    assert pd.isna(first["previous_value"])                                     # its month is not in the figures


def test_sufficiency_figures_are_a_history_with_clean_ids(extract):
    from cicanalysis.measures import sufficiency
    t = sufficiency.trend(extract, "2016-03-31")
    f = publish.sufficiency_figures(t, "2016-03-31")
    assert set(f["indicator"]) == {m.id for m in sufficiency.MEASURES} and f["ref"].notna().all()
    assert f.groupby("indicator")["period"].nunique().min() > 1                  # every quarter of the trend
    incl = f[(f["indicator"] == "CIC_INCL") & (f["level"] == "county")].set_index("period")
    assert incl.loc[pd.Timestamp("2016-03-31"), "value"] == 7
    assert incl.loc[pd.Timestamp("2016-03-31"), "previous_value"] == incl.loc[pd.Timestamp("2015-12-31"), "value"]


def test_the_readme_gives_every_column_of_figures_csv():
    """README's data dictionary of figures.csv is publish.FIGURE_DICTIONARY, column for column, in order."""
    from pathlib import Path
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z_]+)` \| (.+) \|$", readme.split("**`figures.csv`, column by column**")[1]
                      .split("\n\n")[1], flags=re.M)
    assert rows == list(publish.FIGURE_DICTIONARY.items())
    assert list(publish.FIGURE_DICTIONARY) == publish.FIGURE_COLUMNS


def test_figure_rows_are_plain_values_column_by_column():
    """Whole numbers as ints (-0.0 as 0), other numbers as floats (inf kept), text as it is, a missing value of
    any kind (NaN, NaT, NA, a blank string column's NaN) None, dates as YYYY-MM-DD, flags as bools; a column of
    mixed values is done value by value the same way."""
    import numpy as np
    import pandas as pd
    frame = pd.DataFrame({
        "report": pd.Series(["scorecard", None, "adopters_journey"], dtype="string"),
        "indicator": ["A", "B", "C"],
        "numerator": [3.0, np.nan, 2.5], "denominator": pd.array([1, None, 3], dtype="Int64"),
        "value": [-0.0, np.inf, 1e20], "target": [1, 2, 3],
        "period": pd.to_datetime(["2016-03-31", None, "2015-01-31"]),
        "small_denominator": [True, False, True],
        "title": pd.Series([1.5, "x", pd.Timestamp("2016-01-31")], dtype=object)})
    rows = publish.Figures(frame).rows()
    col = {c: [r[publish.FIGURE_COLUMNS.index(c)] for r in rows] for c in frame.columns}
    assert col["report"] == ["scorecard", None, "adopters_journey"] and col["indicator"] == ["A", "B", "C"]
    assert col["numerator"] == [3, None, 2.5] and type(col["numerator"][0]) is int
    assert col["denominator"] == [1, None, 3] and col["target"] == [1, 2, 3] and type(col["target"][0]) is int
    assert col["value"] == [0, float("inf"), 10 ** 20] and type(col["value"][0]) is int and type(col["value"][2]) is int
    assert col["period"] == ["2016-03-31", None, "2015-01-31"] and col["small_denominator"] == [True, False, True]
    assert type(col["small_denominator"][0]) is bool and col["title"] == [1.5, "x", "2016-01-31"]
    assert rows[0][publish.FIGURE_COLUMNS.index("ref")] is None and len(rows[0]) == len(publish.FIGURE_COLUMNS)


def _figure(report: str, indicator: str) -> list:
    return [report, indicator] + [None] * (len(publish.FIGURE_COLUMNS) - 2)


def test_a_reports_figures_sheet_is_written_as_it_ends_and_the_workbook_keeps_the_reports_order(tmp_path):
    """The run adds each report as it ends (here the adoption journey before the scorecard): its figures' sheet is
    written then, nothing is in the folder yet; at close a report handed over but not added (a previous good
    version kept beside one that failed) is read too. The sheets come in the order contents, figures in the
    reports' order, tables; a table whose id would be a figures' sheet name is told apart."""
    from openpyxl import load_workbook
    publish.write_handover(publish.handover_path(tmp_path, "adoption_journey"),
                           [{"section": "S", "caption": "Timescales", "note": "",
                             "columns": [{"label": "Year", "kind": "text"}], "rows": [["2015"]]}],
                           [_figure("adoption_journey", "A1"), _figure("adoption_journey", "A2")])
    publish.write_handover(publish.handover_path(tmp_path, "scorecard"),
                           [{"section": "S", "caption": "Figures", "note": "",
                             "columns": [{"label": "Team", "kind": "text"}], "rows": [["North"]]}],
                           [_figure("scorecard", "CIC_TOTAL")])
    files = publish.PeriodFiles(tmp_path, "Title")
    files.add("adoption_journey")
    files.add("sufficiency_strategy")                   # handed nothing over: nothing added
    assert set(files.handed) == {"adoption_journey"} and not (tmp_path / publish.WORKBOOK).exists()
    xlsx, figures_csv = files.close()
    wb = load_workbook(xlsx, read_only=True)
    assert wb.sheetnames == ["Contents", "sc_figures", "aj_figures", "sc_figures_2", "aj_timescales"]
    assert [r[:2] for r in wb["aj_figures"].iter_rows(values_only=True)] == [("report", "indicator"),
                                                                             ("adoption_journey", "A1"),
                                                                             ("adoption_journey", "A2")]
    contents = [r[:5] for r in wb["Contents"].iter_rows(min_row=3, values_only=True)]
    assert contents[:2] == [("scorecard", None, "Tidy figures (the report's rows of figures.csv)", "sc_figures", 1),
                            ("adoption_journey", None, "Tidy figures (the report's rows of figures.csv)", "aj_figures", 2)]
    assert [r[1] for r in csv.reader(figures_csv.open(encoding="utf-8"))] == ["indicator", "CIC_TOTAL", "A1", "A2"]
