"""Health: initial health assessments (supplied) and the OC2 annual health, development and dental checks."""
from __future__ import annotations

from ...model.extract import Extract
from .cases import DFE_CLA, GUIDE_903, annual_table, cases
from .registry import declare_supplied, indicator

OC2_SOURCE = (f"{DFE_CLA}: outcomes for children looked after continuously for at least 12 months at 31 March "
              f"(the OC2 cohort); OC2 columns as in the {GUIDE_903}")

declare_supplied(
    id="IHA_20WD", title="% initial health assessments within 20 working days of entering care", polarity="H",
    measure_type="YTD", unit="%", numerator="initial health assessments held within 20 working days (supplied)",
    denominator="children entering care (supplied)", group="Health", order=50,
    definition_source="Local measure: supplied by the authority (health partners' records); the 20 working days "
                      "is the statutory guidance's timescale for the initial health assessment, not a DfE "
                      "published statistic")


def oc2_cases(x: Extract, period, column: str, under: int | None = None):
    """Children in the OC2 cohort of the year (in care 12 months+ at 31 March) with ``column`` = 1; with
    ``under``, only those younger than ``under`` at 31 March (the development check is for under-5s)."""
    df, asat = annual_table(x, "oc2", period)
    if under is not None:
        df = df[x.age_on(df["CHILD"], asat) < under]
    return cases(df["CHILD"], df[column] == 1, 1.0, asat)


@indicator(id="HEALTH_ASSESSMENT", title="% of children in care 12 months+ with an annual health assessment",
           published="OC2_HEALTH_CHECK",
           polarity="H", measure_type="SS", unit="%",
           numerator="children with an annual health assessment (OC2 health assessment 1) in the latest year",
           denominator="children in care 12 months+ at 31 March (OC2)", group="Health",
           needs=("oc2.HEALTH_ASSESSMENT",), annual="OC2", order=80,
           definition_source=f"{OC2_SOURCE}: health assessments up to date")
def oc2_health_assessment(x: Extract, period, window):
    return oc2_cases(x, period, "HEALTH_ASSESSMENT")


@indicator(id="DEV_CHECK_U5", title="% of under-5s in care 12 months+ with a development check", polarity="H",
           published="OC2_DEVELOPMENT_CHECK",
           measure_type="SS", unit="%", numerator="under-5s with HEALTH_CHECK = 1 in the latest OC2 year",
           denominator="under-5s in care 12 months+ at 31 March (OC2)", group="Health",
           needs=("oc2.HEALTH_CHECK",), annual="OC2", order=90,
           definition_source=f"{OC2_SOURCE}: development assessments up to date, children aged under 5; age "
                             f"here is at 31 March")
def oc2_health_check(x: Extract, period, window):
    return oc2_cases(x, period, "HEALTH_CHECK", under=5)


@indicator(id="DENTAL_CHECK", title="% of children in care 12 months+ with a dental check", polarity="H",
           published="OC2_DENTAL",
           measure_type="SS", unit="%", numerator="children with TEETH_CHECK = 1 in the latest OC2 year",
           denominator="children in care 12 months+ at 31 March (OC2)", group="Health",
           needs=("oc2.TEETH_CHECK",), annual="OC2", order=100,
           definition_source=f"{OC2_SOURCE}: teeth checked by a dentist")
def oc2_teeth_check(x: Extract, period, window):
    return oc2_cases(x, period, "TEETH_CHECK")


@indicator(id="IMMUNISATIONS", title="% of children in care 12 months+ whose immunisations are up to date",
           published="OC2_IMMUNISATIONS",
           polarity="H", measure_type="SS", unit="%",
           numerator="children with IMMUNISATIONS = 1 in the latest OC2 year",
           denominator="children in care 12 months+ at 31 March (OC2)", group="Health",
           needs=("oc2.IMMUNISATIONS",), annual="OC2", order=102, rated=False,
           definition_source=f"{OC2_SOURCE}: immunisations up to date (the DfE's outcomes table, health care "
                             f"and development). Unrated: the DfE sets no target")
def oc2_immunisations(x: Extract, period, window):
    return oc2_cases(x, period, "IMMUNISATIONS")
