"""A corpus of broken extracts, each made in the test from the small generated authority (nothing large is
committed), and the outcome each must have:

- FATAL: `cicanalysis validate` exits 2 with one line naming the file (and the column or row when there is
  one) and the rule; no traceback;
- DQ: the extract loads, a data-quality row names the file, column and rule, the scorecard is still built,
  and the measures the problem cannot touch equal those of the clean extract;
- OK: nothing is wrong (another encoding, column order, extra columns, ISO dates, a merged yearly return):
  no data-quality row and the same figures as the clean extract.
"""
from __future__ import annotations

import csv
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd
import pytest

from cicanalysis import load, loading
from cicanalysis.measures import scorecard
from cicanalysis.cli import main

pytestmark = pytest.mark.slow   # the corpus over a generated authority, `cicanalysis run`, subprocesses, hypothesis

PERIOD = "2016-03-31"
SUPPLIED = ["SW_PERM_QUALIFIED", "AGENCY_STAFF", "CASELOAD", "SAME_SW_12M", "IHA_20WD"]
ANNUAL = ["HEALTH_ASSESSMENT", "DEV_CHECK_U5", "DENTAL_CHECK", "CL_IN_TOUCH", "CL_SUITABLE_ACCOM", "CL_EET"]
COMPUTED = [i for i in scorecard.M.BY_ID if i not in SUPPLIED and i in {c.id for c in scorecard.M.CATALOGUE}]


# ---------------------------------------------------------------- editing a copied extract
def read(folder: Path, table: str) -> tuple[list[str], list[list[str]]]:
    with open(folder / f"{table}.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def write(folder: Path, table: str, header, data, encoding="utf-8", name=None):
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, *data])
    (folder / (name or f"{table}.csv")).write_bytes(buf.getvalue().encode(encoding))


def set_cell(folder, table, column, value, row=0, where: Callable | None = None):
    """Set ``column`` of the ``row``-th data row (or of the first row where ``where(record)``); return it."""
    header, data = read(folder, table)
    i = header.index(column)
    if where is not None:
        row = next(n for n, r in enumerate(data) if where(dict(zip(header, r))))
    data[row][i] = value
    write(folder, table, header, data)
    return dict(zip(header, data[row]))


def in_care_at_period(folder) -> str:
    """A citizen child with an open episode at the period end (the last rows of episodes.csv)."""
    header, data = read(folder, "episodes")
    uasc = {r[0] for r in read(folder, "uasc")[1]}
    return next(r[0] for r in reversed(data) if r[header.index("DEC")] == "" and r[0] not in uasc)


# ---------------------------------------------------------------- the cases
@dataclass
class Case:
    name: str
    make: Callable[[Path], None]
    outcome: str                     # FATAL, DQ, OK
    file: str = ""                   # FATAL and DQ: the file named
    column: str = ""
    rule: str = ""                   # a fragment of the rule
    unchanged: tuple = ()            # DQ: indicators whose county values must equal the clean extract's
    notice: str = ""                 # DQ and OK: a fragment of a notice the reports show
    check: Callable | None = None    # DQ and OK: a further assertion on the loaded extract


def _drop(table):
    return lambda f: (f / f"{table}.csv").unlink()


def _empty(table):
    return lambda f: (f / f"{table}.csv").write_bytes(b"")


def _header_only(table):
    return lambda f: write(f, table, read(f, table)[0], [])


def _drop_column(table, column):
    def make(f):
        header, data = read(f, table)
        i = header.index(column)
        write(f, table, [c for n, c in enumerate(header) if n != i], [[v for n, v in enumerate(r) if n != i] for r in data])
    return make


def _extra_columns(f):
    header, data = read(f, "episodes")
    write(f, "episodes", header + ["LOCAL_NOTE", "CASE_WORKER"], [r + ["checked", "team"] for r in data])


def _reorder_and_lowercase(f):
    header, data = read(f, "episodes")
    write(f, "episodes", [c.lower() for c in reversed(header)], [list(reversed(r)) for r in data])


def _encoded(encoding, text):
    def make(f):
        header, data = read(f, "header")
        write(f, "header", header + ["NOTE"], [r + [text] for r in data], encoding=encoding)
    return make


def _iso_dates(f):
    header, data = read(f, "episodes")
    for c in ("DECOM", "DEC"):
        i = header.index(c)
        for r in data:
            if r[i]:
                d, m, y = r[i].split("/")
                r[i] = f"{y}-{m}-{d}"
    write(f, "episodes", header, data)


def _yearly_returns(f):
    """episodes split into 2015/ and 2016/ returns, the older one holding a stale copy of every episode that
    started before 2015 with a different (wrong) PLACE_PROVIDER: the latest return must win."""
    header, data = read(f, "episodes")
    (f / "2015").mkdir()
    (f / "2016").mkdir()
    old = [list(r) for r in data if int(r[header.index("DECOM")][-4:]) < 2015]
    for r in old:
        r[header.index("PLACE_PROVIDER")] = "PR5" if r[header.index("PLACE_PROVIDER")] != "PR5" else "PR1"
    write(f / "2015", "episodes", header, old)
    write(f / "2016", "episodes", header, data)
    (f / "episodes.csv").unlink()


def _two_versions(f):
    """The extract as one 2015-16 return twice: 2016/ the final one, 2015-16/ a February draft (no episode start or
    end after 15/02/2016): the final return must be read, the draft listed as ignored."""
    header, data = read(f, "episodes")
    decom, dec = header.index("DECOM"), header.index("DEC")
    day = lambda d: pd.to_datetime(d, format="%d/%m/%Y")  # noqa: E731
    draft = [r[:dec] + [r[dec] if r[dec] and day(r[dec]) <= day("15/02/2016") else ""] + r[dec + 1:]
             for r in data if day(r[decom]) <= day("15/02/2016")]
    for name, rows in (("2016", data), ("2015-16", draft)):
        (f / name).mkdir()
        write(f / name, "episodes", header, rows)
    (f / "episodes.csv").unlink()


