"""What a run writes beside each report's HTML, for the panel and for analysts downstream:

- ``<report>.pdf``: the report as an A4 PDF (headless Debian chromium through playwright, the print
  stylesheet of the house template; authority, report, period, source and page number in every footer);
- ``tables.xlsx``: every table of the period's reports, one sheet each named by a stable id (:func:`table_id`),
  with a contents sheet and each report's figures on a sheet of their own (openpyxl; every number a number with
  its format);
- ``figures.csv``: one tidy row per figure, unit and month of the report's history (``FIGURE_COLUMNS``, each
  described in ``FIGURE_DICTIONARY`` and README's data dictionary).

A notebook hands its sections, tables and figures to these files explicitly: its report context
(:class:`cicanalysis.reports.context.Report`) records each table it shows and its figures, and its last cell
writes them to ``<report>.tables.json`` in the run's folder (the path the run passes as the ``handover``
parameter, :func:`handover_path`); nothing is read back from the executed notebook. Only aggregates go in: the
same tables the HTML shows, with small counts suppressed when the report was run with ``suppress_small``.
"""
from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from ..core import periods as P
from ..core.errors import CicError
from ..measures import sufficiency as S
from .specs import NOTEBOOKS
from .formatting import NA, SUPPRESSED, missing

FIGURE_COLUMNS = ["report", "indicator", "ref", "title", "level", "unit", "period", "value_unit", "numerator",
                  "denominator", "value", "previous_value", "outturn_value", "target", "floor", "polarity", "rag", "dot",
                  "dot_outturn", "small_denominator", "uasc"]
# what each column of figures.csv holds (README's data dictionary is written from the same words; a test keeps them
# in step)
FIGURE_DICTIONARY = {
    "report": "the report the figure belongs to: scorecard, adoption_journey, adopters_journey, sufficiency_strategy",
    "indicator": "the indicator's id, the same every period (CIC_TOTAL, A1_3Y, NEAR_PCT ...): letters, digits and _",
    "ref": "the number the report shows it under, where it has one (the sufficiency measures' 1a, 1b ...), else blank",
    "title": "what is measured, in words",
    "level": "county, area, team (the scorecard), district; for published comparisons England, region ...",
    "unit": "the county, area, team or district's name ('No district': children with no district, never rated)",
    "period": "the month end the figure is at (YYYY-MM-DD): one row per month of the report's history",
    "value_unit": "%, count, days, ratio or per 10,000: what value, previous_value, outturn_value, target and floor are",
    "numerator": "the count above the line (children, cases; for an average the total days); a count's own value",
    "denominator": "the count below the line; blank for a count",
    "value": "the figure; per cent on a 0-100 scale (92.6 means 92.6%), never 0-1",
    "previous_value": "the figure a month earlier (the scorecard) or a quarter earlier (the sufficiency measures)",
    "outturn_value": "the figure at the previous 31 March (the scorecard's outturn)",
    "target": "the local target (the DfE threshold for A1/A2; the national average for adopters' steps)",
    "floor": "the amber floor: beyond it the figure is Red",
    "polarity": "H higher is better, L lower is better, T closest to the target is better",
    "rag": "G, A or R; blank when not rated (counts, denominators under 5, the no-district row)",
    "dot": "direction since previous_value: improved, same or worse (improving / remaining stable / declining for "
           "the sufficiency measures)",
    "dot_outturn": "direction since outturn_value: improved, same or worse",
    "small_denominator": "True when the denominator is 1-9 (one child moves a percentage a lot), else False",
    "uasc": "included or excluded: whether unaccompanied asylum-seeking children are counted",
}
WORKBOOK = "tables.xlsx"
FIGURES_CSV = "figures.csv"
HANDOVER = "{name}.tables.json"   # a report's sections, tables and figures, written by the report itself


# ---------------------------------------------------------------- figures from each report
def _frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=FIGURE_COLUMNS)


