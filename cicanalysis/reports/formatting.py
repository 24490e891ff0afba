"""One formatting layer for every table in the reports: column labels, units, signs and n/a are decided
here, once.

``COLUMNS`` maps the code name of a column (as the package's frames name it) to the label an officer reads
and the kind of value it holds; :func:`table` turns any frame into a :class:`Table` that shows every value
by its kind (``1,410``, ``71.5%``, ``+5``, ``+2.8%``, ``429``, ``Yes``, ``01/04/2013``, ``n/a``), with
``<th scope>`` headers, a caption, RAG cells as colour and letter and, for wide tables, the columns split
into several tables that fit a screen and an A4 page. A column the map does not know is labelled in plain
words (``DISTRICT_GROUP`` → "District group"), so no code name reaches a reader.

A Table also gives its values, typed, for the period's workbook (:meth:`Table.export`, handed to
:mod:`cicanalysis.reports.publish` by the report's context, :class:`cicanalysis.reports.context.Report`).

``KEY`` explains every code the reports use (polarity, measure types, direction-of-travel arrows, RAG,
BLA, ADM, SGO, OC2, U1/U4 ...); :func:`key_table` shows the ones a report needs.
"""
from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.changes import missing, pct_change, shown_decimals, with_changes  # noqa: F401  (re-exported for the reports)

NA = "n/a"
SUPPRESSED = "<6"
SMALL_PCT = "n<10"      # a percentage (or average) of fewer than 10 children, not shown when publishing

RAG_COLOURS = {"G": "#2e7d32", "A": "#f9a825", "R": "#c62828"}
RAG_TEXT = {"G": "#ffffff", "A": "#000000", "R": "#ffffff"}
RAG_WORDS = {"G": "Green", "A": "Amber", "R": "Red"}


@dataclass(frozen=True)
class Column:
    """How a column is shown: its label and the kind of its values.

    Kinds: text, count (1,410), number (1,410.5), pct (71.5%), pp (+1.2 pp, a difference of percentages),
    change (+5), pct_change (+2.8%), days (429), date (01/04/2013), yesno (Yes/No), rag (the letter on its
    colour), value (by the row's unit: %, days, count, ratio, per 10,000)."""
    label: str
    kind: str = "text"


