"""Reading and validating an SSDA903-format extract (plus the local tables) with pandera.

``read_extract(folder)`` finds every CSV in ``folder`` (and in yearly sub-folders, merged with the
latest return winning), recognises each table by its columns, validates it and returns typed frames
plus the data-quality table (file, row, CHILD, column, rule, value, action).

Fatal problems (folder or required table missing, a recognisable table missing a required column, an
unreadable file) raise :class:`CicError` with one clear line. Everything else becomes a DQ row: a bad
value is blanked (the measures that need it lose that row) or, when the row cannot be used at all
(no CHILD, no start date, end before start, overlapping episode), the row is excluded.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from .errors import CicError

DATE_FORMAT = "%d/%m/%Y"

CODES = {
    "SEX": ["1", "2"],
    "RNE": ["S", "L", "P", "B", "T", "U"],
    "LS": ["C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4"],
    "CIN": [f"N{i}" for i in range(1, 9)],
    "PLACE": ["A3", "A4", "A5", "A6", "H5", "K1", "K2", "P1", "P2", "P3", "R1", "R2", "R3", "R5", "S1",
              "T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1"],
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
          dates=["DOB"], numbers=["HEALTH_CHECK", "TEETH_CHECK", "IMMUNISATIONS", "YEAR"], key=["CHILD", "YEAR"]),
    _spec("oc3", ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"], optional=["YEAR"], dates=["DOB"],
          numbers=["YEAR"], codes=["IN_TOUCH"], key=["CHILD", "YEAR"]),
    _spec("missing", ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"], optional=["RHI_OFFERED", "RHI_DATE"],
          dates=["DOB", "MIS_START", "MIS_END", "RHI_DATE"], codes=["MISSING"], key=["CHILD", "MIS_START"]),
    _spec("reviews", ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"], dates=["DOB", "REVIEW"], codes=["REVIEW_CODE"],
          key=["CHILD", "REVIEW"]),
    _spec("prev_perm", ["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"], dates=["DOB", "DATE_PERM"],
          codes=["PREV_PERM"]),
    _spec("sw_episodes", ["CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"],
          dates=["DOB", "SW_DECOM", "SW_DEC"], key=["CHILD", "SW_ID", "SW_DECOM"]),
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
]}

DQ_COLUMNS = ["file", "row", "CHILD", "column", "rule", "value", "action"]
EXCLUDED = "row excluded"
BLANKED = "value treated as blank"
NOTED = "reported only"


@dataclass
class Loaded:
    """Typed tables, the data-quality table and where each table came from."""

    tables: dict[str, pd.DataFrame]
    dq: pd.DataFrame
    sources: dict[str, list[str]] = field(default_factory=dict)


# ---------------------------------------------------------------- reading files
def _read_csv(path: Path) -> pd.DataFrame:
    raw = path.read_bytes()
    if not raw.strip():
        raise CicError("file is empty (no header row): export the table again with its column names",
                       file=str(path), rule="readable file")
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    try:
        # only an empty field is blank ("NA", "N/A" … are values); the parser blanks it, faster than a replace
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""],
                         skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        first = str(exc).splitlines()[0]
        line = re.search(r"line (\d+)", first)
        raise CicError(f"cannot be read as CSV ({first.replace('Error tokenizing data. C error: ', '')}): a row "
                       f"with more fields than the header, often an unquoted comma", file=str(path),
                       row=int(line.group(1)) if line else None, rule="readable file") from None
    df.columns = [str(c).strip().upper() for c in df.columns]
    return df.apply(_strip) if len(df) else df


def _strip(s: pd.Series) -> pd.Series:
    """Spaces around values removed (a value of spaces only is blank); the column is left as it is when
    none of its distinct values has any."""
    distinct = pd.Series(s.unique(), dtype=s.dtype)
    return s if distinct.str.strip().equals(distinct) else s.str.strip().replace("", np.nan)


def recognise(columns) -> tuple[str | None, list[str]]:
    """The table whose required columns the file has; else (best partial match, its missing columns).

    A file is that table when it has all of the table's required columns; when several match, the one
    with the most required columns wins. A file with at least half of a table's required columns
    (and CHILD where the table has one) but not all is that table with columns missing.
    """
    cols = set(columns)
    full = [s for s in TABLES.values() if set(s.required) <= cols]
    if full:
        return max(full, key=lambda s: len(s.required)).name, []
    best, best_missing, best_score = None, [], 0.0
    for s in TABLES.values():
        have = len(set(s.required) & cols)
        score = have / len(s.required)
        key_ok = (s.key[0] in cols)
        if key_ok and score >= 0.5 and score > best_score:
            best, best_score = s.name, score
            best_missing = [c for c in s.required if c not in cols]
    return best, best_missing


def _return_order(folder: Path, root: Path) -> tuple[int, str]:
    if folder == root:
        return (10**6, "")
    m = re.search(r"(19|20)\d{2}", folder.name)
    return (int(m.group(0)) if m else 0, folder.name)


def discover(root: Path) -> list[Path]:
    """CSV files at the top of ``root`` and in its yearly sub-folders (not ``authority/``)."""
    files = sorted(root.glob("*.csv")) + sorted(p for p in root.glob("*/*.csv") if p.parent.name != "authority")
    return files


# ---------------------------------------------------------------- validation
DMY = r"\d{1,2}/\d{1,2}/\d{4}"      # the DfE format (day and month may lack a leading zero)
ISO = r"\d{4}-\d{2}-\d{2}"          # also unambiguous, so accepted; anything else (two-digit years,
                                     # Excel serial numbers, 31/02/2015) is a data-quality row


def parse_dates(s: pd.Series) -> pd.Series:
    """dd/mm/YYYY or YYYY-MM-DD strings to dates; anything else (or an impossible date) is NaT.
    Each distinct string is parsed once (an extract has far fewer distinct dates than rows)."""
    codes, distinct = pd.factorize(s, use_na_sentinel=True)
    text = pd.Series(distinct, dtype="string")
    dmy = pd.to_datetime(text.where(text.str.fullmatch(DMY).fillna(False)), format=DATE_FORMAT, errors="coerce")
    iso = pd.to_datetime(text.where(text.str.fullmatch(ISO).fillna(False)), format="%Y-%m-%d", errors="coerce")
    parsed = dmy.fillna(iso).to_numpy(dtype="datetime64[ns]")
    out = np.full(len(s), np.datetime64("NaT"), dtype="datetime64[ns]")
    out[codes >= 0] = parsed[codes[codes >= 0]]
    return pd.Series(out, index=s.index)


def parse_columns(df: pd.DataFrame, spec: TableSpec) -> dict[str, pd.Series]:
    """The table's date and number columns parsed (NaT/NaN where a value is not one): done once, read by the
    checks and then used as the typed columns."""
    parsed = {c: parse_dates(df[c]) for c in spec.dates if c in df}
    parsed.update({c: pd.to_numeric(df[c], errors="coerce") for c in spec.numbers if c in df and c not in parsed})
    return parsed


def _parses(parsed: pd.Series):
    """A check: the value is blank, or it parsed."""
    return lambda s: s.isna() | parsed.reindex(s.index).notna()


def column_schema(spec: TableSpec, present: list[str], parsed: dict[str, pd.Series]) -> pa.DataFrameSchema:
    """The pandera schema of one table's columns (format rules only; cross-row rules are separate);
    ``parsed`` is :func:`parse_columns` of the table."""
    cols = {}
    for c in present:
        checks = []
        if c in spec.dates:
            checks.append(pa.Check(_parses(parsed[c]), name="date",
                                   error="date must be dd/mm/YYYY (or YYYY-MM-DD) and a real date"))
        elif c in spec.numbers:
            checks.append(pa.Check(_parses(parsed[c]), name="number", error="must be a number"))
        if c in spec.codes and c in CODES:
            allowed = set(CODES[c])
            checks.append(pa.Check(lambda s, a=allowed: s.isna() | s.isin(a), name="code",
                                   error=f"{c} must be one of the DfE codes"))
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


def validate_table(df: pd.DataFrame, spec: TableSpec) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate one table (strings in), return (typed frame, DQ rows)."""
    present = [c for c in spec.required + spec.optional if c in df.columns]
    dq = pd.DataFrame(columns=DQ_COLUMNS + ["_index"])
    parsed = parse_columns(df[present], spec)
    if len(df):
        try:
            column_schema(spec, present, parsed).validate(df, lazy=True)
        except SchemaErrors as err:
            dq = _failures_to_dq(err, df, spec)
    out = df.copy()
    # blank the bad values, drop rows whose key is unusable
    for column, bad in dq.groupby("column")["_index"]:
        out.loc[bad.to_numpy(), column] = np.nan
    drop = set(dq.loc[dq["action"] == EXCLUDED, "_index"])
    out = out.drop(index=list(drop))
    for c, values in parsed.items():   # a value blanked above stays blank
        values = values.reindex(out.index).where(out[c].notna())
        out[c] = values.astype("datetime64[s]") if c in spec.dates else values
    for c in spec.required + spec.optional:
        if c not in out:
            out[c] = pd.Series(pd.NaT if c in spec.dates else np.nan, index=out.index,
                               dtype="datetime64[ns]" if c in spec.dates else ("float64" if c in spec.numbers else object))
    return out, dq.drop(columns="_index")


