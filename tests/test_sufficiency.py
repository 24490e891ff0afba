"""Sufficiency strategy measures by quarter on the 11-child fixture of conftest.py, worked by hand.

At 31/12/2015 and 31/03/2016 (quarter ends) the children in care are A (U4 PR4, 25 miles), B (U5 PR4 8 miles
then from 01/02/2016 U6 PR1 2 miles), U (UASC), U2 (UASC until 01/03/2016, 12 miles), S (U4 PR1, 5 miles),
S2 (in care since 01/01/2013, U5 from 01/02/2014, placed for adoption A6 01/12/2015) and S3 (U5 PR4, 30 miles).
"""
import math

import pandas as pd
import pytest

from cicanalysis import CicError
from cicanalysis.reports import sufficiency_text as ST
from cicanalysis.measures import sufficiency as S

Q3, Q4 = pd.Timestamp("2015-12-31"), pd.Timestamp("2016-03-31")


@pytest.fixture
def t(extract):
    return S.trend(extract, Q4, start="2015-04-01")


def value(t, measure, quarter, unit="Dartford"):
    s = t[(t["measure"] == measure) & (t["quarter"] == quarter) & (t["level"] == "county")]
    return float(s["value"].iloc[0])


def test_children_in_care_including_and_excluding_uasc_and_entrants(t):
    assert list(t["quarter"].unique()) == [pd.Timestamp(d) for d in ("2015-06-30", "2015-09-30", "2015-12-31", "2016-03-31")]
    assert value(t, "CIC_INCL", Q3) == 7 and value(t, "CIC_INCL", Q4) == 7
    assert value(t, "CIC_EXCL", Q3) == 5 and value(t, "CIC_EXCL", Q4) == 6     # U2 stopped being UASC 01/03/2016
    # entering care: B 01/05/2015 and U2 01/06/2015 in Q1, U 01/09/2015 in Q2
    assert [value(t, "STARTED", q) for q in t["quarter"].unique()] == [2, 1, 0, 0]


def test_placements_close_to_home_own_foster_care_and_long_term_fostering(t):
    # within 20 miles, citizens with a known distance: Q3 B 8, S 5 of A, B, S, S3 (U2 still UASC); Q4 B 2, U2 12,
    # S 5 of A, B, U2, S, S3 (S2's distance unknown)
    assert value(t, "NEAR_PCT", Q3) == 50 and value(t, "NEAR_PCT", Q4) == 60
    assert value(t, "NEAR_NUMBER", Q3) == 2 and value(t, "NEAR_NUMBER", Q4) == 3
    areas = t[(t["measure"] == "NEAR_PCT") & (t["quarter"] == Q4) & (t["level"] == "area")].set_index("unit_name")
    assert areas.loc["North", "value"] == pytest.approx(200 / 3) and areas.loc["West", "value"] == 50  # B yes, S3 no
    # own-authority (PR1) or relative foster care, UASC excluded: Q3 S of A, B (U5 PR4), S, S3; Q4 B and S of four
    assert value(t, "OWN_FOSTER", Q3) == 25 and value(t, "OWN_FOSTER", Q4) == 50
    assert value(t, "LONG_TERM", Q3) == 2 and value(t, "LONG_TERM", Q4) == 2     # A and S in U4


def test_stability_counts_a_child_placed_for_adoption_once_two_years_have_passed(t):
    # under 16 in care 2.5 years+: S, S2, S3. S2's adoptive placement (01/12/2015) and the foster placement
    # before it (from 01/02/2014) reach 2 years on 01/02/2016: not stable at Q3, stable at Q4
    assert value(t, "STABILITY", Q3) == pytest.approx(100 / 3)
    assert value(t, "STABILITY", Q4) == pytest.approx(200 / 3)
    # B had 4 placements in the 12 months to Q4 (3 to Q3): 1 of 7 children in care
    assert value(t, "MOVES", Q3) == pytest.approx(100 / 7) and value(t, "MOVES", Q4) == pytest.approx(100 / 7)
    # S2: entered care 01/01/2013, placed for adoption 01/12/2015 = 1,064 days
    assert value(t, "BLA_TO_PLACED", Q4) == 1064 and math.isnan(value(t, "BLA_TO_PLACED", pd.Timestamp("2015-09-30")))


