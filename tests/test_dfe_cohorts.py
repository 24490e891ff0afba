"""The DfE's cohorts (issue 23): the OC2 outcomes over children looked after continuously for 12 months at
31 March, and care leavers by the DfE's age bands 17-18 and 19-21 with its exclusions and the code lists of the
collection year. One small extract built in memory; every figure worked out by hand from the rows' fates.

The collection year is 2022-23: 01/04/2022 to 31/03/2023; ages are at 31/03/2023.
"""
from __future__ import annotations

import pytest

from conftest import extract_from_rows
from cicanalysis.measures import scorecard
from cicanalysis.measures.indicators.care_leavers import eet_codes
from cicanalysis.model.cohorts import OUTSIDE_OC2_COHORT, oc2_cohort

PERIOD = "2023-03-31"

DOB = {"C1": "01/06/2012", "C2": "01/01/2019", "C3": "01/01/2012", "C4": "01/01/2012", "C5": "31/03/2006",
       "C6": "01/04/2006", "C7": "01/01/2012", "C8": "01/01/2020", "C9": "01/01/2015",
       "L17": "01/06/2005", "L18": "01/10/2004", "L19": "01/10/2003", "L20": "01/10/2002", "L22": "01/10/2000",
       "LD": "01/10/2002", "LR": "01/10/2004", "LV": "01/10/2004", "M19": "01/10/2000", "M20": "01/10/2000"}

EPISODES = [  # CHILD, DECOM, RNE, LS, DEC, REC: each child's fate for the 2022-23 OC2 cohort
    ("C1", "01/01/2020", "S", "C2", "", ""),                  # in care all year, aged 10: in the cohort
    ("C2", "01/01/2021", "S", "C2", "", ""),                  # in care all year, aged 4: in the cohort, no OC2 row
    ("C3", "01/05/2022", "S", "C2", "", ""),                  # started 01/05/2022, 11 months: not in the cohort
    ("C4", "01/01/2020", "S", "V3", "", ""),                  # short breaks (V3) in the year: not in the cohort
    ("C5", "01/01/2019", "S", "C2", "", ""),                  # in the cohort, aged 17: outside the SDQ ages
    ("C6", "01/01/2018", "S", "C2", "", ""),                  # in the cohort, aged 16 (17 on 01/04/2023)
    ("C7", "01/01/2019", "S", "C2", "15/02/2023", "E11"),     # adopted 15/02/2023: not in the cohort
    ("C8", "01/04/2022", "S", "C1", "", ""),                  # started on 01/04/2022 itself: 12 months, in it
    ("C9", "01/06/2021", "S", "C2", "01/09/2022", "X1"),      # in care all year, aged 8 (an X1 change of
    ("C9", "01/09/2022", "P", "C2", "", ""),                  # placement does not break it): in the cohort
    ("LV", "01/01/2019", "S", "V4", "01/01/2021", "E8"),      # a care leaver whose only care was short breaks
]


def oc2(child, assessed, teeth, immunised, sdq="", development=""):
    return {"CHILD": child, "DOB": DOB[child], "HEALTH_ASSESSMENT": assessed, "TEETH_CHECK": teeth,
            "IMMUNISATIONS": immunised, "HEALTH_CHECK": development, "SDQ_SCORE": sdq, "YEAR": "2023"}


OC2 = [
    oc2("C1", "1", "1", "1", sdq="12"),           # cohort, aged 10: done; SDQ 12
    oc2("C3", "1", "1", "1", sdq="5"),            # not in the cohort (11 months): DQ row, not counted
    oc2("C4", "1", "1", "1", sdq="5"),            # not in the cohort (V3): DQ row, not counted
    oc2("C5", "1", "0", "1", sdq="30"),           # cohort, aged 17: SDQ not counted (ages 5-16)
    oc2("C6", "0", "1", "0", sdq="41"),           # cohort, aged 16: not done; 41 is not a valid score (no score)
    oc2("C7", "1", "1", "1", sdq="5"),            # not in the cohort (left care in the year): DQ row
    oc2("C8", "1", "1", "1", development="1"),    # cohort, aged 3: done; development check done
    oc2("C9", "1", "1", "1", sdq="7"),            # cohort, aged 8: done; SDQ 7
]                                                 # C2 (cohort, aged 4): no row, so not done everywhere


def oc3(child, in_touch, activ, accom, year="2023"):
    return {"CHILD": child, "DOB": DOB[child], "IN_TOUCH": in_touch, "ACTIV": activ, "ACCOM": accom, "YEAR": year}


OC3 = [
    oc3("L18", "YES", "F2", "C1"),     # 18: band 17-18; in touch, EET, suitable
    oc3("L17", "NO", "G5", "01"),      # 17: band 17-18; not in touch, NEET, "01" is not a valid code: not suitable
    oc3("LR", "RHOM", "F1", "C1"),     # 18, returned home for 6 months or more: not in the cohort
    oc3("LV", "YES", "F1", "C1"),      # 18, only ever on short breaks: not in the cohort
    oc3("L19", "YES", "F5", "D1"),     # 19: band 19-21; in touch, EET (F5 valid from 2021-22), suitable
    oc3("L20", "YES", "F3", "S2"),     # 20: band 19-21; F3 is no longer a code in 2022-23: not EET; S2 unsuitable
    oc3("LD", "DIED", "", ""),         # 20, died: not in the cohort
    oc3("L22", "YES", "F1", "C1"),     # 22: in neither band
    oc3("M19", "YES", "F3", "C1", year="2020"),   # 2019-20, aged 19: F3 is training or employment that year: EET
    oc3("M20", "YES", "F5", "C1", year="2020"),   # 2019-20, aged 19: F5 is not a code until 2021-22: not EET
]


