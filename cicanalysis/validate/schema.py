"""Recognising and validating an SSDA903-format extract (plus the local tables) with pandera.

``read_extract(folder)`` reads every file of ``folder`` (CSV, DfE XML, Excel; yearly sub-folders and the
pooled layout's YEAR column are merged with the latest return winning: :mod:`cicanalysis.readers`),
recognises each table by its columns, validates it, works out the extract date and returns typed frames
plus the data-quality table (file, row, CHILD, column, rule, value, action). Nothing here knows the
measures: rules that need the indicator catalogue or the derived views run after this layer.

Fatal problems (folder or required table missing, a recognisable table missing a required column, an
unreadable file) raise :class:`CicError` with one clear line. Everything else becomes a DQ row: a bad
value is blanked (the measures that need it lose that row) or, when the row cannot be used at all
(no CHILD, no start date, end before start, a second episode starting the same day), the row is excluded;
overlapping episodes are ended where the next starts (:func:`episode_sequence`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from .. import readers
from ..core.errors import CicError
from ..core.dq import BLANKED, CLOSED_AT_NEXT, CLOSED_AT_RETURN_END, DQ_COLUMNS, EXCLUDED, NOTED  # noqa: F401  (the one vocabulary)
from ..core.dq import dq_rows as _dq_rows

DATE_FORMAT = "%d/%m/%Y"

CODES = {
    "SEX": ["1", "2"],
    "RNE": ["S", "L", "P", "B", "T", "U"],
    "LS": ["C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4"],
    "CIN": [f"N{i}" for i in range(1, 9)],
    "PLACE": ["A3", "A4", "A5", "A6", "H5", "K1", "K2", "K3", "P1", "P2", "P3", "R1", "R2", "R3", "R5", "S1",
              "T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1", "Z11", "Z12", "Z13", "Z14"],
    "PLACE_PROVIDER": ["PR0", "PR1", "PR2", "PR3", "PR4", "PR5"],
    "REC": ["E11", "E12", "E13", "E14", "E15", "E16", "E17", "E2", "E3", "E41", "E43", "E44", "E45", "E46",
            "E47", "E48", "E4A", "E4B", "E5", "E6", "E7", "E8", "E9", "X1"],
    "REASON_PLACE_CHANGE": ["CARPL", "CLOSE", "ALLEG", "STAND", "APPRR", "CREQB", "CREQO", "CHILD", "LAREQ",
                            "PLACE", "CUSTOD", "OTHER"],
    "ETHNIC": ["WBRI", "WIRI", "WOTH", "WIRT", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN", "ABAN",
               "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT"],
    "REVIEW_CODE": [f"PN{i}" for i in range(0, 8)],
    "IN_TOUCH": ["YES", "NO", "DIED", "REFU", "NREQ", "RHOM"],
    "MISSING": ["M", "A"],
    "REASON_PLACED_CEASED": ["RD1", "RD2", "RD3", "RD4"],  # an adopted child's decision does not cease
    "PREV_PERM": ["P1", "P2", "P3", "P4", "Z1"],
    "LEVEL": ["county", "area", "team"],
}


# Codes of some collection years only (the DfE validator's per-year rule sets, lac_validator rules/lac2022_23 ...
# lac2026_27: rule 146 placement types, rule 217t; https://github.com/data-to-insight/csc-validator-be-903): the
# first and last day an episode may start with the code. Every code of any year 2015-16 to 2026-27 is read; an
# episode starting outside its code's days is a DQ row (reported only: the code still says what it says).
CODE_DATES = {
    "PLACE": {
        "K3": ("2024-04-01", None),      # supported accommodation (Ofsted registered), 2024-25 on
        "Z11": ("2025-04-01", None), "Z12": ("2025-04-01", None), "Z13": ("2025-04-01", None),
        "Z14": ("2025-04-01", None),     # the 2025-26 split of Z1 (other placements)
        "Z1": (None, "2025-03-31"), "H5": (None, "2025-03-31"),   # not in the 2025-26 list
        "P2": (None, "2023-10-27"),      # not valid from 28 October 2023 (rule 217t)
    },
}


@dataclass(frozen=True)
class TableSpec:
    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    key: tuple[str, ...] = ("CHILD",)   # one row per key; across yearly returns the latest wins
    mandatory: bool = False
    child_level: bool = True


def _spec(name, required, **kw):
    return TableSpec(name, tuple(required), **{k: tuple(v) if isinstance(v, list) else v for k, v in kw.items()})


TABLES: dict[str, TableSpec] = {s.name: s for s in [
    _spec("header", ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"], optional=["UASC"],
          dates=["DOB", "MC_DOB"], codes=["SEX", "ETHNIC"], mandatory=True),
    _spec("episodes", ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                       "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"],
          optional=["DISTRICT", "PL_DISTANCE"], dates=["DECOM", "DEC"], numbers=["PL_DISTANCE"],
          codes=["RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "REC", "REASON_PLACE_CHANGE"],
          key=["CHILD", "DECOM"], mandatory=True),
    _spec("uasc", ["CHILD", "SEX", "DOB", "DUC"], dates=["DOB", "DUC"], codes=["SEX"]),
    _spec("placed_for_adoption", ["CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"],
          dates=["DOB", "DATE_PLACED", "DATE_PLACED_CEASED"], codes=["REASON_PLACED_CEASED"],
          key=["CHILD", "DATE_PLACED"]),
    _spec("ad1", ["CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR",
                  "LS_ADOPTR"], dates=["DOB", "DATE_INT", "DATE_MATCH"], numbers=["FOSTER_CARE", "NB_ADOPTR"]),
    _spec("oc2", ["CHILD", "DOB", "HEALTH_CHECK", "TEETH_CHECK", "IMMUNISATIONS"],
          optional=["YEAR", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE",
                    "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"],
          dates=["DOB"], numbers=["HEALTH_CHECK", "TEETH_CHECK", "IMMUNISATIONS", "HEALTH_ASSESSMENT", "YEAR"],
          key=["CHILD", "YEAR"]),
    _spec("oc3", ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"], optional=["YEAR"], dates=["DOB"],
          numbers=["YEAR"], codes=["IN_TOUCH"], key=["CHILD", "YEAR"]),
    _spec("missing", ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"], optional=["RHI_OFFERED", "RHI_DATE"],
          dates=["DOB", "MIS_START", "MIS_END", "RHI_DATE"], codes=["MISSING"], key=["CHILD", "MIS_START"]),
    _spec("reviews", ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"], dates=["DOB", "REVIEW"], codes=["REVIEW_CODE"],
          key=["CHILD", "REVIEW"]),
    # the DfE file name is prev_perm, previous_permanence since 2023-24: recognised by its columns either way
    _spec("prev_perm", ["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"], dates=["DOB", "DATE_PERM"],
          codes=["PREV_PERM"]),
    _spec("sw_episodes", ["CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"],
          dates=["DOB", "SW_DECOM", "SW_DEC"], key=["CHILD", "SW_ID", "SW_DECOM"]),
    # deprivation of liberty orders (collection year 2026-27 on; the DfE validator's DoLo table)
    _spec("dolo", ["CHILD", "DOB", "DOLO_START", "DOLO_END"], dates=["DOB", "DOLO_START", "DOLO_END"],
          key=["CHILD", "DOLO_START"]),
    _spec("adoption_tracking", ["CHILD", "SHORTLIST_DATE", "VISIT_DATE", "MATCHING_MEETING_DATE", "PANEL_DATE",
                                "ADM_MATCH_DATE", "PLAN_CHANGED_DATE", "NEW_PLAN", "PLACEMENT_TYPE"],
          optional=["REPEAT_ADOPTERS", "RELINQUISHED", "DISABLED", "DISRUPTION_DATE", "CELEBRATION_DATE",
                    "LIFE_STORY_BOOK_DATE", "LATER_LIFE_LETTER_DATE", "FAMILY_FINDING_STATUS", "SIBLING_GROUP_SIZE"],
          dates=["SHORTLIST_DATE", "VISIT_DATE", "MATCHING_MEETING_DATE", "PANEL_DATE", "ADM_MATCH_DATE",
                 "PLAN_CHANGED_DATE", "DISRUPTION_DATE", "CELEBRATION_DATE", "LIFE_STORY_BOOK_DATE",
                 "LATER_LIFE_LETTER_DATE"], numbers=["SIBLING_GROUP_SIZE"]),
    _spec("adopters", ["HOUSEHOLD_ID", "DISTRICT", "ADOPTER_TYPE", "ENQUIRY_DATE", "STAGE1_START", "STAGE2_START",
                       "APPROVAL_DATE"],
          optional=["HOUSEHOLD", "SAME_SEX", "ETHNICITY", "DISABILITY", "FORMAL_ENQUIRY_DATE", "ROI_PACK_SENT_DATE",
                    "INITIAL_VISIT_DATE", "VISIT_REPORT_DATE", "VISIT_SIGNOFF_DATE", "ROI_DATE", "ROI_DECISION_DATE",
                    "ROI_OUTCOME", "STAGE1_END", "STAGE2_END", "DEFERRED", "REJECTED_DATE", "DELAY_CAUSE",
                    "DELAY_REASON", "MATCH_DATE", "PLACEMENT_DATE", "CHILDREN_PLACED", "OTHER_LA_CHILD",
                    "ON_NATIONAL_REGISTER", "FAMILY_FINDING_ON_HOLD", "WITHDRAWN_DATE", "WITHDRAWAL_REASON",
                    "DEREGISTERED_DATE", "DEREGISTRATION_REASON"],
          dates=["ENQUIRY_DATE", "FORMAL_ENQUIRY_DATE", "ROI_PACK_SENT_DATE", "INITIAL_VISIT_DATE",
                 "VISIT_REPORT_DATE", "VISIT_SIGNOFF_DATE", "ROI_DATE", "ROI_DECISION_DATE", "STAGE1_START",
                 "STAGE1_END", "STAGE2_START", "STAGE2_END", "APPROVAL_DATE", "REJECTED_DATE", "MATCH_DATE",
                 "PLACEMENT_DATE", "WITHDRAWN_DATE", "DEREGISTERED_DATE"],
          numbers=["CHILDREN_PLACED"], key=["HOUSEHOLD_ID"], child_level=False),
    _spec("supplied_indicators", ["PERIOD", "INDICATOR", "LEVEL", "UNIT_NAME", "NUMERATOR", "DENOMINATOR"],
          dates=["PERIOD"], numbers=["NUMERATOR", "DENOMINATOR"], codes=["LEVEL"],
          key=["PERIOD", "INDICATOR", "LEVEL", "UNIT_NAME"], child_level=False),
    # SPEC 2.3a: the team or service a child is allocated to for dates (END blank: still allocated), overriding the
    # team of the child's home district; TEAM is the authority's own name, kept as written
    _spec("allocations", ["CHILD", "TEAM", "START", "END"], dates=["START", "END"], key=["CHILD", "START"],
          child_level=False),
]}



@dataclass
class Loaded:
    """Typed tables, the data-quality table and where each table came from."""

    tables: dict[str, pd.DataFrame]
    dq: pd.DataFrame
    sources: dict[str, list[str]] = field(default_factory=dict)
    extract_date: pd.Timestamp = pd.NaT
    extract_date_rule: str = ""
    return_years: list[int] = field(default_factory=list)      # collection years of yearly returns
    present: dict[str, list[str]] = field(default_factory=dict)  # columns each table had in the files
    # PL_DISTANCE and DISTRICT derived from the postcodes (:func:`cicanalysis.model.geography.derive_geography`,
    # after this layer): what was looked up and found (a ``Geography``, its ``columns`` emptied once applied)
    geography: object | None = None
    notices: list[str] = field(default_factory=list)             # one line each, for every report


# ---------------------------------------------------------------- reading files
COMMON_COLUMNS = {"CHILD", "DOB", "SEX"}   # in many tables: a file is not a table for having these


def recognise(columns) -> tuple[str | None, list[str]]:
    """The table whose required columns the file has; else (best partial match, its missing columns).

    A file is that table when it has all of the table's required columns; when several match, the one
    with the most required columns wins. A file with the table's key column, at least half of its required
    columns and at least one that is the table's own (not CHILD, DOB or SEX) is that table with columns
    missing. Anything else is no table (None, []).
    """
    cols = set(columns)
    full = [s for s in TABLES.values() if set(s.required) <= cols]
    if full:
        return max(full, key=lambda s: len(s.required)).name, []
    best, best_missing, best_score = None, [], 0.0
    for s in TABLES.values():
        have = set(s.required) & cols
        score = len(have) / len(s.required)
        own = bool(have - COMMON_COLUMNS)
        if s.key[0] in cols and own and score >= 0.5 and score > best_score:
            best, best_score = s.name, score
            best_missing = [c for c in s.required if c not in cols]
    return best, best_missing


# ---------------------------------------------------------------- validation
DMY = r"\d{1,2}/\d{1,2}/\d{4}"      # the DfE format (day and month may lack a leading zero)
ISO = r"\d{4}-\d{2}-\d{2}"          # also unambiguous, so accepted
# as exports write dates, also accepted: either form with a time of day (dd/mm/YYYY hh:mm, YYYY-MM-DD hh:mm:ss: the
# time is dropped) and an Excel serial day number (a date cell formatted General: 42461 is 01/04/2016). Anything
# else (two-digit years, 31/02/2015, text) is a data-quality row.
TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)"
SERIAL = r"\d{5}(?:\.0+)?"           # five digits: 1927 to 2173, never a day, month or year on its own
EXCEL_EPOCH = pd.Timestamp("1899-12-30")   # Excel's day 0 (its 1900 date system, past the fictitious 29/02/1900)


# plausible years: a date outside them is a typo (1006, 2596) or a marker, never parsed (a year past 2262 would
# wrap round in datetime64[ns]); an end date of 31/12/9999 is the "still open" marker of some exports
FIRST_YEAR, LAST_YEAR = 1900, 2199
OPEN_MARKERS = ("31/12/9999", "9999-12-31")
OPEN_END_DATES = ("DEC", "SW_DEC", "DOLO_END")


def date_part(text: pd.Series) -> pd.Series:
    """Each date string without its time of day, an Excel serial day number as YYYY-MM-DD (text in, text out)."""
    text = text.str.replace(f"^({DMY}|{ISO}){TIME}$", r"\1", regex=True)
    serial = text.str.fullmatch(SERIAL).fillna(False)
    if serial.any():
        days = pd.to_numeric(text[serial], errors="coerce")
        text = text.mask(serial, (EXCEL_EPOCH + pd.to_timedelta(days, unit="D")).dt.strftime("%Y-%m-%d"))
    return text


def per_distinct(s: pd.Series, fn, fill=False, dtype=object) -> pd.Series:
    """``fn`` (a function of a string Series) of each distinct value of ``s`` only, spread back over the rows
    (``fill`` where ``s`` is missing): an extract repeats the same few thousand dates and ids."""
    codes, distinct = pd.factorize(s, use_na_sentinel=True)
    per_value = fn(pd.Series(distinct, dtype="string")).to_numpy(dtype=dtype)
    out = np.append(per_value, np.array([fill], dtype=dtype))[codes]   # code -1 (missing) takes the last: fill
    return pd.Series(out, index=s.index, dtype=dtype)


def _serial(text: pd.Series) -> pd.Series:
    return text.str.strip().str.fullmatch(SERIAL).fillna(False)


def is_serial(text: pd.Series) -> pd.Series:
    """Cells holding an Excel serial day number (read as dates, with a notice)."""
    return per_distinct(text, _serial, dtype=bool)


def _years(text: pd.Series) -> pd.Series:
    """The year of each well-formed date string (NaN for anything else)."""
    text = date_part(text)
    year = text.str.extract(r"^\d{1,2}/\d{1,2}/(\d{4})$", expand=False)
    year = year.fillna(text.str.extract(r"^(\d{4})-\d{2}-\d{2}$", expand=False))
    return pd.to_numeric(year, errors="coerce")


def _outside(text: pd.Series) -> pd.Series:
    year = _years(text)
    return ((year < FIRST_YEAR) | (year > LAST_YEAR)).fillna(False)


def out_of_range(s: pd.Series) -> pd.Series:
    """Well-formed dates whose year is before FIRST_YEAR or after LAST_YEAR (False where blank); worked out once
    per distinct value."""
    return per_distinct(s, _outside, dtype=bool)


def parse_dates(s: pd.Series) -> pd.Series:
    """Date strings (see DMY, ISO, TIME, SERIAL) to dates; anything else (an impossible date, a year outside
    FIRST_YEAR..LAST_YEAR) is NaT: the year is checked on the text, before any conversion, so nothing wraps
    round. Each distinct string is parsed once (an extract has far fewer distinct dates than rows)."""
    codes, distinct = pd.factorize(s, use_na_sentinel=True)
    text = date_part(pd.Series(distinct, dtype="string").str.strip())
    year = _years(text)
    text = text.where((year >= FIRST_YEAR) & (year <= LAST_YEAR))
    dmy = pd.to_datetime(text.where(text.str.fullmatch(DMY).fillna(False)), format=DATE_FORMAT, errors="coerce")
    iso = pd.to_datetime(text.where(text.str.fullmatch(ISO).fillna(False)), format="%Y-%m-%d", errors="coerce")
    parsed = dmy.fillna(iso).to_numpy(dtype="datetime64[ns]")
    out = np.full(len(s), np.datetime64("NaT"), dtype="datetime64[ns]")
    out[codes >= 0] = parsed[codes[codes >= 0]]
    return pd.Series(out, index=s.index)


class ColumnDates(NamedTuple):
    """One date column worked out: its dates (:func:`parse_dates`), its :func:`out_of_range` flags and how many
    of its cells are Excel serial day numbers."""

    parsed: pd.Series
    outside: pd.Series
    serials: int


class DateMemo:
    """Every distinct date string of a load worked out once, whichever column or table holds it (an extract writes
    the same few thousand days in all its date columns): its date, whether it is well-formed but out of the
    plausible range and whether it is an Excel serial day number, each by the functions above, so the rules are
    theirs; a column then costs one pass to find its distinct strings."""

    def __init__(self):
        self.position: dict = {}       # date string -> its place in the arrays below
        self.dates = np.empty(0, dtype="datetime64[ns]")
        self.outside = np.empty(0, dtype=bool)
        self.serial = np.empty(0, dtype=bool)

    def _learn(self, values) -> None:
        new = [v for v in values if v not in self.position]
        if not new:
            return
        text = pd.Series(new, dtype="string")
        self.position.update(zip(new, range(len(self.position), len(self.position) + len(new))))
        self.dates = np.concatenate([self.dates, parse_dates(text).to_numpy(dtype="datetime64[ns]")])
        self.outside = np.concatenate([self.outside, _outside(text).to_numpy(dtype=bool)])
        self.serial = np.concatenate([self.serial, _serial(text).to_numpy(dtype=bool)])

    def column(self, s: pd.Series) -> ColumnDates:
        """The column ``s`` of date strings worked out (NaT, False where blank)."""
        codes, distinct = pd.factorize(s, use_na_sentinel=True)
        values = np.asarray(distinct, dtype=object)
        self._learn(values)
        at = np.fromiter((self.position[v] for v in values), dtype=np.intp, count=len(values))
        dates = np.append(self.dates[at], np.datetime64("NaT", "ns"))[codes]   # code -1 (blank) takes the last
        outside = np.append(self.outside[at], False)[codes]
        serials = int(self.serial[at][codes[codes >= 0]].sum())
        return ColumnDates(pd.Series(dates, index=s.index), pd.Series(outside, index=s.index, dtype=bool), serials)


def date_columns(df: pd.DataFrame, spec: TableSpec, memo: DateMemo | None = None) -> dict[str, ColumnDates]:
    """The table's date columns worked out (:class:`DateMemo`; ``memo`` carries the strings across tables)."""
    memo = DateMemo() if memo is None else memo
    return {c: memo.column(df[c]) for c in spec.dates if c in df}


