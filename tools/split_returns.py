"""Cut a single SSDA903 extract (one folder of CSV tables, every year in one set) into yearly returns.

    .venv/bin/python tools/split_returns.py data/external/dfe-validator-fake-903 /tmp/returns --naming start

Each return is the year's SSDA903 as the DfE collects it, as it stood on its 31 March (:func:`cut`): the
episodes open at some time in the year (an end after the 31 March blank, as it was then), the header rows of
those children and of the year's care leavers, the UASC rows whose status had not ceased before the year, the
year's reviews, missing episodes, social-worker episodes and deprivation-of-liberty orders, the adoptions and
decisions to place for adoption of the year, the previous permanence of the children who started care in it,
and its OC2 and OC3 (by their YEAR column; a single extract's OC2/OC3 without one are the last year's).

Tables are recognised by their columns (file names differ: ``prev_perm.csv``, ``previous_permanence.csv``) and
written under their own file names in one folder per return, named by ``--naming``: ``start`` (``2017/`` for
2017-18), ``end`` (``2018/``) or ``span`` (``2017-18/``). Other CSV files (local tables) and the ``authority/``
folder are copied to the top, where the workbook reads them beside the returns; anything else is left out and
listed. The years are every collection year from the earliest episode start's to the latest 31 March on or
before the latest episode start or end (``--years`` to choose). Plain pandas, as ``tools/dfe_check`` (which
runs this cut under the DfE validator's pandas 1) needs.
"""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import pandas as pd

