"""Team allocations (SPEC 2.3a): ``allocations.csv`` maps a child to a team or service for dates, overriding the
team of the home district; a child with no district counts in the county and in one "No district" unit, never
RAG-rated. Figures worked out by hand on the conftest extract (its children and districts are listed there)."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from cicanalysis.measures import scorecard
from cicanalysis.model.extract import NO_DISTRICT
from conftest import extract_from_rows, fixture_tables

ALLOCATIONS = [
    {"CHILD": "U", "TEAM": "UASC team", "START": "01/09/2015", "END": ""},              # U: no home district
    {"CHILD": "B", "TEAM": "Disability service", "START": "01/11/2015", "END": ""},    # B: Sevenoaks (West)
    {"CHILD": "A", "TEAM": "Disability service", "START": "01/04/2014", "END": "31/12/2014"},   # over by 2015
    {"CHILD": "S", "TEAM": "", "START": "01/01/2015", "END": ""},                      # no team: ignored
    {"CHILD": "S3", "TEAM": "UASC team", "START": "01/02/2016", "END": "01/01/2016"},  # ends before it starts
]


def _tables(extra_no_district: int = 0) -> dict:
    """The fixture with U and U2 (both UASC) given no district, as a UASC child without a home postcode has, and
    ``extra_no_district`` more citizen children in care since 2015 with no district."""
    t = fixture_tables()
    for e in t["episodes"]:
        if e["CHILD"] in ("U", "U2"):
            e["DISTRICT"] = ""
    for k in range(extra_no_district):
        cid = f"N{k}"
        t["header"].append({"CHILD": cid, "SEX": "1", "DOB": "01/01/2008", "ETHNIC": "WBRI", "UPN": f"B1234567890{k:02d}"})
        t["episodes"].append({"CHILD": cid, "DECOM": "01/02/2015", "RNE": "S", "LS": "C2", "CIN": "N1", "PLACE": "U4",
                              "PLACE_PROVIDER": "PR1", "URN": "XXXXXXX", "DISTRICT": "", "PL_DISTANCE": "5"})
    return {**t, "allocations": ALLOCATIONS}


def _units(card: pd.DataFrame, level: str, indicator: str = "CIC_TOTAL") -> dict:
    c = card[(card["indicator"] == indicator) & (card["level"] == level)]
    return {u: v for u, v in zip(c["unit_name"], c["value"]) if v}


def test_an_allocation_overrides_the_home_districts_team_for_its_dates():
    x = extract_from_rows(_tables())
    card = scorecard.build(x, "2016-03-31", levels=("county", "area", "team"))
    # in care at 31/03/2016: A, S, S2 (Dartford), S3 (Sevenoaks), B (Sevenoaks, allocated to the disability service
    # from 01/11/2015), U (no district, the UASC team from 01/09/2015), U2 (no district, no allocation): 7
    assert _units(card, "county") == {"Middleshire County Council": 7}
    assert _units(card, "team") == {"Dartford": 3, "Sevenoaks": 1, "Disability service": 1, "UASC team": 1,
                                    NO_DISTRICT: 1}
    # areas stay the home district's: U and U2 have none
    assert _units(card, "area") == {"North": 3, "West": 2, NO_DISTRICT: 2}
    before = scorecard.build(x, "2015-10-31", levels=("team",))     # before B's allocation began
    assert _units(before, "team")["Sevenoaks"] == 2 and "Disability service" not in _units(before, "team")
    # A's allocation ended on 31/12/2014: A is Dartford's again (and was the service's within it)
    dates = pd.Series([pd.Timestamp("2014-06-30"), pd.Timestamp("2015-06-30")])
    assert list(x.units_of(pd.Series(["A", "A"]), dates)["TEAM"]) == ["Disability service", "Dartford"]
    # teams of allocations.csv are listed after the configured teams, even in a month they have no one
    assert set(card.loc[card["level"] == "team", "unit_name"]) >= {"UASC team", "Disability service"}
    assert "Unknown" not in set(card["unit_name"])


def test_allocations_are_validated_like_the_other_local_tables():
    x = extract_from_rows(_tables())
    assert len(x["allocations"]) == 3                        # the row without a team and the backwards one left out
    rules = x.dq[x.dq["column"].isin(["TEAM", "END"])]["rule"].tolist()
    assert "an allocation must name a team (row ignored)" in rules
    assert "END must not be before START (row ignored)" in rules
    assert x["allocations"]["START"].dtype.kind == "M"           # dates typed as in every table


def test_the_no_district_unit_is_shown_but_never_rated():
    x = extract_from_rows(_tables(extra_no_district=5))
    card = scorecard.build(x, "2016-03-31")
    nd = card[(card["unit_name"] == NO_DISTRICT) & (card["level"] != "county")]
    # 5 citizen children + U and U2 have no district: 7 at the area level, 5 + U2 at the team level (U is allocated)
    assert _units(card, "area")[NO_DISTRICT] == 7 and _units(card, "team")[NO_DISTRICT] == 6
    ratable = nd[nd["target"].notna() & (nd["denominator"] >= 5) & (nd["unit"] != "count")]
    assert len(ratable) > 0                                       # figures a team would be rated on ...
    assert nd["rag"].isna().all()                                 # ... but this row never is
    county = card[(card["level"] == "county") & card["indicator"].isin(ratable["indicator"])]
    assert county["rag"].notna().any()                            # the county on the same indicators is rated


def test_without_allocations_a_child_with_no_district_is_one_no_district_row(extract):
    t = _tables()
    del t["allocations"]
    x = extract_from_rows(t)
    card = scorecard.build(x, "2016-03-31")
    assert _units(card, "team")[NO_DISTRICT] == 2 and _units(card, "area")[NO_DISTRICT] == 2   # U and U2
    assert not {"UASC team", "Disability service"} & set(card["unit_name"])


def test_the_synthetic_authority_allocates_uasc_children_and_the_disability_service(tmp_path):
    """The generator writes allocations.csv (a UASC team, a disability service) without drawing from its random
    stream, so every other table is what the same seed gave before (seed 42 compared file by file when this came
    in): the stream's state is the same after; each UASC child and each child of the service has one row."""
    from cicanalysis.scaffold.synthetic import allocations, Authority, DISABILITY, KEEP_FROM, DEFAULT_EXTRACT_DATE
    auth = Authority(3, 0.05, pd.Timestamp(DEFAULT_EXTRACT_DATE))
    auth.simulate()
    state = auth.rng.bit_generator.state
    keep = {c.cid for c in auth.children if any(dec is None or dec >= KEEP_FROM for _, dec, *_ in c.episodes)}
    rows = allocations(auth.children, keep)
    assert auth.rng.bit_generator.state == state                 # no random draw
    teams = {r["TEAM"] for r in rows}
    assert teams == {"UASC team", "Disability service"}
    uasc = {c.cid for c in auth.children if c.uasc and c.cid in keep}
    service = {c.cid for c in auth.children if c.team == DISABILITY and not c.uasc and c.cid in keep}
    assert {r["CHILD"] for r in rows if r["TEAM"] == "UASC team"} == uasc and uasc
    assert {r["CHILD"] for r in rows if r["TEAM"] == "Disability service"} == service and service
    assert all(r["END"] is None or r["END"] >= r["START"] for r in rows)
    assert len(rows) == len(uasc) + len(service)                                  # one allocation per child