def _deleted_in_later_return(f):
    """Yearly returns 2014-15/ and 2015-16/ with one more child in the older one, open there and gone from the
    later one (deleted as a correction): ended after 31/03/2015, so the figures at 31/03/2016 are the clean ones."""
    header, data = read(f, "episodes")
    decom = header.index("DECOM")
    for name in ("2014-15", "2015-16"):
        (f / name).mkdir()
    older = [r for r in data if pd.to_datetime(r[decom], format="%d/%m/%Y") <= pd.Timestamp("2015-03-31")]
    ghost = list(older[-1])
    ghost[0], ghost[decom], ghost[header.index("DEC")], ghost[header.index("REC")] = "GHOST1", "01/02/2015", "", ""
    write(f / "2014-15", "episodes", header, older + [ghost])
    write(f / "2015-16", "episodes", header, data)
    (f / "episodes.csv").unlink()
    h, rows = read(f, "header")
    write(f, "header", h, rows + [["GHOST1"] + rows[0][1:]])


def _episode_dates(column, value, offset_days=None):
    def make(f):
        child = in_care_at_period(f)
        if offset_days is None:
            set_cell(f, "episodes", column, value, where=lambda r: r["CHILD"] == child)
        else:  # DEC before DECOM on the first closed episode in the file
            header, data = read(f, "episodes")
            n = next(n for n, r in enumerate(data) if r[header.index("DEC")])
            decom = pd.to_datetime(data[n][header.index("DECOM")], format="%d/%m/%Y")
            data[n][header.index("DEC")] = f"{decom - pd.Timedelta(days=offset_days):%d/%m/%Y}"
            write(f, "episodes", header, data)
    return make


def _overlap(f):
    header, data = read(f, "episodes")
    d, dec = header.index("DECOM"), header.index("DEC")
    n = next(n for n in range(1, len(data)) if data[n][0] == data[n - 1][0] and data[n - 1][dec])
    start = pd.to_datetime(data[n - 1][dec], format="%d/%m/%Y")
    data[n][d] = f"{start - pd.Timedelta(days=10):%d/%m/%Y}"
    write(f, "episodes", header, data)


def _no_header_row(f):
    child = in_care_at_period(f)
    header, data = read(f, "header")
    write(f, "header", header, [r for r in data if r[0] != child])


def _duplicate_header(f):
    header, data = read(f, "header")
    write(f, "header", header, data + [list(data[0])])


def _duplicate_header_differing(f):
    header, data = read(f, "header")
    copy = list(data[0])
    copy[header.index("ETHNIC")] = "WOTH" if copy[header.index("ETHNIC")] != "WOTH" else "WBRI"
    write(f, "header", header, data + [copy])


def _as_serial(table, column):
    """Every date of ``column`` as the Excel day number a General-format cell exports (01/04/2016 as 42461)."""
    def make(f):
        header, data = read(f, table)
        i = header.index(column)
        for r in data:
            if r[i]:
                r[i] = str((pd.to_datetime(r[i], format="%d/%m/%Y") - pd.Timestamp("1899-12-30")).days)
        write(f, table, header, data)
    return make


def _rewrite_episodes(change: dict):
    """Every non-blank cell of the episodes' columns rewritten by ``change`` ({column: function of the text})."""
    def make(f):
        header, data = read(f, "episodes")
        for column, fn in change.items():
            i = header.index(column)
            for r in data:
                r[i] = fn(r[i]) if r[i] else r[i]
        write(f, "episodes", header, data)
    return make


_lower_codes = _rewrite_episodes({c: (lambda v: f" {v.lower()}") for c in ("LS", "PLACE", "REC", "RNE")})
_with_times = _rewrite_episodes({"DECOM": lambda v: f"{v} 00:00", "DEC": lambda v: f"{v} 17:30:05"})


def _differing_copy(f):
    header, data = read(f, "reviews")
    write(f, "reviews (1)", header, data[:-1])


def _episodes_twice(f):
    header, data = read(f, "episodes")
    write(f, "episodes", header, data + [list(r) for r in data])


def _code(column, value):
    return lambda f: set_cell(f, "episodes", column, value, where=lambda r: r["CHILD"] == in_care_at_period(f))


def _dob_after_decom(f):
    child = in_care_at_period(f)
    set_cell(f, "header", "DOB", "01/04/2016", where=lambda r: r["CHILD"] == child)


def _adoption_dates(kind):
    def make(f):
        header, data = read(f, "episodes")
        pfa_h, pfa = read(f, "placed_for_adoption")
        if kind == "adm_after_po":  # an ADM decision dated after the child's placement order
            child = next(r[0] for r in data if r[header.index("LS")] == "E1" and r[0] in {p[0] for p in pfa})
            set_cell(f, "placed_for_adoption", "DATE_PLACED", "31/03/2016", where=lambda r: r["CHILD"] == child)
        elif kind == "match_before_adm":
            ad1_h, ad1 = read(f, "ad1")
            child = ad1[0][0]
            set_cell(f, "ad1", "DATE_MATCH", "01/01/2000", where=lambda r: r["CHILD"] == child)
        else:  # an adopted child with no placed-for-adoption row
            adopted = {r[0] for r in data if r[header.index("REC")] in ("E11", "E12")}
            write(f, "placed_for_adoption", pfa_h, [p for p in pfa if p[0] != sorted(adopted)[0]])
    return make


def _supplied(column, value, indicator="AGENCY_STAFF"):
    return lambda f: set_cell(f, "supplied_indicators", column, value,
                              where=lambda r: r["INDICATOR"] == indicator and r["PERIOD"] == "31/03/2016"
                              and r["LEVEL"] == "team")


def _supplied_zero_denominator(f):
    header, data = read(f, "supplied_indicators")
    n = next(n for n, r in enumerate(data) if r[1] == "AGENCY_STAFF" and r[0] == "31/03/2016" and r[2] == "team")
    data[n][header.index("NUMERATOR")], data[n][header.index("DENOMINATOR")] = "3", "0"
    write(f, "supplied_indicators", header, data)