def parse_numbers(s: pd.Series) -> pd.Series:
    """``pd.to_numeric(s, errors="coerce")`` worked out once per distinct value (an extract repeats the same few
    thousand distances, years and counts): the same numbers and dtype (float64 where a value is blank)."""
    codes, distinct = pd.factorize(s, use_na_sentinel=True)
    per_value = pd.to_numeric(pd.Series(distinct, dtype=s.dtype), errors="coerce")
    if per_value.dtype.kind not in "if" or not len(distinct):   # anything unusual: the whole column as it is
        return pd.to_numeric(s, errors="coerce")
    values = per_value.to_numpy()
    if (codes < 0).any():
        values = np.append(values.astype("float64"), np.nan)   # code -1 (blank) takes the last
    return pd.Series(values[codes], index=s.index, name=s.name)


def parse_columns(df: pd.DataFrame, spec: TableSpec, dates: dict[str, ColumnDates] | None = None
                  ) -> dict[str, pd.Series]:
    """The table's date and number columns parsed (NaT/NaN where a value is not one): done once, read by the
    checks and then used as the typed columns; ``dates`` is :func:`date_columns` of the table, when known."""
    dates = date_columns(df, spec) if dates is None else dates
    parsed = {c: d.parsed for c, d in dates.items()}
    parsed.update({c: parse_numbers(df[c]) for c in spec.numbers if c in df and c not in parsed})
    return parsed


