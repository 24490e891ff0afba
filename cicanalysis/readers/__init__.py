"""Reading an extract folder: one module per input format, each returning :class:`Part` objects.

A part is one table's rows as text (column names upper-cased and stripped; blank cells NaN), with where
each row came from (``_FILE``, ``_ROW``) and, for a yearly return, the collection year it belongs to.
Nothing here knows what the tables mean: :mod:`cicanalysis.validate.schema` recognises each part by its columns.

Formats: CSV (:mod:`.csvfile`), the DfE XML submission layout (:mod:`.xmlfile`) and Excel workbooks,
one sheet per table (:mod:`.excel`). The pooled regional layout (several authorities in one file, with
``LA`` and ``YEAR`` columns) is any of these with an ``LA`` column: :func:`pick_authority` keeps one.

Layout of a folder: files at the top, and yearly returns in sub-folders whose name holds a year
(``2015``, ``2015-16``, ``return_2016``). Exports name such folders both by the year a return starts (``2015``
for 2015-16) and by the year it ends, so a single-year name stands for either collection year (:func:`name_years`:
``2015`` → 2015 or 2016, ``2015-16`` → 2016 only); :mod:`cicanalysis.validate.schema` reads which from the
return's episodes. Other sub-folders (``old/``) and the ``authority/`` folder are not read as data.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.errors import CicError
from .csvfile import read_csv, tidy

FORMATS = {".csv": "csv", ".xml": "xml", ".xlsx": "excel", ".xlsm": "excel"}
# documentation beside the data (the generator's README.txt, a PROVENANCE.md) is passed over without a word;
# any other file that is not data (reviews.txt, missing.xls) is listed as ignored
DOCUMENTATION = ("readme", "provenance", "licence", "license", "changelog")
CONFIG_FOLDERS = {"authority"}
# a folder whose name holds a year but says it is a stale copy (old_2015, 2016 backup) is not a yearly return
STALE = re.compile(r"old|backup|bak|copy|archive|previous|superseded|draft|test|tmp|temp", re.I)


@dataclass
class Part:
    """One table's rows from one file (or sheet, or XML element group)."""

    frame: pd.DataFrame          # text cells, NaN for blank, plus _FILE and _ROW
    source: str                  # what the user calls it: "2016/episodes.csv", "extract.xlsx [episodes]"
    year: int | None = None      # collection year of a yearly return (the name's reading until the data's is known)
    absent_is_blank: bool = False  # XML: an element left out is a blank value, not a missing column
    file: str = ""               # the file it came from (relative to the data folder)
    kind: str = ""               # csv, excel or xml
    folder: str = ""             # the yearly-return folder it came from ("" at the top or in memory)


@dataclass
class Skipped:
    """A file or folder not read as data, with the reason (listed by ``validate`` and in the DQ table)."""

    path: str
    reason: str


YEAR_NAME = re.compile(r"((?:19|20)\d{2})(?:\s*[-_/ ]\s*((?:19|20)?\d{2}))?")


