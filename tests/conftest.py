"""A tiny hand-built authority whose every figure is worked out by hand in the tests.

Its configuration is the synthetic county's (``data/reference/synthetic_authority`` copied in as
``authority/``); its extract date is given (15/03/2016: the latest episode event is 01/02/2016).
Children (DISTRICT maps to teams in data/reference/synthetic_authority/teams.csv: Dartford = North, Sevenoaks = West):
  A   citizen, BLA 01/04/2014; X1 legal-status change (same carer) then a move 01/01/2015 to U4 PR4, 25 miles.
  B   citizen, 4 placements from 01/05/2015 (U6 PR1, K2, U5, U6 PR1 2 miles), West.
  U   UASC (DUC 01/01/2017), H5 from 01/09/2015, 50 miles.
  U2  UASC until DUC 01/03/2016, H5 from 01/06/2015, 12 miles: a citizen at 31/03/2016.
  S   in care since 01/01/2012, U4 PR1 since 01/06/2013, 5 miles: stable 2 years.
  S2  in care since 01/01/2013, U5 from 01/02/2014, placed for adoption (A6) 01/12/2015, distance unknown.
  S3  in care since 01/06/2013, U5 PR4 since 01/01/2015, 30 miles, West: not stable. Three missing episodes.
  D   adopted 01/06/2014: BLA 01/02/2013, PO 01/08/2013, match 15/11/2013, placed A6 01/12/2013 (X1 episodes).
  E   two periods of care; adopted 01/10/2014: BLA 01/05/2013, ADM 15/10/2013, PO 01/11/2013, match 20/02/2014,
      placed 01/03/2014.
  F   left care 15/04/2014 (E4A).   G   left care 31/03/2014 (E4A).
"""
from __future__ import annotations

import copy
import csv
from pathlib import Path

import pytest

from cicanalysis.scaffold.synthetic import TABLE_COLUMNS

EP = ["CHILD", "DECOM", "RNE", "LS", "PLACE", "PLACE_PROVIDER", "DEC", "REC", "DISTRICT", "PL_DISTANCE"]

EPISODES = [
    ("A", "01/04/2014", "S", "C1", "U6", "PR1", "01/07/2014", "X1", "Dartford", "5"),
    ("A", "01/07/2014", "L", "C2", "U6", "PR1", "01/01/2015", "X1", "Dartford", "5"),
    ("A", "01/01/2015", "P", "C2", "U4", "PR4", "", "", "Dartford", "25"),
    ("B", "01/05/2015", "S", "V2", "U6", "PR1", "01/08/2015", "X1", "Sevenoaks", "10"),
    ("B", "01/08/2015", "P", "V2", "K2", "PR4", "01/11/2015", "X1", "Sevenoaks", "30"),
    ("B", "01/11/2015", "P", "V2", "U5", "PR4", "01/02/2016", "X1", "Sevenoaks", "8"),
    ("B", "01/02/2016", "P", "V2", "U6", "PR1", "", "", "Sevenoaks", "2"),
    ("U", "01/09/2015", "S", "V2", "H5", "PR4", "", "", "Dartford", "50"),
    ("U2", "01/06/2015", "S", "V2", "H5", "PR4", "", "", "Dartford", "12"),
    ("S", "01/01/2012", "S", "C2", "U6", "PR1", "01/06/2013", "X1", "Dartford", "5"),
    ("S", "01/06/2013", "P", "C2", "U4", "PR1", "", "", "Dartford", "5"),
    ("S2", "01/01/2013", "S", "C1", "U6", "PR1", "01/02/2014", "X1", "Dartford", ""),
    ("S2", "01/02/2014", "P", "E1", "U5", "PR1", "01/12/2015", "X1", "Dartford", ""),
    ("S2", "01/12/2015", "P", "E1", "A6", "PR1", "", "", "Dartford", ""),
    ("S3", "01/06/2013", "S", "C2", "U6", "PR1", "01/01/2015", "X1", "Sevenoaks", "3"),
    ("S3", "01/01/2015", "P", "C2", "U5", "PR4", "", "", "Sevenoaks", "30"),
    ("D", "01/02/2013", "S", "C1", "U6", "PR1", "01/08/2013", "X1", "Dartford", "4"),
    ("D", "01/08/2013", "L", "E1", "U6", "PR1", "01/12/2013", "X1", "Dartford", "4"),
    ("D", "01/12/2013", "P", "E1", "A6", "PR1", "01/06/2014", "E11", "Dartford", "15"),
    ("E", "01/01/2012", "S", "V2", "U6", "PR1", "01/03/2012", "E4A", "Dartford", "3"),
    ("E", "01/05/2013", "S", "C1", "U6", "PR1", "01/11/2013", "X1", "Dartford", "3"),
    ("E", "01/11/2013", "L", "E1", "U6", "PR1", "01/03/2014", "X1", "Dartford", "3"),
    ("E", "01/03/2014", "P", "E1", "A6", "PR1", "01/10/2014", "E12", "Dartford", "9"),
    ("F", "01/01/2014", "S", "V2", "U6", "PR1", "15/04/2014", "E4A", "Dartford", "3"),
    ("G", "01/01/2014", "S", "V2", "U6", "PR1", "31/03/2014", "E4A", "Dartford", "3"),
]
DOB = {"A": "01/06/2010", "B": "01/01/2003", "U": "01/01/1999", "U2": "01/02/2000", "S": "01/01/2008",
       "S2": "01/01/2011", "S3": "01/01/2009", "D": "01/01/2013", "E": "01/01/2012", "F": "01/01/2005",
       "G": "01/01/2006"}