def _dq_rows(df: pd.DataFrame, mask: pd.Series, column: str, rule: str, action: str) -> pd.DataFrame:
    bad = df[mask]
    if bad.empty:
        return pd.DataFrame(columns=DQ_COLUMNS)
    value = bad[column]
    if pd.api.types.is_datetime64_any_dtype(value):
        value = value.dt.strftime(DATE_FORMAT)
    return pd.DataFrame({"file": bad["_FILE"], "row": bad["_ROW"],
                         "CHILD": bad["CHILD"] if "CHILD" in bad else None, "column": column, "rule": rule,
                         "value": value.astype(str), "action": action})


def cross_checks(tables: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], list[pd.DataFrame]]:
    """Rules across rows and tables: DEC ≥ DECOM, no overlapping episodes, DOB before DECOM,
    one header row per child, every child in episodes has a header row."""
    dq = []
    ep = tables["episodes"].sort_values(["CHILD", "DECOM"], kind="stable")
    bad = ep["DEC"].notna() & (ep["DEC"] < ep["DECOM"])
    dq.append(_dq_rows(ep, bad, "DEC", "DEC must be on or after DECOM", EXCLUDED))
    ep = ep[~bad]
    prev_dec = ep.groupby("CHILD")["DEC"].shift()
    prev_open = ep.groupby("CHILD")["DECOM"].shift().notna() & prev_dec.isna()
    overlap = (prev_dec.notna() & (ep["DECOM"] < prev_dec)) | prev_open
    dq.append(_dq_rows(ep, overlap, "DECOM", "episodes of a child must not overlap (starts before the "
                                             "previous episode ends)", EXCLUDED))
    ep = ep[~overlap]

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