# numbers with a valid range (DfE rule 164: PL_DISTANCE from 0.0 to 999.9 miles)
RANGES = {"PL_DISTANCE": (0.0, 999.9)}
DATE_ERROR = "date must be dd/mm/YYYY (or YYYY-MM-DD) and a real date"
RANGE_RULE = f"date out of the plausible range (year {FIRST_YEAR} to {LAST_YEAR})"


def _rules(s: pd.Series, spec: TableSpec, parsed: pd.Series | None, outside: pd.Series | None,
           code_ok: pd.Series | None = None) -> list[tuple[str, str | None, pd.Series]]:
    """The format rules of one column ``s`` (text), each worked out on the whole column at once: (rule, error
    message, the values that pass it). A blank passes every rule (a required value's blank is pandera's own
    nullable rule). Dates: blank, parsed, or well-formed but out of range (which has a rule of its own); numbers:
    blank or parsed, within RANGES; codes: blank or one of the DfE's."""
    c, rules = s.name, []
    is_code = c in spec.codes and c in CODES
    if c not in spec.dates and c not in spec.numbers and not is_code:
        return rules
    blank = s.isna()
    if c in spec.dates:
        flags = out_of_range(s) if outside is None else outside.reindex(s.index, fill_value=False)
        rules += [("date", DATE_ERROR, blank | parsed.notna() | flags), (RANGE_RULE, None, ~flags)]
    elif c in spec.numbers:
        rules.append(("number", "must be a number", blank | parsed.notna()))
        if c in RANGES:
            lo, hi = RANGES[c]
            rules.append((f"{c} must be from {lo:g} to {hi:g} (DfE rule 164)", None, parsed.isna() | parsed.between(lo, hi)))
    if is_code:
        ok = blank | s.isin(set(CODES[c])) if code_ok is None else code_ok.reindex(s.index, fill_value=True)
        rules.append(("code", f"{c} must be one of the DfE codes", ok))
    return rules


def _passes(mask: pd.Series):
    """A check that reads the values passing it, worked out beforehand on the whole column (:func:`_rules`)."""
    return lambda s: mask.reindex(s.index, fill_value=True)


def column_schema(spec: TableSpec, present: list[str], parsed: dict[str, pd.Series],
                  outside: dict[str, pd.Series] | None = None, *, df: pd.DataFrame,
                  code_ok: dict[str, pd.Series] | None = None) -> pa.DataFrameSchema:
    """The pandera schema of one table's columns (format rules only; cross-row rules are separate);
    ``parsed`` is :func:`parse_columns` of the table ``df``, ``outside`` its date columns' :func:`out_of_range`.
    Each rule is worked out once on the whole column (:func:`_rules`); pandera reports the values that fail it.
    Blanks are not dropped before a check (``ignore_na=False``: a blank passes each rule by the rule itself)."""
    cols = {}
    for c in present:
        checks = [pa.Check(_passes(mask), name=name, error=error, ignore_na=False)
                  for name, error, mask in _rules(df[c], spec, parsed.get(c), (outside or {}).get(c),
                                                  (code_ok or {}).get(c))]
        nullable = not (c == spec.key[0] or (spec.name == "episodes" and c == "DECOM"))
        # every column is read as text, so no dtype check (pandera would try to coerce each cell to check it)
        cols[c] = pa.Column(None, checks=checks, nullable=nullable, required=False, coerce=False)
    return pa.DataFrameSchema(cols, strict=False)