def scorecard_figures(card: pd.DataFrame, include_uasc: bool = True) -> pd.DataFrame:
    """Every row of a scorecard (county, areas, teams): its figure, last month's and the outturn's, target, floor,
    polarity, RAG, directions of travel and the small-denominator flag."""
    f = pd.DataFrame({"report": "scorecard", "indicator": card["indicator"], "ref": None, "title": card["title"],
                      "level": card["level"], "unit": card["unit_name"], "period": card["period"],
                      "value_unit": card["unit"], "numerator": card["numerator"],
                      "denominator": card["denominator"], "value": card["value"],
                      "previous_value": card["previous_value"], "outturn_value": card["outturn_value"],
                      "target": card["target"], "floor": card["floor"], "polarity": card["polarity"],
                      "rag": card["rag"], "dot": card["dot_previous"], "dot_outturn": card["dot_outturn"],
                      "small_denominator": card["small_denominator"].astype(bool),
                      "uasc": "included" if include_uasc else "excluded"})
    return f[FIGURE_COLUMNS]


def scorecard_history(x, period, months: int = 13, include_uasc: bool = True) -> pd.DataFrame:
    """The scorecard's figures for each of the ``months`` month ends to ``period`` (13: the same month last year
    too): every level as the report is run (UASC included or not), and the county the other way, so that both
    are there for every month. Months before the data starts are left out."""
    from ..measures import scorecard
    ends = [e for e in pd.date_range(end=pd.Timestamp(period), periods=months, freq="ME") if e >= x.first_date]
    frames = []
    for e in ends:
        frames.append(scorecard_figures(scorecard.build(x, e, include_uasc=include_uasc), include_uasc))
        frames.append(scorecard_figures(scorecard.build(x, e, include_uasc=not include_uasc, levels=("county",)),
                                        not include_uasc))
    return pd.concat(frames, ignore_index=True)


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
    """Each sufficiency measure at every quarter of its trend up to the period (county and areas), with the
    previous quarter's value and the direction since it; ``indicator`` is the measure's id (``ref`` its number)."""
    p = pd.Timestamp(period)
    rows = []
    for m in S.MEASURES:
        t = trend[(trend["measure"] == m.id) & (trend["quarter"] <= p)]
        by_unit = t.set_index(["level", "unit_name", "quarter"])["value"]
        for r in t.itertuples(index=False):
            b = by_unit.get((r.level, r.unit_name, r.quarter - pd.offsets.QuarterEnd(1)), np.nan)
            rows.append({"report": "sufficiency_strategy", "indicator": m.id, "ref": m.number, "title": m.title,
                         "level": r.level, "unit": r.unit_name, "period": r.quarter, "value_unit": r.unit,
                         "numerator": r.numerator, "denominator": r.denominator if m.show != "numerator" else np.nan,
                         "value": r.value, "previous_value": b, "polarity": m.ind.polarity,
                         "dot": S.direction(r.value, b, m.ind.polarity, r.unit, tolerance).lower() or None,
                         "uasc": "included" if m.include_uasc else "excluded"})
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


_KEY = ["report", "indicator", "level", "unit", "uasc"]


def _small(series: pd.Series) -> pd.Series:
    v = pd.to_numeric(series, errors="coerce")
    return (v >= 1) & (v <= 5)


def suppress_figures(f: pd.DataFrame) -> pd.DataFrame:
    """For publication (SPEC 8): numerators and denominators of 1-5 read '<6', and a value that would give one
    away (a count of 1-5, or any rate whose numerator or denominator is suppressed) is left out. Last month's
    and the outturn's values follow the rows of those months: a count of 1-5 reads '<6', and a rate is left out
    unless that month's row is in the frame and was not suppressed."""
    out = f.astype({c: object for c in ("numerator", "denominator", "value", "previous_value", "outturn_value")})
    small_parts = _small(f["numerator"]) | _small(f["denominator"])
    count = f["value_unit"].eq("count")
    hidden = (count & _small(f["value"])) | (small_parts & f["value_unit"].isin(["%", "days", "ratio"]))
    for c in ("numerator", "denominator"):
        out.loc[_small(f[c]), c] = SUPPRESSED
    out.loc[hidden, "value"] = SUPPRESSED
    period = pd.to_datetime(f["period"])
    keys = f[_KEY].astype(str).to_numpy()
    shown = {tuple(k) + (d,) for k, d, h in zip(keys, period.dt.strftime("%Y-%m-%d"), hidden) if not h}
    before = {"previous_value": np.where(f["report"].eq("sufficiency_strategy"),
                                         period - pd.offsets.QuarterEnd(1), period - pd.offsets.MonthEnd(1)),
              "outturn_value": [P.outturn_date(d) if pd.notna(d) else pd.NaT for d in period]}
    for column, when in before.items():
        when = pd.to_datetime(pd.Series(when, index=f.index)).dt.strftime("%Y-%m-%d")
        known = pd.Series([tuple(k) + (w,) in shown for k, w in zip(keys, when)], index=f.index)
        out.loc[count & _small(f[column]), column] = SUPPRESSED
        out.loc[~count & f[column].notna() & ~known, column] = None
    return out