def _stage2_end_before_start(f):
    header, data = read(f, "adopters")
    s, e = header.index("STAGE2_START"), header.index("STAGE2_END")
    n = next(n for n, r in enumerate(data) if r[s] and r[e])
    data[n][e] = "01/01/2000"
    write(f, "adopters", header, data)


def _ragged(f):
    text = (f / "missing.csv").read_text().splitlines()
    text[3] = text[3] + ",surplus,fields"
    (f / "missing.csv").write_text("\n".join(text) + "\n")


def _garbage(f):
    (f / "export.csv").write_bytes(bytes(range(256)) * 20)


def _unrecognised(f):
    (f / "notes.csv").write_text("REF,COMMENT\n1,hello\n")


CASES = [
    Case("missing header file", _drop("header"), "FATAL", "", "", "required table present"),
    Case("empty episodes file", _empty("episodes"), "FATAL", "episodes.csv", "", "readable file"),
    Case("header-only episodes", _header_only("episodes"), "FATAL", "episodes.csv", "", "table has rows"),
    Case("header-only optional table", _header_only("missing"), "OK", unchanged=tuple(SUPPLIED + ANNUAL)),
    Case("missing required column", _drop_column("episodes", "DECOM"), "FATAL", "episodes.csv", "DECOM",
         "required columns present"),
    Case("extra unknown columns", _extra_columns, "OK"),
    Case("columns reordered and lower case", _reorder_and_lowercase, "OK"),
    Case("UTF-8 with BOM", _encoded("utf-8-sig", "ok"), "OK"),
    Case("cp1252", _encoded("cp1252", "Zoë – £5"), "OK"),
    Case("latin-1", _encoded("latin-1", "Zoë £5"), "OK"),
    Case("dates as YYYY-MM-DD", _iso_dates, "OK"),
    Case("duplicate episodes across yearly returns", _yearly_returns, "OK"),
    Case("Excel serial dates", _as_serial("episodes", "DECOM"), "OK", notice="Excel day numbers"),
    Case("a number that is no date (2016)", _episode_dates("DECOM", "2016"), "DQ", "episodes.csv",
         "DECOM", "date must be", tuple(SUPPLIED + ANNUAL)),
    Case("impossible date 31/02/2015", _episode_dates("DEC", "31/02/2015"), "DQ", "episodes.csv", "DEC",
         "date must be", tuple(SUPPLIED + ANNUAL)),
    Case("two-digit year", lambda f: set_cell(f, "header", "DOB", "01/04/09"), "DQ",
         "header.csv", "DOB", "date must be", tuple(SUPPLIED + ANNUAL)),
    Case("DEC before DECOM", _episode_dates("DEC", None, offset_days=5), "DQ", "episodes.csv", "DEC",
         "DEC must be on or after DECOM", tuple(SUPPLIED + ANNUAL)),
    Case("overlapping episodes", _overlap, "DQ", "episodes.csv", "DEC", "episodes of a child overlap", tuple(SUPPLIED + ANNUAL)),
    Case("child in episodes but not header", _no_header_row, "DQ", "episodes.csv", "CHILD", "no header row",
         tuple(SUPPLIED + ANNUAL + ["CIC_TOTAL", "PLACEMENTS_3PLUS", "OWN_FOSTER"])),
    Case("a header row repeated exactly", _duplicate_header, "DQ", "header.csv", "CHILD", "row repeated exactly",
         tuple(COMPUTED)),
    Case("two differing header rows for one child", _duplicate_header_differing, "DQ", "header.csv", "CHILD",
         "one header row per child", tuple(COMPUTED)),
    Case("unknown LS code", _code("LS", "Z9"), "DQ", "episodes.csv", "LS", "DfE codes",
         tuple(SUPPLIED + ANNUAL + ["CIC_TOTAL", "PLACEMENTS_3PLUS", "OWN_FOSTER"])),
    Case("unknown PLACE code", _code("PLACE", "Q7"), "DQ", "episodes.csv", "PLACE", "DfE codes",
         tuple(SUPPLIED + ANNUAL + ["CIC_TOTAL", "CIC_RATE", "A1_3Y", "A2_3Y"])),
    Case("unknown REC code", lambda f: set_cell(f, "episodes", "REC", "E99", where=lambda r: r["REC"] == "E4A"),
         "DQ", "episodes.csv", "REC", "DfE codes", tuple(SUPPLIED + ANNUAL + ["CIC_TOTAL", "A1_3Y"])),
    Case("DOB after DECOM", _dob_after_decom, "DQ", "episodes.csv", "DOB", "DOB must be before DECOM",
         tuple(SUPPLIED + ANNUAL)),
    Case("ADM decision after the placement order", _adoption_dates("adm_after_po"), "DQ", "placed_for_adoption.csv",
         "DATE_PLACED", "after the placement order", tuple(SUPPLIED + ANNUAL + ["CIC_TOTAL", "A1_3Y", "A2_3Y"])),
    Case("match before the ADM decision", _adoption_dates("match_before_adm"), "DQ", "ad1.csv", "DATE_MATCH",
         "match before the ADM decision", tuple(SUPPLIED + ANNUAL + ["CIC_TOTAL", "A1_3Y"])),
    Case("adopted with no placed-for-adoption row", _adoption_dates("adopted_no_pfa"), "DQ", "episodes.csv", "REC",
         "no placed_for_adoption row", tuple(SUPPLIED + ANNUAL + ["CIC_TOTAL", "A1_3Y", "A2_3Y"])),
    Case("negative supplied numerator", _supplied("NUMERATOR", "-4"), "DQ", "supplied_indicators.csv", "NUMERATOR",
         "must not be negative", tuple(COMPUTED + ["CASELOAD", "SAME_SW_12M"])),
    Case("non-numeric supplied numerator", _supplied("NUMERATOR", "n/a"), "DQ", "supplied_indicators.csv",
         "NUMERATOR", "must be a number", tuple(COMPUTED + ["CASELOAD"])),
    Case("supplied denominator 0 with a numerator", _supplied_zero_denominator, "DQ", "supplied_indicators.csv",
         "DENOMINATOR", "denominator is 0", tuple(COMPUTED + ["CASELOAD"])),
    Case("numerator above the denominator", _supplied("NUMERATOR", "900"), "DQ", "supplied_indicators.csv",
         "NUMERATOR", "must not exceed the denominator", tuple(COMPUTED + ["CASELOAD"])),
    Case("adopters' Stage 2 end before start", _stage2_end_before_start, "DQ", "adopters.csv", "STAGE2_END",
         "must not be before STAGE2_START", tuple(COMPUTED + SUPPLIED)),
    Case("ragged CSV row", _ragged, "FATAL", "missing.csv", "", "readable file"),
    Case("binary file named .csv", _garbage, "FATAL", "export.csv", "", "readable file"),
    Case("CSV of no known table", _unrecognised, "DQ", "notes.csv", "", "matches no known table", tuple(COMPUTED)),
]