C = Column
COLUMNS: dict[str, Column] = {
    # scorecards
    "indicator": C("Indicator code"), "title": C("Indicator"), "polarity": C("Polarity"),
    "measure_type": C("Type"), "unit": C("Unit"), "level": C("Level"), "unit_name": C("Unit"),
    "period": C("Period", "date"), "numerator": C("Numerator", "count"), "denominator": C("Denominator", "count"),
    "value": C("Value", "value"), "target": C("Target", "value"), "floor": C("Amber floor", "value"),
    "rag": C("RAG", "rag"), "previous_value": C("Last month", "value"), "outturn_value": C("Outturn", "value"),
    "small_denominator": C("Small denominator", "yesno"), "source": C("Source"), "uasc": C("UASC"),
    "including_uasc": C("Including UASC", "value"), "excluding_uasc": C("Excluding UASC", "value"),
    "rag_including": C("RAG including", "rag"), "rag_excluding": C("RAG excluding", "rag"),
    "variance": C("Difference (including − excluding)", "value_change"),
    # spans compared with last year
    "measure": C("Measure"), "this_span": C("This span", "count"), "last_year": C("Same span last year", "count"),
    "change": C("Change", "change"), "pct_change": C("% change", "pct_change"),
    # adoption timescales, A1/A2
    "year": C("Year"), "window": C("3-year window"), "year_children": C("Children (year)", "count"),
    "year_avg_days": C("Average days (year)", "days"), "three_year_children": C("Children (3 years)", "count"),
    "three_year_avg_days": C("Average days (3 years)", "days"), "threshold": C("DfE threshold (days)", "days"),
    "england_year": C("England (year)", "days"), "england_three_year": C("England (3 years)", "days"),
    "neighbours_three_year": C("Statistical neighbours (3 years)", "days"),
    "meets_threshold": C("Within the threshold", "yesno"), "partial": C("Partial window", "yesno"),
    "cases": C("Cases", "count"), "within": C("Within timescale", "count"), "pct_within": C("% within", "pct"),
    "avg_days": C("Average days", "days"), "avg_months": C("Average months", "number"),
    "limit": C("Timescale"), "group": C("Group"), "district": C("District"),
    "within_6_months": C("Within 6 months", "count"), "after_6_months": C("After 6 months", "count"),
    "decisions": C("Decisions", "count"), "so_far": C("So far", "count"), "months": C("Months elapsed", "count"),
    "projected_full_year": C("Projected full year", "count"), "last_full_year": C("Last full year", "count"),
    "status": C("Status"), "children": C("Children", "count"), "average_a1_days": C("Average A1 days", "days"),
    "average_a2_days": C("Average A2 days", "days"), "since": C("Placement order since", "date"),
    "households": C("Households", "count"), "stage": C("Stage"), "state": C("Active or on hold"),
    "kind": C("Kind"), "reason": C("Reason"), "cause": C("Cause"), "step": C("Step"),
    # adopters' and adoption category columns
    "DISTRICT_GROUP": C("District"), "DISTRICT": C("District"), "AREA": C("Area"), "MAKE_UP": C("Household make-up"),
    "ADOPTER_TYPE": C("Adopter type"), "ETHNIC_GROUP": C("Ethnic group"), "DISABLED": C("Disabled"),
    "DISABILITY": C("Disability"), "OTHER_LA_CHILD": C("Whose child"), "ON_NATIONAL_REGISTER": C("On the national register"),
    "STATUS": C("Status"), "WAITING": C("Time waiting"), "AGE_BAND": C("Age"), "FY": C("Financial year"),
    "SIBLINGS": C("Single or sibling group"), "STATUS_FF": C("Family-finding status"),
    "TIME_PLACED": C("Time since placement"), "TIME_SINCE_PO": C("Time since the placement order"),
    "TIME_SINCE_ADM": C("Time since the ADM decision"), "MONTH_NAME": C("Month"), "MONTH": C("Month", "date"),
    # data quality
    "file": C("File"), "column": C("Column"), "rule": C("Rule"), "action": C("Action"), "rows": C("Rows", "count"),
    # catalogue
    "measure_type_name": C("Type"),
    "definition": C("Definition"),
}
# kinds that hold numbers (right-aligned, no wrapping)
NUMERIC = {"count", "number", "pct", "pp", "change", "pct_change", "days", "value", "value_change"}
# words kept in capitals when a code name is put into plain words
ACRONYMS = {"uasc": "UASC", "adm": "ADM", "bla": "BLA", "po": "PO", "rag": "RAG", "dfe": "DfE", "la": "LA",
            "roi": "ROI", "sgo": "SGO", "fy": "financial year", "pct": "%", "avg": "average", "cic": "CIC"}


def label(name) -> str:
    """The label of a column: from ``COLUMNS``, else the code name in plain words."""
    if not isinstance(name, str):
        return str(name)
    if name in COLUMNS:
        return COLUMNS[name].label
    if not is_code_name(name):
        return name
    words = [ACRONYMS.get(w.lower(), w.lower()) for w in name.split("_") if w]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def is_code_name(name: str) -> bool:
    """A header an officer should never read: snake_case or ALL_CAPS (with or without underscores)."""
    name = str(name).strip()
    return bool(re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)+", name) or re.fullmatch(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)+", name)
                or (re.fullmatch(r"[A-Z]{4,}", name) and name not in {"UASC"}))


def kind_of(name, series: pd.Series | None = None) -> str:
    if isinstance(name, str) and name in COLUMNS:
        kind = COLUMNS[name].kind
        if kind in NUMERIC and series is not None and not pd.api.types.is_numeric_dtype(series) \
                and series.map(lambda v: isinstance(v, str)).any():
            return "text"       # words in a column that usually holds numbers (e.g. the catalogue's numerator)
        return kind
    if series is not None:
        if pd.api.types.is_bool_dtype(series):
            return "yesno"
        if pd.api.types.is_datetime64_any_dtype(series):
            return "date"
        if pd.api.types.is_integer_dtype(series):
            return "count"
        if pd.api.types.is_float_dtype(series):
            text = str(name)
            if text.startswith("%") or text.endswith("%") or text.lower().startswith("pct"):
                return "pct"
            if "days" in text.lower():
                return "days"
            vals = series.dropna()
            return "count" if len(vals) and np.allclose(vals, vals.round()) else "number"
    return "text"