def _failures_to_dq(err: SchemaErrors, df: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    fc = err.failure_cases
    fc = fc[fc["index"].notna()].copy()
    if fc.empty:
        return pd.DataFrame(columns=DQ_COLUMNS + ["_index"])
    idx = fc["index"].astype(int)
    rows = df.loc[idx]
    rule = fc["check"].astype(str).map(_rule_text)
    is_key = fc["column"].isin([spec.key[0], "DECOM"] if spec.name == "episodes" else [spec.key[0]])
    return pd.DataFrame({
        "file": rows["_FILE"].to_numpy(), "row": rows["_ROW"].to_numpy(),
        "CHILD": rows["CHILD"].to_numpy() if "CHILD" in rows else None,
        "column": fc["column"].to_numpy(), "rule": rule.to_numpy(),
        "value": fc["failure_case"].astype(str).to_numpy(),
        "action": np.where(is_key, EXCLUDED, BLANKED), "_index": idx.to_numpy()})


def _rule_text(check: str) -> str:
    if check.startswith("not_nullable"):
        return "required value is blank"
    return check


def validate_table(df: pd.DataFrame, spec: TableSpec, dates: dict[str, ColumnDates] | None = None,
                   code_ok: dict[str, pd.Series] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate one table (strings in), return (typed frame, DQ rows); ``dates``: :func:`date_columns` of ``df``,
    ``code_ok``: its code columns' "code" rule, where :func:`tidy_codes` worked it out."""
    present = [c for c in spec.required + spec.optional if c in df.columns]
    dq = pd.DataFrame(columns=DQ_COLUMNS + ["_index"])
    dates = date_columns(df[present], spec) if dates is None else dates
    parsed = parse_columns(df[present], spec, dates)
    if len(df):
        try:
            outside = {c: d.outside for c, d in dates.items() if c in present}
            column_schema(spec, present, parsed, outside, df=df, code_ok=code_ok).validate(df, lazy=True)
        except SchemaErrors as err:
            dq = _failures_to_dq(err, df, spec)
    out = df.copy(deep=False)       # copy on write: a column changed below is copied then, the others never
    # blank the bad values, drop rows whose key is unusable
    for column, bad in dq.groupby("column")["_index"]:
        out.loc[bad.to_numpy(), column] = np.nan
    drop = set(dq.loc[dq["action"] == EXCLUDED, "_index"])
    if drop:
        out = out.drop(index=list(drop))
    blanked = set(dq["column"])
    for c, values in parsed.items():   # a value blanked above stays blank (a blank cell parsed as NaT/NaN already)
        values = values.reindex(out.index) if drop else values
        values = values.where(out[c].notna()) if c in blanked else values
        out[c] = values.astype("datetime64[s]") if c in spec.dates else values
    for c in spec.required + spec.optional:
        if c not in out:
            out[c] = pd.Series(pd.NaT if c in spec.dates else np.nan, index=out.index,
                               dtype="datetime64[ns]" if c in spec.dates else ("float64" if c in spec.numbers else object))
    return out, dq.drop(columns="_index")


def cross_checks(tables: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], list[pd.DataFrame]]:
    """Rules across rows and tables: DEC ≥ DECOM, an episode left open by an earlier return and gone from the later
    ones (:func:`gone_from_later_returns`), episodes of a child one after another (see :func:`episode_sequence`),
    DOB before DECOM, one header row per child, every child in episodes has a header row."""
    dq = []
    ep = tables["episodes"].sort_values(["CHILD", "DECOM"], kind="stable")
    bad = ep["DEC"].notna() & (ep["DEC"] < ep["DECOM"])
    dq.append(_dq_rows(ep, bad, "DEC", "DEC must be on or after DECOM", EXCLUDED))
    ep, gone_dq = gone_from_later_returns(ep[~bad])
    dq.extend(gone_dq)
    ep, sequence_dq = episode_sequence(ep)
    dq.extend(sequence_dq)
    dq.extend(code_date_checks(ep))

    hd = tables["header"]
    dup = hd.duplicated("CHILD", keep="first")
    dq.append(_dq_rows(hd, dup, "CHILD", "one header row per child (later duplicate ignored)", EXCLUDED))
    hd = hd[~dup]
    dob = ep["CHILD"].map(hd.set_index("CHILD")["DOB"])
    bad_dob = dob.notna() & (dob > ep["DECOM"])
    dq.append(_dq_rows(ep.assign(DOB=dob), bad_dob, "DOB", "DOB must be before DECOM", EXCLUDED))
    ep = ep[~bad_dob]
    no_header = ~ep["CHILD"].isin(hd["CHILD"])
    dq.append(_dq_rows(ep, no_header, "CHILD", "child has episodes but no header row (age and sex unknown)",
                       NOTED))
    tables = dict(tables, episodes=ep, header=hd)
    return tables, dq


# How a child's episodes are made one after another: as Social Finance's liia-tools merges yearly SSDA903 returns
# (its episodes fix, stage 1 rules 1 and 3 and stage 2 rules 4 and 5: https://github.com/SocialFinanceDigitalLabs/
# liia-tools), each change a DQ row. The later of two overlapping episodes is never dropped.
SAME_START_RULE = "two episodes of a child start on the same day: the later row is kept"
UNCLOSED_RULE = "DEC is blank but the child has a later episode"
OVERLAP_RULE = "episodes of a child overlap (DEC after the next DECOM): this one ended where the next starts"
X1_GAP_RULE = "REC is X1 (care continues) but the next episode starts later: ended where the next starts"


# Yearly merges: an episode open at the end of one return and absent from the later returns (liia-tools' episodes
# fix, stage 1: an open episode of a return older than the latest) was deleted there as a correction, so it must
# not stay open for ever. Rule 3A: a child's episode starting before it came from a later return (it was replaced)
# -> not read; rule 3: the same placement (RNE, LS, PLACE, PLACE_PROVIDER, PL_POST, URN) starts on another day in a
# later return (its start was corrected) -> not read; rule 2: no later episode -> ended on the 31 March of the last
# return holding it (as liia-tools ends it), its REC left blank (liia-tools writes E99, no DfE code): the later
# return is the correction, so the child is not counted in care at any date it covers (nor at that 31 March, the
# one figure that changes from the earlier return as submitted). Rule 1 (a later episode follows) is
# :func:`episode_sequence`'s UNCLOSED_RULE.
GONE_RULE = ("open at the end of its last return, absent from the later returns (deleted as a correction?): ended "
             "on that return's 31 March")
REPLACED_RULE = "open in an earlier return, replaced in a later return by an episode starting before it: not read"
RESTARTED_RULE = "open in an earlier return, the same placement starting another day in a later return: not read"
SAME_PLACEMENT = ("RNE", "LS", "PLACE", "PLACE_PROVIDER", "PL_POST", "URN")
TOP_LEVEL = 10**6          # _RETURN of a file beside the yearly folders (_merged)


def _same_as(ep: pd.DataFrame, other: pd.DataFrame) -> pd.Series:
    """Rows whose placement details equal those of ``other`` (aligned on the index; two blanks are equal)."""
    same = pd.Series(True, index=ep.index)
    for c in SAME_PLACEMENT:
        same &= (ep[c] == other[c]) | (ep[c].isna() & other[c].isna())
    return same


def gone_from_later_returns(ep: pd.DataFrame) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """Episodes (sorted by CHILD, DECOM, with ``_RETURN``) left open by a return older than the latest return holding
    episodes: replaced or restarted in a later return (not read), else ended on their return's 31 March; a DQ row
    each. Nothing changes for a single extract or one return."""
    year = np.floor(ep["_RETURN"]) if "_RETURN" in ep else pd.Series(TOP_LEVEL, index=ep.index, dtype=float)
    yearly = year < TOP_LEVEL
    if year[yearly].nunique() < 2:
        return ep, []
    stale = ep["DEC"].isna() & yearly & (year < year[yearly].max())
    by_child = ep.assign(_YEAR=year).groupby("CHILD")
    before, after = by_child.shift(1), by_child.shift(-1)
    replaced = stale & (before["_YEAR"] > year)
    restarted = stale & ~replaced & (((after["_YEAR"] > year) & _same_as(ep, after))
                                     | ((before["_YEAR"] > year) & _same_as(ep, before)))
    gone = stale & ~replaced & ~restarted & after["DECOM"].isna()
    dq = [_dq_rows(ep, replaced, "DECOM", REPLACED_RULE, EXCLUDED), _dq_rows(ep, restarted, "DECOM", RESTARTED_RULE,
                                                                             EXCLUDED)]
    year_end = pd.to_datetime(year.where(gone).dropna().astype(int).astype(str) + "-03-31")
    dq.append(_dq_rows(ep.assign(DEC=year_end.reindex(ep.index)), gone, "DEC", GONE_RULE, CLOSED_AT_RETURN_END))
    closed = ep["DEC"].mask(gone, year_end.combine(ep["DECOM"].reindex(year_end.index), max))
    return ep.assign(DEC=closed.astype(ep["DEC"].dtype))[~(replaced | restarted)], dq


def episode_sequence(ep: pd.DataFrame) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """A child's episodes (sorted by CHILD, DECOM) made one after another, each change a DQ row:
    - two episodes starting on the same day: the later row (file order) is kept, the earlier excluded;
    - an open episode (blank DEC) followed by another ends where the next starts;
    - an episode ending after the next one starts ends where the next starts (its REC is kept);
    - an episode ending X1 (a new episode follows in the same period of care) with a gap before the next one
      ends where the next starts: the codes say the child stayed looked after."""
    dq = []
    same_start = ep.duplicated(["CHILD", "DECOM"], keep="last")
    dq.append(_dq_rows(ep, same_start, "DECOM", SAME_START_RULE, EXCLUDED))
    ep = ep[~same_start]
    next_decom = ep.groupby("CHILD")["DECOM"].shift(-1)
    has_next = next_decom.notna()
    rules = {UNCLOSED_RULE: ep["DEC"].isna() & has_next,
             OVERLAP_RULE: ep["DEC"].notna() & has_next & (ep["DEC"] > next_decom),
             X1_GAP_RULE: ep["DEC"].notna() & has_next & (ep["DEC"] < next_decom) & (ep["REC"] == "X1")}
    for rule, mask in rules.items():
        dq.append(_dq_rows(ep, mask, "DEC", rule, CLOSED_AT_NEXT))
    changed = rules[UNCLOSED_RULE] | rules[OVERLAP_RULE] | rules[X1_GAP_RULE]
    # the DEC as recorded is kept beside it: the DfE's OC2 cohort rule reads the return as submitted
    return ep.assign(DEC_RECORDED=ep["DEC"], DEC=ep["DEC"].mask(changed, next_decom)), dq


def code_date_checks(episodes: pd.DataFrame) -> list[pd.DataFrame]:
    """DQ rows (reported only) for an episode whose code was not in the DfE's list when the episode started."""
    dq = []
    for column, codes in CODE_DATES.items():
        ep = episodes[episodes[column].isin(list(codes))]     # the few episodes with such a code, in their order
        for code, (first, last) in codes.items():
            used = ep[column] == code
            early = used & (ep["DECOM"] < pd.Timestamp(first)) if first else pd.Series(False, index=ep.index)
            late = used & (ep["DECOM"] > pd.Timestamp(last)) if last else pd.Series(False, index=ep.index)
            when = f"from {pd.Timestamp(first):%d/%m/%Y}" if first else f"until {pd.Timestamp(last):%d/%m/%Y}"
            dq.append(_dq_rows(ep, early | late, column, f"{column} {code} is a DfE code only for episodes starting "
                                                          f"{when}", NOTED))
    return dq


ADOPTER_DATE_ORDER = [("FORMAL_ENQUIRY_DATE", "ENQUIRY_DATE"), ("ROI_PACK_SENT_DATE", "FORMAL_ENQUIRY_DATE"),
                      ("VISIT_REPORT_DATE", "INITIAL_VISIT_DATE"), ("VISIT_SIGNOFF_DATE", "VISIT_REPORT_DATE"),
                      ("ROI_DECISION_DATE", "ROI_DATE"), ("STAGE1_END", "STAGE1_START"),
                      ("STAGE2_END", "STAGE2_START"), ("APPROVAL_DATE", "STAGE2_START"),
                      ("MATCH_DATE", "APPROVAL_DATE"), ("PLACEMENT_DATE", "MATCH_DATE")]


def local_table_checks(tables: dict[str, pd.DataFrame], indicator_units: dict[str, str] | None = None
                       ) -> tuple[dict[str, pd.DataFrame], list[pd.DataFrame]]:
    """Rules for the local tables: supplied indicators (no negatives, no numerator above the denominator of
    a percentage, a 0 denominator noted, an indicator the catalogue knows) and the adopters' dates in journey
    order. ``indicator_units`` ({indicator: unit}, from the catalogue, which this layer does not import) turns
    on the two rules that need it."""
    units = indicator_units or {}
    dq = []
    s = tables["supplied_indicators"]
    negative = (s["NUMERATOR"] < 0) | (s["DENOMINATOR"] < 0)
    dq.append(_dq_rows(s, negative & (s["NUMERATOR"] < 0), "NUMERATOR", "must not be negative", EXCLUDED))
    dq.append(_dq_rows(s, negative & ~(s["NUMERATOR"] < 0), "DENOMINATOR", "must not be negative", EXCLUDED))
    pct = s["INDICATOR"].map(lambda i: units.get(i) == "%").astype(bool)
    orphan = ~negative & (s["DENOMINATOR"] == 0) & (s["NUMERATOR"] > 0)
    dq.append(_dq_rows(s, orphan, "DENOMINATOR", "denominator is 0 but the numerator is not", EXCLUDED))
    above = ~negative & ~orphan & pct & (s["NUMERATOR"] > s["DENOMINATOR"])
    dq.append(_dq_rows(s, above, "NUMERATOR", "numerator must not exceed the denominator of a percentage", EXCLUDED))
    above = above | orphan  # (0 of 0 is a month with no cases: no value and no RAG, not an error)
    unknown = ~s["INDICATOR"].isin(list(units)) if indicator_units is not None else pd.Series(False, index=s.index)
    dq.append(_dq_rows(s, unknown, "INDICATOR", "not an indicator of the catalogue (row ignored)", EXCLUDED))
    not_month_end = s["PERIOD"].notna() & ~s["PERIOD"].dt.is_month_end
    dq.append(_dq_rows(s, not_month_end & ~negative & ~above & ~unknown, "PERIOD",
                       "PERIOD must be a month end (row ignored)", EXCLUDED))
    tables = dict(tables, supplied_indicators=s[~negative & ~above & ~unknown & ~not_month_end])
    a = tables["adopters"].copy()
    for later, earlier in ADOPTER_DATE_ORDER:
        if later in a and earlier in a:
            bad = a[later].notna() & a[earlier].notna() & (a[later] < a[earlier])
            dq.append(_dq_rows(a, bad, later, f"{later} must not be before {earlier}", BLANKED))
            a.loc[bad, later] = pd.NaT
    tables["adopters"] = a
    al = tables["allocations"]
    no_team = al["TEAM"].isna() | al["TEAM"].astype("string").str.strip().eq("")
    backwards = ~no_team & al["END"].notna() & al["START"].notna() & (al["END"] < al["START"])
    dq.append(_dq_rows(al, no_team, "TEAM", "an allocation must name a team (row ignored)", EXCLUDED))
    dq.append(_dq_rows(al, backwards, "END", "END must not be before START (row ignored)", EXCLUDED))
    tables["allocations"] = al[~no_team & ~backwards]
    return tables, dq


def _ignored(path: str, reason: str, value: str = "") -> pd.DataFrame:
    return pd.DataFrame([{"file": path, "row": None, "CHILD": None, "column": None, "rule": reason,
                          "value": value, "action": "file ignored"}])


def _return_year(part: readers.Part) -> pd.Series:
    """Each row's collection year: the yearly folder's, else the pooled layout's YEAR as its data read it
    (``_YEAR``, :func:`resolve_years`), else a YEAR column as a number, else NaN."""
    df = part.frame
    if part.year is not None:
        return pd.Series(float(part.year), index=df.index)
    if "_YEAR" in df:
        return parse_numbers(df["_YEAR"])
    if "YEAR" in df:
        return parse_numbers(df["YEAR"])
    return pd.Series(np.nan, index=df.index)


# ---------------------------------------------------------------- collection years read from the data
def _label(year: int) -> str:
    return f"{year - 1}-{year % 100:02d}"


def collection_year_of(dates: pd.Series) -> pd.Series:
    """The collection year of each date, named by the 31 March it ends on (01/04/2016-31/03/2017 is 2017)."""
    return dates.dt.year + (dates.dt.month >= 4).astype(int)


def data_year(episodes: pd.DataFrame) -> int | None:
    """The collection year a return's episodes (text DECOM and DEC) place it in; None without a usable date.

    A return holds the episodes open at some time in its year, as they stood on its 31 March: an ended episode
    says the return is of the year its DEC falls in, an open one that it is of its DECOM's year or a later one.
    The year the most episodes agree with wins (the latest of a tie). So one stray date (a DEC of 01/04/2018 in
    the 2017-18 return, a typed 2106) is one episode against all the others, where the plain latest date would
    move the whole return a year (or ninety)."""
    decom = collection_year_of(parse_dates(episodes["DECOM"])) if "DECOM" in episodes else pd.Series(dtype=float)
    dec = collection_year_of(parse_dates(episodes["DEC"])) if "DEC" in episodes else pd.Series(np.nan, decom.index)
    open_from = decom[dec.isna()].dropna()
    ended = dec.dropna()
    known = pd.concat([open_from, ended])
    if known.empty:
        return None
    years = np.arange(int(known.min()), int(known.max()) + 1)
    votes = (ended.value_counts().reindex(years, fill_value=0).to_numpy()
             + open_from.value_counts().reindex(years, fill_value=0).cumsum().to_numpy())
    return int(years[len(years) - 1 - np.argmax(votes[::-1])])


def _decide(name: str, read: int | None, offset: int | None, what: str) -> tuple[int, str | None]:
    """(the collection year, a notice or None) of a return called ``name`` whose data reads ``read``: the data
    wins; a return without episodes takes the naming convention (``offset``) the others showed, else the
    name as the year ending."""
    names = readers.name_years(name)
    said = " or ".join(_label(y) for y in names)
    if read is not None:
        if read in names:
            return read, None
        return read, (f"{what} {name}: its name says {said} but its episodes are of {_label(read)}; "
                      f"read as {_label(read)} (the data wins over the name).")
    if len(names) == 1:
        return names[0], None
    if offset is not None:
        return names[0] + offset, None
    return names[0], (f"{what} {name}: no episodes to read its collection year from and no other return shows "
                      f"how the years are named; read as {_label(names[0])} (the year ending 31 March {names[0]}).")


def _convention(reads: dict[str, int | None]) -> int | None:
    """How single-year names are given, as the returns with data show it: 0 (by the year ending), 1 (by the
    year starting), None when none shows it or they disagree."""
    offsets = {y - readers.name_years(n)[0] for n, y in reads.items()
               if y is not None and len(readers.name_years(n)) == 2 and y in readers.name_years(n)}
    return offsets.pop() if len(offsets) == 1 else None


def _resolve(reads: dict[str, int | None], what: str) -> tuple[dict[str, int], list[str]]:
    offset = _convention(reads)
    years, notices = {}, []
    for name, read in reads.items():
        years[name], notice = _decide(name, read, offset, what)
        if notice:
            notices.append(notice)
    return years, notices


def resolve_years(found: dict[str, list[readers.Part]]) -> list[str]:
    """Each yearly return's collection year read from its data (:func:`data_year`), whatever its folder is called
    (``2017`` may be 2016-17 or 2017-18; ``2016-17`` is 2016-17): set as the ``year`` of every part of a yearly
    folder and, for the pooled layout (a YEAR column in episodes), as ``_YEAR`` beside each row's YEAR (the annual
    tables' YEAR is replaced by it). Returns the notices: a name the data contradicts, a year read from the name
    alone. Two folders read as one year are then settled by :func:`one_return_per_year`."""
    parts = [p for ps in found.values() for p in ps]
    episodes = found.get("episodes", [])
    folders = sorted({p.folder for p in parts if p.folder})
    reads = {f: data_year(pd.concat([p.frame for p in episodes if p.folder == f] or [pd.DataFrame()]))
             for f in folders}
    years, notices = _resolve(reads, "folder")
    for p in parts:
        if p.folder:
            p.year = years[p.folder]
    return notices + _pooled_years(parts, episodes)


# ---------------------------------------------------------------- two folders of one collection year
ONE_RETURN_RULE = "one return per collection year"


def _tables_of(found: dict[str, list[readers.Part]], folder: str) -> dict[str, list[readers.Part]]:
    """The parts of one yearly folder, by table."""
    out = {name: [p for p in parts if p.folder == folder] for name, parts in found.items()}
    return {name: parts for name, parts in out.items() if parts}


def latest_event(tables: dict[str, list[readers.Part]], year: int) -> pd.Timestamp:
    """The latest event date a return holds on or before the 31 March its year ends on (episode starts and ends,
    reviews, missing episodes ...: :data:`EVENT_DATES`), NaT when it holds none. A February draft's is in February,
    the final return's at the end of March: the later one is the later version."""
    end = pd.Timestamp(year=year, month=3, day=31)
    latest = pd.NaT
    for name, parts in tables.items():
        for column, _ in EVENT_DATES.get(name, ()):
            for p in (p for p in parts if column in p.frame):
                dates = parse_dates(p.frame[column])
                dates = dates[dates <= end]
                if len(dates) and (pd.isna(latest) or dates.max() > latest):
                    latest = dates.max()
    return latest


def _same_return(a: dict[str, list[readers.Part]], b: dict[str, list[readers.Part]]) -> bool:
    """Two folders hold the same tables with the same rows (a copy of the return)."""
    if set(a) != set(b):
        return False
    rows = lambda parts: pd.concat([p.frame for p in parts], ignore_index=True)  # noqa: E731
    return all(readers.same_rows(rows(a[name]), rows(b[name])) for name in a)


def _day(date) -> str:
    return "no dated events" if pd.isna(date) else f"{pd.Timestamp(date):%d/%m/%Y}"


def _version_reason(winner: str, loser: str, dates: dict, year: int, same: bool) -> str:
    """Why a folder holding the same collection year as ``winner`` is not read (or a one-line refusal)."""
    if same:
        return f"folder ignored: an identical copy of {winner}/ (both hold the {_label(year)} return: read once)"
    if pd.isna(dates[loser]) and pd.isna(dates[winner]) or dates[loser] == dates[winner]:
        raise CicError(f"and {loser}/ both hold the {_label(year)} return, with different rows and nothing to tell "
                       f"which is the final one (both end on {_day(dates[winner])}): keep one (move the other "
                       f"into old/)", file=f"{winner}/", rule=ONE_RETURN_RULE)
    return (f"folder ignored: {winner}/ also holds the {_label(year)} return and was read, its latest date "
            f"({_day(dates[winner])}) being later than this folder's ({_day(dates[loser])}): this one is taken as "
            f"an earlier version (a draft)")


def one_return_per_year(found: dict[str, list[readers.Part]]
                        ) -> tuple[dict[str, list[readers.Part]], list[readers.Skipped], list[str]]:
    """Two yearly folders read as one collection year (``2016/`` beside ``2015-16/``): a February draft and the
    final return, or a copy. Folders holding no table in common are one return split in two and are read together.
    Otherwise one folder is read: an identical copy is passed over; else the folder whose latest event date
    (:func:`latest_event`, in the tables they share) is later is the final return and the others are listed as
    ignored, saying which won and why; when that date does not tell them apart the folders are refused in one line
    naming both.
    Returns (the parts kept, the folders ignored, notices)."""
    by_year: dict[int, list[str]] = {}
    for folder, year in sorted({(p.folder, p.year) for ps in found.values() for p in ps if p.folder}):
        by_year.setdefault(year, []).append(folder)
    skipped, notices, losers = [], [], set()
    for year, folders in by_year.items():
        if len(folders) < 2:
            continue
        tables = {f: _tables_of(found, f) for f in folders}
        shared = [n for n in TABLES if sum(n in t for t in tables.values()) > 1]
        if not shared:
            notices.append(f"folders {', '.join(f + '/' for f in folders)} hold different tables of the "
                           f"{_label(year)} return: read together as one return.")
            continue
        # compared on the tables they share: a draft must not win for holding a table the final return lacks
        dates = {f: latest_event({n: tables[f][n] for n in shared if n in tables[f]}, year) for f in folders}
        ranked = sorted(folders, key=lambda f: (pd.Timestamp.min if pd.isna(dates[f]) else dates[f]), reverse=True)
        for loser in ranked[1:]:
            reason = _version_reason(ranked[0], loser, dates, year, _same_return(tables[ranked[0]], tables[loser]))
            skipped.append(readers.Skipped(f"{loser}/", reason))
            losers.add(loser)
        notices.append(f"folders {', '.join(f + '/' for f in folders)} all hold the {_label(year)} return: "
                       f"{ranked[0]}/ is read, the other{'s' if len(folders) > 2 else ''} listed as ignored.")
    kept = {name: [p for p in parts if p.folder not in losers] for name, parts in found.items()}
    return {name: parts for name, parts in kept.items() if parts}, skipped, notices


DFE_TABLES = ("header", "episodes", "uasc", "placed_for_adoption", "ad1", "oc2", "oc3", "missing", "reviews",
              "prev_perm", "sw_episodes", "dolo")


def lacking_in_latest(found: dict[str, list[readers.Part]]) -> list[str]:
    """A notice when the latest yearly return lacks DfE tables that earlier returns have (a latest return of header
    and episodes only): the earlier returns' rows are kept (they are merged anyway), and the notice names each
    table with the latest return it was kept from, since the latest year's figures that need it count only those."""
    years = {p.folder: p.year for ps in found.values() for p in ps if p.folder}
    if len(set(years.values())) < 2:
        return []
    latest = max(years.values())
    kept = {}
    for name in DFE_TABLES:
        held = [p.year for p in found.get(name, []) if p.folder]
        if held and latest not in held:
            kept[name] = max(held)
    if not kept:
        return []
    folders = ", ".join(sorted(f + "/" for f, y in years.items() if y == latest))
    names = list(kept)
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    since = "; ".join(f"{', '.join(n for n in names if kept[n] == y)} up to {_label(y)}"
                      for y in sorted(set(kept.values()), reverse=True))
    return [f"The latest return, {_label(latest)} ({folders}), has no {listed} table: the earlier returns' rows are "
            f"kept ({since}), so {_label(latest)} figures that need them count only what those returns held."]


def _pooled_years(parts: list[readers.Part], episodes: list[readers.Part]) -> list[str]:
    """The pooled layout's YEAR labels (``2016``, ``2016/17``, ``2016-17``) read as collection years from the
    episodes of each label, set as ``_YEAR`` on every top-level part with a YEAR column."""
    pooled = [p for p in episodes if not p.folder and "YEAR" in p.frame]
    if not pooled:
        return []
    rows = pd.concat([p.frame for p in pooled], ignore_index=True)
    label = rows["YEAR"].astype("string").str.strip()
    reads = {str(k): data_year(g) for k, g in rows[label.notna()].groupby(label[label.notna()], sort=True)}
    reads.update({lab: None for p in parts if not p.folder and "YEAR" in p.frame
                  for lab in p.frame["YEAR"].dropna().astype(str).str.strip().unique()
                  if lab not in reads and readers.name_years(lab)})
    years, notices = _resolve(reads, "YEAR")
    for p in parts:
        if not p.folder and "YEAR" in p.frame:
            year = pd.to_numeric(p.frame["YEAR"].astype("string").str.strip().map(years), errors="coerce")
            p.frame = p.frame.assign(_YEAR=year)
            if _annual(p):       # OC2/OC3: YEAR is the collection year the rows are of
                p.frame["YEAR"] = p.frame["YEAR"].where(year.isna(), year.map("{:.0f}".format))
    return notices


def _annual(part: readers.Part) -> bool:
    """Whether a part is an annual table (one with a YEAR column in its spec: OC2, OC3)."""
    table, missing = recognise([c for c in part.frame.columns if not c.startswith("_")])
    return bool(table) and not missing and "YEAR" in TABLES[table].optional


def _recognised(parts: list[readers.Part], dq: list[pd.DataFrame]) -> dict[str, list[readers.Part]]:
    """Each part under the table its columns make it; parts that are no table are DQ rows ("file ignored")."""
    found: dict[str, list[readers.Part]] = {}
    for part in parts:
        columns = [c for c in part.frame.columns if not c.startswith("_")]
        table, missing = recognise(columns)
        if table is None:
            dq.append(_ignored(part.source, "file matches no known table (columns not recognised)",
                               ", ".join(columns[:6])))
            continue
        if missing and part.absent_is_blank:
            for c in missing:          # XML: an element left out is a blank value (DfE XML layout, blank tags)
                part.frame[c] = np.nan
        elif missing and TABLES[table].mandatory:
            raise CicError(f"looks like the '{table}' table but required column(s) {', '.join(missing)} "
                           f"are missing", file=part.source, column=missing[0], rule="required columns present")
        elif missing:
            dq.append(_ignored(part.source, f"looks like the '{table}' table but lacks required column(s) "
                                            f"{', '.join(missing)}: not read", ", ".join(columns[:6])))
            continue
        found.setdefault(table, []).append(part)
    return found


def _merged(spec: TableSpec, parts: list[readers.Part]) -> pd.DataFrame:
    """The parts of one table as one frame: ``_RETURN`` orders the returns by the collection year read from their
    data (a file at the top of the folder after every yearly one), annual tables take their return's collection
    year as YEAR."""
    frames = []
    folders = sorted({p.folder for p in parts})
    for part in parts:
        df = part.frame.copy()
        year = _return_year(part)
        # two folders read as one year (2017/ and 2016-17/ both 2016-17) are two returns: the later listed wins
        df["_RETURN"] = year.fillna(10**6) + folders.index(part.folder) / 1000
        if "YEAR" in spec.optional and part.year is not None:   # a return's OC2/OC3 rows are of its year
            df["YEAR"] = str(part.year)
        frames.append(df.drop(columns="_YEAR", errors="ignore"))
    df = pd.concat(frames, ignore_index=True)
    if "YEAR" in spec.key and "YEAR" not in df:
        df["YEAR"] = np.nan
    return df


def _normal_ids(text: pd.Series) -> pd.Series:
    text = text.str.replace(r"\s+", "", regex=True).str.upper()
    text = text.str.replace(r"^(\d+)\.0*$", r"\1", regex=True)
    text = text.str.replace(r"^0+(?=\d)", "", regex=True)
    return text.astype(object).where(text.notna() & (text != ""), np.nan)


def _repeated(df: pd.DataFrame, spec: TableSpec) -> pd.Series:
    """Rows repeating an earlier row exactly (in the same return; the columns made here, _FILE and _ROW, aside):
    looked for only among the rows whose key repeats, as two equal rows have equal keys."""
    columns = [c for c in df.columns if not (c.startswith("_") and c != "_RETURN")]
    key = [c for c in spec.key if c in columns] + (["_RETURN"] if "_RETURN" in columns else [])
    candidates = df.duplicated(key, keep=False) if key else pd.Series(True, index=df.index)
    out = pd.Series(False, index=df.index)
    if candidates.any():
        out[candidates] = df.loc[candidates, columns].duplicated()
    return out


def _plain_id(v) -> bool:
    """An id that is its own normal form (:func:`normalise_ids`): ASCII letters and digits only, no lower case, not
    starting with 0 (``1234``, ``AB12``): nothing for the regular expressions to do."""
    return isinstance(v, str) and v.isascii() and v.isalnum() and v[0] != "0" and (v.isdigit() or v.isupper())


def normalise_ids(ids: pd.Series, memo: dict | None = None) -> pd.Series:
    """CHILD ids as every table must hold them: no spaces, upper case, ``1234.0`` (a number through Excel) as
    ``1234`` and an all-digit id without leading zeros (``001234`` and ``1234`` are one child). Each distinct id
    is worked out once (a plain one, :func:`_plain_id`, without a regular expression); ``memo`` (id as written ->
    normal form) carries them from one table to the next."""
    memo = {} if memo is None else memo
    codes, distinct = pd.factorize(ids, use_na_sentinel=True)
    values = np.asarray(distinct, dtype=object)
    odd = []
    for v in values:
        if v not in memo:
            if _plain_id(v):
                memo[v] = v
            else:
                odd.append(v)
    if odd:
        memo.update(zip(odd, _normal_ids(pd.Series(odd, dtype="string"))))
    normal = np.array([memo[v] for v in values] + [np.nan], dtype=object)   # code -1 (missing) takes the last
    return pd.Series(normal[codes], index=ids.index, dtype=object)


def any_renamed(memo: dict) -> bool:
    """Whether :func:`normalise_ids` changed any id it was given (``memo``: every id it saw, as written -> normal)."""
    return any(isinstance(n, str) and n != v for v, n in memo.items())


def id_checks(tables: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], list[pd.DataFrame]]:
    """A DQ row (reported only; one per child and file) for each CHILD that matches the header (for the header:
    the episodes) only after :func:`normalise_ids`; the raw ids are then dropped."""
    dq = []
    if not any(_renamed(t).any() for t in tables.values() if "_RAW_CHILD" in t):   # nothing was normalised
        return {n: t.drop(columns="_RAW_CHILD", errors="ignore") for n, t in tables.items()}, dq
    raw = {n: set(t["_RAW_CHILD"].dropna()) if "_RAW_CHILD" in t else set() for n, t in tables.items()}
    out = {}
    for name, df in tables.items():
        if "_RAW_CHILD" not in df:
            out[name] = df
            continue
        against = raw["episodes" if name == "header" else "header"]
        ids = set(tables["episodes" if name == "header" else "header"]["CHILD"].dropna())
        needed = (df["_RAW_CHILD"].notna() & ~df["_RAW_CHILD"].isin(against) & df["CHILD"].isin(ids)
                  & ~df.duplicated(["_FILE", "CHILD"]))
        if needed.any():
            d = _dq_rows(df, needed, "_RAW_CHILD", "CHILD matches the other tables only after normalising "
                                                   "(spaces, case, leading zeros, .0)", NOTED)
            dq.append(d.assign(column="CHILD"))
        out[name] = df.drop(columns="_RAW_CHILD")
    return out, dq


