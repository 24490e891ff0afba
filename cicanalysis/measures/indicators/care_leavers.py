"""Care leavers: the OC3 outcomes (in touch, suitable accommodation, EET) of care leavers aged 17-18 and 19-21,
as the DfE publishes them.

The cohort of the collection year ending 31 March Y: the OC3 rows of that year (the 903 collects them for care
leavers whose 17th to 21st birthday falls in the year, the information as on or around the birthday), by age
band: the age reached on that birthday, which is the age on 31 March Y. Excluded, as the DfE's tables exclude
them: those who have died (IN_TOUCH ``DIED``), who returned home to parents or someone with parental
responsibility for 6 months or more (``RHOM``), and children whose only care was short breaks (every episode LS
V3/V4). The DfE also excludes those whose care was transferred to another authority: the 903 does not record
that, so the extract cannot (the receiving authority reports them).
"""
from __future__ import annotations

from typing import Callable

import pandas as pd

from ...model.extract import Extract
from .cases import DFE_CLA, GUIDE_903, annual_table, case_table, collection_year
from .registry import indicator

CARE_LEAVERS_FOOTNOTE = (
    "data guidance footnote 1 of the care leavers tables: figures exclude young people looked after under an "
    "agreed series of short term placements, those who have died since leaving care, those who have returned home "
    "to parents or someone with parental responsibility for a continuous period of at least 6 months and those "
    "whose care was transferred to another local authority, "
    "https://explore-education-statistics.service.gov.uk/data-catalogue/data-set/568c178a-392a-4ae0-a7c4-d0f876cc56e6")
OC3_SOURCE = (f"{DFE_CLA}: care leavers by age on their birthday in the year (17 to 18, 19 to 21; the OC3 "
              f"information is as on or around the birthday); {CARE_LEAVERS_FOOTNOTE}; OC3 codes as in the "
              f"{GUIDE_903}")
VALIDATOR = "DfE 903 validator, https://github.com/data-to-insight/csc-validator-be-903"

AGE_BANDS = {"17-18": (17, 18), "19-21": (19, 21)}
NOT_IN_COHORT = ("DIED", "RHOM")   # died since leaving care; returned home for 6 months or more

# ACCOM: a letter for the accommodation and 1 (suitable) or 2 (unsuitable); 0 no information. The valid codes
# (903 guide, OC3 ACCOM; validation rule 133, lac_validator rules/lac2022_23/rule_133.py): S (no fixed abode)
# and X (in custody) are never suitable. A code not in the list (e.g. "01") is not suitable.
ACCOM_CODES = ("B1", "B2", "C1", "C2", "D1", "D2", "E1", "E2", "G1", "G2", "H1", "H2", "K1", "K2", "R1", "R2",
               "S2", "T1", "T2", "U1", "U2", "V1", "V2", "W1", "W2", "X2", "Y1", "Y2", "Z1", "Z2", "0")
SUITABLE_ACCOM = tuple(c for c in ACCOM_CODES if len(c) == 2 and c.endswith("1"))

# ACTIV codes in education, employment or training, by collection year. Until 2020-21 (year ending 31 March
# 2021) F3/P3 were training or employment; from 2021-22 the guide splits them into F4/P4 apprenticeships and
# F5/P5 training or employment excluding apprenticeships (validation rule 132: F3/P3 in the 2020-21 validator,
# validator903/validators.py; F4/P4/F5/P5 in lac_validator rules/lac2022_23/rule_132.py; the DfE's
# la_care_leavers_activity table reports "In training or employment" to 2021 and "In an apprenticeship" /
# "In training or employment (excl. apprenticeship)" from 2022).
EET_EDUCATION = ("F1", "P1", "F2", "P2")
EET_CODES_UNTIL_2021 = EET_EDUCATION + ("F3", "P3")
EET_CODES_FROM_2022 = EET_EDUCATION + ("F4", "P4", "F5", "P5")
FIRST_YEAR_OF_APPRENTICESHIP_CODES = 2022   # the collection year 2021-22 (ending 31 March 2022)


def eet_codes(year: int) -> tuple[str, ...]:
    """The ACTIV codes that count as in education, employment or training in the year ending 31 March ``year``."""
    return EET_CODES_FROM_2022 if year >= FIRST_YEAR_OF_APPRENTICESHIP_CODES else EET_CODES_UNTIL_2021


def age_at(dob: pd.Series, asat: pd.Timestamp) -> pd.Series:
    """Age in whole years on ``asat`` (NaN when the DOB is blank)."""
    dob = pd.to_datetime(dob)
    before_birthday = (dob.dt.month > asat.month) | ((dob.dt.month == asat.month) & (dob.dt.day > asat.day))
    return (asat.year - dob.dt.year - before_birthday.astype(int)).where(dob.notna())


