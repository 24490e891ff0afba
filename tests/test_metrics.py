"""Each indicator on the hand-built authority of conftest.py; figures worked out by hand there."""
import pandas as pd
import pytest

from cicanalysis.measures import scorecard

T = pd.Timestamp


def county(extract, period, indicator, include_uasc=True):
    v = scorecard.values(extract, period, include_uasc, [indicator], levels=("county",)).iloc[0]
    return v["numerator"], v["denominator"], v["value"]


def test_children_in_care_split_by_uasc(extract):
    assert county(extract, "2016-03-31", "CIC_TOTAL")[2] == 7
    assert county(extract, "2016-03-31", "CIC_CITIZEN")[2] == 6   # U2's DUC passed on 01/03/2016
    assert county(extract, "2016-03-31", "CIC_UASC")[2] == 1
    assert county(extract, "2016-03-31", "CIC_TOTAL", include_uasc=False)[2] == 6
    assert county(extract, "2016-02-29", "CIC_UASC")[2] == 2


def test_three_or_more_placements(extract):
    # only B had 3+ carers (4) in the 12 months to 31/03/2016
    assert county(extract, "2016-03-31", "PLACEMENTS_3PLUS")[:2] == (1, 7)
    assert county(extract, "2016-03-31", "PLACEMENTS_3PLUS", include_uasc=False)[:2] == (1, 6)


def test_two_year_stability_counts_a_child_placed_for_adoption(extract):
    # cohort S, S2, S3 (under 16, in care since 30/09/2013 or earlier); S same carer since 01/06/2013,
    # S2 placed for adoption 01/12/2015 after a placement from 01/02/2014; S3 moved 01/01/2015
    num, den, value = county(extract, "2016-03-31", "STABILITY_2Y")
    assert (num, den) == (2, 3) and value == pytest.approx(200 / 3)


def test_own_authority_or_relative_foster_care(extract):
    # foster cohort A (U4 PR4), B (U6 PR1), S (U4 PR1), S3 (U5 PR4)
    assert county(extract, "2016-03-31", "OWN_FOSTER")[:2] == (2, 4)


def test_within_20_miles_excludes_uasc_and_unknown_distance(extract):
    # B 2, U2 12, S 5 within; A 25, S3 30 beyond; U is UASC; S2 distance unknown
    assert county(extract, "2016-03-31", "WITHIN_20_MILES")[:2] == (3, 5)


def test_a1_and_a2_averages_for_children_adopted_in_the_12_months(extract):
    # D: BLA 01/02/2013 -> placed 01/12/2013 = 303 days; PO 01/08/2013 -> match 15/11/2013 = 106 days
    # E (second period of care): BLA 01/05/2013 -> 01/03/2014 = 304; PO 01/11/2013 -> 20/02/2014 = 111
    assert county(extract, "2015-03-31", "A1_R12M") == (607, 2, 303.5)
    assert county(extract, "2015-03-31", "A2_R12M") == (217, 2, 108.5)
    assert county(extract, "2015-06-30", "A1_R12M")[:2] == (304, 1)  # D's order (01/06/2014) dropped out
    assert county(extract, "2016-03-31", "A1_3Y")[:2] == (607, 2)


def test_left_care_adopted_ytd_and_r12m_across_the_financial_year(extract):
    # 2014-15 leavers: F (15/04/2014, home), D (adopted 01/06/2014), E (adopted 01/10/2014)
    assert county(extract, "2015-03-31", "LEFT_CARE_ADOPTED")[:2] == (2, 3)
    assert county(extract, "2014-04-30", "LEFT_CARE_ADOPTED")[:2] == (0, 1)   # YTD: only F so far
    # 2013-14: only G (31/03/2014); E's first period ended 01/03/2012, in 2011-12
    assert county(extract, "2014-03-31", "LEFT_CARE_ADOPTED")[:2] == (0, 1)
    # R12M to 30/04/2015 (01/05/2014-30/04/2015): D and E adopted, F (15/04/2014) has dropped out
    assert county(extract, "2015-04-30", "A1_R12M")[:2] == (607, 2)