ADOPTER_DATE_ORDER = [("FORMAL_ENQUIRY_DATE", "ENQUIRY_DATE"), ("ROI_PACK_SENT_DATE", "FORMAL_ENQUIRY_DATE"),
                      ("VISIT_REPORT_DATE", "INITIAL_VISIT_DATE"), ("VISIT_SIGNOFF_DATE", "VISIT_REPORT_DATE"),
                      ("ROI_DECISION_DATE", "ROI_DATE"), ("STAGE1_END", "STAGE1_START"),
                      ("STAGE2_END", "STAGE2_START"), ("APPROVAL_DATE", "STAGE2_START"),
                      ("MATCH_DATE", "APPROVAL_DATE"), ("PLACEMENT_DATE", "MATCH_DATE")]


def local_table_checks(tables: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], list[pd.DataFrame]]:
    """Rules for the local tables: supplied indicators (no negatives, no numerator above the denominator of
    a percentage, a 0 denominator noted) and the adopters' dates in journey order."""
    from .metrics import BY_ID  # the catalogue says which indicators are percentages
    dq = []
    s = tables["supplied_indicators"]
    negative = (s["NUMERATOR"] < 0) | (s["DENOMINATOR"] < 0)
    dq.append(_dq_rows(s, negative & (s["NUMERATOR"] < 0), "NUMERATOR", "must not be negative", EXCLUDED))
    dq.append(_dq_rows(s, negative & ~(s["NUMERATOR"] < 0), "DENOMINATOR", "must not be negative", EXCLUDED))
    pct = s["INDICATOR"].map(lambda i: BY_ID[i].unit == "%" if i in BY_ID else False).astype(bool)
    orphan = ~negative & (s["DENOMINATOR"] == 0) & (s["NUMERATOR"] > 0)
    dq.append(_dq_rows(s, orphan, "DENOMINATOR", "denominator is 0 but the numerator is not", EXCLUDED))
    above = ~negative & ~orphan & pct & (s["NUMERATOR"] > s["DENOMINATOR"])
    dq.append(_dq_rows(s, above, "NUMERATOR", "numerator must not exceed the denominator of a percentage", EXCLUDED))
    above = above | orphan  # (0 of 0 is a month with no cases: no value and no RAG, not an error)
    unknown = ~s["INDICATOR"].isin(list(BY_ID))
    dq.append(_dq_rows(s, unknown, "INDICATOR", "not an indicator of the catalogue (row ignored)", EXCLUDED))
    tables = dict(tables, supplied_indicators=s[~negative & ~above & ~unknown])
    a = tables["adopters"].copy()
    for later, earlier in ADOPTER_DATE_ORDER:
        if later in a and earlier in a:
            bad = a[later].notna() & a[earlier].notna() & (a[later] < a[earlier])
            dq.append(_dq_rows(a, bad, later, f"{later} must not be before {earlier}", BLANKED))
            a.loc[bad, later] = pd.NaT
    tables["adopters"] = a
    return tables, dq