# the columns that make a CSV file each SSDA903 table (the DfE's names; a table may carry more)
TABLES = {
    "header": ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
    "episodes": ["CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC"],
    "reviews": ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
    "uasc": ["CHILD", "SEX", "DOB", "DUC"],
    "oc2": ["CHILD", "DOB", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK"],
    "oc3": ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
    "ad1": ["CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR"],
    "placed_for_adoption": ["CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"],
    "prev_perm": ["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"],
    "missing": ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
    "sw_episodes": ["CHILD", "SW_ID", "SW_DECOM", "SW_DEC"],
    "dolo": ["CHILD", "DOLO_START", "DOLO_END"],
}
# the dates the cut reads, parsed beside each (as _DECOM, _DEC, ...)
DATES = {"header": ["DOB", "MC_DOB"], "episodes": ["DECOM", "DEC"], "reviews": ["REVIEW"], "uasc": ["DUC"],
         "placed_for_adoption": ["DATE_PLACED", "DATE_PLACED_CEASED"], "missing": ["MIS_START", "MIS_END"],
         "sw_episodes": ["SW_DECOM", "SW_DEC"], "dolo": ["DOLO_START", "DOLO_END"]}
ADOPTED = ("E11", "E12")
SHORT_BREAKS = ("V3", "V4")   # as cicanalysis.model.extract (this runs in the DfE validator's environment too)
NAMINGS = ("start", "end", "span")


def parse_date(text: pd.Series) -> pd.Series:
    """dd/mm/YYYY (the DfE's format) or YYYY-MM-DD text as dates; blank or anything else NaT."""
    dmy = pd.to_datetime(text.where(text.str.match(r"^\d{1,2}/\d{1,2}/\d{4}$")), format="%d/%m/%Y", errors="coerce")
    iso = pd.to_datetime(text.where(text.str.match(r"^\d{4}-\d{2}-\d{2}")).str[:10], format="%Y-%m-%d",
                         errors="coerce")
    return dmy.fillna(iso)


def with_dates(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Each table (text, blank = "") with the dates the cut reads parsed beside it (``_DECOM`` ...)."""
    out = {}
    for name, df in tables.items():
        df = df.copy()
        for col in DATES.get(name, []):
            df[f"_{col}"] = parse_date(df[col].astype(str)) if col in df else pd.NaT
        out[name] = df
    return out


def recognise(columns) -> str | None:
    """The table whose columns a file has (the one with the most, when several fit), else None."""
    cols = {str(c).strip().upper() for c in columns}
    fits = [name for name, need in TABLES.items() if set(need) <= cols]
    return max(fits, key=lambda n: len(TABLES[n])) if fits else None


def read_folder(folder: Path) -> tuple[dict[str, pd.DataFrame], dict[str, str], list[Path]]:
    """({table: text frame}, {table: its file name}, the other CSV files) of an extract folder."""
    tables, names, others = {}, {}, []
    for path in sorted(folder.glob("*"), key=lambda p: p.name.lower()):
        if not path.is_file() or path.suffix.lower() != ".csv":
            continue
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        df.columns = [str(c).strip() for c in df.columns]
        name = recognise(df.columns)
        if name is None:
            others.append(path)
        elif name in tables:
            raise SystemExit(f"error: {path.name} and {names[name]} both hold the {name} table: one extract per folder")
        else:
            tables[name], names[name] = df, path.name
    if "episodes" not in tables or "header" not in tables:
        raise SystemExit(f"error: {folder} has no episodes or no header table (CSV files with the DfE's columns)")
    return tables, names, others


def _open_in(df: pd.DataFrame, start_col: str, end_col: str, start, end, blank: list[str]) -> pd.DataFrame:
    """Rows open at some time from ``start`` to ``end``; the ``blank`` columns of those still open at ``end``
    emptied (how it ended was not known yet)."""
    df = df[(df[f"_{start_col}"] <= end) & (df[f"_{end_col}"].isna() | (df[f"_{end_col}"] >= start))].copy()
    df.loc[df[f"_{end_col}"] > end, blank] = ""
    return df


def cut(tables: dict[str, pd.DataFrame], year: int, last: int | None = None) -> dict[str, pd.DataFrame]:
    """The return for the year ending 31 March ``year`` as it stood on that day (tables from :func:`with_dates`;
    a table the extract lacks is left out). OC2/OC3 without a YEAR column are the ``last`` year's."""
    start, end = pd.Timestamp(year - 1, 4, 1), pd.Timestamp(year, 3, 31)
    out = {"episodes": _open_in(tables["episodes"], "DECOM", "DEC", start, end,
                                [c for c in ("DEC", "REC", "REASON_PLACE_CHANGE") if c in tables["episodes"]])}
    ep = out["episodes"]
    in_care = set(ep["CHILD"])
    for name in ("oc2", "oc3"):
        if name in tables:
            df = tables[name]
            out[name] = df[df["YEAR"] == str(year)] if "YEAR" in df else df if year == last else df.iloc[:0]
    annual = set().union(*[set(out[n]["CHILD"]) for n in ("oc2", "oc3") if n in out])
    # motherhood is not asked of a child only on short breaks in the year (LS V3/V4: DfE rules 393, 399)
    full_care = set(ep.loc[~ep["LS"].isin(SHORT_BREAKS), "CHILD"]) if "LS" in ep else in_care
    out["header"] = _header(tables["header"], in_care, annual, end, full_care)
    mine = {name: df[df["CHILD"].isin(in_care)] for name, df in tables.items() if name not in out}
    if "uasc" in mine:   # UASC in the year: DUC (the 18th birthday, or the day the status ceased) in or after it
        out["uasc"] = mine["uasc"][mine["uasc"]["_DUC"].isna() | (mine["uasc"]["_DUC"] >= start)]
    if "reviews" in mine:
        out["reviews"] = mine["reviews"][mine["reviews"]["_REVIEW"].between(start, end)]
    spans = {"missing": ("MIS_START", "MIS_END", ["MIS_END"]),   # an open one is returned again (DfE rule 576)
             "placed_for_adoption": ("DATE_PLACED", "DATE_PLACED_CEASED", ["DATE_PLACED_CEASED", "REASON_PLACED_CEASED"]),
             "sw_episodes": ("SW_DECOM", "SW_DEC", ["SW_DEC", "SW_REASON"]),
             "dolo": ("DOLO_START", "DOLO_END", ["DOLO_END"])}
    for name, (a, b, blank) in spans.items():
        if name in mine:
            out[name] = _open_in(mine[name], a, b, start, end, [c for c in blank if c in mine[name]])
    if "ad1" in tables:
        out["ad1"] = tables["ad1"][tables["ad1"]["CHILD"].isin(set(ep.loc[ep["REC"].isin(ADOPTED), "CHILD"]))]
    if "prev_perm" in tables:  # asked of the children who started to be looked after in the year
        started = set(ep.loc[(ep["RNE"] == "S") & (ep["_DECOM"] >= start), "CHILD"])
        out["prev_perm"] = tables["prev_perm"][tables["prev_perm"]["CHILD"].isin(started)]
    return out


def _header(header: pd.DataFrame, in_care: set, leavers: set, end, full_care: set) -> pd.DataFrame:
    """The year's children, and those of its OC2 and OC3 (care leavers); a girl whose first child was born after
    the year end was not yet a mother, and motherhood is asked only of children looked after in the year other
    than on short breaks (``full_care``)."""
    header = header[header["CHILD"].isin(in_care | leavers)].copy()
    if "MOTHER" in header and "MC_DOB" in header:
        header.loc[header["_MC_DOB"] > end, ["MOTHER", "MC_DOB"]] = ["0", ""]
        header.loc[~header["CHILD"].isin(full_care), ["MOTHER", "MC_DOB"]] = ["", ""]
    return header


def collection_year(date) -> int:
    """The collection year of a date, named by the 31 March it ends on."""
    d = pd.Timestamp(date)
    return d.year + (1 if d.month >= 4 else 0)


def default_years(tables: dict[str, pd.DataFrame]) -> list[int]:
    """The earliest episode start's collection year to the latest 31 March on or before the latest episode start
    or end (a year not yet over is not a return)."""
    ep = tables["episodes"]
    latest = pd.concat([ep["_DECOM"], ep["_DEC"]]).max()
    first = collection_year(ep["_DECOM"].min())
    return list(range(first, collection_year(latest) - (0 if (latest.month, latest.day) == (3, 31) else 1) + 1))


def folder_name(year: int, naming: str) -> str:
    """``start``: 2017 for 2017-18; ``end``: 2018; ``span``: 2017-18."""
    return {"start": str(year - 1), "end": str(year), "span": f"{year - 1}-{year % 100:02d}"}[naming]


def split(folder: Path, out: Path, naming: str = "start", years: list[int] | None = None) -> dict[int, dict[str, int]]:
    """Write the yearly returns of ``folder`` under ``out``; {year: {table: rows}}."""
    raw, names, others = read_folder(folder)
    tables = with_dates(raw)
    years = sorted(years or default_years(tables))
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for year in years:
        target = out / folder_name(year, naming)
        target.mkdir(exist_ok=True)
        counts[year] = {}
        for name, df in cut(tables, year, last=years[-1]).items():
            df[[c for c in raw[name].columns]].to_csv(target / names[name], index=False)
            counts[year][name] = len(df)
    for path in others:
        shutil.copy2(path, out / path.name)
    if (folder / "authority").is_dir():
        shutil.copytree(folder / "authority", out / "authority", dirs_exist_ok=True)
    return counts


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("extract", help="the single extract's folder (CSV tables)")
    ap.add_argument("out", help="the folder to write the yearly returns in")
    ap.add_argument("--naming", choices=NAMINGS, default="start",
                    help="folder names: start (2017/ for 2017-18), end (2018/) or span (2017-18/)")
    ap.add_argument("--years", type=int, nargs="*", help="collection years (the 31 March year); default: see above")
    args = ap.parse_args(argv)
    folder = Path(args.extract)
    if not folder.is_dir():
        print(f"error: {folder} is not a folder", file=sys.stderr)
        return 2
    counts = split(folder, Path(args.out), args.naming, args.years)
    for year, rows in counts.items():
        print(f"{folder_name(year, args.naming)}/ ({year - 1}-{year % 100:02d}): "
              + ", ".join(f"{name} {n:,}" for name, n in rows.items()))
    left = sorted(p.name for p in folder.iterdir() if p.suffix.lower() != ".csv" and p.name != "authority")
    if left:
        print(f"not copied (not CSV tables): {', '.join(left)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
