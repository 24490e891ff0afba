"""Property: deleting or corrupting any cells, rows or columns of a small clean extract never raises anything
but the library's own error (CicError) from load, validate or scorecard.build."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cicanalysis import CicError, load
from cicanalysis.measures import scorecard
from cicanalysis.cli import main
from cicanalysis.scaffold.synthetic import TABLE_COLUMNS
from conftest import fixture_tables, write_table

pytestmark = pytest.mark.slow   # a hypothesis corpus of corrupted extracts, each loaded

TABLES = fixture_tables()
NAMES = sorted(TABLES)
JUNK = st.sampled_from(["", "x", "-1", "0", "99999", "31/02/2015", "2015-13-01", "01/01/1800", "01/01/2999",
                        "1e308", "nan", "NULL", "Z9", "é", ",", '"', "01/04/15", "42094", " "])


@st.composite
def corruptions(draw):
    edits = []
    for _ in range(draw(st.integers(1, 5))):
        table = draw(st.sampled_from(NAMES))
        kind = draw(st.sampled_from(["cell", "cell", "cell", "row", "column"]))
        row = draw(st.integers(0, max(len(TABLES[table]) - 1, 0)))
        column = draw(st.sampled_from(TABLE_COLUMNS[table]))
        edits.append((table, kind, row, column, draw(JUNK)))
    return edits


def apply(edits):
    tables = {k: [dict(r) for r in v] for k, v in TABLES.items()}
    columns = {k: list(TABLE_COLUMNS[k]) for k in TABLES}
    for table, kind, row, column, junk in edits:
        rows = tables[table]
        if kind == "row" and rows:
            rows.pop(min(row, len(rows) - 1))
        elif kind == "column" and column in columns[table] and len(columns[table]) > 1:
            columns[table].remove(column)
        elif kind == "cell" and rows:
            rows[min(row, len(rows) - 1)][column] = junk
    return tables, columns


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(corruptions())
def test_corrupted_extracts_raise_only_cicerror(edits):
    tables, columns = apply(edits)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, rows in tables.items():
            write_table(folder, name, rows, columns[name])
        assert main(["validate", str(folder)]) in (0, 2)
        try:
            x = load(folder)
            scorecard.build(x, "2016-03-31")
        except CicError:
            pass


# ---------------------------------------------------------------- one extract, every export format (issue 26)
CHILDREN = sorted({r["CHILD"] for r in TABLES["header"]})
FIGURES = ["CIC_TOTAL", "CIC_UASC", "OWN_FOSTER", "PLACEMENTS_3PLUS", "STABILITY_2Y", "LEFT_CARE_ADOPTED", "A1_3Y",
           "REVIEWS_IN_TIMESCALE", "RHI_COMPLETED"]


IN_CARE = {r["CHILD"] for r in TABLES["episodes"]}


@st.composite
def extracts(draw):
    """Some of the fixture's children, at least one with episodes (every table cut to them, a table left with no
    rows left out, as an XML submission has no element for it), each table's rows in a drawn order."""
    children = draw(st.sets(st.sampled_from(CHILDREN), min_size=1).filter(lambda s: bool(s & IN_CARE)))
    tables = {}
    for name, rows in TABLES.items():
        kept = [dict(r) for r in rows if r.get("CHILD") in children]
        if kept:
            tables[name] = draw(st.permutations(kept))
    return tables


def county_figures(folder) -> list:
    from conftest import load_fixture
    v = scorecard.values(load_fixture(folder), "2016-03-31", indicators=FIGURES, levels=("county",))
    v = v[["indicator", "numerator", "denominator"]].astype(object)
    return [tuple(r) for r in v.where(v.notna(), None).itertuples(index=False)]


@settings(max_examples=6, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(extracts())
def test_one_extract_gives_the_same_county_figures_as_csv_xml_with_and_without_a_namespace_and_xlsx(tables):
    from conftest import copy_authority, write_fixture
    from test_extracts import write_xlsx, write_xml
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        expected = county_figures(write_fixture(root / "csv", tables))
        plain = write_xml(copy_authority(root / "xml") / "submission.xml", tables)
        spaced = copy_authority(root / "ns") / "submission.xml"
        spaced.write_bytes(plain.read_bytes().replace(b"<EXPSSDA903>", b'<EXPSSDA903 xmlns="http://www.dfe.gov.uk/903">'))
        write_xlsx(copy_authority(root / "xlsx") / "extract.xlsx", tables)
        for name in ("xml", "ns", "xlsx"):
            assert county_figures(root / name) == expected, name