LOCAL_TABLES_DOC = Path(__file__).resolve().parents[1] / "docs" / "local_tables.md"


def test_every_local_tables_column_is_documented_and_init_writes_the_headers(tmp_path):
    """docs/local_tables.md has a row for every column of every local table (as the schema reads them, and the
    two authority files); ``init`` writes each header into authority/templates/, where nothing is read as data."""
    from cicanalysis import load
    from cicanalysis.scaffold.authority_template import LOCAL_TABLES, write_template
    from cicanalysis.validate.schema import TABLES
    from conftest import FIXTURE_EXTRACT_DATE, write_fixture
    doc = LOCAL_TABLES_DOC.read_text(encoding="utf-8")
    sections = {m.group(1): m.group(2) for m in re.finditer(r"^## `([a-z_]+)\.csv`.*?\n(.*?)(?=^## |\Z)", doc, re.M | re.S)}
    assert set(sections) == {*LOCAL_TABLES, "commentary", "comparators"}
    documented = {t: set(re.findall(r"`([A-Z0-9_]+)`", body)) for t, body in sections.items()}
    for t in LOCAL_TABLES:
        missing = set(TABLES[t].required + TABLES[t].optional) - documented[t]
        assert not missing, (t, missing)
    assert {"PERIOD", "INDICATOR", "TEXT"} <= documented["commentary"]
    assert {"INDICATOR", "DATE", "ENGLAND", "STATISTICAL_NEIGHBOURS", "SOURCE"} <= documented["comparators"]
    folder = write_fixture(tmp_path / "x", authority=False)
    x = load(folder, extract_date=FIXTURE_EXTRACT_DATE)
    written = write_template(x, folder)
    for t in LOCAL_TABLES:
        header = (written / "templates" / f"{t}.csv").read_text(encoding="utf-8").splitlines()
        assert header == [",".join(TABLES[t].required + TABLES[t].optional)]
    assert (written / "commentary.csv").read_text(encoding="utf-8").strip() == "PERIOD,INDICATOR,TEXT"
    again = load(folder, extract_date=FIXTURE_EXTRACT_DATE)
    assert again["allocations"].empty and again["adopters"].empty                   # templates are not data
    assert not [n for n in again.notices if "templates" in n or "no rows" in n]