# the DfE's codes for a UPN not known (UN1 under school age, UN2 never at school in England, ...): codes many
# children share, not identifiers
UNKNOWN_UPNS = {f"UN{i}" for i in range(1, 6)}


def write_table(folder: Path, name: str, rows: list[dict], columns=None):
    columns = columns or TABLE_COLUMNS[name]
    with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow([r.get(c, "") for c in columns])


def fixture_tables() -> dict[str, list[dict]]:
    # the postcodes are not real ones: where PL_DISTANCE is blank (S2) they are blank too, so the distance
    # stays unknown rather than being looked up (tests/test_geography.py derives it from real postcodes)
    episodes = [dict(zip(EP, e), CIN="N1", HOME_POST="ZZ1 1" if e[9] else "", PL_POST="ZZ1 2" if e[9] else "",
                     URN="XXXXXXX", REASON_PLACE_CHANGE="CARPL" if e[2] == "P" else "") for e in EPISODES]
    header = [{"CHILD": c, "SEX": "1", "DOB": d, "ETHNIC": "WBRI", "UPN": f"A1234567890{i:02d}"}
              for i, (c, d) in enumerate(DOB.items())]
    uasc = [{"CHILD": "U", "SEX": "1", "DOB": DOB["U"], "DUC": "01/01/2017"},
            {"CHILD": "U2", "SEX": "1", "DOB": DOB["U2"], "DUC": "01/03/2016"}]
    # D and E were adopted: as the DfE asks, their decisions to place for adoption do not cease
    pfa = [{"CHILD": "D", "DOB": DOB["D"], "DATE_PLACED": "15/05/2013", "DATE_PLACED_CEASED": "",
            "REASON_PLACED_CEASED": ""},
           {"CHILD": "E", "DOB": DOB["E"], "DATE_PLACED": "15/10/2013", "DATE_PLACED_CEASED": "",
            "REASON_PLACED_CEASED": ""}]
    ad1 = [{"CHILD": "D", "DOB": DOB["D"], "DATE_INT": "15/05/2013", "DATE_MATCH": "15/11/2013", "FOSTER_CARE": "0",
            "NB_ADOPTR": "2", "SEX_ADOPTR": "MF", "LS_ADOPTR": "L11"},
           {"CHILD": "E", "DOB": DOB["E"], "DATE_INT": "15/10/2013", "DATE_MATCH": "20/02/2014", "FOSTER_CARE": "0",
            "NB_ADOPTR": "2", "SEX_ADOPTR": "MF", "LS_ADOPTR": "L11"}]
    missing = [{"CHILD": "S3", "DOB": DOB["S3"], "MISSING": "M", "MIS_START": "30/04/2015", "MIS_END": "01/05/2015",
                "RHI_OFFERED": "Y", "RHI_DATE": "07/05/2015"},
               {"CHILD": "S3", "DOB": DOB["S3"], "MISSING": "M", "MIS_START": "31/05/2015", "MIS_END": "01/06/2015",
                "RHI_OFFERED": "Y", "RHI_DATE": "05/06/2015"},
               {"CHILD": "S3", "DOB": DOB["S3"], "MISSING": "A", "MIS_START": "30/06/2015", "MIS_END": "01/07/2015",
                "RHI_OFFERED": "N", "RHI_DATE": ""}]
    reviews = [{"CHILD": "A", "DOB": DOB["A"], "REVIEW": d, "REVIEW_CODE": "PN0"}
               for d in ("01/05/2014", "02/08/2014", "01/02/2015")]
    reviews.append({"CHILD": "S", "DOB": DOB["S"], "REVIEW": "15/03/2016", "REVIEW_CODE": "PN1"})  # extract date
    return {"episodes": episodes, "header": header, "uasc": uasc, "placed_for_adoption": pfa, "ad1": ad1,
            "missing": missing, "reviews": reviews}


