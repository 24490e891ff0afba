"""Messy input, third round (issue 26): the same data however it is exported gives the same figures, with a notice
or DQ row saying what was done; one table is never counted twice. Each case is the hand-built fixture of
conftest.py written as an export or a hand would leave it, compared with the clean extract's county figures."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest
from openpyxl import load_workbook

from cicanalysis import CicError
from cicanalysis.measures import scorecard
from conftest import copy_authority, fixture_tables, load_fixture, write_fixture
from test_extracts import _pooled, write_xlsx, write_xml

PERIOD = "2016-03-31"
FIGURES = ["CIC_TOTAL", "CIC_UASC", "OWN_FOSTER", "PLACEMENTS_3PLUS", "STABILITY_2Y", "LEFT_CARE_ADOPTED", "A1_3Y",
           "REVIEWS_IN_TIMESCALE", "RHI_COMPLETED"]


def figures(x, period=PERIOD) -> list:
    v = scorecard.values(x, period, indicators=FIGURES, levels=("county",))
    v = v[["indicator", "numerator", "denominator"]].astype(object)
    return [tuple(r) for r in v.where(v.notna(), None).itertuples(index=False)]


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    return figures(load_fixture(write_fixture(tmp_path_factory.mktemp("clean"))))


def _edit(rows, column, change):
    return [dict(r, **{column: change(r[column])}) if r.get(column) else r for r in rows]


def test_codes_in_lower_case_or_with_spaces_read_as_the_dfe_codes(tmp_path, clean):
    t = fixture_tables()
    t["episodes"] = _edit(t["episodes"], "PLACE", str.lower)                 # u6, k2, a6 ...
    t["episodes"] = _edit(t["episodes"], "LS", lambda v: f" {v} ")            # ' C2 '
    t["episodes"] = _edit(t["episodes"], "REC", lambda v: "E4a" if v == "E4A" else v)   # the DfE's own spelling
    x = load_fixture(write_fixture(tmp_path / "x", t))
    assert figures(x) == clean
    assert not x.dq["rule"].str.contains("DfE codes").any()
    assert any("were read upper-cased and trimmed" in n for n in x.notices)


def test_dates_with_times_and_excel_day_numbers_are_the_same_dates(tmp_path, clean):
    t = fixture_tables()
    t["episodes"] = _edit(t["episodes"], "DECOM", lambda v: f"{v} 00:00")                       # dd/mm/YYYY hh:mm
    t["episodes"] = _edit(t["episodes"], "DEC", lambda v: f"{pd.to_datetime(v, dayfirst=True):%Y-%m-%d} 13:45:10")
    serial = lambda v: str((pd.to_datetime(v, dayfirst=True) - pd.Timestamp("1899-12-30")).days)  # noqa: E731
    t["header"] = _edit(t["header"], "DOB", serial)                                               # 40330 ...
    x = load_fixture(write_fixture(tmp_path / "x", t))
    assert figures(x) == clean
    assert not x.dq["rule"].str.contains("date").any()
    assert x["header"].set_index("CHILD").loc["A", "DOB"] == pd.Timestamp("2010-06-01")
    assert any("Excel day numbers" in n and "header" in n for n in x.notices)


def test_a_second_identical_download_is_read_once(tmp_path, clean):
    folder = write_fixture(tmp_path / "x")
    shutil.copy(folder / "episodes.csv", folder / "episodes (1).csv")
    x = load_fixture(folder)
    assert figures(x) == clean
    ignored = x.dq[x.dq["action"] == "file ignored"]
    assert list(ignored["file"]) == ["episodes (1).csv"]
    assert ignored["rule"].iloc[0] == "file ignored: an identical copy of episodes.csv (the episodes table is read once)"


def test_two_different_copies_of_one_table_are_refused_naming_both(tmp_path):
    folder = write_fixture(tmp_path / "x")
    rows = (folder / "reviews.csv").read_text().splitlines()
    (folder / "reviews (1).csv").write_text("\n".join(rows[:-1]) + "\n")     # an older download: one review fewer
    with pytest.raises(CicError) as err:
        load_fixture(folder)
    text = str(err.value)
    assert "reviews.csv" in text and "reviews (1).csv" in text and "with different rows" in text
    assert len(text.splitlines()) == 1


def test_rows_repeated_in_one_table_count_once(tmp_path, clean):
    t = fixture_tables()
    t["episodes"] = t["episodes"] + [r for r in t["episodes"] if r["CHILD"] == "B"]     # B's 4 episodes twice
    t["reviews"] = t["reviews"] + t["reviews"][:1]                                       # one review twice
    x = load_fixture(write_fixture(tmp_path / "x", t))
    assert figures(x) == clean                                 # B still one child with 4 placements, still in care
    repeated = x.dq[x.dq["rule"] == "row repeated exactly in the same return: counted once"]
    assert sorted(repeated["file"]) == ["episodes.csv"] * 4 + ["reviews.csv"]


def test_a_hidden_sheet_is_not_read(tmp_path, clean):
    folder = copy_authority(tmp_path / "x")
    t = fixture_tables()
    write_xlsx(folder / "extract.xlsx", t)
    wb = load_workbook(folder / "extract.xlsx")
    old = wb.copy_worksheet(wb["Sheet2"])                     # last year's copy of the episodes, kept hidden
    old.title, old.sheet_state = "episodes 2015", "hidden"
    old.delete_rows(3, 10)
    wb.save(folder / "extract.xlsx")
    x = load_fixture(folder)
    assert figures(x) == clean
    assert x.dq.loc[x.dq["action"] == "file ignored", "file"].tolist() == ["extract.xlsx [episodes 2015]"]


def test_an_excel_lock_file_is_listed_as_ignored(tmp_path, clean):
    folder = write_fixture(tmp_path / "x")
    (folder / "~$episodes.csv").write_bytes(b"\x00owner")
    x = load_fixture(folder)
    assert figures(x) == clean
    row = x.dq[x.dq["file"] == "~$episodes.csv"].iloc[0]
    assert row["action"] == "file ignored" and "lock file" in row["rule"]


def test_the_la_code_in_any_case(tmp_path):
    folder = _pooled(tmp_path / "p")
    from cicanalysis import load
    assert len(load(folder, la="e10000002")["episodes"]) == len(load(folder, la="E10000002")["episodes"]) > 0


@pytest.mark.slow
def test_one_extract_as_csv_xml_with_and_without_a_namespace_and_xlsx_gives_the_same_figures(tmp_path, clean):
    t = fixture_tables()
    plain = write_xml(copy_authority(tmp_path / "xml") / "submission.xml", t)
    spaced = copy_authority(tmp_path / "ns") / "submission.xml"
    spaced.write_bytes(plain.read_bytes().replace(b"<EXPSSDA903>", b'<EXPSSDA903 xmlns="http://www.dfe.gov.uk/903">'))
    write_xlsx(copy_authority(tmp_path / "xlsx") / "extract.xlsx", t)
    for name in ("xml", "ns", "xlsx"):
        assert figures(load_fixture(tmp_path / name)) == clean, name


def test_a_period_past_the_extract_date_in_its_month_says_the_month_is_incomplete(extract):
    from cicanalysis.loading import notices
    incomplete = [n for n in notices(extract, "2016-03-31") if "is incomplete" in n]   # extract date 15/03/2016
    assert incomplete == ["The extract ends on 15/03/2016, before this period ends (31/03/2016): March 2016 is "
                          "incomplete, its figures count only what had happened by 15/03/2016."]
    assert not [n for n in notices(extract, "2016-02-29") if "is incomplete" in n]