def name_years(name: str) -> tuple[int, ...]:
    """The collection years (named by the 31 March they end on) a folder name or a YEAR label can stand for: a
    two-year name means one year (``2015-16``, ``2015_2016``, ``2015/16`` → (2016,)); a single year (``2016``,
    ``return_2016``) is either the year starting in it or the year ending in it (→ (2016, 2017)); () when the
    name holds no year."""
    m = YEAR_NAME.search(str(name))
    if not m:
        return ()
    first = int(m.group(1))
    if m.group(2):
        second = int(m.group(2)) if len(m.group(2)) == 4 else (first // 100) * 100 + int(m.group(2))
        if second == first + 1:
            return (second,)
    return (first, first + 1)


def folder_year(name: str) -> int | None:
    """The name's reading as the year ending (``2016`` → 2016, ``2015-16`` → 2016), None when it holds no year.
    Only provisional for a single year: the return's data decides between its two readings."""
    years = name_years(name)
    return years[0] if years else None


def discover(root: Path) -> tuple[list[tuple[Path, int | None]], list[Skipped]]:
    """Data files at the top of ``root`` and in its yearly sub-folders (with each file's return year), and
    what was passed over. File names and extensions are matched in any case."""
    found: list[tuple[Path, int | None]] = []
    skipped: list[Skipped] = []

    def files_in(folder: Path, year: int | None, rel: str):
        for p in sorted(folder.iterdir(), key=lambda q: q.name.lower()):
            name = f"{rel}{p.name}"
            if p.name.startswith(".") or p.name.startswith("~$"):
                continue  # hidden files and Excel lock files
            if p.is_file() and p.stem.lower().startswith(DOCUMENTATION) and p.suffix.lower() in ("", ".txt", ".md"):
                continue
            if p.is_dir():
                if year is None and rel == "":
                    if p.name.lower() in CONFIG_FOLDERS:
                        continue
                    y = folder_year(p.name)
                    if y is not None and STALE.search(p.name):
                        skipped.append(Skipped(name + "/", "folder ignored: its name says it is a stale copy "
                                                           "(old, backup, copy ...), not a yearly return"))
                    elif y is None:
                        skipped.append(Skipped(name + "/", "folder ignored: its name holds no collection year "
                                                           "(yearly returns go in folders such as 2016/)"))
                    else:
                        files_in(p, y, name + "/")
                else:
                    skipped.append(Skipped(name + "/", "folder ignored: only one level of yearly folders is read"))
                continue
            if not p.is_file():
                skipped.append(Skipped(name, "not a readable file (a broken link?)"))
                continue
            if p.suffix.lower() in FORMATS:
                found.append((p, year))
            else:
                skipped.append(Skipped(name, "file ignored: not a CSV, XML or Excel (.xlsx) file"))

    files_in(root, None, "")
    return found, skipped


def read_file(path: Path, source: str, year: int | None) -> list[Part]:
    """Every part in one file, by its format."""
    kind = FORMATS[path.suffix.lower()]
    if kind == "csv":
        parts = [Part(read_csv(path, source), source)]
    elif kind == "xml":
        from .xmlfile import read_xml
        parts = [Part(frame, f"{source} <{tag}>", absent_is_blank=True)
                 for tag, frame in read_xml(path, source).items()]
    else:
        from .excel import read_excel
        parts = [Part(frame, f"{source} [{sheet}]") for sheet, frame in read_excel(path, source).items()]
    for part in parts:
        part.frame = _one_column_each(part.frame, part.source)
        part.year, part.file, part.kind = year, source, kind
        part.folder = Path(source).parts[0] if year is not None else ""
        if "_FILE" not in part.frame:
            part.frame.insert(len(part.frame.columns), "_FILE", part.source)
    return parts


def frame_part(frame: pd.DataFrame, source: str) -> Part:
    """A table given in memory as one part, as if read from a CSV file called ``source``: every cell text
    (blank and missing cells NaN, surrounding spaces trimmed), a ``_ROW`` per row counting the header as row 1."""
    df = frame.astype("string").astype(object).where(frame.notna(), np.nan)
    df = df.replace(r"^\s*$", np.nan, regex=True)
    df = tidy(df.reset_index(drop=True))
    df["_ROW"] = np.arange(2, len(df) + 2)
    df = _one_column_each(df, source)
    df.insert(len(df.columns), "_FILE", source)
    return Part(df, source, file=source, kind="memory")


def _one_column_each(df: pd.DataFrame, source: str) -> pd.DataFrame:
    """Columns whose names differ only by case or surrounding spaces (``CHILD`` and `` child``) are one column
    when they hold the same values (the copy is dropped); holding different values they are refused."""
    dup = df.columns.duplicated()
    if not dup.any():
        return df
    for name in dict.fromkeys(df.columns[dup]):
        same = df.loc[:, df.columns == name]
        if not all(same.iloc[:, 0].equals(same.iloc[:, i]) for i in range(1, same.shape[1])):
            raise CicError(f"has {same.shape[1]} columns named {name} (ignoring case and spaces) holding different "
                           f"values: keep one", file=source, column=name, rule="one column per name")
    return df.loc[:, ~dup]


PREFERENCE = ("csv", "excel", "xml")


def one_format_per_return(tables: dict[str, list[Part]]) -> tuple[dict[str, list[Part]], list[Skipped]]:
    """A folder level (the top, or one yearly folder) that holds the same table in two formats holds two
    extracts (e.g. a CSV export and an XML submission): the CSV files are read (else the Excel workbooks) and
    every file of the other formats at that level is passed over, so that two authorities or two versions are
    never mixed. Local tables beside an XML submission are no conflict."""
    losers: dict[str, tuple[str, list[str]]] = {}       # file: (the format kept, the tables it also holds)
    for name, parts in tables.items():
        by_level: dict = {}
        for p in parts:
            by_level.setdefault(p.folder, set()).add(p.kind)
        for level, kinds in by_level.items():
            if len(kinds) > 1:
                keep = min(kinds, key=PREFERENCE.index)
                for p in parts:
                    if p.folder == level and p.kind != keep:
                        losers.setdefault(p.file, (keep, []))[1].append(name)
    reasons = {f: f"file ignored: the folder also holds its {', '.join(sorted(set(names)))} table(s) as "
                  f"{'CSV' if keep == 'csv' else 'Excel'}: one extract per folder (put this one in a folder of its "
                  f"own to read it)" for f, (keep, names) in losers.items()}
    kept = {name: [p for p in parts if p.file not in losers] for name, parts in tables.items()}
    return {n: ps for n, ps in kept.items() if ps}, [Skipped(f, r) for f, r in reasons.items()]


def pick_authority(parts: list[Part], la: str | None) -> list[Part]:
    """The pooled regional layout: parts with an ``LA`` column hold several authorities' rows. With ``la``
    the rows of that authority are kept; without it a file holding more than one authority is refused,
    naming the codes it holds."""
    pooled = [p for p in parts if "LA" in p.frame.columns]
    codes = sorted({str(c) for p in pooled for c in p.frame["LA"].dropna().unique()})
    if la is None:
        for p in pooled:
            here = sorted({str(c) for c in p.frame["LA"].dropna().unique()})
            if len(here) > 1:
                raise CicError(f"holds the rows of {len(here)} local authorities ({', '.join(here[:20])}"
                               f"{' …' if len(here) > 20 else ''}): choose one with --la CODE",
                               file=p.source, column="LA", rule="one authority per run")
        return parts
    if pooled and la not in codes:
        raise CicError(f"--la {la} is not in the pooled files; their LA codes are {', '.join(codes[:30])}",
                       column="LA", rule="authority code present")
    out = []
    for p in parts:
        if "LA" in p.frame.columns:
            p = Part(p.frame[p.frame["LA"].astype(str) == la].reset_index(drop=True), p.source, p.year,
                     p.absent_is_blank, p.file, p.kind, p.folder)
        out.append(p)
    return out
