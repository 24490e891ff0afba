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
import shutil
from pathlib import Path

import pandas as pd
import pytest

from cicanalysis import CicError, load
from cicanalysis.cli import main
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


# ---------------------------------------------------------------- two versions of one year (issue 26)
# A February draft of 2017-18 (taken before E started on 01/02/2018: D's end on 01/01/2018 is its latest date)
# beside the final return (latest date E's start, 01/02/2018).
DRAFT_2018 = [r for r in RETURN_2018 if r[0] != "E"]


def write_draft(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_table(folder, "episodes", episode_rows(DRAFT_2018))
    write_table(folder, "header", [{"CHILD": c, "SEX": "1", "DOB": DOB[c], "ETHNIC": "WBRI", "UPN": "UN1"}
                                   for c in dict.fromkeys(r[0] for r in DRAFT_2018)])
    return folder


@pytest.mark.parametrize("final,draft", [("2018", "2017-18"), ("2017-18", "2018")])
def test_of_two_versions_of_one_year_the_final_return_is_read_whichever_folder_holds_it(tmp_path, final, draft):
    root = tmp_path / "x"
    write_return(root / "2016-17", 2017)
    write_return(root / final, 2018)
    write_draft(root / draft)
    x = load(root)
    for period, figures in HAND.items():               # E counted: the final return's (the draft had no E)
        assert county(x, period) == figures
    assert sorted(x.sources["episodes"]) == sorted(["2016-17/episodes.csv", f"{final}/episodes.csv"])
    ignored = x.dq[x.dq["action"] == "file ignored"]
    assert ignored[["file", "rule"]].values.tolist() == [[f"{draft}/", (
        f"folder ignored: {final}/ also holds the 2017-18 return and was read, its latest date (01/02/2018) being "
        f"later than this folder's (01/01/2018): this one is taken as an earlier version (a draft)")]]
    assert [n for n in x.notices if "all hold" in n] == [
        f"folders {', '.join(sorted([final + '/', draft + '/']))} all hold the 2017-18 return: {final}/ is read, "
        f"the other listed as ignored."]


def test_an_identical_copy_of_a_return_is_read_once(tmp_path):
    root = tmp_path / "x"
    write_return(root / "2016-17", 2017)
    write_return(root / "2017-18", 2018)
    shutil.copytree(root / "2017-18", root / "2018")
    x = load(root)
    for period, figures in HAND.items():
        assert county(x, period) == figures
    assert x.dq.loc[x.dq["action"] == "file ignored", ["file", "rule"]].values.tolist() == [
        ["2018/", "folder ignored: an identical copy of 2017-18/ (both hold the 2017-18 return: read once)"]]


def test_two_versions_that_nothing_tells_apart_are_refused_naming_both(tmp_path, capsys):
    root = tmp_path / "x"
    write_return(root / "2016-17", 2017)
    write_return(root / "2017-18", 2018)
    other = write_return(root / "2018", 2018)
    (other / "episodes.csv").write_text((other / "episodes.csv").read_text().replace(",U4,", ",U6,", 1))
    with pytest.raises(CicError) as err:
        load(root)
    assert str(err.value) == (
        "2017-18/: and 2018/ both hold the 2017-18 return, with different rows and nothing to tell which is the final "
        "one (both end on 01/02/2018): keep one (move the other into old/) [rule: one return per collection year]")
    assert main(["validate", str(root)]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [f"error: {err.value}"]


def test_two_folders_of_one_year_holding_different_tables_are_one_return(tmp_path):
    root = tmp_path / "x"
    write_return(root / "2016-17", 2017)
    write_return(root / "2017-18", 2018)
    (root / "2017-18" / "oc2.csv").rename(tmp_path / "oc2.csv")
    (root / "2018").mkdir()
    (tmp_path / "oc2.csv").rename(root / "2018" / "oc2.csv")     # the OC2 file kept in a folder of its own
    x = load(root)
    for period, figures in HAND.items():
        assert county(x, period) == figures
    assert "folders 2017-18/, 2018/ hold different tables of the 2017-18 return: read together as one return." \
        in x.notices
    assert not (x.dq["action"] == "file ignored").any()


# ---------------------------------------------------------------- yearly merges (issue 26)
def test_an_episode_deleted_from_the_later_return_ends_with_the_last_return_holding_it(tmp_path):
    """A's open episode is in the 2016-17 return but not the 2017-18 one (deleted there as a correction): it ends on
    31/03/2017 as liia-tools ends it, so A is in care at no date the later return covers: 31/03/2018 counts C and E
    (2, where A stayed open for ever before: 3), and 31/03/2017 C alone (an episode ending on a day is not open
    on it)."""
    root = tmp_path / "x"
    write_return(root / "2016-17", 2017)
    write_return(root / "2017-18", 2018)
    edited = [r for r in RETURN_2018 if r[0] != "A"]
    write_table(root / "2017-18", "episodes", episode_rows(edited))
    x = load(root)
    a = x["episodes"][x["episodes"]["CHILD"] == "A"]
    assert a["DEC"].tolist() == [pd.Timestamp("2017-03-31")] and a["REC"].isna().all()
    assert county(x, "2017-03-31", ("CIC_TOTAL",)) == {"CIC_TOTAL": 1}      # C
    assert county(x, "2018-03-31", ("CIC_TOTAL", "CIC_STARTED")) == {"CIC_TOTAL": 2, "CIC_STARTED": 1}   # C, E; E
    row = x.dq[(x.dq["CHILD"] == "A") & (x.dq["column"] == "DEC")]
    assert row[["file", "column", "value", "action"]].values.tolist() == [
        ["2016-17/episodes.csv", "DEC", "31/03/2017", "DEC taken as the 31 March of the last return holding it"]]
    # the 2017-18 OC2 row of A, no longer in care, is outside that year's OC2 cohort (the cohort check says so)
    assert x.dq.loc[(x.dq["CHILD"] == "A") & (x.dq["file"] == "2017-18/oc2.csv"), "action"].tolist() == ["row excluded"]
    assert row["rule"].iloc[0].startswith("open at the end of its last return, absent from the later returns")


@pytest.mark.parametrize("decom,rule", [("01/05/2015", "replaced in a later return by an episode starting before"),
                                        ("01/07/2015", "the same placement starting another day")])
def test_an_open_episode_whose_start_a_later_return_corrected_is_not_read(tmp_path, decom, rule):
    """The 2017-18 return has A's episode starting on another day (a corrected DECOM): one episode, the later
    return's; the 2016-17 copy is not read (before, a start moved later left a one-month episode, an extra
    placement, and one moved earlier left two open episodes)."""
    root = tmp_path / "x"
    write_return(root / "2016-17", 2017)
    write_return(root / "2017-18", 2018)
    corrected = [("A", decom, "S", "", "") if r[0] == "A" else r for r in RETURN_2018]
    write_table(root / "2017-18", "episodes", episode_rows(corrected))
    x = load(root)
    a = x["episodes"][x["episodes"]["CHILD"] == "A"]
    assert a["DECOM"].tolist() == [pd.to_datetime(decom, dayfirst=True)] and a["DEC"].isna().all()
    for period, figures in HAND.items():
        assert county(x, period) == figures
    row = x.dq[(x.dq["CHILD"] == "A") & (x.dq["column"] != "DISTRICT")]       # (no postcodes in these returns)
    assert row[["file", "column", "value", "action"]].values.tolist() == [
        ["2016-17/episodes.csv", "DECOM", "01/06/2015", "row excluded"]]
    assert rule in row["rule"].iloc[0]


def test_a_latest_return_without_oc2_keeps_the_earlier_returns_and_says_so(tmp_path):
    root = tmp_path / "x"
    write_return(root / "2016-17", 2017)
    write_return(root / "2017-18", 2018)
    (root / "2017-18" / "oc2.csv").unlink()
    x = load(root)
    assert x["oc2"]["YEAR"].tolist() == [2017] and x["oc2"]["CHILD"].tolist() == ["A"]
    assert [n for n in x.notices if "latest return" in n] == [
        "The latest return, 2017-18 (2017-18/), has no oc2 table: the earlier returns' rows are kept (oc2 up to "
        "2016-17), so 2017-18 figures that need them count only what those returns held."]
    assert county(x, "2017-03-31") == HAND["2017-03-31"]