def test_direction_at_the_tolerance_edge():
    assert S.direction(51.0, 50.0, "H", "%", tolerance=1.0) == S.STABLE               # exactly 1 point
    assert S.direction(51.01, 50.0, "H", "%", tolerance=1.0) == S.IMPROVING
    assert S.direction(48.9, 50.0, "H", "%", tolerance=1.0) == S.DECLINING
    assert S.direction(101, 100, "L", "count", tolerance=1.0) == S.STABLE             # 1% of 100
    assert S.direction(102, 100, "L", "count", tolerance=1.0) == S.DECLINING
    assert S.direction(98, 100, "L", "count", tolerance=1.0) == S.IMPROVING
    assert S.direction(0.3 + 0.7, 1.0 - 1e-16, "H", "%", tolerance=0) == S.STABLE     # float noise is not a change
    assert S.direction(5, float("nan"), "H", "%") == ""


def test_movement_is_against_the_strategys_aim_not_the_polarity():
    # more children in care where a reduction is the aim: away, whatever the scorecard's polarity says
    assert S.towards_aim(1716, 1644, "reduction", "count", tolerance=1.0) == -1        # +4.4%
    assert S.towards_aim(1644, 1716, "reduction", "count", tolerance=1.0) == 1
    assert S.towards_aim(1650, 1644, "reduction", "count", tolerance=1.0) == 0         # +0.36%: within 1%
    assert S.towards_aim(77.3, 75.0, "increase", "%", tolerance=2.0) == 1             # +2.3 pp, beyond 2 pp: towards
    assert S.towards_aim(75.0, 77.3, "increase", "%", tolerance=2.0) == -1
    assert S.towards_aim(76.0, 75.0, "increase", "%", tolerance=1.0) == 0              # exactly the tolerance
    # where the aim is to stay stable, any change beyond the tolerance (up or down) is away from it
    assert S.towards_aim(58.0, 55.0, "stable", "%") == -1 and S.towards_aim(52.0, 55.0, "stable", "%") == -1
    assert S.towards_aim(55.5, 55.0, "stable", "%") == 0
    assert S.towards_aim(3, 0, "increase", "count") == 1 and S.towards_aim(0, 0, "reduction", "count") == 0
    assert S.towards_aim(float("nan"), 5, "increase", "%") is None
    m = S.MEASURE["CIC_INCL"]
    assert ST.movement_word(1716, 1644, m, "count") == "Moving away from the aim"
    assert ST.movement_word(1600, 1644, m, "count") == "Moving towards the aim"
    assert ST.movement_word(1644, 1644, m, "count") == "Stable" and ST.movement_word(None, 1, m, "count") == ""


def test_measures_run_in_the_strategys_order_and_the_colours_are_not_rag():
    assert [m.number for m in S.MEASURES] == ["1a", "1b", "1c", "2", "3a", "3b", "4", "5", "6", "7", "8"]
    from cicanalysis.reports.formatting import RAG_COLOURS
    for word in (ST.TOWARDS, ST.STABLE, ST.AWAY):
        style = ST.direction_colour(word)
        assert style and not any(c.lower() in style.lower() for c in RAG_COLOURS.values())


def test_analysis_line_and_summary_table(t):
    line = ST.analysis_line(t, "NEAR_PCT")
    assert line.startswith("The percentage of children placed within 20 miles of home (excluding UASC) has increased")
    assert ("to 60.0% in March 2016 (50.0% the previous quarter: moving towards the aim)" in line
            and "expects an increase" in line)
    table = ST.summary_table(t, Q4)
    assert table["Measure"].str.split(" ").str[0].tolist() == ["1a", "1b", "1c", "2", "3a", "3b", "4", "5", "6", "7", "8"]
    row = table.set_index("Measure").loc["1b Children in care at the quarter end (excluding UASC)"]
    # 5 citizen children in care at Q3, 6 at Q4 (U2 no longer UASC): a rise where a reduction is the aim
    assert (row["Current performance"], row["Previous quarter"], row["Direction"]) == ("6", "5", ST.AWAY)
    # stability 33.3% to 66.7%: better by polarity, but the strategy's aim is for it to stay stable
    assert table.set_index("Measure")["Direction"].filter(like="2.5 years").tolist() == [ST.AWAY]