def test_adoption_plan_within_4_and_6_months(extract):
    # D: ADM 15/05/2013, BLA 01/02/2013 (4 months = 01/06/2013): within; E: ADM 15/10/2013, BLA 01/05/2013:
    # after 4 months (01/09/2013) but within 6 (01/11/2013)
    assert county(extract, "2014-03-31", "ADOPT_PLAN_4M")[:2] == (1, 2)
    assert county(extract, "2014-03-31", "ADOPT_PLAN_6M")[:2] == (2, 2)


def test_return_interviews_in_working_days_over_a_bank_holiday(extract):
    # returns 01/05/2015 (RHI 07/05: 3 working days, 4 May a bank holiday), 01/06/2015 (RHI 05/06: 4 days),
    # 01/07/2015 (no interview)
    assert county(extract, "2016-03-31", "RHI_3WD")[:2] == (1, 3)
    assert county(extract, "2016-03-31", "RHI_COMPLETED")[:2] == (2, 3)


def test_reviews_in_timescale_use_working_days_for_the_first(extract):
    # BLA 01/04/2014; 20 working days (Good Friday and Easter Monday off) = 01/05/2014: on time.
    # 2nd 02/08/2014 > 01/08/2014: late. 3rd 01/02/2015 <= 02/08/2014 + 6 months: on time.
    assert county(extract, "2015-03-31", "REVIEWS_IN_TIMESCALE")[:2] == (2, 3)


def test_area_level_splits_by_district_mapping(extract):
    v = scorecard.values(extract, "2016-03-31", True, ["CIC_TOTAL"], levels=("area",)).set_index("unit_name")
    assert v.loc["North", "value"] == 5 and v.loc["West", "value"] == 2 and v.loc["South", "value"] == 0


def test_review_participation_counts_reviews_of_children_aged_4_and_over(tmp_path):
    from conftest import DOB, fixture_tables, load_fixture, write_fixture
    t = fixture_tables()
    # the financial year to 31/03/2016 runs 01/04/2015-31/03/2016; each review's fate:
    t["reviews"] = [
        {"CHILD": "S", "REVIEW": "15/04/2015", "REVIEW_CODE": "PN1"},    # PASS: attends and speaks
        {"CHILD": "S", "REVIEW": "15/10/2015", "REVIEW_CODE": "PN6"},    # PASS: views conveyed (PN6 is in PN1-PN6)
        {"CHILD": "U", "REVIEW": "01/10/2015", "REVIEW_CODE": "PN3"},    # PASS, but U is UASC: out without UASC
        {"CHILD": "B", "REVIEW": "01/06/2015", "REVIEW_CODE": "PN7"},    # FAIL: did not participate
        {"CHILD": "S2", "REVIEW": "01/04/2015", "REVIEW_CODE": "PN7"},   # FAIL (first day of the year)
        {"CHILD": "A", "REVIEW": "01/05/2015", "REVIEW_CODE": "PN0"},    # not counted: a child under 4
        {"CHILD": "B", "REVIEW": "01/09/2015", "REVIEW_CODE": ""},       # not counted: no participation code
        {"CHILD": "S3", "REVIEW": "31/03/2015", "REVIEW_CODE": "PN1"},   # not counted: the year before
    ]
    for r in t["reviews"]:
        r["DOB"] = DOB[r["CHILD"]]
    x = load_fixture(write_fixture(tmp_path / "x", t))
    # PASS: S twice and U = 3; counted: those 3 and the 2 FAILs = 5
    assert county(x, "2016-03-31", "REVIEW_PARTICIPATION") == (3, 5, 60.0)
    # without UASC U's review goes: 2 of 4
    assert county(x, "2016-03-31", "REVIEW_PARTICIPATION", include_uasc=False) == (2, 4, 50.0)
    # 2014-15: only S3's PN1 of 31/03/2015
    assert county(x, "2015-03-31", "REVIEW_PARTICIPATION") == (1, 1, 100.0)


def test_long_term_fostering_and_bla_to_placed_for_adoption(extract):
    # U1/U4 at 31/03/2016: A (U4 PR4 since 01/01/2015) and S (U4 PR1 since 01/06/2013); B U6, S3 U5, S2 A6
    assert county(extract, "2016-03-31", "LONG_TERM_FOSTER")[0] == 2
    # placed for adoption in the 12 months to 31/03/2016: S2 only, BLA 01/01/2013 -> A6 01/12/2015 =
    # 365 (2013) + 365 (2014) + 334 (01/01-01/12/2015) = 1064 days
    assert county(extract, "2016-03-31", "BLA_TO_PLACED_R12M") == (1064, 1, 1064)


