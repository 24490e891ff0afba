"""Health: initial health assessments (supplied) and the OC2 outcomes (annual health assessment, development,
dental and immunisation checks, SDQ) over the DfE's OC2 cohort."""
from __future__ import annotations

import pandas as pd

from ...model.cohorts import oc2_cohort
from ...model.extract import Extract
from .cases import DFE_CLA, GUIDE_903, annual_table, case_table, collection_year
from .registry import declare_supplied, indicator

OC2_SOURCE = (f"{DFE_CLA}: outcomes for children looked after continuously for at least 12 months at 31 March "
              f"(the OC2 cohort, short breaks excluded: data guidance, OC2 tables footnote 1, "
              f"https://explore-education-statistics.service.gov.uk/find-statistics/"
              f"children-looked-after-in-england-including-adoptions/2020/data-guidance; published table "
              f"la_conviction_health_outcome_cla). The cohort is worked out from the episodes as the DfE's 903 "
              f"validation rules define it; a cohort child with no OC2 row counts as not done, an OC2 row outside "
              f"the cohort is listed as a data-quality problem and not counted. Ages at 31 March; OC2 "
              f"columns as in the {GUIDE_903}")
SDQ_RANGE = (0, 40)      # a valid SDQ total difficulties score (903 guide; DfE validation rule 180)

declare_supplied(
    id="IHA_20WD", title="% initial health assessments within 20 working days of entering care", polarity="H",
    measure_type="YTD", unit="%", numerator="initial health assessments held within 20 working days (supplied)",
    denominator="children entering care (supplied)", group="Health", order=50,
    definition_source="Local measure: supplied by the authority (health partners' records); the 20 working days "
                      "is the statutory guidance's timescale for the initial health assessment, not a DfE "
                      "published statistic")


def oc2_frame(x: Extract, period, ages: tuple[int, int] | None = None) -> tuple[pd.DataFrame, pd.Timestamp]:
    """One row per child of the OC2 cohort of the collection year reported at ``period`` (looked after
    continuously for 12 months at its 31 March), with the child's OC2 row of that year (blank when there is
    none); with ``ages`` (lowest, highest), only children of those ages at 31 March. A year with no OC2 row at all
    (its return held no OC2 table) has no frame: its OC2 measures are not available, never 0 %."""
    key = ("oc2_frame", collection_year(x, period), ages)     # the same for every month of the year
    if key not in x.cache:
        x.cache[key] = _oc2_frame(x, period, ages)
    return x.cache[key]


def oc2_table(x: Extract, period, ages: tuple[int, int] | None = None):
    """:func:`oc2_frame`'s children as a case table dated 31 March of the year."""
    df, asat = oc2_frame(x, period, ages)
    return case_table(x, ("oc2_frame", asat.year, ages), df["CHILD"], x.child_codes(df["CHILD"]), asat)


def _oc2_frame(x: Extract, period, ages: tuple[int, int] | None) -> tuple[pd.DataFrame, pd.Timestamp]:
    if ages is not None:            # the year's whole cohort (kept), then the ages
        frame, asat = oc2_frame(x, period)
        return frame[x.age_on(frame["CHILD"], asat).between(*ages)], asat
    df, asat = annual_table(x, "oc2", period)
    cohort = oc2_cohort(x, asat.year) if len(df) else pd.Series([], dtype=object)
    rows = df.drop_duplicates("CHILD", keep="last").set_index("CHILD")
    return rows.reindex(pd.Index(cohort, name="CHILD")).reset_index(), asat


def flag(values: pd.Series) -> pd.Series:
    """An OC2 yes/no column: True where it is 1 (blank or any other value: not done)."""
    return pd.to_numeric(values, errors="coerce").eq(1)


def sdq_score(values: pd.Series) -> pd.Series:
    """The SDQ score as a number, blank when missing or outside 0-40 (an invalid score is no score)."""
    score = pd.to_numeric(values, errors="coerce")
    return score.where(score.between(*SDQ_RANGE))


def oc2_cases(x: Extract, period, column: str, under: int | None = None):
    """Children of the OC2 cohort of the year, counted in the numerator when ``column`` = 1 (a cohort child
    with no OC2 row is not done); with ``under``, only those younger than ``under`` at 31 March (the
    development check is for under-5s)."""
    ages = None if under is None else (0, under - 1)
    df, _ = oc2_frame(x, period, ages)
    return oc2_table(x, period, ages).cases(None, flag(df[column]))


@indicator(id="HEALTH_ASSESSMENT", title="% of children in care 12 months+ with an annual health assessment",
           published="OC2_HEALTH_CHECK",
           polarity="H", measure_type="SS", unit="%",
           numerator="children with an annual health assessment (OC2 health assessment 1) in the latest year",
           denominator="children looked after continuously for 12 months at 31 March (OC2 cohort)", group="Health",
           needs=("oc2.HEALTH_ASSESSMENT",), annual="OC2", order=80,
           definition_source=f"{OC2_SOURCE}: health assessments up to date")
