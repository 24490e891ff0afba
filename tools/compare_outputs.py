"""Compare two period output folders figure by figure: figures.csv and every sheet of tables.xlsx, cell by cell.

    python tools/compare_outputs.py BEFORE/2016-03-31 AFTER/2016-03-31

Used to show a refactor changed no figure. Exit 0 when identical, 1 with the first differences otherwise.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook


def sheets(path: Path) -> dict[str, list[tuple]]:
    wb = load_workbook(path, read_only=True, data_only=True)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def compare(before: Path, after: Path) -> list[str]:
    out = []
    a, b = pd.read_csv(before / "figures.csv", dtype=str), pd.read_csv(after / "figures.csv", dtype=str)
    if not a.equals(b):
        out.append(f"figures.csv differs: {len(a)} rows before, {len(b)} after")
        if a.shape == b.shape:
            diff = (a.fillna("") != b.fillna("")).any(axis=1)
            out += [f"  row {i}: {a.loc[i].to_dict()} -> {b.loc[i].to_dict()}" for i in a.index[diff][:5]]
    sa, sb = sheets(before / "tables.xlsx"), sheets(after / "tables.xlsx")
    if list(sa) != list(sb):
        out.append(f"tables.xlsx sheet names differ: {set(sa) ^ set(sb)}")
    for name in sa:
        if name in sb and sa[name] != sb[name]:
            rows = [i for i, (x, y) in enumerate(zip(sa[name], sb[name])) if x != y]
            out.append(f"sheet {name!r} differs ({len(sa[name])} vs {len(sb[name])} rows; first rows {rows[:3]})")
            for i in rows[:2]:
                out.append(f"  {sa[name][i]} -> {sb[name][i]}")
    return out


if __name__ == "__main__":
    before, after = Path(sys.argv[1]), Path(sys.argv[2])
    problems = compare(before, after)
    n_fig = len(pd.read_csv(after / "figures.csv"))
    n_sheets = len(sheets(after / "tables.xlsx"))
    print("\n".join(problems) if problems else f"identical: figures.csv ({n_fig} rows) and {n_sheets} sheets of tables.xlsx")
    sys.exit(1 if problems else 0)
