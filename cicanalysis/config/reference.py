"""Committed reference data under ``data/reference`` (each file names the source of its figures), and the
authority's own configuration.

National figures (DfE adoption thresholds and the targets set from them, England's adoption averages, national
averages, the DfE's published statistics under ``published/``) are committed here. Everything about one
authority (name, LA code, teams → districts → areas, child population, recruitment freezes, local targets,
its own adoption comparators) lives in that authority's ``authority/`` folder, inside its data
folder (``cicanalysis init`` writes a template) or given to ``load(authority_dir=...)``. Without one, the
reports say "Local authority", show the county only and leave the rate per 10,000 and local targets
blank: an extract is never dressed in another authority's configuration. The synthetic authority's
configuration is in ``data/reference/synthetic_authority`` and ``cicanalysis generate`` copies it beside
the data it writes.
"""
from __future__ import annotations

import csv
import io
import os
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..core import dq as DQ
from ..core.errors import CicError
from ..readers.csvfile import decode

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "data" / "reference"
SYNTHETIC_AUTHORITY_DIR = REFERENCE_DIR / "synthetic_authority"
PUBLISHED_DIR = REFERENCE_DIR / "published"
LA_CODE_RULE = ("la_code is the authority's 3-digit DfE LA code (e.g. 886) or its E-code, current or old, as listed "
                "in data/reference/published/las.csv")
DEFAULT_NAME = "Local authority"
AUTHORITY_FILES = ("authority.csv", "teams.csv", "population.csv", "recruitment_freezes.csv", "targets.csv",
                   "commentary.csv")
TEAM_COLUMNS = ["TEAM", "DISTRICT", "AREA"]


def authority_dir(override: str | os.PathLike | None = None) -> Path | None:
    """The authority's configuration folder: ``override`` as a path, else None (no environment variable is read:
    a value crosses layers as an argument)."""
    return Path(override) if override is not None else None


def _read(path: Path) -> pd.DataFrame:
    """A configuration CSV as text (any encoding the extract may have, UTF-16 included), column names
    upper-cased and stripped. A row with more fields than the header (an unquoted ``251,300``) is refused."""

    if not path.exists():
        raise CicError("reference file is missing", file=str(path))
    try:
        rows = list(csv.reader(io.StringIO(decode(path.read_bytes()))))
    except (OSError, csv.Error) as exc:
        raise CicError(f"cannot be read as CSV ({exc})", file=str(path), rule="readable file") from None
    rows = [r for r in rows if any(v.strip() for v in r)]
    if not rows:
        raise CicError("file is empty (no header row)", file=str(path), rule="readable file")
    header = [c.strip().upper() for c in rows[0]]
    for n, r in enumerate(rows[1:], start=2):
        if len(r) > len(header):
            raise CicError(f"has {len(r)} fields but the header has {len(header)}: an unquoted comma? (write "
                           f"251300 or \"251,300\")", file=str(path), row=n, rule="readable file")
    df = pd.DataFrame([[v.strip() for v in r] + [""] * (len(header) - len(r)) for r in rows[1:]], columns=header,
                      dtype=str)
    return df            # (row n of the frame is row n + 2 of the file: the header is row 1)


def _require(df: pd.DataFrame, path: Path, columns) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise CicError(f"needs the column(s) {', '.join(columns)}; found {', '.join(df.columns)}", file=str(path),
                       column=missing[0], rule="configuration columns present")


def _numbers(df: pd.DataFrame, path: Path, columns, required=()) -> pd.DataFrame:
    """``columns`` as numbers (``243,500`` accepted); a value that is not one, or a blank in ``required``, is a
    one-line error naming the row and column (a target of ``55%`` would otherwise vanish silently)."""
    df = df.copy()
    for c in columns:
        text = df[c].str.replace(",", "", regex=False).str.strip()
        value = pd.to_numeric(text.replace("", None), errors="coerce")
        bad = (text != "") & value.isna() | ((text == "") & (c in required))
        if bad.any():
            row = bad.idxmax()
            raise CicError(f"{df.at[row, c]!r} is not a number{' (write 55 for 55%)' if '%' in df.at[row, c] else ''}",
                           file=str(path), row=int(row) + 2, column=c, rule="configuration value is a number")
        df[c] = value
    return df