def test_the_report_is_quarterly(extract):
    with pytest.raises(CicError, match="not a quarter end"):
        S.trend(extract, "2016-02-29")


def test_headline_counts_directions_and_names_what_declined(t, extract):
    lines = ST.headline(t, Q4)
    table = ST.summary_table(t, Q4)
    n = table["Direction"].value_counts()
    assert lines[0] == (f"At 31/03/2016 (Q4 2015-16), since the previous quarter {n.get(ST.TOWARDS, 0)} measures moved "
                        f"towards the strategy's aim, {n.get(ST.STABLE, 0)} stayed stable (a change of at most 1 "
                        f"percentage point for percentages, 1% of the previous quarter's value for numbers and "
                        f"averages) and {n.get(ST.AWAY, 0)} moved away from it.")
    assert n.get(ST.AWAY, 0) == 2          # 1b (5 to 6) and stability (33.3% to 66.7%, the aim: stable)
    # 1b: 5 citizen children in care at Q3, 6 at Q4 (U2 no longer UASC): a rise where a reduction is expected
    assert lines[1].startswith("Moving away from the aim: ")
    assert "1b Children in care at the quarter end (excluding UASC) (5 to 6; the aim is a reduction)" in lines[1]
    # own-authority foster care leaves UASC out here; U and U2 are not in foster care, so both read 50%
    note = ST.scorecard_note(extract, Q4, "OWN_FOSTER")
    assert note.startswith("This measure excludes UASC: 50.0% at 31/03/2016.") and "includes them: 50.0%" in note
    assert ST.scorecard_note(extract, Q4, "CIC_EXCL") == "" and ST.scorecard_note(extract, Q4, "NEAR_PCT") == ""


def _plain_trend(x, period, start, measures):
    """The plain version of ``S.trend``: each measure's values asked of the scorecard alone, quarter by quarter."""
    from cicanalysis.measures import scorecard
    rows = []
    for m in measures:
        levels = ("county", "area") if m.by_area else ("county",)
        for q in S.quarters(x, period, start):
            v = scorecard.values(x, q, m.include_uasc, [m.ind], levels)
            shown = v["numerator"] if m.show == "numerator" else v["value"]
            for (_, r), val in zip(v.iterrows(), shown):
                rows.append({"measure": m.id, "number": m.number, "challenge": m.challenge, "title": m.title,
                             "level": r["level"], "unit_name": r["unit_name"], "quarter": q, "value": val,
                             "numerator": r["numerator"], "denominator": r["denominator"],
                             "unit": "count" if m.show == "numerator" else m.ind.unit})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("measures", [None, ["NEAR_PCT", "NEAR_NUMBER", "STARTED"], ["CIC_EXCL"]])
def test_the_trend_asked_a_quarter_at_a_time_is_the_trend_asked_measure_by_measure(measures, extract):
    """Every measure (both UASC rules; one indicator shown two ways, one by area), a few, and one: the same frame,
    values and types, as asking the scorecard measure by measure; the quarters run from before the data start."""
    from conftest import extract_from_rows
    fast = S.trend(extract, Q4, start="2014-04-01", measures=measures)
    chosen = [S.MEASURE[m] for m in measures] if measures else S.MEASURES
    plain = _plain_trend(extract_from_rows(), Q4, "2014-04-01", chosen)
    assert len(fast) > 4 * len(chosen)
    assert list(fast.dtypes) == list(plain.dtypes)
    pd.testing.assert_frame_equal(fast, plain, check_exact=True)