# ---------------------------------------------------------------- second round (issue 16)
def _all_tables(f):
    return sorted(p.stem for p in f.glob("*.csv"))


def _every_open_dec(value, first_only=False):
    def make(f):
        header, data = read(f, "episodes")
        i = header.index("DEC")
        for r in data:
            if r[i] == "":
                r[i] = value
                if first_only:
                    break
        write(f, "episodes", header, data)
    return make


def _x1_dec(value):
    """``value`` as the DEC of the first X1 episode (its true end is the next episode's DECOM)."""
    return lambda f: set_cell(f, "episodes", "DEC", value, where=lambda r: r["REC"] == "X1")


def _uasc_cell(column, value):
    return lambda f: set_cell(f, "uasc", column, value)


def _ids(table, how, everywhere=None):
    """CHILD ids of ``table`` written as ``how(id)``; with ``everywhere``, every table's ids first become
    ``everywhere(id)`` (numeric ids, as a case-management system may have)."""
    def make(f):
        for t in _all_tables(f):
            header, data = read(f, t)
            if "CHILD" not in header:
                continue
            i = header.index("CHILD")
            for r in data:
                if everywhere is not None:
                    r[i] = everywhere(r[i])
                if t == table:
                    r[i] = how(r[i])
            write(f, t, header, data)
    return make


def _numeric(child):                    # C0000088 -> 1000088
    return str(1_000_000 + int(child[1:]))


def _rename(old, new):
    return lambda f: (f / old).rename(f / new)


def _as_excel(table):
    def make(f):
        header, data = read(f, table)
        pd.DataFrame(data, columns=header).to_excel(f / f"{table}.xlsx", index=False, sheet_name=table)
        (f / f"{table}.csv").unlink()
    return make


def _duplicate_column(column, differ):
    def make(f):
        header, data = read(f, "episodes")
        i = header.index(column)
        write(f, "episodes", header + [f" {column.lower()} "], [r + [r[i] + ("X" if differ else "")] for r in data])
    return make


def _folder(name, stale_copy=True):
    def make(f):
        (f / name).mkdir()
        if stale_copy:   # a stale copy of episodes, every placement 999 miles away: must not be read
            header, data = read(f, "episodes")
            i = header.index("PL_DISTANCE")
            write(f / name, "episodes", header, [r[:i] + ["999"] + r[i + 1:] for r in data])
    return make


def _dangling(f):
    os.symlink(f / "no_such_file.csv", f / "episodes_link.csv")


def _authority_file(name, edit=None, data: bytes | None = None):
    def make(f):
        path = f / "authority" / name
        if data is not None:
            path.write_bytes(data)
        else:
            path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return make


def _utf16_teams(f):
    path = f / "authority" / "teams.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))


def _population_line(transform):
    """``transform(year, value, rest)`` -> the new line for the 2015 mid-year estimate (the period's)."""
    def edit(text):
        lines = text.splitlines()
        n = next(n for n, line in enumerate(lines) if line.startswith("2015,"))
        year, value, rest = lines[n].split(",", 2)
        lines[n] = transform(year, value, rest)
        return "\n".join(line for line in lines if line is not None) + "\n"
    return _authority_file("population.csv", edit)


def _drop_team_row(f):
    """The first team that episodes use is taken out of teams.csv."""
    header, data = read(f, "episodes")
    team = data[0][header.index("DISTRICT")]
    path = f / "authority" / "teams.csv"
    path.write_text("\n".join(line for line in path.read_text().splitlines() if not line.startswith(team + ",")) + "\n")


def _blank_old_dec(f):
    """The DEC of a child's first (X1) episode blanked: the child's later episodes are right."""
    set_cell(f, "episodes", "DEC", "", where=lambda r: r["REC"] == "X1")


def _authority_name(name):
    def check(x):
        assert x.authority["name"] == name and x.authority["configured"]
    return check


def _teams_read(x):
    assert len(x.teams) > 5 and set(x.teams.columns) >= {"TEAM", "DISTRICT", "AREA"}


RATES = ("CIC_RATE", "STARTS_RATE", "CEASED_RATE")     # per 10,000 children: n/a without the year's population


def _no_rate(x):
    assert county_values(x, list(RATES)).isna().all()


def _dq_value(column, value):
    """The DQ row shows the value as it is in the file."""
    return lambda x: value in set(x.dq.loc[x.dq["column"] == column, "value"])


def _right_row_blamed(x):
    d = x.dq[x.dq["rule"].str.contains("DEC is blank")]
    assert len(d) == 1 and not x.dq["rule"].str.contains("overlap").any()


def _headline_not_clean(x):
    from cicanalysis.validate.schema import dq_headline
    assert "No data-quality problems" not in dq_headline(x.dq)


