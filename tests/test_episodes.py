import pandas as pd

T = pd.Timestamp


def test_bla_runs_across_x1_episodes_and_a_gap_starts_a_new_period(extract):
    poc = extract.periods_of_care.set_index("CHILD")
    assert poc.loc["A", "BLA"] == T("2014-04-01") and pd.isna(poc.loc["A", "END"])
    assert poc.loc["D", "BLA"] == T("2013-02-01") and poc.loc["D", "END"] == T("2014-06-01")
    e = poc.loc["E"].sort_values("BLA")
    assert list(e["BLA"]) == [T("2012-01-01"), T("2013-05-01")]
    assert list(e["REC"]) == ["E4A", "E12"]


def test_a_legal_status_change_is_not_a_new_placement(extract):
    pl = extract.placements
    a = pl[pl["CHILD"] == "A"].sort_values("START")
    assert list(a["START"]) == [T("2014-04-01"), T("2015-01-01")]
    assert a["END"].iloc[0] == T("2015-01-01")


def test_adoption_dates_per_period_of_care(extract):
    ad = extract.adoption_dates.set_index("CHILD")
    e = ad.loc["E"].sort_values("BLA").iloc[-1]
    assert e["PO_DATE"] == T("2013-11-01") and e["PLACED_FOR_ADOPTION"] == T("2014-03-01")
    assert e["ADOPTION_ORDER"] == T("2014-10-01")


def test_uasc_status_ends_at_duc(extract):
    kids = pd.Series(["U", "U2", "A"])
    assert list(extract.uasc_on(kids, T("2016-02-29"))) == [True, True, False]
    assert list(extract.uasc_on(kids, T("2016-03-31"))) == [True, False, False]


def test_age_and_units(extract):
    kids = pd.Series(["A", "B"])
    assert list(extract.age_on(kids, T("2016-03-31"))) == [5, 13]
    units = extract.units_of(kids, T("2016-03-31"))
    assert list(units["AREA"]) == ["North", "West"] and list(units["TEAM"]) == ["Dartford", "Sevenoaks"]


def test_in_care_on_counts_open_episodes_only(extract):
    assert sorted(extract.in_care_on("2016-03-31")["CHILD"]) == ["A", "B", "S", "S2", "S3", "U", "U2"]
    # F left on 15/04/2014: in care on the 14th, not on the 15th
    assert "F" in set(extract.in_care_on("2014-04-14")["CHILD"])
    assert "F" not in set(extract.in_care_on("2014-04-15")["CHILD"])


def test_episode_as_of_takes_each_childs_latest_episode_starting_on_or_before_the_date(extract):
    ep = extract.episodes
    a = ep[ep["CHILD"] == "A"].sort_values("DECOM")
    first, second = a["DECOM"].iloc[0], a["DECOM"].iloc[1]
    kids = pd.Series(["A", "A", "A", "A", "ZZ", "A"], index=[10, 11, 12, 13, 14, 15])
    dates = pd.Series([first - pd.Timedelta(days=1), first, second - pd.Timedelta(days=1), second, second, pd.NaT],
                      index=kids.index)
    got = extract.episode_as_of(kids, dates, ["DECOM"])["DECOM"]
    assert list(got.index) == [10, 11, 12, 13, 14, 15]
    assert pd.isna(got[10]) and got[11] == first and got[12] == first and got[13] == second
    assert pd.isna(got[14])                                             # a child with no episode
    assert got[15] == a["DECOM"].iloc[-1]                               # a blank date: the extract date
    # every child on every episode start, the day before and the day after, against a plain filter
    pairs = [(c, d + pd.Timedelta(days=k)) for c, d in zip(ep["CHILD"], ep["DECOM"]) for k in (-1, 0, 1)]
    kids, dates = pd.Series([c for c, _ in pairs]), pd.Series([d for _, d in pairs])
    got = extract.episode_as_of(kids, dates, ["DECOM", "PERIOD_ID"])
    for i, (c, d) in enumerate(pairs):
        mine = ep[(ep["CHILD"] == c) & (ep["DECOM"] <= d)]
        if mine.empty:
            assert pd.isna(got["DECOM"].iloc[i])
        else:
            assert got["DECOM"].iloc[i] == mine["DECOM"].iloc[-1]
            assert got["PERIOD_ID"].iloc[i] == mine["PERIOD_ID"].iloc[-1]


def test_an_extract_of_short_breaks_only_is_refused_in_one_line_and_its_journeys_are_empty():
    """Every episode a short break (LS V3/V4): no child was looked after, so no report has anything to count. The
    period check says so in one line naming the file and the rule (it was a TypeError deep in the adoption
    journeys), and the journeys, which the run builds before any report, are an empty table."""
    import pytest
    from conftest import episode_rows, extract_from_rows, header_rows
    from cicanalysis.core.errors import CicError
    from cicanalysis.measures import scorecard
    from cicanalysis.model.journeys import journeys
    x = extract_from_rows({"header": header_rows("C1"),
                           "episodes": episode_rows(("C1", "01/06/2015", "S", "V3", "U1", "PR1", "02/06/2015", "E4A"),
                                                    ("C1", "01/07/2015", "S", "V3", "U1", "PR1", "02/07/2015", "E4A"))})
    assert journeys(x).empty
    with pytest.raises(CicError) as e:
        scorecard.check_period(x, "2015-07-31")
    assert str(e.value).startswith("episodes: no episode to count (2 in the file, every one a short break")
    assert e.value.rule == "an episode of care"