def _optional(folder: str | None, name: str) -> pd.DataFrame | None:
    """A file of the authority folder, or None when there is no folder or no such file."""
    if folder is None or not (Path(folder) / name).is_file():
        return None
    return _read(Path(folder) / name)


def _key(folder) -> str | None:
    d = authority_dir(folder)
    return str(d) if d is not None else None


@lru_cache(maxsize=8)
def _authority(folder: str | None) -> dict:
    df = _optional(folder, "authority.csv")
    if df is not None:
        _require(df, Path(folder) / "authority.csv", ["KEY", "VALUE"])
        df = df[~df["KEY"].str.startswith("#")]          # a comment line (the `init` template's question)
    values = dict(zip(df["KEY"].str.lower(), df["VALUE"])) if df is not None else {}
    name = values.get("name", "").strip()
    la = resolve_la_code(values.get("la_code", ""), file=str(Path(folder) / "authority.csv") if folder else None)
    out = {"name": name or DEFAULT_NAME, "short_name": values.get("short_name", "").strip() or name or DEFAULT_NAME,
           "source": values.get("source", ""), "configured": bool(name),
           "la_code": la["LA_CODE"] if la else "", "la_name": la["LA_NAME"] if la else "",
           "fictional": values.get("fictional", "").strip().lower() in ("yes", "true", "1")}
    return out


def authority(folder=None) -> dict:
    """{name, short_name, source, configured, la_code, la_name, fictional} of the authority ("Local authority"
    when not configured). ``la_code`` is the 3-digit DfE code the ``la_code`` row of ``authority.csv`` names
    (given as 3 digits or an E-code, old E-codes too), "" when none is given: then nothing is compared with
    published figures. ``fictional`` (``fictional,yes``): the data are made up (the synthetic authority) and
    ``la_code`` names the real authority whose published figures it is benchmarked as."""
    return dict(_authority(_key(folder)))


# the covering report's cover (SPEC 3.3): keys of authority.csv, with what a report says when one is not filled in
COVER_KEYS = {"cover_to": "Corporate Parenting Panel", "cover_from": "", "cover_lead_officer": "", "cover_contact": "",
              "cover_subject": "Children in Care performance scorecard", "cover_summary": "",
              "cover_background": ""}


@lru_cache(maxsize=8)
def _cover(folder: str | None) -> tuple[tuple[str, str], ...]:
    df = _optional(folder, "authority.csv")
    values = dict(zip(df["KEY"].str.lower(), df["VALUE"])) if df is not None and "KEY" in df else {}
    return tuple((k, values.get(k, "").strip() or default) for k, default in COVER_KEYS.items())


def cover(folder=None) -> dict:
    """The covering report's cover from ``authority.csv`` (keys without the ``cover_`` prefix): ``to`` (the panel,
    default "Corporate Parenting Panel"), ``from`` (the director), ``lead_officer``, ``contact`` (name, telephone,
    e-mail), ``subject`` (default "Children in Care performance scorecard"), ``summary`` (a sentence added to the
    summary worked out from the figures) and ``background`` (background documents). "" when not filled in."""
    return {k.removeprefix("cover_"): v for k, v in _cover(_key(folder))}


COMMENTARY_FILE = "commentary.csv"
COMMENTARY_COLUMNS = ["PERIOD", "INDICATOR", "TEXT"]


def _commentary_dates(text: pd.Series) -> pd.Series:
    """dd/mm/YYYY (or YYYY-MM-DD) as dates; anything else NaT."""
    day_first = pd.to_datetime(text, format="%d/%m/%Y", errors="coerce")
    return day_first.fillna(pd.to_datetime(text, format="%Y-%m-%d", errors="coerce"))