FIXTURE_EXTRACT_DATE = "2016-03-15"


def write_fixture(folder: Path, tables: dict | None = None, authority: bool = True) -> Path:
    """The tables as CSV files in ``folder``, with the synthetic county's configuration as ``authority/``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (tables or fixture_tables()).items():
        write_table(folder, name, rows)
    if authority:
        copy_authority(folder)
    return folder


def copy_authority(folder: Path) -> Path:
    """The synthetic county's configuration as ``folder/authority`` (teams, areas, population, targets)."""
    import shutil

    from cicanalysis.config.reference import SYNTHETIC_AUTHORITY_DIR
    if not (folder / "authority").exists():
        shutil.copytree(SYNTHETIC_AUTHORITY_DIR, folder / "authority")
    return folder


def load_fixture(folder, **kw):
    """``load`` with the fixture's extract date (its latest event is a review, which does not date an extract)."""
    from cicanalysis import load
    return load(folder, extract_date=kw.pop("extract_date", FIXTURE_EXTRACT_DATE), **kw)


# `make test` runs the suite in two processes (pytest-xdist, --dist loadgroup): the tests that share one of these
# session fixtures are sent to one process, so that each fixture is made once (the first listed that a test uses wins)
SHARED_SESSION_FIXTURES = ("default_outputs", "small_authority", "tiny_authority")


def pytest_collection_modifyitems(config, items):
    for item in items:
        shared = [f for f in SHARED_SESSION_FIXTURES if f in getattr(item, "fixturenames", ())]
        if shared:
            group = shared[0].replace("default_outputs", "small_authority")
            item.add_marker(pytest.mark.xdist_group(group))
            _group_suffix(config, item, group)


def _group_suffix(config, item, group: str) -> None:
    """The ``@group`` ending of a test's id, by which pytest-xdist's loadgroup sends a group to one process: xdist
    3.8 writes it to ``item._nodeid``, which pytest 9.2's structured ids no longer read (pytest-xdist issue #1386:
    every test was scheduled alone and each session fixture was made in both processes); written here to the
    structured id when there is one."""
    if not getattr(config.option, "loadgroup", False) or not hasattr(item, "_id") or item.nodeid.endswith(f"@{group}"):
        return
    from _pytest.nodeid import coerce_node_id
    item._id = coerce_node_id(f"{item.nodeid}@{group}")


@pytest.fixture
def fixture_dir(tmp_path) -> Path:
    return write_fixture(tmp_path / "extract")


@pytest.fixture(scope="session")
def _fixture_extract(tmp_path_factory):
    """The hand-built extract loaded once per session (a load costs about a second, a copy a hundredth of one)."""
    return load_fixture(write_fixture(tmp_path_factory.mktemp("extract")))


@pytest.fixture
def extract(_fixture_extract):
    """A deep copy of the loaded hand-built extract: each test gets its own tables and caches."""
    return copy.deepcopy(_fixture_extract)