NOT_CIC = tuple(SUPPLIED + ANNUAL)
REVIEW_FREE = tuple(i for i in COMPUTED if "REVIEW" not in i)
CASES += [
    # dates outside a plausible range; the "still open" marker
    Case("DEC 31/12/9999 on every open episode", _every_open_dec("31/12/9999"), "OK", notice="31/12/9999"),
    Case("DEC 9999-12-31 on one open episode", _every_open_dec("9999-12-31", first_only=True), "OK",
         notice="31/12/9999"),
    Case("typo year 2596 in an X1 episode's DEC", _x1_dec("01/01/2596"), "DQ", "episodes.csv", "DEC",
         "plausible range", tuple(COMPUTED), check=_dq_value("DEC", "01/01/2596")),
    Case("typo year 1006 in a DOB", lambda f: set_cell(f, "header", "DOB", "01/01/1006"), "DQ", "header.csv", "DOB",
         "plausible range", NOT_CIC + ("CIC_TOTAL",), check=_dq_value("DOB", "01/01/1006")),
    Case("DECOM in 1850", _episode_dates("DECOM", "01/01/1850"), "DQ", "episodes.csv", "DECOM", "plausible range",
         NOT_CIC),
    Case("DECOM in 2262 (past datetime64[ns])", _episode_dates("DECOM", "12/04/2262"), "DQ", "episodes.csv", "DECOM",
         "plausible range", NOT_CIC),
    Case("MIS_START in 3016", lambda f: set_cell(f, "missing", "MIS_START", "01/05/3016"), "DQ", "missing.csv",
         "MIS_START", "plausible range", tuple(SUPPLIED + ["CIC_TOTAL", "CIC_UASC"])),
    Case("review dated 2061", lambda f: set_cell(f, "reviews", "REVIEW", "01/01/2061"), "DQ", "reviews.csv",
         "REVIEW", "after the extract date", REVIEW_FREE),
    Case("DUC 30 years after the extract date", _uasc_cell("DUC", "01/01/2046"), "DQ", "uasc.csv", "DUC",
         "+ 18 years", tuple(SUPPLIED + ["CIC_TOTAL"])),
    Case("DUC 5 years ahead is plausible", _uasc_cell("DUC", "01/01/2021"), "OK"),
    Case("MC_DOB after the extract date", lambda f: set_cell(f, "header", "MC_DOB", "01/01/2017"), "DQ",
         "header.csv", "MC_DOB", "after the extract date", tuple(COMPUTED)),
    Case("DATE_PERM in 2099", lambda f: set_cell(f, "prev_perm", "DATE_PERM", "01/01/2099"), "DQ", "prev_perm.csv",
         "DATE_PERM", "after the extract date", tuple(COMPUTED)),
    # CHILD ids that match only once normalised
    Case("uasc ids in lower case", _ids("uasc", str.lower), "DQ", "uasc.csv", "CHILD", "only after normalising",
         tuple(COMPUTED)),
    Case("uasc ids with spaces inside", _ids("uasc", lambda c: c[:3] + " " + c[3:]), "DQ", "uasc.csv", "CHILD",
         "only after normalising", tuple(COMPUTED)),
    Case("episodes ids in lower case", _ids("episodes", str.lower), "DQ", "episodes.csv", "CHILD",
         "only after normalising", tuple(COMPUTED)),
    Case("numeric ids with .0 in uasc (from Excel)", _ids("uasc", lambda c: c + ".0", everywhere=_numeric), "DQ",
         "uasc.csv", "CHILD", "only after normalising", tuple(COMPUTED)),
    Case("leading zeros lost in one table", _ids("uasc", lambda c: c.lstrip("0"), everywhere=lambda c: "00" + _numeric(c)),
         "DQ", "uasc.csv", "CHILD", "only after normalising", tuple(COMPUTED)),
    Case("numeric ids with .0 in missing", _ids("missing", lambda c: c + ".0", everywhere=_numeric), "DQ",
         "missing.csv", "CHILD", "only after normalising", tuple(COMPUTED)),
    Case("lower-case ids in every table", _ids("", str, everywhere=str.lower), "OK"),
    # files a real folder holds
    Case("UASC.CSV in capitals", _rename("uasc.csv", "UASC.CSV"), "OK"),
    Case("missing.xlsx beside the CSV files", _as_excel("missing"), "OK"),
    Case("reviews.txt", _rename("reviews.csv", "reviews.txt"), "DQ", "reviews.txt", "", "not a CSV, XML or Excel",
         NOT_CIC + ("CIC_TOTAL", "CIC_UASC"), check=_headline_not_clean),
    Case("header-only prev_perm", _header_only("prev_perm"), "OK", unchanged=tuple(SUPPLIED), notice="no rows"),
    Case("a copy of a column differing by case and spaces", _duplicate_column("CHILD", False), "OK"),
    Case("two columns differing by case holding different values", _duplicate_column("PLACE", True), "FATAL",
         "episodes.csv", "PLACE", "one column per name"),
    Case("a folder named old.csv", _folder("old.csv", stale_copy=False), "DQ", "old.csv/", "", "folder ignored",
         tuple(COMPUTED)),
    Case("a dangling symlink", _dangling, "DQ", "episodes_link.csv", "", "not a readable file", tuple(COMPUTED)),
    Case("old/ holding a stale copy", _folder("old"), "DQ", "old/", "", "folder ignored", tuple(COMPUTED)),
    Case("old_2015/ holding a stale copy", _folder("old_2015"), "DQ", "old_2015/", "", "stale copy", tuple(COMPUTED)),
    Case("2016 backup/ holding a stale copy", _folder("2016 backup"), "DQ", "2016 backup/", "", "stale copy",
         tuple(COMPUTED)),
    # the same data as other exports write it (issue 26): the clean extract's figures, with a notice or DQ row
    Case("codes in lower case", _lower_codes, "OK", notice="read upper-cased and trimmed"),
    Case("dates with a time of day", _with_times, "OK"),
    Case("a second download beside the first", lambda f: shutil.copy(f / "episodes.csv", f / "episodes (1).csv"),
         "DQ", "episodes (1).csv", "", "identical copy of episodes.csv", tuple(COMPUTED)),
    Case("two different copies of one table", _differing_copy, "FATAL", "reviews (1).csv", "",
         "one copy of a table per return"),
    Case("every episode row twice", _episodes_twice, "DQ", "episodes.csv", "CHILD", "row repeated exactly",
         tuple(COMPUTED)),
    Case("an Excel lock file", lambda f: (f / "~$episodes.xlsx").write_bytes(b"lock"), "DQ", "~$episodes.xlsx", "",
         "lock file", tuple(COMPUTED)),
    # yearly returns (issue 26, the rest)
    Case("a February draft beside the final return of one year", _two_versions, "DQ", "2015-16/", "",
         "2016/ also holds the 2015-16 return and was read", tuple(COMPUTED), notice="all hold the 2015-16 return"),
    Case("an episode open in one return and gone from the next", _deleted_in_later_return, "DQ", "2014-15/episodes.csv",
         "DEC", "absent from the later returns", tuple(COMPUTED)),
    # the authority/ folder
    Case("authority.csv with a Key,Value header", _authority_file("authority.csv", lambda t: t.replace(
        "KEY,VALUE", "Key,Value")), "OK", check=_authority_name("Middleshire County Council")),
    Case("authority.csv without KEY and VALUE", _authority_file("authority.csv", lambda t: t.replace(
        "KEY,VALUE", "Setting,Text")), "FATAL", "authority.csv", "KEY", "configuration columns present"),
    Case("teams.csv in UTF-16", _utf16_teams, "OK", check=_teams_read),
    Case("teams.csv with a blank district", _authority_file("teams.csv", lambda t: t.replace(
        "Dartford,Dartford,", "Dartford,,")), "FATAL", "teams.csv", "DISTRICT", "team, district and area given"),
    Case("teams.csv without AREA", _authority_file("teams.csv", lambda t: t.replace("TEAM,DISTRICT,AREA", "TEAM,DISTRICT,ZONE")),
         "FATAL", "teams.csv", "AREA", "configuration columns present"),
    Case("population \"251,300\" quoted", _population_line(lambda y, v, r: f'{y},"{int(v):,}",{r}'), "OK"),
    Case("population 251,300 unquoted", _population_line(lambda y, v, r: f"{y},{int(v):,},{r}"), "FATAL",
         "population.csv", "", "readable file"),
    Case("population not a number", _population_line(lambda y, v, r: f"{y},about 250k,{r}"), "FATAL",
         "population.csv", "POPULATION_0_17", "configuration value is a number"),
    Case("population year missing", _population_line(lambda y, v, r: None), "OK",
         unchanged=tuple(i for i in COMPUTED if i not in RATES), notice="mid-2015", check=_no_rate),
    Case("a DISTRICT value not in teams.csv", _drop_team_row, "DQ", "episodes.csv", "DISTRICT",
         "not in authority/teams.csv", tuple(COMPUTED)),
    Case("55% in targets.csv", _authority_file("targets.csv", lambda t: t.replace("CIC_RATE,,55,", "CIC_RATE,,55%,")),
         "FATAL", "targets.csv", "TARGET", "configuration value is a number"),
    Case("a recruitment freeze with no real date", _authority_file("recruitment_freezes.csv", lambda t: t.replace(
        "31/12/2013", "31/13/2013")), "FATAL", "recruitment_freezes.csv", "END", "configuration value is a date"),
    # episodes
    Case("blank DEC on an old closed episode", _blank_old_dec, "DQ", "episodes.csv", "DEC",
         "DEC is blank but the child has a later episode", tuple(COMPUTED), check=_right_row_blamed),
    Case("negative PL_DISTANCE", lambda f: set_cell(f, "episodes", "PL_DISTANCE", "-3",
                                                    where=lambda r: r["CHILD"] == in_care_at_period(f)),
         "DQ", "episodes.csv", "PL_DISTANCE", "DfE rule 164", tuple(i for i in COMPUTED if i != "WITHIN_20_MILES")),
    Case("PL_DISTANCE 1500 miles", lambda f: set_cell(f, "episodes", "PL_DISTANCE", "1500"), "DQ", "episodes.csv",
         "PL_DISTANCE", "DfE rule 164", tuple(i for i in COMPUTED if i != "WITHIN_20_MILES")),
    # supplied indicators
    Case("supplied PERIOD not a month end", _supplied("PERIOD", "15/03/2016"), "DQ", "supplied_indicators.csv",
         "PERIOD", "must be a month end", tuple(COMPUTED)),
    Case("supplied UNIT_NAME not in teams.csv", _supplied("UNIT_NAME", "Phantom CIC 9"), "DQ", "supplied_indicators.csv",
         "UNIT_NAME", "not in authority/teams.csv", tuple(COMPUTED)),
]


