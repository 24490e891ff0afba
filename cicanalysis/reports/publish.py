"""What a run writes beside each report's HTML, for the panel and for analysts downstream:

- ``<report>.pdf``: the report as an A4 PDF (headless Debian chromium through playwright, the print
  stylesheet of the house template; authority, report, period, source and page number in every footer);
- ``tables.xlsx``: every table of the period's reports, one sheet each, with a contents sheet and the
  figures sheet (openpyxl; numbers stored as numbers with their formats);
- ``figures.csv``: one tidy row per figure (report, indicator, title, level, unit, period, value_unit,
  numerator, denominator, value, target, rag, dot, dot_outturn, uasc).

A notebook hands its sections, tables and figures to these files explicitly: its report context
(:class:`cicanalysis.reports.context.Report`) records each table it shows and its figures, and its last cell
writes them to ``<report>.tables.json`` in the run's folder (the path the run passes as the ``handover``
parameter, :func:`handover_path`); nothing is read back from the executed notebook. Only aggregates go in: the
same tables the HTML shows, with small counts suppressed when the report was run with ``suppress_small``.
"""
from __future__ import annotations

import csv
import html
import json
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.errors import CicError
from ..measures import sufficiency as S
from .specs import NOTEBOOKS
from .formatting import SUPPRESSED, missing

FIGURE_COLUMNS = ["report", "indicator", "title", "level", "unit", "period", "value_unit", "numerator", "denominator",
                  "value", "target", "rag", "dot", "dot_outturn", "uasc"]
WORKBOOK = "tables.xlsx"
FIGURES_CSV = "figures.csv"
HANDOVER = "{name}.tables.json"   # a report's sections, tables and figures, written by the report itself


# ---------------------------------------------------------------- figures from each report
def _frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=FIGURE_COLUMNS)


def scorecard_figures(card: pd.DataFrame, include_uasc: bool = True) -> pd.DataFrame:
    """Every row of a scorecard (county, areas, teams): its figure, target, RAG and directions of travel."""
    f = pd.DataFrame({"report": "scorecard", "indicator": card["indicator"], "title": card["title"],
                      "level": card["level"], "unit": card["unit_name"], "period": card["period"],
                      "value_unit": card["unit"], "numerator": card["numerator"],
                      "denominator": card["denominator"], "value": card["value"], "target": card["target"],
                      "rag": card["rag"], "dot": card["dot_previous"], "dot_outturn": card["dot_outturn"],
                      "uasc": "included" if include_uasc else "excluded"})
    return f[FIGURE_COLUMNS]


def comparison_figures(frame: pd.DataFrame, report: str = "scorecard") -> pd.DataFrame:
    """The published comparison (:func:`cicanalysis.measures.benchmarks.comparisons`) as figure rows: per indicator
    and year, the authority's published figure, England, its region, Inner/Outer London and the statistical
    neighbours' mean (level names them; period = the 31 March they are at; numerator = how many neighbours had a
    value for the mean)."""
    f = frame[frame["comparable"].astype(bool)] if len(frame) else frame
    rows = []
    levels = (("authority", "published (authority)"), ("england", "England"), ("region", "region"),
              ("inner_outer_london", "Inner/Outer London"), ("neighbours_mean", "statistical neighbours (mean)"))
    for r in f.itertuples(index=False):
        for column, level in levels:
            value = getattr(r, column, np.nan)
            if pd.isna(value):
                continue
            rows.append({"report": report, "indicator": r.indicator, "title": f"published: {r.published}",
                         "level": level, "unit": r.la_code, "period": pd.Timestamp(int(r.year), 3, 31),
                         "value_unit": "", "numerator": r.neighbours_with_value if column == "neighbours_mean" else np.nan,
                         "denominator": np.nan, "value": value, "target": np.nan, "rag": None,
                         "dot": None, "dot_outturn": None, "uasc": "included"})
    return pd.DataFrame(rows, columns=FIGURE_COLUMNS)