@pytest.fixture(scope="session")
def small_authority(tmp_path_factory) -> Path:
    """A generated authority at a fifth of the county's size (quick to run notebooks on)."""
    from cicanalysis.scaffold.synthetic import generate
    out = tmp_path_factory.mktemp("synthetic")
    generate(out, seed=7, scale=0.2)
    return out


@pytest.fixture(scope="session")
def tiny_authority(tmp_path_factory) -> Path:
    """A generated authority at a twentieth of the county's size: the base of the bad-input corpus. It carries
    the DISTRICT and PL_DISTANCE columns (``generate --with-columns``) so that the corpus can break them; the
    postcode derivation has its own tests."""
    from cicanalysis.scaffold.synthetic import generate
    out = tmp_path_factory.mktemp("tiny")
    generate(out, seed=11, scale=0.05, with_columns=True)
    return out


# parameters of the session's default-period run: papermill passes them to every notebook, each uses its own
DEFAULT_RUN_PARAMETERS = {"exclude_children": ["C0000001"], "lead_time_months": 9, "tolerance": 2.0,
                          "compare_with": "2015-08-31"}


@pytest.fixture(scope="session")
def default_outputs(small_authority, tmp_path_factory) -> Path:
    """All four reports of the default period (31/03/2016) on the small authority, run once, two at a time."""
    from cicanalysis.batch import run
    out = tmp_path_factory.mktemp("outputs")
    results = run(["2016-03-31"], small_authority, out, parameters=DEFAULT_RUN_PARAMETERS, jobs=2)
    assert [(r.notebook, r.ok) for r in results] == [(n, True) for n in
                                                    ("scorecard", "adoption_journey", "adopters_journey",
                                                     "sufficiency_strategy")], results
    return out


def extract_from_rows(tables: dict | None = None, authority: bool = True, **kw):
    """The fixture's tables (or ``tables``) as an Extract built in memory (:meth:`Extract.from_frames`), with the
    synthetic county's configuration and the fixture's extract date: no file is written."""
    import pandas as pd

    from cicanalysis import Extract
    from cicanalysis.config.reference import SYNTHETIC_AUTHORITY_DIR
    frames = {name: pd.DataFrame([{c: r.get(c, "") for c in TABLE_COLUMNS[name]} for r in rows],
                                 columns=TABLE_COLUMNS[name])
              for name, rows in (tables or fixture_tables()).items()}
    return Extract.from_frames(frames, authority_dir=SYNTHETIC_AUTHORITY_DIR if authority else None,
                               extract_date=kw.pop("extract_date", FIXTURE_EXTRACT_DATE), **kw)


# ---------------------------------------------------------------- small extracts of episodes written as tuples
EPISODE_FIELDS = ("CHILD", "DECOM", "RNE", "LS", "PLACE", "PLACE_PROVIDER", "DEC", "REC")


def episode_rows(*rows):
    """Episode rows from tuples of EPISODE_FIELDS (every child in Dartford, 3 miles from home)."""
    return [dict(zip(EPISODE_FIELDS, r), CIN="N1", DISTRICT="Dartford", PL_DISTANCE="3",
                 REASON_PLACE_CHANGE="CARPL" if r[2] == "P" else "") for r in rows]


def header_rows(*children, dob="01/01/2008"):
    return [{"CHILD": c, "SEX": "1", "DOB": dob, "ETHNIC": "WBRI", "UPN": f"A1234567890{i:02d}"}
            for i, c in enumerate(children)]


def extract_of(*rows, extract_date="2016-03-31", **tables):
    """An in-memory extract of the episode tuples ``rows`` (a header row for each child), plus other ``tables``."""
    children = sorted({r[0] for r in rows})
    return extract_from_rows({"episodes": episode_rows(*rows), "header": header_rows(*children), **tables},
                             extract_date=extract_date)


def county_figure(x, period, indicator, include_uasc=True):
    """(numerator, denominator, value) of ``indicator`` for the county at ``period``."""
    from cicanalysis.measures import scorecard
    v = scorecard.values(x, period, include_uasc, [indicator], levels=("county",)).iloc[0]
    return v["numerator"], v["denominator"], v["value"]
