"""Collection years read from the data, whatever the yearly folders (or the pooled YEAR labels) are called.

Two returns worked out by hand, 2016-17 and 2017-18, each as it stood on its 31 March:
  A  in care since 01/06/2015 (open): in both returns, in care at 31/03/2017 and 31/03/2018; OC2 both years.
  B  01/05/2016 to 01/02/2017 (E4A): 2016-17 only.
  C  from 01/10/2016; moves 01/06/2017 (X1, then P): the 2016-17 return has the first episode open (the move was
     not known yet), the 2017-18 one has it ended and the second open; OC2 in 2017-18 (12 months at 31/03/2018).
  D  01/09/2017 to 01/01/2018 (E4A): 2017-18 only.
  E  from 01/02/2018 (open): 2017-18 only; the quarter's one starter at 31/03/2018.
In care at 31/03/2017: A, C (2); at 31/03/2018: A, C, E (3). Immunisations up to date: 2016-17 A (1 of 1, 100%);
2017-18 A yes, C no (1 of 2, 50%).
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from cicanalysis import CicError, load
from cicanalysis.measures import scorecard
from cicanalysis.measures.scorecard import check_period
from cicanalysis.readers import name_years
from cicanalysis.validate.schema import data_year
from conftest import TABLE_COLUMNS, write_table

ROOT = Path(__file__).resolve().parents[1]
DOB = {"A": "01/01/2008", "B": "01/01/2005", "C": "01/01/2010", "D": "01/01/2003", "E": "01/01/2012"}
# CHILD, DECOM, RNE, DEC, REC: each return as it stood on its 31 March
RETURN_2017 = [("A", "01/06/2015", "S", "", ""),                 # open
               ("B", "01/05/2016", "S", "01/02/2017", "E4A"),    # ended in the year
               ("C", "01/10/2016", "S", "", "")]                 # its move of 01/06/2017 not known yet
RETURN_2018 = [("A", "01/06/2015", "S", "", ""),
               ("C", "01/10/2016", "S", "01/06/2017", "X1"),     # the later return wins: ended
               ("C", "01/06/2017", "P", "", ""),
               ("D", "01/09/2017", "S", "01/01/2018", "E4A"),
               ("E", "01/02/2018", "S", "", "")]
OC2 = {2017: [("A", "1")], 2018: [("A", "1"), ("C", "0")]}      # CHILD, IMMUNISATIONS
LABEL = {2017: "2016-17", 2018: "2017-18"}


def episode_rows(rows, **extra) -> list[dict]:
    return [dict(CHILD=c, DECOM=a, RNE=rne, LS="C2", CIN="N1", PLACE="U4", PLACE_PROVIDER="PR1", DEC=d, REC=rec,
                 REASON_PLACE_CHANGE="CARPL" if rec == "X1" else "", URN="XXXXXXX", **extra)
            for c, a, rne, d, rec in rows]


def write_return(folder: Path, year: int, with_episodes: bool = True, oc2_year: bool = False) -> Path:
    """The year's return (episodes, header of its children, OC2) as CSV files in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = RETURN_2017 if year == 2017 else RETURN_2018
    if with_episodes:
        write_table(folder, "episodes", episode_rows(rows))
        write_table(folder, "header", [{"CHILD": c, "SEX": "1", "DOB": DOB[c], "ETHNIC": "WBRI", "UPN": "UN1"}
                                       for c in dict.fromkeys(r[0] for r in rows)])
    write_table(folder, "oc2", [{"CHILD": c, "DOB": DOB[c], "IMMUNISATIONS": i, "HEALTH_CHECK": "1", "TEETH_CHECK": "1",
                                 "YEAR": str(year) if oc2_year else ""} for c, i in OC2[year]])
    return folder


LAYOUTS = {"start": {2017: "2016", 2018: "2017"}, "end": {2017: "2017", 2018: "2018"},
           "span": {2017: "2016-17", 2018: "2017-18"}, "mixed": {2017: "2016-17", 2018: "2017"}}


def write_layout(root: Path, names: dict[int, str]) -> Path:
    for year, name in names.items():
        write_return(root / name, year)
    return root


def without_origin(df: pd.DataFrame) -> pd.DataFrame:
    """A table without where its rows came from (file, row, return), to compare two layouts' tables."""
    keep = [c for c in df.columns if c not in ("_FILE", "_ROW", "_RETURN")]
    return df[keep].sort_values([c for c in ("CHILD", "DECOM", "YEAR") if c in keep]).reset_index(drop=True)


def county(x, period, ids=("CIC_TOTAL", "CIC_STARTED", "IMMUNISATIONS")) -> dict[str, float]:
    v = scorecard.values(x, period, indicators=list(ids), levels=("county",))
    return dict(zip(v["indicator"], v["value"]))


HAND = {"2017-03-31": {"CIC_TOTAL": 2, "CIC_STARTED": 0, "IMMUNISATIONS": 100.0},   # A, C; none Jan-Mar 2017; A
        "2018-03-31": {"CIC_TOTAL": 3, "CIC_STARTED": 1, "IMMUNISATIONS": 50.0}}    # A, C, E; E; A of A and C


