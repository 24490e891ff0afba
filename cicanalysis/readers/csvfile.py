"""CSV files: the DfE layout (one file per table) and the pooled regional layout."""
from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.errors import CicError


def decode(raw: bytes) -> str:
    """Text of a file in UTF-8 (with or without BOM), UTF-16 (with BOM), cp1252 or latin-1."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def tidy(df: pd.DataFrame) -> pd.DataFrame:
    """Column names upper-cased and stripped; spaces around values removed (a value of spaces only is
    blank). Shared by every reader so that all formats give the same text."""
    df.columns = [str(c).strip().upper() for c in df.columns]
    return df.apply(_strip) if len(df) else df


def _strip(s: pd.Series) -> pd.Series:
    """Spaces around values removed (a value of spaces only is blank); the column is left as it is when
    none of its distinct values has any."""
    distinct = pd.Series(s.unique(), dtype=s.dtype)
    return s if distinct.str.strip().equals(distinct) else s.str.strip().replace("", np.nan)


def read_csv(path: Path, source: str) -> pd.DataFrame:
    raw = path.read_bytes()
    if not raw.strip():
        raise CicError("file is empty (no header row): export the table again with its column names",
                       file=source, rule="readable file")
    text = decode(raw)
    try:
        # only an empty field is blank ("NA", "N/A" … are values); the parser blanks it, faster than a replace
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""],
                         skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        first = str(exc).splitlines()[0]
        line = re.search(r"line (\d+)", first)
        raise CicError(f"cannot be read as CSV ({first.replace('Error tokenizing data. C error: ', '')}): a row "
                       f"with more fields than the header, often an unquoted comma", file=source,
                       row=int(line.group(1)) if line else None, rule="readable file") from None
    df = tidy(df)
    df["_ROW"] = np.arange(2, len(df) + 2)  # spreadsheet row: the header is row 1
    return df
