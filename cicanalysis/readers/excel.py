"""Excel workbooks (.xlsx): one sheet per table, recognised by its columns like a CSV file.

Read with pandas and openpyxl. Date cells become ``YYYY-MM-DD`` text (the validation layer accepts ISO
dates), whole numbers stay whole (``1234``, not ``1234.0``), empty cells are blank.
"""
from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.errors import CicError
from .csvfile import tidy


def _text(value):
    """One cell as the text a CSV export would hold."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return np.nan
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.strftime("%Y-%m-%d") if (value.hour, value.minute, value.second) == (0, 0, 0) \
            else value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if text.strip() else np.nan


def hidden_sheets(path: Path) -> list[str]:
    """The sheets hidden in the workbook (often last year's copy kept out of sight): not read."""
    from openpyxl import load_workbook
    try:
        wb = load_workbook(path, read_only=True)
    except (zipfile.BadZipFile, ValueError, KeyError, OSError):
        return []                     # read_excel says why it cannot be read
    try:
        return [ws.title for ws in wb.worksheets if ws.sheet_state != "visible"]
    finally:
        wb.close()


def read_excel(path: Path, source: str) -> dict[str, pd.DataFrame]:
    """{sheet name: text frame} for every visible sheet with a header row."""
    hidden = set(hidden_sheets(path))
    try:
        sheets = pd.read_excel(path, sheet_name=None, dtype=object, header=0, engine="openpyxl")
    except (zipfile.BadZipFile, ValueError, KeyError, OSError) as exc:
        raise CicError(f"cannot be read as an Excel workbook ({type(exc).__name__}: {str(exc)[:120]})",
                       file=source, rule="readable file") from None
    out = {}
    for sheet, df in sheets.items():
        if sheet in hidden:
            continue
        df = df.dropna(how="all")
        if df.columns.empty or all(str(c).startswith("Unnamed") for c in df.columns):
            continue
        rows = df.index.to_numpy() + 2          # the sheet's row number: the header is row 1
        df = df.apply(lambda s: s.map(_text)).astype(object) if len(df) else df.astype(object)
        df = tidy(df.reset_index(drop=True))
        df["_ROW"] = rows
        out[str(sheet)] = df
    return out