def sufficiency_figures(trend: pd.DataFrame, period, tolerance: float = 1.0) -> pd.DataFrame:
    """Each sufficiency measure at the quarter (county and areas) with its direction since the last quarter."""
    p = pd.Timestamp(period)
    prev = p - pd.offsets.QuarterEnd(1)
    rows = []
    for m in S.MEASURES:
        t = trend[trend["measure"] == m.id]
        before = t[t["quarter"] == prev].set_index(["level", "unit_name"])["value"]
        for r in t[t["quarter"] == p].itertuples(index=False):
            b = before.get((r.level, r.unit_name), np.nan)
            rows.append({"report": "sufficiency_strategy", "indicator": f"{m.number} {m.indicator}", "title": m.title,
                         "level": r.level, "unit": r.unit_name, "period": p, "value_unit": r.unit,
                         "numerator": r.numerator, "denominator": r.denominator if m.show != "numerator" else np.nan,
                         "value": r.value, "target": np.nan, "rag": None,
                         "dot": S.direction(r.value, b, m.ind.polarity, r.unit, tolerance).lower() or None,
                         "dot_outturn": None, "uasc": "included" if m.include_uasc else "excluded"})
    return _frame(rows)


def adoption_figures(x, a1a2: pd.DataFrame, by_district: pd.DataFrame, forecasts, period) -> pd.DataFrame:
    """A1 and A2 for the current 3-year window against the threshold, their forecasts, and every timescale of
    the span (% within and average days) for the county and by district."""
    p = pd.Timestamp(period)
    county = x.authority["name"]
    rows = []
    for r in a1a2.groupby("measure").tail(1).itertuples(index=False):
        rows.append({"report": "adoption_journey", "indicator": f"{r.measure}_3Y", "title":
                     f"{r.measure}: 3-year average days ({r.window}{', partial' if r.partial else ''})",
                     "level": "county", "unit": county, "period": p, "value_unit": "days",
                     "numerator": r.three_year_avg_days * r.three_year_children if r.three_year_children else np.nan,
                     "denominator": r.three_year_children, "value": r.three_year_avg_days, "target": r.threshold})
    for f in forecasts:
        measure = f.attrs["measure"]
        a = f[f["status"] == "All"].iloc[0]
        rows.append({"report": "adoption_journey", "indicator": f"{measure}_FORECAST", "title":
                     f"Forecast {measure} for {f['window'].iloc[0]}", "level": "county", "unit": county, "period": p,
                     "value_unit": "days", "denominator": a["children"], "value": a[f"average_{measure.lower()}_days"],
                     "target": f["threshold"].iloc[0]})
    for r in by_district.itertuples(index=False):
        level, unit = ("county", county) if r.group == "Total" else ("district", r.group)
        base = {"report": "adoption_journey", "level": level, "unit": unit, "period": p}
        rows.append({**base, "indicator": r.timescale, "title": f"{r.title}: % within {r.limit}", "value_unit": "%",
                     "numerator": r.within, "denominator": r.cases, "value": r.pct_within})
        rows.append({**base, "indicator": f"{r.timescale}_DAYS", "title": f"{r.title}: average days",
                     "value_unit": "days", "denominator": r.cases, "value": r.avg_days})
    return _frame(rows)


def adopters_figures(x, steps: pd.DataFrame, period) -> pd.DataFrame:
    """Each adopters' timeliness step of the span: % within its timescale and average days (against the
    national average where there is one)."""
    p = pd.Timestamp(period)
    rows = []
    for r in steps[steps["span"] == "This span"].itertuples(index=False):
        base = {"report": "adopters_journey", "level": "county", "unit": x.authority["name"], "period": p}
        rows.append({**base, "indicator": r.step, "title": f"{r.title}: % within {r.limit}", "value_unit": "%",
                     "numerator": r.within, "denominator": r.cases, "value": r.pct_within})
        rows.append({**base, "indicator": f"{r.step}_DAYS", "title": f"{r.title}: average days", "value_unit": "days",
                     "denominator": r.cases, "value": r.avg_days, "target": r.national_avg_days})
    return _frame(rows)


def suppress_figures(f: pd.DataFrame) -> pd.DataFrame:
    """For publication (SPEC 8): numerators and denominators of 1-5 read '<6', and a value that would give one
    away (a count of 1-5, or any rate whose numerator or denominator is suppressed) is left out."""
    out = f.astype({c: object for c in ("numerator", "denominator", "value")})
    for i, r in f.iterrows():
        small = {c: not missing(r[c]) and 1 <= r[c] <= 5 for c in ("numerator", "denominator")}
        for c, is_small in small.items():
            if is_small:
                out.at[i, c] = SUPPRESSED
        if r["value_unit"] == "count" and not missing(r["value"]) and 1 <= r["value"] <= 5:
            out.at[i, "value"] = SUPPRESSED
        elif any(small.values()) and r["value_unit"] in ("%", "days", "ratio"):
            out.at[i, "value"] = SUPPRESSED
    return out


