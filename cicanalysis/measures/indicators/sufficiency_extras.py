"""The sufficiency strategy's indicators that are not on the monthly scorecard (``metrics.EXTRA``)."""
from __future__ import annotations

import numpy as np

from ...model.extract import LONG_TERM_FOSTER, Extract
from .cases import DFE_CLA, GUIDE_903, in_care_table, timescale_days, periods_of_care_cases
from .flows import first_starts
from .registry import indicator


@indicator(id="CIC_STARTED", title="Children entering care in the quarter", polarity="L", measure_type="Q",
           unit="count", numerator="children starting to be looked after (RNE S) in the quarter, each child once",
           denominator="-", group="Children in care", order=1010, on_scorecard=False,
           definition_source=f"{DFE_CLA}: children who started to be looked after during the year, each child once "
                             f"by the first occasion; counted here per quarter")
def children_entering_care(x: Extract, period, window):
    """Children starting to be looked after in the window (a child who started twice counts once, by the first
    occasion, as the DfE publishes starters)."""
    return periods_of_care_cases(x, "BLA", first_starts(x, window), 1.0, np.nan)


@indicator(id="LONG_TERM_FOSTER", title="Children in permanent long-term fostering (U1/U4)", polarity="H",
           measure_type="SS", unit="count", numerator="children in care at the period end placed in U1 or U4",
           denominator="-", group="Placements", order=1020, on_scorecard=False,
           definition_source=f"{DFE_CLA}: children looked after at 31 March by placement, long-term foster "
                             f"placements (U1 with a relative or friend, U4 with other carers; codes of the "
                             f"{GUIDE_903}); counted here at any quarter end")
def long_term_fostering(x: Extract, period, window):
    return in_care_table(x, period).cases(None, x.in_care_on(period)["PLACE"].isin(LONG_TERM_FOSTER), np.nan)


@indicator(id="BLA_TO_PLACED_R12M", title="Average days from entering care to being placed for adoption (12 months)",
           polarity="L", measure_type="R12M", unit="days", numerator="days from BLA to the first A3-A6 placement, summed",
           denominator="children placed for adoption in the 12 months", group="Adoption", order=1030,
           on_scorecard=False, rated=False,
           definition_source="Local measure: the A1 interval (entering care to moving in with the adoptive family) "
                             "for children placed for adoption in the 12 months, whether or not adopted yet; the "
                             "DfE's A1 counts children adopted (DfE, Adoption scorecards: methodology and guidance, "
                             "https://www.gov.uk/government/collections/adoption-scorecards)")
def bla_to_placed_for_adoption_days(x: Extract, period, window):
    """Days from BLA to moving in with the adoptive family, children placed for adoption in the window."""
    return timescale_days(x, "BLA_TO_PLACED", window)