# suffix of a value, suffix of a difference: by measurement unit (others: none); the decimal places are the
# core's one precision rule (core.changes.SHOWN_DECIMALS), which directions of travel compare at
_UNIT_SUFFIXES = {"%": ("%", " pp"), "days": (" days", " days"), "count": ("", "")}


def format_value(value, unit: str, signed: bool = False) -> str:
    """A value by its measurement unit (the scorecard's units): 71.5%, 429 days, 1,410, 18.1, 67.7; with
    ``signed``, a difference: +1.2 pp for percentages, +5 for counts, +12 days, +0.3 otherwise, and no sign
    on a difference that shows as nothing."""
    if missing(value):
        return NA
    places = shown_decimals(unit)
    suffix, change_suffix = _UNIT_SUFFIXES.get(unit, ("", ""))
    if not signed:
        return f"{value:,.{places}f}{suffix}"
    if round(value, places) == 0:
        return f"{0:.{places}f}{change_suffix}"
    return f"{value:+,.{places}f}{change_suffix}"


def format_change(value, unit: str) -> str:
    """A difference by its unit (see :func:`format_value`)."""
    return format_value(value, unit, signed=True)


def format_cell(value, kind: str, unit: str = "") -> str:
    """One cell as shown in a report. Missing values read "n/a", never nan, None or NaT."""
    if isinstance(value, str):
        return value
    if kind == "rag":
        return "" if missing(value) else str(value)
    if kind == "yesno":
        return NA if missing(value) else ("Yes" if bool(value) else "No")
    if missing(value):
        return NA
    if isinstance(value, (bool, np.bool_)):
        return "Yes" if value else "No"
    if kind == "date":
        return f"{pd.Timestamp(value):%d/%m/%Y}"
    if kind == "value" and unit:
        return format_value(value, unit)
    if kind == "value_change" and unit:
        return format_change(value, unit)
    if isinstance(value, (pd.Timestamp, np.datetime64)):
        return f"{pd.Timestamp(value):%d/%m/%Y}"
    if not isinstance(value, (int, float, np.integer, np.floating)):
        return str(value)
    if kind == "count":
        return f"{value:,.0f}"
    if kind == "number":
        return f"{value:,.1f}"
    if kind == "pct":
        return f"{value:.1f}%"
    if kind == "pp":
        return f"{value:+.1f} pp" if round(value, 1) else "0.0 pp"
    if kind == "change":
        return f"{value:+,.0f}" if round(value) else "0"
    if kind == "pct_change":
        return NA if not math.isfinite(value) else (f"{value:+.1f}%" if round(value, 1) else "0.0%")
    if kind == "days":
        return f"{value:,.0f}"
    if isinstance(value, float) and value.is_integer():
        return f"{value:,.0f}"
    return f"{value:,.1f}" if isinstance(value, (float, np.floating)) else f"{value:,}"


def rag_style(value) -> str:
    """The inline style of a RAG cell: the band's colour (the letter is shown too)."""
    if value in RAG_COLOURS:
        return (f"background-color:{RAG_COLOURS[value]};color:{RAG_TEXT[value]};font-weight:bold;"
                f"text-align:center")
    return ""


def _json_value(v, kind: str):
    """A cell for the workbook: numbers stay numbers, dates ISO, missing None, suppressed '<6'."""
    if isinstance(v, str):
        return v
    if missing(v):
        return None
    if isinstance(v, (bool, np.bool_)):
        return "Yes" if v else "No"
    if isinstance(v, (pd.Timestamp, np.datetime64)):
        return f"{pd.Timestamp(v):%Y-%m-%d}"
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if not math.isfinite(float(v)) else float(v)
    if isinstance(v, int):
        return v
    return str(v)


