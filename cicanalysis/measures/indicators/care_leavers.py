"""Care leavers: the OC3 outcomes of care leavers aged 19-21 (in touch, suitable accommodation, EET)."""
from __future__ import annotations

from typing import Callable

import pandas as pd

from ...model.extract import Extract
from .cases import DFE_CLA, GUIDE_903, annual_table, cases
from .registry import indicator

EET_CODES = ("F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5")
OC3_SOURCE = (f"{DFE_CLA}: care leavers now aged 19, 20 and 21 (the OC3 cohort, information around their "
              f"birthday); OC3 codes as in the {GUIDE_903}")


def oc3_cases(x: Extract, period, rule: Callable[[pd.DataFrame], pd.Series]):
    """Care leavers in the OC3 cohort of the year, counted in the numerator when ``rule`` holds."""
    df, asat = annual_table(x, "oc3", period)
    return cases(df["CHILD"], rule(df).fillna(False), 1.0, asat)


@indicator(id="CL_IN_TOUCH", title="% of care leavers aged 19-21 the authority is in touch with", polarity="H",
           published="CL_1921_IN_TOUCH",
           measure_type="SS", unit="%", numerator="care leavers with IN_TOUCH = YES",
           denominator="care leavers aged 19-21 in the latest OC3 year", group="Care leavers",
           needs=("oc3.IN_TOUCH",), annual="OC3", order=130,
           definition_source=f"{OC3_SOURCE}: in touch with the authority (IN_TOUCH = YES)")
def care_leavers_in_touch(x: Extract, period, window):
    return oc3_cases(x, period, lambda d: d["IN_TOUCH"] == "YES")


@indicator(id="CL_SUITABLE_ACCOM", title="% of care leavers aged 19-21 in suitable accommodation", polarity="H",
           published="CL_1921_SUITABLE_ACCOM",
           measure_type="SS", unit="%", numerator="care leavers whose ACCOM code ends in 1 (suitable)",
           denominator="care leavers aged 19-21 in the latest OC3 year", group="Care leavers",
           needs=("oc3.ACCOM",), annual="OC3", order=140,
           definition_source=f"{OC3_SOURCE}: in accommodation considered suitable (ACCOM codes ending 1)")
def care_leavers_suitable_accommodation(x: Extract, period, window):
    return oc3_cases(x, period, lambda d: d["ACCOM"].astype("string").str.endswith("1"))


@indicator(id="CL_EET", title="% of care leavers aged 19-21 in education, employment or training", polarity="H",
           published="CL_1921_EET",
           measure_type="SS", unit="%", numerator="care leavers with ACTIV F1, P1, F2, P2, F4, P4, F5 or P5",
           denominator="care leavers aged 19-21 in the latest OC3 year", group="Care leavers",
           needs=("oc3.ACTIV",), annual="OC3", order=150,
           definition_source=f"{OC3_SOURCE}: in education, employment or training (ACTIV {', '.join(EET_CODES)}; "
                             f"this code list is the local reading of the guide's EET codes)")
def care_leavers_eet(x: Extract, period, window):
    return oc3_cases(x, period, lambda d: d["ACTIV"].isin(EET_CODES))