class Figures:
    """A report's tidy figures as plain rows for ``figures.csv`` and the workbook (suppressed when publishing)."""

    def __init__(self, frame: pd.DataFrame, suppress: bool = False):
        frame = frame.reindex(columns=FIGURE_COLUMNS)        # a column a report does not fill is blank
        self.frame = suppress_figures(frame) if suppress else frame

    def rows(self) -> list[list]:
        """Each figure as plain values: text and None as they are, True/False, a date as YYYY-MM-DD, a whole
        number as an int and any other number as a float; a missing value (NaN, NaT, NA) None. Worked out a column
        at a time (a float or date column without a Python call per cell: the scorecard hands over ~15,000 rows)."""
        columns = [_plain(self.frame[c]) for c in FIGURE_COLUMNS]
        return [list(r) for r in zip(*columns)] if columns else []


def _plain_value(v):
    """One value as :meth:`Figures.rows` writes it (a column of mixed values, cell by cell)."""
    if isinstance(v, str) or v is None:
        return v
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if missing(v):
        return None
    if isinstance(v, pd.Timestamp):
        return f"{v:%Y-%m-%d}"
    if isinstance(v, (np.integer, np.floating, float, int)):
        return float(v) if not float(v).is_integer() else int(v)
    return str(v)


def _plain(column: pd.Series) -> list:
    """A column's values as :func:`_plain_value` gives them, by the column's type where it has one."""
    kind = column.dtype.kind
    if kind == "f" and not isinstance(column.dtype, pd.api.extensions.ExtensionDtype):
        return [None if v != v else (int(v) if v.is_integer() else v) for v in column.tolist()]
    if kind == "M" and not isinstance(column.dtype, pd.api.extensions.ExtensionDtype):
        return column.dt.strftime("%Y-%m-%d").astype(object).where(column.notna(), None).tolist()
    if kind in "biu" and not isinstance(column.dtype, pd.api.extensions.ExtensionDtype):
        return column.tolist()
    if isinstance(column.dtype, pd.StringDtype):     # text, or missing
        return column.astype(object).where(column.notna(), None).tolist()
    return [_plain_value(v) for v in column]


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


def figures_csv_text(rows: list[list], header: bool = False) -> str:
    """Figure rows as lines of figures.csv (a missing value blank), after its header line when ``header``."""
    buf = io.StringIO()
    w = csv.writer(buf)
    if header:
        w.writerow(FIGURE_COLUMNS)
    w.writerows([["" if v is None else v for v in r] for r in rows])
    return buf.getvalue()


