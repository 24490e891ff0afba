"""Committed reference data under ``data/reference`` (each file names the source of its figures), and the
authority's own configuration.

National figures (DfE adoption thresholds and the targets set from them, comparators, national averages)
are committed here. Everything about one authority (name, teams → districts → areas, child population,
recruitment freezes, local targets) lives in that authority's ``authority/`` folder, inside its data
folder (``cicanalysis init`` writes a template) or named by ``CICANALYSIS_AUTHORITY_DIR``. Without one, the
reports say "Local authority", show the county only and leave the rate per 10,000 and local targets
blank: an extract is never dressed in another authority's configuration. The synthetic authority's
configuration is in ``data/reference/synthetic_authority`` and ``cicanalysis generate`` copies it beside
the data it writes.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import CicError

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "data" / "reference"
SYNTHETIC_AUTHORITY_DIR = REFERENCE_DIR / "synthetic_authority"
DEFAULT_NAME = "Local authority"
AUTHORITY_FILES = ("authority.csv", "teams.csv", "population.csv", "recruitment_freezes.csv", "targets.csv")
TEAM_COLUMNS = ["TEAM", "DISTRICT", "AREA"]


def authority_dir(override: str | os.PathLike | None = None) -> Path | None:
    """The authority's configuration folder: ``override``, else ``CICANALYSIS_AUTHORITY_DIR``, else None."""
    if override is not None:
        return Path(override)
    env = os.environ.get("CICANALYSIS_AUTHORITY_DIR")
    return Path(env) if env else None


def _read(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise CicError("reference file is missing", file=str(path))
    return pd.read_csv(path, dtype=str, keep_default_na=False)


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
    values = dict(zip(df["KEY"], df["VALUE"])) if df is not None and {"KEY", "VALUE"} <= set(df.columns) else {}
    name = values.get("name", "").strip()
    out = {"name": name or DEFAULT_NAME, "short_name": values.get("short_name", "").strip() or name or DEFAULT_NAME,
           "source": values.get("source", ""), "configured": bool(name)}
    return out


def authority(folder=None) -> dict:
    """{name, short_name, source, configured} of the authority ("Local authority" when not configured)."""
    return dict(_authority(_key(folder)))


@lru_cache(maxsize=8)
def _teams(folder: str | None) -> pd.DataFrame:
    df = _optional(folder, "teams.csv")
    if df is None:
        return pd.DataFrame(columns=TEAM_COLUMNS)
    missing = set(TEAM_COLUMNS) - set(df.columns)
    if missing:
        raise CicError(f"missing column(s) {sorted(missing)}", file=str(Path(folder) / "teams.csv"))
    return df.assign(AREA=df["AREA"].str.strip().replace("", "Unknown"))   # an area not yet filled in


def teams(folder=None) -> pd.DataFrame:
    """TEAM, DISTRICT, AREA: how the DISTRICT column of episodes maps to teams, districts and areas (empty
    without an authority folder: the reports then show the county only)."""
    return _teams(_key(folder)).copy()


@lru_cache(maxsize=8)
def _population(folder: str | None) -> pd.DataFrame:
    df = _optional(folder, "population.csv")
    if df is None:
        return pd.DataFrame({"YEAR": pd.Series(dtype=int), "POPULATION_0_17": pd.Series(dtype=float)})
    value = pd.to_numeric(df["POPULATION_0_17"].str.replace(",", "").str.strip(), errors="coerce")
    df = df.assign(YEAR=pd.to_numeric(df["YEAR"], errors="coerce"), POPULATION_0_17=value)
    return df[df["YEAR"].notna() & df["POPULATION_0_17"].notna()].astype({"YEAR": int})


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
    return [(pd.to_datetime(s, format="%d/%m/%Y"), pd.to_datetime(e, format="%d/%m/%Y"))
            for s, e in zip(df["START"], df["END"])]


def _numeric_targets(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    for col in ("TARGET", "AMBER_FLOOR", "TOLERANCE"):
        if col not in df:
            df[col] = ""
        df[col] = pd.to_numeric(df[col].replace("", None), errors="coerce")
    return df


@lru_cache(maxsize=8)
def _targets(folder: str | None = None) -> pd.DataFrame:
    """National targets (``data/reference/targets.csv``) with the authority's own ``targets.csv`` rows
    taking their place where both give an indicator and year."""
    national = _numeric_targets(_read(REFERENCE_DIR / "targets.csv"))
    local = _optional(folder, "targets.csv")
    if local is None:
        return national
    local = _numeric_targets(local)
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


def comparators() -> pd.DataFrame:
    df = _read(REFERENCE_DIR / "comparators.csv")
    return df.assign(DATE=pd.to_datetime(df["DATE"], format="%d/%m/%Y"),
                     ENGLAND=pd.to_numeric(df["ENGLAND"], errors="coerce"),
                     STATISTICAL_NEIGHBOURS=pd.to_numeric(df["STATISTICAL_NEIGHBOURS"], errors="coerce"))


def national_averages() -> pd.DataFrame:
    """MEASURE, FINANCIAL_YEAR, VALUE, UNIT, SOURCE (e.g. adopters' Stage 1 and Stage 2 average days)."""
    df = _read(REFERENCE_DIR / "national_averages.csv")
    return df.assign(VALUE=pd.to_numeric(df["VALUE"], errors="coerce"))