class Figures:
    """A report's tidy figures as plain rows for ``figures.csv`` and the workbook (suppressed when publishing)."""

    def __init__(self, frame: pd.DataFrame, suppress: bool = False):
        self.frame = suppress_figures(frame) if suppress else frame

    def rows(self) -> list[list]:
        def cell(v):
            if isinstance(v, str) or v is None:
                return v
            if missing(v):
                return None
            if isinstance(v, pd.Timestamp):
                return f"{v:%Y-%m-%d}"
            if isinstance(v, (np.integer, np.floating, float, int)):
                return float(v) if not float(v).is_integer() else int(v)
            return str(v)
        return [[cell(v) for v in r] for r in self.frame[FIGURE_COLUMNS].itertuples(index=False)]


# ---------------------------------------------------------------- what each report hands over
def handover_path(folder: Path, name: str) -> Path:
    """Where report ``name`` writes its tables and figures in a run's folder (the ``handover`` parameter)."""
    return Path(folder) / HANDOVER.format(name=name)


def write_handover(path: Path, tables: list[dict], figures: list[list]) -> Path:
    """A report's tables (each with its section) and figure rows, as plain JSON."""
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps({"tables": tables, "figures": figures}), encoding="utf-8")
    os.replace(tmp, path)
    return path


def read_handover(path: Path) -> tuple[list[dict], list[list]]:
    """(tables, figure rows) a report wrote with :func:`write_handover`."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return data["tables"], data["figures"]


# ---------------------------------------------------------------- the period's files
def _reports(folder: Path) -> list[tuple[str, Path]]:
    return [(name, handover_path(folder, name)) for name in NOTEBOOKS if handover_path(folder, name).exists()]


def write_figures_csv(rows: list[list], path: Path) -> Path:
    tmp = path.with_suffix(".csv.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(FIGURE_COLUMNS)
        w.writerows([["" if v is None else v for v in r] for r in rows])
    os.replace(tmp, path)
    return path


_FORMATS = {"count": "#,##0", "days": "#,##0", "number": "#,##0.0", "pct": "0.0%", "pp": '+0.0" pp";-0.0" pp";0.0" pp"',
            "change": "+#,##0;-#,##0;0", "pct_change": "+0.0%;-0.0%;0.0%", "date": "dd/mm/yyyy"}


def _sheet_name(n: int, caption: str, used: set) -> str:
    base = re.sub(r"\s+", " ", re.sub(r"[\[\]:*?/\\]", "", f"{n:02d} {caption}")).strip()[:31].strip()
    name, k = base, 2
    while name.lower() in used:
        name = f"{base[:31 - len(str(k)) - 1]}~{k}"
        k += 1
    used.add(name.lower())
    return name


def write_workbook(tables: list[dict], figures: list[list], path: Path, title: str = "") -> Path:
    """The period's tables as an .xlsx workbook: a contents sheet (report, section, table, sheet), the
    figures sheet and one sheet per table, numbers stored as numbers with their display formats."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink

    wb = Workbook()
    contents = wb.active
    contents.title = "Contents"
    head = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="1F4E79")
    contents.append([title or "Children's services performance reports: tables"])
    contents["A1"].font = Font(bold=True, size=13)
    contents.append(["Report", "Section", "Table", "Sheet", "Rows"])
    for c in contents[2]:
        c.font, c.fill = head, fill

    def link(cell, sheet):  # a link within the workbook, to the sheet's first cell
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{sheet}'!A1")
        cell.font = Font(color="0563C1", underline="single")

    def header(ws, labels):
        ws.append(labels)
        for c in ws[1]:
            c.font, c.fill = head, fill
        ws.freeze_panes = "A2"

    fig = wb.create_sheet("Figures")
    header(fig, FIGURE_COLUMNS)
    for r in figures:
        fig.append(r)
    contents.append(["(all)", "", "Tidy figures (as figures.csv)", "Figures", len(figures)])
    link(contents.cell(contents.max_row, 4), "Figures")
    used = {"contents", "figures"}
    for n, t in enumerate(tables, 1):
        name = _sheet_name(n, t["caption"] or t["section"] or "Table", used)
        ws = wb.create_sheet(name)
        kinds = [c["kind"] for c in t["columns"]]
        header(ws, [c["label"] for c in t["columns"]])
        for row in t["rows"]:
            out = []
            for v, k in zip(row, kinds):
                if isinstance(v, (int, float)) and not isinstance(v, bool) and k in ("pct", "pct_change"):
                    v = v / 100.0
                elif isinstance(v, str) and k == "date" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
                    v = pd.Timestamp(v).to_pydatetime()
                out.append(v)
            ws.append(out)
        for j, k in enumerate(kinds, 1):
            if k in _FORMATS:
                for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                    if not isinstance(cell.value, str):
                        cell.number_format = _FORMATS[k]
            width = max([len(str(c["label"])) for c in t["columns"][j - 1:j]] +
                        [len(str(r[j - 1])) for r in t["rows"][:200] if r[j - 1] is not None])
            ws.column_dimensions[get_column_letter(j)].width = min(60, max(8, width + 2))
        if t.get("note"):
            ws.append([])
            ws.append([t["note"]])
        contents.append([t.get("report", ""), t["section"], t["caption"], name, len(t["rows"])])
        link(contents.cell(contents.max_row, 4), name)
    for j, w in enumerate((24, 40, 70, 32, 8), 1):
        contents.column_dimensions[get_column_letter(j)].width = w
    tmp = path.with_suffix(".xlsx.tmp")
    wb.save(tmp)
    os.replace(tmp, path)
    return path