def oc3_cohort(x: Extract, period, band: str) -> tuple[pd.DataFrame, pd.Timestamp]:
    """The OC3 rows of the collection year reported at ``period`` for care leavers of the age ``band``
    (``"17-18"`` or ``"19-21"``, age on 31 March) who are in the DfE's cohort (see the module notes)."""
    key = ("oc3_cohort", collection_year(x, period), band)     # the same for every month of the year
    if key not in x.cache:
        x.cache[key] = _oc3_cohort(x, period, band)
    return x.cache[key]


def _oc3_cohort(x: Extract, period, band: str) -> tuple[pd.DataFrame, pd.Timestamp]:
    df, asat = annual_table(x, "oc3", period)
    dob = df["DOB"].fillna(df["CHILD"].map(x["header"].drop_duplicates("CHILD").set_index("CHILD")["DOB"]))
    keep = (age_at(dob, asat).between(*AGE_BANDS[band]) & ~df["IN_TOUCH"].isin(NOT_IN_COHORT)
            & ~df["CHILD"].isin(x.short_break_children))
    return df[keep], asat


def oc3_cases(x: Extract, period, rule: Callable[[pd.DataFrame, int], pd.Series], band: str = "19-21"):
    """Care leavers of the age ``band`` in the year's cohort, counted in the numerator when ``rule(rows, year)``
    holds."""
    df, asat = oc3_cohort(x, period, band)
    table = case_table(x, ("oc3_cohort", asat.year, band), df["CHILD"], x.child_codes(df["CHILD"]), asat)
    return table.cases(None, rule(df, asat.year).fillna(False).astype(bool))


def in_touch(df: pd.DataFrame, year: int) -> pd.Series:
    return df["IN_TOUCH"].eq("YES")


def suitable(df: pd.DataFrame, year: int) -> pd.Series:
    return df["ACCOM"].astype("string").str.strip().isin(SUITABLE_ACCOM)


def eet(df: pd.DataFrame, year: int) -> pd.Series:
    return df["ACTIV"].astype("string").str.strip().isin(eet_codes(year))


IN_TOUCH_SOURCE = (f"{OC3_SOURCE}; table la_care_leavers_intouch, 'Local authority in touch with care leaver' of "
                   f"'Total' (IN_TOUCH YES of YES, NO, REFU, NREQ and blank)")
ACCOM_SOURCE = (f"{OC3_SOURCE}; table la_care_leavers_accommodation_suitability, 'Accommodation considered suitable' "
                f"of 'Suitability total' (ACCOM {', '.join(SUITABLE_ACCOM)}; no information, 0, an invalid code "
                f"or blank: in the total, not suitable; valid codes from validation rule 133, {VALIDATOR})")
EET_SOURCE = (f"{OC3_SOURCE}; table la_care_leavers_activity, 'Total in education, employment or training' of "
              f"'Total' (ACTIV {', '.join(EET_CODES_UNTIL_2021)} to 2020-21, {', '.join(EET_CODES_FROM_2022)} "
              f"from 2021-22, validation rule 132, {VALIDATOR}; a code not valid in its year is not EET)")


def care_leaver_measure(code: str, published: str, counted: str, rule, column: str, order: int, source: str) -> None:
    """Declare one OC3 measure for both of the DfE's age bands: 19-21 (rated; published as ``published``) and 17-18
    (``CL_1718_...``, unrated: no target is set), each counting ``rule`` on the band's care leavers."""
    for band, ind_id, rated in (("19-21", f"CL_{code}", True), ("17-18", f"CL_1718_{code}", False)):
        def count(x: Extract, period, window, band=band):
            return oc3_cases(x, period, rule, band)
        indicator(id=ind_id, title=f"% of care leavers aged {band} {counted}", polarity="H",
                  published=published if rated else None, measure_type="SS", unit="%",
                  numerator=f"care leavers aged {band} {counted}",
                  denominator=f"care leavers aged {band} in the latest OC3 year (not those who died or returned home)",
                  group="Care leavers", needs=(f"oc3.{column}",), annual="OC3", order=order + (not rated),
                  rated=rated, definition_source=source if rated else f"{source}. Unrated: no target is set")(count)


care_leaver_measure("IN_TOUCH", "CL_1921_IN_TOUCH", "the authority is in touch with", in_touch, "IN_TOUCH", 130,
                    IN_TOUCH_SOURCE)
care_leaver_measure("SUITABLE_ACCOM", "CL_1921_SUITABLE_ACCOM", "in suitable accommodation", suitable, "ACCOM", 140,
                    ACCOM_SOURCE)
care_leaver_measure("EET", "CL_1921_EET", "in education, employment or training", eet, "ACTIV", 150, EET_SOURCE)