def oc2_health_assessment(x: Extract, period, window):
    return oc2_cases(x, period, "HEALTH_ASSESSMENT")


@indicator(id="DEV_CHECK_U5", title="% of under-5s in care 12 months+ with a development check", polarity="H",
           published="OC2_DEVELOPMENT_CHECK",
           measure_type="SS", unit="%", numerator="under-5s with a development check in the latest OC2 year",
           denominator="under-5s looked after continuously for 12 months at 31 March (OC2 cohort)", group="Health",
           needs=("oc2.HEALTH_CHECK",), annual="OC2", order=90,
           definition_source=f"{OC2_SOURCE}: development assessments up to date, children aged under 5; age "
                             f"here is at 31 March")
def oc2_health_check(x: Extract, period, window):
    return oc2_cases(x, period, "HEALTH_CHECK", under=5)


@indicator(id="DENTAL_CHECK", title="% of children in care 12 months+ with a dental check", polarity="H",
           published="OC2_DENTAL",
           measure_type="SS", unit="%", numerator="children with a dental check in the latest OC2 year",
           denominator="children looked after continuously for 12 months at 31 March (OC2 cohort)", group="Health",
           needs=("oc2.TEETH_CHECK",), annual="OC2", order=100,
           definition_source=f"{OC2_SOURCE}: teeth checked by a dentist")
def oc2_teeth_check(x: Extract, period, window):
    return oc2_cases(x, period, "TEETH_CHECK")


@indicator(id="IMMUNISATIONS", title="% of children in care 12 months+ whose immunisations are up to date",
           published="OC2_IMMUNISATIONS",
           polarity="H", measure_type="SS", unit="%",
           numerator="children with immunisations up to date in the latest OC2 year",
           denominator="children looked after continuously for 12 months at 31 March (OC2 cohort)", group="Health",
           needs=("oc2.IMMUNISATIONS",), annual="OC2", order=102, rated=False,
           definition_source=f"{OC2_SOURCE}: immunisations up to date (the DfE's outcomes table, health care "
                             f"and development). Unrated: the DfE sets no target")
def oc2_immunisations(x: Extract, period, window):
    return oc2_cases(x, period, "IMMUNISATIONS")


SDQ_AGES = (5, 16)   # the DfE publishes SDQ for the cohort aged 5 to 16 at 31 March (collected for ages 4 to 16)


@indicator(id="OC2_SDQ_SCORED", title="% of children in care 12 months+ aged 5-16 with an SDQ score",
           polarity="H", measure_type="SS", unit="%",
           numerator="children aged 5-16 with a valid SDQ score (0-40) in the latest OC2 year",
           denominator="children aged 5-16 at 31 March looked after continuously for 12 months (OC2 cohort)",
           group="Health", needs=("oc2.SDQ_SCORE",), annual="OC2", order=103, rated=False,
           definition_source=f"{OC2_SOURCE}: table la_conviction_health_outcome_cla, 'Ages 5 to 16 years with SDQ "
                             f"score' / 'SDQ score was received' of 'Total ages 5 to 16 years' (the publication "
                             f"reports ages 5 to 16 at 31 March although the 903 collects the SDQ from age 4). A "
                             f"score outside 0-40 is no score. Unrated: the DfE sets no target")
def oc2_sdq_scored(x: Extract, period, window):
    df, _ = oc2_frame(x, period, SDQ_AGES)
    return oc2_table(x, period, SDQ_AGES).cases(None, sdq_score(df["SDQ_SCORE"]).notna())


@indicator(id="OC2_SDQ_AVERAGE", title="Average SDQ score of children in care 12 months+ aged 5-16",
           polarity="L", measure_type="SS", unit="ratio", numerator="sum of the valid SDQ scores (0-40)",
           denominator="children aged 5-16 at 31 March in the OC2 cohort with a valid SDQ score", group="Health",
           needs=("oc2.SDQ_SCORE",), annual="OC2", order=104, rated=False,
           definition_source=f"{OC2_SOURCE}: table la_conviction_health_outcome_cla, 'Ages 5 to 16 years with SDQ "
                             f"score' / 'SDQ average score' (over the children with a score; a lower score is "
                             f"fewer difficulties). Unrated: the DfE sets no target")
def oc2_sdq_average(x: Extract, period, window):
    df, _ = oc2_frame(x, period, SDQ_AGES)
    score = sdq_score(df["SDQ_SCORE"])
    scored = score.notna().to_numpy()
    return oc2_table(x, period, SDQ_AGES).cases(scored, score[scored])
