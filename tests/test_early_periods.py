"""Reports for the first months of the data: the comparisons a report makes (last month, the outturn, the scorecard
last reported to the panel, the same span last year) that fall before the data start show as n/a with a notice,
and the words say there is nothing to compare with instead of inventing a change.

The hand-built extract (tests/conftest.py) starts on 01/01/2012 (S and E enter care that day). At 31/01/2012 two
children are in care, both citizen children (E's V2 episode is not a short break): 2 + 0. Last month (31/12/2011),
the outturn (31/03/2011) and the scorecard last reported to the panel (the quarter end before, 31/12/2011) are all
before the data start. The only rated county indicator is the rate per 10,000 (2 children: Green).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cicanalysis.core import periods as P
from cicanalysis.measures import scorecard
from cicanalysis.reports import covering_text as C
from cicanalysis.reports import headline
from cicanalysis.reports.scorecard_text import data_start_notice, performance_summary

FIRST = "2012-01-31"        # the data's first month end


@pytest.fixture(scope="module")
def early():
    from conftest import extract_from_rows
    x = extract_from_rows()
    assert x.first_date == pd.Timestamp("2012-01-01")
    card = scorecard.build(x, FIRST)
    county = card[card["level"] == "county"]
    compared = {name: scorecard.build_compared(x, when, card, levels=("county",)) for name, when in
                (("last_month", P.previous_month_end(FIRST)), ("outturn", P.outturn_date(FIRST)),
                 ("panel", scorecard.last_panel_period(FIRST)))}
    return x, card, county, compared


def test_a_scorecard_before_the_data_start_is_the_same_rows_with_every_figure_blank(early):
    x, card, county, compared = early
    panel = compared["panel"]
    # the old notebook built it with scorecard.build, which refused the period in one line (CicError)
    assert list(panel["indicator"]) == list(county["indicator"]) and (panel["level"] == "county").all()
    assert (panel["period"] == pd.Timestamp("2011-12-31")).all()
    for column in ("value", "numerator", "denominator", "previous_value", "outturn_value"):
        assert panel[column].isna().all(), column
    assert panel["rag"].isna().all() and panel["dot_previous"].isna().all() and not panel["small_denominator"].any()
    assert list(panel.columns) == scorecard.COLUMNS
    # the month itself: its previous and outturn values are blank too, never 0
    cic = county.set_index("indicator")
    assert cic.loc["CIC_TOTAL", "value"] == 2 and np.isnan(cic.loc["CIC_TOTAL", "previous_value"])
    assert np.isnan(cic.loc["CIC_TOTAL", "outturn_value"]) and cic.loc["CIC_RATE", "rag"] == "G"


def test_a_scorecard_compared_with_within_the_data_is_the_scorecard(early):
    x, card, _, _ = early
    feb = scorecard.build(x, "2012-02-29")
    pd.testing.assert_frame_equal(scorecard.build_compared(x, FIRST, feb, levels=("county",)),
                                  scorecard.build(x, FIRST, levels=("county",)))


def test_the_data_start_notice_names_what_is_before_it():
    start = pd.Timestamp("2015-01-01")
    windows = ("year-to-date measures from 30/04/2015, 12-month measures from 31/12/2015 and 3-year measures from "
               "31/12/2017.")
    assert data_start_notice(start, "2015-01-31") == (
        "The data start on 01/01/2015, so last month (December 2014) and the outturn (March 2014) have no figures "
        "(n/a) and nothing is compared with them; the trends start at January 2015; measures over a window that starts "
        "before then are n/a until it lies within the data: " + windows)
    assert data_start_notice(start, "2015-02-28").startswith(
        "The data start on 01/01/2015, so the outturn (March 2014) has no figures (n/a) and nothing is compared with "
        "it; the trends start at January 2015;")
    # 13 months to 31/12/2015 start at 31/12/2014: before the data; January-March 2015 have no year-to-date figures
    assert data_start_notice(start, "2015-12-31") == ("The data start on 01/01/2015, so the trends start at January "
                                                      "2015; measures over a window that starts before then are n/a "
                                                      "until it lies within the data: " + windows)
    # the history (from 31/03/2017) within the data, but 3-year windows before 31/12/2017 start before it
    assert data_start_notice(start, "2018-03-31") == ("The data start on 01/01/2015, so measures over a window that "
                                                      "starts before then are n/a until it lies within the data: "
                                                      "3-year measures from 31/12/2017.")
    assert data_start_notice(start, "2018-12-31") == ""
    # data from 1 April: year-to-date windows never start before them, so they are not named
    assert data_start_notice(pd.Timestamp("2006-04-01"), "2006-06-30").endswith(
        "within the data: 12-month measures from 31/03/2007 and 3-year measures from 31/03/2009.")
    assert data_start_notice(pd.NaT, "2016-01-31") == ""


def test_window_measures_are_not_available_until_their_window_lies_within_the_data(early):
    """Data from 01/01/2012. The old code counted from then: at 31/03/2012 2 children started (S and E) and 1 ceased
    this year to date (from 01/04/2011), 0 of 1 leaver adopted (0%), and at 30/11/2014 A1 over the last 3 years
    (from 01/12/2011) was 303.5 days (607 / 2). Each window starts before the data, so each is n/a now."""
    x = early[0]
    march = scorecard.build(x, "2012-03-31").query("level == 'county'").set_index("indicator")
    for ind in ("STARTED", "CEASED", "LEFT_CARE_ADOPTED", "A1_R12M", "A1_3Y"):
        row = march.loc[ind]
        assert row[["numerator", "denominator", "value"]].isna().all(), ind
        assert pd.isna(row["rag"]) and pd.isna(row["dot_previous"]) and not row["small_denominator"], ind
    assert march.loc["CIC_TOTAL", "value"] == 1                   # a snapshot is counted as before
    teams = scorecard.build(x, "2012-03-31", levels=("team",))
    assert teams.loc[teams["indicator"] == "STARTED", "value"].isna().all()
    # from the first April the year to date is within the data: counted (0 started in April 2012), last month n/a
    april = scorecard.build(x, "2012-04-30", levels=("county",)).set_index("indicator")
    assert april.loc["STARTED", "value"] == 0 and np.isnan(april.loc["STARTED", "previous_value"])
    assert pd.isna(april.loc["STARTED", "dot_previous"])
    a1 = scorecard.trend(x, "2014-12-31", indicators=["A1_3Y", "A1_R12M"]).set_index(["indicator", "period"])["value"]
    assert np.isnan(a1[("A1_3Y", pd.Timestamp("2014-11-30"))]) and a1[("A1_3Y", pd.Timestamp("2014-12-31"))] == 303.5
    assert a1[("A1_R12M", pd.Timestamp("2014-11-30"))] == 303.5   # its 12 months (from 01/12/2013) are in the data
    numerators = scorecard.values(x, "2012-12-31", indicators=["A1_R12M"], levels=("county",))["numerator"]
    assert numerators.tolist() == [0.0]                           # 12 months from 01/01/2012: counted, none adopted


def test_the_headline_says_there_is_nothing_to_compare_with(early):
    x, card, _, compared = early
    h = headline.scorecard(x, card, compared["last_month"], compared["outturn"], notices=["Another notice."])
    assert h.notices[0] == "Another notice." and h.notices[1].startswith("The data start on 01/01/2012, so last month "
                                                                         "(December 2011) and the outturn (March 2011)")
    assert h.sentences[0] == ("As at 31/01/2012, Middleshire County Council has 1 indicator rated as Green, 0 as Amber "
                              "and 0 as Red. There are no figures for last month (December 2011) to compare with. "
                              "There are no figures for the outturn (March 2011) to compare with.")
    assert "Since last month: citizen children no comparison, UASC no comparison." in h.sentences[1]
    assert h.lists[0] == ("Changed RAG band since last month (December 2011): no figures to compare with", [])
    assert h.lists[1] == ("Changed RAG band since the outturn (March 2011): no figures to compare with", [])
    assert "nan" not in str(h) and " 0 improved" not in str(h)


def test_the_performance_summary_counts_changes_when_there_are_figures():
    frame = pd.DataFrame({"indicator": ["PLACEMENTS_3PLUS", "WITHIN_20_MILES"], "period": pd.Timestamp("2016-03-31"),
                          "value": [14.3, 60.0], "target": [10.0, 80.0], "floor": [12.0, 70.0],
                          "previous_value": [12.5, np.nan], "outturn_value": [np.nan, np.nan]})
    text = performance_summary(frame, "X")
    # 14.3 against 12.5 (L): worse; the second has no figure last month; no outturn figure at all
    assert "Compared with last month 0 improved, 0 stayed the same and 1 worsened." in text
    assert text.endswith("There are no figures for the outturn (March 2015) to compare with.")


def test_the_covering_report_gives_no_change_since_a_report_before_the_data_start(early):
    x, card, _, compared = early
    report = C.covering_report(x, card, compared["panel"])
    text = str(report)
    assert "The data start on 1 January 2012, so there are no figures for 31 December 2011 to compare with" in text
    assert ("At 31 January 2012 there were 2 children in care: 2 citizen children and 0 UASC. There are no figures "
            "for 31 December 2011 to compare with.") in text
    assert "at 31 December 2011, there are no figures to compare with." in text
    assert "There are no figures for 31 December 2011 to compare with, so no change of RAG band is given." in text
    assert ("Summary: The scorecard for the period ending 31 January 2012: 1 Green, 0 Amber and 0 Red. There are no "
            "figures for the last report to the Corporate Parenting Panel (31 December 2011) to compare with.") in text
    assert "nan" not in text and "moved to a better RAG band" not in text


# ---------------------------------------------------------------- the sufficiency report
def test_a_sufficiency_report_before_the_trends_default_start_runs_from_the_data_start(early):
    """31/03/2012 is before the trends' default start (01/04/2012): the old trend had no quarter at all (and the
    report failed with a KeyError); it now starts where the data start (01/01/2012), with the period's quarter.
    At 31/03/2012 S is in care (E left on 01/03/2012); S and E entered care in the quarter."""
    from cicanalysis.measures import sufficiency as S
    from cicanalysis.reports import sufficiency_text as ST
    x = early[0]
    assert S.trend_start(x, "2012-03-31") == pd.Timestamp("2012-01-01")
    assert S.trend_start(x, "2016-03-31") == pd.Timestamp("2012-04-01") == S.START
    t = S.trend(x, "2012-03-31")
    county = t[t["level"] == "county"].set_index("measure")
    assert list(t["quarter"].unique()) == [pd.Timestamp("2012-03-31")]
    assert (county.loc["CIC_INCL", "value"], county.loc["STARTED", "value"]) == (1, 2)
    assert ST.headline(t, "2012-03-31") == ["At 31/03/2012 (Q4 2011-12) the trends start, so there are no figures for "
                                            "the previous quarter (December 2011) to compare with."]
    assert (ST.summary_table(t, "2012-03-31")["Previous quarter"] == "n/a").all()


# ---------------------------------------------------------------- the adoption journey
def test_the_adoption_span_last_year_before_the_data_start_is_blank_not_zero(early):
    """31/03/2013: the same span last year (01/04/2011-31/03/2012) starts before the data (01/01/2012), so its
    counts are blank, not 0 (the old summary said 'the same as in the same period last year (0)'). 31/03/2014: last
    year's span starts 01/04/2012, within the data: D placed 01/12/2013 and E 01/03/2014, 2 against 0."""
    from cicanalysis.measures import adoption
    from cicanalysis.reports import adoption_text
    x = early[0]
    s = adoption.summary_statistics(x, "2013-03-31")
    assert s["last_year"].isna().all() and s["change"].isna().all() and s["this_span"].iloc[0] == 0   # adopted
    lines = adoption_text.summary_bullets(s, "2013-03-31")
    assert lines[0] == ("0 children were adopted between 1 April 2012 and 31 March 2013; there are no figures for the "
                        "same period last year to compare with (before the data start).")
    assert "there are no figures for 31/03/2012 to compare with" in lines[6] and "the same as" not in " ".join(lines)
    placed = adoption.summary_statistics(x, "2014-03-31").set_index("measure").loc["Children placed for adoption"]
    assert (placed["this_span"], placed["last_year"], placed["change"]) == (2, 0, 2)