class Table:
    """A report table: formatted cells, accessible headers, RAG colours, optional column split.

    Built by :func:`table`; displays as HTML in a notebook and in the reports, and hands its typed values
    to the period's workbook (:meth:`export`, recorded by :meth:`cicanalysis.reports.context.Report.show`)."""

    def __init__(self, frame: pd.DataFrame, caption: str = "", kinds: dict | None = None, units=None,
                 styles: pd.DataFrame | None = None, row_header: bool = True, split: int | None = None,
                 note: str = "", empty: str = "None.", name: str = "", suppressed: pd.DataFrame | None = None,
                 export: bool = True):
        self.frame = frame.reset_index(drop=True)
        self.caption = caption
        self.kinds = {c: (kinds or {}).get(c) or kind_of(c, self.frame[c]) for c in self.frame.columns}
        self.units = None if units is None else pd.Series(list(units))
        self.styles = styles.reset_index(drop=True) if styles is not None else None
        self.suppressed = suppressed.reset_index(drop=True) if suppressed is not None else None
        self.row_header = row_header
        self.split = split
        self.note = note
        self.empty = empty
        self.name = name or caption
        self.exported = export       # False: shown in the report, not put in the period's workbook
        self.wide = False            # True: printed on a landscape page
        self.typed: Table | None = None   # what the workbook gets instead, when the cells shown combine values

    # ------------------------------------------------------------ cells
    def _cells(self) -> dict:
        """Each column's values, suppressed flags and styles and each row's unit, to read cell by cell: the values
        ``frame.at[i, column]`` gives, without a column Series made for each cell (read afresh on each use)."""
        def arrays(frame):
            return {} if frame is None else {c: frame[c].array for c in frame.columns}
        return {"values": arrays(self.frame), "suppressed": arrays(self.suppressed), "styles": arrays(self.styles),
                "units": None if self.units is None else [str(u) for u in self.units.array]}

    def cell(self, i: int, column, cells: dict | None = None) -> str:
        cells = cells or self._cells()
        if column in cells["suppressed"] and cells["suppressed"][column][i]:
            return SUPPRESSED
        return format_cell(cells["values"][column][i], self.kinds[column], "" if cells["units"] is None
                           else cells["units"][i])

    def display_frame(self) -> pd.DataFrame:
        """The table as shown: labels as headers, every cell text."""
        cells = self._cells()
        return pd.DataFrame({label(c): [self.cell(i, c, cells) for i in range(len(self.frame))]
                             for c in self.frame.columns})

    def headers(self) -> list[str]:
        return [label(c) for c in self.frame.columns]

    # ------------------------------------------------------------ HTML
    def _html_table(self, columns: list, part: str = "") -> str:
        first = self.frame.columns[0]
        cols = [first] + [c for c in columns if c != first] if self.row_header else list(columns)
        head = "".join(f'<th scope="col" class="{"num" if self.kinds[c] in NUMERIC else "text"}">'
                       f"{html.escape(label(c))}</th>" for c in cols)
        body, each = [], self._cells()
        for i in range(len(self.frame)):
            cells = []
            for j, c in enumerate(cols):
                text = html.escape(self.cell(i, c, each))
                cls = "num" if self.kinds[c] in NUMERIC else ("rag" if self.kinds[c] == "rag" else "text")
                style = ""
                if self.kinds[c] == "rag":
                    style = rag_style(each["values"][c][i])
                if c in each["styles"] and each["styles"][c][i]:
                    style = each["styles"][c][i]
                if cls == "text" and len(text) <= 16 and " " not in text:
                    cls = "text nw"      # a year or code such as 2011-12 never wraps
                attr = f' class="{cls}"' + (f' style="{html.escape(style)}"' if style else "")
                if j == 0 and self.row_header:
                    cells.append(f'<th scope="row"{attr}>{text}</th>')
                else:
                    cells.append(f"<td{attr}>{text}</td>")
            body.append("<tr>" + "".join(cells) + "</tr>")
        caption = html.escape(self.caption + part)
        cap = f"<caption>{caption}</caption>" if caption else ""
        return f'<table class="cic">{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'

    def _repr_html_(self) -> str:
        if self.frame.empty:
            return f'<p class="cic-empty">{html.escape(self.empty)}</p>' if self.empty else ""
        rest = list(self.frame.columns[1:] if self.row_header else self.frame.columns)
        if self.split and len(rest) > self.split:
            chunks = [rest[k:k + self.split] for k in range(0, len(rest), self.split)]
            parts = [self._html_table(chunk, f" ({n} of {len(chunks)})") for n, chunk in enumerate(chunks, 1)]
        else:
            parts = [self._html_table(rest)]
        note = f'<p class="cic-note">{html.escape(self.note)}</p>' if self.note else ""
        wrap = "".join(f'<div class="cic-table" style="overflow-x:auto">{p}</div>' for p in parts)
        # a wide table (the scorecards) is printed on landscape pages (the print stylesheet's named page)
        return f'<div class="cic-wide">{wrap}{note}</div>' if self.wide else wrap + note

    def __repr__(self) -> str:
        if self.frame.empty:
            return self.empty
        return (self.caption + "\n" if self.caption else "") + self.display_frame().to_string(index=False)

    # ------------------------------------------------------------ the workbook
    def export(self) -> dict:
        """The typed values for the workbook: caption, columns (label and kind), rows, each row's unit (for
        columns of kind value). A table whose cells combine figures ("87.5% A *") hands over its ``typed`` table."""
        if self.typed is not None:
            return {**self.typed.export(), "caption": self.caption or self.name, "note": self.note}
        rows, each = [], self._cells()
        for i in range(len(self.frame)):
            row = []
            for c in self.frame.columns:
                if c in each["suppressed"] and each["suppressed"][c][i]:
                    row.append(SUPPRESSED)
                    continue
                v, k = each["values"][c][i], self.kinds[c]
                if k in ("value", "value_change"):
                    u = "" if each["units"] is None else each["units"][i]
                    k = {"%": "pct", "days": "days", "count": "count"}.get(u, "number")
                    if self.kinds[c] == "value_change" and k == "pct":
                        k = "pp"
                row.append(_json_value(v if k != "rag" or not missing(v) else None, k))
            rows.append(row)
        kinds = []
        for c in self.frame.columns:
            k = self.kinds[c]
            if k in ("value", "value_change") and self.units is not None and self.units.nunique() == 1:
                k = {"%": "pct", "days": "days", "count": "count"}.get(str(self.units.iloc[0]), "number")
            kinds.append(k)
        return {"caption": self.caption or self.name, "columns": [{"label": label(c), "kind": k}
                                                                  for c, k in zip(self.frame.columns, kinds)],
                "rows": rows, "note": self.note,
                "units": None if self.units is None else [str(u) for u in self.units]}

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self._repr_html_(), "text/plain": repr(self)}


