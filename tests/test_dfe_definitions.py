"""The DfE's rules for who is looked after and when a period of care starts and ends, on small extracts built in
memory (each row's fate commented): short breaks (LS V3/V4) left out, periods of care by the codes (RNE S starts
one, REC other than X1 ends it), overlapping and same-day episodes made one after another."""
import pandas as pd
import pytest

from tests.conftest import county_figure as county
from tests.conftest import extract_of as load

T = pd.Timestamp


def test_short_breaks_are_not_in_care_and_a_child_moving_into_care_is_counted_from_that_start():
    x = load(
        ("SB", "01/04/2015", "S", "V3", "R5", "PR1", "", ""),            # on short breaks throughout: not counted
        ("V4", "01/05/2015", "S", "V4", "R5", "PR1", "01/09/2015", "X1"),  # short breaks ...
        ("V4", "01/09/2015", "L", "C2", "U6", "PR1", "", ""),            # ... then care order: counted from 01/09/2015
        ("C", "01/01/2015", "S", "C2", "U6", "PR1", "", ""),             # an ordinary child in care: counted
    )
    assert sorted(x.in_care_on("2015-06-30")["CHILD"]) == ["C"]          # V4 on short breaks then: not in care
    assert sorted(x.in_care_on("2016-03-31")["CHILD"]) == ["C", "V4"]
    assert county(x, "2016-03-31", "CIC_TOTAL")[2] == 2
    poc = x.periods_of_care.set_index("CHILD")
    assert "SB" not in poc.index                                          # no period of care at all
    assert poc.loc["V4", "BLA"] == T("2015-09-01")                       # looked after from the C2 episode
    assert list(x.short_break_children) == ["SB"]
    assert any("short-break episodes" in n and "1 of the 2 children" in n for n in x.notices)


def test_a_short_break_child_is_not_in_the_placement_stability_or_moves_counts():
    x = load(
        ("V", "01/04/2015", "S", "V3", "R5", "PR1", "01/06/2015", "X1"),    # three short-break stays: not placements
        ("V", "01/06/2015", "P", "V3", "U6", "PR1", "01/08/2015", "X1"),
        ("V", "01/08/2015", "P", "V3", "R5", "PR1", "01/10/2015", "X1"),
        ("V", "01/10/2015", "L", "C2", "U6", "PR1", "", ""),                # in care from 01/10/2015: one placement
        ("M", "01/04/2015", "S", "C2", "U6", "PR1", "01/06/2015", "X1"),    # three carers in the year: counted
        ("M", "01/06/2015", "P", "C2", "U5", "PR4", "01/08/2015", "X1"),
        ("M", "01/08/2015", "P", "C2", "U6", "PR1", "", ""),
    )
    assert county(x, "2016-03-31", "PLACEMENTS_3PLUS")[:2] == (1, 2)       # M only, of V and M
    assert (x.placements["CHILD"] == "V").sum() == 1


def test_periods_of_care_follow_the_codes_not_only_the_dates():
    x = load(
        ("R", "01/04/2014", "S", "C2", "U6", "PR1", "01/10/2014", "E4A"),  # ceased (returned home) ...
        ("R", "01/10/2014", "S", "V2", "U6", "PR1", "", ""),               # ... and back the same day: 2nd period
        ("G", "01/04/2014", "S", "C2", "U6", "PR1", "01/10/2014", "X1"),   # X1: care continued, though the next
        ("G", "15/10/2014", "P", "C2", "U5", "PR1", "", ""),               # episode starts 2 weeks later: 1 period
    )
    poc = x.periods_of_care
    assert list(poc.loc[poc["CHILD"] == "R", "BLA"]) == [T("2014-04-01"), T("2014-10-01")]
    assert list(poc.loc[poc["CHILD"] == "G", "BLA"]) == [T("2014-04-01")]
    assert x.in_care_on("2014-10-07")["CHILD"].tolist() == ["G", "R"]      # G's gap closed: the codes say in care
    g = x.dq[x.dq["CHILD"] == "G"]
    assert list(g["rule"].str[:9]) == ["REC is X1"] and list(g["row"]) == [4]
    assert county(x, "2015-03-31", "LEFT_CARE_ADOPTED")[:2] == (0, 1)     # R ceased once, G never


