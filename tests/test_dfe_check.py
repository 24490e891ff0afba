"""tools/dfe_check/run_dfe_check.py: the yearly returns it cuts from an extract, and README's allow-list.

The validator itself runs in its own environment (`make dfe-check`); the cut is plain pandas and is tested
here on a hand-built extract, 2014-15 (1 April 2014 to 31 March 2015) worked out by hand:
  K  girl, in care since 01/06/2013; moves 01/09/2014 (reason CARPL on the ended episode) and 01/06/2015
     (reason CHILD, not yet known at 31/03/2015); first child born 01/02/2016; missing 20/03-02/04/2015
     (open at the year end) and 01/05/2013 (before the year); reviews 10/10/2013 and 10/10/2014.
  L  care leaver (left at 18 on 01/01/2013), OC3 in 2014-15.
  M  UASC girl, in care 01/08/2013 to her 18th birthday 01/06/2014 (DUC).
  N  UASC boy, in care from 01/05/2014 (started in the year: previous permanence Z1), DUC 01/02/2017.
  P  adopted 01/02/2015 (E11), ADM decision 01/09/2013 not ceased.
  Q  ADM decision 01/10/2015, after the year.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from conftest import write_table

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tools" / "dfe_check" / "run_dfe_check.py"


@pytest.fixture(scope="module")
def dfe():
    spec = importlib.util.spec_from_file_location("run_dfe_check", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EPISODES = [  # CHILD, DECOM, RNE, LS, PLACE, DEC, REC, REASON_PLACE_CHANGE
    ("K", "01/06/2013", "S", "C2", "U6", "01/09/2014", "X1", "CARPL"),
    ("K", "01/09/2014", "P", "C2", "U5", "01/06/2015", "X1", "CHILD"),
    ("K", "01/06/2015", "P", "C2", "U6", "", "", ""),
    ("L", "01/01/2011", "S", "C2", "U6", "01/01/2013", "E17", ""),
    ("M", "01/08/2013", "S", "V2", "H5", "31/05/2014", "E5", ""),
    ("N", "01/05/2014", "S", "V2", "U6", "", "", ""),
    ("P", "01/05/2013", "S", "C1", "U6", "01/03/2014", "X1", "CARPL"),
    ("P", "01/03/2014", "P", "E1", "A6", "01/02/2015", "E11", ""),
    ("Q", "01/01/2015", "S", "C1", "U6", "", "", ""),
]
DOB = {"K": "01/01/2000", "L": "01/01/1995", "M": "01/06/1996", "N": "01/02/1999", "P": "01/01/2012",
       "Q": "01/01/2014"}


def write_extract(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_table(folder, "episodes", [
        {"CHILD": c, "DECOM": a, "RNE": r, "LS": ls, "CIN": "N1", "PLACE": pl, "PLACE_PROVIDER": "PR1", "DEC": d,
         "REC": rec, "REASON_PLACE_CHANGE": why, "HOME_POST": "ZZ1 1AB", "PL_POST": "ZZ2 1AB", "URN": "XXXXXXX"}
        for c, a, r, ls, pl, d, rec, why in EPISODES])
    write_table(folder, "header", [
        {"CHILD": c, "SEX": "2" if c in ("K", "M") else "1", "DOB": d, "ETHNIC": "WBRI", "UPN": "UN1",
         "MOTHER": "1" if c == "K" else ("0" if c == "M" else ""), "MC_DOB": "01/02/2016" if c == "K" else ""}
        for c, d in DOB.items()])
    write_table(folder, "uasc", [{"CHILD": "M", "SEX": "2", "DOB": DOB["M"], "DUC": "01/06/2014"},
                                 {"CHILD": "N", "SEX": "1", "DOB": DOB["N"], "DUC": "01/02/2017"}])
    write_table(folder, "missing", [
        {"CHILD": "K", "DOB": DOB["K"], "MISSING": "M", "MIS_START": "01/05/2013", "MIS_END": "02/05/2013"},
        {"CHILD": "K", "DOB": DOB["K"], "MISSING": "M", "MIS_START": "20/03/2015", "MIS_END": "02/04/2015"}])
    write_table(folder, "reviews", [{"CHILD": "K", "DOB": DOB["K"], "REVIEW": d, "REVIEW_CODE": "PN1"}
                                    for d in ("10/10/2013", "10/10/2014")])
    write_table(folder, "prev_perm", [{"CHILD": c, "DOB": DOB[c], "PREV_PERM": "Z1"} for c in ("K", "M", "N", "P")])
    write_table(folder, "placed_for_adoption", [
        {"CHILD": "P", "DOB": DOB["P"], "DATE_PLACED": "01/09/2013"},
        {"CHILD": "Q", "DOB": DOB["Q"], "DATE_PLACED": "01/10/2015"}])
    write_table(folder, "ad1", [{"CHILD": "P", "DOB": DOB["P"], "DATE_INT": "01/09/2013", "DATE_MATCH": "01/02/2014",
                                 "FOSTER_CARE": "0", "NB_ADOPTR": "1", "SEX_ADOPTR": "F1", "LS_ADOPTR": "L0"}])
    write_table(folder, "oc2", [{"CHILD": "K", "DOB": DOB["K"], "IMMUNISATIONS": "1", "YEAR": y} for y in (2014, 2015)])
    write_table(folder, "oc3", [{"CHILD": "L", "DOB": DOB["L"], "IN_TOUCH": "YES", "ACTIV": "F2", "ACCOM": "H1",
                                 "YEAR": "2015"}])
    return folder


def test_the_2014_15_return_as_it_stood_at_31_march_2015(dfe, tmp_path):
    t = dfe.cut(dfe.read_extract(write_extract(tmp_path / "x")), 2015)
    ep = t["episodes"]
    # episodes open at any time in the year; K's move of 01/06/2015 is not known yet: end, REC and reason blank
    assert list(zip(ep["CHILD"], ep["DECOM"], ep["DEC"], ep["REC"], ep["REASON_PLACE_CHANGE"])) == [
        ("K", "01/06/2013", "01/09/2014", "X1", "CARPL"), ("K", "01/09/2014", "", "", ""),
        ("M", "01/08/2013", "31/05/2014", "E5", ""), ("N", "01/05/2014", "", "", ""),
        ("P", "01/03/2014", "01/02/2015", "E11", ""), ("Q", "01/01/2015", "", "", "")]
    # the year's children and its care leaver; K was not yet a mother, L (not looked after) is not asked
    header = t["header"].set_index("CHILD")
    assert sorted(header.index) == ["K", "L", "M", "N", "P", "Q"]
    assert tuple(header.loc["K", ["MOTHER", "MC_DOB"]]) == ("0", "")
    assert tuple(header.loc["M", ["MOTHER", "MC_DOB"]]) == ("0", "")
    assert list(t["oc3"]["CHILD"]) == ["L"] and list(t["oc2"]["CHILD"]) == ["K"]
    # UASC whose status ceased in or after the year, DUC kept even when later (the 18th birthday)
    assert list(zip(t["uasc"]["CHILD"], t["uasc"]["DUC"])) == [("M", "01/06/2014"), ("N", "01/02/2017")]
    # previous permanence of the child who started care in the year only
    assert list(t["prev_perm"]["CHILD"]) == ["N"]
    # the missing episode open at 31/03/2015 has no end yet; the one of 2013 is not in the year
    assert list(zip(t["missing"]["MIS_START"], t["missing"]["MIS_END"])) == [("20/03/2015", "")]
    assert list(t["reviews"]["REVIEW"]) == ["10/10/2014"]
    # adopted in the year; the decision of 01/10/2015 came later
    assert list(t["ad1"]["CHILD"]) == ["P"] and list(t["placed_for_adoption"]["CHILD"]) == ["P"]


def test_the_next_return_carries_the_open_missing_episode_and_the_mother(dfe, tmp_path):
    t = dfe.cut(dfe.read_extract(write_extract(tmp_path / "x")), 2016)
    assert list(zip(t["missing"]["MIS_START"], t["missing"]["MIS_END"])) == [("20/03/2015", "02/04/2015")]
    assert tuple(t["header"].set_index("CHILD").loc["K", ["MOTHER", "MC_DOB"]]) == ("1", "01/02/2016")
    assert sorted(t["header"]["CHILD"]) == ["K", "N", "Q"]          # M left, P was adopted last year
    assert list(t["uasc"]["CHILD"]) == ["N"]
    assert list(t["placed_for_adoption"]["CHILD"]) == ["Q"]
    # the validator's files carry exactly its columns
    files = dfe.to_files(t, "This year")
    first_lines = {f["name"]: f["file_content"].decode().splitlines()[0] for f in files}
    assert first_lines["missing.csv"] == "CHILD,DOB,MISSING,MIS_START,MIS_END"
    assert first_lines["episodes.csv"].endswith("HOME_POST,PL_POST,URN")


def test_allow_list_is_read_from_the_table_between_the_markers(dfe, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("| rule | reason |\n| 999 | outside the markers |\n"
                      "<!-- dfe-allow-list -->\n| rule | reason |\n| --- | --- |\n| 169 | postcodes |\n"
                      "| `392a` | distance |\n<!-- /dfe-allow-list -->\n", encoding="utf-8")
    assert dfe.allow_list(readme) == {"169": "postcodes", "392a": "distance"}
    readme.write_text("no markers", encoding="utf-8")
    with pytest.raises(SystemExit):
        dfe.allow_list(readme)


def test_readme_allow_list_is_short_and_reasoned(dfe):
    allowed = dfe.allow_list()
    assert 0 < len(allowed) <= 12
    assert all(len(reason.split()) >= 8 for reason in allowed.values()), allowed
