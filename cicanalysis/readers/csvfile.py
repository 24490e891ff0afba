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


def tidy(df: pd.DataFrame, spaces: bool = True) -> pd.DataFrame:
    """Column names upper-cased and stripped; spaces around values removed (a value of spaces only is
    blank). Shared by every reader so that all formats give the same text. ``spaces=False``: the reader knows
    no value has any (:func:`no_spaces_round_values`), so the values are not looked at."""
    df.columns = [str(c).strip().upper() for c in df.columns]
    return df.apply(_strip) if len(df) and spaces else df


# the ASCII characters str.strip() removes, besides the line ends; what may stand beside a field's first or last one
SPACE_CODES = np.frombuffer(b" \t\x0b\x0c\x1c\x1d\x1e\x1f", dtype=np.uint8)
EDGE_CODES = np.frombuffer(b',"\r\n', dtype=np.uint8)


def no_spaces_round_values(text: str) -> bool:
    """True when no field of the CSV ``text`` can begin or end with a space: ASCII text in which no space
    character (one that ``str.strip`` removes) stands beside a comma, a quote or a line end, nor at either end of
    the text, no line end beside a quote (a quoted value may begin or end with one), and every carriage return
    ends a line (\\r\\n). A sufficient test (``"a "" b"`` fails it though no
    value needs trimming): when it fails, every column is looked at (:func:`tidy`). One pass over the bytes."""
    if not text or not text.isascii():
        return False
    raw = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    low = np.flatnonzero(raw <= 32)                  # spaces, tabs, line ends and other control characters
    cr = low[raw[low] == 13]
    if len(cr) and (cr[-1] == len(raw) - 1 or (raw[cr + 1] != 10).any()):
        return False
    ends = low[(raw[low] == 10) | (raw[low] == 13)]
    inner = ends[(ends > 0) & (ends < len(raw) - 1)]
    if len(inner) and ((raw[inner - 1] == 34) | (raw[inner + 1] == 34)).any():   # a quoted value may hold a line end
        return False
    at = low[np.isin(raw[low], SPACE_CODES)]
    if not len(at):
        return True
    if at[0] == 0 or at[-1] == len(raw) - 1:
        return False
    return not np.isin(np.concatenate([raw[at - 1], raw[at + 1]]), EDGE_CODES).any()


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
    df = tidy(df, spaces=not no_spaces_round_values(text))
    df["_ROW"] = np.arange(2, len(df) + 2)  # spreadsheet row: the header is row 1
    return df