def _renamed(df: pd.DataFrame) -> pd.Series:
    """Rows whose CHILD is not the raw id as written (normalised; a raw number is never equal to its text)."""
    return df["CHILD"].notna() & ~df["_RAW_CHILD"].eq(df["CHILD"])


def _open_markers(df: pd.DataFrame, spec: TableSpec) -> tuple[pd.DataFrame, int]:
    """End dates of 31/12/9999 (the "still open" marker of some exports) as blank, and how many there were."""
    marked = 0
    for column in [c for c in OPEN_END_DATES if c in spec.dates and c in df]:
        is_marker = df[column].isin(OPEN_MARKERS)
        marked += int(is_marker.sum())
        df[column] = df[column].mask(is_marker)
    return df, marked


def tidy_codes(df: pd.DataFrame, spec: TableSpec, code_ok: dict | None = None) -> tuple[pd.DataFrame, int]:
    """Code columns trimmed and upper-cased before they are checked (``e1`` and `` E1`` are ``E1``; the DfE's own
    spelling ``E4a`` is ``E4A``), as the DfE validator reads them; and how many cells that changed. ``code_ok``
    (a dict) is given each column's "code" rule (blank or one of CODES), worked out on its distinct codes."""
    changed = 0
    if not spec.child_level:            # the local tables' own codes (LEVEL county/area/team) are not the DfE's
        return df, changed
    for column in [c for c in spec.codes if c in df]:
        codes, distinct = pd.factorize(df[column], use_na_sentinel=True)    # each distinct code once
        text = pd.Series(distinct, dtype="string").str.strip().str.upper()
        tidy = text.astype(object).where(text.notna() & (text != ""), np.nan).to_numpy(dtype=object)
        differs = pd.notna(tidy) & (tidy != np.asarray(distinct, dtype=object))
        changed += int(differs[codes[codes >= 0]].sum())
        df[column] = pd.Series(np.append(tidy, np.nan)[codes], index=df.index, dtype=object)
        if code_ok is not None and column in CODES:
            allowed = set(CODES[column])
            ok = np.array([pd.isna(v) or v in allowed for v in tidy] + [True], dtype=bool)
            code_ok[column] = pd.Series(ok[codes], index=df.index, dtype=bool)
    return df, changed