def write_period_files(folder: Path, title: str = "") -> list[Path]:
    """``tables.xlsx`` and ``figures.csv`` from what the reports in a period's folder handed over (whatever
    reports it holds); nothing when it holds none."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    tables, figures = [], []
    for name, handed in _reports(folder):
        t, f = read_handover(handed)
        tables += [{**x, "report": name} for x in t]
        figures += f
    if not tables and not figures:
        return []
    return [write_workbook(tables, figures, folder / WORKBOOK, title), write_figures_csv(figures, folder / FIGURES_CSV)]


# ---------------------------------------------------------------- PDF
def chromium() -> str:
    """The chromium to print with: ``CICANALYSIS_CHROMIUM``, else Debian's chromium on the PATH."""
    given = os.environ.get("CICANALYSIS_CHROMIUM")
    if given:
        return given
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    raise CicError("no chromium browser found to print the PDF (install Debian's chromium: apt-get install "
                   "chromium, or set CICANALYSIS_CHROMIUM)", rule="chromium installed")


def footer(text: str) -> str:
    """The PDF footer on every page: the report, period and source, and the page number."""
    return (f'<div style="font-size:7.5pt;color:#444;width:100%;padding:0 12mm;font-family:Arial,sans-serif;'
            f'display:flex;justify-content:space-between"><span>{html.escape(text)}</span>'
            f'<span style="white-space:nowrap;flex-shrink:0;padding-left:3mm">Page <span class="pageNumber"></span> of '
            f'<span class="totalPages"></span></span></div>')


def write_pdf(html_path: Path, pdf_path: Path, footer_text: str = "") -> Path:
    """Print an HTML report to an A4 PDF with headless chromium (print stylesheet, backgrounds for the RAG
    colours, a tagged PDF with an outline of the headings, the footer on every page)."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise CicError("playwright is not installed, so the PDF cannot be printed (pip install playwright)",
                       rule="playwright installed") from None
    exe = chromium()
    tmp = Path(pdf_path).with_suffix(".pdf.tmp")
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=exe, args=["--no-sandbox", "--disable-gpu"])
            try:
                page = browser.new_page()
                page.goto(Path(html_path).resolve().as_uri(), wait_until="load")
                page.pdf(path=str(tmp), format="A4", print_background=True, display_header_footer=True,
                         header_template="<span></span>", footer_template=footer(footer_text),
                         margin={"top": "12mm", "bottom": "16mm", "left": "12mm", "right": "12mm"},
                         tagged=True, outline=True)
            finally:
                browser.close()
    except PlaywrightError as exc:
        raise CicError(f"the PDF could not be printed ({str(exc).splitlines()[0][:200]})",
                       file=str(html_path), rule="PDF printed") from None
    os.replace(tmp, pdf_path)
    return Path(pdf_path)