def test_single_and_two_year_names_and_their_readings():
    assert name_years("2017") == (2017, 2018)            # 2016-17 (by the year ending) or 2017-18 (by the start)
    assert name_years("return_2017") == (2017, 2018)
    assert name_years("2016-17") == name_years("2016_2017") == name_years("2016/17") == (2017,)
    assert name_years("2016-18") == (2016, 2017)         # not one year: the first is read as a single year
    assert name_years("old") == ()


def test_the_data_year_is_the_one_most_episodes_agree_with():
    frame = lambda rows: pd.DataFrame(episode_rows(rows))  # noqa: E731
    assert data_year(frame(RETURN_2017)) == 2017         # B ended in 2016-17; A and C open since then or before
    assert data_year(frame(RETURN_2018)) == 2018         # C and D ended in 2017-18, E started in it
    # a stray date is one episode against the others: an end of 01/04/2018 (the DfE's fake extract has five),
    # and a start typed as 2106
    stray = RETURN_2018 + [("F", "01/01/2017", "S", "01/04/2018", "E4A"), ("G", "01/01/2106", "S", "", "")]
    assert data_year(frame(stray)) == 2018
    assert data_year(frame([])) is None


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_every_naming_gives_the_same_extract_and_figures(tmp_path, layout):
    x = load(write_layout(tmp_path / layout, LAYOUTS[layout]))
    span = load(write_layout(tmp_path / "reference", LAYOUTS["span"]))   # two-year names: no doubt
    assert x.return_years == [2017, 2018] and x.extract_date == pd.Timestamp("2018-03-31")
    assert not any("its name says" in n or "all hold" in n for n in x.notices)
    for table in ("episodes", "header", "oc2"):
        pd.testing.assert_frame_equal(without_origin(x[table]), without_origin(span[table]))
    c = x["episodes"][x["episodes"]["CHILD"] == "C"].sort_values("DECOM")
    assert c["DEC"].tolist()[0] == pd.Timestamp("2017-06-01")            # the 2017-18 return wins
    assert sorted(x["oc2"]["YEAR"]) == [2017, 2018, 2018]
    assert not (x.dq["rule"].str.contains("overlap") | x.dq["rule"].str.contains("after the extract")).any()
    for period, figures in HAND.items():
        assert county(x, period) == figures


def test_a_folder_whose_name_the_data_contradicts_is_read_by_its_data_with_a_notice(tmp_path):
    root = tmp_path / "x"
    write_return(root / "2016-17", 2017)
    write_return(root / "2015", 2018)                    # says 2014-15 or 2015-16, holds 2017-18
    x = load(root)
    assert x.return_years == [2017, 2018] and x.extract_date == pd.Timestamp("2018-03-31")
    said = [n for n in x.notices if "its name says" in n]
    assert said == ["folder 2015: its name says 2014-15 or 2015-16 but its episodes are of 2017-18; read as 2017-18 "
                    "(the data wins over the name)."]
    assert county(x, "2018-03-31") == HAND["2018-03-31"]


def test_a_return_without_episodes_follows_the_others_naming(tmp_path):
    root = tmp_path / "x"
    write_return(root / "2016", 2017)                    # named by the start year, as the data shows
    write_return(root / "2017", 2018, with_episodes=False)   # OC2 only: 2017 by the same convention is 2017-18
    x = load(root)
    assert x.return_years == [2017, 2018] and not any("its name says" in n or "no episodes" in n for n in x.notices)
    assert sorted(x["oc2"]["YEAR"]) == [2017, 2018, 2018]
    alone = tmp_path / "y"                               # no other single-year name to learn from
    write_return(alone / "2016-17", 2017)
    write_return(alone / "2018", 2018, with_episodes=False)
    y = load(alone)
    assert y.return_years == [2017, 2018]                # the name as the year ending, said in a notice
    assert [n for n in y.notices if "no episodes" in n] == [
        "folder 2018: no episodes to read its collection year from and no other return shows how the years are "
        "named; read as 2017-18 (the year ending 31 March 2018)."]


def write_pooled(folder: Path, labels: dict[int, str]) -> Path:
    """Both returns in one set of pooled files: ISO dates, LA and YEAR columns (YEAR as ``labels`` name it)."""
    iso = lambda d: pd.to_datetime(d, format="%d/%m/%Y").strftime("%Y-%m-%d") if d else ""  # noqa: E731
    folder.mkdir(parents=True)
    episodes, header, oc2 = [], [], []
    for year, rows in ((2017, RETURN_2017), (2018, RETURN_2018)):
        extra = {"LA": "E10000016", "YEAR": labels[year]}
        episodes += [dict(e, DECOM=iso(e["DECOM"]), DEC=iso(e["DEC"])) for e in episode_rows(rows, **extra)]
        header += [dict(CHILD=c, SEX="1", DOB=iso(DOB[c]), ETHNIC="WBRI", UPN="UN1", **extra)
                   for c in dict.fromkeys(r[0] for r in rows)]
        oc2 += [dict(CHILD=c, DOB=iso(DOB[c]), IMMUNISATIONS=i, HEALTH_CHECK="1", TEETH_CHECK="1", LA="E10000016",
                     YEAR=labels[year]) for c, i in OC2[year]]
    write_table(folder, "episodes", episodes, columns=TABLE_COLUMNS["episodes"] + ["LA", "YEAR"])
    write_table(folder, "header", header, columns=TABLE_COLUMNS["header"] + ["LA", "YEAR"])
    write_table(folder, "oc2", oc2, columns=TABLE_COLUMNS["oc2"] + ["LA"])
    return folder