@lru_cache(maxsize=8)
def _commentary(folder: str | None, known: frozenset | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    df = _optional(folder, COMMENTARY_FILE)
    if df is None:
        return pd.DataFrame({"PERIOD": pd.Series(dtype="datetime64[ns]"), "INDICATOR": pd.Series(dtype=str),
                             "TEXT": pd.Series(dtype=str)}), DQ.empty()
    path = Path(folder) / COMMENTARY_FILE
    _require(df, path, COMMENTARY_COLUMNS)
    df = df.assign(_FILE=f"authority/{COMMENTARY_FILE}", _ROW=df.index + 2, INDICATOR=df["INDICATOR"].str.upper(),
                   PERIOD_TEXT=df["PERIOD"], PERIOD=_commentary_dates(df["PERIOD"]))
    not_date = df["PERIOD"].isna()
    not_month_end = ~not_date & ~df["PERIOD"].dt.is_month_end
    unknown = ~df["INDICATOR"].isin(known) if known is not None else pd.Series(False, index=df.index)
    blank = df["TEXT"] == ""
    checks = [(not_date, "PERIOD_TEXT", "PERIOD must be a dd/mm/YYYY date (row ignored)"),
              (not_month_end, "PERIOD_TEXT", "PERIOD must be a month end, the scorecard's period (row ignored)"),
              (~not_date & unknown, "INDICATOR", "not an indicator of the catalogue (row ignored)"),
              (~not_date & ~unknown & blank, "TEXT", "TEXT is blank: no explanation (row ignored)")]
    dq = [DQ.dq_rows(df, mask, column, rule, DQ.EXCLUDED).assign(column=column.replace("_TEXT", ""))
          for mask, column, rule in checks]
    keep = ~(not_date | not_month_end | unknown | blank)
    return (df.loc[keep, COMMENTARY_COLUMNS].reset_index(drop=True),
            pd.concat([d for d in dq if len(d)] or [DQ.empty()], ignore_index=True))


def commentary(folder=None, known=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The officers' explanations (``commentary.csv`` of the authority folder: PERIOD, the scorecard's month end as
    dd/mm/YYYY; INDICATOR, a catalogue id; TEXT, the officer's words) and the data-quality rows of the rows left out
    (PERIOD not a date or not a month end, an indicator ``known`` does not hold, a blank TEXT). A file without the
    three columns is a one-line error. Returns (PERIOD, INDICATOR, TEXT rows kept; DQ rows); both empty without the
    file."""
    frame, dq = _commentary(_key(folder), frozenset(known) if known is not None else None)
    return frame.copy(), dq.copy()


# ---------------------------------------------------------------- published statistics (data/reference/published)
@lru_cache(maxsize=1)
def _published_las() -> pd.DataFrame:
    return _read(PUBLISHED_DIR / "las.csv")


def published_las() -> pd.DataFrame:
    """The LA lookup (``las.csv``): LA_CODE, NEW_LA_CODE, OLD_LA_CODES, LA_NAME, LA_TYPE, REGION_CODE,
    REGION_NAME, INNER_OUTER_LONDON, INNER_OUTER_LONDON_CODE, ... (text)."""
    return _published_las().copy()


def resolve_la_code(code: str, file: str | None = None) -> dict | None:
    """The ``las.csv`` row (as a dict) of a 3-digit DfE LA code or an E-code (current or old); None for a
    blank code; an unknown one is a one-line error naming ``file``, the column and the rule."""
    code = str(code or "").strip().upper()
    if not code:
        return None
    las = _published_las()
    old = las["OLD_LA_CODES"].str.split(";")
    hit = las[(las["LA_CODE"] == code) | (las["NEW_LA_CODE"] == code) | old.apply(lambda codes: code in codes)]
    if hit.empty:
        raise CicError(f"la_code {code!r} is not a known DfE LA code", file=file or "authority.csv", column="la_code",
                       rule=LA_CODE_RULE)
    return hit.iloc[0].to_dict()


@lru_cache(maxsize=1)
def _published_figures() -> pd.DataFrame:
    df = pd.read_csv(PUBLISHED_DIR / "figures.csv", dtype=str, keep_default_na=False)
    for c in ("NUMERATOR", "DENOMINATOR", "VALUE"):
        df[c] = pd.to_numeric(df[c].replace("", None), errors="coerce")
    return df.assign(YEAR=df["YEAR"].astype(int))


def published_figures() -> pd.DataFrame:
    """The DfE's published figures (``figures.csv``, read once): INDICATOR, LA_CODE, NEW_LA_CODE, LEVEL
    (England/Region/LA), AREA_NAME, YEAR (int), NUMERATOR, DENOMINATOR, VALUE (numbers, NaN when not
    published), SUPPRESSION (c/z/x/k), RELEASE, SOURCE."""
    return _published_figures()      # large and read-only: callers filter, never modify


@lru_cache(maxsize=1)
def _published_neighbours() -> pd.DataFrame:
    df = _read(PUBLISHED_DIR / "neighbours.csv")
    return df.assign(NEIGHBOUR_RANK=df["NEIGHBOUR_RANK"].astype(int))


def published_neighbours() -> pd.DataFrame:
    """The DfE statistical neighbour groups (``neighbours.csv``): LIST, LA_CODE, NEIGHBOUR_RANK (1-10),
    NEIGHBOUR_LA_CODE, NEIGHBOUR_LA_NAME, CLOSENESS."""
    return _published_neighbours().copy()


@lru_cache(maxsize=8)
def _teams(folder: str | None) -> pd.DataFrame:
    df = _optional(folder, "teams.csv")
    if df is None:
        return pd.DataFrame(columns=TEAM_COLUMNS)
    path = Path(folder) / "teams.csv"
    _require(df, path, TEAM_COLUMNS)
    for c in ("TEAM", "DISTRICT"):
        if (df[c] == "").any():
            raise CicError(f"{c} is blank: every row maps a team to its district", file=str(path),
                           row=int((df[c] == "").idxmax()) + 2, column=c, rule="team, district and area given")
    dup = df["TEAM"].duplicated()
    if dup.any():
        raise CicError(f"team {df['TEAM'][dup].iloc[0]!r} is listed twice", file=str(path), row=int(dup.idxmax()) + 2,
                       column="TEAM", rule="one row per team")
    return df.assign(AREA=df["AREA"].replace("", "Unknown")).reset_index(drop=True)   # an area not yet filled in


def teams(folder=None) -> pd.DataFrame:
    """TEAM, DISTRICT, AREA: how the DISTRICT column of episodes maps to teams, districts and areas (empty
    without an authority folder: the reports then show the county only)."""
    return _teams(_key(folder)).copy()


@lru_cache(maxsize=8)
def _population(folder: str | None) -> pd.DataFrame:
    df = _optional(folder, "population.csv")
    if df is None:
        return pd.DataFrame({"YEAR": pd.Series(dtype=int), "POPULATION_0_17": pd.Series(dtype=float)})
    path = Path(folder) / "population.csv"
    _require(df, path, ["YEAR", "POPULATION_0_17"])
    df = _numbers(df, path, ["YEAR", "POPULATION_0_17"], required=["YEAR"])
    # a year whose estimate is not filled in yet (the `init` template) is a year missing: the reports say so
    return df[df["POPULATION_0_17"].notna()].astype({"YEAR": int}).reset_index(drop=True)


def population(folder=None) -> pd.DataFrame:
    """YEAR, POPULATION_0_17 (mid-year estimate; read once per folder; empty without an authority folder)."""
    return _population(_key(folder)).copy()


def population_year(date) -> int:
    """The mid-year estimate a date uses: that year's from July, the year before's until June."""
    d = pd.Timestamp(date)
    return d.year if d.month >= 7 else d.year - 1


def population_at(date, folder=None) -> float:
    """Child population for a date: the mid-year estimate of :func:`population_year`; NaN when that year is
    not in ``population.csv`` (never the nearest year: the rate would be silently wrong)."""
    pop = _population(_key(folder))
    row = pop[pop["YEAR"] == population_year(date)]
    return float(row["POPULATION_0_17"].iloc[-1]) if len(row) else np.nan


def recruitment_freezes(folder=None) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    df = _optional(_key(folder), "recruitment_freezes.csv")
    if df is None:
        return []
    path = Path(_key(folder)) / "recruitment_freezes.csv"
    _require(df, path, ["START", "END"])
    out = []
    for row, s, e in zip(df.index, df["START"], df["END"]):
        dates = [pd.to_datetime(v, format="%d/%m/%Y", errors="coerce") for v in (s, e)]
        for column, value, d in zip(("START", "END"), (s, e), dates):
            if pd.isna(d):
                raise CicError(f"{value!r} is not a dd/mm/YYYY date", file=str(path), row=int(row) + 2, column=column,
                               rule="configuration value is a date")
        out.append(tuple(dates))
    return out


def _numeric_targets(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    _require(df, path, ["INDICATOR", "FINANCIAL_YEAR", "TARGET"])
    df = df.copy()
    for col in ("AMBER_FLOOR", "TOLERANCE"):
        if col not in df:
            df[col] = ""
    return _numbers(df, path, ["TARGET", "AMBER_FLOOR", "TOLERANCE"]).reset_index(drop=True)


@lru_cache(maxsize=8)
def _targets(folder: str | None = None) -> pd.DataFrame:
    """National targets (``data/reference/targets.csv``) with the authority's own ``targets.csv`` rows
    taking their place where both give an indicator and year."""
    national = _numeric_targets(_read(REFERENCE_DIR / "targets.csv"), REFERENCE_DIR / "targets.csv")
    local = _optional(folder, "targets.csv")
    if local is None:
        return national
    local = _numeric_targets(local, Path(folder) / "targets.csv")
    local = local[local["TARGET"].notna()]
    keep = ~national.set_index(["INDICATOR", "FINANCIAL_YEAR"]).index.isin(
        local.set_index(["INDICATOR", "FINANCIAL_YEAR"]).index)
    return pd.concat([local, national[keep]], ignore_index=True)


def targets(folder=None) -> pd.DataFrame:
    """INDICATOR, FINANCIAL_YEAR (blank = every year), TARGET, AMBER_FLOOR, TOLERANCE, SOURCE (read once)."""
    return _targets(_key(folder)).copy()


@lru_cache(maxsize=1)
def _adoption_thresholds() -> pd.DataFrame:
    df = _read(REFERENCE_DIR / "adoption_thresholds.csv")
    return df.assign(THRESHOLD_DAYS=df["THRESHOLD_DAYS"].astype(float))


def adoption_thresholds() -> pd.DataFrame:
    """MEASURE (A1/A2), WINDOW (e.g. 2013-16), THRESHOLD_DAYS (read once)."""
    return _adoption_thresholds().copy()


def comparators(folder=None) -> pd.DataFrame:
    """INDICATOR, DATE, ENGLAND, STATISTICAL_NEIGHBOURS, SOURCE for the adoption measures (A1, A2): the committed
    England-only figures (``data/reference/comparators.csv``, national averages with their source; no
    authority's figures) and the authority's own ``comparators.csv`` (e.g. its statistical neighbours' averages
    from the ASGLB), whose rows come first. Everything else is compared through the published statistics
    (:mod:`cicanalysis.measures.benchmarks`)."""
    df = _read(REFERENCE_DIR / "comparators.csv")
    own = _optional(_key(folder), "comparators.csv")
    if own is not None:
        _require(own, Path(_key(folder)) / "comparators.csv", ["INDICATOR", "DATE", "ENGLAND", "STATISTICAL_NEIGHBOURS"])
        df = pd.concat([own, df], ignore_index=True).fillna("")
    return df.assign(DATE=pd.to_datetime(df["DATE"], format="%d/%m/%Y"),
                     ENGLAND=pd.to_numeric(df["ENGLAND"], errors="coerce"),
                     STATISTICAL_NEIGHBOURS=pd.to_numeric(df["STATISTICAL_NEIGHBOURS"], errors="coerce"))


def national_averages() -> pd.DataFrame:
    """MEASURE, FINANCIAL_YEAR, VALUE, UNIT, SOURCE (e.g. adopters' Stage 1 and Stage 2 average days)."""
    df = _read(REFERENCE_DIR / "national_averages.csv")
    return df.assign(VALUE=pd.to_numeric(df["VALUE"], errors="coerce"))