def serial_dates(df: pd.DataFrame, spec: TableSpec, dates: dict[str, ColumnDates] | None = None) -> int:
    """How many date cells hold an Excel serial day number (``dates``: :func:`date_columns` of ``df``)."""
    dates = date_columns(df, spec) if dates is None else dates
    return sum(d.serials for d in dates.values())


def _format_notices(name: str, df: pd.DataFrame, spec: TableSpec, files: str,
                    dates: dict[str, ColumnDates] | None = None, code_ok: dict | None = None
                    ) -> tuple[pd.DataFrame, list[str]]:
    """Codes tidied and Excel day numbers read as dates: the same figures as a clean export, one notice each
    (``code_ok``: see :func:`tidy_codes`)."""
    df, codes = tidy_codes(df, spec, code_ok)
    serials = serial_dates(df, spec, dates)
    notices = []
    if codes:
        notices.append(f"{codes:,} {name} codes ({files}) were in lower case or had spaces round them, and were read "
                       f"upper-cased and trimmed (e1 as E1), as the DfE validator reads them.")
    if serials:
        notices.append(f"{serials:,} {name} dates ({files}) were Excel day numbers (a date cell formatted as General, "
                       f"e.g. 42461) and were read as the dates they stand for (42461 is 01/04/2016).")
    return df, notices


