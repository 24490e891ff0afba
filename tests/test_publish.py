"""What a run writes beside the HTML: figures.csv, tables.xlsx and A4 PDFs, worked on small hand-made inputs
(the default period's files are checked in test_outputs.py)."""
from __future__ import annotations

import csv
import json

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
    assert figures == [["scorecard", "X", "X title", "county", "County", "2016-03-31", "%", 3, 4, 75, 80, "A",
                        "improved", "worse", "included"]]
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
    assert wb.sheetnames == ["Contents", "Figures", "01 By area", "02 Later section"]
    ws = wb["01 By area"]
    assert [c.value for c in ws[1]] == ["Area", "% within", "Change"]
    assert ws["B3"].value == pytest.approx(0.755) and ws["B3"].number_format == "0.0%"   # 75.5% as a number
    assert ws["C3"].value == -1 and ws["C2"].number_format == "+#,##0;-#,##0;0"
    contents = [[c.value for c in r] for r in wb["Contents"].iter_rows(min_row=3)]
    assert contents[1] == ["scorecard", "First section", "By area", "01 By area", 2]
    assert wb["Contents"]["D4"].hyperlink.location == "'01 By area'!A1"
    rows = list(csv.reader(figures_csv.open(encoding="utf-8")))
    assert rows[0] == publish.FIGURE_COLUMNS and rows[1][:3] == ["scorecard", "X", "X title"] and len(rows) == 2
    assert not list(tmp_path.glob("*.tmp"))
    assert publish.write_period_files(tmp_path / "nothing") == []


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


def test_sheet_names_are_valid_and_unique_and_the_key_is_not_for_the_workbook():
    used = {"contents"}
    names = [publish._sheet_name(n, c, used) for n, c in
             enumerate(["Teams: value and RAG letter", "A/B [x]? very long caption that goes on and on", "Contents"], 1)]
    assert names == ["01 Teams value and RAG letter", "02 AB x very long caption that", "03 Contents"]
    assert all(len(n) <= 31 for n in names)
    assert publish._sheet_name(1, "Teams: value and RAG letter", used) == "01 Teams value and RAG letter~2"
    assert not key_table("scorecard").exported                                  # Report.show leaves it out