def write_figures_csv(rows: list[list], path: Path, text: str | None = None) -> Path:
    """figures.csv: its header and ``rows`` (or ``text``, rows already made lines by :func:`figures_csv_text`)."""
    tmp = path.with_suffix(".csv.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        fh.write(figures_csv_text([], header=True) + (figures_csv_text(rows) if text is None else text))
    os.replace(tmp, path)
    return path


_FORMATS = {"count": "#,##0", "days": "#,##0", "number": "#,##0.0", "pct": '0.0"%"', "pp": '+0.0" pp";-0.0" pp";0.0" pp"',
            "change": "+#,##0;-#,##0;0", "pct_change": '+0.0"%";-0.0"%";0.0"%"', "date": "dd/mm/yyyy"}
_UNIT_KINDS = {"%": "pct", "days": "days", "count": "count"}
NUMERIC_KINDS = {"count", "days", "number", "pct", "pp", "change", "pct_change", "value", "value_change"}

# ---------------------------------------------------------------- stable sheet names
_PREFIX = {"scorecard": "sc", "adoption_journey": "aj", "adopters_journey": "ad", "sufficiency_strategy": "ss"}
_STOP = {"a", "an", "and", "the", "of", "by", "at", "in", "on", "for", "to", "each", "how", "is", "with", "this",
         "its", "from", "as", "per", "or", "s"}
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATES = re.compile(rf"\b\d{{1,2}}/\d{{1,2}}/\d{{4}}\b|\b(\d{{1,2}} )?({_MONTHS}) \d{{4}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b")
SHARED_TABLES = {"data_quality": re.compile(r"^\s*data-quality problems", re.I)}   # one sheet for every report


_SHORT = {"applications": "apps", "against": "vs", "including": "incl", "excluding": "excl", "current": "cur",
          "decisions": "dec", "financial": "fin", "projected": "proj", "performance": "perf", "children": "ch"}


def table_id(report: str, caption: str, names=()) -> str:
    """The sheet name of a table: a short id from the report and the caption, the same every period and for every
    authority (the authority's ``names`` and any date are left out), never a position; at most 31 characters:
    short words for long ones (``_SHORT``), then the first two words and as many of the last as fit (the words
    that tell two tables apart: 'by district', 'by age'); a single long word is cut and ends with 4 characters of
    a hash of the caption. Tables every report shows alike (``SHARED_TABLES``: the data-quality table) have one
    id."""
    text = caption or ""
    for name in sorted((n for n in names if n), key=len, reverse=True):
        text = text.replace(name, " ")
    text = _DATES.sub(" ", text)
    for shared, pattern in SHARED_TABLES.items():
        if pattern.search(text):
            return shared
    text = re.sub(r"\b(stage|a|po) (\d)\b", r"\1\2", text.lower())
    prefix = _PREFIX.get(report, re.sub(r"[^a-z0-9]", "", report.lower())[:6] or "t")

    def words_of(t):
        return [w for w in re.findall(r"[a-z0-9]+", t) if w not in _STOP] or ["table"]
    words = words_of(text)
    name = "_".join([prefix] + words)
    if len(name) > 31:   # without what is in brackets ('(current span)'), in short words
        words = [_SHORT.get(w, w) for w in words_of(re.sub(r"\([^)]*\)", " ", text))]
        name = "_".join([prefix] + words)
    if len(name) > 31:
        head, tail = words[:2], []
        for w in reversed(words[2:]):
            if len("_".join([prefix] + head + [w] + tail)) > 31:
                break
            tail.insert(0, w)
        name = "_".join([prefix] + head + tail)
    if len(name) > 31:
        name = name[:26] + "_" + hashlib.sha1(text.encode()).hexdigest()[:4]
    return name


# ---------------------------------------------------------------- cells: numbers stay numbers
_NUMBER_TEXT = re.compile(r"([+\-−]?)([\d,]*\d(?:\.(\d+))?)(%| pp| days)?")


def number_from_text(text: str):
    """(value, number format) of a cell that holds a figure written as text ('1,456', '92.6%', '+1.2 pp',
    '429 days', '1.19'), else None. Per cent stays on the 0-100 scale, shown with a literal % sign."""
    m = _NUMBER_TEXT.fullmatch(text.strip())
    if not m or (m.group(2).startswith(",")):
        return None
    sign, digits, decimals, suffix = m.group(1), m.group(2), m.group(3) or "", m.group(4) or ""
    value = float(digits.replace(",", "")) * (-1 if sign in ("-", "−") else 1)
    places = "." + "0" * len(decimals) if decimals else ""
    body = ("#,##0" if suffix != "%" else "0") + places + (f'"{suffix}"' if suffix else "")
    fmt = f"+{body};-{body};{body.lstrip('#,')}" if sign else body
    return (int(value) if not decimals else value), fmt


def _typed_columns(t: dict) -> list[list]:
    """Each cell of a handed-over table as (value, number format or None): numbers with their kind's format (a
    column of kind value by each row's unit); a text column whose every figure-like cell parses as one
    (:func:`number_from_text`) is made numbers; 'n/a' in a numeric column is an empty cell; '<6' stays."""
    kinds = [c["kind"] for c in t["columns"]]
    units = t.get("units") or [""] * len(t["rows"])
    out = [[None] * len(kinds) for _ in t["rows"]]
    for j, kind in enumerate(kinds):
        column = [r[j] for r in t["rows"]]
        texts = [v for v in column if isinstance(v, str) and v.strip() not in ("", NA, SUPPRESSED)]
        parsed = {v: number_from_text(v) for v in texts}
        # a label column (the first) is made numbers only when every label is one ('1' among 'Under 1', '2-4'
        # stays a label); elsewhere each figure written as text is a number
        numeric = kind in NUMERIC_KINDS or (texts and all(parsed.values())) or j > 0
        for i, v in enumerate(column):
            out[i][j] = _typed_cell(v, kind, units[i], parsed, numeric)
    return out


def _typed_cell(v, kind: str, unit: str, parsed: dict, numeric: bool):
    if isinstance(v, str):
        if numeric and v.strip() == NA:
            return None, None
        if numeric and parsed.get(v):
            return parsed[v]
        if kind == "date" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
            return pd.Timestamp(v).to_pydatetime(), _FORMATS["date"]
        return v, None
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if kind in ("value", "value_change"):
            k = _UNIT_KINDS.get(unit, "number")
            kind = "pp" if kind == "value_change" and k == "pct" else k
        return v, _FORMATS.get(kind)
    return v, None


def _same_table(a: dict, b: dict) -> bool:
    return a["rows"] == b["rows"] and [c["label"] for c in a["columns"]] == [c["label"] for c in b["columns"]]


def workbook_tables(tables: list[dict], reserved=()) -> list[dict]:
    """The tables as they go into the workbook, each with its ``sheet`` (its id): a shared table (the data-quality
    table) that every report shows alike is kept once, for ``(all)`` reports; two different tables with one id
    (or an id among ``reserved``, the sheets that are not tables) are told apart by their report's prefix (then
    ``_2``, ``_3``)."""
    kept, by_id = [], dict.fromkeys(reserved)
    for t in tables:
        sheet = t.get("id") or table_id(t.get("report", ""), t["caption"] or t["section"] or "Table")
        if by_id.get(sheet) is not None and _same_table(by_id[sheet], t):
            by_id[sheet]["report"] = "(all)"
            continue
        if sheet in by_id and sheet in SHARED_TABLES:
            sheet = f"{_PREFIX.get(t.get('report', ''), 't')}_{sheet}"
        base, k = sheet, 2
        while sheet in by_id:
            sheet = f"{base[:28]}_{k}"
            k += 1
        by_id[sheet] = {**t, "sheet": sheet}
        kept.append(by_id[sheet])
    return kept


def figures_sheet(report: str) -> str:
    """The workbook sheet of report ``report``'s tidy figures, its rows of figures.csv (``sc_figures``,
    ``aj_figures``, ``ad_figures``, ``ss_figures``): never a table's id (:func:`workbook_tables` keeps clear of it)."""
    return f"{_PREFIX.get(report, 't')}_figures"


class Workbook:
    """``tables.xlsx`` written row by row (openpyxl's write-only mode: no cell object kept per cell), in two steps, so
    that most of it is written while a period's other reports still run:

    - :meth:`add_figures`: a report's tidy figures on a sheet of their own (:func:`figures_sheet`), as soon as the
      report has handed them over (the scorecard's 13 months of every unit: ~15,000 rows, ~1 s to write);
    - :meth:`save`: a contents sheet (report, section, table, sheet, rows; a link to each sheet), then one sheet per
      table named by its stable id (:func:`table_id`), every number stored as a number with its display format
      (per cent on the 0-100 scale with a literal % sign, as in figures.csv); the sheets in the order contents,
      figures (in the reports' order), tables.

    Each sheet's extent, column widths and frozen header are set before its first row (readers size a sheet by its
    extent)."""

    def __init__(self):
        from openpyxl import Workbook as OpenpyxlWorkbook
        from openpyxl.styles import Font, PatternFill
        self.wb = OpenpyxlWorkbook(write_only=True)
        self.head, self.fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1F4E79")
        self.figures: dict[str, int] = {}          # report -> rows on its figures sheet

    def _styled(self, ws, value, **style):
        from openpyxl.cell import WriteOnlyCell
        cell = WriteOnlyCell(ws, value=value)
        for k, v in style.items():
            setattr(cell, k, v)
        return cell

    def _link(self, ws, sheet: str):    # a link within the workbook, to the sheet's first cell
        from openpyxl.styles import Font
        from openpyxl.worksheet.hyperlink import Hyperlink
        return self._styled(ws, sheet, hyperlink=Hyperlink(ref="", location=f"'{sheet}'!A1"),
                            font=Font(color="0563C1", underline="single"))

    def _sized(self, name: str, rows: int, cols: int):   # the sheet's extent, written at its top
        from openpyxl.utils import get_column_letter
        ws = self.wb.create_sheet(name)
        ws.calculate_dimension = lambda: f"A1:{get_column_letter(max(cols, 1))}{max(rows, 1)}"
        return ws

    def _sheet(self, name: str, labels: list, widths: list, rows: int):
        from openpyxl.utils import get_column_letter
        ws = self._sized(name, rows, len(labels))
        for j, w in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(j)].width = w
        ws.freeze_panes = "A2"
        ws.append([self._styled(ws, v, font=self.head, fill=self.fill) for v in labels])
        return ws

    def add_figures(self, report: str, figures: list[list]) -> None:
        """Report ``report``'s figure rows (as figures.csv holds them) on its figures sheet; nothing when it has none."""
        if not figures or report in self.figures:
            return
        ws = self._sheet(figures_sheet(report), FIGURE_COLUMNS, [], 1 + len(figures))
        for r in figures:
            ws.append(r)
        self.figures[report] = len(figures)

    def save(self, tables: list[dict], path: Path, title: str = "") -> Path:
        """The contents and the tables' sheets, then the workbook saved to ``path`` (through a temporary file)."""
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter
        kept = workbook_tables(tables, reserved={figures_sheet(r) for r in NOTEBOOKS})
        reports = [r for r in NOTEBOOKS if r in self.figures] + [r for r in self.figures if r not in NOTEBOOKS]
        contents = self._sized("Contents", 2 + len(reports) + len(kept), 5)
        for j, w in enumerate((24, 40, 70, 32, 8), 1):
            contents.column_dimensions[get_column_letter(j)].width = w
        contents.append([self._styled(contents, title or "Children's services performance reports: tables",
                                      font=Font(bold=True, size=13))])
        contents.append([self._styled(contents, v, font=self.head, fill=self.fill)
                         for v in ("Report", "Section", "Table", "Sheet", "Rows")])
        for r in reports:
            contents.append([r, "", "Tidy figures (the report's rows of figures.csv)",
                             self._link(contents, figures_sheet(r)), self.figures[r]])
        for t in kept:
            contents.append([t.get("report", ""), t["section"], t["caption"], self._link(contents, t["sheet"]),
                             len(t["rows"])])
        for t in kept:
            self._table(t)
        order = ["Contents"] + [figures_sheet(r) for r in reports] + [t["sheet"] for t in kept]
        for i, name in enumerate(order):      # the figures sheets were written first, as their reports ended
            self.wb.move_sheet(name, i - self.wb.index(self.wb[name]))
        tmp = path.with_suffix(".xlsx.tmp")
        self.wb.save(tmp)
        os.replace(tmp, path)
        return path

    def _table(self, t: dict) -> None:
        widths = [min(60, max(8, max([len(str(col["label"]))] + [len(str(r[j])) for r in t["rows"][:200]
                                                                   if r[j] is not None]) + 2))
                  for j, col in enumerate(t["columns"])]
        ws = self._sheet(t["sheet"], [c["label"] for c in t["columns"]], widths,
                         1 + len(t["rows"]) + (2 if t.get("note") else 0))
        for row in _typed_columns(t):
            ws.append([self._styled(ws, v, number_format=fmt) if fmt else v for v, fmt in row])
        if t.get("note"):
            ws.append([])
            ws.append([t["note"]])


