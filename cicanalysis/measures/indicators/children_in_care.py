"""Children in care: the numbers in care at the period end, split by UASC status, and the rate per 10,000."""
from __future__ import annotations

import numpy as np

from ...model.extract import Extract
from .cases import DFE_CLA, in_care_table
from .registry import indicator


@indicator(id="CIC_CITIZEN", title="Number of citizen children in care (excluding UASC)", polarity="L",
           measure_type="SS", unit="count", numerator="children in care at the period end who are not UASC",
           denominator="-", uasc="exclude", group="Children in care", order=10,
           definition_source=f"{DFE_CLA}: children looked after at 31 March, of whom unaccompanied asylum-seeking "
                             f"children (the national table's UASC split); counted here at any month end")
@indicator(id="CIC_UASC", title="Number of unaccompanied asylum-seeking children in care", polarity="L",
           published="UASC_CIC",
           measure_type="SS", unit="count", numerator="UASC in care at the period end", denominator="-",
           uasc="only", group="Children in care", order=20,
           definition_source=f"{DFE_CLA}: unaccompanied asylum-seeking children looked after at 31 March; "
                             f"counted here at any month end")
@indicator(id="CIC_TOTAL", title="Number of children in care", polarity="L", measure_type="SS", unit="count",
           published="CIC_TOTAL",
           numerator="children in care at the period end", denominator="-", group="Children in care", order=30,
           definition_source=f"{DFE_CLA}: children looked after at 31 March; counted here at any month end")
@indicator(id="CIC_RATE", title="Children in care per 10,000 children aged 0-17", polarity="L", measure_type="SS",
           published="CIC_RATE",
           unit="per 10,000", numerator="children in care at the period end",
           denominator="child population aged 0-17 / 10,000", group="Children in care", order=40,
           definition_source=f"{DFE_CLA}: rate of children looked after at 31 March per 10,000 children aged "
                             f"under 18 (ONS mid-year population estimates); counted here at any month end")
def children_in_care(x: Extract, period, window):
    return in_care_table(x, period).cases(None, 1.0, np.nan)