def test_the_sufficiency_report_says_its_trends_start_at_the_data_start(early):
    """31/03/2012 (data from 01/01/2012) is before the trends' default start (April 2012): one notice says where they
    start and that measure 7 (average days over the last 12 months, counted from 01/01/2012 by the old code) is n/a
    until its window lies within the data, from 31/12/2012; with a start before the data start (2011-04-01) the same;
    with the trends starting at their default start, no notice."""
    from cicanalysis.measures import sufficiency as S
    from cicanalysis.reports import sufficiency_text as ST
    x = early[0]
    assert ST.data_start_notices(x, "2012-03-31") == [
        "The data start on 01/01/2012, so the trends start at January 2012 rather than April 2012; a measure over a "
        "window that starts before then is n/a until the window lies within the data: 7 (over the last 12 months) "
        "from 31/12/2012."]
    assert ST.data_start_notices(x, "2013-03-31", start="2011-04-01")[0].startswith(
        "The data start on 01/01/2012, so the trends start at January 2012 rather than April 2011;")
    assert ST.data_start_notices(x, "2013-03-31") == [] and ST.data_start_notices(x, "2013-03-31", start="2013-01-01") == []
    t = S.trend(x, "2013-03-31", start="2011-04-01", measures=["BLA_TO_PLACED"]).set_index("quarter")
    assert t.loc[pd.Timestamp("2012-09-30"), ["numerator", "denominator", "value"]].isna().all()
    assert t.loc[pd.Timestamp("2012-12-31"), "numerator"] == 0     # 12 months from 01/01/2012: counted