def write_workbook(tables: list[dict], figures: list[list], path: Path, title: str = "") -> Path:
    """The period's tables and figures (rows as figures.csv holds them, the report first) as one .xlsx workbook
    (:class:`Workbook`)."""
    wb = Workbook()
    for report in dict.fromkeys(r[0] for r in figures):
        wb.add_figures(report, [r for r in figures if r[0] == report])
    return wb.save(tables, path, title)


class PeriodFiles:
    """A period's ``tables.xlsx`` and ``figures.csv`` from what its reports hand over (``<report>.tables.json`` in
    ``folder``): :meth:`add` as each report ends (its figures' sheet and lines of figures.csv made then, while the
    others run),
    :meth:`close` once the period's last has ended (reports handed over but not added, e.g. a previous good
    version kept beside a report that failed, are read then)."""

    def __init__(self, folder: Path, title: str = ""):
        self.folder, self.title = Path(folder), title
        self.handed: dict[str, tuple[list[dict], list[list]]] = {}
        self.csv: dict[str, str] = {}             # each report's lines of figures.csv
        self.workbook: Workbook | None = None

    def add(self, name: str) -> None:
        """Report ``name``'s hand-over read and its figures sheet written (nothing when it handed none over)."""
        path = handover_path(self.folder, name)
        if name in self.handed or not path.exists():
            return
        tables, figures = read_handover(path)
        self.handed[name] = ([{**t, "report": name} for t in tables], figures)
        self.csv[name] = figures_csv_text(figures)
        if figures:
            self.workbook = self.workbook or Workbook()
            self.workbook.add_figures(name, figures)

    def close(self) -> list[Path]:
        """Both files written (nothing when no report in the folder handed anything over); their paths."""
        if not self.folder.is_dir():
            return []
        for name, _ in _reports(self.folder):
            self.add(name)
        reports = [n for n in NOTEBOOKS if n in self.handed]
        tables = [t for n in reports for t in self.handed[n][0]]
        figures = [r for n in reports for r in self.handed[n][1]]
        if not tables and not figures:
            return []
        workbook = self.workbook or Workbook()
        return [workbook.save(tables, self.folder / WORKBOOK, self.title),
                write_figures_csv(figures, self.folder / FIGURES_CSV, "".join(self.csv[n] for n in reports))]