def table(frame: pd.DataFrame, caption: str = "", suppress: bool = False, counts=(), kinds: dict | None = None,
          units=None, styles=None, row_header: bool = True, split: int | None = None, note: str = "",
          empty: str = "None.", rename: dict | None = None) -> Table:
    """A report table from any frame. ``kinds`` overrides the kind of a column (see :class:`Column`);
    ``units`` gives each row's unit for columns of kind ``value``; with ``suppress`` (publishing), counts of
    1-5 in the ``counts`` columns are shown as '<6' (SPEC 8); ``split`` puts at most that many columns
    (after the first) in each table; ``rename`` gives labels for this table only."""
    f = frame.copy()
    if isinstance(f.index, pd.MultiIndex) or f.index.name is not None:
        f = f.reset_index()
    kinds = dict(kinds or {})
    if rename:
        kinds = {rename.get(c, c): k for c, k in kinds.items()}
        for c in f.columns:
            if c in rename and c not in kinds and rename[c] not in kinds:
                kinds[rename[c]] = kind_of(c, f[c])
        f = f.rename(columns=rename)
    sup = None
    if suppress:
        cols = [c for c in ([rename.get(c, c) for c in counts] if rename else counts) if c in f]
        sup = pd.DataFrame({c: [isinstance(v, (int, float, np.integer, np.floating)) and not missing(v)
                                and 1 <= v <= 5 for v in f[c]] for c in cols})
    return Table(f, caption=caption, kinds=kinds, units=units, styles=styles, row_header=row_header, split=split,
                 note=note, empty=empty, suppressed=sup)


def change_words(now, before, unit: str = "count", more: str = "more", fewer: str = "fewer") -> str:
    """'38 more (+2.8%)', '5 fewer (-4.9%)', 'the same': a change in numbers and per cent."""
    if missing(now) or missing(before):
        return "no comparison"
    d = now - before
    if abs(d) < 1e-9:
        return "the same"
    pc = pct_change(now, before)
    size = format_value(abs(d), unit) if unit != "%" else f"{abs(d):.1f} percentage points"
    words = more if d > 0 else fewer
    return f"{size} {words}" + (f" ({pc:+.1f}%)" if unit != "%" and math.isfinite(pc) else "")


