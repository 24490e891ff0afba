"""Committed reference data under ``data/reference`` (each file names the source of its figures).

Authority-specific configuration (name, teams → districts → areas, child population, recruitment
freezes) lives in ``data/reference/authority``. A real authority points the workbook at its own copy
with the ``CICANALYSIS_AUTHORITY_DIR`` environment variable or an ``authority/`` folder inside its
data folder (``load`` passes that folder here).
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .errors import CicError

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "data" / "reference"


def authority_dir(override: str | os.PathLike | None = None) -> Path:
    if override is not None:
        return Path(override)
    env = os.environ.get("CICANALYSIS_AUTHORITY_DIR")
    return Path(env) if env else REFERENCE_DIR / "authority"


def _read(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise CicError("reference file is missing", file=str(path))
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@lru_cache(maxsize=8)
def _authority(folder: str) -> dict:
    df = _read(Path(folder) / "authority.csv")
    return dict(zip(df["KEY"], df["VALUE"]))


def authority(folder=None) -> dict:
    """{name, short_name, source} of the authority."""
    return _authority(str(authority_dir(folder)))


@lru_cache(maxsize=8)
def _teams(folder: str) -> pd.DataFrame:
    df = _read(Path(folder) / "teams.csv")
    missing = {"TEAM", "DISTRICT", "AREA"} - set(df.columns)
    if missing:
        raise CicError(f"missing column(s) {sorted(missing)}", file=str(Path(folder) / "teams.csv"))
    return df


def teams(folder=None) -> pd.DataFrame:
    """TEAM, DISTRICT, AREA: how the DISTRICT column of episodes maps to teams, districts and areas."""
    return _teams(str(authority_dir(folder))).copy()


@lru_cache(maxsize=8)
def _population(folder: str) -> pd.DataFrame:
    df = _read(Path(folder) / "population.csv")
    return df.assign(YEAR=df["YEAR"].astype(int), POPULATION_0_17=df["POPULATION_0_17"].astype(float))


def population(folder=None) -> pd.DataFrame:
    """YEAR, POPULATION_0_17 (mid-year estimate; read once per folder)."""
    return _population(str(authority_dir(folder))).copy()


def population_at(date, folder=None) -> float:
    """Child population for a date: the latest mid-year estimate on or before it (else the earliest)."""
    pop = _population(str(authority_dir(folder))).sort_values("YEAR")
    year = pd.Timestamp(date).year if pd.Timestamp(date).month >= 7 else pd.Timestamp(date).year - 1
    earlier = pop[pop["YEAR"] <= year]
    row = earlier.iloc[-1] if len(earlier) else pop.iloc[0]
    return float(row["POPULATION_0_17"])


def recruitment_freezes(folder=None) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    df = _read(authority_dir(folder) / "recruitment_freezes.csv")
    return [(pd.to_datetime(s, format="%d/%m/%Y"), pd.to_datetime(e, format="%d/%m/%Y"))
            for s, e in zip(df["START"], df["END"])]


@lru_cache(maxsize=1)
def _targets() -> pd.DataFrame:
    df = _read(REFERENCE_DIR / "targets.csv")
    for col in ("TARGET", "AMBER_FLOOR", "TOLERANCE"):
        df[col] = pd.to_numeric(df[col].replace("", None), errors="coerce")
    return df


def targets() -> pd.DataFrame:
    """INDICATOR, FINANCIAL_YEAR (blank = every year), TARGET, AMBER_FLOOR, TOLERANCE, SOURCE (read once)."""
    return _targets().copy()


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