def test_codes_that_disagree_are_reported_and_starts_and_leavers_follow_the_codes():
    x = load(
        ("A", "01/04/2014", "S", "C2", "U6", "PR1", "01/10/2014", "E13"),  # ceased (E13): a leaver ...
        ("A", "01/10/2014", "P", "C2", "U5", "PR1", "", ""),               # ... then RNE P, not S: DQ; a new period
        ("B", "01/04/2014", "S", "C2", "U6", "PR1", "01/10/2014", "X1"),   # a start; X1: no leaving ...
        ("B", "01/10/2014", "S", "C2", "U5", "PR1", "", ""),               # ... but RNE S: DQ; a new period, a start
        ("M", "01/05/2014", "P", "C2", "U5", "PR1", "", ""),               # the extract begins mid-care: no start
    )
    rules = x.dq.set_index("CHILD")["rule"]
    assert "DfE validation rule 432" in rules["A"]
    assert rules["B"].startswith("RNE is S but the previous episode ended X1")
    poc = x.periods_of_care.set_index(["CHILD", "BLA"])
    assert list(poc["STARTED"]) == [True, False, True, True, False]        # A, A, B, B, M
    assert list(poc["CEASED"]) == [True, False, False, False, False]
    assert county(x, "2015-03-31", "STARTED")[0] == 2                        # A and B, each once
    assert county(x, "2015-03-31", "CEASED")[0] == 1                         # A's E13 only


def test_a_period_ending_x1_into_short_breaks_is_no_leaving():
    x = load(
        ("K", "01/04/2014", "S", "C2", "U6", "PR1", "01/09/2014", "X1"),   # in care, then ...
        ("K", "01/09/2014", "L", "V3", "R5", "PR1", "", ""),               # ... short breaks: out of the counts
        ("L", "01/04/2014", "S", "C2", "U6", "PR1", "01/09/2014", "E4A"),  # returned home: a leaver
    )                   # (data from 01/04/2014: the year to 31/03/2015 lies within them, so it is counted)
    assert county(x, "2015-03-31", "CEASED")[0] == 1
    assert county(x, "2015-03-31", "CEASED_RETURNED_HOME_PCT")[:2] == (1, 1)
    assert x.in_care_on("2014-12-31").empty                                # K on short breaks: not in care


def test_overlapping_episodes_end_where_the_next_starts_and_none_is_dropped():
    x = load(
        ("O", "01/04/2015", "S", "C2", "U6", "PR1", "01/09/2015", "X1"),  # runs past the next start: ends 01/07/2015
        ("O", "01/07/2015", "P", "C2", "U5", "PR4", "", ""),              # kept (it used to be dropped)
        ("D", "01/04/2015", "S", "C2", "U6", "PR1", "", ""),              # the same start twice: the earlier row
        ("D", "01/04/2015", "S", "C2", "U4", "PR1", "", ""),              # dropped, the later (U4) kept
    )
    o = x.episodes[x.episodes["CHILD"] == "O"]
    assert list(o["DEC"]) == [T("2015-07-01"), pd.NaT] and list(o["PLACE"]) == ["U6", "U5"]
    d = x.episodes[x.episodes["CHILD"] == "D"]
    assert list(d["PLACE"]) == ["U4"] and d["DEC"].isna().all()          # still in care, one placement
    rules = x.dq.groupby("CHILD")["rule"].apply(list)
    assert rules["O"] == ["episodes of a child overlap (DEC after the next DECOM): this one ended where the next starts"]
    assert rules["D"] == ["two episodes of a child start on the same day: the later row is kept"]
    assert county(x, "2016-03-31", "CIC_TOTAL")[2] == 2


@pytest.mark.parametrize("ls", ["V3", "V4"])
def test_both_short_break_codes_are_left_out(ls):
    x = load(("K", "01/04/2015", "S", ls, "R5", "PR1", "", ""), ("C", "01/04/2015", "S", "C2", "U6", "PR1", "", ""))
    assert x.in_care_on("2016-03-31")["CHILD"].tolist() == ["C"]