def _empty_table(spec: TableSpec) -> pd.DataFrame:
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in spec.required + spec.optional})
    empty["_FILE"], empty["_ROW"] = pd.Series(dtype=str), pd.Series(dtype=int)
    return validate_table(empty, spec)[0]


# dates that say when something happened (an event): after the extract date they are data-quality rows. A
# start after it excludes the row (it had not happened); an end after it is blanked (still open then).
EVENT_DATES = {
    "episodes": (("DECOM", EXCLUDED), ("DEC", BLANKED)),
    "reviews": (("REVIEW", EXCLUDED),),
    "missing": (("MIS_START", EXCLUDED), ("MIS_END", BLANKED)),
    "placed_for_adoption": (("DATE_PLACED", EXCLUDED), ("DATE_PLACED_CEASED", BLANKED)),
    "ad1": (("DATE_INT", BLANKED), ("DATE_MATCH", BLANKED)),
    "sw_episodes": (("SW_DECOM", EXCLUDED), ("SW_DEC", BLANKED)),
    "dolo": (("DOLO_START", EXCLUDED), ("DOLO_END", BLANKED)),
}


def extract_date_of(tables: dict[str, pd.DataFrame], return_years: list[int], override=None,
                    today=None) -> tuple[pd.Timestamp, str]:
    """(the extract date, how it was decided). ``override`` wins; yearly returns (year folders, or a YEAR
    column in episodes) end on 31 March of the latest collection year; a single extract's is the month end
    of its latest episode event (a DECOM or DEC not after ``today``) — never a review, a missing episode or a
    DUC, which may be recorded ahead. (Reporting periods are month ends and extracts are taken at one: a
    quiet last week must not cut that month's reviews off.)"""
    if override is not None:
        return pd.Timestamp(override).normalize(), "given"
    if return_years:
        return pd.Timestamp(year=max(return_years), month=3, day=31), \
            f"end of the latest collection year ({max(return_years) - 1}-{str(max(return_years))[2:]})"
    today = pd.Timestamp(today or pd.Timestamp.today()).normalize()
    ep = tables["episodes"]
    dates = pd.concat([ep["DECOM"], ep["DEC"]]).astype("datetime64[ns]")
    latest = dates[dates <= today].max()
    if pd.isna(latest):
        return pd.NaT, "no episode dates"
    return (pd.Timestamp(latest) + pd.offsets.MonthEnd(0)).normalize(), \
        f"month end of the latest episode start or end ({pd.Timestamp(latest):%d/%m/%Y})"


# how far after the extract date the other dates of child-level tables may be (MC_DOB, DATE_PERM: not at all);
# the date a child ceases to be UASC is planned ahead, up to their 18th birthday
FUTURE_MARGIN_YEARS = {"DUC": 18}