def write_period_files(folder: Path, title: str = "") -> list[Path]:
    """``tables.xlsx`` and ``figures.csv`` from what the reports in a period's folder handed over (whatever
    reports it holds); nothing when it holds none."""
    return PeriodFiles(folder, title).close()


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


class Printer:
    """One headless chromium for many PDFs (a run prints every report with it: a launch costs about a second):
    ``with Printer() as printer: printer.print(html, pdf, footer)``. The browser starts at the first print, and
    every report is printed in its one tab (a tab of its own would start a renderer process each time: about 0.4
    CPU-seconds a report); a print that fails closes the tab, and the next opens another."""

    def __init__(self):
        self._pw = self._browser = self._page = None

    def __enter__(self) -> "Printer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        browser, pw, self._browser, self._pw, self._page = self._browser, self._pw, None, None, None
        try:
            if browser is not None:
                browser.close()
        finally:
            if pw is not None:
                pw.stop()

    def _started(self):
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            raise CicError("playwright is not installed, so the PDF cannot be printed (pip install playwright)",
                           rule="playwright installed") from None
        if self._browser is None:
            exe = chromium()
            self._pw = sync_playwright().start()
            try:
                self._browser = self._pw.chromium.launch(executable_path=exe, args=["--no-sandbox", "--disable-gpu"])
            except Exception:
                self.close()
                raise
        return self._browser

    def print(self, html_path: Path, pdf_path: Path, footer_text: str = "") -> Path:
        """Print an HTML report to an A4 PDF (print stylesheet, backgrounds for the RAG colours, a tagged PDF
        with an outline of the headings, the footer on every page)."""
        from playwright.sync_api import Error as PlaywrightError
        tmp = Path(pdf_path).with_suffix(".pdf.tmp")
        try:
            if self._page is None:
                self._page = self._started().new_page()
            try:
                self._page.goto(Path(html_path).resolve().as_uri(), wait_until="load")
                self._page.pdf(path=str(tmp), format="A4", print_background=True, display_header_footer=True,
                               header_template="<span></span>", footer_template=footer(footer_text),
                               margin={"top": "12mm", "bottom": "16mm", "left": "12mm", "right": "12mm"},
                               tagged=True, outline=True)
            except BaseException:
                page, self._page = self._page, None
                try:
                    page.close()
                except PlaywrightError:
                    pass                        # the tab is gone already
                raise
        except PlaywrightError as exc:
            raise CicError(f"the PDF could not be printed ({str(exc).splitlines()[0][:200]})",
                           file=str(html_path), rule="PDF printed") from None
        os.replace(tmp, pdf_path)
        return Path(pdf_path)


def write_pdf(html_path: Path, pdf_path: Path, footer_text: str = "", printer: Printer | None = None) -> Path:
    """Print an HTML report to an A4 PDF with headless chromium (:meth:`Printer.print`): with ``printer``'s
    browser, else one started and closed for this PDF alone."""
    if printer is not None:
        return printer.print(html_path, pdf_path, footer_text)
    with Printer() as own:
        return own.print(html_path, pdf_path, footer_text)