# ---------------------------------------------------------------- the key to codes
KEY: dict[str, str] = {
    "G": "Green: the target is met.",
    "A": "Amber: the target is not met but the value is within the amber floor.",
    "R": "Red: the value is beyond the amber floor (significantly away from target).",
    "not rated": "Activity counts, and indicators whose denominator is under 5, have no RAG rating.",
    "*": "Small numbers: the denominator is between 1 and 9, so one child moves the percentage a lot.",
    "n/a": "Not available: no cases, no data for the period, or the figure cannot be worked out.",
    "<6": "A count of 1 to 5, suppressed for publication.",
    "n<10": "A percentage or average of fewer than 10 children (a denominator of 1 to 9), not shown for "
            "publication: it could tell a reader about one child.",
    "H": "Polarity H: higher is better.",
    "L": "Polarity L: lower is better.",
    "T": "Polarity T: closest to the target is better.",
    "SS": "Snapshot: children at the period end.",
    "YTD": "Year to date: 1 April to the period end.",
    "R12M": "Rolling 12 months to the period end.",
    "R36M": "Rolling 3 years (36 months) to the period end.",
    "Q": "The quarter ending at the period end.",
    "▲ ▼ ►": "Direction of travel: the arrow shows whether the value went up (▲), down (▼) or stayed the same "
             "(►); the word says whether that is better (improved) or worse for the indicator's polarity, so "
             "a rise in an L indicator reads '▲ worse'.",
    "pp": "Percentage points: the difference between two percentages.",
    "UASC": "Unaccompanied asylum-seeking children.",
    "BLA": "Became looked after: the start of the period of care.",
    "ADM": "Agency decision maker: the best-interest decision that a child should be placed for adoption, "
           "and the decision on a match.",
    "PO": "Placement order (legal status E1), granted by the court.",
    "A1": "DfE adoption scorecard A1: average days from entering care to moving in with the adoptive family, "
          "for children adopted.",
    "A2": "DfE adoption scorecard A2: average days from the placement order to the match decision (0 when the "
          "match came first), for children adopted.",
    "DfE threshold": "The Department for Education's threshold for a 3-year average, for the 3-year window "
                     "ending in that year.",
    "partial": "A 3-year window that starts before the data does (or is not yet complete): its average covers "
               "fewer than three years.",
    "SGO": "Special guardianship order: a permanence order other than adoption.",
    "OC2": "The SSDA903 return on children looked after for 12 months or more at 31 March (health, dental "
           "checks): annual, so the value changes once a year.",
    "OC3": "The SSDA903 return on care leavers aged 19-21 (in touch, accommodation, education, employment or "
           "training): annual.",
    "U1/U4": "Foster placements for the long term (U1 with relatives or friends, U4 with other carers).",
    "PR1": "Placement provided by the authority itself.",
    "RHI": "Return home interview after a child returns from being missing.",
    "ROI": "Registration of interest: a household's formal application to start Stage 1.",
    "Stage 1 / Stage 2": "The two stages of an adopter assessment: pre-assessment (2 months) and assessment "
                         "(4 months to the decision).",
    "Towards / Stable / Away": "Direction since the previous quarter against the strategy's aim for the measure: "
                               "moving towards the aim, stable (a change within the stated tolerance) or moving "
                               "away from the aim (e.g. more children in care where a reduction is the aim). "
                               "The shading is not a RAG rating.",
}

REPORT_KEYS = {
    "scorecard": ["G", "A", "R", "not rated", "*", "n/a", "<6", "n<10", "H", "L", "T", "SS", "YTD", "R12M", "R36M",
                  "▲ ▼ ►", "pp", "UASC", "BLA", "ADM", "PO", "A1", "A2", "OC2", "OC3", "RHI", "PR1"],
    "adoption_journey": ["BLA", "ADM", "PO", "A1", "A2", "DfE threshold", "partial", "SGO", "n/a", "<6"],
    "adopters_journey": ["ROI", "Stage 1 / Stage 2", "n/a", "<6"],
    "sufficiency_strategy": ["Towards / Stable / Away", "UASC", "BLA", "U1/U4", "PR1", "OC3",
                             "pp", "n/a"],
}


def key_table(codes) -> Table:
    """The key to the codes a report uses (``codes``: keys of ``KEY``, or a report name)."""
    if isinstance(codes, str):
        codes = REPORT_KEYS[codes]
    frame = pd.DataFrame({"Code": list(codes), "Meaning": [KEY[c] for c in codes]})
    t = table(frame, caption="Key to the codes used in this report")
    t.exported = False           # a key, not figures: not in the workbook
    return t