@pytest.fixture(scope="module")
def clean(tiny_authority):
    x = load(tiny_authority)
    return scorecard.values(x, PERIOD, levels=("county",)).set_index("indicator")["value"]


def county_values(x, indicators):
    return scorecard.values(x, PERIOD, indicators=list(indicators), levels=("county",)).set_index("indicator")["value"]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case, tiny_authority, clean, tmp_path, capsys):
    folder = tmp_path / "extract"
    shutil.copytree(tiny_authority, folder)
    case.make(folder)
    before = {p: p.read_bytes() for p in folder.rglob("*.csv") if p.is_file()}
    if case.outcome == "FATAL":
        assert main(["validate", str(folder)]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and err.startswith("error: ") and "Traceback" not in err
        assert case.file in err and f"column {case.column}" in err if case.column else case.file in err
        assert f"[rule: {case.rule}" in err
    else:
        x = load(folder)
        dq = x.dq
        if case.outcome == "OK":
            assert dq.empty, dq.head()
            indicators = case.unchanged or COMPUTED
        else:
            hit = dq[dq["file"].astype(str).str.endswith(case.file) & dq["rule"].str.contains(case.rule, regex=False)]
            if case.column:
                hit = hit[hit["column"] == case.column]
            assert len(hit) >= 1, dq[["file", "column", "rule", "action"]].drop_duplicates().to_string()
            card = scorecard.build(x, PERIOD, levels=("county",))      # the report is still produced
            assert len(card) == len(scorecard.M.CATALOGUE)
            indicators = case.unchanged
        got = county_values(x, indicators)
        pd.testing.assert_series_equal(got, clean.reindex(got.index), check_names=False)
        if case.notice:
            assert sum(case.notice in n for n in loading.notices(x, PERIOD)) == 1, x.notices
        if case.check is not None:
            case.check(x)
    after = {p: p.read_bytes() for p in folder.rglob("*.csv") if p.is_file()}
    assert after == before                                             # input files are never modified


# ---------------------------------------------------------------- requests that cannot be met
@pytest.mark.parametrize("period,rule", [("2005-01-31", "period within the extract"),
                                         ("2016-06-30", "period within the extract"),
                                         ("2015-02-30", "not a date"), ("2015-13-31", "not a date"),
                                         ("2015-11-15", "not a month end")])
def test_periods_before_the_data_after_the_extract_or_not_real(period, rule, tiny_authority, tmp_path, capsys):
    assert main(["run", "--period", period, "--data", str(tiny_authority), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and rule in err
    assert not any(tmp_path.iterdir())                               # nothing written


def test_a_period_with_no_data_still_builds(tiny_authority):
    x = load(tiny_authority)
    first = scorecard.P.month_end_of(x.first_date)
    card = scorecard.build(x, first, levels=("county",))             # last month and the outturn precede the data
    assert card["previous_value"].isna().all() and card["dot_previous"].fillna("").eq("").all()


def test_an_output_folder_that_cannot_be_written(tiny_authority, tmp_path, capsys):
    blocker = tmp_path / "outputs"
    blocker.write_text("a file where the output folder should be")
    assert main(["run", "--period", PERIOD, "--data", str(tiny_authority), "--out", str(blocker / "sub")]) == 2
    err = capsys.readouterr().err
    assert "output folder writable" in err and len(err.strip().splitlines()) == 1
    if os.geteuid() != 0:                                            # root ignores permissions
        ro = tmp_path / "ro"
        ro.mkdir(mode=0o555)
        assert main(["run", "--period", PERIOD, "--data", str(tiny_authority), "--out", str(ro)]) == 2


def test_an_interrupted_run_leaves_the_last_good_outputs(tiny_authority, tmp_path, monkeypatch):
    out = tmp_path / "outputs"
    cache = tmp_path / "cache"
    monkeypatch.setenv("CICANALYSIS_CACHE_DIR", str(cache))
    good = out / PERIOD
    good.mkdir(parents=True)
    (good / "index.html").write_text("last good run")
    # the two shortest reports (the longer first: sufficiency_strategy, then adopters_journey)
    cmd = [sys.executable, "-m", "cicanalysis.cli", "run", "--period", PERIOD, "--data", str(tiny_authority),
           "--out", str(out), "--jobs", "1", "--notebooks", "adopters_journey", "sufficiency_strategy"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 300
    while time.time() < deadline and not list(out.glob(f".{PERIOD}.*/sufficiency_strategy.html")):
        time.sleep(0.2)
    assert list(out.glob(f".{PERIOD}.*/sufficiency_strategy.html")), "the first notebook never finished"
    assert not list(out.glob(f".{PERIOD}.*/adopters_journey.html"))   # the second had not
    os.killpg(proc.pid, signal.SIGKILL)                             # killed after the first notebook
    proc.wait()
    assert (good / "index.html").read_text() == "last good run"     # untouched
    assert sorted(p.name for p in good.iterdir()) == ["index.html"]
    assert not list(out.rglob("*.pkl"))                             # never child-level data in the outputs
    assert list(cache.glob("cicanalysis-run-*/extract.pkl"))        # the killed run's shared extract is left...
    # the next run (here one that fails at once) clears the interrupted run's temporary folder; failing, it
    # writes no report and marks the scorecard failed in the period's index
    from cicanalysis.batch import run_period
    results = run_period(PERIOD, tiny_authority, out, notebooks=["scorecard"], parameters={"data_dir": "/nonexistent"})
    assert not results[0].ok and not list(out.glob(f".{PERIOD}.*"))
    assert not list(cache.iterdir())                                # ...and removed by the next run
    assert not (good / "scorecard.html").exists()
    assert "failed on the last run" in (good / "index.html").read_text()


# ---------------------------------------------------------------- second round (issue 16): requests and the run
def _run(folder, out, *extra):
    return main(["run", "--period", PERIOD, "--data", str(folder), "--out", str(out), "--quiet", "--jobs", "1",
                 "--notebooks", "scorecard", *extra])


def _one_line(capsys, fragment):
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("error: ") and fragment in err, err
    return err


@pytest.mark.parametrize("param,rule", [("period=2015-12-31", "one period per run"),
                                        ("period=tomorrow", "one period per run"),
                                        ("data_dir=/elsewhere", "one extract per run")])
def test_a_parameter_that_contradicts_the_command(param, rule, tiny_authority, tmp_path, capsys):
    assert _run(tiny_authority, tmp_path / "out", "--param", param) == 2
    _one_line(capsys, f"[rule: {rule}]")
    assert not (tmp_path / "out").exists()


def test_a_review_in_2061_does_not_extend_the_extract(tiny_authority, tmp_path, capsys):
    folder = tmp_path / "extract"
    shutil.copytree(tiny_authority, folder)
    set_cell(folder, "reviews", "REVIEW", "01/01/2061")
    assert main(["run", "--period", "2030-03-31", "--data", str(folder), "--out", str(tmp_path / "out")]) == 2
    _one_line(capsys, "period within the extract")


def test_a_second_run_into_the_same_output_folder_is_refused(tiny_authority, tmp_path, capsys):
    from cicanalysis.batch import _lock
    out = tmp_path / "out"
    held = _lock(out)                        # the first run (flock: a second open file conflicts even in-process)
    try:
        (out / f".{PERIOD}.first-run").mkdir()   # its temporary folder: the second run must not delete it
        assert _run(tiny_authority, out) == 2
        _one_line(capsys, "[rule: one run per output folder]")
        assert (out / f".{PERIOD}.first-run").is_dir()
    finally:
        held.close()


def test_a_full_disk_while_sharing_the_extract(tiny_authority, tmp_path, capsys, monkeypatch):
    """ENOSPC half-way through the child-level pickle: one line, and no pickle anywhere."""
    import errno
    import pickle
    cache, out = tmp_path / "cache", tmp_path / "out"
    monkeypatch.setenv("CICANALYSIS_CACHE_DIR", str(cache))

    def dump(obj, fh, protocol=None):
        fh.write(b"partial child-level data")
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(pickle, "dump", dump)
    assert _run(tiny_authority, out) == 2
    _one_line(capsys, "[rule: disk space]")
    assert not list(cache.rglob("*")) and not list(out.rglob("*.pkl")) and not list(out.glob(f".{PERIOD}.*"))


def _tmpfs(path: Path, size: str) -> bool:
    path.mkdir()
    if os.geteuid() != 0 or sys.platform != "linux":
        return False
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True).returncode == 0


def test_a_full_disk_on_a_real_small_filesystem(tiny_authority, tmp_path):
    small = tmp_path / "small"
    if not _tmpfs(small, "256k"):
        pytest.skip("cannot mount a small tmpfs here (needs root); the simulated ENOSPC test stands")
    try:
        env = dict(os.environ, CICANALYSIS_CACHE_DIR=str(small / "cache"))
        proc = subprocess.run([sys.executable, "-m", "cicanalysis.cli", "run", "--period", PERIOD, "--data",
                               str(tiny_authority), "--out", str(small / "out"), "--quiet", "--notebooks", "scorecard"],
                              capture_output=True, text=True, env=env, timeout=300)
        assert proc.returncode == 2, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
        assert "No space left" in proc.stderr or "disk space" in proc.stderr
        assert not list(small.rglob("*.pkl")) and not list((small / "out").glob(f".{PERIOD}.*"))
    finally:
        subprocess.run(["umount", str(small)], check=False)


def test_ctrl_c_with_two_jobs_and_a_concurrent_run(tiny_authority, tmp_path):
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it) during a two-job run: one line, exit 130,
    no traceback, no temporary folder, no extract cache; a second run started meanwhile is refused in one line."""
    out, cache = tmp_path / "out", tmp_path / "cache"
    env = dict(os.environ, CICANALYSIS_CACHE_DIR=str(cache))
    # all four reports: the run outlasts the second run's start on a busy machine (with two it could finish first)
    cmd = [sys.executable, "-m", "cicanalysis.cli", "run", "--period", PERIOD, "--data", str(tiny_authority),
           "--out", str(out), "--quiet", "--jobs", "2", "--notebooks", "scorecard", "sufficiency_strategy",
           "adoption_journey", "adopters_journey"]
    # Ctrl-C handled as in a terminal even when pytest itself was started in the background (a shell's `make test &`
    # ignores SIGINT, the run inherits that, and the run then rightly carries on as under nohup)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.time() + 120
        while time.time() < deadline and not list(cache.glob("cicanalysis-run-*/extract.pkl")):
            time.sleep(0.2)
        assert list(cache.glob("cicanalysis-run-*/extract.pkl")), "the run never shared its extract"
        second = subprocess.run(cmd[:-4], capture_output=True, text=True, env=env, timeout=120)
        assert second.returncode == 2 and len(second.stderr.strip().splitlines()) == 1, second.stderr
        assert "one run per output folder" in second.stderr

        def running():      # notebooks begun (papermill writes the executed copy as it goes) and not exported yet
            return [n for n in out.glob(f".{PERIOD}.*/*.ipynb") if not n.with_suffix(".html").exists()]
        while time.time() < deadline + 60 and len(begun := running()) < 2:
            time.sleep(0.1)
        assert len(begun) == 2                                      # both workers are running a notebook
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert "interrupted" in err
    assert not list(cache.iterdir()) and not list(out.rglob("*.pkl")) and not list(out.glob(f".{PERIOD}.*"))
    assert not (out / PERIOD).exists()                             # nothing half-written


# ---------------------------------------------------------------- properties of dates and ids
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from cicanalysis.validate.schema import FIRST_YEAR, LAST_YEAR, normalise_ids, out_of_range, parse_dates  # noqa: E402


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 32), st.integers(0, 13), st.integers(0, 9999), st.booleans())
def test_dates_never_wrap_round(day, month, year, iso):
    text = f"{year:04d}-{month:02d}-{day:02d}" if iso else f"{day:02d}/{month:02d}/{year:04d}"
    got = parse_dates(pd.Series([text], dtype=object)).iloc[0]
    real = None
    try:
        import datetime as dt
        real = dt.date(year, month, day)
    except ValueError:
        pass
    if real is None or not FIRST_YEAR <= year <= LAST_YEAR:
        assert pd.isna(got)                       # never a date that is not in the file
        assert bool(out_of_range(pd.Series([text])).iloc[0]) == (not FIRST_YEAR <= year <= LAST_YEAR)
    else:
        assert got == pd.Timestamp(real)


ID = st.from_regex(r"[A-Za-z]{0,2}[0-9]{1,8}", fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(ID, st.sampled_from([str, str.lower, str.upper]), st.text(" \t", max_size=2), st.text(" ", max_size=2),
       st.sampled_from(["", ".0", ".00"]), st.integers(0, 3))
def test_ids_normalise_the_same_way_however_written(child, case, before, after, fraction, zeros):
    canonical = normalise_ids(pd.Series([child])).iloc[0]
    written = before + case(("0" * zeros + child) if child.isdigit() else child) + (fraction if child.isdigit() else "") + after
    assert normalise_ids(pd.Series([written])).iloc[0] == canonical
    assert normalise_ids(pd.Series([canonical])).iloc[0] == canonical      # idempotent