def after_extract_date(tables: dict[str, pd.DataFrame], extract_date) -> tuple[dict, list[pd.DataFrame]]:
    """Event dates after the extract date: DQ rows; the row is excluded (a start) or the date blanked (an end).
    Any other date of a child-level table after the extract date (plus FUTURE_MARGIN_YEARS) is blanked."""
    dq = []
    if pd.isna(extract_date):
        return tables, dq
    tables = dict(tables)
    rule = f"date after the extract date ({pd.Timestamp(extract_date):%d/%m/%Y})"
    for name, spec in TABLES.items():
        if name == "adoption_tracking":      # a local tracker: panel and meeting dates are booked ahead
            continue
        events = {c for c, _ in EVENT_DATES.get(name, ())} | {"DOB"}   # DOB: "DOB must be before DECOM" (cross_checks)
        df = tables[name]
        for column in [c for c in spec.dates if c not in events and spec.child_level and c in df]:
            years = FUTURE_MARGIN_YEARS.get(column, 0)
            limit = pd.Timestamp(extract_date) + pd.DateOffset(years=years)
            late = df[column].notna() & (df[column] > limit)
            if late.any():
                dq.append(_dq_rows(df, late, column, f"{rule[:-1]} + {years} years)" if years else rule, BLANKED))
                df = df.assign(**{column: df[column].mask(late)})
        tables[name] = df
    for name, columns in EVENT_DATES.items():
        df = tables[name]
        for column, action in columns:
            late = df[column].notna() & (df[column] > extract_date)
            if late.any():
                dq.append(_dq_rows(df, late, column, rule, action))
                df = df[~late] if action == EXCLUDED else df.assign(**{column: df[column].mask(late)})
        tables[name] = df
    return tables, dq


def annual_years(tables: dict[str, pd.DataFrame], extract_date) -> dict[str, pd.DataFrame]:
    """Annual tables (OC2, OC3) of a single extract belong to the collection year of its extract date: the
    year ending on the latest 31 March on or before it."""
    if pd.isna(extract_date):
        return tables
    e = pd.Timestamp(extract_date)
    year = e.year if (e.month, e.day) >= (3, 31) else e.year - 1
    out = dict(tables)
    for name, spec in TABLES.items():
        if "YEAR" in spec.optional and "YEAR" in out[name]:
            out[name] = out[name].assign(YEAR=out[name]["YEAR"].fillna(float(year)))
    return out


def read_extract(folder, la: str | None = None, extract_date=None,
                 indicator_units: dict[str, str] | None = None) -> Loaded:
    """Read, recognise and validate every table of an extract folder.

    ``la``: the authority to keep from pooled files (LA column); ``extract_date`` overrides the one worked
    out from the data (see :func:`extract_date_of`); ``indicator_units`` see :func:`local_table_checks`."""
    root = Path(folder)
    if not root.exists() or not root.is_dir():
        raise CicError("data folder does not exist: give the folder holding the SSDA903 files "
                       "(e.g. data/synthetic)", file=str(root), rule="data folder exists")
    files, skipped = readers.discover(root)
    dq: list[pd.DataFrame] = [_ignored(s.path, s.reason) for s in skipped]
    if not files:
        raise CicError("no CSV, XML or Excel files found in the data folder", file=str(root),
                       rule="data folder has data files")
    parts = []
    for path, year in files:
        parts.extend(readers.read_file(path, str(path.relative_to(root)), year))
        dq.extend(_ignored(f"{path.relative_to(root)} [{sheet}]", "sheet ignored: hidden in the workbook (often an "
                                                                  "older copy)") for sheet in readers.hidden_sheets(path))
    parts = readers.pick_authority(parts, la)
    return validate_parts(parts, dq, str(root), extract_date, indicator_units)


def validate_frames(frames: dict[str, pd.DataFrame], extract_date=None,
                    indicator_units: dict[str, str] | None = None) -> Loaded:
    """The tables of an extract given in memory (name -> frame of text cells, as a CSV holds them), validated
    exactly as :func:`read_extract` validates files: each frame is recognised by its columns, like a file."""
    parts = [readers.frame_part(df, f"{name} (in memory)") for name, df in frames.items()]
    return validate_parts(parts, [], "in-memory extract", extract_date, indicator_units)


def validate_parts(parts: list[readers.Part], dq: list[pd.DataFrame], where: str, extract_date=None,
                   indicator_units: dict[str, str] | None = None) -> Loaded:
    """Recognise, merge and validate the parts read from files (or given in memory); ``where`` names them
    in a one-line error."""
    found = _recognised(parts, dq)
    found, mixed = readers.one_format_per_return(found)
    found, copies = readers.one_copy_per_return(found)
    dq.extend(_ignored(m.path, m.reason) for m in mixed + copies)
    notices = resolve_years(found)          # each return's collection year, read from its episodes
    found, versions, settled = one_return_per_year(found)
    dq.extend(_ignored(v.path, v.reason) for v in versions)
    notices.extend(settled + lacking_in_latest(found))
    sources = {name: [p.source for p in ps] for name, ps in found.items()}
    present = {name: sorted({c for p in ps for c in p.frame.columns if not c.startswith("_")})
               for name, ps in found.items()}
    return_years = sorted({p.year for ps in found.values() for p in ps if p.year is not None})
    for p in found.get("episodes", []):
        if p.year is None and "YEAR" in p.frame:
            return_years = sorted(set(return_years) | set(_return_year(p).dropna().astype(int)))
    tables, ids, raw, memo = {}, {}, {}, DateMemo()
    for name, spec in TABLES.items():
        if name not in found:
            if spec.mandatory:
                raise CicError(f"the '{name}' table was not found: no file has its columns "
                               f"({', '.join(spec.required)})", file=where, rule="required table present")
            tables[name] = _empty_table(spec)
            continue
        df = _merged(spec, found[name])
        repeated = _repeated(df, spec)
        dq.append(_dq_rows(df, repeated, spec.key[0], "row repeated exactly in the same return: counted once", EXCLUDED))
        df = df[~repeated]
        if "CHILD" in df:      # the ids as written, for id_checks: set aside, a column only if any changed
            raw[name] = df["CHILD"]
            df["CHILD"] = normalise_ids(df["CHILD"], ids)
        if df.empty:
            notices.append(f"{', '.join(sources[name])}: column names but no rows, so the {name} table is empty "
                           f"(check the export if the authority has any).")
        df, marked = _open_markers(df, spec)
        dates, code_ok = date_columns(df, spec, memo), {}
        df, tidied = _format_notices(name, df, spec, ", ".join(sorted(set(sources[name]))), dates, code_ok)
        notices.extend(tidied)
        if marked:
            notices.append(f"{marked:,} {name} end dates of 31/12/9999 ({', '.join(sorted(set(sources[name])))}) "
                           f"are read as blank: still open at the extract date.")
        typed, table_dq = validate_table(df, spec, dates, code_ok)
        dq.append(table_dq)
        if typed["_RETURN"].nunique() > 1:  # an episode present in several returns is one episode: the latest wins
            key = [k for k in spec.key if k in typed]
            typed = typed.sort_values("_RETURN", kind="stable").drop_duplicates(key, keep="last")
        if spec.mandatory and typed.empty:
            raise CicError(f"the '{name}' table has no usable rows (header only, or every row excluded: see "
                           f"`cicanalysis validate`)", file=", ".join(sources[name]), rule="table has rows")
        tables[name] = typed.sort_index()
    if any_renamed(ids):
        tables = {n: t.assign(_RAW_CHILD=raw[n].reindex(t.index)) if n in raw else t for n, t in tables.items()}
    tables, matched = id_checks(tables)
    dq.extend(matched)
    date, how = extract_date_of(tables, return_years, extract_date)
    tables, late = after_extract_date(tables, date)
    dq.extend(late)
    tables = annual_years(tables, date)
    tables, extra = cross_checks(tables)
    tables, more = local_table_checks(tables, indicator_units)
    extra.extend(more)
    dq.extend(extra)
    dq_frame = pd.concat([d for d in dq if len(d)], ignore_index=True) if any(len(d) for d in dq) \
        else pd.DataFrame(columns=DQ_COLUMNS)
    dq_frame = dq_frame[DQ_COLUMNS]
    return Loaded(tables, dq_frame.reset_index(drop=True), sources, extract_date=date, extract_date_rule=how,
                  return_years=return_years, present=present, notices=notices)


def dq_summary(dq: pd.DataFrame) -> pd.DataFrame:
    """Counts of problems by file, column, rule and action (what the reports show)."""
    if dq.empty:
        return pd.DataFrame(columns=["file", "column", "rule", "action", "rows"])
    return (dq.groupby(["file", "column", "rule", "action"], dropna=False).size()
            .rename("rows").reset_index().sort_values("rows", ascending=False, kind="stable"))


def dq_headline(dq: pd.DataFrame, geo=None) -> str:
    """One sentence on the data-quality table, for the CLI and the reports; with ``geo`` (``x.geography``) a
    second on the postcodes: the share found in the ONS Postcode Directory and what was derived."""
    if dq.empty:
        out = "No data-quality problems were found in the extract."
    else:
        excluded = int((dq["action"] == EXCLUDED).sum())
        out = f"{len(dq)} data-quality rows; {excluded} rows excluded from the measures they break."
    return out if geo is None else f"{out} {geo.summary()}"