@pytest.mark.parametrize("labels", [{2017: "2016", 2018: "2017"}, {2017: "2017", 2018: "2018"},
                                    {2017: "2016/17", 2018: "2017/18"}, {2017: "2016-17", 2018: "2017-18"}],
                         ids=["start", "end", "slash", "dash"])
def test_the_pooled_year_column_is_read_from_the_data(tmp_path, labels):
    x = load(write_pooled(tmp_path / "pooled", labels))
    assert x.return_years == [2017, 2018] and x.extract_date == pd.Timestamp("2018-03-31")
    assert sorted(x["oc2"]["YEAR"]) == [2017, 2018, 2018] and not any("its name says" in n for n in x.notices)
    assert x["episodes"][x["episodes"]["CHILD"] == "C"]["DEC"].min() == pd.Timestamp("2017-06-01")
    for period, figures in HAND.items():
        assert county(x, period) == figures


def test_a_pooled_label_the_data_contradicts_gives_a_notice(tmp_path):
    x = load(write_pooled(tmp_path / "pooled", {2017: "2016-17", 2018: "2015"}))
    assert x.return_years == [2017, 2018]
    assert [n for n in x.notices if "its name says" in n] == [
        "YEAR 2015: its name says 2014-15 or 2015-16 but its episodes are of 2017-18; read as 2017-18 (the data wins "
        "over the name)."]


def test_the_latest_31_march_of_returns_named_by_their_start_runs(tmp_path):
    x = load(write_layout(tmp_path / "start", LAYOUTS["start"]))   # 2017/ holds 2017-18: it was dated 31/03/2017
    assert check_period(x, "2018-03-31") == pd.Timestamp("2018-03-31")
    with pytest.raises(CicError, match="after the extract date"):
        check_period(x, "2018-04-30")


@pytest.fixture(scope="module")
def splitter():
    spec = importlib.util.spec_from_file_location("split_returns", ROOT / "tools" / "split_returns.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_single(folder: Path) -> Path:
    """Everything known at the end of 2017-18 as one extract: C's move and both years' OC2 (with YEAR)."""
    folder.mkdir(parents=True)
    write_table(folder, "episodes", episode_rows(RETURN_2017[1:2] + RETURN_2018))
    write_table(folder, "header", [{"CHILD": c, "SEX": "1", "DOB": d, "ETHNIC": "WBRI", "UPN": "UN1"}
                                   for c, d in DOB.items()])
    write_table(folder, "oc2", [{"CHILD": c, "DOB": DOB[c], "IMMUNISATIONS": i, "HEALTH_CHECK": "1", "TEETH_CHECK": "1",
                                 "YEAR": str(y)} for y, rows in OC2.items() for c, i in rows])
    (folder / "notes.csv").write_text("FOO,BAR\n1,2\n")   # a local table: copied to the top
    return folder


@pytest.mark.parametrize("naming", ["start", "end", "span"])
def test_split_returns_cuts_the_returns_the_dfe_collects(tmp_path, splitter, naming):
    single = write_single(tmp_path / "single")
    # by default from A's start (2015-16) to the last 31 March on or before the latest event (E's start,
    # 01/02/2018): 2017-18 was not over yet
    assert splitter.default_years(splitter.with_dates(splitter.read_folder(single)[0])) == [2016, 2017]
    counts = splitter.split(single, tmp_path / naming, naming, years=[2016, 2017, 2018])
    folders = {"start": ["2015", "2016", "2017"], "end": ["2016", "2017", "2018"],
               "span": ["2015-16", "2016-17", "2017-18"]}[naming]
    assert sorted(p.name for p in (tmp_path / naming).iterdir()) == folders + ["notes.csv"]
    assert counts[2016]["episodes"] == 1                              # A
    assert counts[2017] == {"episodes": 3, "oc2": 1, "header": 3}     # A, B, C (open); A; A, B, C
    assert counts[2018] == {"episodes": 5, "oc2": 2, "header": 4}     # A, C twice, D, E; A, C; A, C, D, E
    c = pd.read_csv(tmp_path / naming / folders[1] / "episodes.csv", dtype=str, keep_default_na=False)
    assert c.loc[c["CHILD"] == "C", ["DEC", "REC", "REASON_PLACE_CHANGE"]].values.tolist() == [["", "", ""]]
    x, s = load(tmp_path / naming), load(single, extract_date="2018-03-31")
    assert x.return_years == [2016, 2017, 2018] and x.extract_date == pd.Timestamp("2018-03-31")
    for period, figures in HAND.items():
        assert county(x, period) == county(s, period) == figures