def test_children_who_went_missing_in_the_year_leave_out_short_breaks():
    """MISSING_CHILDREN_PCT at 31/03/2016 (the DfE's year 1/4/2015-31/3/2016), built in memory. Worked by hand:
    looked after in the year and not only on short breaks: A, C, E (3); of them with a missing incident (M)
    starting in the year: A (1) -> 33.3%."""
    from conftest import extract_from_rows

    def ep(child, decom, ls, dec="", rec=""):
        return {"CHILD": child, "DECOM": decom, "RNE": "S", "LS": ls, "CIN": "N1", "PLACE": "U4",
                "PLACE_PROVIDER": "PR1", "DEC": dec, "REC": rec, "DISTRICT": "Dartford", "PL_DISTANCE": "5"}
    episodes = [ep("A", "01/04/2015", "C2"),                                    # in care all year: counted
                ep("B", "01/05/2015", "V3", "03/05/2015", "E13"),               # short breaks only: not counted
                ep("B", "01/08/2015", "V3", "03/08/2015", "E13"),
                ep("C", "01/04/2015", "V3", "30/04/2015", "E13"),               # short breaks, then in care
                ep("C", "01/06/2015", "C2"),                                    # from June: counted
                ep("D", "01/04/2014", "C2", "31/03/2015", "E13"),               # left before the year: not counted
                ep("E", "01/02/2016", "C2")]                                    # in care from February: counted
    header = [{"CHILD": c, "SEX": "1", "DOB": "01/01/2005", "ETHNIC": "WBRI", "UPN": f"A12345678901{i}"}
              for i, c in enumerate("ABCDE")]
    def missing(child, kind, start):
        return {"CHILD": child, "DOB": "01/01/2005", "MISSING": kind, "MIS_START": start, "MIS_END": start}
    rows = [missing("A", "M", "10/05/2015"),     # A went missing in the year: numerator
            missing("B", "M", "02/05/2015"),     # B is not in the denominator
            missing("C", "A", "10/07/2015"),     # away from placement (A), not missing: not in the numerator
            missing("D", "M", "01/03/2015")]     # before the year
    x = extract_from_rows({"header": header, "episodes": episodes, "missing": rows}, extract_date="2016-03-31")
    num, den, value = county(x, "2016-03-31", "MISSING_CHILDREN_PCT")
    assert (num, den) == (1, 3) and value == pytest.approx(100 / 3)


def test_immunisations_up_to_date_count_the_oc2_cohort_of_the_latest_year():
    """IMMUNISATIONS at 31/03/2016 over the DfE's OC2 cohort of 2015-16 (looked after continuously from 01/04/2015:
    the fixture's A, S, S2, S3), built in memory. Worked by hand: A and S are up to date, S2 is not, S3 has no OC2
    row (not done): 2 of 4 -> 50%. P's row (P has no episodes: not in the cohort) is a DQ row, not counted.
    (Before the cohort came in, every OC2 row was counted: this test read 2 of 3 over P, Q and R.)"""
    from conftest import extract_from_rows, fixture_tables

    def oc2(child, immunised):
        return {"CHILD": child, "DOB": "01/01/2008", "HEALTH_CHECK": "1", "TEETH_CHECK": "1",
                "IMMUNISATIONS": immunised, "YEAR": "2016"}
    t = fixture_tables()
    t["oc2"] = [oc2("A", "1"),      # in the cohort, up to date: numerator
                oc2("S", "1"),      # in the cohort, up to date: numerator
                oc2("S2", "0"),     # in the cohort, not up to date: denominator only
                oc2("P", "1")]      # not in the cohort (no episodes): DQ row, not counted
    x = extract_from_rows(t, extract_date="2016-03-31")     # S3: in the cohort, no row: denominator only
    num, den, value = county(x, "2016-03-31", "IMMUNISATIONS")
    assert (num, den) == (2, 4) and value == pytest.approx(50)
    assert x.dq.loc[x.dq["rule"].str.startswith("OC2 row"), "CHILD"].tolist() == ["P"]