def read_extract(folder) -> Loaded:
    root = Path(folder)
    if not root.exists() or not root.is_dir():
        raise CicError("data folder does not exist: give the folder holding the SSDA903 CSV files "
                       "(e.g. data/synthetic)", file=str(root), rule="data folder exists")
    files = discover(root)
    if not files:
        raise CicError("no CSV files found in the data folder", file=str(root), rule="data folder has CSV files")
    parts: dict[str, list[tuple[tuple, pd.DataFrame]]] = {}
    dq: list[pd.DataFrame] = []
    sources: dict[str, list[str]] = {}
    for path in files:
        df = _read_csv(path)
        table, missing = recognise(df.columns)
        rel = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
        if table is None:
            dq.append(pd.DataFrame([{"file": rel, "row": None, "CHILD": None, "column": None,
                                     "rule": "file matches no known table (columns not recognised)",
                                     "value": ", ".join(df.columns[:6]), "action": "file ignored"}]))
            continue
        if missing:
            raise CicError(f"looks like the '{table}' table but required column(s) {', '.join(missing)} "
                           f"are missing", file=rel, column=missing[0], rule="required columns present")
        df["_FILE"] = rel
        df["_ROW"] = np.arange(2, len(df) + 2)  # spreadsheet row: the header is row 1
        order = _return_order(path.parent, root)
        if "YEAR" in TABLES[table].optional and "YEAR" not in df and 0 < order[0] < 10**6:
            df["YEAR"] = str(order[0])  # OC2/OC3 of a yearly return: the collection year is the folder's
        parts.setdefault(table, []).append((order, df))
        sources.setdefault(table, []).append(rel)
    tables = {}
    for name, spec in TABLES.items():
        if name not in parts:
            if spec.mandatory:
                raise CicError(f"the '{name}' table was not found: no CSV file has its columns "
                               f"({', '.join(spec.required)})", file=str(root), rule="required table present")
            empty = pd.DataFrame({c: pd.Series(dtype=str) for c in spec.required + spec.optional})
            empty["_FILE"], empty["_ROW"] = pd.Series(dtype=str), pd.Series(dtype=int)
            typed, _ = validate_table(empty, spec)
            tables[name] = typed
            continue
        ordered = [df.assign(_RETURN=i) for i, (_, df) in enumerate(sorted(parts[name], key=lambda x: x[0]))]
        df = pd.concat(ordered, ignore_index=True)
        if "YEAR" in spec.key and "YEAR" not in df:
            df["YEAR"] = np.nan
        typed, table_dq = validate_table(df, spec)
        dq.append(table_dq)
        if len(ordered) > 1:  # an episode present in several returns is one episode: the latest wins
            key = [k for k in spec.key if k in typed]
            typed = typed.sort_values("_RETURN", kind="stable").drop_duplicates(key, keep="last")
        if spec.mandatory and typed.empty:
            raise CicError(f"the '{name}' table has no usable rows (header only, or every row excluded: see "
                           f"`cicanalysis validate`)", file=", ".join(sources[name]), rule="table has rows")
        tables[name] = typed.sort_index()
    tables, extra = cross_checks(tables)
    tables, more = local_table_checks(tables)
    extra.extend(more)
    dq.extend(extra)
    dq_frame = pd.concat([d for d in dq if len(d)], ignore_index=True) if any(len(d) for d in dq) \
        else pd.DataFrame(columns=DQ_COLUMNS)
    dq_frame = dq_frame[DQ_COLUMNS]
    return Loaded(tables, dq_frame.reset_index(drop=True), sources)


def dq_summary(dq: pd.DataFrame) -> pd.DataFrame:
    """Counts of problems by file, column, rule and action (what the reports show)."""
    if dq.empty:
        return pd.DataFrame(columns=["file", "column", "rule", "action", "rows"])
    return (dq.groupby(["file", "column", "rule", "action"], dropna=False).size()
            .rename("rows").reset_index().sort_values("rows", ascending=False, kind="stable"))


def dq_headline(dq: pd.DataFrame) -> str:
    """One sentence on the data-quality table, for the CLI and the reports."""
    if dq.empty:
        return "No data-quality problems were found in the extract."
    excluded = int((dq["action"] == EXCLUDED).sum())
    return f"{len(dq)} data-quality rows; {excluded} rows excluded from the measures they break."