def tables() -> dict:
    header = [{"CHILD": c, "SEX": "1", "DOB": d, "ETHNIC": "WBRI", "UPN": f"A1234567890{i:02d}"}
              for i, (c, d) in enumerate(DOB.items())]
    episodes = [{"CHILD": c, "DECOM": decom, "RNE": rne, "LS": ls, "CIN": "N1", "PLACE": "U4", "PLACE_PROVIDER": "PR1",
                 "DEC": dec, "REC": rec, "REASON_PLACE_CHANGE": "CARPL" if rne == "P" else "", "HOME_POST": "ZZ1 1",
                 "PL_POST": "ZZ1 2", "URN": "XXXXXXX", "DISTRICT": "Dartford", "PL_DISTANCE": "5"}
                for c, decom, rne, ls, dec, rec in EPISODES]
    return {"header": header, "episodes": episodes, "oc2": OC2, "oc3": OC3}


@pytest.fixture(scope="module")
def x():
    return extract_from_rows(tables(), extract_date=PERIOD)


def county(x, indicator, period=PERIOD):
    v = scorecard.values(x, period, True, [indicator], levels=("county",)).iloc[0]
    return v["numerator"], v["denominator"], v["value"]


# ---------------------------------------------------------------- the OC2 cohort
def test_the_oc2_cohort_is_the_children_looked_after_continuously_for_12_months(x):
    # C3 started in the year, C4 had short breaks (V3), C7 left in the year; C8 started on 1 April itself
    assert oc2_cohort(x, 2023).tolist() == ["C1", "C2", "C5", "C6", "C8", "C9"]
    # the same from an episodes frame; and a year earlier C8 and C3 had not started, C7 was in care all year
    assert oc2_cohort(x.tables["episodes"], 2022).tolist() == ["C1", "C2", "C5", "C6", "C7"]


def test_oc2_rows_outside_the_cohort_are_dq_rows(x):
    dq = x.dq[x.dq["rule"] == OUTSIDE_OC2_COHORT]
    assert sorted(dq["CHILD"]) == ["C3", "C4", "C7"] and set(dq["action"]) == {"row excluded"}


@pytest.mark.parametrize("indicator, expected", [
    ("HEALTH_ASSESSMENT", (4, 6)),   # C1, C5, C8, C9 done; C6 not; C2 no row. C3, C4, C7 not counted
    ("IMMUNISATIONS", (4, 6)),       # C1, C5, C8, C9 up to date; C6 not; C2 no row
    ("DENTAL_CHECK", (4, 6)),        # C1, C6, C8, C9 checked; C5 not; C2 no row
    ("DEV_CHECK_U5", (1, 2)),        # under 5 at 31 March: C8 (3) done, C2 (4) no row
    ("OC2_SDQ_SCORED", (2, 3)),      # aged 5-16: C1 (12), C9 (7) scored, C6 (41) no valid score; C5 is 17
])
def test_oc2_outcomes_are_over_the_cohort(x, indicator, expected):
    num, den, _ = county(x, indicator)
    assert (num, den) == expected


def test_the_sdq_average_is_over_the_children_aged_5_to_16_with_a_score(x):
    num, den, value = county(x, "OC2_SDQ_AVERAGE")     # C1 12 and C9 7; C5's 30 (aged 17) is not counted
    assert (num, den) == (19, 2) and value == pytest.approx(9.5)


# ---------------------------------------------------------------- care leavers
@pytest.mark.parametrize("indicator, expected", [
    ("CL_1718_IN_TOUCH", (1, 2)),          # L18 yes, L17 no; LR (RHOM) and LV (short breaks only) left out
    ("CL_1718_SUITABLE_ACCOM", (1, 2)),    # L18 C1 suitable; L17 "01" is not a valid code: not suitable
    ("CL_1718_EET", (1, 2)),               # L18 F2; L17 G5
    ("CL_IN_TOUCH", (2, 2)),               # 19-21: L19, L20 (LD died: left out; L22 is 22)
    ("CL_SUITABLE_ACCOM", (1, 2)),         # L19 D1 suitable; L20 S2 unsuitable
    ("CL_EET", (1, 2)),                    # L19 F5 EET; L20 F3 is not a code in 2022-23
])
def test_care_leavers_by_age_band_with_the_dfe_exclusions(x, indicator, expected):
    num, den, _ = county(x, indicator)
    assert (num, den) == expected


def test_eet_codes_follow_the_collection_year(x):
    # 2019-20: M19's F3 is training or employment (EET); M20's F5 is not a code until 2021-22
    assert county(x, "CL_EET", "2020-03-31")[:2] == (1, 2)
    assert "F3" in eet_codes(2021) and "F3" not in eet_codes(2022) and "F5" in eet_codes(2022)



def test_a_year_whose_return_held_no_oc2_table_is_not_available_not_zero(x):
    # 2021-22: C1, C2 (from 01/01/2021), C5 and C6 are in its cohort (C9 started 01/06/2021, in the year), but no
    # OC2 row is dated 2022: that return held no OC2 table, so its OC2 measures are n/a, never 0 %
    assert len(oc2_cohort(x, 2022)) > 0
    num, den, value = county(x, "IMMUNISATIONS", "2022-03-31")
    assert den == 0 and value != value                       # 0 of 0: not available (NaN), not 0 % Red
    assert county(x, "IMMUNISATIONS")[:2] == (4, 6)          # 2022-23 as before: C1, C5, C8, C9 of six
